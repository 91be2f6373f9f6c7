package overview_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/directdebit"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/overview"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

var ctx = context.Background()

var d = civil.MustParse

// Today is Friday 15 May 2026 in every test.
var now = time.Date(2026, time.May, 15, 9, 0, 0, 0, time.UTC)

type env struct{ *apptest.Org }

func each(t *testing.T, fn func(t *testing.T, e *env)) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, o *apptest.Org) { fn(t, &env{o}) })
}

// charge posts an invoice of one bare-rent line on a lease, issued and due
// on the days given.
func (e *env) charge(a account.Actor, leaseID int64, issue, due string, cents money.Cents) ledger.Posted {
	e.T.Helper()
	var posted []ledger.Posted
	err := e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		posted, err = ledger.PostTx(ctx, tx, []ledger.Draft{{LeaseID: leaseID, IssueDate: d(issue), DueDate: d(due),
			Lines: []ledger.DraftLine{{Line: ledger.Line("bare_rent", "", ""), From: d(due), To: d(due).AddDays(27), Net: cents}}}},
			db.TS(e.Clock.Now()), a.UserID)
		return err
	})
	if err != nil {
		e.T.Fatal(err)
	}
	return posted[0]
}

func (e *env) pay(a account.Actor, leaseID int64, on string, cents money.Cents) {
	e.T.Helper()
	if _, err := e.Ledger.RecordPayment(ctx, a, ledger.PaymentInput{LeaseID: leaseID, Date: d(on), Amount: cents,
		Method: ledger.Transfer}); err != nil {
		e.T.Fatal(err)
	}
}

func (e *env) unitIn(a account.Actor, complexID int64) int64 {
	return e.Unit(a, portfolio.UnitInput{ComplexID: complexID})
}

func rent(c money.Cents) []lease.ComponentInput {
	return []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: c}}
}

// book is the fixture of the figures tests: two complexes in alpha, data in
// beta that must not count.
type book struct {
	noord, zuid    int64
	l1, l2, l4     int64
	u1, u2, u3, u4 int64
}

func (e *env) book() book {
	var b book
	o := e.Owner
	b.noord, b.zuid = e.Complex(o, "Noord"), e.Complex(o, "Zuid")
	// u1 (Noord): let since 2025 at €800, arrears; notice given today.
	b.u1 = e.unitIn(o, b.noord)
	b.l1 = e.Lease(o, lease.Input{UnitIDs: []int64{b.u1}, Start: d("2025-01-01"), Components: rent(80000), PaymentMethod: lease.Transfer})
	// u2 (Noord): its lease at €930 ended on 31 March, empty since.
	b.u2 = e.unitIn(o, b.noord)
	b.l2 = e.Lease(o, lease.Input{UnitIDs: []int64{b.u2}, Start: d("2024-01-01"), End: d("2026-03-31"), Components: rent(93000),
		PaymentMethod: lease.Transfer})
	// u3 (Zuid): new today, never let.
	b.u3 = e.unitIn(o, b.zuid)
	// u4 (Zuid): let from February to the end of July at €1,000.
	b.u4 = e.unitIn(o, b.zuid)
	b.l4 = e.Lease(o, lease.Input{UnitIDs: []int64{b.u4}, Start: d("2026-02-01"), End: d("2026-07-31"), Components: rent(100000),
		PaymentMethod: lease.Transfer})

	e.charge(o, b.l1, "2025-12-20", "2026-01-01", 80000)  // 134 days overdue; €300 paid: €500 open
	e.charge(o, b.l1, "2026-02-20", "2026-03-01", 80000)  // 75 days
	e.charge(o, b.l1, "2026-05-01", "2026-05-10", 80000)  // 5 days
	e.charge(o, b.l1, "2026-05-01", "2026-05-20", 80000)  // not due yet
	e.charge(o, b.l4, "2026-04-01", "2026-04-10", 100000) // 35 days
	e.pay(o, b.l1, "2026-05-02", 30000)
	if _, err := e.Leases.GiveNotice(ctx, o, b.l1, lease.NoticeInput{By: lease.ByTenant, NoticeDate: d("2026-05-15")}); err != nil {
		e.T.Fatal(err)
	}
	// A mandate signed three years ago and never used expires on 1 June.
	if _, err := e.DirectDebit.CreateMandate(ctx, o, directdebit.MandateInput{LeaseID: b.l4, SignedOn: d("2023-06-01"),
		SignedPlace: "Utrecht", DebtorName: "A. Huurder", IBAN: "NL91ABNA0417164300"}); err != nil {
		e.T.Fatal(err)
	}

	// Beta: an overdue charge, an empty unit, a lease ending soon.
	ob := e.OwnerB
	lb := e.Lease(ob, lease.Input{Start: d("2025-01-01"), End: d("2026-06-30"), PaymentMethod: lease.Transfer})
	e.charge(ob, lb, "2026-01-01", "2026-01-05", 55500)
	e.pay(ob, lb, "2026-05-05", 1000)
	e.Unit(ob, portfolio.UnitInput{})
	return b
}

