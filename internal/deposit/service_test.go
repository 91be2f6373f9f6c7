package deposit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/deposit"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

var ctx = context.Background()

// Today in the tests: 10 March 2026. The first lease ended on 28 February.
var now = time.Date(2026, time.March, 10, 11, 0, 0, 0, time.UTC)

var d = civil.MustParse

type env struct{ *apptest.Org }

func each(t *testing.T, fn func(t *testing.T, e *env)) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, o *apptest.Org) { fn(t, &env{o}) })
}

// Lease makes a unit, a tenant and a lease with a bare rent of 1000 and a
// deposit of 2000 received in full; end may be "".
func Lease(e *env, a account.Actor, start, end string) int64 {
	e.T.Helper()
	n := e.Next()
	u := e.Unit(a, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: fmt.Sprint(n), Postcode: "3521 CD", City: "Utrecht"})
	p := e.Person(a, relation.PersonInput{Surname: fmt.Sprintf("Huurder%d", n)})
	in := lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{p}, Start: d(start), PaymentMethod: lease.Transfer, DepositCents: 200000,
		Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 100000}}}
	if end != "" {
		in.End = d(end)
	}
	id := e.Lease(a, in)
	if _, err := e.Leases.AddDepositEntry(ctx, a, id,
		lease.DepositEntryInput{Kind: lease.DepositReceived, Date: d(start), AmountCents: 200000}); err != nil {
		e.T.Fatal(err)
	}
	return id
}

func fieldErr(t *testing.T, err error, field, msg string) {
	t.Helper()
	fe, ok := validation.AsFields(err)
	if !ok || fe[field] != msg {
		t.Fatalf("want %s: %s, got %v", field, msg, err)
	}
}

// A PNG with a recognisable marker, to prove it is stored only sealed.
const marker = "EVIDENCE-MARKER-7d41c"

func png(extra string) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), []byte(marker+extra)...)
}

func TestDeadlineAndState(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ended := Lease(e, e.Owner, "2025-01-01", "2026-02-28")
		running := Lease(e, e.Owner, "2025-06-01", "")
		st, err := e.Deposits.Status(ctx, e.Viewer, ended)
		if err != nil {
			t.Fatal(err)
		}
		// 14 days after 28 February; today is 10 March: due, 4 days left.
		if st.State != deposit.StateDue || st.Deadline != d("2026-03-14") || st.TermDays != 14 || st.DaysLeft() != 4 ||
			st.Held != 200000 || !st.CanSettle() {
			t.Fatalf("status: %+v", st)
		}
		if st, _ := e.Deposits.Status(ctx, e.Viewer, running); st.State != deposit.StateHeld || !st.Deadline.IsZero() || st.CanSettle() {
			t.Fatalf("running lease: %+v", st)
		}
		// A damage deduction: 30 days.
		if _, err := e.Deposits.Deduct(ctx, e.Owner, ended,
			deposit.DeductionInput{AmountCents: 25000, Reason: "damage", Note: "kapotte deur"}); err != nil {
			t.Fatal(err)
		}
		st, _ = e.Deposits.Status(ctx, e.Viewer, ended)
		if st.Deadline != d("2026-03-30") || !st.WithDeductions || st.Held != 175000 || len(st.Deductions) != 1 ||
			st.Deductions[0].Note != "kapotte deur" {
			t.Fatalf("after damage: %+v", st)
		}
		// The terms are the organisation's settings.
		set := lease.DefaultSettings()
		set.DepositReturnDays, set.DepositDeductionDays = 7, 45
		if err := e.Leases.UpdateSettings(ctx, e.Owner, set); err != nil {
			t.Fatal(err)
		}
		st, _ = e.Deposits.Status(ctx, e.Viewer, ended)
		if st.Deadline != d("2026-04-14") || st.TermDays != 45 {
			t.Fatalf("45 days: %+v", st)
		}
		other := Lease(e, e.Owner, "2025-01-01", "2026-02-20")
		st, _ = e.Deposits.Status(ctx, e.Viewer, other)
		if st.Deadline != d("2026-02-27") || st.State != deposit.StateOverdue || st.DaysLeft() != -11 {
			t.Fatalf("7 days, overdue: %+v", st)
		}
		// The list of deposits to return: ended and ending within 30 days.
		soon := Lease(e, e.Owner, "2025-01-01", "2026-04-05")
		Lease(e, e.Owner, "2025-01-01", "2026-05-01") // beyond the window
		page, err := e.Deposits.Due(ctx, e.Viewer, listing.Query{}, deposit.DueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, it := range page.Items {
			got = append(got, it.LeaseID)
		}
		// By deadline: other (27 Feb), soon (12 Apr), ended (14 Apr).
		if page.Total != 3 || fmt.Sprint(got) != fmt.Sprint([]int64{other, soon, ended}) || !page.Items[0].Overdue() ||
			page.Items[2].Held != 175000 {
			t.Fatalf("due: %+v", page)
		}
		ref := page.Items[1].Reference
		if p, _ := e.Deposits.Due(ctx, e.Viewer, listing.Query{Search: ref}, deposit.DueFilter{}); p.Total != 1 || p.Items[0].LeaseID != soon {
			t.Fatalf("search %s: %+v", ref, p)
		}
		if p, _ := e.Deposits.Due(ctx, e.Viewer,
			listing.Query{Sort: "held", Desc: true}, deposit.DueFilter{}); p.Items[0].Held != 200000 || p.Items[2].Held != 175000 {
			t.Fatalf("by held: %+v", p)
		}
		// Narrowed to a complex: only the leases of its units.
		cx, err := e.Portfolio.CreateComplex(ctx, e.Owner, portfolio.ComplexInput{Name: "Zonnehof", City: "Utrecht"})
		if err != nil {
			t.Fatal(err)
		}
		inCx := e.Lease(e.Owner, lease.Input{UnitIDs: []int64{e.Unit(e.Owner, portfolio.UnitInput{ComplexID: cx, Street: "Dam",
			HouseNumber: "1", Postcode: "1012 JS", City: "Amsterdam"})}, TenantIDs: []int64{e.Person(e.Owner, relation.PersonInput{Surname: "Dam"})},
			Start: d("2025-01-01"), End: d("2026-04-01"), PaymentMethod: lease.Transfer, DepositCents: 50000,
			Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 100000}}})
		if _, err := e.Leases.AddDepositEntry(ctx, e.Owner, inCx,
			lease.DepositEntryInput{Kind: lease.DepositReceived, Date: d("2025-01-01"), AmountCents: 50000}); err != nil {
			t.Fatal(err)
		}
		if p, err := e.Deposits.Due(ctx, e.Viewer, listing.Query{}, deposit.DueFilter{ComplexID: cx}); err != nil || p.Total != 1 ||
			p.Items[0].LeaseID != inCx {
			t.Fatalf("in the complex: %+v, %v", p, err)
		}
		if p, _ := e.Deposits.Due(ctx, e.Viewer, listing.Query{}, deposit.DueFilter{}); p.Total != 4 {
			t.Fatalf("all, with the complex's lease: %+v", p)
		}
		// Another organisation sees nothing.
		if _, err := e.Deposits.Status(ctx, e.OwnerB, ended); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other organisation: %v", err)
		}
		if p, _ := e.Deposits.Due(ctx, e.OwnerB, listing.Query{}, deposit.DueFilter{}); p.Total != 0 {
			t.Fatalf("other organisation's list: %+v", p)
		}
	})
}

