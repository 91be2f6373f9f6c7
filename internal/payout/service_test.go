package payout_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/bank"
	"hms/internal/deposit"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/payout"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/reconcile"
	"hms/internal/relation"
	"hms/internal/sepa"
)

var ctx = context.Background()

// Today in the tests: Tuesday 10 March 2026.
var now = time.Date(2026, time.March, 10, 11, 0, 0, 0, time.UTC)

var d = civil.MustParse

type env struct{ *apptest.Org }

func each(t *testing.T, fn func(t *testing.T, e *env)) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, o *apptest.Org) { fn(t, &env{o}) })
}

// tenantLease makes a lease with one tenant (with iban, when not "") that
// ended on 28 February with a deposit of €2,000 received in full.
func (e *env) tenantLease(a account.Actor, surname, iban string) int64 {
	e.T.Helper()
	in := relation.PersonInput{Surname: surname}
	if iban != "" {
		in.IBANs = []string{iban}
	}
	p := e.Person(a, in)
	id := e.Lease(a, lease.Input{TenantIDs: []int64{p}, Start: d("2025-01-01"), End: d("2026-02-28"), PaymentMethod: lease.Transfer,
		DepositCents: 200000, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 100000}}})
	if _, err := e.Leases.AddDepositEntry(ctx, a, id, lease.DepositEntryInput{Kind: lease.DepositReceived, Date: d("2025-01-01"),
		AmountCents: 200000}); err != nil {
		e.T.Fatal(err)
	}
	return id
}

// overpay records a payment of amount on a lease with nothing open: all of
// it is credit.
func (e *env) overpay(a account.Actor, leaseID int64, amount money.Cents) {
	e.T.Helper()
	if _, err := e.Ledger.RecordPayment(ctx, a, ledger.PaymentInput{LeaseID: leaseID, Date: d("2026-03-02"), Amount: amount,
		Method: ledger.Transfer}); err != nil {
		e.T.Fatal(err)
	}
}

func (e *env) account(a account.Actor, iban, name string, purpose bank.Purpose, v sepa.TransferVersion) int64 {
	e.T.Helper()
	id, err := e.Bank.AddAccount(ctx, a, bank.AccountInput{IBAN: iban, Name: name, Purpose: purpose, TransferVersion: v})
	if err != nil {
		e.T.Fatal(err)
	}
	return id
}

func problem(t *testing.T, err error, want *validation.Problem) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("want %s, got %v", want.Code, err)
	}
}

func fieldErr(t *testing.T, err error, field, msg string) {
	t.Helper()
	fe, ok := validation.AsFields(err)
	if !ok || fe[field] != msg {
		t.Fatalf("want %s: %s, got %v", field, msg, err)
	}
}

func states(ps []payout.Payout) map[int64]payout.State {
	out := map[int64]payout.State{}
	for _, p := range ps {
		out[p.ID] = p.State
	}
	return out
}

