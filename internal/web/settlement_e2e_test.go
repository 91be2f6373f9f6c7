package web_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/money"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/settlement"
)

// The settlement end to end in Chromium: the year's rent and advances are
// posted; the supplier invoice is entered through the cost form, the key
// set, the complex (with a tenant change) settled and made final; a
// tenant's statement opened, the statements sent (the page follows the
// job); and the balance booked is on the tenant's lease account page.
func TestSettlementEndToEnd(t *testing.T) {
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clock.NewFixed(settlementNow)})
	f := newSettlementFixture(t, e, "a")
	ctx := context.Background()
	for m := 1; m <= 12; m++ {
		if _, err := e.Billing.PostRun(ctx, f.owner, billing.RunInput{Period: fmt.Sprintf("2025-%02d", m)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	pdf := t.TempDir() + "/factuur-S-1.pdf"
	if err := os.WriteFile(pdf, invoicePDF, 0o600); err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
		chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
		chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-settlement")))
	b.Run(t, chromedp.Click(css("#nav-settlement")), chromedp.WaitVisible(css("#cost-list")))
	b.Run(t, chromedp.Click(css("#cost-new")), chromedp.WaitVisible(css("#cost-form")))
	b.Run(t, chromedp.SetValue(css("#cost-complex"), fmt.Sprint(f.complex)), chromedp.SetValue(css("#cost-supplier"), fmt.Sprint(f.supplier)),
		chromedp.SendKeys(css("#cost-invoice_number"), "S-1"), chromedp.SetValue(css("#cost-invoice_date"), "2025-12-31"),
		chromedp.SendKeys(css("#cost-category"), "Schoonmaak"), chromedp.SetValue(css("#cost-period_start"), "2025-01-01"),
		chromedp.SetValue(css("#cost-period_end"), "2025-12-31"), chromedp.SendKeys(css("#cost-amount"), "1.200,00"),
		chromedp.SetUploadFiles(css("#cost-evidence"), []string{pdf}), chromedp.Click(css("#cost-save")),
		chromedp.WaitVisible(css(".evidence-download")))
	b.Run(t, chromedp.Click(css("#tab-keys")), chromedp.WaitVisible(css("#key-form")))
	b.Run(t, chromedp.SetValue(css("#keys-year"), "2025"), clickAndLoad("#keys-filter button", "#key-form"))
	b.Run(t, chromedp.SendKeys(css("#key-category"), "schoonmaak"), chromedp.SetValue(css("#key-key"), "equal"),
		chromedp.Click(css("#key-admin_fee")), chromedp.Click(css("#key-save")), chromedp.WaitVisible(css("#key-schoonmaak")))
	b.Run(t, chromedp.Click(css("#tab-runs")), chromedp.WaitVisible(css("#run-form")))
	b.Run(t, chromedp.SetValue(css("#run-complex"), fmt.Sprint(f.complex)), chromedp.Click(css("#run-submit")),
		chromedp.WaitVisible(css("#run-tenants")))
	b.Run(t, chromedp.Click(css("#run-finalise button")), chromedp.WaitNotPresent(css("#run-finalise")))
	b.Run(t, chromedp.Click(css("#run-statements")), chromedp.WaitVisible(css("#statement-list")))
	shot(t, b, "settlement-e2e-statements")
	if got := b.Text(t, "#statement-list"); !strings.Contains(got, f.ref3) {
		t.Fatalf("statements lack lease %s: %q", f.ref3, got)
	}
	// Send: the page follows the job until it is done.
	b.Run(t, chromedp.Click(css("#statements-send button")), chromedp.WaitVisible(css("#send-done")))
	shot(t, b, "settlement-e2e-sent")

	// B's statement as stored, and its booking on the lease account.
	runs, err := e.Settlement.Runs(ctx, f.owner, settlement.RunFilter{})
	if err != nil || len(runs) == 0 {
		t.Fatalf("runs: %v", err)
	}
	r, err := e.Settlement.GetRun(ctx, f.owner, runs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var occ int64
	for _, o := range r.Occupancies {
		if o.LeaseID == f.l3 {
			occ = o.ID
		}
	}
	st, err := e.Statements.Statement(ctx, f.owner, r.ID, occ)
	if err != nil || !st.Booked || st.InvoiceNumber == "" || st.SentAt.IsZero() {
		t.Fatalf("statement B after sending: %+v %v", st, err)
	}
	bal, err := e.Ledger.BalanceAt(ctx, f.owner, f.l3, civil.Today(settlementNow))
	if err != nil {
		t.Fatal(err)
	}
	b.Run(t, chromedp.Navigate(fmt.Sprintf("%s/o/a/finance/leases/%d", e.URL(), f.l3)), chromedp.WaitVisible(css("#account-balance")))
	shot(t, b, "settlement-e2e-account")
	if got := b.Text(t, "#balance"); !strings.Contains(got, money.Format(bal.Balance, "nl")) {
		t.Fatalf("balance on the account page %q, want %s", got, money.Format(bal.Balance, "nl"))
	}
	// The statement's refund is a credit note, set off against the open rent.
	if st.Balance >= 0 {
		t.Fatalf("B paid 50.00 a month for 10 months of a 352.11 share: the balance %s should be a refund", st.Balance)
	}
	b.Run(t, chromedp.Click(css("#account-invoices")), chromedp.WaitVisible(css("main table")))
	shot(t, b, "settlement-e2e-invoices")
	if got := b.Text(t, "main"); !strings.Contains(got, st.InvoiceNumber) {
		t.Fatalf("the settlement's %s is not among the lease's invoices: %q", st.InvoiceNumber, got)
	}
}
