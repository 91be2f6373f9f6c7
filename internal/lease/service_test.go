package lease_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/privacy"
	"hms/internal/relation"
)

var ctx = context.Background()

// Today in the tests: 15 March 2026, noon in Amsterdam.
var now = time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC)

var d = civil.MustParse

type env struct {
	*apptest.Org
	svc *lease.Service
}

func each(t *testing.T, fn func(t *testing.T, e *env)) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, o *apptest.Org) { fn(t, &env{Org: o, svc: o.Leases}) })
}

// unit makes a unit of type typ for a's organisation.
func (e *env) unit(a account.Actor, typ portfolio.UnitType, complexID int64) int64 {
	return e.Unit(a, portfolio.UnitInput{ComplexID: complexID, Type: typ})
}

func (e *env) home(a account.Actor) int64 { return e.unit(a, portfolio.TypeZelfstandig, 0) }
func (e *env) shop(a account.Actor) int64 { return e.unit(a, portfolio.TypeBedrijfsruimte, 0) }

// person makes a relation; birth "" is unknown.
func (e *env) person(a account.Actor, first, surname, birth string) int64 {
	return e.Person(a, relation.PersonInput{FirstNames: first, Surname: surname, BirthDate: birth})
}

func rent(cents int64) lease.ComponentInput {
	return lease.ComponentInput{Kind: lease.BareRent, AmountCents: money.Cents(cents)}
}

func (e *env) lease(a account.Actor, in lease.Input) int64 {
	e.T.Helper()
	id, err := e.svc.Create(ctx, a, in)
	if err != nil {
		e.T.Fatalf("create lease: %v", err)
	}
	return id
}

func fieldErr(t *testing.T, err error, field, msg string) {
	t.Helper()
	fe, ok := validation.AsFields(err)
	if !ok {
		t.Fatalf("want field error %s=%s, got %v", field, msg, err)
	}
	if fe[field] != msg {
		t.Fatalf("field %s: want %q, got %q (all: %v)", field, msg, fe[field], fe)
	}
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("want %v, got %v", want, err)
	}
}