// A deposit refund and a settlement refund are payouts: the deposit
// capability creates and reads them through this package (the settlement
// statement test proves the same for a refund paid back). Without four eyes
// creating approves them.
func TestDepositRefundIsAPayout(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		l := e.tenantLease(e.Owner, "Visser", "NL91ABNA0417164300")
		dp, err := e.Deposits.Settle(ctx, e.Manager, l)
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.Payouts.Get(ctx, e.Viewer, dp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Kind != payout.KindDeposit || p.Amount != 200000 || p.State != payout.StateApproved || p.ApprovedBy != e.Manager.UserID ||
			p.DueDate != d("2026-03-14") || p.PayeeName != "A. Visser" || p.Remittance() != "Terugbetaling waarborgsom "+p.LeaseReference {
			t.Fatalf("deposit payout %+v (remittance %q)", p, p.Remittance())
		}
		if dp.State != deposit.PayoutOpen || dp.Stage != payout.StateApproved {
			t.Fatalf("the deposit's view: %+v", dp)
		}
		if n := e.Count(`SELECT COUNT(*) FROM payouts WHERE kind = 'deposit' AND lease_id = $1`, l); n != 1 {
			t.Fatalf("%d deposit payouts", n)
		}
		// A lease is settled once: the database refuses a second deposit
		// payout that is not cancelled.
		err = e.DB.InOrg(ctx, e.Owner.OrgID, func(tx *db.Tx) error {
			_, err := e.Payouts.CreateTx(ctx, tx, e.Owner, payout.NewPayout{Kind: payout.KindDeposit, LeaseID: l, Amount: 1,
				DueDate: d("2026-03-14")})
			return err
		})
		if p, ok := validation.AsProblem(err); !ok || p.Code != "payout.deposit.exists" {
			t.Fatalf("a second deposit payout: %v", err)
		}
		// Not cancelled here: the deposit entry that settled it stays.
		problem(t, e.Payouts.Cancel(ctx, e.Owner, dp.ID), payout.ErrCancelDeposit)
		page, err := e.Payouts.List(ctx, e.Viewer, listing.Query{}, payout.Filter{Kind: payout.KindDeposit})
		if err != nil || page.Total != 1 || page.Items[0].ID != dp.ID {
			t.Fatalf("list: %+v %v", page, err)
		}
	})
}

