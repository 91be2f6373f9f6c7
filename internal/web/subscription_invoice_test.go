package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/subscription"
)

// The owner lists HMS's invoices on the subscription page and downloads
// each; a manager and another organisation cannot; staff see them on the
// customer's console page and download them too.
func TestSubscriptionInvoicesWeb(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2027, time.June, 14, 10, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			g := newLeaseFixture(t, e, "b")
			ctx := context.Background()
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			if body := mustBody(t, c, "/o/a/settings/subscription"); !strings.Contains(body, `id="no-invoices"`) {
				t.Fatalf("no invoices yet: %.3000s", body)
			}
			if resp, _ := c.do("POST", "/o/a/settings/subscription", subscribeForm("40536533", "NL91ABNA0417164300")); resp.StatusCode !=
				http.StatusSeeOther {
				t.Fatalf("subscribe: %d", resp.StatusCode)
			}
			clk.Set(time.Date(2027, time.July, 1, 6, 0, 0, 0, time.UTC))
			if n, err := e.Subscriptions.IssueMonth(ctx, civil.Month{Year: 2027, Month: time.July}); n != 2 || err != nil {
				t.Fatalf("run: %d %v", n, err)
			}
			body := mustBody(t, c, "/o/a/settings/subscription")
			for _, w := range []string{`id="invoice-HMS0000001"`, `href="/o/a/settings/subscription/invoices/HMS0000002"`,
				"14 juni 2027 tot en met 30 juni 2027", "juli 2027", "15 juli 2027", "Open"} {
				if !strings.Contains(body, w) {
					t.Errorf("the subscription page lacks %q: %.5000s", w, body)
				}
			}
			resp, pdf := c.do("GET", "/o/a/settings/subscription/invoices/HMS0000002", nil)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF") ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), "factuur-HMS0000002.pdf") {
				t.Fatalf("download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			cb := newClient(t, e.URL())
			cb.login(g.email, g.pw)
			if resp, _ := cb.do("GET", "/o/b/settings/subscription/invoices/HMS0000002", nil); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("b downloaded a's invoice: %d", resp.StatusCode)
			}
			if resp, _ := cb.do("GET", "/o/a/settings/subscription/invoices/HMS0000002", nil); resp.StatusCode == 200 {
				t.Fatal("b reached a's subscription")
			}
			_, pw := createUser(t, e, "a", "manager@a.nl", account.Manager)
			cm := newClient(t, e.URL())
			cm.login("manager@a.nl", pw)
			if resp, _ := cm.do("GET", "/o/a/settings/subscription/invoices/HMS0000002", nil); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("a manager downloaded an invoice: %d", resp.StatusCode)
			}
			if resp, _ := c.do("GET", "/console/customers/"+fmt.Sprint(f.owner.OrgID), nil); resp.StatusCode == 200 {
				t.Fatal("an owner reached the console")
			}
			sc := staffClient(t, e, clk)
			if body := mustBody(t, sc, "/console/customers"); !strings.Contains(body, `href="/console/customers/`+fmt.Sprint(f.owner.OrgID)+`"`) {
				t.Fatalf("the customers page does not link the customer: %.3000s", body)
			}
			body = mustBody(t, sc, "/console/customers/"+fmt.Sprint(f.owner.OrgID))
			if !strings.Contains(body, `id="invoice-HMS0000001"`) || !strings.Contains(body, "facturen@alfa.example") ||
				strings.Contains(body, "Lindelaan") {
				t.Fatalf("the console's customer: %.4000s", body)
			}
			resp, pdf = sc.do("GET", "/console/customers/"+fmt.Sprint(f.owner.OrgID)+"/invoices/HMS0000001", nil)
			if resp.StatusCode != 200 || !strings.HasPrefix(pdf, "%PDF") {
				t.Fatalf("console download: %d", resp.StatusCode)
			}
			if resp, _ := sc.do("GET", "/console/customers/"+fmt.Sprint(g.owner.OrgID)+"/invoices/HMS0000001", nil); resp.StatusCode !=
				http.StatusNotFound {
				t.Fatalf("the number under another customer: %d", resp.StatusCode)
			}

			// Collections: the scope in words before anything is made; a
			// changed scope is refused; the file downloads again.
			if resp, _ := c.do("GET", "/console/collections", nil); resp.StatusCode == 200 {
				t.Fatal("an owner reached the collections")
			}
			if body := mustBody(t, sc, "/console"); !strings.Contains(body, `href="/console/collections"`) {
				t.Fatal("the console does not link the collections")
			}
			if body := mustBody(t, sc, "/console/collections"); !strings.Contains(body, `id="collect-nothing"`) {
				t.Fatalf("nothing due on July 1: %.3000s", body)
			}
			clk.Set(time.Date(2027, time.July, 15, 8, 0, 0, 0, time.UTC)) // a Thursday: collected Friday the 16th
			body = mustBody(t, sc, "/console/collections")
			if !strings.Contains(body, "2 facturen, samen € 36,02, met incassodatum 16 juli 2027") {
				t.Fatalf("the scope in words: %.3000s", body)
			}
			if resp, body := sc.do("POST", "/console/collections", url.Values{"invoices": {"3"}}); resp.StatusCode != http.StatusConflict ||
				!strings.Contains(body, "veranderd") {
				t.Fatalf("a changed scope: %d %.2000s", resp.StatusCode, body)
			}
			if resp, _ := sc.do("POST", "/console/collections", url.Values{"invoices": {"2"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("collect: %d", resp.StatusCode)
			}
			body = mustBody(t, sc, "/console/collections")
			if !strings.Contains(body, `id="collect-nothing"`) || !strings.Contains(body, `id="batch-file-1"`) {
				t.Fatalf("after collecting: %.3000s", body)
			}
			resp, xml := sc.do("GET", "/console/collections/1/file", nil)
			if resp.StatusCode != 200 || !strings.Contains(xml, "pain.008.001.02") || !strings.Contains(xml, "HMS0000002") {
				t.Fatalf("the file: %d %.500s", resp.StatusCode, xml)
			}

			// What the bank did: a returned item with its reason in words
			// (a missing reason refused at its field, nothing changed), the
			// rest of the file collected, then past due after the grace and
			// paid by transfer.
			if resp, _ := c.do("GET", "/console/collections/1", nil); resp.StatusCode == 200 {
				t.Fatal("an owner reached a batch")
			}
			returned := url.Values{"invoice": {"HMS0000001"}, "reason": {"AM04"}}
			if resp, _ := c.do("POST", "/console/collections/1/returned", returned); resp.StatusCode == http.StatusSeeOther {
				t.Fatal("an owner recorded a return")
			}
			body = mustBody(t, sc, "/console/collections/1")
			if !strings.Contains(body, `id="returned-form-HMS0000001"`) || !strings.Contains(body, "Onvoldoende saldo") ||
				!strings.Contains(body, `id="batch-collected"`) {
				t.Fatalf("the batch page: %.4000s", body)
			}
			resp, body = sc.do("POST", "/console/collections/1/returned", url.Values{"invoice": {"HMS0000001"}, "reason": {""}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-reason-HMS0000001"`) ||
				!strings.Contains(body, "Kies een reden uit de lijst") {
				t.Fatalf("no reason: %d %.4000s", resp.StatusCode, body)
			}
			if st := invoiceState(t, e, f.owner.OrgID, "HMS0000001"); st != subscription.InvoiceCollecting {
				t.Fatalf("a refused return changed the invoice: %s", st)
			}
			if resp, _ := sc.do("POST", "/console/collections/1/returned", returned); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("returned: %d", resp.StatusCode)
			}
			body = mustBody(t, sc, "/console/collections")
			if !strings.Contains(body, `id="returned-HMS0000001"`) || !strings.Contains(body, "Onvoldoende saldo") ||
				!strings.Contains(body, "opnieuw vanaf 22 juli 2027") || strings.Contains(body, "AM04") {
				t.Fatalf("returned items: %.4000s", body)
			}
			if resp, _ := sc.do("POST", "/console/collections/1/collected", nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("collected: %d", resp.StatusCode)
			}
			if body = mustBody(t, sc, "/console/collections/1"); strings.Contains(body, `id="batch-collected"`) || !strings.Contains(body, "Geïnd") {
				t.Fatalf("after collected: %.4000s", body)
			}
			clk.Set(time.Date(2027, time.July, 30, 8, 0, 0, 0, time.UTC)) // 15 days after the return
			if n, err := e.Subscriptions.UpdatePastDue(ctx); err != nil || n != 1 {
				t.Fatalf("past due: %d %v", n, err)
			}
			if body := mustBody(t, c, "/o/a/settings/subscription"); !strings.Contains(body, "niet betaald nadat de incasso mislukte") {
				t.Fatalf("the banner: %.3000s", body)
			}
			if resp, body := c.do("POST", "/o/a/settings/organisation", url.Values{"name": {"x"}}); resp.StatusCode != http.StatusForbidden ||
				!strings.Contains(body, "factuurnummer") || !strings.Contains(body, `id="read-only-contact"`) {
				t.Fatalf("a write while past due: %d %.3000s", resp.StatusCode, body)
			}
			cust := "/console/customers/" + fmt.Sprint(f.owner.OrgID)
			body = mustBody(t, sc, cust)
			if !strings.Contains(body, "Teruggeboekt: Onvoldoende saldo") || !strings.Contains(body, "betaling achterstallig") ||
				!strings.Contains(body, `id="paid-HMS0000001"`) || strings.Contains(body, `id="paid-HMS0000002"`) {
				t.Fatalf("the customer: %.5000s", body)
			}
			paid := "/console/customers/" + fmt.Sprint(g.owner.OrgID) + "/invoices/HMS0000001/paid"
			if resp, _ := sc.do("POST", paid, nil); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("paid under another customer: %d", resp.StatusCode)
			}
			if resp, _ := sc.do("POST", cust+"/invoices/HMS0000001/paid", nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("paid: %d", resp.StatusCode)
			}
			if st, _ := e.Subscriptions.StandingOf(ctx, f.owner.OrgID); st.State != subscription.StateActive {
				t.Fatalf("paid, still %s", st.State)
			}
			if body := mustBody(t, sc, cust); strings.Contains(body, `id="paid-HMS0000001"`) {
				t.Fatalf("paid twice offered: %.3000s", body)
			}
		})
	}
}

func invoiceState(t *testing.T, e *apptest.Env, orgID int64, number string) string {
	t.Helper()
	list, err := e.Subscriptions.CustomerInvoices(context.Background(), orgID)
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range list {
		if inv.Number == number {
			return inv.Status()
		}
	}
	return ""
}
