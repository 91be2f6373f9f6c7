// Package rentincrease proposes and applies the yearly rent increase of
// residential leases (the legal maximum per segment and year, the lease's
// own clause, once per 12 months, a letter at least two months ahead) and
// the indexation of commercial leases by a consumer price index.
//
// It reads leases, units and tenants through their services and writes the
// new bare rent through lease.Service.SetComponent, so the rent history
// keeps the old row. Nothing imports this package but web, api, app and cmd.
package rentincrease

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/orgprofile"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// Deps are what the service needs. PostedThrough (the ledger) may be nil:
// then no posted period is assumed.
type Deps struct {
	DB            *db.DB
	Audit         *audit.Log
	Clock         clock.Clock
	Leases        *lease.Service
	Portfolio     *portfolio.Service
	Relations     *relation.Service
	PostedThrough PostedThrough
	// Vault seals each letter under a subject of its own, shredded when a
	// tenant of the lease is erased.
	Vault *vault.Vault
}

// Service is the face of the rent-increase capability.
type Service struct {
	db        *db.DB
	audit     *audit.Log
	clk       clock.Clock
	leases    *lease.Service
	portfolio *portfolio.Service
	relations *relation.Service
	posted    PostedThrough
	vault     *vault.Vault
}

// New returns the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	return &Service{db: d.DB, audit: d.Audit, clk: d.Clock, leases: d.Leases, portfolio: d.Portfolio,
		relations: d.Relations, posted: d.PostedThrough, vault: d.Vault}
}

// Problems of this capability (message ids in rentincrease.<lang>.json).
var (
	ErrNotDraft     = &validation.Problem{Status: 409, Code: "rentincrease.not_draft"}
	ErrNotConfirmed = &validation.Problem{Status: 409, Code: "rentincrease.not_confirmed"}
	ErrApplied      = &validation.Problem{Status: 409, Code: "rentincrease.already_applied"}
	ErrNothingToDo  = &validation.Problem{Status: 409, Code: "rentincrease.nothing_to_confirm"}
)

// fieldLetter binds a sealed letter to its column.
const fieldLetter = "rent_increase_proposals.letter"

// PurposeLetter is the access-log purpose of reading tenants for a letter.
const PurposeLetter = "rentincrease.letter"

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }
func (s *Service) now() string       { return db.TS(s.clk.Now()) }

// Today is the service's current date.
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

// --- proposals ---

// Propose works out the increase for every lease that runs on the
// effective date and has a bare rent, and stores the proposals as drafts
// for review. Proposing the same date again refreshes the drafts (a lowered
// amount is kept while the maximum allows it; excluded leases stay
// excluded); confirmed and applied proposals are not touched.
func (s *Service) Propose(ctx context.Context, a account.Actor, effective civil.Date) ([]Proposal, error) {
	if !a.Can(account.PermFinanceWrite) {
		return nil, validation.ErrForbidden
	}
	if effective.IsZero() {
		return nil, validation.Errors{"effective_date": "field.required"}
	}
	var out []Proposal
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ids, err := activeLeaseIDs(ctx, tx, effective)
		if err != nil {
			return err
		}
		overrides, err := loadOverrides(ctx, tx)
		if err != nil {
			return err
		}
		clauses, err := loadClauses(ctx, tx)
		if err != nil {
			return err
		}
		cpi, err := loadCPI(ctx, tx, "")
		if err != nil {
			return err
		}
		table := cpiTableOf(cpi)
		existing, err := proposalsOn(ctx, tx, effective)
		if err != nil {
			return err
		}
		now := s.now()
		counts := map[Status]int{}
		seen := map[int64]bool{}
		// The leases, their units' facts and what is posted of them are
		// read per batch of leases, not lease by lease.
		var batch proposeBatch
		for i, id := range ids {
			if i%proposeBatchSize == 0 {
				if batch, err = s.readProposeBatch(ctx, tx, ids[i:min(i+proposeBatchSize, len(ids))]); err != nil {
					return err
				}
			}
			l := batch.leases[id]
			if l == nil {
				return fmt.Errorf("rentincrease: lease %d not read", id)
			}
			old := existing[id]
			seen[id] = true
			if old != nil && (old.Status == StatusConfirmed || old.Status == StatusApplied) {
				out = append(out, *old)
				continue
			}
			if l.BareRentOn(effective.AddDays(-1)) == 0 {
				if old != nil {
					if err := deleteProposal(ctx, tx, old.ID); err != nil {
						return err
					}
				}
				continue
			}
			p := proposalOf(l, effective, clauses[id], overrides, table, 0, batch.facts, batch.posted[id])
			if old != nil {
				p.ID = old.ID
				if old.Status == StatusExcluded && p.Status == StatusDraft {
					p.Status = StatusExcluded
				}
				if old.Adjusted && p.Status != StatusSkipped && old.NewCents <= p.MaxCents && old.NewCents >= min(p.OldCents, p.MaxCents) {
					p.NewCents, p.Adjusted = old.NewCents, true
				}
			}
			if p.ID, err = saveDraft(ctx, tx, p, now); err != nil {
				return err
			}
			counts[p.Status]++
			out = append(out, *p)
		}
		// A lease that no longer runs on the date loses its draft.
		for leaseID, p := range existing {
			if !seen[leaseID] && p.Status != StatusConfirmed && p.Status != StatusApplied {
				if err := deleteProposal(ctx, tx, p.ID); err != nil {
					return err
				}
			}
		}
		return s.record(ctx, tx, a, "rentincrease.proposed", "organisation", tx.OrgID(), map[string]string{
			"effective_date": effective.String(), "draft": fmt.Sprint(counts[StatusDraft]), "skipped": fmt.Sprint(counts[StatusSkipped]),
			"excluded": fmt.Sprint(counts[StatusExcluded])})
	})
	return out, err
}

