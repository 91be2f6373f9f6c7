package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/bank"
	"hms/internal/lease"
	"hms/internal/payout"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/relation"
	"hms/internal/sepa"
)

// payoutFixture gives organisation a a deposits account and a lease of the
// first home that ended on 28 February 2026 with its deposit of 1700
// received, its tenant Jansen with an IBAN; settled by by.
type payoutFixture struct {
	*leaseFixture
	lease    int64
	ref      string
	payoutID int64
}

func newPayoutFixture(t *testing.T, e *apptest.Env, settleBy func(f *leaseFixture) account.Actor, fourEyes bool) *payoutFixture {
	t.Helper()
	ctx := context.Background()
	f := &payoutFixture{leaseFixture: newLeaseFixture(t, e, "a")}
	if _, err := e.Bank.AddAccount(ctx, f.owner, bank.AccountInput{IBAN: "NL02ABNA0123456789", Name: "Vastgoed A Waarborgsommen",
		Purpose: bank.PurposeDeposits, TransferVersion: sepa.Pain001V03}); err != nil {
		t.Fatal(err)
	}
	if fourEyes {
		if err := e.Payouts.SaveSettings(ctx, f.owner, payout.Settings{FourEyes: true}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := e.Relations.CreatePerson(ctx, f.owner, relation.PersonInput{FirstNames: "Jan", Surname: "Jansen",
		IBANs:   []string{"NL91ABNA0417164300"},
		Address: relation.Address{Street: "Oudegracht", HouseNumber: "14", Postcode: "3511 AB", City: "Utrecht"}})
	if err != nil {
		t.Fatal(err)
	}
	f.lease, err = e.Leases.Create(ctx, f.owner, lease.Input{UnitIDs: []int64{f.homes[0]}, TenantIDs: []int64{p},
		Start: civil.New(2025, time.January, 1), End: civil.New(2026, time.February, 28), PaymentMethod: lease.Transfer, DepositCents: 170000,
		Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 85000}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Leases.AddDepositEntry(ctx, f.owner, f.lease, lease.DepositEntryInput{Kind: lease.DepositReceived,
		Date: civil.New(2025, time.January, 1), AmountCents: 170000}); err != nil {
		t.Fatal(err)
	}
	l, _ := e.Leases.Get(ctx, f.owner, f.lease)
	f.ref = l.Reference
	dp, err := e.Deposits.Settle(ctx, settleBy(f.leaseFixture), f.lease)
	if err != nil {
		t.Fatal(err)
	}
	f.payoutID = dp.ID
	return f
}

var payoutBatchPath = regexp.MustCompile(`^/o/a/finance/payouts/batches/(\d+)$`)

// The payouts page over HTTP: four eyes is the owner's setting; a payout
// its creator cannot approve (the reason on the page) is approved by a
// second user; the batch preview names the scope and the count and total,
// the confirmation makes an XSD-valid file that downloads the same every
// time; bad input is named at its field; the list exports as CSV.
func TestPayoutsPage(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 10, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newPayoutFixture(t, e, func(f *leaseFixture) account.Actor { return f.owner }, false)
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			_, mpw := createUser(t, e, "a", "manager@a.nl", account.Manager)
			m := newClient(t, e.URL())
			m.login("manager@a.nl", mpw)
			if resp, _ := m.do("POST", "/o/a/finance/payouts/settings", url.Values{"four_eyes": {"1"}}); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("a manager turns four eyes on: %d", resp.StatusCode)
			}
			if resp, _ := c.do("POST", "/o/a/finance/payouts/settings", url.Values{"four_eyes": {"1"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("settings: %d", resp.StatusCode)
			}
			if body := mustBody(t, c, "/o/a/finance/payouts/settings"); !strings.Contains(body,
				`id="settings-four-eyes" aria-describedby="hint-four-eyes" checked`) {
				t.Fatalf("four eyes not shown on: %.3000s", body)
			}
			// An overpayment proposed by the owner now waits for a second user.
			resp, body := c.do("POST", "/o/a/finance/payouts/overpayments", url.Values{"overpayment.lease": {"X-404"},
				"overpayment.amount": {"12,5x"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-overpayment-amount"`) {
				t.Fatalf("a bad amount: %d %.3000s", resp.StatusCode, body)
			}
			resp, body = c.do("POST", "/o/a/finance/payouts/overpayments", url.Values{"overpayment.lease": {"X-404"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-overpayment-lease"`) {
				t.Fatalf("an unknown lease: %d %.3000s", resp.StatusCode, body)
			}
			resp, body = c.do("POST", "/o/a/finance/payouts/overpayments", url.Values{"overpayment.lease": {f.ref}})
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "geen tegoed") {
				t.Fatalf("no credit: %d %.3000s", resp.StatusCode, body)
			}
			if err := e.Payouts.SaveSettings(context.Background(), f.owner, payout.Settings{FourEyes: true}); err != nil {
				t.Fatal(err)
			}
			// The deposit refund the owner settled before four eyes is approved;
			// a second lease's refund settled now is open.
			body = mustBody(t, c, "/o/a/finance/payouts")
			for _, want := range []string{"J. Jansen", f.ref, "Waarborgsom", "€ 1.700,00", "Goedgekeurd", `id="four-eyes-on"`, `id="tab-payouts"`} {
				if !strings.Contains(body, want) {
					t.Fatalf("list lacks %q: %.5000s", want, body)
				}
			}
			ctx := context.Background()
			l2, err := e.Leases.Create(ctx, f.owner, lease.Input{UnitIDs: []int64{f.homes[1]}, TenantIDs: []int64{f.tenant},
				Start: civil.New(2025, time.January, 1), End: civil.New(2026, time.February, 28), PaymentMethod: lease.Transfer, DepositCents: 100000,
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 85000}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Leases.AddDepositEntry(ctx, f.owner, l2, lease.DepositEntryInput{Kind: lease.DepositReceived, Date: civil.New(2025, 1, 1),
				AmountCents: 100000}); err != nil {
				t.Fatal(err)
			}
			d2, err := e.Deposits.Settle(ctx, f.owner, l2)
			if err != nil || d2.Stage != payout.StateOpen {
				t.Fatalf("settled under four eyes: %+v %v", d2, err)
			}
			resp, body = c.do("POST", "/o/a/finance/payouts/approve", url.Values{"ids": {fmt.Sprint(d2.ID)}})
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "zelf aangemaakt") {
				t.Fatalf("the creator approves: %d %.3000s", resp.StatusCode, body)
			}
			if resp, body := m.do("POST", "/o/a/finance/payouts/approve", nil); resp.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(body, `id="err-ids"`) {
				t.Fatalf("approve nothing: %d %.3000s", resp.StatusCode, body)
			}
			if resp, _ := m.do("POST", "/o/a/finance/payouts/approve",
				url.Values{"ids": {fmt.Sprint(d2.ID)}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("the second user approves: %d", resp.StatusCode)
			}
			// Preview: the chosen deposit refund of Jansen; Visser has no IBAN.
			body = mustBody(t, c, "/o/a/finance/payouts/batch?scope=due&due_until=2026-03-31")
			for _, want := range []string{"tot en met 31 maart 2026", `id="preview-count">1<`, "€ 1.700,00", "Vastgoed A Waarborgsommen",
				"van de huurder is geen rekeningnummer bekend", `name="expect_total" value="170000"`} {
				if !strings.Contains(body, want) {
					t.Fatalf("preview lacks %q: %.6000s", want, body)
				}
			}
			if resp, body := c.do("GET", "/o/a/finance/payouts/batch?scope=due&due_until=2026-02-30",
				nil); resp.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(body, `id="err-due_until"`) {
				t.Fatalf("a bad date: %d %.3000s", resp.StatusCode, body)
			}
			form := url.Values{"scope": {"due"}, "due_until": {"2026-03-31"}, "execution_date": {"2026-03-10"}, "expect_count": {"1"},
				"expect_total": {"99"}}
			if resp, body := c.do("POST", "/o/a/finance/payouts/batches", form); resp.StatusCode != http.StatusConflict ||
				!strings.Contains(body, "veranderd sinds het voorbeeld") {
				t.Fatalf("a changed preview: %d %.3000s", resp.StatusCode, body)
			}
			form.Set("expect_total", "170000")
			resp, _ = c.do("POST", "/o/a/finance/payouts/batches", form)
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther || !payoutBatchPath.MatchString(loc) {
				t.Fatalf("confirm: %d %s", resp.StatusCode, loc)
			}
			body = mustBody(t, c, loc)
			if !strings.Contains(body, "J. Jansen") || !strings.Contains(body, "In betaalbestand") || !strings.Contains(body, "pain.001.001.03") {
				t.Fatalf("batch page: %.5000s", body)
			}
			resp, file := c.do("GET", loc+"/file", nil)
			_, again := c.do("GET", loc+"/file", nil)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/xml" || file != again ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
			}
			xsdValid(t, "pain.001.001.03", []byte(file))
			if !strings.Contains(file, "Terugbetaling waarborgsom "+f.ref) || strings.Count(file, "<CdtTrfTxInf>") != 1 {
				t.Fatalf("file: %.2000s", file)
			}
			resp, csv := c.do("GET", "/o/a/finance/payouts?state=all&format=csv", nil)
			if resp.StatusCode != 200 || !strings.Contains(csv, "J. Jansen") || !strings.Contains(csv, "In betaalbestand") {
				t.Fatalf("csv: %d %s", resp.StatusCode, csv)
			}
			// A viewer reads the page without its forms and cannot approve.
			_, vpw := createUser(t, e, "a", "viewer@a.nl", account.Viewer)
			v := newClient(t, e.URL())
			v.login("viewer@a.nl", vpw)
			if body := mustBody(t, v, "/o/a/finance/payouts"); strings.Contains(body, `id="approve-submit"`) || strings.Contains(body,
				"overpayment-form") {
				t.Fatalf("viewer sees the forms: %.3000s", body)
			}
			if resp, _ := v.do("POST", "/o/a/finance/payouts/approve",
				url.Values{"ids": {fmt.Sprint(d2.ID)}}); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("viewer approves: %d", resp.StatusCode)
			}
		})
	}
}

// xsdValid checks doc against the ISO schema of version with xmllint.
func xsdValid(t *testing.T, version string, doc []byte) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		if os.Getenv("HMS_TEST_REQUIRE") == "all" {
			t.Fatal("xmllint (libxml2-utils) is required")
		}
		t.Skip("xmllint not installed")
	}
	path := filepath.Join(t.TempDir(), version+".xml")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	xsd := filepath.Join("..", "sepa", "testdata", "xsd", version+".xsd")
	if out, err := exec.Command("xmllint", "--noout", "--schema", xsd, path).CombinedOutput(); err != nil {
		t.Fatalf("%s file does not validate: %v\n%s", version, err, out)
	}
}

// Approve → batch → download in Chromium at 1280 and 390 px: a deposit
// refund settled by a manager under four eyes is approved by the owner,
// chosen, previewed, confirmed, and its file fetched from the batch page's
// link is an XSD-valid pain.001 with the refund.
func TestPayoutsBrowser(t *testing.T) {
	for _, mobile := range []bool{false, true} {
		size := map[bool]string{false: "1280", true: "390"}[mobile]
		t.Run(size, func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 10, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
			var managerID int64
			f := newPayoutFixture(t, e, func(f *leaseFixture) account.Actor {
				managerID, _ = createUser(t, e, "a", "manager@a.nl", account.Manager)
				m, _ := e.Accounts.ActorFor(context.Background(), managerID, "a")
				return m
			}, true)
			b := browsertest.New(t)
			if mobile {
				b = browsertest.NewMobile(t)
			}
			b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
				chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
				chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-finance")))
			row := fmt.Sprintf("#payout-%d", f.payoutID)
			b.Run(t, chromedp.Navigate(e.URL()+"/o/a/finance/payouts"), chromedp.WaitVisible(css(row)))
			if got := b.Text(t, row+" .payout-state"); got != "Wacht op goedkeuring" {
				t.Fatalf("state %q", got)
			}
			shot(t, b, "payouts-"+size)
			b.Run(t, chromedp.Click(css(fmt.Sprintf("#select-%d", f.payoutID))), chromedp.Click(css("#approve-submit")),
				chromedp.WaitVisible(css(".flash")))
			if got := b.Text(t, row+" .payout-state"); got != "Goedgekeurd" {
				t.Fatalf("after approving: %q", got)
			}
			b.Run(t, chromedp.Click(css(fmt.Sprintf("#select-%d", f.payoutID))), chromedp.Click(css("#scope-chosen")),
				chromedp.Click(css("#preview-submit")), chromedp.WaitVisible(css("#preview")))
			if got := b.Text(t, "#preview-count"); got != "1" {
				t.Fatalf("preview count %q", got)
			}
			if got := b.Text(t, "#preview-scope"); got != "Gekozen uitbetalingen (1)" {
				t.Fatalf("preview scope %q", got)
			}
			shot(t, b, "payouts-preview-"+size)
			b.Run(t, chromedp.Click(css("#batch-confirm-submit")), chromedp.WaitVisible(css("#batch-download")))
			if got := b.Text(t, "#batch-count"); got != "1" {
				t.Fatalf("batch count %q", got)
			}
			file := browsertest.Get(t, b, chromedp.Evaluate[string](`fetch(document.querySelector('#batch-download').href).then(r => r.text())`,
				chromedp.EvalAwaitPromise))
			xsdValid(t, "pain.001.001.03", []byte(file))
			if !strings.Contains(file, "J. Jansen") || !strings.Contains(file, "Terugbetaling waarborgsom "+f.ref) {
				t.Fatalf("file: %.2000s", file)
			}
			overflow := browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
			if overflow {
				t.Fatal("the batch page scrolls sideways")
			}
			shot(t, b, "payouts-batch-"+size)
			if errs := b.ConsoleErrors(); len(errs) > 0 {
				t.Fatalf("console errors: %v", errs)
			}
		})
	}
}