// Four eyes: the organisation's owner turns it on; then a payout waits for
// approval, its creator cannot approve it (a clear problem), a second user
// can; a payout waiting for approval is neither paid by hand nor put in a
// file. Off again, creating approves.
func TestFourEyes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		if err := e.Payouts.SaveSettings(ctx, e.Bookkeeper, payout.Settings{FourEyes: true}); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("a bookkeeper turns four eyes on: %v", err)
		}
		if err := e.Payouts.SaveSettings(ctx, e.Owner, payout.Settings{FourEyes: true}); err != nil {
			t.Fatal(err)
		}
		if st, _ := e.Payouts.Settings(ctx, e.Viewer); !st.FourEyes {
			t.Fatal("four eyes not saved")
		}
		if st, _ := e.Payouts.Settings(ctx, e.OwnerB); st.FourEyes {
			t.Fatal("beta has alpha's setting")
		}
		e.account(e.Owner, "NL44RABO0123456789", "Alpha Vastgoed", bank.PurposeRent, "")
		l := e.tenantLease(e.Owner, "Jansen", "NL86INGB0002445588")
		e.overpay(e.Owner, l, 12345)
		p, err := e.Payouts.ProposeOverpayment(ctx, e.Bookkeeper, payout.OverpaymentInput{LeaseID: l, Note: "dubbel betaald"})
		if err != nil {
			t.Fatal(err)
		}
		if p.State != payout.StateOpen || p.Amount != 12345 || p.CreatedBy != e.Bookkeeper.UserID || p.Kind != payout.KindOverpayment {
			t.Fatalf("proposed: %+v", p)
		}
		problem(t, e.Payouts.Approve(ctx, e.Bookkeeper, p.ID), payout.ErrSameUser)
		problem(t, e.Payouts.MarkPaid(ctx, e.Owner, p.ID, d("2026-03-10")), payout.ErrNotApproved)
		plan, err := e.Payouts.Preview(ctx, e.Owner, payout.BatchInput{Scope: payout.Scope{IDs: []int64{p.ID}}})
		if err != nil || plan.Count != 0 || len(plan.Left) != 1 || plan.Left[0].Reason != payout.LeftNotApproved {
			t.Fatalf("preview of an unapproved payout: %+v %v", plan, err)
		}
		if err := e.Payouts.Approve(ctx, e.Viewer, p.ID); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("a viewer approves: %v", err)
		}
		if err := e.Payouts.Approve(ctx, e.OwnerB, p.ID); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("beta approves: %v", err)
		}
		if err := e.Payouts.Approve(ctx, account.Actor{OrgID: e.Owner.OrgID, OrgSlug: "alpha", Role: account.Owner, Kind: "system"},
			p.ID); !errors.Is(err, payout.ErrNeedsUser) {
			t.Fatalf("the system approves: %v", err)
		}
		if err := e.Payouts.Approve(ctx, e.Manager, p.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := e.Payouts.Get(ctx, e.Owner, p.ID)
		if got.State != payout.StateApproved || got.ApprovedBy != e.Manager.UserID || got.ApprovedAt.IsZero() {
			t.Fatalf("approved: %+v", got)
		}
		// Approving it again changes nothing.
		if err := e.Payouts.Approve(ctx, e.Owner, p.ID); err != nil {
			t.Fatal(err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'payout.approved'`); n != 1 {
			t.Fatalf("%d approval events", n)
		}
		// A deposit settled under four eyes waits too; the deposit page
		// cannot mark it paid before it is approved.
		l2 := e.tenantLease(e.Owner, "Bakker", "NL20INGB0001234567")
		dp, err := e.Deposits.Settle(ctx, e.Owner, l2)
		if err != nil || dp.Stage != payout.StateOpen || dp.State != deposit.PayoutOpen {
			t.Fatalf("settled under four eyes: %+v %v", dp, err)
		}
		problem(t, e.Deposits.MarkPaid(ctx, e.Owner, dp.ID, d("2026-03-10")), payout.ErrNotApproved)
		if err := e.Payouts.SaveSettings(ctx, e.Owner, payout.Settings{}); err != nil {
			t.Fatal(err)
		}
		e.overpay(e.Owner, l2, 500)
		p2, err := e.Payouts.ProposeOverpayment(ctx, e.Owner, payout.OverpaymentInput{LeaseID: l2})
		if err != nil || p2.State != payout.StateApproved || p2.ApprovedBy != e.Owner.UserID {
			t.Fatalf("without four eyes: %+v %v", p2, err)
		}
	})
}

// An overpayment takes the lease's unallocated credit at once (the rent
// cannot use it too); more than the credit is refused at the field, none is
// a problem; cancelling gives the credit back to the account.
func TestOverpaymentAndCancel(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		l := e.tenantLease(e.Owner, "de Boer", "NL69INGB0123456789")
		lease, _ := e.Leases.Get(ctx, e.Owner, l)
		_, err := e.Payouts.ProposeOverpayment(ctx, e.Owner, payout.OverpaymentInput{LeaseID: l})
		problem(t, err, payout.ErrNoCredit)
		e.overpay(e.Owner, l, 30000)
		_, err = e.Payouts.ProposeOverpayment(ctx, e.Owner, payout.OverpaymentInput{LeaseID: l, Amount: 30001})
		fieldErr(t, err, "amount_cents", "payout.amount.exceeds_credit")
		_, err = e.Payouts.ProposeOverpayment(ctx, e.Owner, payout.OverpaymentInput{LeaseReference: "nope"})
		fieldErr(t, err, "lease", "payout.lease.unknown")
		if _, err := e.Payouts.ProposeOverpayment(ctx, e.OwnerB, payout.OverpaymentInput{LeaseID: l}); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("beta proposes on alpha's lease: %v", err)
		}
		p, err := e.Payouts.ProposeOverpayment(ctx, e.Owner, payout.OverpaymentInput{LeaseReference: lease.Reference, Amount: 20000})
		if err != nil || p.Amount != 20000 || p.PaymentID == 0 || p.LedgerInvoiceID == 0 || p.DueDate != d("2026-03-10") {
			t.Fatalf("proposed: %+v %v", p, err)
		}
		if c, _ := e.Payouts.Credit(ctx, e.Viewer, l); c != 10000 {
			t.Fatalf("credit left %s", c)
		}
		if err := e.Payouts.Cancel(ctx, e.Owner, p.ID); err != nil {
			t.Fatal(err)
		}
		if c, _ := e.Payouts.Credit(ctx, e.Viewer, l); c != 30000 {
			t.Fatalf("credit after cancelling %s", c)
		}
		problem(t, e.Payouts.Cancel(ctx, e.Owner, p.ID), payout.ErrClosed)
		if bal, err := e.Ledger.BalanceAt(ctx, e.Owner, l, d("2026-03-10")); err != nil || bal.Balance != -30000 {
			t.Fatalf("balance %+v %v", bal, err)
		}
	})
}

// Batches: the preview names the scope's payouts per account and what it
// leaves out (a payee without an IBAN); confirming makes one XSD-valid
// pain.001 file per account (deposit refunds from the deposits account in
// its .09, the others from the rent account in .03), one payment per
// payout with a unique end-to-end id and a remittance text naming it; a
// download gives the same bytes every time; a statement debit with the
// end-to-end id and amount marks the payout paid. The other organisation
// sees none of it.
func TestBatchFilesAndMarkPaidByEndToEnd(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.account(e.Owner, "NL44RABO0123456789", "Alpha Vastgoed BV", bank.PurposeRent, sepa.Pain001V03)
		dep := e.account(e.Owner, "NL02ABNA0123456789", "Alpha Waarborgsommen", bank.PurposeDeposits, sepa.Pain001V09)
		l1 := e.tenantLease(e.Owner, "Visser", "NL91ABNA0417164300")
		l2 := e.tenantLease(e.Owner, "Smit", "NL86INGB0002445588")
		l3 := e.tenantLease(e.Owner, "Mulder", "")
		d1, err := e.Deposits.Settle(ctx, e.Owner, l1)
		if err != nil {
			t.Fatal(err)
		}
		d3, err := e.Deposits.Settle(ctx, e.Owner, l3)
		if err != nil {
			t.Fatal(err)
		}
		e.overpay(e.Owner, l2, 4550)
		o2, err := e.Payouts.ProposeOverpayment(ctx, e.Owner, payout.OverpaymentInput{LeaseID: l2})
		if err != nil {
			t.Fatal(err)
		}
		// Due up to 12 March: the overpayment (due today) and no deposit (due 14 March).
		plan, err := e.Payouts.Preview(ctx, e.Viewer, payout.BatchInput{Scope: payout.Scope{DueUntil: d("2026-03-12")}})
		if err != nil || plan.Count != 1 || plan.Total != 4550 || len(plan.Files) != 1 || plan.Files[0].Payouts[0].ID != o2.ID {
			t.Fatalf("due until 12 March: %+v %v", plan, err)
		}
		in := payout.BatchInput{Scope: payout.Scope{DueUntil: d("2026-03-31")}}
		plan, err = e.Payouts.Preview(ctx, e.Viewer, in)
		if err != nil {
			t.Fatal(err)
		}
		if plan.Count != 2 || plan.Total != 204550 || len(plan.Files) != 2 || len(plan.Left) != 1 || plan.Left[0].Payout.ID != d3.ID ||
			plan.Left[0].Reason != payout.LeftNoIBAN || plan.ExecutionDate != d("2026-03-10") {
			t.Fatalf("plan: %+v", plan)
		}
		// The preview logs no opening of a payee's record; the batch does.
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'relation.viewed' AND details LIKE '%payout%'`); n != 0 {
			t.Fatalf("the preview logged %d openings", n)
		}
		if _, err := e.Payouts.CreateBatch(ctx, e.Viewer, in); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("a viewer makes a batch: %v", err)
		}
		in.Expect = &payout.Expect{Count: 3, Total: plan.Total}
		_, err = e.Payouts.CreateBatch(ctx, e.Owner, in)
		problem(t, err, payout.ErrChanged)
		in.Expect = &payout.Expect{Count: plan.Count, Total: plan.Total}
		batches, err := e.Payouts.CreateBatch(ctx, e.Owner, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(batches) != 2 {
			t.Fatalf("%d batches", len(batches))
		}
		// Every approved payout's payee considered is opened (the one
		// without an IBAN too: that is how the batch knows).
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'relation.viewed' AND details LIKE '%payout.batch%'`); n != 3 {
			t.Fatalf("%d payees opened for the batch", n)
		}
		wantFiles := map[int64]struct {
			version  sepa.TransferVersion
			payout   int64
			amount   string
			text     string
			creditor string
			iban     string
		}{
			dep: {sepa.Pain001V09, d1.ID, "2000.00", "Terugbetaling waarborgsom " + d1.LeaseReference, "A. Visser", "NL91ABNA0417164300"},
		}
		var e2es []string
		for _, b := range batches {
			_, data, err := e.Payouts.BatchFile(ctx, e.Viewer, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, again, _ := e.Payouts.BatchFile(ctx, e.Owner, b.ID)
			sum := sha256.Sum256(data)
			if string(again) != string(data) || hex.EncodeToString(sum[:]) != b.SHA256 || int64(len(data)) != b.Size {
				t.Fatalf("batch %d downloads differently", b.ID)
			}
			validateXSD(t, string(b.Version), data)
			f := readFile(t, data)
			if f.NbOfTxs != "1" || len(f.Txs) != 1 || f.MsgID != b.MessageID || f.DbtrIBAN != b.AccountIBAN {
				t.Fatalf("file of batch %d: %+v", b.ID, f)
			}
			tx := f.Txs[0]
			e2es = append(e2es, tx.EndToEndID)
			if w, ok := wantFiles[b.AccountID]; ok {
				if b.Version != w.version || tx.Amount != w.amount || tx.Ustrd != w.text || tx.CdtrName != w.creditor || tx.CdtrIBAN != w.iban {
					t.Fatalf("deposit file: %+v %+v", b, tx)
				}
			} else if b.Version != sepa.Pain001V03 || tx.Amount != "45.50" || !strings.HasPrefix(tx.Ustrd, "Terugbetaling te veel betaald ") ||
				tx.CdtrIBAN != "NL86INGB0002445588" {
				t.Fatalf("rent file: %+v %+v", b, tx)
			}
		}
		if e2es[0] == e2es[1] {
			t.Fatalf("end-to-end ids repeat: %v", e2es)
		}
		all, _ := e.Payouts.List(ctx, e.Owner, listing.Query{All: true}, payout.Filter{})
		st := states(all.Items)
		if st[d1.ID] != payout.StateInBatch || st[o2.ID] != payout.StateInBatch || st[d3.ID] != payout.StateApproved {
			t.Fatalf("states after the batch: %v", st)
		}
		problem(t, e.Payouts.Cancel(ctx, e.Owner, o2.ID), payout.ErrInBatch)
		problem(t, e.Payouts.Approve(ctx, e.Owner, o2.ID), payout.ErrNotOpen)
		// Nothing approved is left but the payout without an IBAN.
		_, err = e.Payouts.CreateBatch(ctx, e.Owner, payout.BatchInput{})
		problem(t, err, payout.ErrNothingToPay)

		// The statement import: the debit of the overpayment.
		got, _ := e.Payouts.Get(ctx, e.Owner, o2.ID)
		mark := func(org int64, e2e string, amount money.Cents) bool {
			t.Helper()
			var found bool
			if err := e.DB.InOrg(ctx, org, func(tx *db.Tx) error {
				var err error
				found, err = e.Payouts.MarkPaidByEndToEndTx(ctx, tx, e2e, amount, d("2026-03-11"))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return found
		}
		if mark(e.OwnerB.OrgID, got.EndToEndID, 4550) {
			t.Fatal("beta's statement pays alpha's payout")
		}
		if mark(e.Owner.OrgID, got.EndToEndID, 4551) || mark(e.Owner.OrgID, "HMS-UITB-0-0", 4550) {
			t.Fatal("another amount or id was taken for the payout")
		}
		if !mark(e.Owner.OrgID, got.EndToEndID, 4550) {
			t.Fatal("the debit did not find its payout")
		}
		got, _ = e.Payouts.Get(ctx, e.Owner, o2.ID)
		if got.State != payout.StatePaid || got.PaidOn != d("2026-03-11") {
			t.Fatalf("after the statement: %+v", got)
		}
		if !mark(e.Owner.OrgID, got.EndToEndID, 4550) || e.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'payout.paid'`) != 1 {
			t.Fatal("a second import changed something")
		}
		// The deposit refund by the statement import: a debit of the deposits
		// account with the payout's end-to-end id.
		p1, _ := e.Payouts.Get(ctx, e.Owner, d1.ID)
		camt := `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>P1</MsgId>
<CreDtTm>2026-03-10T08:00:00</CreDtTm></GrpHdr><Stmt><Id>P1</Id><CreDtTm>2026-03-10T08:00:00</CreDtTm>
<Acct><Id><IBAN>NL02ABNA0123456789</IBAN></Id><Ccy>EUR</Ccy></Acct><Ntry><Amt Ccy="EUR">` + p1.Amount.String() + `</Amt>
<CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-10</Dt></BookgDt><AcctSvcrRef>P1-1</AcctSvcrRef><NtryDtls><TxDtls>
<Refs><EndToEndId>` + p1.EndToEndID + `</EndToEndId></Refs></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>`
		if _, err := e.Reconcile.Import(ctx, e.Owner, strings.NewReader(camt), reconcile.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if p1, _ = e.Payouts.Get(ctx, e.Owner, d1.ID); p1.State != payout.StatePaid || p1.PaidOn != d("2026-03-10") {
			t.Fatalf("deposit refund after the statement: %+v", p1)
		}
		if lines, _ := e.Reconcile.Lines(ctx, e.Owner, reconcile.LineFilter{}, listing.Query{}); lines.Total != 1 ||
			lines.Items[0].Rule != reconcile.RulePayout {
			t.Fatalf("statement lines: %+v", lines.Items)
		}
		b, err := e.Payouts.Batch(ctx, e.Viewer, batches[0].ID)
		if err != nil || len(b.Payouts) != 1 || b.Paid != 1 {
			t.Fatalf("batch: %+v %v", b, err)
		}

		// Beta sees nothing of it.
		if list, err := e.Payouts.Batches(ctx, e.OwnerB, 0, 0); err != nil || len(list) != 0 {
			t.Fatalf("beta's batches: %v %v", list, err)
		}
		if _, _, err := e.Payouts.BatchFile(ctx, e.OwnerB, batches[0].ID); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("beta downloads alpha's file: %v", err)
		}
		if page, err := e.Payouts.List(ctx, e.OwnerB, listing.Query{}, payout.Filter{}); err != nil || page.Total != 0 {
			t.Fatalf("beta's payouts: %+v %v", page, err)
		}
		if _, err := e.Payouts.Preview(ctx, e.OwnerB, payout.BatchInput{Scope: payout.Scope{IDs: []int64{d3.ID}}}); !errors.Is(err,
			validation.ErrNotFound) {
			t.Fatalf("beta previews alpha's payout: %v", err)
		}
		if err := e.Payouts.MarkPaid(ctx, e.OwnerB, d3.ID, d("2026-03-10")); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("beta marks alpha's payout paid: %v", err)
		}
		// The file's personal data is stored sealed only.
		if n := e.Count(`SELECT COUNT(*) FROM payout_batches WHERE CAST(file_sealed AS TEXT) LIKE '%Visser%'`); n != 0 {
			t.Fatal("a payee's name is stored readable")
		}
	})
}

