package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/rentincrease"
)

// The rent-increase pages (DOMAIN §4.1, §2.1): proposing for 1 July 2027
// without a published social cap says where to enter it and links to the
// caps page; a caps file is checked per line (nothing stored while one is
// wrong), then the proposal is €800.00 + 3.5% = €828.00; the free-sector
// objection text (kantonrechter) is a setting of its own.
func TestRentIncreaseCapsImportPage(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			owner, pw, _ := riSetup(t, e, "a")
			c := newClient(t, e.URL())
			c.login("owner@a.example", pw)

			if resp, _ := c.do("POST", "/o/a/rent-increases", url.Values{"effective_date": {"2027-07-01"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("propose: %d", resp.StatusCode)
			}
			body := mustBody(t, c, "/o/a/rent-increases?date=2027-07-01")
			if !strings.Contains(body, "Het maximum voor sociale huur in 2027 is nog niet bekend") || !strings.Contains(body,
				"Maxima, CPI en brief") ||
				!strings.Contains(body, `href="/o/a/rent-increases/settings#caps" class="ri-caps-link"`) {
				t.Fatalf("no way to the caps page: %.900s", body[max(strings.Index(body, "ri-notes\"><small"), 0):])
			}

			resp, body := c.postFiles("/o/a/rent-increases/settings/caps/import", nil, "caps_file", "maxima.csv",
				[]byte("sociaal;2027;3,5;https://www.rijksoverheid.nl/2027\nvrije sector;2027;veel;x\n"))
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="caps-errors"`) ||
				!strings.Contains(body, "Regel 2, percent: Vul") || !strings.Contains(body, `id="err-caps-file"`) {
				t.Fatalf("bad caps file: %d %.5000s", resp.StatusCode, body)
			}
			if caps, _ := e.RentIncreases.Caps(t.Context(), owner); len(caps) != len(rentincrease.BuiltinCaps()) {
				t.Fatal("a bad file stored caps")
			}
			resp, body = c.postFiles("/o/a/rent-increases/settings/caps/import", nil, "caps_file", "maxima.csv",
				[]byte("segment;year;percent;source\nsociaal;2027;3,5;https://www.rijksoverheid.nl/2027\n"))
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="caps-imported"`) || !strings.Contains(body, "1 nieuw") {
				t.Fatalf("caps file: %d %.5000s", resp.StatusCode, body)
			}
			c.do("POST", "/o/a/rent-increases", url.Values{"effective_date": {"2027-07-01"}})
			if body = mustBody(t, c, "/o/a/rent-increases?date=2027-07-01"); !strings.Contains(body, "828,00") || strings.Contains(body,
				"ri-caps-link") {
				t.Fatalf("with the imported cap: %.5000s", body)
			}

			form := url.Values{"sender_name": {""}, "objection_text": {rentincrease.DefaultObjectionText},
				"objection_text_free": {"Bezwaar: kantonrechter Utrecht."}}
			if resp, _ := c.do("POST", "/o/a/rent-increases/settings/letter", form); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("letter settings: %d", resp.StatusCode)
			}
			if body = mustBody(t, c, "/o/a/rent-increases/settings"); !strings.Contains(body, "Bezwaar: kantonrechter Utrecht.") {
				t.Fatalf("free-sector text not kept: %.3000s", body)
			}
		})
	}
}
