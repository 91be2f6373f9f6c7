// Package lease holds leases (huurcontracten): their units and tenants, rent
// components valid from a date, deposits, notice and termination, and the
// tenant information the Wet goed verhuurderschap requires.
package lease

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
	"hms/internal/portfolio"
	"hms/internal/privacy/guard"
	"hms/internal/relation"
)

// Deps are what the service needs.
type Deps struct {
	DB        *db.DB
	Audit     *audit.Log
	Clock     clock.Clock
	Portfolio *portfolio.Service
	Relations *relation.Service
	// Vault seals generated documents (they carry tenants' names and
	// addresses) under a subject of their own, shredded when a tenant is
	// erased.
	Vault Sealer
}

// Sealer seals documents under a subject of their own, opens them (and
// documents sealed before under the organisation key) and shreds their
// subjects (vault.Vault).
type Sealer interface {
	SealDocument(ctx context.Context, tx *db.Tx, field string, plaintext []byte) (vault.SubjectID, []byte, error)
	Open(ctx context.Context, tx *db.Tx, s vault.SubjectID, field string, ciphertext []byte) ([]byte, error)
	OpenOrg(ctx context.Context, tx *db.Tx, field string, ciphertext []byte) ([]byte, error)
	Shred(ctx context.Context, tx *db.Tx, s vault.SubjectID) error
}

// Service is the face of the lease capability.
type Service struct {
	db        *db.DB
	audit     *audit.Log
	clk       clock.Clock
	portfolio *portfolio.Service
	relations *relation.Service
	vault     Sealer
}

// New returns the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	return &Service{db: d.DB, audit: d.Audit, clk: d.Clock, portfolio: d.Portfolio, relations: d.Relations, vault: d.Vault}
}

// Problems of this capability (message ids in lease.<lang>.json).
var (
	ErrNoticeGiven       = &validation.Problem{Status: 409, Code: "lease.notice.already_given"}
	ErrNoNotice          = &validation.Problem{Status: 409, Code: "lease.notice.none"}
	ErrWithdrawTooLate   = &validation.Problem{Status: 409, Code: "lease.notice.withdraw_too_late"}
	ErrWithdrawOverlap   = &validation.Problem{Status: 409, Code: "lease.notice.withdraw_overlap"}
	ErrResidentialOnly   = &validation.Problem{Status: 409, Code: "lease.information.residential_only"}
	ErrLeaseWithoutUnits = &validation.Problem{Status: 409, Code: "lease.information.no_units"}
)

// Audit purposes for reading parties' personal data through relations.
const (
	PurposeView              = "lease.view"
	PurposeList              = "lease.list"
	PurposeTenantInformation = "lease.tenant_information"
	purposeGuarantor         = "lease.guarantor"
)

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }
func (s *Service) now() string       { return db.TS(s.clk.Now()) }

func (s *Service) record(ctx context.Context, tx *db.Tx, a account.Actor, action, targetType string, id int64,
	details map[string]string) error {
	kind := a.Kind
	if kind == "" {
		kind = audit.ActorUser
	}
	return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: kind, Action: action,
		TargetType: targetType, TargetID: fmt.Sprint(id), Details: details})
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, ",")
}

// --- reading ---

// Get returns a lease with its units (addresses from the portfolio), parties
// (names from relations: the read is logged with purpose lease.view), rent
// history, deposit entries and terminations.
func (s *Service) Get(ctx context.Context, a account.Actor, id int64) (*Lease, error) {
	if !a.Can(account.PermPortfolioRead) {
		return nil, validation.ErrForbidden
	}
	var l *Lease
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if l, err = loadLease(ctx, tx, id); err != nil {
			return err
		}
		return s.fillFacts(ctx, tx, a, PurposeView, []*Lease{l})
	})
	return l, err
}

// GetTx is Get inside the caller's transaction, without facts from other
// capabilities (ids only), for other capabilities (billing).
func (s *Service) GetTx(ctx context.Context, tx *db.Tx, id int64) (*Lease, error) {
	return loadLease(ctx, tx, id)
}

