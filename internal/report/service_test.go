package report_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
	"hms/internal/report"
)

var ctx = context.Background()

var d = civil.MustParse

// The tests run on 1 April 2026.
var now = time.Date(2026, time.April, 1, 9, 0, 0, 0, time.UTC)

// books are the known data of the tests, in alpha:
//
//	complex De Linden: Lindelaan 1 (L1, M. Jansen, from 2025-01-01: kale huur 800 then 820 from
//	  2026-03-01, servicekosten 50, parking 25; deposit 1,600 received), Lindelaan 2 (L0, K. Bakker,
//	  2024-01-01 to 2025-12-31, 700 + 30 service costs, deposit 1,400 returned on 2026-01-10; then
//	  L2, S. Visser, from 2026-02-01, 750), Lindelaan 3 (never let);
//	complex Het Hof: Hofweg 1 (L3, P. de Boer, 2025-06-01 to 2026-02-28, 1,000; deposit 2,000 held).
//
// Charges: L1 due 2026-01-01 800 and due 2026-03-01 820 (a payment of 300
// on 2026-03-05 pays the oldest first); L3 due 2025-12-01 100 and due
// 2026-02-01 1,000; L2 due 2026-03-15 50. Beta has a complex of the same
// name with a lease, charges, a payment and a deposit: none of it may show.
type books struct {
	*apptest.Org
	linden, hof                int64
	l0, l1, l2, l3             int64
	refs                       map[int64]string
	betaComplex, betaLease     int64
	lindelaan1, hofweg1, lind2 string
}