// proposeBatchSize is how many leases Propose reads at a time.
const proposeBatchSize = 500

// proposeBatch is what Propose reads of a batch of leases at once.
type proposeBatch struct {
	leases map[int64]*lease.Lease
	facts  map[int64]portfolio.UnitFacts
	posted map[int64]civil.Date // the last posted day; missing: none
}

// postedMany is the ledger's PostedThrough for many leases in a few
// queries; a PostedThrough without it is asked lease by lease.
type postedMany interface {
	PostedThroughMany(ctx context.Context, tx *db.Tx, leaseIDs []int64) (map[int64]civil.Date, error)
}

// readProposeBatch reads the leases ids with their units' facts and posted
// periods.
func (s *Service) readProposeBatch(ctx context.Context, tx *db.Tx, ids []int64) (proposeBatch, error) {
	b := proposeBatch{posted: map[int64]civil.Date{}}
	var err error
	if b.leases, err = s.leases.ForRentTx(ctx, tx, ids); err != nil {
		return b, err
	}
	var units []int64
	for _, l := range b.leases {
		units = append(units, l.UnitIDs()...)
	}
	b.facts, err = s.portfolio.UnitFacts(ctx, tx, units...)
	if errors.Is(err, validation.ErrNotFound) {
		// A unit not found leaves only its own lease without addresses,
		// as computeFor does.
		b.facts = map[int64]portfolio.UnitFacts{}
		for _, l := range b.leases {
			fs, err := s.portfolio.UnitFacts(ctx, tx, l.UnitIDs()...)
			if err != nil && !errors.Is(err, validation.ErrNotFound) {
				return b, err
			}
			maps.Copy(b.facts, fs)
		}
	} else if err != nil {
		return b, err
	}
	switch p := s.posted.(type) {
	case nil:
	case postedMany:
		if b.posted, err = p.PostedThroughMany(ctx, tx, ids); err != nil {
			return b, fmt.Errorf("posted through: %w", err)
		}
	default:
		for _, id := range ids {
			if b.posted[id], err = p.PostedThrough(ctx, tx, id); err != nil {
				return b, fmt.Errorf("posted through: %w", err)
			}
		}
	}
	return b, nil
}

// computeFor builds the proposal of one lease from its facts.
func (s *Service) computeFor(ctx context.Context, tx *db.Tx, l *lease.Lease, d civil.Date, cl *Clause, overrides []override, cpi cpiTable,
	own int64) (*Proposal, error) {
	facts, err := s.portfolio.UnitFacts(ctx, tx, l.UnitIDs()...)
	if err != nil && !errors.Is(err, validation.ErrNotFound) {
		return nil, err
	}
	var posted civil.Date
	if s.posted != nil {
		if posted, err = s.posted.PostedThrough(ctx, tx, l.ID); err != nil {
			return nil, fmt.Errorf("posted through: %w", err)
		}
	}
	return proposalOf(l, d, cl, overrides, cpi, own, facts, posted), nil
}

// proposalOf builds the proposal of one lease from facts read before.
func proposalOf(l *lease.Lease, d civil.Date, cl *Clause, overrides []override, cpi cpiTable, own int64,
	facts map[int64]portfolio.UnitFacts, posted civil.Date) *Proposal {
	seg := l.Segment // fixed at the contract date (DOMAIN.md §2.2), not the unit's segment today
	c := compute(computeInput{Lease: l, Segment: seg, Date: d, Clause: cl, Overrides: overrides, CPI: cpi.lookup,
		PostedThrough: posted, Own: own})
	var addrs []string
	for _, u := range l.Units {
		if f, ok := facts[u.ID]; ok {
			addrs = append(addrs, f.Address)
		}
	}
	p := &Proposal{LeaseID: l.ID, LeaseReference: l.Reference, Address: strings.Join(addrs, "; "), EffectiveDate: d, Kind: l.Kind,
		Segment: seg, Basis: c.Basis, OldCents: c.Old, MaxCents: c.Max, NewCents: c.Max, CapRate: c.Cap, Notes: c.Notes, Status: StatusDraft}
	if c.blocked() {
		p.Status, p.NewCents = StatusSkipped, 0
	}
	return p
}

