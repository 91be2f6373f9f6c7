package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/relation"
)

// The retention page in Chromium at 1280 and 390 px: reached from the
// privacy settings, it names the former tenant the next run erases; a
// bookkeeping period under the law's seven years comes back at its field;
// a legal hold on the person, and then one on their lease, moves them to
// the held list, and lifting it brings them back.
func TestRetentionPageBrowser(t *testing.T) {
	org := apptest.NewOrg(t, "sqlite", apptest.OrgOptions{Server: true, Now: time.Date(2029, time.March, 1, 10, 0, 0, 0, time.UTC)})
	_, pw := createUser(t, org.Env, "alpha", "eigenaar@alpha.nl", account.Owner)
	// The server ran the day's retention job at its start; the former tenant
	// comes after it, so only the page's dry run speaks of them.
	deadline := time.Now().Add(20 * time.Second)
	for org.Count(`SELECT COUNT(*) FROM jobs WHERE kind = 'privacy.retention' AND state = 'done'`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the day's retention job did not run")
		}
		time.Sleep(50 * time.Millisecond)
	}
	p := org.Person(org.Owner, relation.PersonInput{Initials: "W.", Surname: "Oudhuurder"})
	org.Lease(org.Owner, lease.Input{TenantIDs: []int64{p}, Start: civil.New(2025, 1, 1), End: civil.New(2026, 6, 30)})
	for _, width := range []struct {
		name string
		new  func(testing.TB) *browsertest.Browser
	}{{"1280px", browsertest.New}, {"390px", browsertest.NewMobile}} {
		t.Run(width.name, func(t *testing.T) {
			b := width.new(t)
			browserLogin(t, b, org.URL(), "eigenaar@alpha.nl", pw)
			b.Run(t, chromedp.Navigate(org.URL()+"/o/alpha/privacy/settings"), chromedp.Click(css("#privacy-retention-link")),
				chromedp.WaitVisible(css("#retention-preview")))
			persons := browsertest.Get(t, b, chromedp.Evaluate[string](`document.querySelector("#preview-persons").innerText`))
			if !strings.Contains(persons, "Oudhuurder") || !strings.Contains(persons, "30 juni 2028") {
				t.Errorf("the dry run names %q", persons)
			}
			over := browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`))
			if over {
				t.Error("the page scrolls sideways")
			}
			shot(t, b, "retention-"+width.name)

			// Six years of bookkeeping: refused at the field.
			b.Run(t, chromedp.SetValue(css("#f-bookkeeping"), "6"), chromedp.Click(css("#retention-save")),
				chromedp.WaitVisible(css("#err-bookkeeping")))
			msg := browsertest.Get(t, b, chromedp.Evaluate[string](`document.querySelector("#err-bookkeeping").innerText`))
			if !strings.Contains(msg, "korter") {
				t.Errorf("field error %q", msg)
			}
			shot(t, b, "retention-error-"+width.name)

			// A legal hold on the person, then lifted.
			b.Run(t, chromedp.Navigate(org.URL()+"/o/alpha/privacy/retention"), chromedp.WaitVisible(css("#retention-hold")),
				chromedp.Click(css(`#person-options input[type=radio]`)),
				chromedp.SetValue(css("#f-reason"), "Geschil over de eindafrekening"), chromedp.Click(css("#hold-place")),
				chromedp.WaitVisible(css("#preview-held-persons")), chromedp.WaitVisible(css(".hold-lift")))
			held := browsertest.Get(t, b, chromedp.Evaluate[string](`document.querySelector("#preview-held-persons").innerText`))
			if !strings.Contains(held, "Oudhuurder") {
				t.Errorf("held: %q", held)
			}
			shot(t, b, "retention-hold-"+width.name)
			b.Run(t, chromedp.Click(css(".hold-lift")), chromedp.WaitNotPresent(css(".hold-lift")),
				chromedp.WaitNotPresent(css("#preview-held-persons")), chromedp.WaitVisible(css("#preview-persons")))

			// A legal hold on the lease (chosen in the lease picker) holds its tenant too.
			b.Run(t, chromedp.Click(css(`#lease-options input[type=radio]`)),
				chromedp.SetValue(css("#f-reason"), "Procedure over de huurovereenkomst"), chromedp.Click(css("#hold-place")),
				chromedp.WaitVisible(css("#preview-held-persons")), chromedp.WaitVisible(css(".hold-lift")))
			holds := browsertest.Get(t, b, chromedp.Evaluate[string](`document.querySelector("#retention-holds").innerText`))
			if !strings.Contains(holds, "huurovereenkomst") || !strings.Contains(holds, "Procedure over de huurovereenkomst") {
				t.Errorf("holds: %q", holds)
			}
			held = browsertest.Get(t, b, chromedp.Evaluate[string](`document.querySelector("#preview-held-persons").innerText`))
			if !strings.Contains(held, "Oudhuurder") {
				t.Errorf("held by the lease: %q", held)
			}
			shot(t, b, "retention-lease-hold-"+width.name)
			b.Run(t, chromedp.Click(css(".hold-lift")), chromedp.WaitNotPresent(css(".hold-lift")),
				chromedp.WaitNotPresent(css("#preview-held-persons")))
		})
	}
}