func setup(t *testing.T, o *apptest.Org) *books {
	t.Helper()
	b := &books{Org: o, refs: map[int64]string{}}
	a := o.Owner
	b.linden = o.Complex(a, "De Linden")
	b.hof = o.Complex(a, "Het Hof")
	unit := func(a account.Actor, complex int64, street string, n string) int64 {
		pc := "3521 CD"
		if street == "Hofweg" {
			pc = "3521 HW"
		}
		return o.Unit(a, portfolio.UnitInput{ComplexID: complex, Street: street, HouseNumber: n, Postcode: pc, City: "Utrecht"})
	}
	a1 := unit(a, b.linden, "Lindelaan", "1")
	a2 := unit(a, b.linden, "Lindelaan", "2")
	unit(a, b.linden, "Lindelaan", "3")
	h1 := unit(a, b.hof, "Hofweg", "1")
	b.lindelaan1, b.lind2, b.hofweg1 = "Lindelaan 1, 3521 CD Utrecht", "Lindelaan 2, 3521 CD Utrecht", "Hofweg 1, 3521 HW Utrecht"
	person := func(a account.Actor, first, last string) int64 {
		return o.Person(a, relation.PersonInput{FirstNames: first, Surname: last})
	}
	mk := func(a account.Actor, u, p int64, start, end string, deposit money.Cents, cs ...lease.ComponentInput) int64 {
		in := lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{p}, Start: d(start), DepositCents: deposit,
			PaymentMethod: lease.Transfer, Components: cs}
		if end != "" {
			in.End = d(end)
		}
		id := o.Lease(a, in)
		l, err := o.Leases.Get(ctx, a, id)
		if err != nil {
			t.Fatal(err)
		}
		b.refs[id] = l.Reference
		return id
	}
	bare := func(c money.Cents) lease.ComponentInput {
		return lease.ComponentInput{Kind: lease.BareRent, AmountCents: c}
	}
	b.l1 = mk(a, a1, person(a, "Maria", "Jansen"), "2025-01-01", "", 160000, bare(80000),
		lease.ComponentInput{Kind: lease.ServiceCosts, Category: "schoonmaak", AmountCents: 5000},
		lease.ComponentInput{Kind: lease.Parking, AmountCents: 2500})
	if _, err := o.Leases.SetComponent(ctx, a, b.l1, lease.ComponentInput{Kind: lease.BareRent, AmountCents: 82000,
		ValidFrom: d("2026-03-01")}); err != nil {
		t.Fatal(err)
	}
	b.l0 = mk(a, a2, person(a, "Kees", "Bakker"), "2024-01-01", "2025-12-31", 140000, bare(70000),
		lease.ComponentInput{Kind: lease.ServiceCosts, Category: "schoonmaak", AmountCents: 3000})
	b.l2 = mk(a, a2, person(a, "Sara", "Visser"), "2026-02-01", "", 0, bare(75000))
	b.l3 = mk(a, h1, person(a, "Piet", "Boer"), "2025-06-01", "2026-02-28", 200000, bare(100000))
	deposit := func(a account.Actor, l int64, kind lease.DepositEntryKind, on string, c money.Cents) {
		if _, err := o.Leases.AddDepositEntry(ctx, a, l, lease.DepositEntryInput{Kind: kind, Date: d(on), AmountCents: c}); err != nil {
			t.Fatalf("deposit entry: %v", err)
		}
	}
	deposit(a, b.l1, lease.DepositReceived, "2025-01-01", 160000)
	deposit(a, b.l0, lease.DepositReceived, "2024-01-01", 140000)
	deposit(a, b.l0, lease.DepositReturned, "2026-01-10", 140000)
	deposit(a, b.l3, lease.DepositReceived, "2025-06-01", 200000)
	charge := func(a account.Actor, l int64, issue, due string, c money.Cents) {
		err := o.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			_, err := ledger.PostTx(ctx, tx, []ledger.Draft{{LeaseID: l, IssueDate: d(issue), DueDate: d(due),
				Lines: []ledger.DraftLine{{Line: ledger.Line("bare_rent", "", ""), From: d(due), To: d(due).AddDays(27), Net: c}}}},
				db.TS(o.Clock.Now()), a.UserID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	pay := func(a account.Actor, l int64, on string, c money.Cents) {
		if _, err := o.Ledger.RecordPayment(ctx, a, ledger.PaymentInput{LeaseID: l, Date: d(on), Amount: c,
			Method: ledger.Transfer}); err != nil {
			t.Fatal(err)
		}
	}
	charge(a, b.l1, "2025-12-20", "2026-01-01", 80000)
	charge(a, b.l1, "2026-02-20", "2026-03-01", 82000)
	pay(a, b.l1, "2026-03-05", 30000)
	charge(a, b.l3, "2025-11-20", "2025-12-01", 10000)
	charge(a, b.l3, "2026-01-20", "2026-02-01", 100000)
	charge(a, b.l2, "2026-03-10", "2026-03-15", 5000)

	// Beta: the same complex name, a unit, a lease with arrears, a
	// payment and a deposit.
	bb := o.OwnerB
	b.betaComplex = o.Complex(bb, "De Linden")
	bu := unit(bb, b.betaComplex, "Betaweg", "9")
	b.betaLease = mk(bb, bu, person(bb, "Bert", "Beta"), "2025-01-01", "", 100000, bare(90000))
	deposit(bb, b.betaLease, lease.DepositReceived, "2025-01-01", 100000)
	charge(bb, b.betaLease, "2026-01-20", "2026-02-01", 90000)
	charge(bb, b.betaLease, "2026-02-20", "2026-03-01", 90000)
	pay(bb, b.betaLease, "2026-03-02", 1000)
	return b
}

func each(t *testing.T, fn func(t *testing.T, b *books)) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, o *apptest.Org) { fn(t, setup(t, o)) })
}

func (b *books) make(t *testing.T, a account.Actor, n report.Name, p report.Params) *report.Report {
	t.Helper()
	r, err := b.Reports.Make(ctx, a, n, p)
	if err != nil {
		t.Fatalf("%s: %v", n, err)
	}
	return r
}