// fillFacts puts unit addresses and party names on leases.
func (s *Service) fillFacts(ctx context.Context, tx *db.Tx, a account.Actor, purpose string, ls []*Lease) error {
	var unitIDs, partyIDs []int64
	for _, l := range ls {
		for _, u := range l.Units {
			if !slices.Contains(unitIDs, u.ID) {
				unitIDs = append(unitIDs, u.ID)
			}
		}
		for _, p := range l.Parties {
			if !slices.Contains(partyIDs, p.ID) {
				partyIDs = append(partyIDs, p.ID)
			}
		}
	}
	units, err := s.unitFacts(ctx, tx, unitIDs)
	if err != nil {
		return err
	}
	var parties map[int64]Party
	if purpose == PurposeList {
		// A list shows names only and is not an opening of each record.
		names, err := s.relations.DisplayNames(ctx, tx, partyIDs...)
		if err != nil {
			return err
		}
		parties = make(map[int64]Party, len(names))
		for id, n := range names {
			parties[id] = Party{ID: id, Name: n}
		}
	} else if parties, err = s.partyFacts(ctx, tx, a, purpose, partyIDs); err != nil {
		return err
	}
	for _, l := range ls {
		for i, u := range l.Units {
			if f, ok := units[u.ID]; ok {
				l.Units[i].Address, l.Units[i].Residential = f.Address, f.Residential
			}
		}
		for i, p := range l.Parties {
			if f, ok := parties[p.ID]; ok {
				l.Parties[i].Name, l.Parties[i].Address = f.Name, f.Address
			}
		}
	}
	return nil
}

// maxExport caps a CSV export.
const maxExport = 10000

// List pages through the organisation's leases. Search matches the
// reference; sort by "reference" (default), "start_date" or "id".
func (s *Service) List(ctx context.Context, a account.Actor, q listing.Query, f ListFilter) (listing.Page[Summary], error) {
	var page listing.Page[Summary]
	if !a.Can(account.PermPortfolioRead) {
		return page, validation.ErrForbidden
	}
	q = q.Normalize("reference", "start_date", "id")
	if q.All {
		q.Offset, q.Limit = 0, maxExport
	}
	day := s.today()
	lq, err := newListQuery(f, q.Search, day)
	if err != nil {
		return page, err
	}
	// A read transaction: on SQLite the one writer connection is not held by
	// a list (it serialised every lease list behind every write).
	err = s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if q.NoTotal {
			// no count
		} else if page.Total, err = lq.count(ctx, tx); err != nil {
			return err
		}
		ls, notice, err := lq.leases(ctx, tx, q)
		if err != nil {
			return err
		}
		if err := loadUnits(ctx, tx, ls); err != nil {
			return err
		}
		if err := loadParties(ctx, tx, ls); err != nil {
			return err
		}
		if err := loadComponents(ctx, tx, ls); err != nil {
			return err
		}
		// Only tenants' names are shown in the list: drop guarantors before
		// reading names, so their data is not read for nothing.
		for _, l := range ls {
			l.Parties = l.Tenants()
		}
		if err := s.fillFacts(ctx, tx, a, PurposeList, ls); err != nil {
			return err
		}
		for i, l := range ls {
			if notice[i] {
				l.Termination = &Termination{}
			}
			page.Items = append(page.Items, Summary{ID: l.ID, Reference: l.Reference, Kind: l.Kind, Start: l.Start, End: l.End,
				EndsOn: l.EndsOn, Status: l.StatusOn(day), NoticeGiven: notice[i], Units: l.Units, Tenants: l.Tenants(),
				BareRentCents: l.BareRentOn(day), TotalCents: l.TotalOn(day), DepositCents: l.DepositCents})
		}
		return nil
	})
	return page, err
}

// --- create and update ---

