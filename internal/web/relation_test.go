package web_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

func relationForm(kv ...string) url.Values {
	f := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Add(kv[i], kv[i+1])
	}
	return f
}

var relLocation = regexp.MustCompile(`^/o/a/relations/(\d+)$`)

// The relation pages as a manager and an owner use them: errors at the
// fields with the values kept, the processor agreement gate with its link,
// the detail page with its access log, search, sort and CSV export, contact
// persons, privacy settings; and another organisation sees nothing.
func TestRelationPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, 3, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			_, ownerPW := createUser(t, e, "a", "owner@a.nl", account.Owner)
			_, managerPW := createUser(t, e, "a", "manager@a.nl", account.Manager)
			_, strangerPW := createUser(t, e, "b", "owner@b.nl", account.Owner)
			owner, manager, stranger := newClient(t, e.URL()), newClient(t, e.URL()), newClient(t, e.URL())
			owner.login("owner@a.nl", ownerPW)
			manager.login("manager@a.nl", managerPW)
			stranger.login("owner@b.nl", strangerPW)

			resp, body := manager.do("GET", "/o/a/relations", nil)
			if resp.StatusCode != 200 || !strings.Contains(body, `id="nav-relations"`) || !strings.Contains(body, `id="agreement-notice"`) {
				t.Fatalf("list page: %d %.300s", resp.StatusCode, body)
			}
			if resp, body := manager.do("GET", "/o/a/relations/new?kind=person", nil); resp.StatusCode != 200 ||
				!strings.Contains(body, `name="surname"`) ||
				strings.Contains(body, `name="birth_place"`) {
				t.Fatalf("new person form: %d", resp.StatusCode)
			}

			// Bad input: 422, the error at its field, the values kept.
			bad := relationForm("kind", "person", "initials", "j.", "surname", "Jansen", "street", "Dorpsstraat", "house_number", "1",
				"postcode", "1234 AB", "city", "Ergens", "ibans[0]", "NL91ABNA0417164301", "email", "jan@jansen.example", "roles", "guarantor")
			resp, body = manager.do("POST", "/o/a/relations", bad)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-ibans[0]"`) ||
				!strings.Contains(body, `value="jan@jansen.example"`) || !strings.Contains(body, `aria-invalid="true"`) {
				t.Fatalf("bad IBAN: %d %s", resp.StatusCode, body)
			}
			// A tenant before the processor agreement: 409 with a link to it.
			tenant := relationForm("kind", "person", "initials", "J.", "surname", "Jansen", "birth_date", "21-7-1984", "roles", "tenant",
				"email", "jan@jansen.example", "phones[0]", "06 12345678", "ibans[0]", "NL91 ABNA 0417 1643 00")
			resp, body = manager.do("POST", "/o/a/relations", tenant)
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `href="/o/a/privacy/processor-agreement"`) ||
				!strings.Contains(body, `id="agreement-required-link"`) {
				t.Fatalf("tenant before agreement: %d %s", resp.StatusCode, body)
			}
			// Only an owner accepts.
			if resp, _ := manager.do("POST", "/o/a/privacy/processor-agreement",
				url.Values{"version": {"2026-01"}}); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("manager accepted: %d", resp.StatusCode)
			}
			if resp, body := manager.do("GET", "/o/a/privacy/processor-agreement", nil); resp.StatusCode != 200 ||
				!strings.Contains(body, `id="agreement-owner-only"`) || !strings.Contains(body, "Verwerkersovereenkomst HMS") {
				t.Fatalf("agreement page for a manager: %d", resp.StatusCode)
			}
			if resp, body := owner.do("POST", "/o/a/privacy/processor-agreement", url.Values{"version": {"2019-01"}}); resp.StatusCode != 422 ||
				!strings.Contains(body, `id="err-version"`) {
				t.Fatalf("wrong version: %d", resp.StatusCode)
			}
			if resp, _ := owner.do("POST", "/o/a/privacy/processor-agreement",
				url.Values{"version": {"2026-01"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("owner accepts: %d", resp.StatusCode)
			}
			if _, body := manager.do("GET", "/o/a/privacy/processor-agreement", nil); !strings.Contains(body, `id="agreement-accepted"`) {
				t.Fatal("acceptance not shown")
			}
			resp, _ = manager.do("POST", "/o/a/relations", tenant)
			m := relLocation.FindStringSubmatch(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusSeeOther || m == nil {
				t.Fatalf("create tenant: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			id := m[1]
			resp, body = manager.do("GET", "/o/a/relations/"+id, nil)
			if resp.StatusCode != 200 || !strings.Contains(body, "J. Jansen") || !strings.Contains(body, "NL91 ABNA 0417 1643 00") ||
				!strings.Contains(body, `id="flash"`) || !strings.Contains(body, "jan@jansen.example") || strings.Contains(body, `id="minor-flag"`) {
				t.Fatalf("detail page: %d %s", resp.StatusCode, body)
			}
			// The second look shows the first in the access log.
			_, body = owner.do("GET", "/o/a/relations/"+id, nil)
			if !regexp.MustCompile(`(?s)id="access-log".*manager@a\.nl.*web`).MatchString(body) {
				t.Fatalf("access log on the page: %s", body)
			}
			// A minor, as contact.
			resp, _ = manager.do("POST", "/o/a/relations",
				relationForm("kind", "person", "initials", "K.", "surname", "Kind", "birth_date", "2012-05-01", "roles", "contact"))
			kid := relLocation.FindStringSubmatch(resp.Header.Get("Location"))
			if kid == nil {
				t.Fatalf("create minor: %d", resp.StatusCode)
			}
			if _, body := manager.do("GET", "/o/a/relations/"+kid[1], nil); !strings.Contains(body, `id="minor-flag"`) {
				t.Fatal("no minor flag")
			}
			// Edit: the form holds the stored values; a change is saved.
			resp, body = manager.do("GET", "/o/a/relations/"+id+"/edit", nil)
			if resp.StatusCode != 200 || !strings.Contains(body, `value="21-7-1984"`) || !strings.Contains(body, `value="NL91 ABNA 0417 1643 00"`) ||
				!regexp.MustCompile(`value="tenant" id="role-tenant" checked`).MatchString(body) {
				t.Fatalf("edit form: %d %s", resp.StatusCode, body)
			}
			tenant.Set("surname", "Janssen")
			if resp, _ := manager.do("POST", "/o/a/relations/"+id, tenant); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("update: %d", resp.StatusCode)
			}
			// Search, sort, CSV.
			for _, q := range []string{"janss", "jan@jansen.example", "nl91abna0417164300", "0612345678"} {
				_, body = manager.do("GET", "/o/a/relations?q="+url.QueryEscape(q), nil)
				if !strings.Contains(body, "Janssen, J.") || strings.Contains(body, "Kind, K.") {
					t.Errorf("search %q: %s", q, body)
				}
			}
			_, body = manager.do("GET", "/o/a/relations?sort=name&dir=desc", nil)
			if strings.Index(body, "Kind, K.") > strings.Index(body, "Janssen, J.") || !strings.Contains(body, `aria-sort="descending"`) {
				t.Fatal("descending name sort")
			}
			_, body = manager.do("GET", "/o/a/relations?role=tenant", nil)
			if !strings.Contains(body, "Janssen, J.") || strings.Contains(body, "Kind, K.") {
				t.Fatal("role filter")
			}
			resp, body = manager.do("GET", "/o/a/relations?format=csv&sort=name", nil)
			cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
			cr.Comma = ';'
			rows, err := cr.ReadAll()
			if err != nil || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || len(rows) != 3 || rows[0][0] != "Naam" ||
				rows[1][0] != "Janssen, J." || rows[1][2] != "Huurder" || rows[2][0] != "Kind, K." {
				t.Fatalf("CSV: %v %v", rows, err)
			}

			// A company with a contact person found by search.
			resp, _ = manager.do("POST", "/o/a/relations", relationForm("kind", "company", "name", "Glans Schoonmaak BV", "legal_form", "bv",
				"kvk", "12345678", "ibans[0]", "NL02ABNA0123456789", "roles", "supplier", "supplier_categories", "schoonmaak, glas"))
			cm := relLocation.FindStringSubmatch(resp.Header.Get("Location"))
			if cm == nil {
				t.Fatalf("create company: %d", resp.StatusCode)
			}
			cid := cm[1]
			_, body = manager.do("GET", "/o/a/relations/"+cid+"?contact_q=janss", nil)
			if !strings.Contains(body, `id="contact-candidates"`) || !strings.Contains(body, fmt.Sprintf(`name="person_id" value="%s"`, id)) {
				t.Fatalf("contact search: %s", body)
			}
			if resp, _ := manager.do("POST", "/o/a/relations/"+cid+"/contacts",
				url.Values{"person_id": {id}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("link contact: %d", resp.StatusCode)
			}
			// Editing the company keeps its contact person.
			if resp, _ := manager.do("POST", "/o/a/relations/"+cid,
				relationForm("kind", "company", "name", "Glans Schoonmaak B.V.", "legal_form", "bv",
					"kvk", "12345678", "ibans[0]", "NL02ABNA0123456789", "roles", "supplier")); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("update company: %d", resp.StatusCode)
			}
			if _, body := manager.do("GET", "/o/a/relations/"+cid, nil); !strings.Contains(body, "Glans Schoonmaak B.V.") ||
				!strings.Contains(body, "J. Janssen") {
				t.Fatalf("company page: %s", body)
			}
			if resp, _ := manager.do("POST", "/o/a/relations/"+cid+"/contacts/"+id+"/remove", url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("unlink: %d", resp.StatusCode)
			}
			if resp, _ := manager.do("POST", "/o/a/relations/"+cid+"/contacts", url.Values{"person_id": {cid}}); resp.StatusCode != 422 {
				t.Fatalf("a company as contact person: %d", resp.StatusCode)
			}

			// Privacy settings: a manager reads, an owner turns birth place on.
			if resp, body := manager.do("GET", "/o/a/privacy/settings", nil); resp.StatusCode != 200 ||
				!strings.Contains(body, `id="privacy-settings-view"`) {
				t.Fatalf("settings for a manager: %d", resp.StatusCode)
			}
			if resp, body := owner.do("POST", "/o/a/privacy/settings",
				url.Values{"birth_place": {"on"}, "birth_place_purpose": {"kort"}}); resp.StatusCode != 422 ||
				!strings.Contains(body, `id="err-birth_place_purpose"`) {
				t.Fatalf("purpose too short: %d", resp.StatusCode)
			}
			if resp, _ := owner.do("POST", "/o/a/privacy/settings",
				url.Values{"birth_place": {"on"},
					"birth_place_purpose": {"Vereist door de gemeente voor de huisvestingsvergunning."}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("enable birth place: %d", resp.StatusCode)
			}
			if _, body := manager.do("GET", "/o/a/relations/new?kind=person", nil); !strings.Contains(body, `name="birth_place"`) ||
				!strings.Contains(body, "huisvestingsvergunning") {
				t.Fatal("birth place not in the form after turning it on")
			}

			// Another organisation: not found, and nothing of A in its list.
			for _, p := range []string{"/o/b/relations/" + id, "/o/b/relations/" + id + "/edit"} {
				if resp, _ := stranger.do("GET", p, nil); resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s from B: %d", p, resp.StatusCode)
				}
			}
			if resp, _ := stranger.do("POST", "/o/b/relations/"+id, tenant); resp.StatusCode != http.StatusNotFound {
				t.Errorf("update from B: %d", resp.StatusCode)
			}
			if _, body := stranger.do("GET", "/o/b/relations?q=janss", nil); strings.Contains(body, "Janssen") {
				t.Error("B found A's relation")
			}
			if hits := apptest.FindPlaintext(t, e.DB, "Janssen", "jan@jansen", "NL91ABNA0417164300", "06 12345678"); len(hits) > 0 {
				t.Fatalf("plaintext: %v", hits)
			}
		})
	}
}