// The rent roll lists every unit on the day: the lease that runs then with
// the components valid then (the raise of 1 March counts from 1 March),
// the deposit held, vacant units empty; with totals; a complex narrows it.
func TestRentRoll(t *testing.T) {
	each(t, func(t *testing.T, b *books) {
		r := b.make(t, b.Bookkeeper, report.RentRoll, report.Params{})
		rr := r.RentRoll
		if rr.On != d("2026-04-01") || r.Complex != "" || r.Org != "alpha" && r.Org == "" {
			t.Fatalf("report %+v", r)
		}
		type line struct {
			addr, complex, tenants, ref  string
			vacant                       bool
			bare, svc, other, total, dep money.Cents
		}
		var got []line
		for _, x := range rr.Rows {
			got = append(got, line{x.Address, x.Complex, strings.Join(x.Tenants, ","), x.Reference, x.Vacant, x.BareRent, x.ServiceCosts,
				x.Other, x.Total, x.Deposit})
		}
		want := []line{
			{b.lindelaan1, "De Linden", "M. Jansen", b.refs[b.l1], false, 82000, 5000, 2500, 89500, 160000},
			{b.lind2, "De Linden", "S. Visser", b.refs[b.l2], false, 75000, 0, 0, 75000, 0},
			{"Lindelaan 3, 3521 CD Utrecht", "De Linden", "", "", true, 0, 0, 0, 0, 0},
			{b.hofweg1, "Het Hof", "", "", true, 0, 0, 0, 0, 0},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("rows\n got %+v\nwant %+v", got, want)
		}
		if rr.Units != 4 || rr.Vacant != 2 || rr.BareRent != 157000 || rr.ServiceCosts != 5000 || rr.Other != 2500 ||
			rr.Total != 164500 || rr.Deposit != 160000 {
			t.Fatalf("totals %+v", rr)
		}

		// Earlier: the rent before the raise, Het Hof still let.
		rr = b.make(t, b.Owner, report.RentRoll, report.Params{On: d("2026-02-15")}).RentRoll
		if rr.Rows[0].BareRent != 80000 || rr.Rows[0].Total != 87500 || rr.Rows[3].Vacant || rr.Rows[3].Reference != b.refs[b.l3] ||
			rr.Rows[3].Deposit != 200000 || rr.Vacant != 1 || rr.Total != 87500+75000+100000 || rr.Deposit != 360000 {
			t.Fatalf("on 15 February %+v", rr)
		}
		// Before L0 returned its deposit and while it ran.
		rr = b.make(t, b.Owner, report.RentRoll, report.Params{On: d("2025-12-31")}).RentRoll
		if rr.Rows[1].Reference != b.refs[b.l0] || rr.Rows[1].Total != 73000 || rr.Rows[1].Deposit != 140000 {
			t.Fatalf("on 31 December %+v", rr.Rows[1])
		}

		r = b.make(t, b.Owner, report.RentRoll, report.Params{On: d("2026-02-15"), ComplexID: b.hof})
		if r.Complex != "Het Hof" || len(r.RentRoll.Rows) != 1 || r.RentRoll.Rows[0].Address != b.hofweg1 ||
			r.RentRoll.Total != 100000 || r.RentRoll.Units != 1 {
			t.Fatalf("Het Hof %+v", r.RentRoll)
		}
	})
}