// Create makes a lease with its first components and returns its id.
func (s *Service) Create(ctx context.Context, a account.Actor, in Input) (int64, error) {
	if !a.Can(account.PermPortfolioWrite) {
		return 0, validation.ErrForbidden
	}
	fe := validation.Errors{}
	in.normalize(fe)
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		id, _, err = s.save(ctx, tx, a, nil, in, nil)
		return err
	})
	return id, err
}

// Update changes a lease's terms, units and parties. Components are not
// touched (use SetComponent: rent history is never overwritten).
func (s *Service) Update(ctx context.Context, a account.Actor, id int64, in Input) error {
	if !a.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	in.Components = nil
	fe := validation.Errors{}
	in.normalize(fe)
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		l, err := loadLease(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		_, _, err = s.save(ctx, tx, a, l, in, nil)
		return err
	})
}

// save validates in against the database and writes it: a new lease when
// old is nil, else a change of old. It reports whether anything changed.
// in must be normalized. Nothing is written when it returns an error. b,
// when not nil, is what an import read ahead for its rows (batch.go).
func (s *Service) save(ctx context.Context, tx *db.Tx, a account.Actor, old *Lease, in Input, b *leaseBatch) (int64, bool, error) {
	fe := validation.Errors{}
	var oldID int64
	var oldTenants, oldGuarantors []int64
	var existing []Component
	if old != nil {
		oldID, oldTenants, oldGuarantors, existing = old.ID, old.TenantIDs(), old.GuarantorIDs(), old.Components
		if in.Reference == "" {
			in.Reference = old.Reference
		}
	}

	// Units: they must exist, and be all residential or all commercial.
	facts, ok := b.unitFacts(in.UnitIDs)
	var err error
	if !ok {
		if facts, err = s.unitFacts(ctx, tx, in.UnitIDs); err != nil {
			return 0, false, err
		}
	}
	units := make([]Unit, 0, len(in.UnitIDs))
	residential := 0
	for _, id := range in.UnitIDs {
		f, ok := facts[id]
		if !ok {
			fe.Add("unit_ids", "lease.unit.not_found")
			continue
		}
		units = append(units, Unit{ID: id, ComplexID: f.ComplexID, Address: f.Address, Residential: f.Residential, Segment: f.Segment})
		if f.Residential {
			residential++
		}
	}
	kind := Commercial
	switch {
	case residential == len(units):
		kind = Residential
	case residential > 0:
		fe.Add("unit_ids", "lease.units.mixed")
	}
	// The segment is fixed at the contract date (DOMAIN.md §2.2): taken from
	// the units when the lease is created and kept from then on.
	segment := segmentOfUnits(kind, units)
	if old != nil {
		segment = old.Segment
	}

	// Reference: given, kept, or generated; unique in the organisation.
	if in.Reference == "" {
		if in.Reference, err = nextReference(ctx, tx, in.Start); err != nil {
			return 0, false, err
		}
	} else if taken, ok := b.referenceTaken(oldID, in.Reference); ok {
		if taken {
			fe.Add("reference", "lease.reference.taken")
		}
	} else if taken, err := referenceTaken(ctx, tx, oldID, in.Reference); err != nil {
		return 0, false, err
	} else if taken {
		fe.Add("reference", "lease.reference.taken")
	}

	// The lease's days: its end, or an active termination's if earlier.
	var term *Termination
	if old != nil {
		term = old.Termination
	}
	endsOn := effectiveEnd(in.End, term)
	if len(fe) == 0 {
		var clash []int64
		if b != nil {
			clash = b.overlapping(oldID, in.UnitIDs, in.Start, endsOn)
		} else if clash, err = overlapping(ctx, tx, oldID, in.UnitIDs, in.Start, endsOn); err != nil {
			return 0, false, err
		}
		if len(clash) > 0 {
			fe.Add("unit_ids", "lease.units.overlap")
		}
	}

	// Components: VAT rules, and no second row for a line on the same day.
	var newComponents []ComponentInput
	all := slices.Clone(existing)
	for i, c := range in.Components {
		field := fmt.Sprintf("components[%d]", i)
		if msg := vatProblem(c.VAT, kind, in.VATOpted); msg != "" {
			fe.Add(field+".vat", msg)
		}
		if same, ok := findRow(existing, c); ok {
			if same.AmountCents != c.AmountCents || same.VAT != c.VAT {
				fe.Add(field+".valid_from", "lease.component.exists")
			}
			continue
		}
		newComponents = append(newComponents, c)
		all = append(all,
			Component{Kind: c.Kind, Category: c.Category, Label: c.Label, AmountCents: c.AmountCents, VAT: c.VAT, ValidFrom: c.ValidFrom})
	}
	if kind == Residential || !in.VATOpted {
		if slices.ContainsFunc(existing, func(c Component) bool { return c.VAT == VATStandard }) {
			fe.Add("vat_opted", "lease.vat_opted.components_taxed")
		}
	}
	if kind == Residential && in.VATOpted {
		fe.Add("vat_opted", "lease.vat.residential")
	}

	// Deposit: at most twice the monthly bare rent at the start for
	// residential leases that start on or after 1 July 2023 (Wgv, art.
	// 7:261b BW); older leases keep what was agreed.
	if DepositCapApplies(kind, in.Start) && in.DepositCents > depositCap(all, in.Start) {
		fe.Add("deposit_cents", "lease.deposit.above_cap")
	}

	// Parties: new tenants must be old enough; new guarantors must exist.
	var addedTenants []int64
	for _, id := range in.TenantIDs {
		if slices.Contains(oldTenants, id) {
			continue
		}
		addedTenants = append(addedTenants, id)
		if err := s.checkTenantAge(ctx, tx, id); err != nil {
			if msg, ok := partyProblem(err); ok {
				fe.Add("tenant_ids", msg)
				continue
			}
			return 0, false, err
		}
	}
	var addedGuarantors []int64
	for _, id := range in.GuarantorIDs {
		if !slices.Contains(oldGuarantors, id) {
			addedGuarantors = append(addedGuarantors, id)
		}
	}
	if len(addedGuarantors) > 0 && len(fe) == 0 {
		found, err := s.partyFacts(ctx, tx, a, purposeGuarantor, addedGuarantors)
		if err != nil {
			if msg, ok := partyProblem(err); ok {
				fe.Add("guarantor_ids", msg)
			} else {
				return 0, false, err
			}
		}
		for _, id := range addedGuarantors {
			if _, ok := found[id]; !ok {
				fe.Add("guarantor_ids", "lease.party.not_found")
			}
		}
	}
	if err := fe.Err(); err != nil {
		return 0, false, err
	}

	l := &Lease{ID: oldID, Reference: in.Reference, Kind: kind, Start: in.Start, End: in.End, EndsOn: endsOn,
		NoticeMonthsTenant: in.NoticeMonthsTenant, NoticeMonthsLandlord: in.NoticeMonthsLandlord,
		BillingFrequency: in.BillingFrequency, DueDay: in.DueDay, PaymentMethod: in.PaymentMethod,
		VATOpted: in.VATOpted, DepositCents: in.DepositCents, Segment: segment, Units: units}
	changed := old == nil || !sameTerms(old, l) || !slices.Equal(oldTenants, in.TenantIDs) || !slices.Equal(oldGuarantors, in.GuarantorIDs)
	if !changed && len(newComponents) == 0 {
		return oldID, false, nil
	}

	// Adding a tenant marks the relation as a tenant; relations refuses it
	// while the processor agreement has not been accepted.
	for _, id := range addedTenants {
		if err := s.markTenant(ctx, tx, a, id); err != nil {
			if msg, ok := partyProblem(err); ok {
				return 0, false, validation.Errors{"tenant_ids": msg}
			}
			return 0, false, err
		}
	}
	now := s.now()
	id := oldID
	if changed {
		if old == nil {
			if id, err = insertLease(ctx, tx, l, now); err != nil {
				return 0, false, err
			}
		} else if err := updateLease(ctx, tx, l, now); err != nil {
			return 0, false, err
		}
		if old == nil || !slices.Equal(old.UnitIDs(), l.UnitIDs()) || !sameComplexes(old.Units, units) {
			if err := replaceUnits(ctx, tx, id, units, old == nil); err != nil {
				return 0, false, err
			}
		}
		if old == nil || !slices.Equal(oldTenants, in.TenantIDs) || !slices.Equal(oldGuarantors, in.GuarantorIDs) {
			if err := replaceParties(ctx, tx, id, in.TenantIDs, in.GuarantorIDs, old == nil); err != nil {
				return 0, false, err
			}
		}
		action := "lease.updated"
		if old == nil {
			action = "lease.created"
		}
		if err := s.record(ctx, tx, a, action, "lease", id, map[string]string{
			"units": joinIDs(in.UnitIDs), "tenants": joinIDs(in.TenantIDs), "guarantors": joinIDs(in.GuarantorIDs), "kind": string(kind),
		}); err != nil {
			return 0, false, err
		}
	}
	for _, c := range newComponents {
		cid, err := insertComponent(ctx, tx, id, c, now, a.UserID)
		if err != nil {
			return 0, false, err
		}
		if err := s.record(ctx, tx, a, "lease.component_set", "lease", id, map[string]string{
			"component_id": fmt.Sprint(cid), "kind": string(c.Kind), "valid_from": c.ValidFrom.String()}); err != nil {
			return 0, false, err
		}
	}
	return id, true, nil
}