// A chosen account takes every payout; an archived or another
// organisation's account is refused at the field.
func TestChosenAccount(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rent := e.account(e.Owner, "NL44RABO0123456789", "Alpha Vastgoed BV", bank.PurposeRent, "")
		e.account(e.Owner, "NL02ABNA0123456789", "Alpha Waarborgsommen", bank.PurposeDeposits, "")
		beta := e.account(e.OwnerB, "NL18RABO0123459876", "Beta", bank.PurposeServiceCosts, "")
		l1 := e.tenantLease(e.Owner, "Visser", "NL91ABNA0417164300")
		if _, err := e.Deposits.Settle(ctx, e.Owner, l1); err != nil {
			t.Fatal(err)
		}
		plan, err := e.Payouts.Preview(ctx, e.Owner, payout.BatchInput{AccountID: rent})
		if err != nil || len(plan.Files) != 1 || plan.Files[0].AccountID != rent {
			t.Fatalf("chosen account: %+v %v", plan, err)
		}
		_, err = e.Payouts.Preview(ctx, e.Owner, payout.BatchInput{AccountID: beta})
		fieldErr(t, err, "account_id", "payout.batch.account_unknown")
		_, err = e.Payouts.Preview(ctx, e.Owner, payout.BatchInput{ExecutionDate: d("2026-03-09")})
		fieldErr(t, err, "execution_date", "payout.batch.date_past")
		// Without an account for deposits (or a general one), the refund
		// is left out with the reason.
		l2 := e.tenantLease(e.OwnerB, "Beta", "NL91ABNA0417164300")
		if _, err := e.Deposits.Settle(ctx, e.OwnerB, l2); err != nil {
			t.Fatal(err)
		}
		plan, err = e.Payouts.Preview(ctx, e.OwnerB, payout.BatchInput{})
		if err != nil || plan.Count != 0 || len(plan.Left) != 1 || plan.Left[0].Reason != payout.LeftNoAccount {
			t.Fatalf("no account: %+v %v", plan, err)
		}
	})
}

