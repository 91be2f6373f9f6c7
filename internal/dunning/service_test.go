package dunning_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/dunning"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/orgprofile"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

var ctx = context.Background()

var d = civil.MustParse

// The tests start on 1 January 2026; each moves the clock itself.
var start = time.Date(2026, time.January, 1, 9, 0, 0, 0, time.UTC)

type env struct{ *apptest.Org }

func each(t *testing.T, fn func(t *testing.T, e *env)) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: start}, func(t *testing.T, o *apptest.Org) { fn(t, &env{o}) })
}

// at moves the clock to day (10:00 in Amsterdam).
func (e *env) at(day string) civil.Date {
	t := d(day)
	e.Clock.Set(time.Date(t.Year, t.Month, t.Day, 9, 0, 0, 0, time.UTC))
	return t
}

// issuer gives a's organisation a landlord with an IBAN.
func (e *env) issuer(a account.Actor) {
	e.T.Helper()
	ls := lease.DefaultSettings()
	ls.LandlordName = "Woonstichting Zuiderhuis"
	ls.LandlordAddress = "Stationsplein 1\n3511 ED Utrecht"
	if err := e.Leases.UpdateSettings(ctx, a, ls); err != nil {
		e.T.Fatal(err)
	}
	if err := e.OrgProfile.Save(ctx, a, orgprofile.Input{LegalName: "Woonstichting Zuiderhuis", Street: "Stationsplein", HouseNumber: "1",
		Postcode: "3511 ED", City: "Utrecht"}); err != nil {
		e.T.Fatal(err)
	}

	if err := e.Billing.SaveSettings(ctx, a, billing.Settings{Proration: billing.ActualDays, IssuerIBAN: "NL91ABNA0417164300",
		SendInvoices: false}); err != nil {
		e.T.Fatal(err)
	}
}

// personLease lets a unit to a person (with an e-mail address when email
// is set) from 2025-06-01.
func (e *env) personLease(a account.Actor, surname, email string) int64 {
	e.T.Helper()
	p := e.Person(a, relation.PersonInput{FirstNames: "Maria", Surname: surname, Email: email})
	return e.Lease(a, lease.Input{TenantIDs: []int64{p}, Start: d("2025-06-01"), PaymentMethod: lease.Transfer})
}

// companyLease lets a business space to a company.
func (e *env) companyLease(a account.Actor, name string) int64 {
	e.T.Helper()
	co, err := e.Relations.CreateCompany(ctx, a, relation.CompanyInput{Name: name, KvK: "69599084",
		Address: relation.Address{Street: "Vismarkt", HouseNumber: "3", Postcode: "3511 KB", City: "Utrecht"}})
	if err != nil {
		e.T.Fatal(err)
	}
	u := e.Unit(a, portfolio.UnitInput{Type: portfolio.TypeBedrijfsruimte})
	return e.Lease(a, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{co}, Start: d("2025-01-01"), PaymentMethod: lease.Transfer})
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

// propose runs the daily proposal as the system on day.
func (e *env) propose(day string) *dunning.Run {
	e.T.Helper()
	e.at(day)
	run, err := e.Dunning.Propose(ctx, dunning.SystemActor(e.Owner.OrgID), d(day))
	if err != nil {
		e.T.Fatalf("propose on %s: %v", day, err)
	}
	return run
}

// waiting is the lease's waiting proposal of a letter stage (or fails).
func (e *env) waiting(leaseID int64) []dunning.Proposal {
	e.T.Helper()
	ps, err := e.Dunning.Proposals(ctx, e.Owner, dunning.ProposalFilter{LeaseID: leaseID})
	if err != nil {
		e.T.Fatal(err)
	}
	return ps
}