// segmentOfUnits is the segment a new lease of kind on units is in:
// commercieel for commercial leases, else the units' common segment, or ""
// when they differ.
func segmentOfUnits(kind Kind, units []Unit) portfolio.Segment {
	if kind == Commercial {
		return portfolio.SegmentCommercieel
	}
	var seg portfolio.Segment
	for i, u := range units {
		if i > 0 && u.Segment != seg {
			return ""
		}
		seg = u.Segment
	}
	return seg
}

func sameTerms(a, b *Lease) bool {
	return a.Reference == b.Reference && a.Kind == b.Kind && a.Start == b.Start && a.End == b.End && a.EndsOn == b.EndsOn &&
		a.NoticeMonthsTenant == b.NoticeMonthsTenant && a.NoticeMonthsLandlord == b.NoticeMonthsLandlord &&
		a.BillingFrequency == b.BillingFrequency && a.DueDay == b.DueDay && a.PaymentMethod == b.PaymentMethod &&
		a.VATOpted == b.VATOpted && a.DepositCents == b.DepositCents && slices.Equal(a.UnitIDs(), b.UnitIDs())
}

func sameComplexes(a, b []Unit) bool {
	return slices.EqualFunc(a, b, func(x, y Unit) bool { return x.ID == y.ID && x.ComplexID == y.ComplexID })
}