func TestDeductionsAndEvidence(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		id := Lease(e, e.Owner, "2025-01-01", "2026-02-28")
		entries := func() int { return e.Count(`SELECT COUNT(*) FROM lease_deposit_entries WHERE lease_id = $1`, id) }
		before := entries()
		_, err := e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 1000, Reason: "administration"})
		fieldErr(t, err, "reason", "deposit.reason.administration")
		_, err = e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 1000, Reason: "holiday"})
		fieldErr(t, err, "reason", "deposit.reason.invalid")
		_, err = e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 0, Reason: "damage"})
		fieldErr(t, err, "amount_cents", "deposit.amount.positive")
		_, err = e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 1000, Reason: "damage", Date: d("2026-03-11")})
		fieldErr(t, err, "date", "deposit.date.future")
		_, err = e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 200001, Reason: "damage"})
		fieldErr(t, err, "amount_cents", "lease.deposit.exceeds_held")
		// Clean input (hardening issue): the web sends this form as
		// multipart, past its input check, so the service refuses a NUL or
		// a bidi override in the note itself.
		for _, note := range []string{"kapotte\x00deur", "deur\u202egpj.exe"} {
			_, err = e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 1000, Reason: "damage", Note: note})
			fieldErr(t, err, "note", validation.MsgText)
		}
		// Evidence checks: type sniffed (the name says nothing), size.
		_, err = e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 1000, Reason: "damage",
			Evidence: []deposit.File{{Name: "foto.png", Data: []byte("just text " + marker)}}})
		fieldErr(t, err, "evidence", "deposit.evidence.type")
		big := append(png(""), bytes.Repeat([]byte{0}, deposit.MaxEvidenceSize)...)
		_, err = e.Deposits.Deduct(ctx, e.Owner, id,
			deposit.DeductionInput{AmountCents: 1000, Reason: "damage", Evidence: []deposit.File{{Name: "big.png", Data: big}}})
		fieldErr(t, err, "evidence", "deposit.evidence.too_large")
		many := make([]deposit.File, deposit.MaxEvidenceFiles+1)
		for i := range many {
			many[i] = deposit.File{Name: "f.png", Data: png("")}
		}
		_, err = e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 1000, Reason: "damage", Evidence: many})
		fieldErr(t, err, "evidence", "deposit.evidence.too_many")
		if _, err := e.Deposits.Deduct(ctx, e.Viewer, id,
			deposit.DeductionInput{AmountCents: 1000, Reason: "damage"}); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("viewer deducted: %v", err)
		}
		if _, err := e.Deposits.Deduct(ctx, e.OwnerB, id,
			deposit.DeductionInput{AmountCents: 1000, Reason: "damage"}); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other organisation deducted: %v", err)
		}
		if n := entries(); n != before || e.Count(`SELECT COUNT(*) FROM deposit_evidence`) != 0 {
			t.Fatalf("bad input wrote %d entries", n-before)
		}
		// A damage deduction with a photo and a PDF invoice.
		photo := png("-photo")
		pdf := append([]byte("%PDF-1.4\n"), []byte(marker+"-pdf")...)
		entry, err := e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 30000, Reason: "damage",
			Evidence: []deposit.File{{Name: `C:\fotos\deur.png`, Data: photo}, {Name: "factuur.pdf", Data: pdf}}})
		if err != nil {
			t.Fatal(err)
		}
		jpeg := append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), []byte(marker+"-jpeg")...)
		if _, err := e.Deposits.AddEvidence(ctx, e.Owner, id, entry, deposit.File{Name: "later.jpg", Data: jpeg}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Deposits.AddEvidence(ctx, e.OwnerB, id, entry,
			deposit.File{Name: "x.jpg", Data: jpeg}); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other organisation added evidence: %v", err)
		}
		st, err := e.Deposits.Status(ctx, e.Viewer, id)
		if err != nil {
			t.Fatal(err)
		}
		ev := st.Deductions[0].Evidence
		if len(ev) != 3 || ev[0].ContentType != "image/png" || ev[1].ContentType != "application/pdf" || ev[2].ContentType != "image/jpeg" {
			t.Fatalf("evidence: %+v", ev)
		}
		meta, data, err := e.Deposits.EvidenceFile(ctx, e.Viewer, id, ev[0].ID)
		if err != nil || !bytes.Equal(data, photo) || meta.FileName != "deur.png" {
			t.Fatalf("download: %+v %v", meta, err)
		}
		if _, _, err := e.Deposits.EvidenceFile(ctx, e.OwnerB, id, ev[0].ID); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other organisation downloaded: %v", err)
		}
		// Sealed: neither the bytes nor the file name are anywhere in plain text.
		if hits := apptest.FindPlaintext(t, e.DB, marker, "deur.png", "factuur.pdf"); len(hits) > 0 {
			t.Fatalf("evidence in plain text: %v", hits)
		}
	})
}