func stagesOf(ps []dunning.Proposal) string {
	var out []string
	for _, p := range ps {
		out = append(out, string(p.Stage))
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// send sends proposals as a on day, confirming the plan first.
func (e *env) send(a account.Actor, day string, ids ...int64) *dunning.SendResult {
	e.T.Helper()
	e.at(day)
	plan, err := e.Dunning.PlanSend(ctx, a, ids)
	if err != nil {
		e.T.Fatal(err)
	}
	res, err := e.Dunning.Send(ctx, a, ids, plan.Expect())
	if err != nil {
		e.T.Fatal(err)
	}
	return res
}

func ids(ps []dunning.Proposal) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// Each stage is proposed on its day and not before, and not twice: a
// second run the same day adds nothing; the next stage waits for the letter
// of the one before. A person (consumer) gets the 14-day letter with the
// costs of the scale, then the costs and the hand-over are proposed after
// its term.
func TestStagesOnTheirDays(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner)
		l := e.personLease(e.Owner, "Zwanenburg", "")
		e.charge(e.Owner, l, "2025-12-20", "2026-01-01", 80000)

		if run := e.propose("2026-01-07"); run.New != 0 || len(e.waiting(l)) != 0 {
			t.Fatalf("a reminder on day 6: %+v", run)
		}
		run := e.propose("2026-01-08")
		if run.New != 1 || stagesOf(e.waiting(l)) != "reminder" || run.Total != 80000 {
			t.Fatalf("reminder on day 7: %+v %s", run, stagesOf(e.waiting(l)))
		}
		again := e.propose("2026-01-08")
		if again.New != 0 || again.Updated != 0 || len(e.waiting(l)) != 1 {
			t.Fatalf("second run proposed again: %+v", again)
		}
		p := e.waiting(l)[0]
		if p.Overdue != 80000 || p.OldestDue != d("2026-01-01") || p.DaysOverdue(d("2026-01-08")) != 7 || !p.Consumer ||
			p.LeaseReference == "" || len(p.Tenants) != 1 || !strings.Contains(p.Tenants[0], "Zwanenburg") || p.Address == "" {
			t.Fatalf("proposal %+v", p)
		}
		// Not sent: the notice waits for the reminder.
		if run := e.propose("2026-01-25"); run.New != 0 || stagesOf(e.waiting(l)) != "reminder" {
			t.Fatalf("notice before the reminder was sent: %+v %s", run, stagesOf(e.waiting(l)))
		}
		res := e.send(e.Owner, "2026-01-10", ids(e.waiting(l))...)
		if len(res.Letters) != 1 || res.Letters[0].Stage != dunning.StageReminder {
			t.Fatalf("sent %+v", res)
		}
		// Sent on 10 January instead of the 8th: the notice follows 14 days after it.
		if run := e.propose("2026-01-23"); run.New != 0 {
			t.Fatalf("notice 13 days after the reminder: %+v", run)
		}
		if run := e.propose("2026-01-24"); run.New != 1 || stagesOf(e.waiting(l)) != "notice" {
			t.Fatalf("notice: %+v %s", run, stagesOf(e.waiting(l)))
		}
		e.propose("2026-01-24")
		if len(e.waiting(l)) != 1 {
			t.Fatal("notice proposed twice")
		}
		e.send(e.Owner, "2026-01-24", ids(e.waiting(l))...)
		if run := e.propose("2026-02-06"); run.New != 0 {
			t.Fatalf("14-day letter too early: %+v", run)
		}
		e.propose("2026-02-07")
		w := e.waiting(l)
		if stagesOf(w) != "wik" || w[0].Costs != 12000 {
			t.Fatalf("14-day letter: %s %+v", stagesOf(w), w)
		}
		res = e.send(e.Owner, "2026-02-07", ids(w)...)
		lt := res.Letters[0]
		// 2 days to arrive, then 14 days from the day after.
		if lt.Stage != dunning.StageWIK || lt.Deadline != d("2026-02-23") || lt.Costs != 12000 || lt.Principal != 80000 {
			t.Fatalf("14-day letter sent %+v", lt)
		}
		if run := e.propose("2026-02-23"); run.New != 0 {
			t.Fatalf("costs or hand-over within the term: %+v %s", run, stagesOf(e.waiting(l)))
		}
		if run := e.propose("2026-02-24"); run.New != 1 || stagesOf(e.waiting(l)) != "costs" || e.waiting(l)[0].Costs != 12000 {
			t.Fatalf("costs after the term: %+v %s", run, stagesOf(e.waiting(l)))
		}
		// The hand-over the day after the term and 7 days.
		if run := e.propose("2026-03-02"); run.New != 0 {
			t.Fatalf("hand-over too early: %+v", run)
		}
		if run := e.propose("2026-03-03"); run.New != 1 || stagesOf(e.waiting(l)) != "costs,handover" {
			t.Fatalf("hand-over: %+v %s", run, stagesOf(e.waiting(l)))
		}
		if run := e.propose("2026-03-04"); run.New != 0 || len(e.waiting(l)) != 2 {
			t.Fatalf("again: %+v", run)
		}
		// Beta sees nothing of it.
		if ps, err := e.Dunning.Proposals(ctx, e.OwnerB, dunning.ProposalFilter{}); err != nil || len(ps) != 0 {
			t.Fatalf("beta sees %d proposals (%v)", len(ps), err)
		}
		if _, err := e.Dunning.Proposal(ctx, e.OwnerB, e.waiting(l)[0].ID); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("beta reads alpha's proposal: %v", err)
		}
	})
}

