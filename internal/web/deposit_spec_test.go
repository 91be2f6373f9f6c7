package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

var specLink = regexp.MustCompile(`href="(/o/a/finance/deposits/\d+/specifications/\d+)" class="specification-download"`)

// One return rule on the pages (art. 7:261b BW, DOMAIN.md §2.5): the list
// of deposits to return and the deposit page move from 14 to 30 days after
// any deduction (here service costs); the specification is made on the
// deposit page and downloads as a PDF with the figures.
func TestDepositSpecificationPage(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 10, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			id, _ := depositLease(t, e, f)
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			page := fmt.Sprintf("/o/a/finance/deposits/%d", id)
			if body := mustBody(t, c, "/o/a/finance/deposits"); !strings.Contains(body, "14 maart 2026") {
				t.Fatalf("list before: %.3000s", body)
			}
			resp, _ := c.postFiles(page+"/deductions", url.Values{"deduct.reason": {"service_costs"}, "deduct.amount": {"120,00"},
				"deduct.note": {"eindafrekening 2025"}}, "", "", nil)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("deduct: %d", resp.StatusCode)
			}
			if body := mustBody(t, c, "/o/a/finance/deposits"); !strings.Contains(body, "30 maart 2026") || strings.Contains(body, "14 maart 2026") {
				t.Fatalf("list after a deduction: %.3000s", body)
			}
			body := mustBody(t, c, page)
			if !strings.Contains(body, `id="deposit-deadline">30 maart 2026`) || !strings.Contains(body, `id="specification-form"`) {
				t.Fatalf("deposit page: %.4000s", body)
			}
			resp, _ = c.do("POST", page+"/specifications", url.Values{})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("make specification: %d", resp.StatusCode)
			}
			m := specLink.FindStringSubmatch(mustBody(t, c, page))
			if m == nil {
				t.Fatal("no specification link")
			}
			resp, pdf := c.do("GET", m[1], nil)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			text := apptest.PDFText(t, []byte(pdf))
			for _, want := range []string{"Ontvangen waarborgsom € 1.700,00", "Servicekosten: eindafrekening 2025 € 120,00",
				"Terug te betalen aan u € 1.580,00", "uiterlijk op 30 maart 2026"} {
				if !strings.Contains(text, want) {
					t.Errorf("specification lacks %q: %s", want, text)
				}
			}
			// Another organisation's member finds nothing.
			g := newLeaseFixture(t, e, "b")
			cb := newClient(t, e.URL())
			cb.login(g.email, g.pw)
			if resp, _ := cb.do("GET", strings.Replace(m[1], "/o/a/", "/o/b/", 1), nil); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("other organisation: %d", resp.StatusCode)
			}
		})
	}
}
