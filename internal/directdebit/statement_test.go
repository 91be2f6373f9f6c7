package directdebit_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/directdebit"
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
