package rentincrease_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
	"hms/internal/rentincrease"
)

var ctx = context.Background()

// Today in the tests: 15 March 2026; 1 July 2026 letters are due by 30 April.
var now = time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC)

var d = civil.MustParse

type env struct {
	*apptest.Org
	svc *rentincrease.Service
}

func each(t *testing.T, fn func(t *testing.T, e *env)) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, o *apptest.Org) { fn(t, &env{Org: o, svc: o.RentIncreases}) })
}

// lease makes a unit of the segment, a tenant and a lease from start with
// the bare rent, and returns the lease id.
func (e *env) lease(a account.Actor, seg portfolio.Segment, start string, rent money.Cents) int64 {
	e.T.Helper()
	n := e.Next()
	typ := portfolio.TypeZelfstandig
	if seg == portfolio.SegmentCommercieel {
		typ = portfolio.TypeBedrijfsruimte
	}
	u := e.Unit(a,
		portfolio.UnitInput{Street: "Lindelaan", HouseNumber: fmt.Sprint(n), Postcode: "3521 CD", City: "Utrecht", Type: typ, Segment: seg})
	p := e.Person(a, relation.PersonInput{FirstNames: "Anneke", Surname: fmt.Sprintf("Çelik %d", n)})
	return e.Lease(a, lease.Input{Reference: fmt.Sprintf("L%02d", n), UnitIDs: []int64{u}, TenantIDs: []int64{p}, Start: d(start),
		Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: rent},
			{Kind: lease.ServiceCosts, Category: "schoonmaak", AmountCents: 2500}}})
}

func byLease(ps []rentincrease.Proposal) map[int64]rentincrease.Proposal {
	m := map[int64]rentincrease.Proposal{}
	for _, p := range ps {
		m[p.LeaseID] = p
	}
	return m
}

func fieldErr(t *testing.T, err error, field, msg string) {
	t.Helper()
	fe, ok := validation.AsFields(err)
	if !ok || fe[field] != msg {
		t.Fatalf("want field error %s=%s, got %v", field, msg, err)
	}
}

func (e *env) events(action string) []audit.Event {
	e.T.Helper()
	var evs []audit.Event
	if err := e.DB.ReadOrg(ctx, e.Owner.OrgID, func(tx *db.Tx) error {
		var err error
		evs, err = e.Audit.List(ctx, tx, audit.Filter{Action: action, Limit: 1000})
		return err
	}); err != nil {
		e.T.Fatal(err)
	}
	return evs
}