func TestCreateAndValidation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		u1, u2, shop := e.home(e.Owner), e.home(e.Owner), e.shop(e.Owner)
		anna, bram := e.person(e.Owner, "Anna", "de Vries", "1990-05-01"), e.person(e.Owner, "Bram", "Jansen", "")
		child := e.person(e.Owner, "Kees", "Klein", "2014-01-01")
		good := func() lease.Input {
			return lease.Input{UnitIDs: []int64{u1}, TenantIDs: []int64{anna}, Start: d("2026-04-01"), DepositCents: 100000,
				Components: []lease.ComponentInput{rent(90000), {Kind: lease.ServiceCosts, Category: "Schoonmaak", AmountCents: 2500}}}
		}
		before := e.Count(`SELECT COUNT(*) FROM leases`)
		for _, c := range []struct {
			name       string
			mod        func(*lease.Input)
			field, msg string
		}{
			{"end before start", func(in *lease.Input) { in.End = d("2026-03-31") }, "end_date", "lease.end.before_start"},
			{"no units", func(in *lease.Input) { in.UnitIDs = nil }, "unit_ids", "lease.units.required"},
			{"unknown unit", func(in *lease.Input) { in.UnitIDs = []int64{999999} }, "unit_ids", "lease.unit.not_found"},
			{"mixed units", func(in *lease.Input) { in.UnitIDs = []int64{u1, shop} }, "unit_ids", "lease.units.mixed"},
			{"no tenant", func(in *lease.Input) { in.TenantIDs = nil }, "tenant_ids", "lease.tenants.required"},
			{"unknown tenant", func(in *lease.Input) { in.TenantIDs = []int64{999999} }, "tenant_ids", "lease.party.not_found"},
			{"under 16", func(in *lease.Input) { in.TenantIDs = []int64{anna, child} }, "tenant_ids", "relation.tenant_under_16"},
			{"guarantor is tenant", func(in *lease.Input) { in.GuarantorIDs = []int64{anna} }, "guarantor_ids", "lease.guarantor.is_tenant"},
			{"unknown guarantor", func(in *lease.Input) { in.GuarantorIDs = []int64{999999} }, "guarantor_ids", "lease.party.not_found"},
			{"due day", func(in *lease.Input) { in.DueDay = 29 }, "due_day", "lease.due_day.invalid"},
			{"no start", func(in *lease.Input) { in.Start = civil.Date{} }, "start_date", "field.required"},
			{"component before start", func(in *lease.Input) { in.Components[0].ValidFrom = d("2026-03-01") }, "components[0].valid_from",
				"lease.component.before_start"},
			{"service costs need a category", func(in *lease.Input) { in.Components[1].Category = "" }, "components[1].category",
				"lease.component.category_required"},
			{"negative amount", func(in *lease.Input) { in.Components[0].AmountCents = -1 }, "components[0].amount_cents", "lease.amount.negative"},
			{"frequency", func(in *lease.Input) { in.BillingFrequency = "weekly" }, "billing_frequency", "field.invalid"},
		} {
			in := good()
			c.mod(&in)
			_, err := e.svc.Create(ctx, e.Manager, in)
			if err == nil {
				t.Fatalf("%s: accepted", c.name)
			}
			fieldErr(t, err, c.field, c.msg)
		}
		if n := e.Count(`SELECT COUNT(*) FROM leases`); n != before {
			t.Fatalf("refused leases were written: %d", n-before)
		}

		in := good()
		in.TenantIDs = []int64{anna, bram}
		in.GuarantorIDs = []int64{}
		id := e.lease(e.Manager, in)
		l, err := e.svc.Get(ctx, e.Viewer, id)
		if err != nil {
			t.Fatal(err)
		}
		if l.Reference != "2026-0001" || l.Kind != lease.Residential || l.NoticeMonthsTenant != 1 || l.DueDay != 1 ||
			l.BillingFrequency != lease.Monthly || l.PaymentMethod != lease.Transfer || len(l.Components) != 2 {
			t.Fatalf("defaults: %+v", l)
		}
		if ts := l.Tenants(); len(ts) != 2 || ts[0].ID != anna || ts[0].Name != "A. de Vries" || ts[1].ID != bram {
			t.Fatalf("tenants: %+v", ts)
		}
		if len(l.Units) != 1 || !strings.Contains(l.Units[0].Address, "Lindelaan") {
			t.Fatalf("units: %+v", l.Units)
		}
		if c := l.ComponentsOn(d("2026-04-01")); len(c) != 2 || c[1].Category != "schoonmaak" {
			t.Fatalf("components: %+v", c)
		}
		// Both became tenants in relations.
		for _, p := range []int64{anna, bram} {
			r, err := e.Relations.Get(ctx, e.Manager, p, relation.ViaWeb)
			if err != nil || !r.Roles.Has(relation.RoleTenant) {
				t.Fatalf("relation %d not marked tenant: %v", p, err)
			}
		}
		// The next generated reference counts on; a given one must be unique.
		id2 := e.lease(e.Manager, lease.Input{UnitIDs: []int64{u2}, TenantIDs: []int64{bram}, Start: d("2026-05-01")})
		if l2, _ := e.svc.Get(ctx, e.Manager, id2); l2.Reference != "2026-0002" {
			t.Fatalf("second reference %q", l2.Reference)
		}
		_, err = e.svc.Create(ctx, e.Manager,
			lease.Input{Reference: "2026-0002", UnitIDs: []int64{shop}, TenantIDs: []int64{bram}, Start: d("2026-05-01")})
		fieldErr(t, err, "reference", "lease.reference.taken")
		// The lease names the unit: portfolio may not delete it.
		wantErr(t, e.Portfolio.DeleteUnit(ctx, e.Owner, u1), portfolio.ErrUnitInUse)

		// Update: terms change, history stays; bad input changes nothing.
		in2 := lease.Input{Reference: "HC-7", UnitIDs: []int64{u1}, TenantIDs: []int64{anna}, Start: d("2026-04-01"), End: d("2027-03-31"),
			DueDay: 5, PaymentMethod: lease.DirectDebit, DepositCents: 100000, NoticeMonthsLandlord: 4}
		if err := e.svc.Update(ctx, e.Manager, id, in2); err != nil {
			t.Fatal(err)
		}
		l, _ = e.svc.Get(ctx, e.Manager, id)
		if l.Reference != "HC-7" || l.End != d("2027-03-31") || l.EndsOn != d("2027-03-31") || l.DueDay != 5 || len(l.Tenants()) != 1 ||
			len(l.Components) != 2 || l.NoticeMonthsLandlord != 4 {
			t.Fatalf("after update: %+v", l)
		}
		bad := in2
		bad.End = d("2026-01-01")
		fieldErr(t, e.svc.Update(ctx, e.Manager, id, bad), "end_date", "lease.end.before_start")
		// Unchanged input writes nothing, not even an audit event.
		events := e.Count(`SELECT COUNT(*) FROM audit_events`)
		if err := e.svc.Update(ctx, e.Manager, id, in2); err != nil {
			t.Fatal(err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_events`); n != events {
			t.Fatalf("unchanged update recorded %d events", n-events)
		}
		if e.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'lease.created'`) != 2 ||
			e.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'lease.updated'`) != 1 {
			t.Fatal("audit events missing")
		}
	})
}

// A unit cannot have two leases on the same day, open-ended ones included,
// and a notice that ends a lease frees the unit after its end.
func TestOverlap(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		u1, u2 := e.home(e.Owner), e.home(e.Owner)
		anna, bram := e.person(e.Owner, "Anna", "de Vries", ""), e.person(e.Owner, "Bram", "Jansen", "")
		open := e.lease(e.Manager, lease.Input{UnitIDs: []int64{u1}, TenantIDs: []int64{anna}, Start: d("2026-01-01")})
		for _, c := range []struct {
			start, end string
			ok         bool
		}{
			{"2030-01-01", "", false},           // after the start of an open-ended lease
			{"2025-01-01", "", false},           // open-ended from before
			{"2025-06-01", "2026-01-01", false}, // ends on its first day
			{"2025-01-01", "2025-12-31", true},  // ends the day before
		} {
			_, err := e.svc.Create(ctx, e.Manager,
				lease.Input{UnitIDs: []int64{u2, u1}, TenantIDs: []int64{bram}, Start: d(c.start), End: civilOr(c.end)})
			if c.ok && err != nil {
				t.Fatalf("%s–%s: %v", c.start, c.end, err)
			}
			if !c.ok {
				fieldErr(t, err, "unit_ids", "lease.units.overlap")
			}
		}
		// u2 is now let 2025: a fixed-term lease there, then one after it.
		fixed := e.lease(e.Manager, lease.Input{UnitIDs: []int64{u2}, TenantIDs: []int64{anna}, Start: d("2026-01-01"), End: d("2026-06-30")})
		e.lease(e.Manager, lease.Input{UnitIDs: []int64{u2}, TenantIDs: []int64{bram}, Start: d("2026-07-01")})
		// Stretching the fixed-term lease into the next one is refused.
		err := e.svc.Update(ctx, e.Manager, fixed,
			lease.Input{UnitIDs: []int64{u2}, TenantIDs: []int64{anna}, Start: d("2026-01-01"), End: d("2026-07-01")})
		fieldErr(t, err, "unit_ids", "lease.units.overlap")
		err = e.svc.Update(ctx, e.Manager, fixed, lease.Input{UnitIDs: []int64{u2}, TenantIDs: []int64{anna}, Start: d("2026-01-01")})
		fieldErr(t, err, "unit_ids", "lease.units.overlap")

		// Notice on the open-ended lease: it ends 30 April; a new lease may start 1 May.
		if _, err := e.svc.GiveNotice(ctx, e.Manager, open, lease.NoticeInput{By: lease.ByTenant, NoticeDate: d("2026-03-14")}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Create(ctx, e.Manager, lease.Input{UnitIDs: []int64{u1}, TenantIDs: []int64{bram}, Start: d("2026-04-30")})
		fieldErr(t, err, "unit_ids", "lease.units.overlap")
		e.lease(e.Manager, lease.Input{UnitIDs: []int64{u1}, TenantIDs: []int64{bram}, Start: d("2026-05-01")})
		// Withdrawing the notice now would let two leases overlap.
		wantErr(t, e.svc.WithdrawNotice(ctx, e.Manager, open), lease.ErrWithdrawOverlap)
	})
}

func civilOr(s string) civil.Date {
	if s == "" {
		return civil.Date{}
	}
	return d(s)
}

func TestDepositCap(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anna := e.person(e.Owner, "Anna", "de Vries", "")
		mk := func(unit, deposit int64) lease.Input {
			return lease.Input{UnitIDs: []int64{unit}, TenantIDs: []int64{anna}, Start: d("2026-04-01"), DepositCents: money.Cents(deposit),
				Components: []lease.ComponentInput{rent(80000), {Kind: lease.ServiceCosts, Category: "energie", AmountCents: 15000}}}
		}
		home := e.home(e.Owner)
		// Twice the bare rent (not the service costs) passes; one cent more does not.
		_, err := e.svc.Create(ctx, e.Manager, mk(home, 160001))
		fieldErr(t, err, "deposit_cents", "lease.deposit.above_cap")
		id := e.lease(e.Manager, mk(home, 160000))
		// Update checks it too.
		in := mk(home, 160001)
		in.Components = nil
		fieldErr(t, e.svc.Update(ctx, e.Manager, id, in), "deposit_cents", "lease.deposit.above_cap")
		// Commercial leases have no cap.
		e.lease(e.Manager, mk(e.shop(e.Owner), 1000000))
		// A rent increase later does not raise the cap at the start.
		if _, err := e.svc.SetComponent(ctx, e.Manager, id,
			lease.ComponentInput{Kind: lease.BareRent, AmountCents: 90000, ValidFrom: d("2026-07-01")}); err != nil {
			t.Fatal(err)
		}
		in.DepositCents = 170000
		fieldErr(t, e.svc.Update(ctx, e.Manager, id, in), "deposit_cents", "lease.deposit.above_cap")
		// A lease without bare rent at the start cannot take a deposit.
		_, err = e.svc.Create(ctx, e.Manager,
			lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2026-04-01"), DepositCents: 1})
		fieldErr(t, err, "deposit_cents", "lease.deposit.above_cap")

		// Deposit entries: received up to the agreed amount, returned and
		// deducted up to what is held, deductions with a reason.
		add := func(k lease.DepositEntryKind, amount int64, reason string) error {
			_, err := e.svc.AddDepositEntry(ctx, e.Manager, id,
				lease.DepositEntryInput{Kind: k, Date: d("2026-04-01"), AmountCents: money.Cents(amount), Reason: reason})
			return err
		}
		fieldErr(t, add(lease.DepositReceived, 160001, ""), "amount_cents", "lease.deposit.exceeds_agreed")
		if err := add(lease.DepositReceived, 160000, ""); err != nil {
			t.Fatal(err)
		}
		// Deductions belong to the deposit capability (evidence, set-off);
		// inside its transaction the reason rules hold.
		fieldErr(t, add(lease.DepositDeducted, 10000, "damage"), "kind", "lease.deposit.deduct_on_deposit_page")
		deduct := func(reason string) error {
			return e.DB.InOrg(ctx, e.Manager.OrgID, func(tx *db.Tx) error {
				_, err := e.svc.AddDepositEntryTx(ctx, tx, e.Manager, id,
					lease.DepositEntryInput{Kind: lease.DepositDeducted, Date: d("2026-04-01"), AmountCents: 10000, Reason: reason})
				return err
			})
		}
		fieldErr(t, deduct(""), "reason", "lease.deposit.reason_required")
		fieldErr(t, deduct("administration"), "reason", "lease.deposit.reason_required")
		if err := deduct("damage"); err != nil {
			t.Fatal(err)
		}
		fieldErr(t, add(lease.DepositReturned, 150001, ""), "amount_cents", "lease.deposit.exceeds_held")
		fieldErr(t, add(lease.DepositReturned, 0, ""), "amount_cents", "lease.amount.positive")
		if err := add(lease.DepositReturned, 150000, ""); err != nil {
			t.Fatal(err)
		}
		es, err := e.svc.DepositEntries(ctx, e.Viewer, id)
		if err != nil || len(es) != 3 || es[1].Reason != "damage" {
			t.Fatalf("entries: %+v %v", es, err)
		}
		if l, _ := e.svc.Get(ctx, e.Viewer, id); l.DepositHeld() != 0 {
			t.Fatalf("held %d", l.DepositHeld())
		}
	})
}

func TestVAT(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anna := e.person(e.Owner, "Anna", "de Vries", "")
		taxed := lease.ComponentInput{Kind: lease.BareRent, AmountCents: 200000, VAT: lease.VATStandard}
		_, err := e.svc.Create(ctx, e.Manager, lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2026-04-01"),
			Components: []lease.ComponentInput{taxed}})
		fieldErr(t, err, "components[0].vat", "lease.vat.residential")
		_, err = e.svc.Create(ctx, e.Manager,
			lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2026-04-01"), VATOpted: true})
		fieldErr(t, err, "vat_opted", "lease.vat.residential")
		shop := e.shop(e.Owner)
		_, err = e.svc.Create(ctx, e.Manager, lease.Input{UnitIDs: []int64{shop}, TenantIDs: []int64{anna}, Start: d("2026-04-01"),
			Components: []lease.ComponentInput{taxed}})
		fieldErr(t, err, "components[0].vat", "lease.vat.not_opted")
		id := e.lease(e.Manager, lease.Input{UnitIDs: []int64{shop}, TenantIDs: []int64{anna}, Start: d("2026-04-01"), VATOpted: true,
			Components: []lease.ComponentInput{taxed}})
		// Opting out is refused while components carry VAT.
		err = e.svc.Update(ctx, e.Manager, id, lease.Input{UnitIDs: []int64{shop}, TenantIDs: []int64{anna}, Start: d("2026-04-01")})
		fieldErr(t, err, "vat_opted", "lease.vat_opted.components_taxed")

		home := e.lease(e.Manager, lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2026-04-01")})
		_, err = e.svc.SetComponent(ctx, e.Manager, home,
			lease.ComponentInput{Kind: lease.Parking, AmountCents: 5000, VAT: lease.VATStandard, ValidFrom: d("2026-05-01")})
		fieldErr(t, err, "vat", "lease.vat.residential")
	})
}

func TestComponentHistory(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anna := e.person(e.Owner, "Anna", "de Vries", "")
		id := e.lease(e.Manager,
			lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2026-01-01"), End: d("2027-12-31"),
				Components: []lease.ComponentInput{rent(100000), {Kind: lease.Other, Label: "Tuinonderhoud", AmountCents: 1500}}})
		rows := func() int { return e.Count(`SELECT COUNT(*) FROM lease_components WHERE lease_id = $1`, id) }
		set := func(in lease.ComponentInput) (int64, error) { return e.svc.SetComponent(ctx, e.Manager, id, in) }
		if rows() != 2 {
			t.Fatalf("rows %d", rows())
		}
		up := lease.ComponentInput{Kind: lease.BareRent, AmountCents: 104000, ValidFrom: d("2026-07-01")}
		cid, err := set(up)
		if err != nil {
			t.Fatal(err)
		}
		if rows() != 3 {
			t.Fatalf("a change must add a row: %d", rows())
		}
		// The same change again is the same row, not a new one.
		if again, err := set(up); err != nil || again != cid || rows() != 3 {
			t.Fatalf("repeat: %d %v, rows %d", again, err, rows())
		}
		up.AmountCents = 105000
		_, err = set(up)
		fieldErr(t, err, "valid_from", "lease.component.exists")
		_, err = set(lease.ComponentInput{Kind: lease.BareRent, AmountCents: 1, ValidFrom: d("2025-12-31")})
		fieldErr(t, err, "valid_from", "lease.component.before_start")
		_, err = set(lease.ComponentInput{Kind: lease.BareRent, AmountCents: 1, ValidFrom: d("2028-01-01")})
		fieldErr(t, err, "valid_from", "lease.component.after_end")
		_, err = set(lease.ComponentInput{Kind: lease.Other, AmountCents: 1, ValidFrom: d("2026-08-01")})
		fieldErr(t, err, "label", "lease.component.label_required")
		// Stopping the garden maintenance from September.
		if _, err := set(lease.ComponentInput{Kind: lease.Other, Label: "Tuinonderhoud", AmountCents: 0,
			ValidFrom: d("2026-09-01")}); err != nil {
			t.Fatal(err)
		}
		l, err := e.svc.Get(ctx, e.Viewer, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			on          string
			rent, total money.Cents
		}{
			{"2025-12-31", 0, 0},
			{"2026-01-01", 100000, 101500},
			{"2026-06-30", 100000, 101500},
			{"2026-07-01", 104000, 105500},
			{"2026-09-01", 104000, 104000},
		} {
			if r, tot := l.BareRentOn(d(c.on)), l.TotalOn(d(c.on)); r != c.rent || tot != c.total {
				t.Errorf("on %s: rent %d total %d, want %d %d", c.on, r, tot, c.rent, c.total)
			}
		}
		hist, err := e.svc.Components(ctx, e.Viewer, id)
		if err != nil || len(hist) != 4 {
			t.Fatalf("history: %d %v", len(hist), err)
		}
	})
}

func TestNotice(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anna := e.person(e.Owner, "Anna", "de Vries", "")
		id := e.lease(e.Manager, lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2023-01-01")})
		// Preview computes and writes nothing.
		before := e.Count(`SELECT COUNT(*) FROM lease_terminations`)
		p, err := e.svc.PreviewNotice(ctx, e.Manager, id, lease.NoticeInput{By: lease.ByTenant, NoticeDate: d("2026-03-14")})
		if err != nil || p.EndDate != d("2026-04-30") || p.NoticeMonths != 1 {
			t.Fatalf("tenant preview: %+v %v", p, err)
		}
		// The landlord, after more than three years: six months.
		p, err = e.svc.PreviewNotice(ctx, e.Manager, id, lease.NoticeInput{By: lease.ByLandlord, NoticeDate: d("2026-03-14")})
		if err != nil || p.EndDate != d("2026-09-30") || p.NoticeMonths != 6 {
			t.Fatalf("landlord preview: %+v %v", p, err)
		}
		if e.Count(`SELECT COUNT(*) FROM lease_terminations`) != before {
			t.Fatal("preview wrote a termination")
		}
		_, err = e.svc.PreviewNotice(ctx, e.Manager, id, lease.NoticeInput{By: "neighbour", NoticeDate: d("2026-03-14")})
		fieldErr(t, err, "by", "field.invalid")
		_, err = e.svc.PreviewNotice(ctx, e.Manager, id, lease.NoticeInput{By: lease.ByTenant})
		fieldErr(t, err, "notice_date", "field.required")
		_, err = e.svc.PreviewNotice(ctx, e.Viewer, id, lease.NoticeInput{By: lease.ByTenant, NoticeDate: d("2026-03-14")})
		wantErr(t, err, validation.ErrForbidden)

		reason := "Verhuist naar Groningen"
		got, err := e.svc.GiveNotice(ctx, e.Manager, id, lease.NoticeInput{By: lease.ByTenant, NoticeDate: d("2026-03-14"), Reason: reason})
		if err != nil || got.EndDate != d("2026-04-30") {
			t.Fatalf("give: %+v %v", got, err)
		}
		l, _ := e.svc.Get(ctx, e.Manager, id)
		if l.Termination == nil || l.Termination.Reason != reason || l.EndsOn != d("2026-04-30") ||
			l.StatusOn(d("2026-03-15")) != lease.StatusNotice ||
			l.StatusOn(d("2026-05-01")) != lease.StatusEnded {
			t.Fatalf("after notice: %+v %+v", l.Termination, l.EndsOn)
		}
		if e.Count(`SELECT COUNT(*) FROM audit_events WHERE details LIKE '%Groningen%'`) != 0 {
			t.Fatal("the free-text reason reached the audit log")
		}
		_, err = e.svc.GiveNotice(ctx, e.Manager, id, lease.NoticeInput{By: lease.ByLandlord, NoticeDate: d("2026-03-15")})
		wantErr(t, err, lease.ErrNoticeGiven)

		// Withdrawn before the end: the lease runs on.
		if err := e.svc.WithdrawNotice(ctx, e.Manager, id); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.WithdrawNotice(ctx, e.Manager, id), lease.ErrNoNotice)
		l, _ = e.svc.Get(ctx, e.Manager, id)
		if l.Termination != nil || !l.EndsOn.IsZero() || len(l.Terminations) != 1 || l.Terminations[0].Active() {
			t.Fatalf("after withdrawal: %+v", l)
		}
		// Notice again; after the end date it can no longer be withdrawn.
		if _, err := e.svc.GiveNotice(ctx, e.Manager, id, lease.NoticeInput{By: lease.ByLandlord, NoticeDate: d("2026-03-15")}); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(time.Date(2026, time.September, 30, 22, 30, 0, 0, time.UTC)) // 1 October, 00:30 in Amsterdam
		wantErr(t, e.svc.WithdrawNotice(ctx, e.Manager, id), lease.ErrWithdrawTooLate)

		// A fixed-term lease: notice may not end it after its end date.
		fixed := e.lease(e.Manager,
			lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2026-01-01"), End: d("2026-12-31")})
		_, err = e.svc.PreviewNotice(ctx, e.Manager, fixed, lease.NoticeInput{By: lease.ByTenant, NoticeDate: d("2026-12-01")})
		fieldErr(t, err, "notice_date", "lease.notice.past_end_date")
		// Notice before a lease starts that would end it before its start.
		later := e.lease(e.Manager, lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2027-01-01")})
		_, err = e.svc.PreviewNotice(ctx, e.Manager, later, lease.NoticeInput{By: lease.ByTenant, NoticeDate: d("2026-10-15")})
		fieldErr(t, err, "notice_date", "lease.notice.before_start")
	})
}

func TestUnitStatus(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anna := e.person(e.Owner, "Anna", "de Vries", "")
		let, notice, vacant, ended, future := e.home(e.Owner), e.home(e.Owner), e.home(e.Owner), e.home(e.Owner), e.home(e.Owner)
		e.lease(e.Manager, lease.Input{UnitIDs: []int64{let}, TenantIDs: []int64{anna}, Start: d("2025-01-01")})
		n := e.lease(e.Manager, lease.Input{UnitIDs: []int64{notice}, TenantIDs: []int64{anna}, Start: d("2025-01-01")})
		if _, err := e.svc.GiveNotice(ctx, e.Manager, n, lease.NoticeInput{By: lease.ByTenant, NoticeDate: d("2026-03-01")}); err != nil {
			t.Fatal(err)
		}
		e.lease(e.Manager, lease.Input{UnitIDs: []int64{ended}, TenantIDs: []int64{anna}, Start: d("2025-01-01"), End: d("2026-03-14")})
		e.lease(e.Manager, lease.Input{UnitIDs: []int64{future}, TenantIDs: []int64{anna}, Start: d("2026-03-16")})
		status := func(on string) map[int64]portfolio.Status {
			var m map[int64]portfolio.Status
			err := e.DB.ReadOrg(ctx, e.Owner.OrgID, func(tx *db.Tx) error {
				var err error
				m, err = lease.Occupancy{}.UnitStatus(ctx, tx, []int64{let, notice, vacant, ended, future}, d(on))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		want := map[int64]portfolio.Status{let: portfolio.StatusLet, notice: portfolio.StatusNotice, vacant: portfolio.StatusVacant,
			ended: portfolio.StatusVacant, future: portfolio.StatusVacant}
		if got := status("2026-03-15"); !mapsEqual(got, want) {
			t.Fatalf("today: %v, want %v", got, want)
		}
		// On the last day the lease still covers the unit, with no notice left to run.
		want[notice], want[future] = portfolio.StatusLet, portfolio.StatusLet
		if got := status("2026-04-30"); !mapsEqual(got, want) {
			t.Fatalf("on the end date: %v, want %v", got, want)
		}
		want[notice] = portfolio.StatusVacant
		if got := status("2026-05-01"); !mapsEqual(got, want) {
			t.Fatalf("after the end: %v, want %v", got, want)
		}
		// Organisation B asks about A's units: vacant, it sees no leases.
		err := e.DB.ReadOrg(ctx, e.OwnerB.OrgID, func(tx *db.Tx) error {
			m, err := lease.Occupancy{}.UnitStatus(ctx, tx, []int64{let}, d("2026-03-15"))
			if err == nil && m[let] != portfolio.StatusVacant {
				return fmt.Errorf("B sees A's lease: %v", m)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("HMS_TEST_REQUIRE") == "all" {
			t.Fatal("pdftotext (poppler-utils) is required")
		}
		t.Skip("pdftotext not installed")
	}
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestTenantInformation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anna := e.person(e.Owner, "Anna", "de Vries", "1990-05-01")
		home := e.home(e.Owner)
		id := e.lease(e.Manager, lease.Input{UnitIDs: []int64{home}, TenantIDs: []int64{anna}, Start: d("2026-04-01"), DepositCents: 123456,
			Components: []lease.ComponentInput{rent(95000), {Kind: lease.ServiceCosts, Category: "schoonmaak", AmountCents: 2500}}})
		st, err := e.svc.Settings(ctx, e.Viewer)
		if err != nil || st.Meldpunt != lease.DefaultMeldpunt || st.DepositReturnDays != 14 {
			t.Fatalf("default settings: %+v %v", st, err)
		}
		st.Meldpunt = "Meldpunt Goed Verhuurderschap gemeente Utrecht, telefoon 14 030"
		st.LandlordPhone = "030 123 45 67"
		if err := e.svc.UpdateSettings(ctx, e.Manager, st); err != nil {
			t.Fatal(err)
		}
		bad := st
		bad.Meldpunt = ""
		fieldErr(t, e.svc.UpdateSettings(ctx, e.Manager, bad), "meldpunt", "field.required")
		wantErr(t, e.svc.UpdateSettings(ctx, e.Viewer, st), validation.ErrForbidden)

		docID, err := e.svc.GenerateTenantInformation(ctx, e.Manager, id)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := e.svc.Documents(ctx, e.Viewer, id)
		if err != nil || len(docs) != 1 || docs[0].ID != docID || docs[0].Kind != lease.TenantInformation || len(docs[0].Deliveries) != 0 {
			t.Fatalf("documents: %+v %v", docs, err)
		}
		pdf, err := e.svc.Document(ctx, e.Viewer, id, docID)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(pdf)
		if hex.EncodeToString(sum[:]) != docs[0].SHA256 || int64(len(pdf)) != docs[0].Size {
			t.Fatal("stored checksum does not match the document")
		}
		// What the database holds is sealed: not the PDF, and it opens to it.
		var stored []byte
		if err := e.DB.Raw().QueryRow(`SELECT content FROM lease_documents WHERE id = $1`, docID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(string(stored), "%PDF") || strings.Contains(string(stored), "Lindelaan") {
			t.Fatal("the lease document is stored as plain PDF")
		}
		text := pdfText(t, pdf)
		for _, want := range []string{"A. de Vries", "Oudegracht 12", "3511 AB Utrecht", "Lindelaan", "3521 CD Utrecht",
			money.Format(123456, "nl"), "€ 1.234,56", "€ 950,00", "schoonmaak", "alpha", "030 123 45 67",
			"Meldpunt: Meldpunt Goed Verhuurderschap gemeente Utrecht, telefoon 14 030", "binnen 14 dagen"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF lacks %q", want)
			}
		}
		if t.Failed() {
			t.Logf("PDF text: %s", text)
		}
		// Reading the tenant for the sheet was logged with its purpose.
		if e.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'relation.viewed' AND target_id = $1
			AND details LIKE '%lease.tenant_information%'`, fmt.Sprint(anna)) != 1 {
			t.Error("the tenant read for the information sheet was not logged")
		}
		// Shown again exactly, also after the tenant's data changes.
		again, _ := e.svc.Document(ctx, e.Manager, id, docID)
		if string(again) != string(pdf) {
			t.Fatal("the stored document changed")
		}

		_, err = e.svc.RecordInformationProvided(ctx, e.Manager, id, docID,
			lease.InformationProvided{ProvidedOn: d("2026-03-16"), Method: lease.DeliveredEmail})
		fieldErr(t, err, "provided_on", "lease.provided_on.future")
		_, err = e.svc.RecordInformationProvided(ctx, e.Manager, id, docID,
			lease.InformationProvided{ProvidedOn: d("2026-03-15"), Method: "pigeon"})
		fieldErr(t, err, "method", "field.invalid")
		if _, err := e.svc.RecordInformationProvided(ctx, e.Manager, id, docID,
			lease.InformationProvided{ProvidedOn: d("2026-03-15"), Method: lease.DeliveredPaper}); err != nil {
			t.Fatal(err)
		}
		docs, _ = e.svc.Documents(ctx, e.Viewer, id)
		if len(docs[0].Deliveries) != 1 || docs[0].Deliveries[0].Method != lease.DeliveredPaper ||
			docs[0].Deliveries[0].ProvidedOn != d("2026-03-15") {
			t.Fatalf("deliveries: %+v", docs[0].Deliveries)
		}
		// Not for a commercial lease; not for a document of another lease.
		shop := e.lease(e.Manager, lease.Input{UnitIDs: []int64{e.shop(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2026-04-01")})
		_, err = e.svc.GenerateTenantInformation(ctx, e.Manager, shop)
		wantErr(t, err, lease.ErrResidentialOnly)
		_, err = e.svc.Document(ctx, e.Manager, shop, docID)
		wantErr(t, err, validation.ErrNotFound)
	})
}

// Organisation B sees and changes nothing of organisation A.
func TestIsolation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anna := e.person(e.Owner, "Anna", "de Vries", "")
		home := e.home(e.Owner)
		id := e.lease(e.Manager, lease.Input{UnitIDs: []int64{home}, TenantIDs: []int64{anna}, Start: d("2026-01-01"), DepositCents: 1000,
			Components: []lease.ComponentInput{rent(90000)}})
		docID, err := e.svc.GenerateTenantInformation(ctx, e.Manager, id)
		if err != nil {
			t.Fatal(err)
		}
		b := e.OwnerB
		_, err = e.svc.Get(ctx, b, id)
		wantErr(t, err, validation.ErrNotFound)
		in := lease.Input{UnitIDs: []int64{home}, TenantIDs: []int64{anna}, Start: d("2026-01-01")}
		wantErr(t, e.svc.Update(ctx, b, id, in), validation.ErrNotFound)
		_, err = e.svc.SetComponent(ctx, b, id, lease.ComponentInput{Kind: lease.BareRent, AmountCents: 1, ValidFrom: d("2026-02-01")})
		wantErr(t, err, validation.ErrNotFound)
		_, err = e.svc.Components(ctx, b, id)
		wantErr(t, err, validation.ErrNotFound)
		_, err = e.svc.AddDepositEntry(ctx, b, id, lease.DepositEntryInput{Kind: lease.DepositReceived, Date: d("2026-01-01"), AmountCents: 1})
		wantErr(t, err, validation.ErrNotFound)
		_, err = e.svc.DepositEntries(ctx, b, id)
		wantErr(t, err, validation.ErrNotFound)
		_, err = e.svc.PreviewNotice(ctx, b, id, lease.NoticeInput{By: lease.ByTenant, NoticeDate: d("2026-03-01")})
		wantErr(t, err, validation.ErrNotFound)
		_, err = e.svc.GiveNotice(ctx, b, id, lease.NoticeInput{By: lease.ByTenant, NoticeDate: d("2026-03-01")})
		wantErr(t, err, validation.ErrNotFound)
		wantErr(t, e.svc.WithdrawNotice(ctx, b, id), validation.ErrNotFound)
		_, err = e.svc.GenerateTenantInformation(ctx, b, id)
		wantErr(t, err, validation.ErrNotFound)
		_, err = e.svc.Documents(ctx, b, id)
		wantErr(t, err, validation.ErrNotFound)
		_, err = e.svc.Document(ctx, b, id, docID)
		wantErr(t, err, validation.ErrNotFound)
		_, err = e.svc.RecordInformationProvided(ctx, b, id, docID,
			lease.InformationProvided{ProvidedOn: d("2026-03-01"), Method: lease.DeliveredEmail})
		wantErr(t, err, validation.ErrNotFound)
		page, err := e.svc.List(ctx, b, listing.Query{}, lease.ListFilter{})
		if err != nil || page.Total != 0 {
			t.Fatalf("B lists A's leases: %+v %v", page, err)
		}
		// B cannot let A's unit or A's tenant.
		bPerson := e.person(b, "Bea", "Bakker", "")
		_, err = e.svc.Create(ctx, b, lease.Input{UnitIDs: []int64{home}, TenantIDs: []int64{bPerson}, Start: d("2026-01-01")})
		fieldErr(t, err, "unit_ids", "lease.unit.not_found")
		_, err = e.svc.Create(ctx, b, lease.Input{UnitIDs: []int64{e.home(b)}, TenantIDs: []int64{anna}, Start: d("2026-01-01")})
		fieldErr(t, err, "tenant_ids", "lease.party.not_found")
		// B's own lease on its own unit, with A's reference: references are per organisation.
		l, _ := e.svc.Get(ctx, e.Owner, id)
		if _, err := e.svc.Create(ctx, b,
			lease.Input{Reference: l.Reference, UnitIDs: []int64{e.home(b)}, TenantIDs: []int64{bPerson}, Start: d("2026-01-01")}); err != nil {
			t.Fatal(err)
		}
		// A's lease is unchanged.
		l2, _ := e.svc.Get(ctx, e.Owner, id)
		if len(l2.Components) != 1 || len(l2.Deposit) != 0 || l2.Termination != nil {
			t.Fatalf("A's lease changed: %+v", l2)
		}
	})
}