func TestArrearsSetOff(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		id := Lease(e, e.Owner, "2025-01-01", "2026-02-28")
		if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-02"}, nil); err != nil {
			t.Fatal(err)
		}
		open, _ := e.Ledger.OpenItems(ctx, e.Owner, ledger.OpenFilter{LeaseID: id})
		if len(open) != 1 || open[0].Open() != 100000 {
			t.Fatalf("open items: %+v", open)
		}
		_, err := e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 100001, Reason: "arrears"})
		fieldErr(t, err, "amount_cents", "deposit.arrears.exceeds_open")
		if n := e.Count(`SELECT COUNT(*) FROM ledger_payments`); n != 0 {
			t.Fatalf("refused set-off wrote %d payments", n)
		}
		if _, err := e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 60000, Reason: "arrears"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 40000, Reason: "arrears"}); err != nil {
			t.Fatal(err)
		}
		if open, _ := e.Ledger.OpenItems(ctx, e.Owner, ledger.OpenFilter{LeaseID: id}); len(open) != 0 {
			t.Fatalf("still open: %+v", open)
		}
		pays, _ := e.Ledger.Payments(ctx, e.Owner, id)
		if len(pays) != 2 || pays[0].Method != ledger.OtherMethod || pays[0].Reference != deposit.SetOffReference ||
			pays[0].Amount != 60000 || pays[1].Allocated != 40000 {
			t.Fatalf("payments: %+v", pays)
		}
		_, err = e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 1, Reason: "arrears"})
		fieldErr(t, err, "amount_cents", "deposit.arrears.exceeds_open")
		st, _ := e.Deposits.Status(ctx, e.Owner, id)
		// Any deduction, arrears too, takes the longer term (art. 7:261b BW, DOMAIN.md §2.5).
		if st.Held != 100000 || st.Deducted != 100000 || !st.WithDeductions || st.Deadline != d("2026-03-30") {
			t.Fatalf("status: %+v", st)
		}
	})
}

