package privacy

import (
	"context"
	"fmt"
	"time"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/validation"
)

// JobAnnounce mails, once a day, every announced version that is to be
// announced (PolicyVersion.Announces) and was not mailed yet, and
// schedules the next day's run, as the retention job does.
const JobAnnounce = "privacy.announce"

// UserMailer sends every user one message in their language, in a System
// transaction (account.Service).
type UserMailer interface {
	MailEveryUser(ctx context.Context, tx *db.Tx, id string, joinedBefore civil.Date, data func(lang string) map[string]any) (int, error)
}

// Policies are the versions the service publishes.
func (s *Service) Policies() *Policies { return s.policies }

// Today is the service clock's day (pages ask which version is current).
func (s *Service) Today() civil.Date { return s.today() }

// PolicyPath is the page of a version on the public site.
func PolicyPath(doc PolicyDoc, version string) string {
	if doc == Terms {
		return "/voorwaarden/versies/" + version
	}
	return "/privacy/versies/" + version
}

func (s *Service) registerJobs(q *jobs.Queue) {
	q.Register(JobAnnounce, func(ctx context.Context, j *jobs.Job) error {
		if _, err := s.AnnouncePolicies(ctx); err != nil {
			return err
		}
		return s.ScheduleAnnounce(ctx, s.clk.Now().Add(24*time.Hour))
	}, jobs.MaxAttempts(5))
}

// ScheduleAnnounce queues JobAnnounce for at, one per day.
func (s *Service) ScheduleAnnounce(ctx context.Context, at time.Time) error {
	err := s.db.System(ctx, func(tx *db.Tx) error {
		_, err := s.jobs.Enqueue(ctx, tx, JobAnnounce, nil, jobs.UniqueKey(at.UTC().Format(time.DateOnly)), jobs.RunAt(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("schedule policy announcements: %w", err)
	}
	return nil
}

// AnnouncePolicies mails every user about each version announced by today
// that is to be announced, is not superseded by a later version in effect,
// and was not mailed before, to every user whose account is older than the
// version's announcement: who signs up from that day on reads the version
// on the site (the terms page names the upcoming one) and in the banner,
// and a product started on a later day does not mail its new users about
// versions that came before them. The record of the mailing and the mail
// are one transaction, so running it again (or twice at once) mails once.
// It returns how many messages it queued.
func (s *Service) AnnouncePolicies(ctx context.Context) (int, error) {
	today := s.today()
	total := 0
	for _, doc := range PolicyDocs {
		cur := s.policies.Current(doc, today)
		for _, v := range s.policies.Published(doc, today) {
			if !v.Announces() || v.Version < cur.Version {
				continue
			}
			err := s.db.System(ctx, func(tx *db.Tx) error {
				res, err := tx.ExecContext(ctx, `INSERT INTO policy_announcements (document, version, mailed_at, recipients)
					VALUES ($1, $2, $3, 0) ON CONFLICT (document, version) DO NOTHING`, string(doc), v.Version, db.TS(s.clk.Now()))
				if err != nil {
					return fmt.Errorf("record announcement: %w", err)
				}
				if n, _ := res.RowsAffected(); n == 0 {
					return nil // mailed before
				}
				n, err := s.users.MailEveryUser(ctx, tx, "mail.policy_"+string(doc), v.Announced, func(lang string) map[string]any {
					return map[string]any{"Version": v.Version, "Date": v.Effective.Long(lang), "Summary": v.Summary(lang),
						"Link": s.baseURL() + PolicyPath(doc, v.Version)}
				})
				if err != nil {
					return err
				}
				total += n
				_, err = tx.ExecContext(ctx, `UPDATE policy_announcements SET recipients = $1 WHERE document = $2 AND version = $3`,
					n, string(doc), v.Version)
				return err
			})
			if err != nil {
				return total, fmt.Errorf("announce %s %s: %w", doc, v.Version, err)
			}
		}
	}
	return total, nil
}

// PolicyNotices are the versions a user's banner names: the current
// privacy policy when it was a material change, and a terms version still
// to take effect; each until the user dismisses it.
func (s *Service) PolicyNotices(ctx context.Context, userID int64) ([]PolicyVersion, error) {
	today := s.today()
	var cand []PolicyVersion
	if v := s.policies.Current(PrivacyPolicy, today); v.Announces() {
		cand = append(cand, v)
	}
	if v, ok := s.policies.Upcoming(Terms, today); ok && v.Announces() {
		cand = append(cand, v)
	}
	if len(cand) == 0 {
		return nil, nil
	}
	seen := map[string]bool{}
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT document, version FROM policy_dismissals WHERE user_id = $1`, userID)
		if err != nil {
			return fmt.Errorf("policy dismissals: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var d, v string
			if err := rows.Scan(&d, &v); err != nil {
				return err
			}
			seen[d+" "+v] = true
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	var out []PolicyVersion
	for _, v := range cand {
		if !seen[string(v.Document)+" "+v.Version] {
			out = append(out, v)
		}
	}
	return out, nil
}

// ErrNoPolicyNotice: the version is not (or no longer) in the user's banner.
var ErrNoPolicyNotice = &validation.Problem{Status: 409, Code: "policy.no_notice"}

// DismissPolicyNotice records that the user read the banner of a version
// it shows them. Dismissing again changes nothing.
func (s *Service) DismissPolicyNotice(ctx context.Context, userID int64, doc, version string) error {
	notices, err := s.PolicyNotices(ctx, userID)
	if err != nil {
		return err
	}
	found := false
	for _, v := range notices {
		found = found || (string(v.Document) == doc && v.Version == version)
	}
	if !found {
		return ErrNoPolicyNotice
	}
	return s.db.System(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO policy_dismissals (user_id, document, version, dismissed_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, document, version) DO NOTHING`, userID, doc, version, db.TS(s.clk.Now()))
		if err != nil {
			return fmt.Errorf("dismiss policy notice: %w", err)
		}
		return nil
	})
}