func TestPermissions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anna := e.person(e.Owner, "Anna", "de Vries", "")
		in := lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2026-01-01")}
		_, err := e.svc.Create(ctx, e.Viewer, in)
		wantErr(t, err, validation.ErrForbidden)
		_, err = e.svc.Create(ctx, e.Bookkeeper, in)
		wantErr(t, err, validation.ErrForbidden)
		id := e.lease(e.Owner, in)
		if _, err := e.svc.Get(ctx, e.Viewer, id); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Get(ctx, e.Bookkeeper, id)
		wantErr(t, err, validation.ErrForbidden)
		_, err = e.svc.List(ctx, e.Bookkeeper, listing.Query{}, lease.ListFilter{})
		wantErr(t, err, validation.ErrForbidden)
		_, err = e.svc.GenerateTenantInformation(ctx, e.Viewer, id)
		wantErr(t, err, validation.ErrForbidden)
		wantErr(t, e.svc.WithdrawNotice(ctx, e.Viewer, id), validation.ErrForbidden)
		var tx *db.Tx
		_, _, err = e.svc.UpsertLeasesTx(ctx, tx, e.Viewer, nil)
		wantErr(t, err, validation.ErrForbidden)
	})
}

// Tenants need the processor agreement (PRIVACY.md P9): relations refuses
// to mark a tenant before it is accepted, so the lease is refused too.
func TestAgreementRequired(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		gamma := e.Env.Actor(t, "gamma", "owner@gamma.nl", account.Owner)
		p, err := e.Relations.CreatePerson(ctx, gamma, relation.PersonInput{FirstNames: "Gijs", Surname: "Gamma"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Create(ctx, gamma, lease.Input{UnitIDs: []int64{e.home(gamma)}, TenantIDs: []int64{p}, Start: d("2026-01-01")})
		wantErr(t, err, privacy.ErrAgreementNotAccepted)
		if n := e.Count(`SELECT COUNT(*) FROM leases WHERE org_id = $1`, gamma.OrgID); n != 0 {
			t.Fatalf("lease written without agreement: %d", n)
		}
	})
}