func effectiveEnd(end civil.Date, t *Termination) civil.Date {
	if t == nil {
		return end
	}
	if end.IsZero() || t.EndDate.Before(end) {
		return t.EndDate
	}
	return end
}

// DepositCapFrom is the day art. 7:261b BW (Wet goed verhuurderschap) took
// effect: residential leases starting on or after it may ask a deposit of at
// most twice the monthly bare rent (DOMAIN.md §2.5).
var DepositCapFrom = civil.New(2023, time.July, 1)

// DepositCapApplies reports whether the deposit cap holds for a lease of
// kind starting on start.
func DepositCapApplies(kind Kind, start civil.Date) bool {
	return kind == Residential && !start.Before(DepositCapFrom)
}

// depositCap is twice the monthly bare rent valid on the start date.
func depositCap(rows []Component, start civil.Date) money.Cents {
	var rent money.Cents
	for _, c := range componentsOn(rows, start) {
		if c.Kind == BareRent {
			rent += c.AmountCents
		}
	}
	return 2 * rent
}

// vatProblem says why a component's VAT is not allowed on a lease, or "".
func vatProblem(v VAT, kind Kind, opted bool) string {
	if v != VATStandard {
		return ""
	}
	if kind == Residential {
		return "lease.vat.residential"
	}
	if !opted {
		return "lease.vat.not_opted"
	}
	return ""
}