// A payment between the run and the send: the letter is not sent, the
// proposal is withdrawn; a paid lease's waiting letter is withdrawn by the
// next run.
func TestPaidArrearsAreNotDunned(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner)
		a := e.personLease(e.Owner, "Aarts", "")
		b := e.personLease(e.Owner, "Bakker", "")
		e.charge(e.Owner, a, "2025-12-20", "2026-01-01", 80000)
		e.charge(e.Owner, b, "2025-12-20", "2026-01-01", 80000)
		e.propose("2026-01-08")
		pa, pb := e.waiting(a)[0], e.waiting(b)[0]
		e.at("2026-01-09")
		plan, err := e.Dunning.PlanSend(ctx, e.Owner, []int64{pa.ID, pb.ID})
		if err != nil || len(plan.Letters) != 2 || plan.Total != 160000 {
			t.Fatalf("plan %+v %v", plan, err)
		}
		e.pay(e.Owner, a, "2026-01-09", 80000)
		// The books changed since the confirmation: nothing is sent.
		if _, err := e.Dunning.Send(ctx, e.Owner, []int64{pa.ID, pb.ID}, plan.Expect()); !errors.Is(err, dunning.ErrChanged) {
			t.Fatalf("send after a payment: %v", err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM dunning_letters`); n != 0 {
			t.Fatalf("%d letters after a refused send", n)
		}
		plan, err = e.Dunning.PlanSend(ctx, e.Owner, []int64{pa.ID, pb.ID})
		if err != nil || len(plan.Letters) != 1 || len(plan.Stale) != 1 || plan.Total != 80000 {
			t.Fatalf("plan again %+v %v", plan, err)
		}
		res, err := e.Dunning.Send(ctx, e.Owner, []int64{pa.ID, pb.ID}, plan.Expect())
		if err != nil || len(res.Letters) != 1 || res.Letters[0].LeaseID != b || res.Withdrawn != 1 {
			t.Fatalf("send %+v %v", res, err)
		}
		// A second send of the same proposals: they wait no more.
		if _, err := e.Dunning.PlanSend(ctx, e.Owner, []int64{pb.ID}); err == nil {
			t.Fatal("a sent proposal planned again")
		}
		e.pay(e.Owner, b, "2026-01-09", 80000)
		if run := e.propose("2026-01-30"); run.New != 0 || len(run.Waiting) != 0 {
			t.Fatalf("paid leases dunned: %+v", run)
		}
		// A returned payment (reversed) reopens the charge: it is overdue
		// again and the next stage follows.
		ps, err := e.Ledger.Payments(ctx, e.Owner, b)
		if err != nil || len(ps) != 1 {
			t.Fatal(ps, err)
		}
		e.at("2026-01-30")
		if _, err := e.Ledger.ReversePayment(ctx, e.Owner, ps[0].ID, "storno AM04"); err != nil {
			t.Fatal(err)
		}
		if run := e.propose("2026-01-30"); run.New != 1 || stagesOf(e.waiting(b)) != "notice" {
			t.Fatalf("a reopened charge: %+v %s", run, stagesOf(e.waiting(b)))
		}
	})
}

// A company gets the B2B route: reminder, notice, then the sommatie, no
// 14-day letter and (by default) no collection costs.
func TestWIKLetterOnlyForPersons(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner)
		co := e.companyLease(e.Owner, "Bakkerij Korstmos B.V.")
		pe := e.personLease(e.Owner, "Zwanenburg", "")
		for _, l := range []int64{co, pe} {
			e.charge(e.Owner, l, "2025-12-20", "2026-01-01", 100000)
		}
		for _, day := range []string{"2026-01-08", "2026-01-22", "2026-02-05"} {
			e.propose(day)
			var all []int64
			for _, l := range []int64{co, pe} {
				all = append(all, ids(e.waiting(l))...)
			}
			e.send(e.Owner, day, all...)
		}
		ls, err := e.Dunning.Letters(ctx, e.Owner, dunning.LetterFilter{LeaseID: co})
		if err != nil || len(ls) != 3 || ls[0].Stage != dunning.StageDemand || ls[0].Costs != 0 || ls[0].Consumer {
			t.Fatalf("company letters %+v %v", ls, err)
		}
		ls, err = e.Dunning.Letters(ctx, e.Owner, dunning.LetterFilter{LeaseID: pe})
		if err != nil || len(ls) != 3 || ls[0].Stage != dunning.StageWIK || ls[0].Costs != 15000 || !ls[0].Consumer {
			t.Fatalf("person letters %+v %v", ls, err)
		}
		// After the term: costs only for the person, a hand-over for both.
		run := e.propose("2026-03-10")
		if stagesOf(e.waiting(co)) != "handover" || stagesOf(e.waiting(pe)) != "costs,handover" {
			t.Fatalf("after the term: %+v company %s person %s", run, stagesOf(e.waiting(co)), stagesOf(e.waiting(pe)))
		}
		// With the setting on, a company's sommatie names the costs too.
		st, _ := e.Dunning.Settings(ctx, e.Owner)
		st.CompanyCosts = true
		if err := e.Dunning.SaveSettings(ctx, e.Owner, st); err != nil {
			t.Fatal(err)
		}
		co2 := e.companyLease(e.Owner, "Drukkerij Letterlijk B.V.")
		e.charge(e.Owner, co2, "2026-02-20", "2026-03-01", 100000)
		for _, day := range []string{"2026-03-08", "2026-03-22", "2026-04-05"} {
			e.propose(day)
			e.send(e.Owner, day, ids(e.waiting(co2))...)
		}
		ls, _ = e.Dunning.Letters(ctx, e.Owner, dunning.LetterFilter{LeaseID: co2})
		if len(ls) != 3 || ls[0].Stage != dunning.StageDemand || ls[0].Costs != 15000 {
			t.Fatalf("company letters with costs %+v", ls)
		}
	})
}

// The hand-over is only proposed: it waits for a named user with finance
// write, who is recorded; the system may not approve it; a rejected one
// needs a reason; an approved one's charges are not dunned further.
func TestHandoverNeedsApproval(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner)
		l := e.personLease(e.Owner, "Zwanenburg", "")
		l2 := e.personLease(e.Owner, "Visser", "")
		for _, x := range []int64{l, l2} {
			e.charge(e.Owner, x, "2025-12-20", "2026-01-01", 80000)
		}
		for _, day := range []string{"2026-01-08", "2026-01-22", "2026-02-05"} {
			e.propose(day)
			e.send(e.Owner, day, append(ids(e.waiting(l)), ids(e.waiting(l2))...)...)
		}
		e.propose("2026-03-05")
		var ho, ho2 dunning.Proposal
		for _, p := range e.waiting(l) {
			if p.Stage == dunning.StageHandover {
				ho = p
			}
		}
		for _, p := range e.waiting(l2) {
			if p.Stage == dunning.StageHandover {
				ho2 = p
			}
		}
		if ho.ID == 0 || ho2.ID == 0 || ho.Overdue != 80000 || ho.LetterID == 0 {
			t.Fatalf("hand-overs %+v %+v", ho, ho2)
		}
		if err := e.Dunning.DecideHandover(ctx, dunning.SystemActor(e.Owner.OrgID), ho.ID, true, ""); !errors.Is(err, dunning.ErrNamedUser) {
			t.Fatalf("the system approved: %v", err)
		}
		if err := e.Dunning.DecideHandover(ctx, e.Viewer, ho.ID, true, ""); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("a viewer approved: %v", err)
		}
		if err := e.Dunning.DecideHandover(ctx, e.OwnerB, ho.ID, true, ""); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("beta approved: %v", err)
		}
		if err := e.Dunning.Dismiss(ctx, e.Owner, ho.ID, ""); err == nil {
			t.Fatal("a hand-over dismissed instead of decided")
		}
		// Until approved, nothing happens to the case.
		if p, _ := e.Dunning.Proposal(ctx, e.Owner, ho.ID); p.State != dunning.StateProposed {
			t.Fatalf("state %s", p.State)
		}
		if err := e.Dunning.DecideHandover(ctx, e.Bookkeeper, ho.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		p, _ := e.Dunning.Proposal(ctx, e.Owner, ho.ID)
		if p.State != dunning.StateApproved || p.DecidedBy != e.Bookkeeper.UserID {
			t.Fatalf("approved %+v", p)
		}
		if err := e.Dunning.DecideHandover(ctx, e.Owner, ho.ID, false, "no"); !errors.Is(err, dunning.ErrDecided) {
			t.Fatalf("decided twice: %v", err)
		}
		var actor int64
		var details string
		if err := e.DB.Raw().QueryRow(`SELECT actor_user_id, details FROM audit_events WHERE action = 'dunning.handover_approved'`).
			Scan(&actor, &details); err != nil {
			t.Fatal(err)
		}
		if actor != e.Bookkeeper.UserID || !strings.Contains(details, fmt.Sprint(e.Bookkeeper.UserID)) {
			t.Fatalf("audit: actor %d details %s", actor, details)
		}
		fe := func(err error) bool {
			f, ok := validation.AsFields(err)
			return ok && f["reason"] == "dunning.reason.required"
		}
		if err := e.Dunning.DecideHandover(ctx, e.Owner, ho2.ID, false, " "); !fe(err) {
			t.Fatalf("rejected without a reason: %v", err)
		}
		if err := e.Dunning.DecideHandover(ctx, e.Owner, ho2.ID, false, "huurder betaalt volgende week"); err != nil {
			t.Fatal(err)
		}
		// Later runs: the approved case is not dunned again; the rejected one
		// is not proposed for a hand-over a second time.
		e.propose("2026-04-01")
		for _, x := range []int64{l, l2} {
			for _, p := range e.waiting(x) {
				if p.Stage != dunning.StageCosts {
					t.Fatalf("lease %d: %s proposed after the decision", x, p.Stage)
				}
			}
		}
	})
}

// A payment plan suspends dunning for what it covers; a missed term breaks
// it (after the grace days) and the charge returns to dunning where it
// stood; a paid plan completes.
func TestPaymentPlanSuspendsAndBreaks(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner)
		l := e.personLease(e.Owner, "Zwanenburg", "")
		e.charge(e.Owner, l, "2025-12-20", "2026-01-01", 80000)
		e.propose("2026-01-08")
		e.send(e.Owner, "2026-01-08", ids(e.waiting(l))...)
		e.at("2026-01-15")
		open, err := e.Ledger.OpenItems(ctx, e.Owner, ledger.OpenFilter{LeaseID: l})
		if err != nil || len(open) != 1 {
			t.Fatal(open, err)
		}
		// Terms that do not add up to the cent are refused.
		bad := dunning.PlanInput{LeaseID: l, ChargeIDs: []int64{open[0].ID}, Terms: []dunning.TermInput{
			{Due: d("2026-02-01"), Amount: 40000}, {Due: d("2026-03-01"), Amount: 39999}}}
		if _, err := e.Dunning.CreatePlan(ctx, e.Owner, bad); !isField(err, "terms", "dunning.plan.terms_sum") {
			t.Fatalf("terms short by a cent: %v", err)
		}
		bad.Terms[1].Amount = 40000
		bad.Terms[1].Due = d("2026-01-20")
		if _, err := e.Dunning.CreatePlan(ctx, e.Owner, bad); !isField(err, "terms", "dunning.plan.term_order") {
			t.Fatalf("terms out of order: %v", err)
		}
		if _, err := e.Dunning.CreatePlan(ctx, e.OwnerB, bad); !isField(err, "lease_id", "dunning.plan.lease_unknown") {
			t.Fatalf("beta made a plan on alpha's lease: %v", err)
		}
		in := dunning.PlanInput{LeaseID: l, ChargeIDs: []int64{open[0].ID}, Terms: []dunning.TermInput{
			{Due: d("2026-02-01"), Amount: 40000}, {Due: d("2026-03-01"), Amount: 40000}}}
		if _, err := e.Dunning.CreatePlan(ctx, e.Viewer, in); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("a viewer made a plan: %v", err)
		}
		id, err := e.Dunning.CreatePlan(ctx, e.Owner, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Dunning.CreatePlan(ctx, e.Owner, in); !isField(err, "charges", "dunning.plan.charge_covered") {
			t.Fatalf("a charge in two plans: %v", err)
		}
		// Suspended: no notice while the plan runs.
		for _, day := range []string{"2026-01-22", "2026-02-05", "2026-02-08"} {
			if run := e.propose(day); run.New != 0 || len(e.waiting(l)) != 0 {
				t.Fatalf("dunned under a plan on %s: %+v", day, run)
			}
		}
		e.pay(e.Owner, l, "2026-01-30", 40000)
		p, err := e.Dunning.Plan(ctx, e.Owner, id)
		if err != nil || p.State != dunning.PlanActive || p.Paid != 40000 || !p.Terms[0].Met || p.Terms[1].Met || len(p.Items) != 1 ||
			p.Items[0].ChargeID != open[0].ID || p.Items[0].Open != 40000 {
			t.Fatalf("plan %+v %v", p, err)
		}
		// The second term is missed: within the grace days the plan holds,
		// after them it breaks and the notice follows.
		if run := e.propose("2026-03-08"); run.PlansBroken != 0 || len(e.waiting(l)) != 0 {
			t.Fatalf("broken within the grace days: %+v", run)
		}
		run := e.propose("2026-03-09")
		if run.PlansBroken != 1 || stagesOf(e.waiting(l)) != "notice" || e.waiting(l)[0].Overdue != 40000 {
			t.Fatalf("after a missed term: %+v %s", run, stagesOf(e.waiting(l)))
		}
		if p, _ := e.Dunning.Plan(ctx, e.Owner, id); p.State != dunning.PlanBroken || p.EndedOn != d("2026-03-09") {
			t.Fatalf("plan %+v", p)
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'dunning.plan_broken'`); n != 1 {
			t.Fatalf("%d plan_broken events", n)
		}
		// A new plan for the rest, paid in full: completed.
		e.at("2026-03-10")
		id2, err := e.Dunning.CreatePlan(ctx, e.Owner, dunning.PlanInput{LeaseID: l, ChargeIDs: []int64{999999}, Terms: in.Terms[:1]})
		if err == nil {
			t.Fatalf("a plan for a charge that is not the lease's: %d", id2)
		}
		id2, err = e.Dunning.CreatePlan(ctx, e.Owner, dunning.PlanInput{LeaseID: l, ChargeIDs: []int64{open[0].ID},
			Terms: []dunning.TermInput{{Due: d("2026-03-20"), Amount: 40000}}})
		if err != nil {
			t.Fatal(err)
		}
		if run := e.propose("2026-03-10"); run.Withdrawn != 1 || len(e.waiting(l)) != 0 {
			t.Fatalf("the waiting notice stays under a new plan: %+v", run)
		}
		e.at("2026-03-15")
		e.pay(e.Owner, l, "2026-03-15", 40000)
		if run := e.propose("2026-03-16"); run.PlansCompleted != 1 {
			t.Fatalf("paid plan: %+v", run)
		}
		ps, err := e.Dunning.Plans(ctx, e.Owner, dunning.PlanFilter{LeaseID: l})
		if err != nil || len(ps) != 2 || ps[0].ID != id2 || ps[0].State != dunning.PlanCompleted || ps[1].State != dunning.PlanBroken {
			t.Fatalf("plans %+v %v", ps, err)
		}
		if ps, _ := e.Dunning.Plans(ctx, e.OwnerB, dunning.PlanFilter{}); len(ps) != 0 {
			t.Fatalf("beta sees %d plans", len(ps))
		}
	})
}

