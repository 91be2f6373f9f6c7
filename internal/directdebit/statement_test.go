package directdebit_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/directdebit"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/listing"
	"hms/internal/reconcile"
)

// From the collection to the bank statement: a camt.053 that credits the
// debits by their end-to-end ids books them as paid; a return with AC04
// reverses the payment, opens the invoice to be collected again and
// suspends the mandate.
func TestStatementBooksCollection(t *testing.T) {
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
		e.Clock.Set(time.Date(2026, time.March, 26, 9, 0, 0, 0, time.UTC))
		var credits []string
		for _, it := range full.Items {
			credits = append(credits, entry("CRDT", it.Amount.String(), it.EndToEndID, "", "2026-03-24"))
		}
		if _, err := e.Reconcile.Import(ctx, e.Owner, strings.NewReader(statement("S1", credits...)),
			reconcile.ImportOptions{FileName: "s1.xml"}); err != nil {
			t.Fatal(err)
		}
		full, _ = e.DirectDebit.Batch(ctx, e.Owner, b.ID)
		for _, it := range full.Items {
			inv, err := e.Ledger.Invoice(ctx, e.Owner, it.InvoiceID)
			if err != nil || it.State != directdebit.ItemPaid || it.PaidOn != d("2026-03-24") || inv.Open != 0 {
				t.Fatalf("after the credit: %+v, open %v (%v)", it, inv.Open, err)
			}
		}
		first := full.Items[0]
		ret := entry("DBIT", first.Amount.String(), first.EndToEndID, "AC04", "2026-03-26")
		if _, err := e.Reconcile.Import(ctx, e.Owner, strings.NewReader(statement("S2", ret)),
			reconcile.ImportOptions{FileName: "s2.xml"}); err != nil {
			t.Fatal(err)
		}
		full, _ = e.DirectDebit.Batch(ctx, e.Owner, b.ID)
		if it := full.Items[0]; it.State != directdebit.ItemReturned || it.ReturnReason != "AC04" {
			t.Fatalf("after the return: %+v", it)
		}
		if inv, _ := e.Ledger.Invoice(ctx, e.Owner, first.InvoiceID); inv.Open != first.Amount {
			t.Fatalf("invoice open after the return: %v", inv.Open)
		}
		if m, _ := e.DirectDebit.Mandate(ctx, e.Owner, m1); m.Status != directdebit.Suspended || m.StatusReason != "AC04" {
			t.Fatalf("mandate after AC04: %+v", m)
		}
	})
}

func entry(mark, amount, e2e, reason, day string) string {
	var rtr string
	if reason != "" {
		rtr = `<RtrInf><Rsn><Cd>` + reason + `</Cd></Rsn></RtrInf>`
	}
	return fmt.Sprintf(`<Ntry><Amt Ccy="EUR">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>%s</Dt></BookgDt>
<ValDt><Dt>%s</Dt></ValDt><AcctSvcrRef>%s-%s</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd><SubFmlyCd>ESDD</SubFmlyCd>
</Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>%s</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">%s</Amt></TxAmt>
</AmtDtls>%s</TxDtls></NtryDtls></Ntry>`, amount, mark, day, day, e2e, mark, e2e, amount, rtr)
}

