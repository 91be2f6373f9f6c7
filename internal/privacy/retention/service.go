// Package retention keeps personal data no longer than necessary (PRIVACY.md
// P19): each organisation's rules per category within the bounds of Limits,
// legal holds per person or lease, and the daily job privacy.retention that
// erases former tenants whose period passed (through privacy.Rights.Erase,
// which refuses where obligations remain: reported, not errors), destroys
// the fiscal archive of expired years (ledger.ShredFiscalYear), prunes the
// audit log behind a signed checkpoint and the organisation's sent mail and
// finished jobs. Preview says what the next run will do; Run does it.
package retention

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/validation"
	"hms/internal/privacy"
	"hms/internal/privacy/guard"
)

// JobDaily is the daily run over every organisation.
const JobDaily = "privacy.retention"

// Names gives people's names as lists show them (relation.Service).
type Names interface {
	Names(ctx context.Context, a account.Actor, ids ...int64) (map[int64]string, error)
}

// Deps is what the service needs.
type Deps struct {
	DB     *db.DB
	Audit  *audit.Log
	Clock  clock.Clock
	Keys   audit.KeyDeriver // the vault: the audit checkpoints' key
	Rights *privacy.Rights
	Ledger *ledger.Service
	Names  Names
	Jobs   *jobs.Queue // when set, JobDaily is registered
}

// Service is the face of retention.
type Service struct {
	db     *db.DB
	audit  *audit.Log
	clk    clock.Clock
	keys   audit.KeyDeriver
	rights *privacy.Rights
	ledger *ledger.Service
	names  Names
	jobs   *jobs.Queue
}

// New builds the service and registers JobDaily with d.Jobs.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	s := &Service{db: d.DB, audit: d.Audit, clk: d.Clock, keys: d.Keys, rights: d.Rights, ledger: d.Ledger, names: d.Names, jobs: d.Jobs}
	if d.Jobs != nil {
		d.Jobs.Register(JobDaily, s.daily, jobs.MaxAttempts(3), jobs.Timeout(time.Hour))
	}
	return s
}

// SystemActor is who the daily job acts as: the organisation's owner role,
// recorded as the system.
func SystemActor(org int64) account.Actor {
	return account.Actor{OrgID: org, Role: account.Owner, Kind: audit.ActorSystem}
}

// CanChange: owners set rules and holds.
func CanChange(a account.Actor) bool { return privacy.CanDecide(a) }

// CanPreview: owners and managers see holds and the dry run (names).
func CanPreview(a account.Actor) bool { return privacy.CanExport(a) }

// Rules returns the organisation's rules, every category, defaults filled in.
func (s *Service) Rules(ctx context.Context, a account.Actor) ([]Rule, error) {
	if !a.Can(account.PermOrgRead) {
		return nil, validation.ErrForbidden
	}
	var out []Rule
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = rulesTx(ctx, tx)
		return err
	})
	return out, err
}

func rulesTx(ctx context.Context, tx *db.Tx) ([]Rule, error) {
	set, err := storedRules(ctx, tx)
	if err != nil {
		return nil, err
	}
	out := make([]Rule, 0, len(Categories))
	for _, c := range Categories {
		b := Limits[c]
		r := Rule{Category: c, Period: b.Default, Bounds: b}
		if p, ok := set[c]; ok {
			r.Period, r.Changed = p, true
		}
		out = append(out, r)
	}
	return out, nil
}

func period(rules []Rule, c Category) int {
	for _, r := range rules {
		if r.Category == c {
			return r.Period
		}
	}
	return Limits[c].Default
}

// SetRules sets the periods given (the others stay). A period outside its
// category's bounds is refused at its field (the category's name) and
// nothing changes.
func (s *Service) SetRules(ctx context.Context, a account.Actor, periods map[Category]int) error {
	if !CanChange(a) {
		return validation.ErrForbidden
	}
	errs := validation.Errors{}
	for c, p := range periods {
		b, ok := Limits[c]
		switch {
		case !ok:
			errs[string(c)] = "field.invalid"
		case p < b.Min:
			errs[string(c)] = "retention.too_short"
		case p > b.Max:
			errs[string(c)] = "retention.too_long"
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		details := map[string]string{}
		for _, c := range Categories {
			p, ok := periods[c]
			if !ok {
				continue
			}
			if err := putRule(ctx, tx, c, p, a.UserID, db.TS(s.clk.Now())); err != nil {
				return err
			}
			details[string(c)] = fmt.Sprint(p)
		}
		return s.record(ctx, tx, a, "privacy.retention_rules_set", "organisation", fmt.Sprint(tx.OrgID()), details)
	})
}