func findRow(rows []Component, c ComponentInput) (Component, bool) {
	for _, r := range rows {
		if r.Kind == c.Kind && r.Category == c.Category && r.Label == c.Label && r.ValidFrom == c.ValidFrom {
			return r, true
		}
	}
	return Component{}, false
}

// partyProblem turns a refusal from relations into a message for the
// parties field: an unknown person, or the message relations gave.
func partyProblem(err error) (string, bool) {
	if errors.Is(err, validation.ErrNotFound) {
		return "lease.party.not_found", true
	}
	if p, ok := validation.AsProblem(err); ok && p.Status == 422 {
		return p.Code, true // relation.tenant_under_16
	}
	if fe, ok := validation.AsFields(err); ok {
		for _, msg := range fe {
			return msg, true
		}
	}
	return "", false
}

// --- components ---

// SetComponent sets a component line from in.ValidFrom: a new row in the
// rent history (an identical row is not repeated). It returns the row id.
func (s *Service) SetComponent(ctx context.Context, a account.Actor, leaseID int64, in ComponentInput) (int64, error) {
	if !a.Can(account.PermPortfolioWrite) {
		return 0, validation.ErrForbidden
	}
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		id, err = s.SetComponentTx(ctx, tx, a, leaseID, in)
		return err
	})
	return id, err
}

// SetComponentTx is SetComponent inside the caller's transaction (a rent
// increase checks the posted periods and sets the new rent in one). The
// caller has checked the actor's permission.
func (s *Service) SetComponentTx(ctx context.Context, tx *db.Tx, a account.Actor, leaseID int64, in ComponentInput) (int64, error) {
	fe := validation.Errors{}
	in.normalize(fe, "")
	var id int64
	err := func() error {
		l, err := loadLease(ctx, tx, leaseID)
		if err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if in.ValidFrom.Before(l.Start) {
			fe.Add("valid_from", "lease.component.before_start")
		}
		if !l.EndsOn.IsZero() && in.ValidFrom.After(l.EndsOn) {
			fe.Add("valid_from", "lease.component.after_end")
		}
		if msg := vatProblem(in.VAT, l.Kind, l.VATOpted); msg != "" {
			fe.Add("vat", msg)
		}
		if same, ok := findRow(l.Components, in); ok {
			if same.AmountCents == in.AmountCents && same.VAT == in.VAT && len(fe) == 0 {
				id = same.ID
				return nil
			}
			fe.Add("valid_from", "lease.component.exists")
		}
		all := append(slices.Clone(l.Components), Component{Kind: in.Kind, Category: in.Category, Label: in.Label,
			AmountCents: in.AmountCents, VAT: in.VAT, ValidFrom: in.ValidFrom})
		atStart := in.Kind == BareRent && !in.ValidFrom.After(l.Start)
		if DepositCapApplies(l.Kind, l.Start) && atStart && l.DepositCents > depositCap(all, l.Start) {
			fe.Add("amount_cents", "lease.deposit.above_cap")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "label", Value: in.Label}); err != nil {
			return err
		}
		if id, err = insertComponent(ctx, tx, leaseID, in, s.now(), a.UserID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "lease.component_set", "lease", leaseID, map[string]string{
			"component_id": fmt.Sprint(id), "kind": string(in.Kind), "valid_from": in.ValidFrom.String()})
	}()
	return id, err
}

// Components returns a lease's rent history.
func (s *Service) Components(ctx context.Context, a account.Actor, leaseID int64) ([]Component, error) {
	if !a.Can(account.PermPortfolioRead) {
		return nil, validation.ErrForbidden
	}
	var out []Component
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		l, err := loadLease(ctx, tx, leaseID)
		if err != nil {
			return err
		}
		out = l.Components
		return nil
	})
	return out, err
}

