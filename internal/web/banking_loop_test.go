package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/money"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/clock"
)

// The money loop in Chromium: a mandate on the lease, the collection and
// its file; the bank's statement books the collection as one batch entry
// and, two days later, a return (AM04); the invoice is open again, and the
// reminder is proposed and sent.
func TestBankingLoopBrowser(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, time.March, 10, 10, 0, 0, 0, time.UTC))
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
	f, leaseID := ddFixture(t, e, "a")
	ctx := context.Background()
	b := browsertest.New(t)
	b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
		chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
		chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-finance")))

	// The mandate, and the collection of March's rent on the 24th.
	b.Run(t, chromedp.Navigate(fmt.Sprintf("%s/o/a/finance/leases/%d", e.URL(), leaseID)), chromedp.WaitVisible(css("#mandate-form")))
	b.Run(t, chromedp.SetValue(css("#mandate-signed-on"), "2024-12-01"), chromedp.SendKeys(css("#mandate-signed-place"), "Zwolle"),
		clickAndLoad("#mandate-submit", "article.mandate"))
	b.Run(t, chromedp.Navigate(e.URL()+"/o/a/finance/collections"), chromedp.WaitVisible(css("#collection-form")))
	b.Run(t, chromedp.SetValue(css("#collection-date"), "2026-03-24"), chromedp.SetValue(css("#collection-due-until"), "2026-03-31"),
		clickAndLoad("#collection-preview", "#preview-lines"), clickAndLoad("#collection-confirm", "#collection-download"))
	m := batchPath.FindStringSubmatch(b.URL(t))
	if m == nil {
		t.Fatalf("not on a batch page: %s", b.URL(t))
	}
	batchID, _ := strconv.ParseInt(m[1], 10, 64)
	batch, err := e.DirectDebit.Batch(ctx, f.owner, batchID)
	if err != nil || len(batch.Items) != 1 {
		t.Fatalf("batch %+v, %v", batch, err)
	}
	item := batch.Items[0]

	// Two days after the collection the bank's statement: the batch as one
	// entry, and the debit returned for insufficient funds.
	clk.Set(time.Date(2026, time.March, 26, 9, 0, 0, 0, time.UTC))
	statement := `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>S26</MsgId>
<CreDtTm>2026-03-26T08:00:00</CreDtTm></GrpHdr><Stmt><Id>S26</Id><CreDtTm>2026-03-26T08:00:00</CreDtTm>
<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">` + item.Amount.String() + `</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-24</Dt></BookgDt>
<AcctSvcrRef>S26-1</AcctSvcrRef><NtryDtls><Btch><PmtInfId>` + item.PaymentInfoID + `</PmtInfId><NbOfTxs>1</NbOfTxs></Btch></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">` + item.Amount.String() + `</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-26</Dt></BookgDt>
<AcctSvcrRef>S26-2</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>` + item.EndToEndID + `</EndToEndId></Refs>
<RtrInf><Rsn><Cd>AM04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>`
	file := filepath.Join(t.TempDir(), "afschrift.xml")
	if err := os.WriteFile(file, []byte(statement), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Run(t, chromedp.Navigate(e.URL()+"/o/a/finance/statements"), chromedp.WaitVisible(css("#upload-statement summary")),
		chromedp.Click(css("#upload-statement summary")), chromedp.WaitVisible(css("#upload-file")),
		chromedp.SetUploadFiles(css("#upload-file"), []string{file}), chromedp.Click(css("#upload-submit")),
		chromedp.WaitVisible(css("#upload-done")))
	if got := b.Text(t, "#upload-matched"); !strings.HasPrefix(got, "1 ") {
		t.Fatalf("matched: %q", got)
	}
	b.Run(t, clickAndLoad("#upload-to-lines", "#line-states"), clickAndLoad("#state-matched", "#bank-lines"))
	outcomes := b.Text(t, "#bank-lines tbody")
	if !strings.Contains(outcomes, "Eigen incassobatch") || !strings.Contains(outcomes, "Teruggeboekte incasso") {
		t.Fatalf("lines: %q", outcomes)
	}
	shot(t, b, "banking-loop-lines")
	inv, err := e.Ledger.Invoice(ctx, f.owner, item.InvoiceID)
	if err != nil || inv.Open != item.Amount {
		t.Fatalf("invoice open %v after the return, %v", inv.Open, err)
	}
	b.Run(t, chromedp.Navigate(fmt.Sprintf("%s/o/a/finance/leases/%d", e.URL(), leaseID)), chromedp.WaitVisible(css("#balance")))
	if got := b.Text(t, "#balance"); !strings.Contains(got, money.Format(item.Amount, "nl")) {
		t.Fatalf("balance after the return: %q", got)
	}

	// A week after the (late run's) due date dunning proposes the reminder;
	// a person sends it.
	clk.Set(time.Date(2026, time.April, 2, 9, 0, 0, 0, time.UTC))
	b.Run(t, chromedp.Navigate(e.URL()+"/o/a/dunning"), chromedp.WaitVisible(css("#propose-now")),
		clickAndLoad("#propose-now", "#proposals"))
	if rows := browsertest.Get(t, b, chromedp.Evaluate[int](`document.querySelectorAll("tr.proposal").length`)); rows != 1 {
		t.Fatalf("%d proposals", rows)
	}
	b.Run(t, clickAndLoad("#send-chosen", "#send-scope"), clickAndLoad("#confirm-send", "#letters"))
	if got := b.Text(t, "#sent-summary"); !strings.Contains(got, "Verstuurd: 1") {
		t.Fatalf("sent %q", got)
	}
	shot(t, b, "banking-loop-letter")
}