// List pages through the proposals of an effective date. Search matches
// the lease reference and the address; sort by reference (default),
// address, old, new, percent, status or id.
func (s *Service) List(ctx context.Context, a account.Actor, q listing.Query, f ListFilter) (listing.Page[Proposal], error) {
	var page listing.Page[Proposal]
	if !a.Can(account.PermFinanceRead) {
		return page, validation.ErrForbidden
	}
	if f.Date.IsZero() {
		return page, validation.Errors{"effective_date": "field.required"}
	}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		return page, validation.Errors{"status": "field.invalid"}
	}
	q = q.Normalize("reference", "address", "old", "new", "percent", "status", "id")
	if q.All {
		q.Offset, q.Limit = 0, 10000
	}
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		page, err = listProposals(ctx, tx, q, f)
		return err
	})
	return page, err
}

// Dates lists the effective dates that have proposals, newest first.
func (s *Service) Dates(ctx context.Context, a account.Actor) ([]civil.Date, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out []civil.Date
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx,
			`SELECT DISTINCT effective_date FROM rent_increase_proposals WHERE org_id = $1 ORDER BY effective_date DESC`, tx.OrgID())
		if err != nil {
			return fmt.Errorf("proposal dates: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var d civil.Date
			if err := rows.Scan(&d); err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	return out, err
}

// Get returns one proposal.
func (s *Service) Get(ctx context.Context, a account.Actor, id int64) (*Proposal, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var p *Proposal
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		p, err = getProposal(ctx, tx, id)
		return err
	})
	return p, err
}

// Adjust lowers a draft's new rent (never above what HMS proposed, never
// below the old rent) or excludes or includes the lease.
func (s *Service) Adjust(ctx context.Context, a account.Actor, id int64, in Adjustment) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		p, err := getProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Status != StatusDraft && p.Status != StatusExcluded {
			return ErrNotDraft
		}
		details := map[string]string{"lease_id": fmt.Sprint(p.LeaseID)}
		if in.NewCents != nil {
			n := *in.NewCents
			switch {
			case n > p.MaxCents:
				return validation.Errors{"new_amount_cents": "rentincrease.amount.above_max"}
			case n < min(p.OldCents, p.MaxCents) || n <= 0:
				return validation.Errors{"new_amount_cents": "rentincrease.amount.below_old"}
			}
			p.NewCents, p.Adjusted = n, n != p.MaxCents
			details["new_cents"] = fmt.Sprint(n)
		}
		if in.Excluded != nil {
			p.Status = StatusDraft
			if *in.Excluded {
				p.Status = StatusExcluded
			}
			details["status"] = string(p.Status)
		}
		if _, err := saveDraft(ctx, tx, p, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "rentincrease.adjusted", "rent_increase", id, details)
	})
}

// ConfirmPlan is what confirming an effective date does: how many draft
// proposals get their letter and what they add to the monthly rent in all.
// It is shown before confirming and repeated when confirming.
type ConfirmPlan struct {
	Proposals int
	Increase  money.Cents // the sum of new minus old rent of the drafts
}

// ErrConfirmChanged refuses a confirmation whose plan is no longer what it
// would confirm (a proposal was adjusted, added or skipped meanwhile).
var ErrConfirmChanged = &validation.Problem{Status: 409, Code: "rentincrease.confirm_changed"}

func planOf(drafts []*Proposal) ConfirmPlan {
	p := ConfirmPlan{Proposals: len(drafts)}
	for _, d := range drafts {
		p.Increase += d.NewCents - d.OldCents
	}
	return p
}

func draftsOn(ctx context.Context, tx *db.Tx, effective civil.Date) ([]*Proposal, error) {
	ps, err := proposalsOn(ctx, tx, effective)
	if err != nil {
		return nil, err
	}
	var drafts []*Proposal
	for _, p := range ps {
		if p.Status == StatusDraft {
			drafts = append(drafts, p)
		}
	}
	return drafts, nil
}

