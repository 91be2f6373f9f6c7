package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/settlement"
)

// finalSettlement enters the fixture's cleaning invoice, sets its key,
// posts 2025's rent and advances, and makes the complex's 2025 run final.
func finalSettlement(t *testing.T, e *apptest.Env, f *stFixture) *settlement.Run {
	t.Helper()
	ctx := context.Background()
	for m := 1; m <= 12; m++ {
		if _, err := e.Billing.PostRun(ctx, f.owner, billing.RunInput{Period: fmt.Sprintf("2025-%02d", m)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Settlement.CreateCost(ctx, f.owner, settlement.CostInput{ComplexID: f.complex, SupplierID: f.supplier, InvoiceNumber: "S-1",
		InvoiceDate: "2025-12-31", PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31", Amount: "1200.00", Category: "schoonmaak"}); err != nil {
		t.Fatal(err)
	}
	if err := e.Settlement.SetKey(ctx, f.owner, f.complex, 2025,
		settlement.CategoryKey{Category: "schoonmaak", Key: settlement.KeyEqual, AdminFee: true}); err != nil {
		t.Fatal(err)
	}
	r, err := e.Settlement.Run(ctx, f.owner, f.complex, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Settlement.Finalise(ctx, f.owner, r.ID); err != nil {
		t.Fatal(err)
	}
	if r, err = e.Settlement.GetRun(ctx, f.owner, r.ID); err != nil {
		t.Fatal(err)
	}
	return r
}

// The statement pages over HTTP: the review of a final run, a tenant's PDF,
// sending as a job whose progress the page shows, the new advance once; the
// deadline list; levies (errors at the fields, search, sort, CSV, booking,
// no delete once booked); statement settings and VAT classes with errors at
// the fields; and another organisation that gets 404 on every id route.
func TestSettlementStatementPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{Clock: clock.NewFixed(settlementNow)})
			f := newSettlementFixture(t, e, "a")
			other := newLeaseFixture(t, e, "b")
			run := finalSettlement(t, e, f)
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			cb := newClient(t, e.URL())
			cb.login(other.email, other.pw)
			base := "/o/a/settlement"
			runPath := fmt.Sprintf("%s/runs/%d", base, run.ID)
			var occB int64
			for _, o := range run.Occupancies {
				if o.LeaseID == f.l3 {
					occB = o.ID
				}
			}

			// Settings: errors at the fields, nothing saved; then pay back.
			body := mustBody(t, c, base+"/settings")
			if !strings.Contains(body, `id="tab-settings" aria-current="page"`) ||
				!strings.Contains(body, `name="due_days" id="settings-due_days" inputmode="numeric" value="30"`) {
				t.Fatalf("settings page: %.3000s", body)
			}
			resp, body := c.do("POST", base+"/settings",
				url.Values{"form": {"settings"}, "due_days": {"0"}, "refund": {"later"}, "inspection_text": {"Op afspraak."}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-due_days"`) ||
				!strings.Contains(body, `id="err-refund"`) ||
				!strings.Contains(body, "Op afspraak.") {
				t.Fatalf("bad settings: %d %.3000s", resp.StatusCode, body)
			}
			settings := url.Values{"form": {"settings"}, "due_days": {"21"}, "refund": {"pay_back"}, "advances_basis": {"received"}}
			if resp, _ := c.do("POST", base+"/settings", settings); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("settings: %d", resp.StatusCode)
			}
			if body := mustBody(t, c, base+"/settings"); !strings.Contains(body, `value="21"`) ||
				!strings.Contains(body, `<option value="pay_back" selected>`) ||
				!strings.Contains(body, `<option value="received" selected>`) {
				t.Fatalf("saved settings: %.3000s", body)
			}
			// VAT classes: a bad rate at its field; then energy at 21%.
			resp, body = c.do("POST", base+"/vat",
				url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2025"}, "category": {"energie"}, "class": {"independent"}, "rate": {"veel"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-vat_rate"`) ||
				!strings.Contains(body, `value="veel"`) {
				t.Fatalf("bad VAT class: %d %.3000s", resp.StatusCode, body)
			}
			if resp, _ := c.do("POST", base+"/vat",
				url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2025"}, "category": {"energie"}, "class": {"independent"},
					"rate": {"21"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("VAT class: %d", resp.StatusCode)
			}
			if body := mustBody(t, c, fmt.Sprintf("%s/settings?complex=%d&year=2025", base, f.complex)); !strings.Contains(body,
				`id="vat-energie"`) || !strings.Contains(body, "21%") {
				t.Fatalf("VAT classes: %.4000s", body)
			}
			if resp, _ := cb.do("POST", "/o/b/settlement/vat",
				url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2025"}, "category": {"water"},
					"class": {"ancillary"}}); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("other organisation set a VAT class: %d", resp.StatusCode)
			}

			// The review and a tenant's PDF.
			body = mustBody(t, c, runPath+"/statements")
			if !strings.Contains(body, f.ref3) {
				t.Fatalf("statements: %.4000s", body)
			}
			resp, pdf := c.do("GET", fmt.Sprintf("%s/statements/%d/pdf", runPath, occB), nil)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
				t.Fatalf("statement PDF: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			// Send: the page repeats what will be sent; a send with other
			// figures than the page showed sends nothing.
			plan := regexp.MustCompile(`name="expect_statements" value="(\d+)">\s*<input type="hidden" name="expect_to_pay" value="(-?\d+)">` +
				`\s*<input type="hidden" name="expect_to_refund" value="(-?\d+)">`).FindStringSubmatch(body)
			if plan == nil || plan[1] != fmt.Sprint(len(run.Occupancies)) || !strings.Contains(body, `id="send-confirm"`) {
				t.Fatalf("send plan on the page: %.6000s", body)
			}
			form := url.Values{"expect_statements": {plan[1]}, "expect_to_pay": {plan[2]}, "expect_to_refund": {plan[3]}}
			if resp, _ := c.do("POST", runPath+"/send", url.Values{"expect_statements": {"1"}, "expect_to_pay": {plan[2]},
				"expect_to_refund": {plan[3]}}); resp.StatusCode != http.StatusConflict {
				t.Fatalf("send with another count: %d", resp.StatusCode)
			}
			// Send: a job; the page follows it until it is done.
			resp, _ = c.do("POST", runPath+"/send", form)
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther || !regexp.MustCompile(`/statements\?job=\d+$`).MatchString(loc) {
				t.Fatalf("send: %d %s", resp.StatusCode, loc)
			}
			deadline := time.Now().Add(30 * time.Second)
			for {
				body = mustBody(t, c, loc)
				if strings.Contains(body, "All statements are sent") || strings.Contains(body, "Alle afrekeningen zijn verzonden") {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("send never finished: %.4000s", body)
				}
				time.Sleep(100 * time.Millisecond)
			}
			var sent int
			if err := e.DB.Raw().QueryRow(`SELECT COUNT(*) FROM settlement_statements WHERE run_id = $1 AND sent_at IS NOT NULL`,
				run.ID).Scan(&sent); err != nil || sent != len(run.Occupancies) {
				t.Fatalf("%d statements sent of %d (%v)", sent, len(run.Occupancies), err)
			}
			// The advance once; the second time is refused on the page.
			adv := fmt.Sprintf("%s/statements/%d/advance", runPath, occB)
			if resp, _ := c.do("POST", adv, nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("advance: %d", resp.StatusCode)
			}
			if resp, _ := c.do("POST", adv, nil); resp.StatusCode != http.StatusConflict {
				t.Fatalf("advance twice: %d", resp.StatusCode)
			}

			// Deadlines: the complex's 2025 settlement is sent.
			body = mustBody(t, c, base+"/deadlines?year=2025")
			if !regexp.MustCompile(`id="deadline-\d+"`).MatchString(body) || !strings.Contains(body, "deadline-sent") {
				t.Fatalf("deadlines: %.4000s", body)
			}

			// Levies: errors at the fields and nothing stored.
			resp, body = c.do("POST", base+"/levies", url.Values{"complex_id": {fmt.Sprint(f.complex)}, "name": {""}, "period_start": {"2025-12-31"},
				"period_end": {"2025-01-01"}, "amount": {"nul"}, "basis": {"m2"}})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("bad levy: %d", resp.StatusCode)
			}
			for _, field := range []string{"name", "period_end", "amount", "basis"} {
				if !strings.Contains(body, `id="err-`+field+`"`) {
					t.Errorf("no error at %s: %.4000s", field, body)
				}
			}
			if n := countRows(t, e, "settlement_levies"); n != 0 {
				t.Fatalf("a refused levy stored %d rows", n)
			}
			for _, name := range []string{"Rioolheffing", "Waterschapslasten"} {
				resp, _ := c.do("POST", base+"/levies",
					url.Values{"complex_id": {fmt.Sprint(f.complex)}, "name": {name}, "period_start": {"2025-01-01"},
						"period_end": {"2025-12-31"}, "amount": {"365,00"}, "basis": {"equal"}})
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("levy %s: %d", name, resp.StatusCode)
				}
			}
			body = mustBody(t, c, base+"/levies?q=riool")
			if !strings.Contains(body, "Rioolheffing") || strings.Contains(body, "Waterschapslasten") {
				t.Fatalf("levy search: %.4000s", body)
			}
			body = mustBody(t, c, base+"/levies?sort=name&dir=desc")
			if i, j := strings.Index(body, "Waterschapslasten"), strings.Index(body, "Rioolheffing"); i < 0 || j < 0 || i > j {
				t.Fatalf("levies by name, descending: %d %d", i, j)
			}
			resp, csv := c.do("GET", base+"/levies?q=riool&format=csv", nil)
			if resp.StatusCode != 200 || !strings.Contains(csv, "Rioolheffing;De Linde;2025-01-01;2025-12-31;365.00;equal") ||
				strings.Contains(csv, "Waterschap") {
				t.Fatalf("levy CSV: %d %q", resp.StatusCode, csv)
			}
			m := regexp.MustCompile(`id="levy-(\d+)">\s*<td class="levy-name">Rioolheffing`).FindStringSubmatch(mustBody(t, c, base+"/levies"))
			if m == nil {
				t.Fatal("no levy row")
			}
			levy := base + "/levies/" + m[1]
			if resp, _ := cb.do("POST", "/o/b/settlement/levies/"+m[1]+"/book", nil); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("other organisation booked the levy: %d", resp.StatusCode)
			}
			if resp, _ := c.do("POST", levy+"/book", nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("book: %d", resp.StatusCode)
			}
			if resp, body := c.do("POST", levy+"/delete", nil); resp.StatusCode != http.StatusConflict ||
				!strings.Contains(body, `id="levy-error"`) {
				t.Fatalf("deleted a booked levy: %d", resp.StatusCode)
			}
			// Vacancy: C empty all year and B until March: 424 of 1,095 unit-days.
			if body := mustBody(t, c, base+"/levies?q=riool"); !strings.Contains(body, "141,33") {
				t.Fatalf("vacancy share: %.4000s", body)
			}

			// Another organisation: 404 on every id route, an empty list.
			for _, p := range []string{runPath + "/statements", fmt.Sprintf("%s/statements/%d/pdf", runPath, occB)} {
				if resp, _ := cb.do("GET", strings.Replace(p, "/o/a/", "/o/b/", 1), nil); resp.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s for another organisation: %d", p, resp.StatusCode)
				}
			}
			if resp, _ := cb.do("POST", strings.Replace(adv, "/o/a/", "/o/b/", 1), nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("other organisation applied the advance: %d", resp.StatusCode)
			}
			if resp, _ := cb.do("POST", "/o/b/settlement/levies/"+m[1]+"/delete", nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("other organisation deleted the levy: %d", resp.StatusCode)
			}
			if body := mustBody(t, cb, "/o/b/settlement/levies"); strings.Contains(body, "Rioolheffing") {
				t.Error("other organisation sees the levy")
			}
		})
	}
}
