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
	"hms/internal/platform/browsertest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/relation"
)

// An owner restricts a person's processing from the person's page (1280
// and 390 px): the page and the relation list show the mark; lifting it
// takes the mark away.
func TestRestrictionBrowser(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
	uid, pw := createUser(t, e, "a", "eigenaar@a.nl", account.Owner)
	owner, err := e.Accounts.ActorFor(context.Background(), uid, "a")
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.Relations.CreatePerson(context.Background(), owner, relation.PersonInput{FirstNames: "Anna", Surname: "Beperktmans"})
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("%s/o/a/relations/%d", e.URL(), p)
	for _, width := range []struct {
		name string
		new  func(testing.TB) *browsertest.Browser
	}{{"1280px", browsertest.New}, {"390px", browsertest.NewMobile}} {
		t.Run(width.name, func(t *testing.T) {
			b := width.new(t)
			browserLogin(t, b, e.URL(), "eigenaar@a.nl", pw)
			b.Run(t, chromedp.Navigate(page), chromedp.WaitVisible(css("#restriction-set")),
				chromedp.SetValue(css("#f-ground"), "accuracy"), chromedp.Click(css("#restriction-set")),
				chromedp.WaitVisible(css("#restricted-flag")))
			state := browsertest.Get(t, b, chromedp.Evaluate[string](`document.querySelector("#restriction-state").innerText`))
			over := browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`))
			if !strings.Contains(state, "Verwerking beperkt") || !strings.Contains(state, "15 maart 2026") ||
				!strings.Contains(state, "juistheid") || over {
				t.Errorf("state %q, scrolls sideways: %v", state, over)
			}
			shot(t, b, "restriction-"+width.name)
			b.Run(t, chromedp.Navigate(e.URL()+"/o/a/relations"), chromedp.WaitVisible(css("#relations mark.restricted")))
			b.Run(t, chromedp.Navigate(page), chromedp.Click(css("#restriction-lift")), chromedp.WaitNotPresent(css("#restricted-flag")),
				chromedp.WaitVisible(css("#restriction-set")))
		})
	}
}

// Over HTTP on both engines: a manager records an objection (a rejection
// without its grounds comes back at the field) and a viewer cannot; an
// upheld decision marks the person; another organisation gets 404.
func TestObjectionPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			uid, _ := createUser(t, e, "a", "eigenaar@a.nl", account.Owner)
			_, mpw := createUser(t, e, "a", "beheer@a.nl", account.Manager)
			_, bpw := createUser(t, e, "b", "eigenaar@b.nl", account.Owner)
			owner, _ := e.Accounts.ActorFor(context.Background(), uid, "a")
			p, err := e.Relations.CreatePerson(context.Background(), owner, relation.PersonInput{FirstNames: "Anna", Surname: "Bezwaar"})
			if err != nil {
				t.Fatal(err)
			}
			manager := newClient(t, e.URL())
			manager.login("beheer@a.nl", mpw)
			base := fmt.Sprintf("/o/a/relations/%d", p)
			bad := url.Values{"processing": {"dunning"}, "grounds": {"Geen aanmaningen"}, "received_on": {"2026-03-10"},
				"decision": {"rejected"}}
			if resp, body := manager.do("POST", base+"/objections", bad); resp.StatusCode != 422 || !strings.Contains(body, `id="err-reason"`) {
				t.Fatalf("rejection without grounds: %d", resp.StatusCode)
			}
			bad.Set("decision", "pending")
			if resp, _ := manager.do("POST", base+"/objections", bad); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("record: %d", resp.StatusCode)
			}
			body := mustBody(t, manager, base)
			oid := between(body, `<div class="objection" id="objection-`, `">`)
			oid = strings.TrimPrefix(oid, `<div class="objection" id="objection-`)
			if oid == "" || !strings.Contains(body, "Geen aanmaningen") || strings.Contains(body, `id="restricted-flag"`) {
				t.Fatalf("page: %.3000s", body)
			}
			other := newClient(t, e.URL())
			other.login("eigenaar@b.nl", bpw)
			if resp, _ := other.do("POST", "/o/a"+strings.TrimPrefix(base, "/o/a")+"/objections/"+oid+"/decide",
				url.Values{"decide.decision": {"upheld"}}); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("another organisation: %d", resp.StatusCode)
			}
			if resp, _ := manager.do("POST", base+"/objections/"+oid+"/decide", url.Values{"decide.decision": {"upheld"}}); resp.StatusCode !=
				http.StatusSeeOther {
				t.Fatalf("decide: %d", resp.StatusCode)
			}
			if body := mustBody(t, manager, base); !strings.Contains(body, `id="restricted-flag"`) {
				t.Fatal("an upheld objection did not mark the person")
			}
		})
	}
}