// PlanConfirm says what Confirm would do for an effective date.
func (s *Service) PlanConfirm(ctx context.Context, a account.Actor, effective civil.Date) (ConfirmPlan, error) {
	if !a.Can(account.PermFinanceRead) {
		return ConfirmPlan{}, validation.ErrForbidden
	}
	var plan ConfirmPlan
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		drafts, err := draftsOn(ctx, tx, effective)
		plan = planOf(drafts)
		return err
	})
	return plan, err
}

// Confirm confirms every draft of an effective date and makes each lease's
// letter, if the drafts are still what the person saw (expect: PlanConfirm).
// Residential proposals must reach the tenant at least two months
// before the effective date: Confirm refuses a date for which today is
// already too late. It returns the number confirmed.
func (s *Service) Confirm(ctx context.Context, a account.Actor, effective civil.Date, expect ConfirmPlan) (int, error) {
	if !a.Can(account.PermFinanceWrite) {
		return 0, validation.ErrForbidden
	}
	if effective.IsZero() {
		return 0, validation.Errors{"effective_date": "field.required"}
	}
	n := 0
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		drafts, err := draftsOn(ctx, tx, effective)
		if err != nil {
			return err
		}
		if len(drafts) == 0 {
			return ErrNothingToDo
		}
		if planOf(drafts) != expect {
			return ErrConfirmChanged
		}
		slices.SortFunc(drafts, func(x, y *Proposal) int { return strings.Compare(x.LeaseReference, y.LeaseReference) })
		for _, p := range drafts {
			if p.Kind == lease.Residential && s.today().After(LastDeliveryDay(effective)) {
				return validation.Errors{"effective_date": "rentincrease.date.too_soon"}
			}
		}
		st, err := s.letterSettings(ctx, tx)
		if err != nil {
			return err
		}
		overrides, err := loadOverrides(ctx, tx)
		if err != nil {
			return err
		}
		clauses, err := loadClauses(ctx, tx)
		if err != nil {
			return err
		}
		cpi, err := loadCPI(ctx, tx, "")
		if err != nil {
			return err
		}
		now := s.now()
		for _, p := range drafts {
			l, err := s.leases.GetTx(ctx, tx, p.LeaseID)
			if err != nil {
				return err
			}
			// The facts may have changed since the review: check again.
			fresh, err := s.computeFor(ctx, tx, l, effective, clauses[p.LeaseID], overrides, cpiTableOf(cpi), 0)
			if err != nil {
				return err
			}
			if fresh.Status == StatusSkipped || p.NewCents > fresh.MaxCents || fresh.OldCents != p.OldCents {
				return validation.Errors{"effective_date": "rentincrease.stale"}
			}
			pdf, err := s.letter(ctx, tx, a, l, p, clauses[p.LeaseID], st)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(pdf)
			digest := hex.EncodeToString(sum[:])
			// The letter prints the tenants' names and address: sealed
			// under a subject of its own, shredded when one of them is
			// erased (privacySource.Erase).
			subject, sealed, err := s.vault.SealDocument(ctx, tx, fieldLetter, pdf)
			if err != nil {
				return fmt.Errorf("seal letter: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE rent_increase_proposals SET status = 'confirmed', letter = $3, letter_sha256 = $4,
				confirmed_at = $5, confirmed_by = $6, updated_at = $5, letter_subject_id = $7 WHERE id = $1 AND org_id = $2`,
				p.ID, tx.OrgID(), sealed, digest, now, a.UserID, int64(subject)); err != nil {
				return fmt.Errorf("confirm proposal: %w", err)
			}
			if err := s.record(ctx, tx, a, "rentincrease.confirmed", "rent_increase", p.ID, map[string]string{
				"lease_id": fmt.Sprint(p.LeaseID), "effective_date": effective.String(), "old_cents": fmt.Sprint(p.OldCents),
				"new_cents": fmt.Sprint(p.NewCents), "sha256": digest}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// Letter returns a confirmed proposal's letter exactly as it was made. It
// holds the tenants' names, so each read is recorded.
func (s *Service) Letter(ctx context.Context, a account.Actor, id int64) ([]byte, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var content []byte
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		p, err := getProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if !p.HasLetter() {
			return ErrNotConfirmed
		}
		var subject sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT letter, letter_subject_id FROM rent_increase_proposals WHERE id = $1 AND org_id = $2`, id,
			tx.OrgID()).Scan(&content, &subject); err != nil {
			return fmt.Errorf("load letter: %w", err)
		}
		// A letter made before migration 00040 is stored plain.
		if subject.Valid {
			if content, err = s.vault.Open(ctx, tx, vault.SubjectID(subject.Int64), fieldLetter, content); err != nil {
				return fmt.Errorf("open rent increase letter %d: %w", id, err)
			}
		}
		got := sha256.Sum256(content)
		if hex.EncodeToString(got[:]) != p.LetterSHA256 {
			return fmt.Errorf("rent increase letter %d: content does not match its sha256", id)
		}
		return s.record(ctx, tx, a, "rentincrease.letter_viewed", "rent_increase", id, map[string]string{"lease_id": fmt.Sprint(p.LeaseID)})
	})
	return content, err
}