func TestList(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cx, err := e.Portfolio.CreateComplex(ctx, e.Owner, portfolio.ComplexInput{Name: "De Linde"})
		if err != nil {
			t.Fatal(err)
		}
		anna, bram := e.person(e.Owner, "Anna", "de Vries", ""), e.person(e.Owner, "Bram", "Jansen", "")
		inCx := e.unit(e.Owner, portfolio.TypeZelfstandig, cx)
		a := e.lease(e.Manager, lease.Input{Reference: "B-2", UnitIDs: []int64{inCx}, TenantIDs: []int64{anna}, Start: d("2025-01-01"),
			Components: []lease.ComponentInput{rent(80000)}})
		b := e.lease(e.Manager,
			lease.Input{Reference: "A-1", UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{bram}, Start: d("2024-01-01"), End: d("2025-12-31")})
		c := e.lease(e.Manager,
			lease.Input{Reference: "C-3", UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{bram, anna}, Start: d("2026-06-01")})
		dd := e.lease(e.Manager,
			lease.Input{Reference: "D-4", UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{bram}, Start: d("2026-01-01")})
		if _, err := e.svc.GiveNotice(ctx, e.Manager, dd, lease.NoticeInput{By: lease.ByTenant, NoticeDate: d("2026-03-01")}); err != nil {
			t.Fatal(err)
		}
		ids := func(q listing.Query, f lease.ListFilter) []int64 {
			t.Helper()
			page, err := e.svc.List(ctx, e.Viewer, q, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, it := range page.Items {
				out = append(out, it.ID)
			}
			return out
		}
		check := func(name string, got []int64, want ...int64) {
			t.Helper()
			if !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", name, got, want)
			}
		}
		check("by reference", ids(listing.Query{}, lease.ListFilter{}), b, a, c, dd)
		check("by start, newest first", ids(listing.Query{Sort: "start_date", Desc: true}, lease.ListFilter{}), c, dd, a, b)
		check("search", ids(listing.Query{Search: "c-"}, lease.ListFilter{}), c)
		check("search escapes", ids(listing.Query{Search: "%"}, lease.ListFilter{}))
		check("unit", ids(listing.Query{}, lease.ListFilter{UnitID: inCx}), a)
		check("complex", ids(listing.Query{}, lease.ListFilter{ComplexID: cx}), a)
		check("tenant", ids(listing.Query{}, lease.ListFilter{TenantID: anna}), a, c)
		check("active", ids(listing.Query{}, lease.ListFilter{Status: lease.StatusActive}), a)
		check("notice", ids(listing.Query{}, lease.ListFilter{Status: lease.StatusNotice}), dd)
		check("ended", ids(listing.Query{}, lease.ListFilter{Status: lease.StatusEnded}), b)
		check("upcoming", ids(listing.Query{}, lease.ListFilter{Status: lease.StatusUpcoming}), c)
		check("cursor", ids(listing.Query{Sort: "id", Limit: 2}, lease.ListFilter{AfterID: a}), b, c)
		_, err = e.svc.List(ctx, e.Viewer, listing.Query{}, lease.ListFilter{Status: "bogus"})
		fieldErr(t, err, "status", "field.invalid")
		page, _ := e.svc.List(ctx, e.Viewer, listing.Query{Limit: 1}, lease.ListFilter{})
		if page.Total != 4 || len(page.Items) != 1 || page.Items[0].Reference != "A-1" {
			t.Fatalf("paging: %+v", page)
		}
		page, _ = e.svc.List(ctx, e.Viewer, listing.Query{Search: "B-2"}, lease.ListFilter{})
		it := page.Items[0]
		if it.Status != lease.StatusActive || it.BareRentCents != 80000 || len(it.Tenants) != 1 || it.Tenants[0].Name != "A. de Vries" ||
			len(it.Units) != 1 || it.Units[0].Address == "" {
			t.Fatalf("summary: %+v", it)
		}
	})
}

