package directdebit_test

import (
	"testing"

	"hms/internal/directdebit"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// What the statement matching uses: a debit by its end-to-end id, a batch's
// debits by PmtInfId or MsgId, a mandate by its reference (also the one
// before an amendment); a return frees the invoice to be collected again and
// suspends the mandate on AC04; paid is paid.
func TestMatchingFunctions(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.creditor(e.Owner, "")
		l1, _, _ := e.lease(e.Owner, tenantOpts{})
		l2, _, _ := e.lease(e.Owner, tenantOpts{})
		m1 := e.mandate(e.Owner, l1, directdebit.Recurrent)
		e.mandate(e.Owner, l2, directdebit.Recurrent)
		e.rentRun(e.Owner, "2026-03")
		in := directdebit.CollectionInput{CollectionDate: d("2026-03-24"), DueUntil: d("2026-03-31")}
		_, b, _ := e.collect(e.Owner, in)
		full, _ := e.DirectDebit.Batch(ctx, e.Owner, b.ID)
		first, second := full.Items[0], full.Items[1]

		inOrg := func(a int64, fn func(tx *db.Tx) error) {
			t.Helper()
			if err := e.DB.InOrg(ctx, a, fn); err != nil {
				t.Fatal(err)
			}
		}
		inOrg(e.Owner.OrgID, func(tx *db.Tx) error {
			it, err := directdebit.ItemByEndToEndTx(ctx, tx, first.EndToEndID)
			if err != nil || it.ID != first.ID || it.InvoiceID == 0 || it.MandateID != m1 && it.LeaseID == l1 || it.Amount != 75000 ||
				it.State != directdebit.ItemCollected || it.PaymentInfoID == "" || it.BatchID != b.ID {
				t.Fatalf("by end-to-end id: %v %+v", err, it)
			}
			if _, err := directdebit.ItemByEndToEndTx(ctx, tx, "nope"); err != validation.ErrNotFound {
				t.Fatalf("unknown end-to-end id: %v", err)
			}
			byBlock, err := directdebit.ItemsOfBatchTx(ctx, tx, first.PaymentInfoID)
			if err != nil || len(byBlock) != 2 {
				t.Fatalf("by PmtInfId: %v %d", err, len(byBlock))
			}
			byMsg, err := directdebit.ItemsOfBatchTx(ctx, tx, b.MessageID)
			if err != nil || len(byMsg) != 2 {
				t.Fatalf("by MsgId: %v %d", err, len(byMsg))
			}
			m, err := directdebit.MandateByReferenceTx(ctx, tx, first.MandateReference)
			if err != nil || m.LeaseID != first.LeaseID || m.IBAN != "" {
				t.Fatalf("by reference: %v %+v", err, m)
			}
			if err := directdebit.MarkReturnedTx(ctx, tx, first.ID, "AC04", d("2026-03-26")); err != nil {
				return err
			}
			if err := directdebit.MarkReturnedTx(ctx, tx, first.ID, "AC04", d("2026-03-26")); err != nil {
				t.Fatalf("returned twice: %v", err)
			}
			if err := directdebit.MarkPaidTx(ctx, tx, first.ID, d("2026-03-27")); err != directdebit.ErrItemState {
				t.Fatalf("paid after return: %v", err)
			}
			return directdebit.MarkPaidTx(ctx, tx, second.ID, d("2026-03-25"))
		})
		// The other organisation finds nothing.
		inOrg(e.OwnerB.OrgID, func(tx *db.Tx) error {
			if _, err := directdebit.ItemByEndToEndTx(ctx, tx, first.EndToEndID); err != validation.ErrNotFound {
				t.Fatalf("beta finds alpha's debit: %v", err)
			}
			if items, _ := directdebit.ItemsOfBatchTx(ctx, tx, b.MessageID); len(items) != 0 {
				t.Fatalf("beta finds alpha's batch")
			}
			if err := directdebit.MarkPaidTx(ctx, tx, second.ID, d("2026-03-25")); err != validation.ErrNotFound {
				t.Fatalf("beta marks alpha's debit: %v", err)
			}
			return nil
		})
		full, _ = e.DirectDebit.Batch(ctx, e.Owner, b.ID)
		if it := full.Items[0]; it.State != directdebit.ItemReturned || it.ReturnReason != "AC04" || it.ReturnedOn != d("2026-03-26") {
			t.Fatalf("returned: %+v", it)
		}
		if it := full.Items[1]; it.State != directdebit.ItemPaid || it.PaidOn != d("2026-03-25") {
			t.Fatalf("paid: %+v", it)
		}
		mand, _ := e.DirectDebit.Mandate(ctx, e.Owner, full.Items[0].MandateID)
		if mand.Status != directdebit.Suspended || mand.StatusReason != "AC04" {
			t.Fatalf("mandate after AC04: %+v", mand)
		}
		// The returned invoice is open to collection again, once the mandate
		// is resumed.
		p, err := e.DirectDebit.Preview(ctx, e.Owner, in)
		if err != nil || p.Count != 0 || len(p.LeftOut) != 2 {
			t.Fatalf("after the return: %v %+v", err, p)
		}
		for _, lo := range p.LeftOut {
			if lo.InvoiceID == first.InvoiceID && lo.Reason != directdebit.ReasonMandateSuspended {
				t.Fatalf("returned invoice: %+v", lo)
			}
		}
		if err := e.DirectDebit.ResumeMandate(ctx, e.Owner, mand.ID); err != nil {
			t.Fatal(err)
		}
		p, _ = e.DirectDebit.Preview(ctx, e.Owner, in)
		if p.Count != 1 || p.Lines[0].InvoiceID != first.InvoiceID {
			t.Fatalf("after resuming: %+v", p)
		}
		_, b2, _ := e.collect(e.Owner, in)
		if b2.Count != 1 {
			t.Fatalf("collected again: %+v", b2)
		}
	})
}
