package settlement_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
	"hms/internal/settlement"
)

var ctx = context.Background()

// Today in the tests: 20 January 2026, settling 2025.
var now = time.Date(2026, time.January, 20, 11, 0, 0, 0, time.UTC)

var d = civil.MustParse

type env struct{ *apptest.Org }

func each(t *testing.T, fn func(t *testing.T, e *env)) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, o *apptest.Org) { fn(t, &env{o}) })
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func (e *env) complex(a account.Actor, name string) int64 { return e.Complex(a, name) }

func (e *env) unit(a account.Actor, complexID int64, area string) int64 {
	return e.Unit(a, portfolio.UnitInput{ComplexID: complexID, FloorArea: area})
}

func (e *env) supplier(a account.Actor, name string) int64 {
	e.T.Helper()
	return must[int64](e.T)(e.Relations.CreateCompany(ctx, a, relation.CompanyInput{Name: name, KvK: "12345678",
		Address: relation.Address{Street: "Industrieweg", HouseNumber: "1", Postcode: "3542 AD", City: "Utrecht"},
		IBANs:   []string{"NL91ABNA0417164300"}, Roles: relation.RolesOf(relation.RoleSupplier), SupplierCategories: []string{"schoonmaak"}}))
}

// lease lets unit from start (to end, if given) with a bare rent of 800.00
// and a cleaning advance of 50.00 a month.
func (e *env) lease(a account.Actor, unit int64, start, end string) int64 {
	e.T.Helper()
	in := lease.Input{UnitIDs: []int64{unit},
		TenantIDs: []int64{e.Person(a,
			relation.PersonInput{Surname: fmt.Sprintf("Huurder%d", e.Next())})}, Start: d(start), PaymentMethod: lease.Transfer,
		Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 80000},
			{Kind: lease.ServiceCosts, Category: "Schoonmaak", AmountCents: 5000}}}
	if end != "" {
		in.End = d(end)
	}
	return e.Lease(a, in)
}

func (e *env) cost(a account.Actor, in settlement.CostInput) int64 {
	e.T.Helper()
	return must[int64](e.T)(e.Settlement.CreateCost(ctx, a, in))
}

func fieldErr(t *testing.T, err error, field, msg string) {
	t.Helper()
	fe, ok := validation.AsFields(err)
	if !ok || fe[field] != msg {
		t.Fatalf("want %s: %s, got %v", field, msg, err)
	}
}

func TestYearShareSplitsOverYearsExactly(t *testing.T) {
	// 1 July 2024 – 30 June 2025: 184 days in 2024, 181 in 2025.
	a, b := settlement.YearShare(100000, d("2024-07-01"), d("2025-06-30"), 2024), settlement.YearShare(100000,
		d("2024-07-01"), d("2025-06-30"), 2025)
	if a != 50411 || b != 49589 || a+b != 100000 {
		t.Fatalf("2024 %s, 2025 %s", a, b)
	}
	if settlement.YearShare(100000, d("2024-07-01"), d("2025-06-30"), 2026) != 0 {
		t.Fatal("a year outside the period has a share")
	}
	// Three years, a cent that must land somewhere: parts add up.
	var sum money.Cents
	for y := 2023; y <= 2025; y++ {
		sum += settlement.YearShare(1, d("2023-12-31"), d("2025-01-01"), y)
	}
	if sum != 1 {
		t.Fatalf("parts add to %s", sum)
	}
	// The part for a whole year is the year's share; half a year of a
	// whole-year entry is its days' part.
	if got := settlement.PeriodShare(36500, d("2025-01-01"), d("2025-12-31"), d("2025-01-01"), d("2025-12-31")); got != 36500 {
		t.Fatalf("whole year %s", got)
	}
	if got := settlement.PeriodShare(36500, d("2025-01-01"), d("2025-12-31"), d("2025-01-01"), d("2025-06-30")); got != 18100 {
		t.Fatalf("181 days %s", got)
	}
}