// RecordDelivery records the day and way the letter reached the tenant.
// For a residential lease that day must be at least two months before the
// effective date (the last allowed day is LastDeliveryDay).
func (s *Service) RecordDelivery(ctx context.Context, a account.Actor, id int64, in Delivery) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	fe := validation.Errors{}
	if in.On.IsZero() {
		fe.Add("delivered_on", "field.required")
	} else if in.On.After(s.today()) {
		fe.Add("delivered_on", "rentincrease.delivery.future")
	}
	if !slices.Contains(lease.DeliveryMethods, in.Method) {
		fe.Add("method", "field.invalid")
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		p, err := getProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		switch p.Status {
		case StatusConfirmed:
		case StatusApplied:
			return ErrApplied
		default:
			return ErrNotConfirmed
		}
		if p.Kind == lease.Residential && in.On.After(LastDeliveryDay(p.EffectiveDate)) {
			return validation.Errors{"delivered_on": "rentincrease.delivery.too_late"}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rent_increase_proposals SET delivered_on = $3, delivery_method = $4, updated_at = $5
			WHERE id = $1 AND org_id = $2`, id, tx.OrgID(), in.On.String(), string(in.Method), s.now()); err != nil {
			return fmt.Errorf("record delivery: %w", err)
		}
		return s.record(ctx, tx, a, "rentincrease.delivered", "rent_increase", id, map[string]string{
			"lease_id": fmt.Sprint(p.LeaseID), "delivered_on": in.On.String(), "method": string(in.Method)})
	})
}

// Apply writes a confirmed proposal's new bare rent into the lease's rent
// history from the effective date (lease.Service.SetComponent: the old row
// stays). It refuses when the letter rule is not met (delivered at least
// two months ahead, or, before a delivery is recorded, today at least two
// months ahead), when a rent period on or after the effective date is
// already posted, or when the rent changed within 12 months. Changing the
// lease's rent needs portfolio.write besides finance.write.
//
// The checks, the new rent (lease.Service.SetComponentTx) and the mark run
// in one transaction.
func (s *Service) Apply(ctx context.Context, a account.Actor, id int64) error {
	if !a.Can(account.PermFinanceWrite) || !a.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	var p *Proposal
	var vat lease.VAT
	// One transaction: the posted-period check and the new rent together,
	// so no rent run can post the effective month in between (SQLite has
	// one writer; on PostgreSQL the window is the commit).
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if p, err = getProposal(ctx, tx, id); err != nil {
			return err
		}
		switch p.Status {
		case StatusConfirmed:
		case StatusApplied:
			return ErrApplied
		default:
			return ErrNotConfirmed
		}
		if p.Kind == lease.Residential {
			last := LastDeliveryDay(p.EffectiveDate)
			if (!p.DeliveredOn.IsZero() && p.DeliveredOn.After(last)) || (p.DeliveredOn.IsZero() && s.today().After(last)) {
				return validation.Errors{"effective_date": "rentincrease.date.too_soon"}
			}
		}
		l, err := s.leases.GetTx(ctx, tx, p.LeaseID)
		if err != nil {
			return err
		}
		var own int64
		for _, c := range bareRentRows(l) {
			if c.ValidFrom == p.EffectiveDate && c.AmountCents == p.NewCents {
				own = c.ID
			}
			if !c.ValidFrom.After(p.EffectiveDate) {
				vat = c.VAT
			}
		}
		cl, err := loadClause(ctx, tx, p.LeaseID)
		if err != nil {
			return err
		}
		overrides, err := loadOverrides(ctx, tx)
		if err != nil {
			return err
		}
		cpi, err := loadCPI(ctx, tx, "")
		if err != nil {
			return err
		}
		fresh, err := s.computeFor(ctx, tx, l, p.EffectiveDate, cl, overrides, cpiTableOf(cpi), own)
		if err != nil {
			return err
		}
		for _, n := range fresh.Notes {
			switch {
			case n.Code == "rentincrease.note.posted":
				return validation.Errors{"effective_date": "rentincrease.date.posted"}
			case n.Code == "rentincrease.note.within_12_months" || n.Code == "rentincrease.note.later_change":
				return validation.Errors{"effective_date": "rentincrease.date.within_12_months"}
			}
		}
		if fresh.OldCents != p.OldCents {
			return validation.Errors{"effective_date": "rentincrease.stale"}
		}
		cid, err := s.leases.SetComponentTx(ctx, tx, a, p.LeaseID,
			lease.ComponentInput{Kind: lease.BareRent, AmountCents: p.NewCents, VAT: vat, ValidFrom: p.EffectiveDate})
		if err != nil {
			if fe, ok := validation.AsFields(err); ok {
				// The lease's own field names mean nothing here: the date is
				// what the user chose.
				for _, msg := range fe {
					return validation.Errors{"effective_date": msg}
				}
			}
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE rent_increase_proposals SET status = 'applied', component_id = $3, applied_at = $4,
			applied_by = $5, updated_at = $4 WHERE id = $1 AND org_id = $2 AND status = 'confirmed'`, id, tx.OrgID(), cid, s.now(), a.UserID)
		if err != nil {
			return fmt.Errorf("mark applied: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrApplied
		}
		return s.record(ctx, tx, a, "rentincrease.applied", "rent_increase", id, map[string]string{
			"lease_id": fmt.Sprint(p.LeaseID), "component_id": fmt.Sprint(cid), "effective_date": p.EffectiveDate.String(),
			"new_cents": fmt.Sprint(p.NewCents)})
	})
}

