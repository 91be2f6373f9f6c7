package privacy

import (
	"context"
	"embed"
	"fmt"
	"time"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

//go:embed agreements/*.md
var agreementFiles embed.FS

// ProcessorAgreement is one version of the processor agreement
// (verwerkersovereenkomst) between a customer (controller) and HMS
// (processor), GDPR art. 28.
type ProcessorAgreement struct {
	Version   string     // e.g. "2026-01"
	Effective civil.Date // the day it applies from
	file      string
}

// Text is the agreement in Dutch, as Markdown.
func (a ProcessorAgreement) Text() string {
	b, err := agreementFiles.ReadFile(a.file)
	if err != nil {
		panic(fmt.Sprintf("privacy: agreement %s: %v", a.Version, err)) // embedded: cannot happen
	}
	return string(b)
}

// ProcessorAgreements are all versions, oldest first. A new version is
// added here with its own file; acceptances of older versions stay on
// record, but only the current one opens the door to new tenants.
var ProcessorAgreements = []ProcessorAgreement{
	{Version: "2026-01", Effective: civil.New(2026, time.January, 1), file: "agreements/verwerkersovereenkomst-2026-01.md"},
}

// CurrentProcessorAgreement is the newest version in effect on today (the
// first version before any is in effect).
func CurrentProcessorAgreement(today civil.Date) ProcessorAgreement {
	cur := ProcessorAgreements[0]
	for _, a := range ProcessorAgreements[1:] {
		if !a.Effective.After(today) {
			cur = a
		}
	}
	return cur
}

// Acceptance records that an owner accepted a version.
type Acceptance struct {
	Version    string
	UserID     int64
	AcceptedAt time.Time
}

// AgreementStatus is what the agreement page and the API show.
type AgreementStatus struct {
	Current  ProcessorAgreement
	Accepted *Acceptance  // of the current version, nil when not accepted
	History  []Acceptance // every acceptance, newest first
}

// ErrAgreementNotAccepted is the problem capabilities return when an
// action needs the current processor agreement (entering tenants).
var ErrAgreementNotAccepted = &validation.Problem{Status: 409, Code: "privacy.agreement_required"}

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }

// Current is the version in effect today.
func (s *Service) Current() ProcessorAgreement { return CurrentProcessorAgreement(s.today()) }

// AcceptProcessorAgreement records that the actor, an owner, accepts
// version, which must be the current one. Accepting again changes nothing.
func (s *Service) AcceptProcessorAgreement(ctx context.Context, actor account.Actor, version string) error {
	if !isOwner(actor) {
		return validation.ErrForbidden
	}
	cur := s.Current()
	if version != cur.Version {
		return validation.Errors{"version": "privacy.agreement_version"}
	}
	return s.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO privacy_agreement_acceptances (org_id, version, accepted_by, accepted_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (org_id, version) DO NOTHING`, tx.OrgID(), version, actor.UserID, db.TS(s.clk.Now()))
		if err != nil {
			return fmt.Errorf("accept processor agreement: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // accepted before
		}
		return s.audit.Record(ctx, tx,
			audit.Event{ActorUserID: actor.UserID, ActorKind: actor.Kind, Action: "privacy.processor_agreement_accepted",
				TargetType: "processor_agreement", TargetID: version, Details: map[string]string{"version": version}})
	})
}

// Accepted reports, inside the caller's transaction, whether the
// transaction's organisation has accepted the current version.
func (s *Service) Accepted(ctx context.Context, tx *db.Tx) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM privacy_agreement_acceptances WHERE org_id = $1 AND version = $2`,
		tx.OrgID(), s.Current().Version).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("processor agreement accepted: %w", err)
	}
	return n > 0, nil
}

// RequireAccepted returns ErrAgreementNotAccepted unless the current
// version is accepted.
func (s *Service) RequireAccepted(ctx context.Context, tx *db.Tx) error {
	ok, err := s.Accepted(ctx, tx)
	if err != nil {
		return err
	}
	if !ok {
		return ErrAgreementNotAccepted
	}
	return nil
}

// ProcessorAgreementStatus shows the current version and the
// organisation's acceptances to any member.
func (s *Service) ProcessorAgreementStatus(ctx context.Context, actor account.Actor) (*AgreementStatus, error) {
	if !actor.Can(account.PermOrgRead) {
		return nil, validation.ErrForbidden
	}
	st := &AgreementStatus{Current: s.Current()}
	err := s.db.ReadOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT version, accepted_by, accepted_at FROM privacy_agreement_acceptances
			WHERE org_id = $1 ORDER BY accepted_at DESC, id DESC`, tx.OrgID())
		if err != nil {
			return fmt.Errorf("list acceptances: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var a Acceptance
			var at string
			if err := rows.Scan(&a.Version, &a.UserID, &at); err != nil {
				return err
			}
			a.AcceptedAt, _ = db.ParseTS(at)
			st.History = append(st.History, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	for i := range st.History {
		if st.History[i].Version == st.Current.Version {
			st.Accepted = &st.History[i]
			break
		}
	}
	return st, nil
}