// The pages in Chromium, with screenshots for people to look at
// (HMS_TEST_ARTIFACTS).
func TestBrowserRelations(t *testing.T) {
	e := apptest.Start(t, "sqlite")
	_, pw := createUser(t, e, "a", "eigenaar@a.nl", account.Owner)
	b := browsertest.New(t)
	base := e.URL()
	b.Run(t, chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(css("input[name=email]"), "eigenaar@a.nl"),
		chromedp.SendKeys(css("input[name=password]"), pw),
		chromedp.Click(css("#login-submit")), chromedp.WaitVisible(css("#my-role")))
	b.Run(t, chromedp.Click(css("#nav-relations")), chromedp.WaitVisible(css("#relations")))
	shot(t, b, "relations-empty")
	b.Run(t, chromedp.Click(css("#new-person")), chromedp.WaitVisible(css("#relation-save")),
		chromedp.SendKeys(css(`input[name=initials]`), "a.m."),
		chromedp.SendKeys(css(`input[name=surname_prefix]`), "van der"),
		chromedp.SendKeys(css(`input[name=surname]`), "Heijden"),
		chromedp.SendKeys(css(`input[name=postcode]`), "0123"),
		chromedp.SendKeys(css(`input[name="ibans[0]"]`), "NL91ABNA0417164301"),
		chromedp.Click(css("#role-tenant")),
		chromedp.Click(css("#relation-save")), chromedp.WaitVisible(css(`[id="err-ibans[0]"]`)))
	if got := b.Text(t, `[id="err-ibans[0]"]`); !strings.Contains(got, "IBAN") {
		t.Fatalf("IBAN error: %q", got)
	}
	shot(t, b, "relation-form-errors")
	b.Run(t,
		chromedp.Clear(css(`input[name=postcode]`)),
		chromedp.SetValue(css(`input[name="ibans[0]"]`), "NL91 ABNA 0417 1643 00"),
		chromedp.Click(css("#relation-save")), chromedp.WaitVisible(css("#agreement-required-link")))
	shot(t, b, "relation-agreement-required")
	b.Run(t, chromedp.Click(css("#agreement-required-link")), chromedp.WaitVisible(css("#agreement-accept")))
	shot(t, b, "processor-agreement")
	b.Run(t, chromedp.Click(css("#agreement-accept")), chromedp.WaitVisible(css("#agreement-accepted")))
	b.Run(t, chromedp.Navigate(base+"/o/a/relations/new?kind=person"), chromedp.WaitVisible(css("#relation-save")),
		chromedp.SendKeys(css(`input[name=initials]`), "a.m."),
		chromedp.SendKeys(css(`input[name=first_names]`), "Anna Maria"),
		chromedp.SendKeys(css(`input[name=surname_prefix]`), "van der"),
		chromedp.SendKeys(css(`input[name=surname]`), "Heijden"),
		chromedp.SendKeys(css(`input[name=street]`), "Zeeburgerdijk"),
		chromedp.SendKeys(css(`input[name=house_number]`), "112"),
		chromedp.SendKeys(css(`input[name=postcode]`), "1094aa"),
		chromedp.SendKeys(css(`input[name=city]`), "Amsterdam"),
		chromedp.SendKeys(css(`input[name=email]`), "anna@voorbeeld.nl"),
		chromedp.SendKeys(css(`input[name=birth_date]`), "21-7-1984"),
		chromedp.SendKeys(css(`input[name="ibans[0]"]`), "NL91 ABNA 0417 1643 00"),
		chromedp.Click(css("#role-tenant")),
		chromedp.Click(css("#relation-save")), chromedp.WaitVisible(css("#relation-facts")))
	if got := b.Text(t, "#relation-name"); got != "A.M. van der Heijden" {
		t.Fatalf("detail heading %q", got)
	}
	shot(t, b, "relation-detail")
	b.Run(t, chromedp.Click(css("#nav-relations")), chromedp.WaitVisible(css("#relations")),
		chromedp.SendKeys(css("#list-q"), "heij"), clickAndLoad("#list-search", "#relations"))
	if got := b.Text(t, "#relations tbody"); !strings.Contains(got, "Heijden, A.M. van der") {
		t.Fatalf("search result %q", got)
	}
	shot(t, b, "relations-search")
	b.Run(t, chromedp.Click(css("#privacy-settings-link")), chromedp.WaitVisible(css("#privacy-save")))
	shot(t, b, "privacy-settings")
	for _, msg := range b.ConsoleErrors() {
		if !strings.Contains(msg, "status of 422") && !strings.Contains(msg, "status of 409") {
			t.Errorf("browser console: %s", msg)
		}
	}
}