// --- reading files as a bank would ---

type fileTx struct {
	EndToEndID string `xml:"PmtId>EndToEndId"`
	Amount     string `xml:"Amt>InstdAmt"`
	CdtrName   string `xml:"Cdtr>Nm"`
	CdtrIBAN   string `xml:"CdtrAcct>Id>IBAN"`
	Ustrd      string `xml:"RmtInf>Ustrd"`
}

type fileSummary struct {
	MsgID    string
	NbOfTxs  string
	DbtrIBAN string
	Txs      []fileTx
}

func readFile(t *testing.T, data []byte) fileSummary {
	t.Helper()
	var doc struct {
		Body struct {
			MsgID   string `xml:"GrpHdr>MsgId"`
			NbOfTxs string `xml:"GrpHdr>NbOfTxs"`
			PmtInf  []struct {
				DbtrIBAN string   `xml:"DbtrAcct>Id>IBAN"`
				Txs      []fileTx `xml:"CdtTrfTxInf"`
			} `xml:"PmtInf"`
		} `xml:"CstmrCdtTrfInitn"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("read the file: %v", err)
	}
	out := fileSummary{MsgID: doc.Body.MsgID, NbOfTxs: doc.Body.NbOfTxs}
	for _, pi := range doc.Body.PmtInf {
		out.DbtrIBAN = pi.DbtrIBAN
		out.Txs = append(out.Txs, pi.Txs...)
	}
	return out
}

// validateXSD checks doc against the ISO schema of version with xmllint.
func validateXSD(t *testing.T, version string, doc []byte) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		if os.Getenv("HMS_TEST_REQUIRE") == "all" {
			t.Fatal("xmllint (libxml2-utils) is required")
		}
		t.Skip("xmllint not installed")
	}
	f := filepath.Join(t.TempDir(), version+".xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	xsd := filepath.Join("..", "sepa", "testdata", "xsd", version+".xsd")
	if out, err := exec.Command("xmllint", "--noout", "--schema", xsd, f).CombinedOutput(); err != nil {
		t.Fatalf("%s file does not validate: %v\n%s", version, err, out)
	}
}
