package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// formerTenantPage makes an owner and a person whose lease ended last
// month; it returns the owner's login and the person's id.
func formerTenantPage(t *testing.T, e *apptest.Env) (email, pw string, person int64) {
	t.Helper()
	ctx := context.Background()
	email = "owner@a.nl"
	var uid int64
	uid, pw = createUser(t, e, "a", email, account.Owner)
	owner, _ := e.Accounts.ActorFor(ctx, uid, "a")
	if err := e.Privacy.AcceptProcessorAgreement(ctx, owner, e.Privacy.Current().Version); err != nil {
		t.Fatal(err)
	}
	u, err := e.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: "1", Postcode: "3521 CD",
		City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "70", Segment: portfolio.SegmentVrij})
	if err != nil {
		t.Fatal(err)
	}
	person, err = e.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Wilhelmina", Surname: "Wisvelt",
		Email: "wisvelt@voorbeeld.nl"})
	if err != nil {
		t.Fatal(err)
	}
	today := civil.Today(e.Clock.Now())
	if _, err := e.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{person}, Start: today.AddMonths(-12),
		End: today.AddMonths(-1), PaymentMethod: lease.Transfer,
		Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 90000}}}); err != nil {
		t.Fatal(err)
	}
	return email, pw, person
}

// In Chromium at 1280 and 390 px: the person's page offers the download
// (a zip) and erasure; the confirm page says what goes and what stays; the
// receipt follows, and the person's page is gone.
func TestPrivacyEraseBrowser(t *testing.T) {
	for _, mobile := range []bool{false, true} {
		size := map[bool]string{false: "1280", true: "390"}[mobile]
		t.Run(size, func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 10, 10, 0, 0, 0, time.UTC))
			e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
			email, pw, person := formerTenantPage(t, e)
			var b *browsertest.Browser
			if mobile {
				b = browsertest.NewMobile(t)
			} else {
				b = browsertest.New(t)
			}
			narrow := func(page string) {
				t.Helper()
				if browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
					t.Fatalf("%s is wider than the screen at %s px", page, size)
				}
			}
			b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
				chromedp.SendKeys(css("input[name=email]"), email), chromedp.SendKeys(css("input[name=password]"), pw),
				chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-finance")))
			page := fmt.Sprintf("%s/o/a/relations/%d", e.URL(), person)
			b.Run(t, chromedp.Navigate(page), chromedp.WaitVisible(css("#relation-export")))
			if got := b.Text(t, "#relation-export"); got != "Gegevens downloaden (inzage)" {
				t.Fatalf("export link %q", got)
			}
			narrow("the person's page")
			shot(t, b, "privacy-person-"+size)
			status := browsertest.Get(t, b, chromedp.Evaluate[string](`(async () => {
				const r = await fetch(document.querySelector("#relation-export").href);
				const b = new Uint8Array(await r.arrayBuffer());
				return r.status + " " + r.headers.get("Content-Type") + " " + (b[0] === 0x50 && b[1] === 0x4b);
			})()`, chromedp.EvalAwaitPromise))
			if status != "200 application/zip true" {
				t.Fatalf("download: %s", status)
			}
			b.Run(t, clickAndLoad("#relation-erase", "#erase-confirm"))
			if got := b.Text(t, "#erase-title"); got != "W. Wisvelt wissen" {
				t.Fatalf("confirm title %q", got)
			}
			if kept := b.Text(t, "#erase-kept"); !strings.Contains(kept, "Huurovereenkomsten") {
				t.Fatalf("the confirm page keeps %q", kept)
			}
			if erased := b.Text(t, "#erase-erased"); !strings.Contains(erased, "persoonlijke sleutel") {
				t.Fatalf("the confirm page erases %q", erased)
			}
			narrow("the confirm page")
			shot(t, b, "privacy-erase-confirm-"+size)
			b.Run(t, clickAndLoad("#erase-confirm", "#erase-done"))
			if got := b.Text(t, "#erase-done"); !strings.Contains(got, "De persoon is gewist.") || !strings.Contains(got, "10 maart 2026") {
				t.Fatalf("receipt %q", got)
			}
			narrow("the receipt")
			shot(t, b, "privacy-erase-receipt-"+size)
			st := browsertest.Get(t, b, chromedp.Evaluate[int](fmt.Sprintf(`(async () => (await fetch(%q)).status)()`, page),
				chromedp.EvalAwaitPromise))
			if st != http.StatusNotFound {
				t.Fatalf("the erased person's page answers %d", st)
			}
		})
	}
}