func (s *Service) record(ctx context.Context, tx *db.Tx, a account.Actor, action, targetType, id string, details map[string]string) error {
	kind := a.Kind
	if kind == "" {
		kind = audit.ActorUser
	}
	return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: kind, Action: action,
		TargetType: targetType, TargetID: id, Details: details})
}

// Hold is a legal hold: while it is not lifted, the retention job erases
// and destroys nothing it covers.
type Hold struct {
	ID       int64
	Kind     HoldKind
	TargetID int64
	Target   string // the person's name or the lease's reference
	Reason   string
	PlacedAt time.Time
	LiftedAt time.Time // zero while it holds
}

// Active reports whether the hold still holds.
func (h Hold) Active() bool { return h.LiftedAt.IsZero() }

// HoldInput places a hold.
type HoldInput struct {
	Kind     HoldKind
	TargetID int64
	Reason   string // guarded free text (guard.Text)
}

// Holds lists the organisation's holds, active ones first.
func (s *Service) Holds(ctx context.Context, a account.Actor) ([]Hold, error) {
	if !CanPreview(a) {
		return nil, validation.ErrForbidden
	}
	var out []Hold
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = listHolds(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, s.nameHolds(ctx, a, out)
}

func (s *Service) nameHolds(ctx context.Context, a account.Actor, hs []Hold) error {
	var ids []int64
	for _, h := range hs {
		if h.Kind == HoldPerson {
			ids = append(ids, h.TargetID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	names, err := s.names.Names(ctx, a, ids...)
	if err != nil {
		return err
	}
	for i := range hs {
		if hs[i].Kind == HoldPerson {
			hs[i].Target = names[hs[i].TargetID]
		}
	}
	return nil
}

// PlaceHold places a legal hold on a person or a lease of the organisation.
func (s *Service) PlaceHold(ctx context.Context, a account.Actor, in HoldInput) (int64, error) {
	if !CanChange(a) {
		return 0, validation.ErrForbidden
	}
	errs := validation.Errors{}
	if !slices.Contains(HoldKinds, in.Kind) {
		errs["kind"] = "field.invalid"
	}
	if in.TargetID <= 0 {
		errs["target"] = "field.required"
	}
	if in.Reason == "" {
		errs["reason"] = "field.required"
	} else if len(in.Reason) > 500 {
		errs["reason"] = "retention.reason_too_long"
	}
	if len(errs) > 0 {
		return 0, errs
	}
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ok, err := holdTargetExists(ctx, tx, in.Kind, in.TargetID)
		if err != nil {
			return err
		}
		if !ok {
			return validation.Errors{"target": "field.invalid"}
		}
		if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "reason", Value: in.Reason}); err != nil {
			return err
		}
		if id, err = insertHold(ctx, tx, in, a.UserID, db.TS(s.clk.Now())); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "privacy.legal_hold_placed", string(in.Kind), fmt.Sprint(in.TargetID),
			map[string]string{"hold": fmt.Sprint(id)})
	})
	return id, err
}

// LiftHold lifts a hold; the next run may then erase what it covered.
func (s *Service) LiftHold(ctx context.Context, a account.Actor, id int64) error {
	if !CanChange(a) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := liftHold(ctx, tx, id, a.UserID, db.TS(s.clk.Now())); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "privacy.legal_hold_lifted", "legal_hold", fmt.Sprint(id), nil)
	})
}

// Person is a person the plan names.
type Person struct {
	ID    int64
	Name  string
	Since civil.Date // their last obligation ended
	Due   civil.Date // Since plus the period: erased from this day
	// Refusal is why the erasure will be (or was) refused: the message id of
	// the obligation that remains (privacy.erase_running_lease, …); "" when not.
	Refusal string
}

