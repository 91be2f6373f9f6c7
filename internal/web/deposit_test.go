package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// depositLease gives the fixture's tenant a lease of the first home that
// ended on 28 February 2026, with its deposit of 1700 received.
func depositLease(t *testing.T, e *apptest.Env, f *leaseFixture) (int64, string) {
	t.Helper()
	ctx := context.Background()
	id, err := e.Leases.Create(ctx, f.owner, lease.Input{UnitIDs: []int64{f.homes[0]}, TenantIDs: []int64{f.tenant},
		Start: civil.New(2025, time.January, 1), End: civil.New(2026, time.February, 28), PaymentMethod: lease.Transfer, DepositCents: 170000,
		Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 85000}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Leases.AddDepositEntry(ctx, f.owner, id,
		lease.DepositEntryInput{Kind: lease.DepositReceived, Date: civil.New(2025, time.January, 1),
			AmountCents: 170000}); err != nil {
		t.Fatal(err)
	}
	l, err := e.Leases.Get(ctx, f.owner, id)
	if err != nil {
		t.Fatal(err)
	}
	return id, l.Reference
}

// postFiles posts a multipart form with one file field.
func (c *client) postFiles(path string, fields url.Values, fileField, fileName string, data []byte) (*http.Response, string) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if fileField != "" {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

var depositPhoto = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), []byte("DEPOSIT-WEB-MARKER")...)

// The deposit pages over HTTP: the list with its CSV, a lease's deposit
// with the deadline, refused deductions with errors at the fields, a
// damage deduction with a photo (30 days), the download, settling and the
// payout, a second settle refused, and another organisation that finds
// nothing.
func TestDepositPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 10, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			id, ref := depositLease(t, e, f)
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			page := fmt.Sprintf("/o/a/finance/deposits/%d", id)

			body := mustBody(t, c, "/o/a/finance/deposits")
			if !strings.Contains(body, `class="deposit-lease">`+ref) || !strings.Contains(body, "14 maart 2026") ||
				!strings.Contains(body, `id="tab-deposits" aria-current="page"`) {
				t.Fatalf("list: %.4000s", body)
			}
			resp, body := c.do("GET", "/o/a/finance/deposits?format=csv&q="+url.QueryEscape(ref), nil)
			if resp.StatusCode != 200 || !strings.Contains(body, ref+";2026-02-28;2026-03-14;4;1.700,00") {
				t.Fatalf("CSV: %d %q", resp.StatusCode, body)
			}
			if body := mustBody(t, c, "/o/a/finance/deposits?q=nothing-like-it"); strings.Contains(body, "deposit-lease") {
				t.Fatal("search found a lease it should not")
			}
			if body := mustBody(t, c, fmt.Sprintf("/o/a/leases/%d", id)); !strings.Contains(body, `href="`+page+`" id="deposit-settlement"`) {
				t.Fatal("no deposit link on the lease page")
			}
			body = mustBody(t, c, page)
			if !strings.Contains(body, `id="deposit-deadline">14 maart 2026`) || !strings.Contains(body, `id="settle-form"`) {
				t.Fatalf("deposit page: %.4000s", body)
			}
			// Refused: administration costs, a text file as evidence, a bad amount.
			resp, body = c.postFiles(page+"/deductions",
				url.Values{"deduct.reason": {"administration"}, "deduct.amount": {"50,00"}, "deduct.date": {"2026-03-10"}}, "", "", nil)
			if resp.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(body, `id="err-deduct-reason">Administratiekosten mogen nooit`) {
				t.Fatalf("administration costs: %d %.3000s", resp.StatusCode, body)
			}
			resp, body = c.postFiles(page+"/deductions", url.Values{"deduct.reason": {"damage"}, "deduct.amount": {"50,00"}}, "deduct.evidence",
				"foto.png", []byte("no picture"))
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-deduct-evidence">Alleen PDF, JPEG of PNG.`) {
				t.Fatalf("text as evidence: %d", resp.StatusCode)
			}
			resp, body = c.postFiles(page+"/deductions", url.Values{"deduct.reason": {"damage"}, "deduct.amount": {"5x"}}, "", "", nil)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-deduct-amount"`) ||
				!strings.Contains(body, `value="5x"`) {
				t.Fatalf("bad amount: %d", resp.StatusCode)
			}
			var n int
			if err := e.DB.Raw().QueryRow(`SELECT COUNT(*) FROM lease_deposit_entries WHERE kind = 'deducted'`).Scan(&n); err != nil || n != 0 {
				t.Fatalf("refused deductions wrote %d entries", n)
			}
			resp, _ = c.postFiles(page+"/deductions",
				url.Values{"deduct.reason": {"damage"}, "deduct.amount": {"200,00"}, "deduct.note": {"gat in de deur"}},
				"deduct.evidence", "deur.png", depositPhoto)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("deduction: %d", resp.StatusCode)
			}
			body = mustBody(t, c, page)
			if !strings.Contains(body, `id="deposit-deadline">30 maart 2026`) || !strings.Contains(body, "gat in de deur") ||
				!strings.Contains(body, `id="deposit-held"><strong>€ 1.500,00`) {
				t.Fatalf("after deduction: %.5000s", body)
			}
			link := evidenceLink.FindStringSubmatch(body)
			if link == nil {
				t.Fatal("no evidence link")
			}
			resp, got := c.do("GET", link[1], nil)
			if resp.StatusCode != 200 || got != string(depositPhoto) || resp.Header.Get("Content-Type") != "image/png" ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), "deur.png") {
				t.Fatalf("download: %d %s", resp.StatusCode, resp.Header.Get("Content-Disposition"))
			}
			resp, _ = c.do("POST", page+"/settle", url.Values{})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("settle: %d", resp.StatusCode)
			}
			body = mustBody(t, c, page)
			if !strings.Contains(body, `id="payout-amount">€ 1.500,00`) || !strings.Contains(body, `id="payout-due">30 maart 2026`) ||
				!strings.Contains(body, "Visser") {
				t.Fatalf("payout: %.5000s", body)
			}
			resp, body = c.do("POST", page+"/settle", url.Values{})
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `id="form-error"`) {
				t.Fatalf("second settle: %d", resp.StatusCode)
			}
			if body := mustBody(t, c, "/o/a/finance/deposits"); strings.Contains(body, `class="deposit-lease"`) ||
				!strings.Contains(body, `class="open-payout"`) {
				t.Fatalf("list after settle: %.4000s", body)
			}
			resp, _ = c.do("POST", page+"/payout/paid", url.Values{"paid.date": {"2026-03-10"}})
			if resp.StatusCode != http.StatusSeeOther || !strings.Contains(mustBody(t, c, page), "Betaald op 10 maart 2026") {
				t.Fatalf("paid: %d", resp.StatusCode)
			}

			// Another organisation finds nothing of this.
			g := newLeaseFixture(t, e, "b")
			cb := newClient(t, e.URL())
			cb.login(g.email, g.pw)
			other := fmt.Sprintf("/o/b/finance/deposits/%d", id)
			for _, p := range []string{other, strings.Replace(link[1], "/o/a/", "/o/b/", 1)} {
				if resp, _ := cb.do("GET", p, nil); resp.StatusCode != http.StatusNotFound {
					t.Fatalf("%s: %d for another organisation", p, resp.StatusCode)
				}
			}
			if resp, _ := cb.do("POST", other+"/settle", url.Values{}); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("other organisation settled: %d", resp.StatusCode)
			}
			if body := mustBody(t, cb, "/o/b/finance/deposits"); strings.Contains(body, ref) {
				t.Fatal("other organisation's list shows the lease")
			}
		})
	}
}