// --- clauses ---

// Clause returns a lease's increase clause, or nil when none is recorded.
func (s *Service) Clause(ctx context.Context, a account.Actor, leaseID int64) (*Clause, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var c *Clause
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if _, err := s.leases.GetTx(ctx, tx, leaseID); err != nil {
			return err
		}
		var err error
		c, err = loadClause(ctx, tx, leaseID)
		return err
	})
	return c, err
}

// SetClause records a lease's increase clause.
func (s *Service) SetClause(ctx context.Context, a account.Actor, leaseID int64, in ClauseInput) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	c, fe := in.parse()
	c.LeaseID = leaseID
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		l, err := s.leases.GetTx(ctx, tx, leaseID)
		if err != nil {
			return err
		}
		if !c.FirstDate.IsZero() && c.FirstDate.Before(l.Start) {
			fe.Add("first_date", "rentincrease.clause.first_before_start")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := saveClause(ctx, tx, c, s.now(), a.UserID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "rentincrease.clause_set", "lease", leaseID, map[string]string{"method": string(c.Method)})
	})
}

func (in ClauseInput) parse() (*Clause, validation.Errors) {
	fe := validation.Errors{}
	c := &Clause{Method: in.Method, Series: strings.TrimSpace(in.Series), BaseYear: in.BaseYear, FloorZero: in.FloorZero,
		FirstDate: in.FirstDate, Frequency: "yearly", LagMonths: DefaultLagMonths}
	if !slices.Contains(Methods, c.Method) {
		fe.Add("method", "field.invalid")
	}
	if strings.TrimSpace(in.Percent) != "" {
		r, err := money.ParseRate(in.Percent)
		if err != nil || r < -50*money.Percent || r > 50*money.Percent {
			fe.Add("percent", "rentincrease.percent.invalid")
		}
		c.Percent = r
	}
	if strings.TrimSpace(in.Cap) != "" {
		r, err := money.ParseRate(in.Cap)
		if err != nil || r < 0 || r > 100*money.Percent {
			fe.Add("cap", "rentincrease.percent.invalid")
		}
		c.Cap = &r
	}
	if in.LagMonths != nil {
		c.LagMonths = *in.LagMonths
	}
	if c.LagMonths < 0 || c.LagMonths > 24 {
		fe.Add("lag_months", "rentincrease.clause.lag_invalid")
	}
	if c.BaseYear != 0 && (c.BaseYear < 1900 || c.BaseYear > 2200) {
		fe.Add("base_year", "field.invalid")
	}
	switch c.Method {
	case MethodCPI:
		if c.Series == "" {
			fe.Add("series", "field.required")
		} else if !seriesRe.MatchString(c.Series) {
			fe.Add("series", "rentincrease.cpi.series_invalid")
		}
	case MethodFixed:
		if c.Percent <= 0 {
			fe.Add("percent", "rentincrease.percent.invalid")
		}
		c.Series, c.BaseYear, c.FloorZero = "", 0, false
	case MethodNone:
		c.Percent, c.Series, c.BaseYear, c.FloorZero, c.Cap = 0, "", 0, false, nil
	}
	return c, fe
}

// --- caps and settings ---

// Caps is the table of legal maximums with the organisation's overrides.
func (s *Service) Caps(ctx context.Context, a account.Actor) ([]CapRow, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out []CapRow
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		o, err := loadOverrides(ctx, tx)
		out = capTable(o)
		return err
	})
	return out, err
}