// A complex of three units: A (50 m²) changes tenant on 1 August, B (70 m²)
// is let from 1 March, C (100 m²) is empty all year. The run from the
// database must give what Compute gives on the same scenario written by
// hand, with the vacancy on the landlord.
func TestRunFromDatabaseMatchesCompute(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cx := e.complex(e.Owner, "De Linde")
		ua, ub, uc := e.unit(e.Owner, cx, "50"), e.unit(e.Owner, cx, "70"), e.unit(e.Owner, cx, "100")
		l1 := e.lease(e.Owner, ua, "2024-01-01", "2025-07-31")
		l2 := e.lease(e.Owner, ua, "2025-08-01", "")
		l3 := e.lease(e.Owner, ub, "2025-03-01", "")
		sup := e.supplier(e.Owner, "Schoon BV")

		for m := 1; m <= 12; m++ {
			if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: fmt.Sprintf("2025-%02d", m)}, nil); err != nil {
				t.Fatal(err)
			}
		}
		// Tenant 3 paid everything: 10 × (800 + 50).
		if _, err := e.Ledger.RecordPayment(ctx, e.Owner,
			ledger.PaymentInput{LeaseID: l3, Date: d("2026-01-05"), Amount: 850000, Method: ledger.Transfer}); err != nil {
			t.Fatal(err)
		}

		e.cost(e.Owner,
			settlement.CostInput{ComplexID: cx, SupplierID: sup, InvoiceNumber: "S-1", InvoiceDate: "31-12-2025", PeriodStart: "2025-01-01",
				PeriodEnd: "2025-12-31", Amount: "1.200,00", Category: "Schoonmaak"})
		// Gas for July 2024 – June 2025 and July – December 2025.
		e.cost(e.Owner,
			settlement.CostInput{ComplexID: cx, SupplierID: sup, InvoiceNumber: "G-1", InvoiceDate: "2025-07-10", PeriodStart: "2024-07-01",
				PeriodEnd: "2025-06-30", Amount: "7000.00", VAT: "1214.88", Category: "gas"})
		e.cost(e.Owner,
			settlement.CostInput{ComplexID: cx, SupplierID: sup, InvoiceNumber: "G-2", InvoiceDate: "2026-01-10", PeriodStart: "2025-07-01",
				PeriodEnd: "2025-12-31", Amount: "3000.00", Category: "gas"})
		// Lift: units A and B only.
		e.cost(e.Owner,
			settlement.CostInput{ComplexID: cx, SupplierID: sup, InvoiceNumber: "L-1", InvoiceDate: "2025-12-01", PeriodStart: "2025-01-01",
				PeriodEnd: "2025-12-31", Amount: "600.00", Category: "lift", UnitIDs: []int64{ua, ub}})

		if err := e.Settlement.SetKey(ctx, e.Owner, cx, 2025,
			settlement.CategoryKey{Category: "schoonmaak", Key: "equal", AdminFee: true}); err != nil {
			t.Fatal(err)
		}
		if err := e.Settlement.SetKey(ctx, e.Owner, cx, 2025, settlement.CategoryKey{Category: "gas", Key: "gas_35_65"}); err != nil {
			t.Fatal(err)
		}
		if err := e.Settlement.SetKey(ctx, e.Owner, cx, 2025, settlement.CategoryKey{Category: "lift", Key: "area", AdminFee: true}); err != nil {
			t.Fatal(err)
		}
		wdd := []string{"400", "350", "300", "180", "90", "40", "30", "35", "80", "200", "300", "380"}
		var dd strings.Builder
		dd.WriteString("maand;graaddagen\n")
		for i, v := range wdd {
			fmt.Fprintf(&dd, "2025-%02d;%s,5\n", i+1, v)
		}
		if n, err := e.Settlement.ImportDegreeDays(ctx, e.Owner, strings.NewReader(dd.String())); err != nil || n != 12 {
			t.Fatalf("degree days: %d %v", n, err)
		}

		if _, err := e.Settlement.Run(ctx, e.Viewer, cx, 2025); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("viewer ran: %v", err)
		}
		run, err := e.Settlement.Run(ctx, e.Owner, cx, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if len(run.WarningList) != 0 || run.State != settlement.StateDraft {
			t.Fatalf("run: %+v", run.WarningList)
		}

		// The same scenario by hand. Gas 2025: 181/365 of 7000.00 (by largest
		// remainder over 2024 and 2025) + 3000.00.
		gas := settlement.YearShare(700000, d("2024-07-01"), d("2025-06-30"), 2025) + 300000
		if gas != 347123+300000 {
			t.Fatalf("gas for 2025: %s", gas)
		}
		ddm := map[string]settlement.Decimal{}
		for i, v := range wdd {
			ddm[fmt.Sprintf("2025-%02d", i+1)] = settlement.Decimal(v + ".5")
		}
		id := func(v int64) settlement.ID { return settlement.ID(fmt.Sprint(v)) }
		in := settlement.Input{Period: settlement.Period{Start: "2025-01-01", End: "2025-12-31"}, AdminFeePercent: "5", DegreeDays: ddm,
			Units: []settlement.Unit{{ID: id(ua), AreaM2: "50", Occupants: "1"}, {ID: id(ub), AreaM2: "70", Occupants: "1"},
				{ID: id(uc), AreaM2: "100", Occupants: "1"}},
			Occupancies: []settlement.Occupancy{
				{ID: settlement.ID(fmt.Sprintf("L%d-U%d", l1, ua)), Tenant: "1", Unit: id(ua), Start: "2024-01-01",
					End: "2025-07-31", AdvancesPaid: "350.00"},
				{ID: settlement.ID(fmt.Sprintf("L%d-U%d", l2, ua)), Tenant: "2", Unit: id(ua), Start: "2025-08-01", AdvancesPaid: "250.00"},
				{ID: settlement.ID(fmt.Sprintf("L%d-U%d", l3, ub)), Tenant: "3", Unit: id(ub), Start: "2025-03-01", AdvancesPaid: "500.00"},
			},
			Costs: []settlement.Cost{
				{ID: "gas", Amount: settlement.Decimal(gas.String()), Key: "gas_35_65", Heating: true},
				{ID: "lift", Amount: "600.00", Key: "area", AdminFee: true, Units: []settlement.ID{id(ua), id(ub)}},
				{ID: "schoonmaak", Amount: "1200.00", Key: "equal", AdminFee: true},
			}}
		want, err := settlement.Compute(in)
		if err != nil {
			t.Fatal(err)
		}
		if len(run.Occupancies) != 3 {
			t.Fatalf("%d occupancies", len(run.Occupancies))
		}
		for _, w := range want.Occupancies {
			var got *settlement.RunOccupancy
			for i := range run.Occupancies {
				if run.Occupancies[i].Ref == string(w.ID) {
					got = &run.Occupancies[i]
				}
			}
			if got == nil {
				t.Fatalf("no occupancy %s", w.ID)
			}
			if got.Subtotal != money.Cents(w.Subtotal) || got.AdminFee != money.Cents(w.AdminFee) || got.Total != money.Cents(w.Total) ||
				got.Advances != money.Cents(w.AdvancesPaid) || got.Balance != money.Cents(w.Balance) || len(got.Lines) != len(w.Lines) {
				t.Fatalf("%s: got %+v, want %+v", w.ID, got, w)
			}
			for i, l := range w.Lines {
				if got.Lines[i].CostID != string(l.Cost) || got.Lines[i].Amount != money.Cents(l.Amount) {
					t.Fatalf("%s line %d: %+v, want %+v", w.ID, i, got.Lines[i], l)
				}
			}
			if got.LeaseReference == "" || got.Address == "" {
				t.Fatalf("names: %+v", got)
			}
		}
		// The review page's view: a page of occupancies with the tenants'
		// names, searched by lease reference.
		page, total, err := e.Settlement.RunPage(ctx, e.Owner, run.ID, listing.Query{Limit: 2})
		if err != nil || total != 3 || len(page.Occupancies) != 2 || page.Occupancies[0].Tenant == "" || len(page.Occupancies[0].Lines) == 0 ||
			page.LandlordTotal != run.LandlordTotal {
			t.Fatalf("run page: %d of %d, %v", len(page.Occupancies), total, err)
		}
		ref := run.Occupancies[2].LeaseReference
		page, total, err = e.Settlement.RunPage(ctx, e.Owner, run.ID, listing.Query{Search: ref})
		if err != nil || total != 1 || page.Occupancies[0].LeaseReference != ref || !strings.HasPrefix(page.Occupancies[0].Tenant, "A. Huurder") {
			t.Fatalf("run page searched for %s: %d, %+v %v", ref, total, page.Occupancies, err)
		}
		if run.LandlordTotal != money.Cents(want.Landlord.Total) || len(run.Landlord) != len(want.Landlord.Lines) {
			t.Fatalf("landlord %s, want %s", run.LandlordTotal, want.Landlord.Total)
		}
		// Unit C is empty all year: its equal third of the cleaning is the
		// landlord's, never the tenants'.
		var cClean money.Cents
		for _, l := range run.Landlord {
			if l.UnitID == uc && l.CostID == "schoonmaak" {
				cClean = l.Amount
			}
			if l.UnitID == ua {
				t.Fatalf("unit A was never empty: %+v", l)
			}
		}
		if cClean != 40000 {
			t.Fatalf("landlord's cleaning for C: %s", cClean)
		}
		for _, c := range run.Costs {
			if c.Allocated != c.Amount {
				t.Fatalf("cost %s: %s of %s", c.CostID, c.Allocated, c.Amount)
			}
		}
		// Advances: charged 50.00 a month; tenant 3 paid all of it.
		for _, o := range run.Occupancies {
			wantPaid := money.Cents(0)
			if o.LeaseID == l3 {
				wantPaid = 50000
			}
			if o.Paid != wantPaid {
				t.Fatalf("lease %d paid %s", o.LeaseID, o.Paid)
			}
		}
		if len(run.Costs[0].Entries) != 2 {
			t.Fatalf("gas entries: %+v", run.Costs[0].Entries)
		}

		// Another organisation sees nothing.
		if _, err := e.Settlement.GetRun(ctx, e.OwnerB, run.ID); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other org: %v", err)
		}
		if rs, err := e.Settlement.Runs(ctx, e.OwnerB, settlement.RunFilter{}); err != nil || len(rs) != 0 {
			t.Fatalf("other org runs: %v %v", rs, err)
		}
		if p, err := e.Settlement.Costs(ctx, e.OwnerB, listing.Query{}, settlement.CostFilter{}); err != nil || p.Total != 0 {
			t.Fatalf("other org costs: %v %v", p, err)
		}
		if _, err := e.Settlement.Run(ctx, e.OwnerB, cx, 2025); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other org ran our complex: %v", err)
		}

		// Running again replaces the draft; final is final; a new run
		// corrects it.
		again, err := e.Settlement.Run(ctx, e.Owner, cx, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if runs, _ := e.Settlement.Runs(ctx, e.Viewer,
			settlement.RunFilter{ComplexID: cx, Year: 2025}); len(runs) != 1 || runs[0].ID != again.ID {
			t.Fatalf("draft not replaced: %+v", runs)
		}
		if err := e.Settlement.Finalise(ctx, e.Viewer, again.ID); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("viewer finalised: %v", err)
		}
		if err := e.Settlement.Finalise(ctx, e.Owner, again.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.Settlement.Finalise(ctx, e.Owner, again.ID); !errors.Is(err, settlement.ErrFinal) {
			t.Fatalf("finalised twice: %v", err)
		}
		corr, err := e.Settlement.Run(ctx, e.Owner, cx, 2025)
		if err != nil {
			t.Fatal(err)
		}
		kept, err := e.Settlement.GetRun(ctx, e.Owner, again.ID)
		if err != nil || kept.State != settlement.StateFinal || corr.CorrectsRunID != again.ID || string(kept.Output) != string(again.Output) {
			t.Fatalf("final run changed or correction wrong: %v %+v", err, corr.RunSummary)
		}
		if runs, _ := e.Settlement.Runs(ctx, e.Viewer, settlement.RunFilter{ComplexID: cx}); len(runs) != 2 {
			t.Fatalf("%d runs", len(runs))
		}
		// An entry a final run used cannot be deleted.
		entry := kept.Costs[0].Entries[0].EntryID
		if err := e.Settlement.DeleteCost(ctx, e.Owner, entry); !errors.Is(err, settlement.ErrInFinalRun) {
			t.Fatalf("deleted an entry of a final run: %v", err)
		}

		// The tenant leaving on 31 July: January to July.
		leave, err := e.Settlement.RunLeaving(ctx, e.Owner, l1)
		if err != nil {
			t.Fatal(err)
		}
		if leave.Kind != settlement.KindLeaving || leave.PeriodEnd != d("2025-07-31") || leave.LeaseID != l1 {
			t.Fatalf("leaving run: %+v", leave.RunSummary)
		}
		for _, o := range leave.Occupancies {
			if o.LeaseID == l1 && o.Advances != 35000 {
				t.Fatalf("leaving advances %s", o.Advances)
			}
		}
		if _, err := e.Settlement.RunLeaving(ctx, e.Owner, l2); !errors.Is(err, settlement.ErrNotLeaving) {
			t.Fatalf("open lease: %v", err)
		}
	})
}