// --- deposit ---

// AddDepositEntry records money received for or returned from the
// deposit. Received money may not exceed the agreed deposit; returns may not
// exceed what is held. Deductions go through the deposit capability, which
// keeps their evidence and sets arrears off in the ledger.
func (s *Service) AddDepositEntry(ctx context.Context, a account.Actor, leaseID int64, in DepositEntryInput) (int64, error) {
	if !a.Can(account.PermPortfolioWrite) {
		return 0, validation.ErrForbidden
	}
	if in.Kind == DepositDeducted {
		return 0, validation.Errors{"kind": "lease.deposit.deduct_on_deposit_page"}
	}
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		id, err = s.AddDepositEntryTx(ctx, tx, a, leaseID, in)
		return err
	})
	return id, err
}

// AddDepositEntryTx is AddDepositEntry inside the caller's transaction, for
// the deposit capability (a deduction and its ledger set-off in one
// transaction). The caller has checked the actor's permission.
func (s *Service) AddDepositEntryTx(ctx context.Context, tx *db.Tx, a account.Actor, leaseID int64, in DepositEntryInput) (int64, error) {
	fe := validation.Errors{}
	if !slices.Contains(DepositEntryKinds, in.Kind) {
		fe.Add("kind", "field.invalid")
	}
	if in.Date.IsZero() {
		fe.Add("date", "field.required")
	}
	if in.AmountCents <= 0 {
		fe.Add("amount_cents", "lease.amount.positive")
	} else if !in.AmountCents.InBounds() {
		fe.Add("amount_cents", money.TooLarge)
	}
	if in.Kind == DepositDeducted {
		if !slices.Contains(DeductionReasons, in.Reason) {
			fe.Add("reason", "lease.deposit.reason_required")
		}
	} else {
		in.Reason = ""
	}
	var ok bool
	if in.Note, ok = cleanText(in.Note, maxNote); !ok {
		fe.Add("note", "field.invalid")
	}
	l, err := loadLease(ctx, tx, leaseID)
	if err != nil {
		return 0, err
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	switch in.Kind {
	case DepositReceived:
		if l.DepositReceivedTotal()+in.AmountCents > l.DepositCents {
			fe.Add("amount_cents", "lease.deposit.exceeds_agreed")
		}
	default:
		if in.AmountCents > l.DepositHeld() {
			fe.Add("amount_cents", "lease.deposit.exceeds_held")
		}
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "note", Value: in.Note}); err != nil {
		return 0, err
	}
	id, err := insertDepositEntry(ctx, tx, leaseID, in, s.now(), a.UserID)
	if err != nil {
		return 0, err
	}
	return id, s.record(ctx, tx, a, "lease.deposit_entry_added", "lease", leaseID, map[string]string{
		"entry_id": fmt.Sprint(id), "kind": string(in.Kind), "reason": in.Reason})
}

// DepositEntries returns a lease's deposit entries, oldest first.
func (s *Service) DepositEntries(ctx context.Context, a account.Actor, leaseID int64) ([]DepositEntry, error) {
	if !a.Can(account.PermPortfolioRead) {
		return nil, validation.ErrForbidden
	}
	var out []DepositEntry
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		l, err := loadLease(ctx, tx, leaseID)
		if err != nil {
			return err
		}
		out = l.Deposit
		return nil
	})
	return out, err
}

// --- notice ---