// The routes' roles: export for owners and managers, erasure for owners;
// a refused erasure says why on the confirm page without its button.
func TestPrivacyRoutes(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, time.March, 10, 10, 0, 0, 0, time.UTC))
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
	email, pw, person := formerTenantPage(t, e)
	login := func(email, pw string) *client {
		c := newClient(t, e.URL())
		c.login(email, pw)
		return c
	}
	get := func(c *client, path string) (int, string) {
		resp, body := c.do("GET", path, nil)
		return resp.StatusCode, body
	}
	post := func(c *client, path string) int {
		resp, _ := c.do("POST", path, url.Values{})
		return resp.StatusCode
	}
	owner := login(email, pw)
	_, mpw := createUser(t, e, "a", "manager@a.nl", account.Manager)
	manager := login("manager@a.nl", mpw)
	_, vpw := createUser(t, e, "a", "viewer@a.nl", account.Viewer)
	viewer := login("viewer@a.nl", vpw)
	export := fmt.Sprintf("/o/a/relations/%d/export", person)
	erase := fmt.Sprintf("/o/a/relations/%d/erase", person)
	for who, c := range map[string]*client{"owner": owner, "manager": manager} {
		if st, body := get(c, export); st != 200 || !strings.HasPrefix(body, "PK") {
			t.Errorf("%s export: %d", who, st)
		}
	}
	if st, _ := get(viewer, export); st != 403 {
		t.Errorf("viewer export: %d", st)
	}
	if st, _ := get(manager, erase); st != 403 {
		t.Errorf("manager erase page: %d", st)
	}
	if st := post(manager, erase); st != 403 {
		t.Errorf("manager erase: %d", st)
	}
	if st, body := get(owner, fmt.Sprintf("/o/a/relations/%d", person)); st != 200 || !strings.Contains(body, `id="relation-erase"`) {
		t.Errorf("owner's person page: %d", st)
	}
	if _, body := get(manager, fmt.Sprintf("/o/a/relations/%d", person)); strings.Contains(body, `id="relation-erase"`) ||
		!strings.Contains(body, `id="relation-export"`) {
		t.Errorf("manager's person page links")
	}
	if _, body := get(viewer, fmt.Sprintf("/o/a/relations/%d", person)); strings.Contains(body, `id="relation-export"`) {
		t.Errorf("viewer's person page offers the export")
	}
	// A running lease's tenant: the reason, no button, nothing changed.
	ctx := context.Background()
	uid, _ := e.Accounts.UserIDByEmail(ctx, email)
	a, _ := e.Accounts.ActorFor(ctx, uid, "a")
	running, err := e.Relations.CreatePerson(ctx, a, relation.PersonInput{Surname: "Blijft"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := e.Portfolio.CreateUnit(ctx, a, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: "2", Postcode: "3521 CD",
		City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "70", Segment: portfolio.SegmentVrij})
	if _, err := e.Leases.Create(ctx, a, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{running}, Start: civil.New(2025, 1, 1),
		PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 90000}}}); err != nil {
		t.Fatal(err)
	}
	st, body := get(owner, fmt.Sprintf("/o/a/relations/%d/erase", running))
	if st != 200 || !strings.Contains(body, "nog loopt") || strings.Contains(body, `id="erase-confirm"`) {
		t.Errorf("refused erasure page: %d", st)
	}
	if st := post(owner, fmt.Sprintf("/o/a/relations/%d/erase", running)); st != 409 {
		t.Errorf("refused erasure: %d", st)
	}
	if _, err := e.Relations.Get(ctx, a, running, relation.ViaWeb); err != nil {
		t.Errorf("the refused erasure changed the person: %v", err)
	}
}