// SetCapOverride sets the organisation's own maximum for a segment and cap
// year (sociaal: from 1 July of the year; the others: the calendar year),
// with its source. An empty percent removes the override.
func (s *Service) SetCapOverride(ctx context.Context, a account.Actor, seg portfolio.Segment, year int, percent, source string) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	o, remove, fe := checkCap(seg, year, percent, source)
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := s.saveCap(ctx, tx, a, o, remove); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "rentincrease.cap_set", "organisation", tx.OrgID(), map[string]string{
			"segment": string(seg), "year": fmt.Sprint(year), "percent": o.Percent.String(), "removed": fmt.Sprint(remove)})
	})
}

// checkCap checks an override as entered (field ids segment, year, percent,
// source); an empty percent asks to remove the override.
func checkCap(seg portfolio.Segment, year int, percent, source string) (override, bool, validation.Errors) {
	fe := validation.Errors{}
	if !slices.Contains(CapSegments, seg) {
		fe.Add("segment", "field.invalid")
	}
	if year < 2000 || year > 2100 {
		fe.Add("year", "field.invalid")
	}
	remove := strings.TrimSpace(percent) == ""
	var r money.Rate
	if !remove {
		var err error
		if r, err = money.ParseRate(percent); err != nil || r < 0 || r > 100*money.Percent {
			fe.Add("percent", "rentincrease.percent.invalid")
		}
	}
	source, ok := cleanText(source, 300)
	if !ok || strings.ContainsAny(source, "\r\n") {
		fe.Add("source", "field.invalid")
	} else if !remove && source == "" {
		fe.Add("source", "rentincrease.cap.source_required")
	}
	return override{Segment: seg, Year: year, Percent: r, Source: source}, remove, fe
}

// saveCap stores (or removes) an override in tx.
func (s *Service) saveCap(ctx context.Context, tx *db.Tx, a account.Actor, o override, remove bool) error {
	var err error
	if remove {
		_, err = tx.ExecContext(ctx, `DELETE FROM rent_increase_cap_overrides WHERE org_id = $1 AND segment = $2 AND year = $3`,
			tx.OrgID(), o.Segment, o.Year)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO rent_increase_cap_overrides (org_id, segment, year, percent_rate, source,
			updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, segment, year) DO UPDATE SET percent_rate = excluded.percent_rate,
			source = excluded.source, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			tx.OrgID(), o.Segment, o.Year, o.Percent, o.Source, s.now(), a.UserID)
	}
	if err != nil {
		return fmt.Errorf("save cap override: %w", err)
	}
	return nil
}

// Settings returns the organisation's letter texts (defaults filled).
func (s *Service) Settings(ctx context.Context, a account.Actor) (Settings, error) {
	if !a.Can(account.PermFinanceRead) {
		return Settings{}, validation.ErrForbidden
	}
	var st Settings
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		st, err = loadSettings(ctx, tx)
		st.ObjectionText = st.objectionText(portfolio.SegmentSociaal)
		st.ObjectionTextFree = st.objectionText(portfolio.SegmentVrij)
		return err
	})
	return st, err
}