// statement is a camt.053.001.02 of the account the tests collect to.
func statement(id string, entries ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>` + id + `</MsgId>
<CreDtTm>2026-03-26T08:00:00</CreDtTm></GrpHdr><Stmt><Id>` + id + `</Id><CreDtTm>2026-03-26T08:00:00</CreDtTm>
<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>` + strings.Join(entries, "\n") + `</Stmt></BkToCstmrStmt></Document>`
}

// A collection booked by the bank as one entry (the batch's payment
// information id, no details) pays each of its invoices; a credit naming
// only a lease's mandate is booked on that lease; returns reopen their
// invoices, and the organisation's storno fee is charged for AM04 but not
// for a refund the tenant asked for (MD06).
func TestStatementBatchEntryMandateAndStornoFee(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.creditor(e.Owner, "")
		st, err := e.Bank.Settings(ctx, e.Owner)
		if err != nil {
			t.Fatal(err)
		}
		st.StornoFee = 750
		if err := e.Bank.SaveSettings(ctx, e.Owner, st); err != nil {
			t.Fatal(err)
		}
		l1, _, _ := e.lease(e.Owner, tenantOpts{})
		l2, _, _ := e.lease(e.Owner, tenantOpts{})
		l3, _, _ := e.lease(e.Owner, tenantOpts{})
		e.mandate(e.Owner, l1, directdebit.Recurrent)
		e.mandate(e.Owner, l2, directdebit.Recurrent)
		m3 := e.mandate(e.Owner, l3, directdebit.Recurrent)
		e.rentRun(e.Owner, "2026-03")
		_, b, _ := e.collect(e.Owner, directdebit.CollectionInput{CollectionDate: d("2026-03-24"), DueUntil: d("2026-03-31")})
		full, _ := e.DirectDebit.Batch(ctx, e.Owner, b.ID)
		if len(full.Items) != 3 || full.Items[0].PaymentInfoID != full.Items[2].PaymentInfoID {
			t.Fatalf("items %+v", full.Items)
		}
		batch := full.Items
		var sum money.Cents
		for _, it := range batch {
			sum += it.Amount
		}
		mandate, _ := e.DirectDebit.Mandate(ctx, e.Owner, m3)
		e.Clock.Set(time.Date(2026, time.March, 26, 9, 0, 0, 0, time.UTC))
		batchEntry := fmt.Sprintf(`<Ntry><Amt Ccy="EUR">%s</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-24</Dt></BookgDt>
<ValDt><Dt>2026-03-24</Dt></ValDt><AcctSvcrRef>BATCH-1</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd><SubFmlyCd>ESDD</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><Btch><PmtInfId>%s</PmtInfId><NbOfTxs>3</NbOfTxs></Btch></NtryDtls></Ntry>`, sum.String(),
			batch[0].PaymentInfoID)
		// A transfer that names only lease 3's mandate: credit on its account.
		byMandate := fmt.Sprintf(`<Ntry><Amt Ccy="EUR">25.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-25</Dt></BookgDt>
<AcctSvcrRef>MNDT-1</AcctSvcrRef><NtryDtls><TxDtls><Refs><MndtId>%s</MndtId></Refs></TxDtls></NtryDtls></Ntry>`, mandate.Reference)
		res, err := e.Reconcile.Import(ctx, e.Owner, strings.NewReader(statement("S1", batchEntry, byMandate)), reconcile.ImportOptions{})
		if err != nil || res.Matched != 2 || res.Review != 0 {
			t.Fatalf("S1: %+v, %v", res, err)
		}
		for _, it := range full.Items {
			if inv, _ := e.Ledger.Invoice(ctx, e.Owner, it.InvoiceID); inv.Open != 0 {
				t.Errorf("invoice of lease %d open %v after the statement", it.LeaseID, inv.Open)
			}
		}
		lines, err := e.Reconcile.Lines(ctx, e.Owner, reconcile.LineFilter{}, listing.Query{})
		if err != nil {
			t.Fatal(err)
		}
		rules := map[reconcile.Rule]int{}
		for _, l := range lines.Items {
			rules[l.Rule]++
		}
		if rules[reconcile.RuleBatch] != 1 || rules[reconcile.RuleMandate] != 1 {
			t.Errorf("rules %v", rules)
		}
		if bal, _ := e.Ledger.BalanceAt(ctx, e.Owner, l3, d("2026-03-26")); bal.Balance != -2500 {
			t.Errorf("lease 3 balance %v, want 25.00 credit", bal.Balance)
		}
		refund := entry("DBIT", batch[0].Amount.String(), batch[0].EndToEndID, "MD06", "2026-03-26")
		insufficient := entry("DBIT", batch[1].Amount.String(), batch[1].EndToEndID, "AM04", "2026-03-26")
		if _, err := e.Reconcile.Import(ctx, e.Owner, strings.NewReader(statement("S2", refund, insufficient)),
			reconcile.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, it := range batch[:2] {
			if inv, _ := e.Ledger.Invoice(ctx, e.Owner, it.InvoiceID); inv.Open != it.Amount {
				t.Errorf("invoice of lease %d open %v after its return", it.LeaseID, inv.Open)
			}
		}
		fees := func(lease int64) money.Cents {
			open, err := e.Ledger.OpenItems(ctx, e.Owner, ledger.OpenFilter{LeaseID: lease})
			if err != nil {
				t.Fatal(err)
			}
			var sum money.Cents
			for _, c := range open {
				if c.Kind() == "fee" {
					sum += c.Open()
				}
			}
			return sum
		}
		if got := fees(batch[0].LeaseID); got != 0 {
			t.Errorf("a fee of %v for a refund on request", got)
		}
		if got := fees(batch[1].LeaseID); got != 750 {
			t.Errorf("storno fee %v for AM04, want 7.50", got)
		}
	})
}