func isField(err error, field, msg string) bool {
	fe, ok := validation.AsFields(err)
	return ok && fe[field] == msg
}

// The ageing list at a date: buckets by days overdue at their boundaries,
// what was not yet due in the total only, a later payment not yet counted.
func TestArrearsAgeing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.at("2026-04-01")
		a := e.personLease(e.Owner, "Aarts", "")
		b := e.personLease(e.Owner, "Bakker", "")
		e.personLease(e.Owner, "Clement", "") // nothing open
		for _, c := range []struct {
			due   string
			cents money.Cents
		}{{"2026-03-02", 100}, {"2026-03-01", 200}, {"2026-02-01", 400}, {"2026-01-31", 800}, {"2026-01-01", 1600}, {"2025-12-01", 3200},
			{"2026-04-01", 6400}, {"2026-04-15", 12800}} {
			e.charge(e.Owner, a, "2025-11-20", c.due, c.cents)
		}
		e.charge(e.Owner, b, "2026-01-20", "2026-02-01", 50000)
		e.pay(e.Owner, b, "2026-03-20", 50000)
		// Issued after the day: not in the list of that day.
		e.charge(e.Owner, b, "2026-03-25", "2026-03-01", 7000)

		ag, err := e.Dunning.Arrears(ctx, e.Owner, d("2026-04-01"), listing.Query{})
		if err != nil {
			t.Fatal(err)
		}
		if ag.Total != 2 || len(ag.Rows) != 2 {
			t.Fatalf("rows %+v", ag.Rows)
		}
		r := ag.Rows[0]
		// 30 days: 0–30; 31: 31–60; 59, 60: 31–60; 90: 61–90; 121: 90+.
		want := [4]money.Cents{100, 200 + 400 + 800, 1600, 3200}
		if r.LeaseID != a || r.Buckets != want || r.Overdue != 6300 || r.TotalOpen != 6300+6400+12800 || r.OldestDue != d("2025-12-01") ||
			r.DaysOverdue != 121 || len(r.Tenants) != 1 || !strings.Contains(r.Tenants[0], "Aarts") || r.Address == "" || r.Reference == "" {
			t.Fatalf("row %+v", r)
		}
		if r := ag.Rows[1]; r.LeaseID != b || r.Buckets != [4]money.Cents{0, 7000, 0, 0} || r.DaysOverdue != 31 {
			t.Fatalf("lease b %+v", r)
		}
		if ag.Overdue != 6300+7000 || ag.Buckets[1] != 1400+7000 {
			t.Fatalf("totals %+v", ag)
		}
		// On 10 March: b's payment of 20 March not yet made, its late charge
		// not yet issued.
		ag, err = e.Dunning.Arrears(ctx, e.Owner, d("2026-03-10"), listing.Query{Search: "bakker"})
		if err != nil || len(ag.Rows) != 1 || ag.Rows[0].LeaseID != b || ag.Rows[0].Overdue != 50000 || ag.Rows[0].Buckets[1] != 50000 {
			t.Fatalf("on 10 March %+v %v", ag, err)
		}
		if ag, err := e.Dunning.Arrears(ctx, e.OwnerB, d("2026-04-01"), listing.Query{}); err != nil || len(ag.Rows) != 0 {
			t.Fatalf("beta sees %+v %v", ag, err)
		}
		nobody := account.Actor{OrgID: e.Owner.OrgID, Role: "nobody"}
		if _, err := e.Dunning.Arrears(ctx, nobody, d("2026-04-01"), listing.Query{}); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("no role: %v", err)
		}
	})
}