// The whole round on both engines: propose for 1 July 2026, review, confirm
// with letters, record delivery, apply; the rent history keeps the old row.
func TestProposeConfirmApply(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		on := d("2026-07-01")
		social := e.lease(e.Owner, portfolio.SegmentSociaal, "2020-01-01", 80000)
		low := e.lease(e.Owner, portfolio.SegmentSociaal, "2019-05-01", 30000)
		free := e.lease(e.Owner, portfolio.SegmentVrij, "2021-03-01", 150000)
		middle := e.lease(e.Owner, portfolio.SegmentMiddenhuur, "2024-09-01", 110000)
		fresh := e.lease(e.Owner, portfolio.SegmentSociaal, "2025-09-01", 70000)
		shop := e.lease(e.Owner, portfolio.SegmentCommercieel, "2021-07-01", 250000)
		e.lease(e.Owner, portfolio.SegmentSociaal, "2026-08-01", 70000) // not running on the date: not proposed

		// A 6% clause on the free-sector lease is clipped to 4.4%.
		if err := e.svc.SetClause(ctx, e.Owner, free, rentincrease.ClauseInput{Method: rentincrease.MethodFixed, Percent: "6"}); err != nil {
			t.Fatal(err)
		}
		// Commercial: CPI with the ROZ lag, from an imported series.
		if _, cellErrs, err := e.svc.ImportCPI(ctx, e.Owner,
			strings.NewReader("series;month;index\nCPI-2015;2025-03;126,1\nCPI-2015;2026-03;130,6\n")); err != nil {
			t.Fatal(cellErrs, err)
		}
		if err := e.svc.SetClause(ctx, e.Owner, shop, rentincrease.ClauseInput{Method: rentincrease.MethodCPI, Series: "CPI-2015", BaseYear: 2015,
			FirstDate: d("2022-07-01")}); err != nil {
			t.Fatal(err)
		}

		if _, err := e.svc.Propose(ctx, e.Viewer, on); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("viewer proposes: %v", err)
		}
		ps, err := e.svc.Propose(ctx, e.Bookkeeper, on)
		if err != nil {
			t.Fatal(err)
		}
		got := byLease(ps)
		if len(ps) != 6 {
			t.Fatalf("%d proposals: %+v", len(ps), ps)
		}
		for _, c := range []struct {
			lease    int64
			status   rentincrease.Status
			old, max money.Cents
			basis    rentincrease.Basis
		}{
			{social, rentincrease.StatusDraft, 80000, 83280, rentincrease.BasisCap},
			{low, rentincrease.StatusDraft, 30000, 32500, rentincrease.BasisCap}, // below €350: up to €25
			{free, rentincrease.StatusDraft, 150000, 156600, rentincrease.BasisClipped},
			{middle, rentincrease.StatusDraft, 110000, 116710, rentincrease.BasisCap},
			{fresh, rentincrease.StatusSkipped, 70000, 0, rentincrease.BasisNotComputed},
			{shop, rentincrease.StatusDraft, 250000, 258921, rentincrease.BasisIndexation},
		} {
			p := got[c.lease]
			if p.Status != c.status || p.OldCents != c.old || p.MaxCents != c.max || p.Basis != c.basis {
				t.Errorf("lease %d: %s %d→%d %s, want %s %d→%d %s (%+v)", c.lease, p.Status, p.OldCents, p.MaxCents, p.Basis,
					c.status, c.old, c.max, c.basis, p.Notes)
			}
		}
		if n := got[fresh].Notes; len(n) != 1 || n[0].Code != "rentincrease.note.within_12_months" {
			t.Errorf("fresh lease notes: %+v", n)
		}

		// Review: lower one, refuse a raise above the maximum, exclude one.
		pSocial, pMiddle := got[social], got[middle]
		up, down, tooLow := money.Cents(83281), money.Cents(82000), money.Cents(79999)
		fieldErr(t, e.svc.Adjust(ctx, e.Owner, pSocial.ID, rentincrease.Adjustment{NewCents: &up}), "new_amount_cents",
			"rentincrease.amount.above_max")
		fieldErr(t, e.svc.Adjust(ctx, e.Owner, pSocial.ID, rentincrease.Adjustment{NewCents: &tooLow}), "new_amount_cents",
			"rentincrease.amount.below_old")
		if err := e.svc.Adjust(ctx, e.Owner, pSocial.ID, rentincrease.Adjustment{NewCents: &down}); err != nil {
			t.Fatal(err)
		}
		yes := true
		if err := e.svc.Adjust(ctx, e.Owner, pMiddle.ID, rentincrease.Adjustment{Excluded: &yes}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Adjust(ctx, e.Owner, got[fresh].ID, rentincrease.Adjustment{NewCents: &down}); !errors.Is(err, rentincrease.ErrNotDraft) {
			t.Fatalf("adjust a skipped proposal: %v", err)
		}
		// Proposing again keeps the review.
		ps, err = e.svc.Propose(ctx, e.Owner, on)
		if err != nil {
			t.Fatal(err)
		}
		got = byLease(ps)
		if got[social].NewCents != 82000 || !got[social].Adjusted || got[middle].Status != rentincrease.StatusExcluded ||
			got[social].ID != pSocial.ID {
			t.Fatalf("second propose lost the review: %+v %+v", got[social], got[middle])
		}

		// The list: search, sort, page.
		page, err := e.svc.List(ctx, e.Viewer, listing.Query{Sort: "new", Desc: true, Limit: 2}, rentincrease.ListFilter{Date: on})
		if err != nil || page.Total != 6 || len(page.Items) != 2 || page.Items[0].LeaseID != shop {
			t.Fatalf("list: %v %+v", err, page)
		}
		page, _ = e.svc.List(ctx, e.Viewer, listing.Query{Search: "lindelaan 2,"}, rentincrease.ListFilter{Date: on})
		if page.Total != 1 || page.Items[0].LeaseID != low {
			t.Fatalf("search: %+v", page)
		}

		// Confirm makes a letter per draft (not for excluded or skipped),
		// when the drafts are still what the plan showed.
		plan, err := e.svc.PlanConfirm(ctx, e.Viewer, on)
		if err != nil || plan.Proposals != 4 {
			t.Fatalf("plan: %+v %v", plan, err)
		}
		var increase money.Cents
		for _, p := range got {
			if p.Status == rentincrease.StatusDraft {
				increase += p.NewCents - p.OldCents
			}
		}
		if plan.Increase != increase {
			t.Fatalf("plan adds %s, the drafts %s", plan.Increase, increase)
		}
		stale := plan
		stale.Increase++
		if _, err := e.svc.Confirm(ctx, e.Bookkeeper, on, stale); err != rentincrease.ErrConfirmChanged {
			t.Fatalf("confirm of another plan: %v", err)
		}
		n, err := e.svc.Confirm(ctx, e.Bookkeeper, on, plan)
		if err != nil || n != 4 {
			t.Fatalf("confirm: %d %v", n, err)
		}
		pdf, err := e.svc.Letter(ctx, e.Viewer, pSocial.ID)
		if err != nil {
			t.Fatal(err)
		}
		text := apptest.PDFText(t, pdf)
		for _, want := range []string{"Voorstel huurverhoging per 1 juli 2026", "A. Çelik 1", "€ 800,00", "€ 820,00", "€ 20,00", "2,5%",
			"1 juli 2026", "Huurcommissie", "Bezwaar maken", "sociale huur", "4,1%", "alpha", "geen inkomensafhankelijke"} {
			if !strings.Contains(text, want) {
				t.Errorf("letter lacks %q", want)
			}
		}
		shopPDF, _ := e.svc.Letter(ctx, e.Owner, got[shop].ID)
		shopText := apptest.PDFText(t, shopPDF)
		for _, want := range []string{"Huurprijsaanpassing per 1 juli 2026", "€ 2.500,00", "€ 2.589,21", "3,5684%",
			"CPI-2015", "maart 2026", "maart 2025"} {
			if !strings.Contains(shopText, want) {
				t.Errorf("commercial letter lacks %q", want)
			}
		}
		if strings.Contains(shopText, "Huurcommissie") {
			t.Error("commercial letter mentions the Huurcommissie")
		}
		if t.Failed() {
			t.Logf("letter: %s\ncommercial: %s", text, shopText)
		}
		if len(e.events("relation.viewed")) < 4 || len(e.events("rentincrease.confirmed")) != 4 ||
			len(e.events("rentincrease.letter_viewed")) != 2 {
			t.Errorf("audit: viewed %d confirmed %d letters %d", len(e.events("relation.viewed")), len(e.events("rentincrease.confirmed")),
				len(e.events("rentincrease.letter_viewed")))
		}
		if err := e.svc.Adjust(ctx, e.Owner, pSocial.ID, rentincrease.Adjustment{NewCents: &down}); !errors.Is(err, rentincrease.ErrNotDraft) {
			t.Fatalf("adjust a confirmed proposal: %v", err)
		}

		// Delivery: not in the future, not later than 30 April.
		fieldErr(t, e.svc.RecordDelivery(ctx, e.Owner, pSocial.ID, rentincrease.Delivery{On: d("2026-03-16"), Method: lease.DeliveredPaper}),
			"delivered_on", "rentincrease.delivery.future")
		fieldErr(t,
			e.svc.RecordDelivery(ctx, e.Owner, pSocial.ID, rentincrease.Delivery{On: d("2026-03-10"), Method: "pigeon"}), "method", "field.invalid")
		if err := e.svc.RecordDelivery(ctx, e.Owner, pSocial.ID,
			rentincrease.Delivery{On: d("2026-03-15"), Method: lease.DeliveredPaper}); err != nil {
			t.Fatal(err)
		}

		// Apply: a bookkeeper may not change a lease's rent; an owner may.
		if err := e.svc.Apply(ctx, e.Bookkeeper, pSocial.ID); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("bookkeeper applies: %v", err)
		}
		if err := e.svc.Apply(ctx, e.Owner, pSocial.ID); err != nil {
			t.Fatal(err)
		}
		l, _ := e.Leases.Get(ctx, e.Owner, social)
		if l.BareRentOn(d("2026-06-30")) != 80000 || l.BareRentOn(on) != 82000 || len(l.Components) != 3 {
			t.Fatalf("rent history after apply: %+v", l.Components)
		}
		if err := e.svc.Apply(ctx, e.Owner, pSocial.ID); !errors.Is(err, rentincrease.ErrApplied) {
			t.Fatalf("apply twice: %v", err)
		}
		p, _ := e.svc.Get(ctx, e.Owner, pSocial.ID)
		if p.Status != rentincrease.StatusApplied || p.ComponentID == 0 || p.DeliveredOn != d("2026-03-15") {
			t.Fatalf("applied proposal: %+v", p)
		}
		// The next year's proposal for this lease waits 12 months.
		ps, _ = e.svc.Propose(ctx, e.Owner, d("2027-01-01"))
		if q := byLease(ps)[social]; q.Status != rentincrease.StatusSkipped || q.Notes[0].Code != "rentincrease.note.within_12_months" {
			t.Fatalf("half a year later: %+v", q)
		}

		// After 30 April a residential letter is too late: confirm and
		// apply without a recorded delivery are refused.
		e.Clock.Set(time.Date(2026, 5, 2, 10, 0, 0, 0, time.UTC))
		if err := e.svc.Apply(ctx, e.Owner, got[low].ID); err == nil {
			t.Fatal("applied without delivery after the deadline")
		} else {
			fieldErr(t, err, "effective_date", "rentincrease.date.too_soon")
		}
		fieldErr(t, e.svc.RecordDelivery(ctx, e.Owner, got[low].ID, rentincrease.Delivery{On: d("2026-05-01"), Method: lease.DeliveredEmail}),
			"delivered_on", "rentincrease.delivery.too_late")
		// A delivery recorded in time makes the apply possible later.
		if err := e.svc.RecordDelivery(ctx, e.Owner, got[low].ID,
			rentincrease.Delivery{On: d("2026-04-30"), Method: lease.DeliveredEmail}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Apply(ctx, e.Owner, got[low].ID); err != nil {
			t.Fatal(err)
		}
		// Commercial indexation has no letter deadline.
		if err := e.svc.Apply(ctx, e.Owner, got[shop].ID); err != nil {
			t.Fatal(err)
		}
		if yes := false; e.svc.Adjust(ctx, e.Owner, pMiddle.ID, rentincrease.Adjustment{Excluded: &yes}) != nil {
			t.Fatal("include again")
		}
		plan, _ = e.svc.PlanConfirm(ctx, e.Owner, on)
		if _, err := e.svc.Confirm(ctx, e.Owner, on, plan); err == nil {
			t.Fatal("confirmed on 2 May for 1 July")
		} else {
			fieldErr(t, err, "effective_date", "rentincrease.date.too_soon")
		}
		if p, _ := e.svc.Get(ctx, e.Owner, pMiddle.ID); p.Status != rentincrease.StatusDraft || p.HasLetter() {
			t.Fatalf("refused confirm changed the proposal: %+v", p)
		}

		// A second organisation sees nothing.
		pageB, err := e.svc.List(ctx, e.OwnerB, listing.Query{}, rentincrease.ListFilter{Date: on})
		if err != nil || pageB.Total != 0 {
			t.Fatalf("other organisation's list: %v %+v", err, pageB)
		}
		if _, err := e.svc.Get(ctx, e.OwnerB, pSocial.ID); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other organisation's get: %v", err)
		}
		if _, err := e.svc.Letter(ctx, e.OwnerB, pSocial.ID); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other organisation's letter: %v", err)
		}
		if err := e.svc.SetClause(ctx, e.OwnerB, social,
			rentincrease.ClauseInput{Method: rentincrease.MethodNone}); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other organisation's clause: %v", err)
		}
		if cpi, _ := e.svc.CPI(ctx, e.OwnerB, ""); len(cpi) != 0 {
			t.Fatalf("other organisation sees CPI: %+v", cpi)
		}
		if psB, _ := e.svc.Propose(ctx, e.OwnerB, on); len(psB) != 0 {
			t.Fatalf("other organisation's proposals: %+v", psB)
		}
		// Audit events carry ids (no names), and every change left one.
		for _, ev := range e.events("") {
			if strings.Contains(fmt.Sprint(ev.Details), "Çelik") {
				t.Errorf("audit event %s carries a name: %v", ev.Action, ev.Details)
			}
		}
		for _, action := range []string{"rentincrease.proposed", "rentincrease.adjusted", "rentincrease.clause_set", "rentincrease.cpi_imported",
			"rentincrease.delivered", "rentincrease.applied", "lease.component_set"} {
			if len(e.events(action)) == 0 {
				t.Errorf("no %s event", action)
			}
		}
	})
}