// The arrears ageing is dunning's: open past the due date on the day, by
// days overdue, as the books stood then; a complex narrows it.
func TestArrears(t *testing.T) {
	each(t, func(t *testing.T, b *books) {
		ar := b.make(t, b.Viewer, report.Arrears, report.Params{}).Arrears
		type line struct {
			addr, ref, tenants string
			buckets            [4]money.Cents
			overdue            money.Cents
		}
		var got []line
		for _, x := range ar.Rows {
			got = append(got, line{x.Address, x.Reference, strings.Join(x.Tenants, ","), x.Buckets, x.Overdue})
		}
		want := []line{
			{b.hofweg1, b.refs[b.l3], "P. Boer", [4]money.Cents{0, 100000, 0, 10000}, 110000},
			{b.lindelaan1, b.refs[b.l1], "M. Jansen", [4]money.Cents{0, 82000, 50000, 0}, 132000},
			{b.lind2, b.refs[b.l2], "S. Visser", [4]money.Cents{5000, 0, 0, 0}, 5000},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("rows\n got %+v\nwant %+v", got, want)
		}
		if ar.Buckets != [4]money.Cents{5000, 182000, 50000, 10000} || ar.Overdue != 247000 {
			t.Fatalf("totals %+v %v", ar.Buckets, ar.Overdue)
		}

		// On 1 March: the payment of the 5th not yet made, the charge of
		// the 1st not yet overdue, L2's not yet issued.
		ar = b.make(t, b.Owner, report.Arrears, report.Params{On: d("2026-03-01")}).Arrears
		if len(ar.Rows) != 2 || ar.Rows[0].Buckets != [4]money.Cents{100000, 0, 10000, 0} ||
			ar.Rows[1].Buckets != [4]money.Cents{0, 80000, 0, 0} || ar.Overdue != 190000 {
			t.Fatalf("on 1 March %+v", ar)
		}

		ar = b.make(t, b.Owner, report.Arrears, report.Params{ComplexID: b.linden}).Arrears
		if len(ar.Rows) != 2 || ar.Rows[0].Reference != b.refs[b.l1] || ar.Overdue != 137000 ||
			ar.Buckets != [4]money.Cents{5000, 82000, 50000, 0} {
			t.Fatalf("De Linden %+v", ar)
		}
	})
}