// A deposit in Chromium: from the lease page to its deposit, a damage
// deduction with a photo, settle, and the payout.
func TestDepositBrowser(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, time.March, 10, 11, 0, 0, 0, time.UTC))
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
	f := newLeaseFixture(t, e, "a")
	id, _ := depositLease(t, e, f)
	photo := filepath.Join(t.TempDir(), "schade.png")
	if err := os.WriteFile(photo, depositPhoto, 0o600); err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
		chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
		chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-finance")))
	b.Run(t, chromedp.Navigate(fmt.Sprintf("%s/o/a/leases/%d", e.URL(), id)), chromedp.WaitVisible(css("#deposit-settlement")))
	b.Run(t, chromedp.Click(css("#deposit-settlement")), chromedp.WaitVisible(css("#deduct-form")))
	if got := b.Text(t, "#deposit-deadline"); got != "14 maart 2026" {
		t.Fatalf("deadline %q", got)
	}
	b.Run(t, chromedp.SetValue(css("#deduct-reason"), "damage"), chromedp.SendKeys(css("#deduct-amount"), "250,00"),
		chromedp.SendKeys(css("#deduct-note"), "kras in het aanrecht"), chromedp.SetUploadFiles(css("#deduct-evidence"), []string{photo}),
		chromedp.Click(css("#deduct-submit")), chromedp.WaitVisible(css(".evidence-download")))
	if got := b.Text(t, "#deposit-deadline"); got != "30 maart 2026" {
		t.Fatalf("deadline after damage %q", got)
	}
	shot(t, b, "deposit-deduction")
	b.Run(t, chromedp.Click(css("#settle-submit")), chromedp.WaitVisible(css("#payout-amount")))
	if got := b.Text(t, "#payout-amount"); got != money.Format(145000, "nl") {
		t.Fatalf("payout %q", got)
	}
	if got := b.Text(t, "#deposit-held"); got != money.Format(0, "nl") {
		t.Fatalf("held after settle %q", got)
	}
	shot(t, b, "deposit-payout")
	b.Run(t, chromedp.Click(css("#nav-finance")), chromedp.WaitVisible(css("#tab-deposits")), chromedp.Click(css("#tab-deposits")),
		chromedp.WaitVisible(css(".open-payout")))
}

var evidenceLink = regexp.MustCompile(`href="(/o/a/finance/deposits/\d+/evidence/\d+)"`)