// Plan is what a run does on Day: the dry run, and the run's report.
type Plan struct {
	Day   civil.Date
	Rules []Rule
	// Erase: former tenants whose period passed; those with a Refusal are
	// reported and kept.
	Erase []Person
	// Held: former tenants whose period passed but a legal hold covers.
	Held []Person
	// FiscalYears are the years whose archive is destroyed; HeldYears those
	// a hold keeps.
	FiscalYears []int
	HeldYears   []int
	AuditBefore time.Time // events recorded before this are pruned
	AuditEvents int64
	MailBefore  time.Time
	Mail        int64
	Jobs        int64
}

// Erased are the persons the plan erases (no refusal).
func (p *Plan) Erased() []Person {
	var out []Person
	for _, x := range p.Erase {
		if x.Refusal == "" {
			out = append(out, x)
		}
	}
	return out
}

// Refused are the persons whose erasure is refused.
func (p *Plan) Refused() []Person {
	var out []Person
	for _, x := range p.Erase {
		if x.Refusal != "" {
			out = append(out, x)
		}
	}
	return out
}

// Preview says what the next run will do, changing nothing. Refusals come
// from privacy.Rights.PreviewErase, which runs the erasure and rolls back.
func (s *Service) Preview(ctx context.Context, a account.Actor) (*Plan, error) {
	if !CanPreview(a) {
		return nil, validation.ErrForbidden
	}
	p, err := s.plan(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	for i, x := range p.Erase {
		if _, err := s.rights.PreviewErase(ctx, SystemActor(a.OrgID), x.ID); err != nil {
			if p.Erase[i].Refusal = refusal(err); p.Erase[i].Refusal == "" {
				return nil, err
			}
		}
	}
	return p, s.name(ctx, a, p)
}

// refusal is the message id of an erasure refused because an obligation
// remains, "" for any other error.
func refusal(err error) string {
	var pr *validation.Problem
	if errors.As(err, &pr) && pr.Status == 409 {
		return pr.Code
	}
	return ""
}

func (s *Service) name(ctx context.Context, a account.Actor, p *Plan) error {
	var ids []int64
	for _, x := range append(append([]Person{}, p.Erase...), p.Held...) {
		ids = append(ids, x.ID)
	}
	if len(ids) == 0 {
		return nil
	}
	names, err := s.names.Names(ctx, a, ids...)
	if err != nil {
		return err
	}
	for i := range p.Erase {
		p.Erase[i].Name = names[p.Erase[i].ID]
	}
	for i := range p.Held {
		p.Held[i].Name = names[p.Held[i].ID]
	}
	return nil
}

// plan reads what is due in the organisation on the service's today.
func (s *Service) plan(ctx context.Context, org int64) (*Plan, error) {
	now := s.clk.Now()
	p := &Plan{Day: civil.Today(now)}
	err := s.db.ReadOrg(ctx, org, func(tx *db.Tx) error {
		var err error
		if p.Rules, err = rulesTx(ctx, tx); err != nil {
			return err
		}
		formers, err := formerTenants(ctx, tx, p.Day)
		if err != nil {
			return err
		}
		held, err := heldPersons(ctx, tx)
		if err != nil {
			return err
		}
		months := period(p.Rules, FormerTenants)
		for _, f := range formers {
			x := Person{ID: f.id, Since: f.last, Due: f.last.AddMonths(months)}
			if x.Due.After(p.Day) {
				continue
			}
			if held[f.id] {
				p.Held = append(p.Held, x)
			} else {
				p.Erase = append(p.Erase, x)
			}
		}
		years, err := s.ledger.FiscalYearsKeptTx(ctx, tx)
		if err != nil {
			return err
		}
		heldYears, err := heldFiscalYears(ctx, tx)
		if err != nil {
			return err
		}
		keep := period(p.Rules, Bookkeeping)
		for _, y := range years {
			if p.Day.Year <= y+keep || !s.ledger.FiscalYearDestroyable(y) {
				continue
			}
			if heldYears[int64(y)] {
				p.HeldYears = append(p.HeldYears, y)
			} else {
				p.FiscalYears = append(p.FiscalYears, y)
			}
		}
		start := time.Date(p.Day.Year, p.Day.Month, p.Day.Day, 0, 0, 0, 0, time.UTC)
		p.AuditBefore = start.AddDate(0, -period(p.Rules, AuditLog), 0)
		if p.AuditEvents, err = audit.PruneCount(ctx, tx, p.AuditBefore); err != nil {
			return err
		}
		p.MailBefore = start.AddDate(0, 0, -period(p.Rules, MailAndJobs))
		p.Mail, p.Jobs, err = countMailAndJobs(ctx, tx, p.MailBefore)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("retention: plan: %w", err)
	}
	return p, nil
}

// Run does what the plan of today says for the actor's organisation and
// returns it as done (refusals filled in). An owner may run it by hand;
// the daily job runs it as SystemActor.
func (s *Service) Run(ctx context.Context, a account.Actor) (*Plan, error) {
	if !CanChange(a) && a.Kind != audit.ActorSystem {
		return nil, validation.ErrForbidden
	}
	org := a.OrgID
	sys := SystemActor(org)
	p, err := s.plan(ctx, org)
	if err != nil {
		return nil, err
	}
	// Named before the erasure takes the names.
	if err := s.name(ctx, sys, p); err != nil {
		return nil, err
	}
	for i, x := range p.Erase {
		if _, err := s.rights.Erase(ctx, sys, x.ID); err != nil {
			if p.Erase[i].Refusal = refusal(err); p.Erase[i].Refusal == "" {
				return nil, fmt.Errorf("retention: erase person %d: %w", x.ID, err)
			}
		}
	}
	for _, y := range p.FiscalYears {
		if err := s.ledger.ShredFiscalYear(ctx, sys, y); err != nil {
			return nil, fmt.Errorf("retention: fiscal year %d: %w", y, err)
		}
	}
	key, err := audit.CheckpointKey(s.keys)
	if err != nil {
		return nil, err
	}
	err = s.db.InOrg(ctx, org, func(tx *db.Tx) error {
		n, err := s.audit.Prune(ctx, tx, key, p.AuditBefore)
		if err != nil {
			return err
		}
		p.AuditEvents = n
		if p.Mail, p.Jobs, err = pruneMailAndJobs(ctx, tx, p.MailBefore); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "privacy.retention_run", "organisation", fmt.Sprint(org), map[string]string{
			"erased": fmt.Sprint(len(p.Erased())), "refused": fmt.Sprint(len(p.Refused())), "held": fmt.Sprint(len(p.Held)),
			"fiscal_years": fmt.Sprint(len(p.FiscalYears)), "audit_events": fmt.Sprint(p.AuditEvents),
			"mail": fmt.Sprint(p.Mail), "jobs": fmt.Sprint(p.Jobs)})
	})
	if err != nil {
		return nil, fmt.Errorf("retention: prune: %w", err)
	}
	return p, nil
}

// daily runs every organisation and queues tomorrow's run.
func (s *Service) daily(ctx context.Context, j *jobs.Job) error {
	var orgs []int64
	if err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		orgs, err = organisations(ctx, tx)
		return err
	}); err != nil {
		return err
	}
	for _, org := range orgs {
		if _, err := s.Run(ctx, SystemActor(org)); err != nil {
			return fmt.Errorf("retention of organisation %d: %w", org, err)
		}
	}
	now := s.clk.Now()
	return s.ScheduleDaily(ctx, time.Date(now.Year(), now.Month(), now.Day(), 2, 30, 0, 0, time.UTC).AddDate(0, 0, 1))
}

// ScheduleDaily queues the daily run at at (one per day).
func (s *Service) ScheduleDaily(ctx context.Context, at time.Time) error {
	if s.jobs == nil {
		return nil
	}
	err := s.db.System(ctx, func(tx *db.Tx) error {
		_, err := s.jobs.Enqueue(ctx, tx, JobDaily, nil, jobs.UniqueKey(civil.Today(at).String()), jobs.RunAt(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("schedule the retention run: %w", err)
	}
	return nil
}