func TestKeysPerYearAndWarnings(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cx := e.complex(e.Owner, "Het Hof")
		ua, ub := e.unit(e.Owner, cx, "60"), e.unit(e.Owner, cx, "40")
		e.lease(e.Owner, ua, "2024-01-01", "")
		sup := e.supplier(e.Owner, "Water BV")
		e.cost(e.Owner,
			settlement.CostInput{ComplexID: cx, SupplierID: sup, InvoiceNumber: "W-1", InvoiceDate: "2025-12-31", PeriodStart: "2025-01-01",
				PeriodEnd: "2025-12-31", Amount: "500.00", Category: "water"})
		e.cost(e.Owner,
			settlement.CostInput{ComplexID: cx, SupplierID: sup, InvoiceNumber: "T-1", InvoiceDate: "2025-12-31", PeriodStart: "2025-01-01",
				PeriodEnd: "2025-12-31", Amount: "100.00", Category: "tuin"})

		// Bad keys change nothing.
		fieldErr(t,
			e.Settlement.SetKey(ctx, e.Owner, cx, 2025, settlement.CategoryKey{Category: "water", Key: "by_magic"}), "key", "settlement.bad_key")
		fieldErr(t, e.Settlement.SetKey(ctx, e.Owner, cx, 2025, settlement.CategoryKey{Category: "water", Key: "meter"}),
			"meter_kind", "settlement.bad_meter_kind")
		fieldErr(t, e.Settlement.SetKey(ctx, e.Owner, cx, 2025, settlement.CategoryKey{Category: "water", Key: "equal", FixedPercent: "20"}),
			"fixed_percent", "settlement.fixed_heating_only")
		fieldErr(t,
			e.Settlement.SetKey(ctx, e.Owner, cx, 2025, settlement.CategoryKey{Category: "tuin", Key: "shares", Shares: map[int64]string{ua: "x"}}),
			fmt.Sprintf("shares.%d", ua), "settlement.bad_number")
		fieldErr(t, e.Settlement.SetYearSettings(ctx, e.Owner, cx, 2025, "vijf", nil), "admin_fee_percent", "settlement.bad_percent")

		must[struct{}](t)(struct{}{},
			e.Settlement.SetKey(ctx, e.Owner, cx, 2025, settlement.CategoryKey{Category: "water", Key: "meter", MeterKind: "water"}))
		must[struct{}](t)(struct{}{},
			e.Settlement.SetKey(ctx, e.Owner, cx, 2024, settlement.CategoryKey{Category: "tuin", Key: "area", AdminFee: true}))
		must[struct{}](t)(struct{}{}, e.Settlement.SetYearSettings(ctx, e.Owner, cx, 2025, "3,5", map[int64]string{ua: "2"}))

		y24 := must[*settlement.YearSettings](t)(e.Settlement.Year(ctx, e.Viewer, cx, 2024))
		y25 := must[*settlement.YearSettings](t)(e.Settlement.Year(ctx, e.Viewer, cx, 2025))
		if len(y24.Keys) != 1 || y24.Keys[0].Key != "area" || y24.AdminFeePercent != "5" || len(y25.Keys) != 1 ||
			y25.AdminFeePercent != "3.5" || y25.Occupants[ua] != "2" {
			t.Fatalf("years: %+v %+v", y24, y25)
		}
		// Copying 2024's keys to 2025 adds tuin and keeps water.
		if n := must[int](t)(e.Settlement.CopyKeys(ctx, e.Owner, cx, 2024, 2025)); n != 1 {
			t.Fatalf("copied %d", n)
		}

		// Water by meter: unit A has readings, B has a meter without the
		// year-end reading. The cost is left out with a warning, and the run
		// cannot be made final.
		ma := must[int64](t)(e.Portfolio.AddMeter(ctx, e.Owner, ua, portfolio.MeterInput{Kind: "water", Number: "A1"}))
		mb := must[int64](t)(e.Portfolio.AddMeter(ctx, e.Owner, ub, portfolio.MeterInput{Kind: "water", Number: "B1"}))
		for _, r := range []struct {
			unit, meter int64
			on, value   string
		}{{ua, ma, "2025-01-03", "100"}, {ua, ma, "2026-01-02", "160"}, {ub, mb, "2025-01-01", "10"}} {
			must[int64](t)(e.Portfolio.AddReading(ctx, e.Owner, r.unit, r.meter, portfolio.ReadingInput{On: r.on, Value: r.value}))
		}
		run := must[*settlement.Run](t)(e.Settlement.Run(ctx, e.Owner, cx, 2025))
		if len(run.WarningList) != 1 || run.WarningList[0].Message != "settlement.warn_missing_reading" || run.WarningList[0].UnitID != ub {
			t.Fatalf("warnings: %+v", run.WarningList)
		}
		if len(run.Costs) != 1 || run.Costs[0].CostID != "tuin" {
			t.Fatalf("costs: %+v", run.Costs)
		}
		if err := e.Settlement.Finalise(ctx, e.Owner, run.ID); !errors.Is(err, settlement.ErrHasWarnings) {
			t.Fatalf("finalised with warnings: %v", err)
		}
		// The missing reading arrives: 10 → 25 for B, 60 for A.
		must[int64](t)(e.Portfolio.AddReading(ctx, e.Owner, ub, mb, portfolio.ReadingInput{On: "2025-12-31", Value: "25"}))
		run = must[*settlement.Run](t)(e.Settlement.Run(ctx, e.Owner, cx, 2025))
		if len(run.WarningList) != 0 || len(run.Costs) != 2 {
			t.Fatalf("after reading: %+v %+v", run.WarningList, run.Costs)
		}
		var in settlement.Input
		if err := jsonUnmarshal(run.Input, &in); err != nil {
			t.Fatal(err)
		}
		water := in.Costs[1]
		if water.ID != "water" || water.Readings[fmt.Sprint(ua)] != "60" ||
			water.Readings[fmt.Sprint(ub)] != "15" || in.AdminFeePercent != "3.5" {
			t.Fatalf("water input: %+v fee %s", water, in.AdminFeePercent)
		}
		if in.Units[0].Occupants != "2" || in.Units[1].Occupants != "1" {
			t.Fatalf("occupants: %+v", in.Units)
		}
		// Degree days: a bad line is refused and nothing stored.
		_, err := e.Settlement.ImportDegreeDays(ctx, e.Owner, strings.NewReader("2025-01;400\n2025-13;3\n2025-03;abc\n"))
		var ie settlement.ImportErrors
		if !errors.As(err, &ie) || len(ie) != 2 || ie[0].Line != 2 || ie[1].Column != "value" {
			t.Fatalf("degree days errors: %v", err)
		}
		if dd := must[[]settlement.DegreeDay](t)(e.Settlement.DegreeDays(ctx, e.Owner)); len(dd) != 0 {
			t.Fatalf("stored %v", dd)
		}
	})
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