// Vacancy counts the days no lease ran and prices them at the last known
// rent, prorated by the days of each month.
func TestVacancy(t *testing.T) {
	each(t, func(t *testing.T, b *books) {
		v := b.make(t, b.Owner, report.Vacancy, report.Params{From: d("2026-01-01"), To: d("2026-03-15")}).Vacancy
		type line struct {
			addr       string
			days       int
			rent, lost money.Cents
			rate       string
		}
		var got []line
		for _, x := range v.Rows {
			got = append(got, line{x.Address, x.Days, x.Rent, x.Lost, x.Rate.String()})
		}
		want := []line{
			// L0 ended 31 December: January empty at its 730 a month.
			{b.lind2, 31, 73000, 73000, "41.9%"},
			{"Lindelaan 3, 3521 CD Utrecht", 74, 0, 0, "100%"},
			// L3 ended 28 February: 15 of March's 31 days at 1,000.
			{b.hofweg1, 15, 100000, 48387, "20.3%"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("rows\n got %+v\nwant %+v", got, want)
		}
		if v.PeriodDays != 74 || v.Units != 4 || v.Days != 120 || v.Lost != 121387 || v.Rate.String() != "40.5%" {
			t.Fatalf("totals %+v", v)
		}
		v = b.make(t, b.Owner, report.Vacancy, report.Params{From: d("2026-01-01"), To: d("2026-03-15"), ComplexID: b.hof}).Vacancy
		if len(v.Rows) != 1 || v.Units != 1 || v.Lost != 48387 || v.Rate.String() != "20.3%" {
			t.Fatalf("Het Hof %+v", v)
		}
		// A stretch before the first lease is priced at that lease's first rent.
		v = b.make(t, b.Owner, report.Vacancy, report.Params{From: d("2025-05-01"), To: d("2025-05-31"), ComplexID: b.hof}).Vacancy
		if len(v.Rows) != 1 || v.Rows[0].Days != 31 || v.Rows[0].Lost != 100000 {
			t.Fatalf("May 2025 %+v", v.Rows)
		}
	})
}

// Income per complex and month: charged by issue date, received by payment
// date; another organisation's books and months outside the period left out.
func TestIncome(t *testing.T) {
	each(t, func(t *testing.T, b *books) {
		in := b.make(t, b.Owner, report.Income, report.Params{FromMonth: civil.Month{Year: 2026, Month: 1},
			ToMonth: civil.Month{Year: 2026, Month: 3}}).Income
		type line struct {
			complex          string
			month            string
			charged, receivd money.Cents
		}
		var got []line
		for _, c := range in.Complexes {
			for _, m := range c.Months {
				got = append(got, line{c.Complex, m.Month.String(), m.Charged, m.Received})
			}
		}
		want := []line{
			{"De Linden", "2026-01", 0, 0}, {"De Linden", "2026-02", 82000, 0}, {"De Linden", "2026-03", 5000, 30000},
			{"Het Hof", "2026-01", 100000, 0}, {"Het Hof", "2026-02", 0, 0}, {"Het Hof", "2026-03", 0, 0},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("rows\n got %+v\nwant %+v", got, want)
		}
		if in.Complexes[0].Charged != 87000 || in.Complexes[0].Received != 30000 || in.Complexes[1].Charged != 100000 ||
			in.Charged != 187000 || in.Received != 30000 {
			t.Fatalf("totals %+v", in)
		}
		in = b.make(t, b.Owner, report.Income, report.Params{FromMonth: civil.Month{Year: 2025, Month: 11},
			ToMonth: civil.Month{Year: 2026, Month: 2}, ComplexID: b.hof}).Income
		if len(in.Complexes) != 1 || len(in.Complexes[0].Months) != 4 || in.Charged != 110000 || in.Complexes[0].Months[0].Charged != 10000 {
			t.Fatalf("Het Hof %+v", in)
		}
	})
}

// Deposits held on a day: received less returned by then; the return
// deadline when the lease had ended.
func TestDeposits(t *testing.T) {
	each(t, func(t *testing.T, b *books) {
		dr := b.make(t, b.Owner, report.Deposits, report.Params{}).Deposits
		type line struct {
			addr, ref, tenants       string
			received, returned, held money.Cents
			ends, deadline           civil.Date
		}
		var got []line
		for _, x := range dr.Rows {
			got = append(got, line{x.Address, x.Reference, strings.Join(x.Tenants, ","), x.Received, x.Returned, x.Held, x.EndsOn, x.Deadline})
		}
		want := []line{
			{b.hofweg1, b.refs[b.l3], "P. Boer", 200000, 0, 200000, d("2026-02-28"), d("2026-03-14")},
			{b.lindelaan1, b.refs[b.l1], "M. Jansen", 160000, 0, 160000, civil.Date{}, civil.Date{}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("rows\n got %+v\nwant %+v", got, want)
		}
		if dr.Received != 360000 || dr.Held != 360000 || dr.Returned != 0 {
			t.Fatalf("totals %+v", dr)
		}
		// On 5 January L0's deposit was still held, its lease ended.
		dr = b.make(t, b.Owner, report.Deposits, report.Params{On: d("2026-01-05"), ComplexID: b.linden}).Deposits
		if len(dr.Rows) != 2 || dr.Rows[1].Reference != b.refs[b.l0] || dr.Rows[1].Held != 140000 ||
			dr.Rows[1].Deadline != d("2026-01-14") || dr.Held != 300000 {
			t.Fatalf("on 5 January %+v", dr)
		}
	})
}

// Another organisation sees only its own: beta's reports hold beta's lease
// alone, alpha's complex is not beta's filter, and a member without
// finance rights gets nothing.
func TestReportsStayInTheirOrganisation(t *testing.T) {
	each(t, func(t *testing.T, b *books) {
		for _, n := range report.Names {
			r := b.make(t, b.OwnerB, n, report.Params{})
			tb := r.Table("nl")
			for _, row := range tb.Rows {
				for _, c := range row.Cells {
					for _, alpha := range []string{"Lindelaan", "Hofweg", "Jansen", "Boer", "Visser", "Het Hof"} {
						if strings.Contains(c.Text, alpha) {
							t.Fatalf("%s of beta shows %q", n, c.Text)
						}
					}
				}
			}
			if _, err := b.Reports.Make(ctx, b.OwnerB, n, report.Params{ComplexID: b.linden}); !isField(err, "complex") {
				t.Fatalf("%s with alpha's complex: %v", n, err)
			}
		}
		rr := b.make(t, b.OwnerB, report.RentRoll, report.Params{}).RentRoll
		if len(rr.Rows) != 1 || rr.Total != 90000 || rr.Deposit != 100000 {
			t.Fatalf("beta's rent roll %+v", rr)
		}
		if ar := b.make(t, b.OwnerB, report.Arrears, report.Params{}).Arrears; ar.Overdue != 179000 {
			t.Fatalf("beta's arrears %+v", ar)
		}
		none := account.Actor{OrgID: b.Owner.OrgID, Role: account.Role("nobody")}
		if _, err := b.Reports.Make(ctx, none, report.RentRoll, report.Params{}); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("without finance.read: %v", err)
		}
		if _, err := b.Reports.Make(ctx, b.Owner, report.Name("nonsense"), report.Params{}); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("unknown report: %v", err)
		}
		if _, err := b.Reports.Make(ctx, b.Owner, report.Vacancy, report.Params{From: d("2026-03-01"),
			To: d("2026-02-01")}); !isField(err, "to") {
			t.Fatalf("backwards period: %v", err)
		}
		if _, err := b.Reports.Make(ctx, b.Owner, report.Income, report.Params{FromMonth: civil.Month{Year: 2000, Month: 1},
			ToMonth: civil.Month{Year: 2026, Month: 1}}); !isField(err, "to") {
			t.Fatalf("26 years: %v", err)
		}
	})
}

