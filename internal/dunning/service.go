package dunning

import (
	"context"
	"fmt"

	"hms/internal/account"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/mail"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// Deps are what the service needs.
type Deps struct {
	DB        *db.DB
	Audit     *audit.Log
	Clock     clock.Clock
	Ledger    *ledger.Service   // open items, the fiscal archive, posting the collection costs
	Leases    *lease.Service    // the lease's tenants and units
	Relations *relation.Service // tenants' names, addresses, e-mail; person or company
	Portfolio *portfolio.Service
	Billing   *billing.Service // the issuer as documents print it
	Outbox    *mail.Outbox     // nil: letters are stored, not mailed
	// Jobs, when set, gets the daily run's kinds (JobDaily, JobPropose).
	Jobs *jobs.Queue
}

// Service is the face of dunning.
type Service struct {
	db        *db.DB
	audit     *audit.Log
	clk       clock.Clock
	ledger    *ledger.Service
	leases    *lease.Service
	relations *relation.Service
	portfolio *portfolio.Service
	billing   *billing.Service
	outbox    *mail.Outbox
	jobs      *jobs.Queue
}

// New builds the service and registers its job kinds with d.Jobs.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	s := &Service{db: d.DB, audit: d.Audit, clk: d.Clock, ledger: d.Ledger, leases: d.Leases, relations: d.Relations,
		portfolio: d.Portfolio, billing: d.Billing, outbox: d.Outbox, jobs: d.Jobs}
	if d.Jobs != nil {
		s.registerJobs(d.Jobs)
	}
	return s
}

// Problems of this capability (message ids in dunning.<lang>.json).
var (
	// ErrChanged: the books changed since the confirmation was shown.
	ErrChanged = &validation.Problem{Status: 409, Code: "dunning.send.changed"}
	// ErrDecided: the proposal was decided on already.
	ErrDecided = &validation.Problem{Status: 409, Code: "dunning.proposal.decided"}
	// ErrNamedUser: only a named user may approve a hand-over (PRIVACY.md P13).
	ErrNamedUser = &validation.Problem{Status: 403, Code: "dunning.handover.named_user"}
	// ErrPlanEnded: the plan is not active any more.
	ErrPlanEnded = &validation.Problem{Status: 409, Code: "dunning.plan.ended"}
)

// PurposeLetter is the purpose logged when a letter reads the tenants.
const PurposeLetter = "dunning.letter"

// SystemActor is who the daily run acts as in an organisation: the system,
// with a bookkeeper's rights (it proposes and follows up plans; it never
// sends, charges or approves).
func SystemActor(orgID int64) account.Actor {
	return account.Actor{OrgID: orgID, Role: account.Bookkeeper, Kind: audit.ActorSystem}
}

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }
func (s *Service) now() string       { return db.TS(s.clk.Now()) }

// Today is the service's day (the injected clock), for pages that show
// days overdue.
func (s *Service) Today() civil.Date { return s.today() }

func (s *Service) record(ctx context.Context, tx *db.Tx, a account.Actor, action, targetType string, id int64,
	details map[string]string) error {
	kind := a.Kind
	if kind == "" {
		kind = audit.ActorUser
	}
	return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: kind, Action: action,
		TargetType: targetType, TargetID: fmt.Sprint(id), Details: details})
}

// --- settings ---

// Settings returns the organisation's dunning settings (defaults when unset).
func (s *Service) Settings(ctx context.Context, a account.Actor) (Settings, error) {
	if !a.Can(account.PermFinanceRead) {
		return Settings{}, validation.ErrForbidden
	}
	var st Settings
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		st, err = loadSettings(ctx, tx)
		return err
	})
	return st, err
}

// SaveSettings stores the organisation's dunning settings.
func (s *Service) SaveSettings(ctx context.Context, a account.Actor, st Settings) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	if fe := st.validate(); len(fe) > 0 {
		return validation.Errors(fe)
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := saveSettings(ctx, tx, st, s.now(), a.UserID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "dunning.settings_updated", "organisation", tx.OrgID(), map[string]string{
			"reminder_days": fmt.Sprint(st.ReminderDays), "notice_days": fmt.Sprint(st.NoticeDays), "final_days": fmt.Sprint(st.FinalDays),
			"term_days": fmt.Sprint(st.TermDays), "receipt_days": fmt.Sprint(st.ReceiptDays), "handover_days": fmt.Sprint(st.HandoverDays),
			"plan_grace_days": fmt.Sprint(st.PlanGraceDays), "costs_vat": fmt.Sprint(st.CostsVAT), "company_costs": fmt.Sprint(st.CompanyCosts)})
	})
}
