package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/bank"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/reconcile"
)

// A payment nobody named is shared over a lease's open invoices in
// Chromium, at 1280 and 390 px: the lease picked by its reference, its open
// invoices listed, more than an invoice's open amount refused at the form
// with nothing booked, then 600,00 and 300,00 given to the two invoices and
// the 100,00 left over kept as credit on the lease's account.
func TestSplitPaymentOverInvoicesBrowser(t *testing.T) {
	for _, mobile := range []bool{false, true} {
		size := map[bool]string{false: "1280", true: "390"}[mobile]
		t.Run(size, func(t *testing.T) {
			e := apptest.Start(t, "sqlite", apptest.Options{})
			f := newLeaseFixture(t, e, "a")
			ctx := context.Background()
			l := financeLease(t, e, f)
			ls, err := e.Leases.Get(ctx, f.owner, l)
			if err != nil {
				t.Fatal(err)
			}
			today := civil.Today(e.Config.Clock.Now())
			var posted []ledger.Posted
			if err := e.DB.InOrg(ctx, f.owner.OrgID, func(tx *db.Tx) error {
				var drafts []ledger.Draft
				for i, amount := range []money.Cents{60000, 30000} {
					due := today.AddDays(-40 + 20*i)
					drafts = append(drafts, ledger.Draft{LeaseID: l, IssueDate: due, DueDate: due,
						Lines: []ledger.DraftLine{{Line: ledger.Line("bare_rent", "", ""), From: due, To: due, Net: amount}}})
				}
				posted, err = ledger.PostTx(ctx, tx, drafts, db.TS(e.Config.Clock.Now()), f.owner.UserID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Bank.AddAccount(ctx, f.owner, bank.AccountInput{IBAN: "NL91ABNA0417164300", Name: "Vastgoed A"}); err != nil {
				t.Fatal(err)
			}
			file := statementFile("SPLIT", today.AddDays(-1), 100000, "NL44RABO0123456789", "A. Visser", "huur en achterstand")
			if _, err := e.Reconcile.Import(ctx, f.owner, strings.NewReader(string(file)), reconcile.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			line := regexp.MustCompile(`/o/a/finance/statements/lines/\d+`).FindString(mustBody(t, c, "/o/a/finance/statements"))
			if line == "" {
				t.Fatal("no line in review")
			}

			b := browsertest.New(t)
			if mobile {
				b = browsertest.NewMobile(t)
			}
			b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
				chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
				chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-finance")))
			b.Run(t, chromedp.Navigate(e.URL()+line), chromedp.WaitVisible(css("#match-lease-text")),
				chromedp.SendKeys(css("#match-lease-text"), ls.Reference), chromedp.WaitVisible(css("#match-choices input[type=radio]")),
				chromedp.Click(css("#match-choices input[type=radio]")), chromedp.Click(css("#split-show")),
				chromedp.WaitVisible(css("#split-form")))
			if rows := browsertest.Get(t, b, chromedp.Evaluate[int](`document.querySelectorAll(".split-invoice").length`)); rows != 2 {
				t.Fatalf("%d open invoices listed, want 2", rows)
			}
			first, second := fmt.Sprint("#split-", posted[0].InvoiceID), fmt.Sprint("#split-", posted[1].InvoiceID)
			b.Run(t, chromedp.SendKeys(css(first), "700,00"), chromedp.Click(css("#split-submit")), chromedp.WaitVisible(css("#err-invoices")))
			for _, p := range posted {
				if inv, err := e.Ledger.Invoice(ctx, f.owner, p.InvoiceID); err != nil || inv.Open != inv.Total {
					t.Fatalf("invoice %s open %v after a refused split (%v)", p.Number, inv, err)
				}
			}
			if overflow := browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)); overflow {
				t.Errorf("the split form scrolls sideways at %s px", size)
			}
			shot(t, b, "statements-split-"+size)
			b.Run(t, chromedp.SetValue(css(first), "600,00"), chromedp.SetValue(css(second), "300,00"),
				chromedp.Click(css("#split-submit")), chromedp.WaitVisible(css("#flash")))
			for _, p := range posted {
				if inv, err := e.Ledger.Invoice(ctx, f.owner, p.InvoiceID); err != nil || inv.Open != 0 {
					t.Fatalf("invoice %s still open %v after the split (%v)", p.Number, inv, err)
				}
			}
			bal, err := e.Ledger.BalanceAt(ctx, f.owner, l, today)
			if err != nil || bal.Balance != -10000 {
				t.Fatalf("lease balance %+v (%v), want 100,00 credit", bal, err)
			}
		})
	}
}
