package subscription

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	hmsmail "hms/internal/platform/mail"
)

// dailyHour is when the reminders go out, Amsterdam time.
const dailyHour = 7

func (s *Service) registerJobs(q *jobs.Queue) {
	q.Register(JobReminders, func(ctx context.Context, j *jobs.Job) error {
		if _, err := s.SendReminders(ctx); err != nil {
			return err
		}
		if _, err := s.UpdatePastDue(ctx); err != nil {
			return err
		}
		return s.ScheduleReminders(ctx, nextRun(s.clk.Now()))
	}, jobs.MaxAttempts(5))
	s.registerInvoiceJob(q)
}

// nextRun is dailyHour in Amsterdam the day after now.
func nextRun(now time.Time) time.Time {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return now.Add(24 * time.Hour)
	}
	t := now.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day()+1, dailyHour, 0, 0, 0, loc)
}

// ScheduleReminders queues the daily reminder run for at, one per day.
func (s *Service) ScheduleReminders(ctx context.Context, at time.Time) error {
	if s.jobs == nil {
		return nil
	}
	err := s.db.System(ctx, func(tx *db.Tx) error {
		_, err := s.jobs.Enqueue(ctx, tx, JobReminders, nil, jobs.UniqueKey(civil.Today(at).String()), jobs.RunAt(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("schedule trial reminders: %w", err)
	}
	return nil
}

// reminderDue is the reminder an organisation with daysLeft calendar days
// of trial is due: the smallest of ReminderDays at or above daysLeft, so a
// trial shortened past the 7-day mark gets the 1-day reminder only when it
// is one day away. 0: none.
func reminderDue(daysLeft int) int {
	if daysLeft <= 0 {
		return 0
	}
	due := 0
	for _, d := range ReminderDays {
		if daysLeft <= d && (due == 0 || d < due) {
			due = d
		}
	}
	return due
}

// SendReminders mails the owners of every organisation whose trial ends
// in 7 or 1 days the reminder that is due, each reminder once (the record
// and the mail are one transaction). It returns how many messages it
// queued.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.clk.Now()
	today := civil.Today(now)
	var orgs []trialOrg
	if err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		orgs, err = trialsTx(ctx, tx)
		return err
	}); err != nil {
		return 0, err
	}
	total := 0
	for _, o := range orgs {
		end := civil.Today(o.TrialEnds)
		days := reminderDue(today.DaysUntil(end))
		if days == 0 || !slices.Contains(ReminderDays, days) {
			continue
		}
		err := s.db.System(ctx, func(tx *db.Tx) error {
			first, err := claimReminderTx(ctx, tx, o.ID, days, now)
			if err != nil || !first {
				return err
			}
			owners, err := s.owners.OwnerContacts(ctx, tx, o.ID)
			if err != nil {
				return err
			}
			slug, err := slugTx(ctx, tx, o.ID)
			if err != nil {
				return err
			}
			for _, c := range owners {
				data := map[string]any{"Organisation": o.Name, "Days": days, "Date": end.Long(c.Lang),
					"Link": s.baseURL() + "/o/" + slug + "/settings/subscription"}
				if _, err := s.outbox.Send(ctx, tx, hmsmail.Message{To: c.Email, Subject: s.texts.T(c.Lang, "mail.trial.subject", data),
					Text: s.texts.T(c.Lang, "mail.trial.body", data)}); err != nil {
					return fmt.Errorf("trial reminder for %d: %w", o.ID, err)
				}
			}
			total += len(owners)
			if err := setReminderRecipientsTx(ctx, tx, o.ID, days, len(owners)); err != nil {
				return err
			}
			return s.record(ctx, tx, 0, "system", "subscription.trial_reminder", "organisation", o.ID,
				map[string]string{"days": fmt.Sprint(days)})
		})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Customer is one organisation in the console's customer list: HMS's
// relationship with it, never its tenants.
type Customer struct {
	OrgID        int64
	Slug         string
	Name         string
	Standing     Standing
	Units        int
	PlanName     string
	Monthly      money.Cents
	BillingEmail string
	EndsSoon     bool // a trial ending within seven days
}

// Customers lists every organisation for staff: trials ending within a
// week first (soonest first), then the rest by name.
func (s *Service) Customers(ctx context.Context) ([]Customer, error) {
	now := s.clk.Now()
	var out []Customer
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		rows, err := customersTx(ctx, tx)
		if err != nil {
			return err
		}
		for _, r := range rows {
			c := Customer{OrgID: r.ID, Slug: r.Slug, Name: r.Name, Standing: standingAt(r.TrialEnds, r.Sub != nil, now)}
			if r.PastDue {
				c.Standing.State = StatePastDue
			}
			if c.Standing.Cancellation = r.Cancel; r.Cancel != nil && r.Cancel.Effective(now) {
				c.Standing.State, c.Standing.DaysLeft = StateCancelled, 0
			}
			if r.Sub != nil {
				c.PlanName, c.Monthly, c.Units = r.Sub.PlanName, r.Sub.Monthly, r.Sub.Units
				js, err := s.vault.Open(ctx, tx, r.Sub.Subject, "subscriptions.details", r.Sub.Details)
				if err != nil {
					return err
				}
				var d Details
				if err := json.Unmarshal(js, &d); err != nil {
					return fmt.Errorf("subscription: details: %w", err)
				}
				c.BillingEmail = d.Email
			}
			c.EndsSoon = c.Standing.InTrial() && c.Standing.DaysLeft <= 7
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The number of units now: counted in each organisation's own
	// transaction (the system role reads no business table).
	for i := range out {
		if out[i].PlanName != "" {
			continue
		}
		if out[i].Units, err = s.units(ctx, out[i].OrgID); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(out, func(a, b Customer) int {
		if a.EndsSoon != b.EndsSoon {
			if a.EndsSoon {
				return -1
			}
			return 1
		}
		if a.EndsSoon {
			return a.Standing.TrialEndsAt.Compare(b.Standing.TrialEndsAt)
		}
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out, nil
}