func TestSettleAndPayout(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		id := Lease(e, e.Owner, "2025-01-01", "2026-02-28")
		running := Lease(e, e.Owner, "2025-06-01", "2026-03-31")
		if _, err := e.Deposits.Settle(ctx, e.Owner, running); !errors.Is(err, deposit.ErrNotEnded) {
			t.Fatalf("settled before the end: %v", err)
		}
		if _, err := e.Deposits.Settle(ctx, e.Viewer, id); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("viewer settled: %v", err)
		}
		if _, err := e.Deposits.Settle(ctx, e.OwnerB, id); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other organisation settled: %v", err)
		}
		if _, err := e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 45000, Reason: "damage"}); err != nil {
			t.Fatal(err)
		}
		p, err := e.Deposits.Settle(ctx, e.Owner, id)
		if err != nil {
			t.Fatal(err)
		}
		// 2000 − 450 = 1550, due 30 days after the end (damage).
		if p.Amount != 155000 || p.State != deposit.PayoutOpen || p.DueDate != d("2026-03-30") || p.PayeeID == 0 {
			t.Fatalf("payout: %+v", p)
		}
		st, _ := e.Deposits.Status(ctx, e.Owner, id)
		l, _ := e.Leases.Get(ctx, e.Owner, id)
		last := l.Deposit[len(l.Deposit)-1]
		if st.Held != 0 || st.State != deposit.StateSettled || st.Payout == nil || st.Payout.ID != p.ID || last.Kind != lease.DepositReturned ||
			last.AmountCents != 155000 || st.Payout.PayeeID != l.TenantIDs()[0] {
			t.Fatalf("after settle: %+v, last entry %+v", st, last)
		}
		if _, err := e.Deposits.Settle(ctx, e.Owner, id); !errors.Is(err, deposit.ErrSettled) {
			t.Fatalf("second settle: %v", err)
		}
		if _, err := e.Deposits.Deduct(ctx, e.Owner, id, deposit.DeductionInput{AmountCents: 1, Reason: "damage"}); err == nil {
			t.Fatal("deduction after settlement accepted")
		}
		if page, _ := e.Deposits.Due(ctx, e.Owner, listing.Query{}, deposit.DueFilter{}); page.Total != 1 || page.Items[0].LeaseID != running {
			t.Fatalf("settled lease still due: %+v", page)
		}
		open, err := e.Deposits.OpenPayouts(ctx, e.Viewer)
		if err != nil || len(open) != 1 || open[0].ID != p.ID || open[0].Amount != 155000 {
			t.Fatalf("open payouts: %+v %v", open, err)
		}
		if o, _ := e.Deposits.OpenPayouts(ctx, e.OwnerB); len(o) != 0 {
			t.Fatalf("other organisation sees payouts: %+v", o)
		}
		if err := e.Deposits.MarkPaid(ctx, e.OwnerB, p.ID, d("2026-03-10")); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other organisation paid: %v", err)
		}
		fieldErr(t, e.Deposits.MarkPaid(ctx, e.Owner, p.ID, d("2026-03-12")), "date", "deposit.date.future")
		if err := e.Deposits.MarkPaid(ctx, e.Owner, p.ID, d("2026-03-10")); err != nil {
			t.Fatal(err)
		}
		if err := e.Deposits.MarkPaid(ctx, e.Owner, p.ID, d("2026-03-10")); !errors.Is(err, deposit.ErrPayoutClosed) {
			t.Fatalf("paid twice: %v", err)
		}
		if o, _ := e.Deposits.OpenPayouts(ctx, e.Owner); len(o) != 0 {
			t.Fatalf("paid payout still open: %+v", o)
		}
		all, _ := e.Deposits.Payouts(ctx, e.Owner, deposit.PayoutFilter{LeaseID: id})
		if len(all) != 1 || all[0].State != deposit.PayoutPaid || all[0].PaidOn != d("2026-03-10") {
			t.Fatalf("paid payout: %+v", all)
		}
		// Everything deducted: the settlement is recorded without money to pay.
		all2 := Lease(e, e.Owner, "2025-01-01", "2026-02-28")
		if _, err := e.Deposits.Deduct(ctx, e.Owner, all2, deposit.DeductionInput{AmountCents: 200000, Reason: "service_costs"}); err != nil {
			t.Fatal(err)
		}
		p2, err := e.Deposits.Settle(ctx, e.Owner, all2)
		if err != nil || p2.Amount != 0 || p2.State != deposit.PayoutPaid {
			t.Fatalf("zero refund: %+v %v", p2, err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'deposit.settled'`); n != 2 {
			t.Fatalf("%d settle events", n)
		}
	})
}