func isField(err error, field string) bool {
	fe, ok := validation.AsFields(err)
	return ok && fe[field] != ""
}

// A lease of two units has its amounts on its first unit and the second
// listed as continued; its rent is shared equally when a unit stands empty;
// income of a lease whose units are in no complex is under "no complex".
func TestLeaseOfSeveralUnits(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, o *apptest.Org) {
		a := o.Owner
		home := o.Unit(a, portfolio.UnitInput{Street: "Kade", HouseNumber: "1", Postcode: "3511 KA", City: "Utrecht"})
		park := o.Unit(a, portfolio.UnitInput{Street: "Kade", HouseNumber: "2", Postcode: "3511 KA", City: "Utrecht"})
		l := o.Lease(a, lease.Input{UnitIDs: []int64{home, park}, Start: d("2025-01-01"), End: d("2026-01-31"), PaymentMethod: lease.Transfer,
			Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 100001}}})
		rr, err := o.Reports.Make(ctx, a, report.RentRoll, report.Params{On: d("2026-01-15")})
		if err != nil {
			t.Fatal(err)
		}
		rows := rr.RentRoll.Rows
		if len(rows) != 2 || rows[0].LeaseID != l || rows[0].Total != 100001 || rows[0].Continued || !rows[1].Continued ||
			rows[1].LeaseID != l || rows[1].Total != 0 || rr.RentRoll.Total != 100001 || rr.RentRoll.Vacant != 0 {
			t.Fatalf("rent roll %+v", rr.RentRoll)
		}
		tb := rr.Table("en")
		if !tb.Rows[1].Muted || !tb.Rows[1].Cells[5].Blank || tb.Rows[0].Cells[5].Format("en") != "€1,000.01" {
			t.Fatalf("table %+v", tb.Rows)
		}
		// February empty: each unit at half the last rent (500.01 and 500.00).
		v, err := o.Reports.Make(ctx, a, report.Vacancy, report.Params{From: d("2026-02-01"), To: d("2026-02-28")})
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Vacancy.Rows) != 2 || v.Vacancy.Lost != 100001 || v.Vacancy.Rows[0].Rent+v.Vacancy.Rows[1].Rent != 100001 {
			t.Fatalf("vacancy %+v", v.Vacancy)
		}
		if _, err := o.Ledger.RecordPayment(ctx, a, ledger.PaymentInput{LeaseID: l, Date: d("2026-01-05"), Amount: 25000,
			Method: ledger.Transfer}); err != nil {
			t.Fatal(err)
		}
		in, err := o.Reports.Make(ctx, a, report.Income, report.Params{FromMonth: civil.Month{Year: 2026, Month: 1},
			ToMonth: civil.Month{Year: 2026, Month: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if len(in.Income.Complexes) != 1 || in.Income.Complexes[0].ComplexID != 0 || in.Income.Received != 25000 {
			t.Fatalf("income %+v", in.Income)
		}
		if got := in.Table("nl").Rows[0].Cells[0].Text; got != "Zonder complex" {
			t.Fatalf("income row named %q", got)
		}
	})
}