func TestFigures(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		b := e.book()
		f, err := e.Overview.Figures(ctx, e.Owner, 0)
		if err != nil {
			t.Fatal(err)
		}
		if f.Arrears != 310000 || f.Buckets != [4]money.Cents{80000, 100000, 80000, 50000} || f.Debtors != 2 {
			t.Errorf("arrears %d %v debtors %d", f.Arrears, f.Buckets, f.Debtors)
		}
		// The same as the arrears ageing list.
		ag, err := e.Dunning.Arrears(ctx, e.Owner, civil.Date{}, listing.Query{All: true})
		if err != nil {
			t.Fatal(err)
		}
		if ag.Overdue != f.Arrears || ag.Buckets != f.Buckets || ag.Total != f.Debtors {
			t.Errorf("ageing list %d %v %d, overview %d %v %d", ag.Overdue, ag.Buckets, ag.Total, f.Arrears, f.Buckets, f.Debtors)
		}
		if f.ThisMonth.Month != civil.MonthOf(d("2026-05-15")) || f.ThisMonth.Charged != 160000 || f.ThisMonth.Received != 30000 {
			t.Errorf("this month %+v", f.ThisMonth)
		}
		if len(f.Months) != 12 || f.Months[0].Month.String() != "2025-06" {
			t.Fatalf("months %+v", f.Months)
		}
		byMonth := map[string]overview.Month{}
		for _, m := range f.Months {
			byMonth[m.Month.String()] = m
		}
		for m, want := range map[string][2]money.Cents{"2026-01": {80000, 0}, "2026-02": {0, 0}, "2026-03": {80000, 0},
			"2026-04": {100000, 0}, "2026-05": {160000, 30000}} {
			if got := byMonth[m]; got.Charged != want[0] || got.Received != want[1] {
				t.Errorf("%s: charged %d received %d, want %v", m, got.Charged, got.Received, want)
			}
		}
		// Occupancy at month ends: u1 and u2 let in January; u4 joins in
		// February; u2 empty from April; u3 joins today.
		for m, want := range map[string][3]int{"2025-12": {2, 2, 100}, "2026-01": {2, 2, 100}, "2026-02": {3, 3, 100},
			"2026-03": {3, 3, 100}, "2026-04": {2, 3, 67}, "2026-05": {2, 4, 50}} {
			if got := byMonth[m]; got.Let != want[0] || got.Units != want[1] || got.LetPercent() != want[2] {
				t.Errorf("%s: let %d of %d (%d%%), want %v", m, got.Let, got.Units, got.LetPercent(), want)
			}
		}
		if byMonth["2026-05"].On != d("2026-05-15") {
			t.Errorf("this month counted on %s", byMonth["2026-05"].On)
		}
		// Vacancy: u2 empty 1 April – 15 May (45 days; April's rent whole,
		// 15/31 of May's: €930 + €450), u3 empty today only, without rent.
		if f.Units != 4 || f.Empty != 2 || f.EmptyDays != 46 || f.RentLost != 138000 {
			t.Errorf("vacancy: %d of %d empty, %d days, lost %d", f.Empty, f.Units, f.EmptyDays, f.RentLost)
		}
		if len(f.Vacant) != 2 || f.Vacant[0].UnitID != b.u2 || f.Vacant[0].Since != d("2026-04-01") || f.Vacant[0].Days != 45 ||
			f.Vacant[0].RentLost != 138000 || f.Vacant[1].UnitID != b.u3 || f.Vacant[1].Days != 1 || f.Vacant[1].RentLost != 0 {
			t.Errorf("vacant %+v", f.Vacant)
		}
		// Ending: l4 (31 July) and l1 (notice given today); notice: l1.
		if f.Ending != 2 || f.EndsBy != d("2026-08-15") || f.Notice != 1 {
			t.Errorf("ending %d by %s, notice %d", f.Ending, f.EndsBy, f.Notice)
		}
		if f.MandatesExpiring != 1 {
			t.Errorf("mandates expiring %d", f.MandatesExpiring)
		}
		// Only Noord had leases in 2025: its settlement is due on 30 June.
		if f.SettlementYear != 2025 || f.SettlementDue != d("2026-06-30") || f.Settlements != 1 {
			t.Errorf("settlements %d of %d due %s", f.Settlements, f.SettlementYear, f.SettlementDue)
		}
		if len(f.Complexes) != 2 || f.Complexes[0].Name != "Noord" {
			t.Errorf("complexes %+v", f.Complexes)
		}

		// One complex: Noord has l1 and l2, u1 and u2.
		n, err := e.Overview.Figures(ctx, e.Owner, b.noord)
		if err != nil {
			t.Fatal(err)
		}
		if n.Arrears != 210000 || n.Buckets != [4]money.Cents{80000, 0, 80000, 50000} || n.Debtors != 1 {
			t.Errorf("Noord arrears %d %v %d", n.Arrears, n.Buckets, n.Debtors)
		}
		if n.ThisMonth.Charged != 160000 || n.ThisMonth.Received != 30000 || n.Months[10].Charged != 0 {
			t.Errorf("Noord money %+v, April %+v", n.ThisMonth, n.Months[10])
		}
		if n.Units != 2 || n.Empty != 1 || n.EmptyDays != 45 || n.RentLost != 138000 || n.Ending != 1 || n.Notice != 1 ||
			n.MandatesExpiring != 0 || n.Settlements != 1 {
			t.Errorf("Noord: %d of %d empty, %d days, lost %d, ending %d, notice %d, mandates %d, settlements %d",
				n.Empty, n.Units, n.EmptyDays, n.RentLost, n.Ending, n.Notice, n.MandatesExpiring, n.Settlements)
		}
		z, err := e.Overview.Figures(ctx, e.Owner, b.zuid)
		if err != nil {
			t.Fatal(err)
		}
		if z.Arrears != 100000 || z.Buckets[1] != 100000 || z.Units != 2 || z.Empty != 1 || z.MandatesExpiring != 1 || z.Ending != 1 ||
			z.Settlements != 0 {
			t.Errorf("Zuid: %+v", z)
		}
		// Another organisation's complex is not found.
		other := e.Complex(e.OwnerB, "Elders")
		if _, err := e.Overview.Figures(ctx, e.Owner, other); !errors.Is(err, validation.ErrNotFound) {
			t.Errorf("another organisation's complex: %v", err)
		}

		// Beta sees only its own.
		fb, err := e.Overview.Figures(ctx, e.OwnerB, 0)
		if err != nil {
			t.Fatal(err)
		}
		if fb.Arrears != 54500 || fb.Debtors != 1 || fb.Units != 2 || fb.Empty != 1 || fb.Ending != 1 || fb.ThisMonth.Received != 1000 ||
			fb.MandatesExpiring != 0 || len(fb.Complexes) != 1 {
			t.Errorf("beta: %+v", fb)
		}
	})
}