// preview computes what notice in would do to l, or says what is wrong;
// wholeMonths is the organisation's notice policy (Settings).
func (s *Service) preview(l *Lease, in *NoticeInput, wholeMonths bool) (NoticePreview, error) {
	fe := validation.Errors{}
	if in.By != ByTenant && in.By != ByLandlord {
		fe.Add("by", "field.invalid")
	}
	if in.NoticeDate.IsZero() {
		fe.Add("notice_date", "field.required")
	}
	var ok bool
	if in.Reason, ok = cleanText(in.Reason, maxReason); !ok {
		fe.Add("reason", "field.invalid")
	}
	if err := fe.Err(); err != nil {
		return NoticePreview{}, err
	}
	if l.Termination != nil {
		return NoticePreview{}, ErrNoticeGiven
	}
	months := s.noticeMonths(l, in.By, in.NoticeDate)
	p := NoticePreview{By: in.By, NoticeDate: in.NoticeDate, NoticeMonths: months, EndDate: NoticeEnd(in.NoticeDate, months, wholeMonths)}
	switch {
	case !l.EndsOn.IsZero() && l.EndsOn.Before(in.NoticeDate):
		fe.Add("notice_date", "lease.notice.after_end")
	case p.EndDate.Before(l.Start):
		fe.Add("notice_date", "lease.notice.before_start")
	case !l.End.IsZero() && p.EndDate.After(l.End):
		fe.Add("notice_date", "lease.notice.past_end_date")
	}
	return p, fe.Err()
}

// PreviewNotice computes the end date notice would give, without giving it.
func (s *Service) PreviewNotice(ctx context.Context, a account.Actor, leaseID int64, in NoticeInput) (NoticePreview, error) {
	if !a.Can(account.PermPortfolioWrite) {
		return NoticePreview{}, validation.ErrForbidden
	}
	var p NoticePreview
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		l, err := loadLease(ctx, tx, leaseID)
		if err != nil {
			return err
		}
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		p, err = s.preview(l, &in, st.NoticeWholeMonths)
		return err
	})
	return p, err
}

// GiveNotice records notice (by the tenant or the landlord) and ends the
// lease on the computed end date. The reason is kept as given.
func (s *Service) GiveNotice(ctx context.Context, a account.Actor, leaseID int64, in NoticeInput) (NoticePreview, error) {
	if !a.Can(account.PermPortfolioWrite) {
		return NoticePreview{}, validation.ErrForbidden
	}
	var p NoticePreview
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		l, err := loadLease(ctx, tx, leaseID)
		if err != nil {
			return err
		}
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if p, err = s.preview(l, &in, st.NoticeWholeMonths); err != nil {
			return err
		}
		if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "reason", Value: in.Reason}); err != nil {
			return err
		}
		now := s.now()
		tid, err := insertTermination(ctx, tx, leaseID, p, in.Reason, now, a.UserID)
		if err != nil {
			return err
		}
		if err := setEndsOn(ctx, tx, leaseID, effectiveEnd(l.End, &Termination{EndDate: p.EndDate}), now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "lease.notice_given", "lease", leaseID, map[string]string{
			"termination_id": fmt.Sprint(tid), "by": string(p.By), "notice_date": p.NoticeDate.String(), "end_date": p.EndDate.String()})
	})
	return p, err
}

// WithdrawNotice withdraws the active notice while the lease has not ended
// yet (up to and including its end date), unless another lease has taken a
// unit for the days the lease would run again.
func (s *Service) WithdrawNotice(ctx context.Context, a account.Actor, leaseID int64) error {
	if !a.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		l, err := loadLease(ctx, tx, leaseID)
		if err != nil {
			return err
		}
		t := l.Termination
		if err := withdrawable(t, s.today()); err != nil {
			return err
		}
		clash, err := overlapping(ctx, tx, leaseID, l.UnitIDs(), l.Start, l.End)
		if err != nil {
			return err
		}
		if len(clash) > 0 {
			return ErrWithdrawOverlap
		}
		now := s.now()
		if err := withdrawTermination(ctx, tx, t.ID, now, a.UserID); err != nil {
			return err
		}
		if err := setEndsOn(ctx, tx, leaseID, l.End, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "lease.notice_withdrawn", "lease", leaseID, map[string]string{"termination_id": fmt.Sprint(t.ID)})
	})
}

// Today is the service's current date (Europe/Amsterdam), for callers that
// show statuses.
func (s *Service) Today() civil.Date { return s.today() }