// postedFunc is a small real PostedThrough: the ledger's answer as a func.
type postedFunc func(ctx context.Context, tx *db.Tx, leaseID int64) (civil.Date, error)

func (f postedFunc) PostedThrough(ctx context.Context, tx *db.Tx, leaseID int64) (civil.Date, error) {
	return f(ctx, tx, leaseID)
}

func TestPostedPeriodsAreNotChanged(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		on := d("2026-07-01")
		a := e.lease(e.Owner, portfolio.SegmentSociaal, "2020-01-01", 80000)
		b := e.lease(e.Owner, portfolio.SegmentSociaal, "2020-01-01", 90000)
		posted := map[int64]civil.Date{}
		e.svc = rentincrease.New(rentincrease.Deps{DB: e.DB, Audit: e.Audit, Clock: e.Clock, Leases: e.Leases, Portfolio: e.Portfolio,
			Vault:     e.Vault,
			Relations: e.Relations, PostedThrough: postedFunc(func(ctx context.Context, tx *db.Tx, leaseID int64) (civil.Date, error) {
				// A real answer from inside the caller's transaction.
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM leases WHERE id = $1 AND org_id = $2`, leaseID,
					tx.OrgID()).Scan(&n); err != nil || n != 1 {
					return civil.Date{}, fmt.Errorf("lease %d not in this organisation: %v", leaseID, err)
				}
				return posted[leaseID], nil
			})})
		posted[a] = d("2026-07-31") // July already charged
		ps, err := e.svc.Propose(ctx, e.Owner, on)
		if err != nil {
			t.Fatal(err)
		}
		got := byLease(ps)
		if got[a].Status != rentincrease.StatusSkipped || got[a].Notes[0].Code != "rentincrease.note.posted" ||
			got[a].Notes[0].Args["through"] != "2026-07-31" {
			t.Fatalf("posted lease proposed: %+v", got[a])
		}
		if got[b].Status != rentincrease.StatusDraft {
			t.Fatalf("unposted lease: %+v", got[b])
		}
		plan, _ := e.svc.PlanConfirm(ctx, e.Owner, on)
		if _, err := e.svc.Confirm(ctx, e.Owner, on, plan); err != nil {
			t.Fatal(err)
		}
		// July of lease b is posted between confirm and apply.
		posted[b] = d("2026-07-31")
		err = e.svc.Apply(ctx, e.Owner, got[b].ID)
		fieldErr(t, err, "effective_date", "rentincrease.date.posted")
		l, _ := e.Leases.Get(ctx, e.Owner, b)
		if len(l.Components) != 2 {
			t.Fatalf("refused apply wrote a component: %+v", l.Components)
		}
		posted[b] = d("2026-06-30")
		if err := e.svc.Apply(ctx, e.Owner, got[b].ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSettingsCapsAndCPIImport(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		// Bad CPI lines come back with line and column; nothing is stored.
		_, cellErrs, err := e.svc.ImportCPI(ctx, e.Owner, strings.NewReader("CPI;2025-01;128,4\nCPI;jan;128\nCPI;2025-03;abc\n"))
		if err == nil || len(cellErrs) != 2 || cellErrs[0].Line != 2 || cellErrs[0].Column != "month" || cellErrs[1].Line != 3 ||
			cellErrs[1].Column != "index" {
			t.Fatalf("bad file: %+v %v", cellErrs, err)
		}
		if cpi, _ := e.svc.CPI(ctx, e.Owner, ""); len(cpi) != 0 {
			t.Fatalf("bad file stored %d figures", len(cpi))
		}
		res, _, err := e.svc.ImportCPI(ctx, e.Owner, strings.NewReader("CPI;2025-01;128,4\nCPI;2025-02;128,9\n"))
		if err != nil || res.Added != 2 {
			t.Fatalf("import: %+v %v", res, err)
		}
		res, _, _ = e.svc.ImportCPI(ctx, e.Owner, strings.NewReader("CPI;2025-01;128.40\nCPI;2025-02;129,0\n"))
		if res.Unchanged != 1 || res.Changed != 1 {
			t.Fatalf("second import: %+v", res)
		}
		if _, _, err := e.svc.ImportCPI(ctx, e.Viewer, strings.NewReader("CPI;2025-01;1\n")); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("viewer imports: %v", err)
		}

		// An organisation sets the unknown 2027 social cap, with its source.
		fieldErr(t, e.svc.SetCapOverride(ctx, e.Owner, portfolio.SegmentSociaal, 2027, "3,5", ""), "source", "rentincrease.cap.source_required")
		fieldErr(t, e.svc.SetCapOverride(ctx, e.Owner, portfolio.SegmentCommercieel, 2027, "3,5", "x"), "segment", "field.invalid")
		fieldErr(t, e.svc.SetCapOverride(ctx, e.Owner, portfolio.SegmentSociaal, 2027, "abc", "x"), "percent", "rentincrease.percent.invalid")
		lid := e.lease(e.Owner, portfolio.SegmentSociaal, "2020-01-01", 80000)
		ps, _ := e.svc.Propose(ctx, e.Owner, d("2027-07-01"))
		if ps[0].Status != rentincrease.StatusSkipped || ps[0].Notes[0].Code != "rentincrease.note.no_cap" {
			t.Fatalf("no 2027 cap: %+v", ps[0])
		}
		if err := e.svc.SetCapOverride(ctx, e.Owner, portfolio.SegmentSociaal, 2027, "3,5", "Staatscourant 2027, 123"); err != nil {
			t.Fatal(err)
		}
		ps, _ = e.svc.Propose(ctx, e.Owner, d("2027-07-01"))
		if ps[0].LeaseID != lid || ps[0].Status != rentincrease.StatusDraft || ps[0].MaxCents != 82800 {
			t.Fatalf("with the override: %+v", ps[0])
		}
		caps, _ := e.svc.Caps(ctx, e.Viewer)
		found := false
		for _, c := range caps {
			if c.Segment == portfolio.SegmentSociaal && c.Year() == 2027 && c.Override && c.Source == "Staatscourant 2027, 123" {
				found = true
			}
		}
		if !found {
			t.Fatalf("override missing from the caps: %+v", caps)
		}
		if capsB, _ := e.svc.Caps(ctx, e.OwnerB); len(capsB) != len(rentincrease.BuiltinCaps()) {
			t.Fatalf("other organisation sees the override: %d rows", len(capsB))
		}

		// Clause input is checked field by field.
		fieldErr(t, e.svc.SetClause(ctx, e.Owner, lid, rentincrease.ClauseInput{Method: rentincrease.MethodCPI}), "series", "field.required")
		fieldErr(t, e.svc.SetClause(ctx, e.Owner, lid, rentincrease.ClauseInput{Method: "magic"}), "method", "field.invalid")
		fieldErr(t, e.svc.SetClause(ctx, e.Owner, lid, rentincrease.ClauseInput{Method: rentincrease.MethodFixed, Percent: "x"}), "percent",
			"rentincrease.percent.invalid")
		fieldErr(t,
			e.svc.SetClause(ctx, e.Owner, lid, rentincrease.ClauseInput{Method: rentincrease.MethodCPI, Series: "CPI", FirstDate: d("2019-01-01")}),
			"first_date", "rentincrease.clause.first_before_start")
		if c, _ := e.svc.Clause(ctx, e.Owner, lid); c != nil {
			t.Fatalf("refused clause stored: %+v", c)
		}

		// Letter texts.
		fieldErr(t, e.svc.UpdateSettings(ctx, e.Owner, rentincrease.Settings{ObjectionText: " "}), "objection_text", "field.required")
		if err := e.svc.UpdateSettings(ctx, e.Owner,
			rentincrease.Settings{SenderName: "Woonstichting Zuid", ObjectionText: "Bezwaar binnen zes weken."}); err != nil {
			t.Fatal(err)
		}
		st, _ := e.svc.Settings(ctx, e.Owner)
		stB, _ := e.svc.Settings(ctx, e.OwnerB)
		if st.SenderName != "Woonstichting Zuid" || stB.ObjectionText != rentincrease.DefaultObjectionText {
			t.Fatalf("settings: %+v / %+v", st, stB)
		}
	})
}