// The CSV importer's bulk path: keyed by reference, idempotent, one bad row
// does not stop the others.
func TestUpsertLeases(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anna, bram := e.person(e.Owner, "Anna", "de Vries", ""), e.person(e.Owner, "Bram", "Jansen", "")
		u1, u2 := e.home(e.Owner), e.home(e.Owner)
		rows := []lease.LeaseInput{
			{Reference: "IMP-1", UnitIDs: []int64{u1}, TenantIDs: []int64{anna}, Start: d("2026-01-01"), DepositCents: 150000,
				Components: []lease.ComponentInput{rent(90000), {Kind: lease.ServiceCosts, Category: "energie", AmountCents: 4000}}},
			{Reference: "IMP-2", UnitIDs: []int64{u2}, TenantIDs: []int64{bram}, Start: d("2026-02-01"), End: d("2025-01-01")}, // end before start
			{Reference: "IMP-3", UnitIDs: []int64{u1}, TenantIDs: []int64{bram}, Start: d("2026-06-01")},                       // overlaps IMP-1
			{Reference: "IMP-4", UnitIDs: []int64{u2}, TenantIDs: []int64{bram}, Start: d("2026-02-01"),
				Components: []lease.ComponentInput{rent(70000)}},
			{UnitIDs: []int64{u2}, TenantIDs: []int64{bram}, Start: d("2026-02-01")}, // no reference
		}
		run := func() ([]int64, lease.RowErrors) {
			t.Helper()
			var ids []int64
			var errs lease.RowErrors
			err := e.DB.InOrg(ctx, e.Owner.OrgID, func(tx *db.Tx) error {
				var err error
				ids, errs, err = e.svc.UpsertLeasesTx(ctx, tx, e.Manager, rows)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return ids, errs
		}
		ids, errs := run()
		if len(errs) != 3 || errs[1]["end_date"] != "lease.end.before_start" || errs[2]["unit_ids"] != "lease.units.overlap" ||
			errs[4]["reference"] != "field.required" {
			t.Fatalf("row errors: %v", errs)
		}
		if ids[0] == 0 || ids[3] == 0 || ids[1] != 0 || ids[2] != 0 {
			t.Fatalf("ids: %v", ids)
		}
		leases, comps, events := e.Count(`SELECT COUNT(*) FROM leases`), e.Count(`SELECT COUNT(*) FROM lease_components`),
			e.Count(`SELECT COUNT(*) FROM audit_events`)
		if leases != 2 || comps != 3 {
			t.Fatalf("after the first run: %d leases, %d components", leases, comps)
		}
		// The same rows again change nothing.
		ids2, errs2 := run()
		if !slices.Equal(ids, ids2) || len(errs2) != 3 {
			t.Fatalf("second run: %v %v", ids2, errs2)
		}
		if e.Count(`SELECT COUNT(*) FROM leases`) != leases || e.Count(`SELECT COUNT(*) FROM lease_components`) != comps ||
			e.Count(`SELECT COUNT(*) FROM audit_events`) != events {
			t.Fatal("the second run changed something")
		}
		// A changed row updates; a rent increase from a later date adds one row.
		rows = rows[:1]
		rows[0].DepositCents = 180000
		rows[0].Components = append(rows[0].Components,
			lease.ComponentInput{Kind: lease.BareRent, AmountCents: 95000, ValidFrom: d("2026-07-01")})
		run()
		l, _ := e.svc.Get(ctx, e.Manager, ids[0])
		if l.DepositCents != 180000 || len(l.Components) != 3 || l.BareRentOn(d("2026-07-01")) != 95000 {
			t.Fatalf("after the change: %+v", l)
		}
		// A different amount on an existing day is a row error, not an overwrite.
		rows[0].Components[0].AmountCents = 91000
		_, errs = run()
		if errs[0]["components[0].valid_from"] != "lease.component.exists" {
			t.Fatalf("overwrite: %v", errs)
		}
	})
}