func TestFiguresFollowPermissions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.book()
		f, err := e.Overview.Figures(ctx, e.Bookkeeper, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !f.Finance || f.Portfolio || f.Arrears != 310000 || f.Units != 0 || f.Vacant != nil {
			t.Errorf("bookkeeper: finance %v portfolio %v arrears %d units %d", f.Finance, f.Portfolio, f.Arrears, f.Units)
		}
		v, err := e.Overview.Figures(ctx, e.Viewer, 0)
		if err != nil || !v.Finance || !v.Portfolio {
			t.Errorf("viewer: %v %+v", err, v)
		}
		if _, err := e.Overview.Figures(ctx, account.Actor{}, 0); !errors.Is(err, validation.ErrForbidden) {
			t.Errorf("no member: %v", err)
		}
	})
}

func TestSearch(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		o := e.Owner
		noord := e.Complex(o, "Noord")
		u := e.Unit(o, portfolio.UnitInput{ComplexID: noord, Street: "Kerkstraat", HouseNumber: "7", Postcode: "1234 AB", City: "Utrecht"})
		e.Unit(o, portfolio.UnitInput{Street: "Kerkstraatje", HouseNumber: "9", Postcode: "1234 AC", City: "Utrecht"})
		p := e.Person(o, relation.PersonInput{FirstNames: "Sanne", Surname: "Kerkhof"})
		p2 := e.Person(o, relation.PersonInput{FirstNames: "Sanne", Surname: "Kerk"})
		l := e.Lease(o, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{p}, Start: d("2025-01-01"), PaymentMethod: lease.Transfer})
		inv := e.charge(o, l, "2026-05-01", "2026-05-10", 80000)
		// Beta has a Kerkhof too, at the same postcode.
		e.Person(e.OwnerB, relation.PersonInput{Surname: "Kerkhof"})
		e.Unit(e.OwnerB, portfolio.UnitInput{Street: "Kerkstraat", HouseNumber: "7", Postcode: "1234 AB", City: "Utrecht"})

		rs, err := e.Overview.Search(ctx, o, "kerk")
		if err != nil {
			t.Fatal(err)
		}
		// The exact surname "Kerk" first; then the prefix matches (Kerkhof,
		// Kerkstraat, Kerkstraatje), persons before units.
		if len(rs) != 4 || rs[0].ID != p2 || rs[0].Rank != overview.RankExact || rs[0].Kind != overview.KindPerson ||
			rs[1].ID != p || rs[1].Rank != overview.RankPrefix || rs[2].Kind != overview.KindUnit || rs[2].ID != u {
			t.Fatalf("kerk: %+v", rs)
		}
		if rs[1].URL != "/o/"+o.OrgSlug+"/relations/"+itoa(p) || rs[2].Detail != "Noord" || rs[2].Label != "Kerkstraat 7, 1234 AB Utrecht" {
			t.Errorf("results %+v", rs)
		}

		// A postcode without its space finds the unit exactly.
		rs, err = e.Overview.Search(ctx, o, "1234ab")
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 || rs[0].Kind != overview.KindUnit || rs[0].ID != u || rs[0].Rank != overview.RankExact {
			t.Errorf("postcode: %+v", rs)
		}

		// The betalingskenmerk finds the invoice, with what is open on it.
		invs, err := e.Ledger.Invoices(ctx, o, listing.Query{}, ledger.InvoiceFilter{LeaseID: l})
		if err != nil || len(invs.Items) != 1 {
			t.Fatal(err, invs)
		}
		k := invs.Items[0]
		rs, err = e.Overview.Search(ctx, o, k.Kenmerk)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].Kind != overview.KindInvoice || rs[0].ID != inv.InvoiceID || rs[0].Label != k.Number ||
			rs[0].Rank != overview.RankExact || rs[0].Open != 80000 {
			t.Errorf("kenmerk: %+v", rs)
		}
		if got := rs[0].DetailIn("nl"); got != k.LeaseReference+" · open € 800,00 · vervalt 10 mei 2026" {
			t.Errorf("detail %q", got)
		}
		// The lease by its reference.
		rs, err = e.Overview.Search(ctx, o, k.LeaseReference)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 || rs[0].Kind != overview.KindLease || rs[0].ID != l || rs[0].Rank != overview.RankExact {
			t.Errorf("lease: %+v", rs)
		}
		// A complex by name.
		rs, err = e.Overview.Search(ctx, o, "noord")
		if err != nil || len(rs) != 2 || rs[0].Kind != overview.KindComplex || rs[0].ID != noord {
			// The unit in Noord is found by its complex's name too.
			t.Errorf("complex: %v %+v", err, rs)
		}

		// The bookkeeper finds invoices only; nothing for an empty query.
		rs, err = e.Overview.Search(ctx, e.Bookkeeper, "kerk")
		if err != nil || len(rs) != 0 {
			t.Errorf("bookkeeper kerk: %v %+v", err, rs)
		}
		rs, err = e.Overview.Search(ctx, e.Bookkeeper, k.Number)
		if err != nil || len(rs) != 1 || rs[0].Kind != overview.KindInvoice {
			t.Errorf("bookkeeper invoice: %v %+v", err, rs)
		}
		if rs, err := e.Overview.Search(ctx, o, "  "); err != nil || rs != nil {
			t.Errorf("empty: %v %+v", err, rs)
		}
		// Beta finds only its own Kerkhof and unit.
		rs, err = e.Overview.Search(ctx, e.OwnerB, "kerk")
		if err != nil || len(rs) != 2 {
			t.Errorf("beta: %v %+v", err, rs)
		}
		for _, r := range rs {
			if r.ID == p || r.ID == u {
				t.Errorf("beta sees alpha's %+v", r)
			}
		}
	})
}

func TestSearchCapsEachKind(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		for range overview.PerKind + 3 {
			e.Person(e.Owner, relation.PersonInput{Surname: "Jansen"})
		}
		rs, err := e.Overview.Search(ctx, e.Owner, "jansen")
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != overview.PerKind {
			t.Errorf("%d results", len(rs))
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