// UpdateSettings stores the organisation's letter texts.
func (s *Service) UpdateSettings(ctx context.Context, a account.Actor, st Settings) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	fe := validation.Errors{}
	var ok bool
	if st.SenderName, ok = cleanText(st.SenderName, 120); !ok || strings.ContainsAny(st.SenderName, "\r\n") {
		fe.Add("sender_name", "field.invalid")
	}
	if st.ObjectionText, ok = cleanText(st.ObjectionText, 3000); !ok {
		fe.Add("objection_text", "field.invalid")
	} else if st.ObjectionText == "" {
		fe.Add("objection_text", "field.required")
	}
	// Empty: the built-in kantonrechter text.
	if st.ObjectionTextFree, ok = cleanText(st.ObjectionTextFree, 3000); !ok {
		fe.Add("objection_text_free", "field.invalid")
	} else if st.ObjectionTextFree == DefaultObjectionTextFree {
		st.ObjectionTextFree = ""
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rent_increase_settings (org_id, sender_name, objection_text, objection_text_free,
			updated_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id) DO UPDATE SET sender_name = excluded.sender_name,
			objection_text = excluded.objection_text, objection_text_free = excluded.objection_text_free, updated_at = excluded.updated_at`,
			tx.OrgID(), st.SenderName, st.ObjectionText, st.ObjectionTextFree, s.now()); err != nil {
			return fmt.Errorf("save rent increase settings: %w", err)
		}
		return s.record(ctx, tx, a, "rentincrease.settings_updated", "organisation", tx.OrgID(), nil)
	})
}

func (s *Service) letterSettings(ctx context.Context, tx *db.Tx) (Settings, error) {
	st, err := loadSettings(ctx, tx)
	if err != nil {
		return st, err
	}
	if st.SenderName == "" { // the organisation's legal name, else its name in HMS
		is, err := orgprofile.IssuerTx(ctx, tx, "")
		if err != nil {
			return st, err
		}
		st.SenderName = is.Name
	}
	return st, nil
}

// --- CPI ---

// ImportCPI reads a CPI file (see ParseCPI) and stores its figures for the
// organisation in one transaction: every line is checked first, and nothing
// is written unless all pass. Importing the same file again changes nothing.
func (s *Service) ImportCPI(ctx context.Context, a account.Actor, r io.Reader) (ImportResult, []CellError, error) {
	var res ImportResult
	if !a.Can(account.PermFinanceWrite) {
		return res, nil, validation.ErrForbidden
	}
	points, errs := ParseCPI(r)
	if len(errs) > 0 {
		return res, errs, validation.Errors{"file": "rentincrease.cpi.file_invalid"}
	}
	res.Lines = len(points)
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		have, err := loadCPI(ctx, tx, "")
		if err != nil {
			return err
		}
		old := cpiTableOf(have)
		now := s.now()
		var series []string
		for _, p := range points {
			v, ok := old.lookup(p.Series, p.Month)
			switch {
			case ok && sameDecimal(v, p.Value):
				res.Unchanged++
				continue
			case ok:
				res.Changed++
			default:
				res.Added++
			}
			if !slices.Contains(series, p.Series) {
				series = append(series, p.Series)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO cpi_indices (org_id, series, month, value, imported_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (org_id, series, month) DO UPDATE SET value = excluded.value, imported_at = excluded.imported_at`,
				tx.OrgID(), p.Series, p.Month.String(), p.Value, now); err != nil {
				return fmt.Errorf("save cpi: %w", err)
			}
		}
		if res.Added+res.Changed == 0 {
			return nil
		}
		return s.record(ctx, tx, a, "rentincrease.cpi_imported", "organisation", tx.OrgID(), map[string]string{
			"series": strings.Join(series, ","), "added": fmt.Sprint(res.Added), "changed": fmt.Sprint(res.Changed)})
	})
	return res, nil, err
}

func sameDecimal(a, b string) bool {
	x, y := ratOf(a), ratOf(b)
	return x != nil && y != nil && x.Cmp(y) == 0
}

// CPI lists the organisation's index figures, of one series or all.
func (s *Service) CPI(ctx context.Context, a account.Actor, series string) ([]CPIPoint, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out []CPIPoint
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = loadCPI(ctx, tx, strings.TrimSpace(series))
		return err
	})
	return out, err
}

func cleanText(s string, max int) (string, bool) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		return s, false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return s, false
		}
	}
	return s, true
}

// CapsKnown proposes an effective date for the rent increases: the next 1
// July that can still be met (its letter delivered in time,
// LastDeliveryDay) when the legal maximum of every capped segment is known
// on it (shipped or the organisation's own); else the first first-of-month
// that can be met on which they all are, or else on which one is, or else
// that 1 July. It also answers the capped segments whose maximum is not
// known on that date (to enter in the settings once it is published).
func (s *Service) CapsKnown(ctx context.Context, a account.Actor) (civil.Date, []portfolio.Segment, error) {
	if !a.Can(account.PermFinanceRead) {
		return civil.Date{}, nil, validation.ErrForbidden
	}
	var o []override
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		o, err = loadOverrides(ctx, tx)
		return err
	})
	if err != nil {
		return civil.Date{}, nil, err
	}
	today := s.today()
	missing := func(d civil.Date) []portfolio.Segment {
		var out []portfolio.Segment
		for _, seg := range CapSegments {
			if _, ok := capFor(seg, d, o); !ok {
				out = append(out, seg)
			}
		}
		return out
	}
	july := civil.New(today.Year, 7, 1)
	if today.After(LastDeliveryDay(july)) {
		july = civil.New(today.Year+1, 7, 1)
	}
	if len(missing(july)) == 0 {
		return july, nil, nil
	}
	var some civil.Date
	d := civil.New(today.Year, today.Month, 1)
	for range 24 {
		d = d.AddMonths(1)
		if today.After(LastDeliveryDay(d)) {
			continue
		}
		m := missing(d)
		if len(m) == 0 {
			return d, nil, nil
		}
		if some.IsZero() && len(m) < len(CapSegments) {
			some = d
		}
	}
	if some.IsZero() {
		some = july
	}
	return some, missing(some), nil
}

// MissingCaps are the capped segments whose legal maximum for effective
// date d is not known yet.
func (s *Service) MissingCaps(ctx context.Context, a account.Actor, d civil.Date) ([]portfolio.Segment, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out []portfolio.Segment
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		o, err := loadOverrides(ctx, tx)
		for _, seg := range CapSegments {
			if _, ok := capFor(seg, d, o); !ok {
				out = append(out, seg)
			}
		}
		return err
	})
	return out, err
}
