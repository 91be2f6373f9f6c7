package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/dbtest"
)

// A landlord puts a portfolio into HMS in the browser: a complex, a unit, a
// tenant (after accepting the processor agreement) and a lease; the unit is
// then let. Then a rent roll with one bad line is refused with line, column
// and reason, and the corrected file imports.
func TestBrowserPortfolioTenantLeaseAndImport(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine)
			ctx := context.Background()
			pw, _, err := e.Accounts.CreateUser(ctx,
				account.CreateUserInput{OrgSlug: "linde", OrgName: "Beheer De Linde", Email: "beheer@linde.example", Role: account.Owner})
			if err != nil {
				t.Fatal(err)
			}
			base := e.URL() + "/o/linde"
			b := browsertest.New(t)
			b.Run(t, chromedp.Navigate(e.URL()+"/login"),
				chromedp.SendKeys(css("input[name=email]"), "beheer@linde.example"),
				chromedp.SendKeys(css("input[name=password]"), pw),
				chromedp.Click(css("#login-submit")), chromedp.WaitVisible(css("#my-role")))

			// A complex.
			b.Run(t, chromedp.Navigate(base+"/complexes/new"), chromedp.WaitVisible(css("#complex-submit")),
				chromedp.SendKeys(css("#name"), "De Linde"),
				chromedp.SendKeys(css("#street"), "Lindelaan"),
				chromedp.SendKeys(css("#house_number"), "1"),
				chromedp.SendKeys(css("#postcode"), "3511ab"),
				chromedp.SendKeys(css("#city"), "Utrecht"),
				chromedp.Click(css("#complex-submit")), chromedp.WaitNotPresent(css("#complex-submit")))
			shot(t, b, "complex")

			// A unit in it, first with a bad postcode.
			b.Run(t, chromedp.Navigate(base+"/units/new"), chromedp.WaitVisible(css("#unit-submit")),
				chromedp.SendKeys(css("#street"), "Lindelaan"),
				chromedp.SendKeys(css("#house_number"), "3"),
				chromedp.SendKeys(css("#addition"), "A"),
				chromedp.SendKeys(css("#postcode"), "0123"),
				chromedp.SendKeys(css("#city"), "Utrecht"),
				chromedp.SetValue(css("#type"), "zelfstandig"),
				chromedp.SendKeys(css("#floor_area"), "62,5"),
				chromedp.SetValue(css("#segment"), "sociaal"),
				chromedp.Click(css("#unit-submit")), chromedp.WaitVisible(css("#err-postcode")))
			b.Run(t, chromedp.SetValue(css("#postcode"), "3511 AB"),
				chromedp.Click(css("#unit-submit")), chromedp.WaitVisible(css("#unit-status")))
			unitURL := b.URL(t)
			shot(t, b, "unit-vacant")

			// A tenant: first the processor agreement must be accepted.
			b.Run(t, chromedp.Navigate(base+"/privacy/processor-agreement"), chromedp.WaitVisible(css("#agreement-text")),
				chromedp.Click(css("#agreement-accept")), chromedp.WaitVisible(css("#agreement-accepted")))
			b.Run(t, chromedp.Navigate(base+"/relations/new?kind=person"), chromedp.WaitVisible(css("#relation-save")),
				chromedp.SendKeys(css("#f-initials"), "M."),
				chromedp.SendKeys(css("#f-first_names"), "Marieke"),
				chromedp.SendKeys(css("#f-surname"), "Jansen"),
				chromedp.SendKeys(css("#f-email"), "marieke@jansen.example"),
				chromedp.SendKeys(css("#f-birth_date"), "1985-04-12"),
				chromedp.Click(css("#role-tenant")),
				chromedp.Click(css("#relation-save")), chromedp.WaitNotPresent(css("#relation-save")))
			shot(t, b, "tenant")

			// A lease of the unit to the tenant.
			b.Run(t, chromedp.Navigate(base+"/leases/new"), chromedp.WaitVisible(css("#lease-submit")),
				chromedp.SetValue(css("#start_date"), "2026-03-01"))
			b.Run(t,
				chromedp.Click(css(`#unit_ids-options input[name="unit_ids"]`)),
				chromedp.Click(css(`#tenant_ids-options input[name="tenant_ids"]`)),
				chromedp.SetValue(css("#component-0-amount"), "812,50"),
				chromedp.SetValue(css("#deposit"), "1625,00"),
				chromedp.Click(css("#lease-submit")), chromedp.WaitVisible(css("#lease-status")))
			if got := b.Text(t, "#parties"); !strings.Contains(got, "Jansen") {
				t.Fatalf("lease parties: %q", got)
			}
			shot(t, b, "lease")
			b.Run(t, chromedp.Navigate(unitURL), chromedp.WaitVisible(css("#unit-status")))
			if got := b.Text(t, "#unit-status"); !strings.Contains(strings.ToLower(got), "verhuurd") {
				t.Fatalf("unit status after the lease: %q", got)
			}

			// A rent roll with one bad line.
			dir := t.TempDir()
			file := filepath.Join(dir, "huurlijst.csv")
			rows := "straat;huisnummer;postcode;plaats;type;oppervlakte;segment;huurder_nummer;achternaam;contractnummer;ingangsdatum;kale_huur\n" +
				"Lindelaan;5;3511 AB;Utrecht;zelfstandig;48;sociaal;D-7;Bakker;HC-7;1-1-2026;745,00\n" +
				"Lindelaan;7;3511 AB;Utrecht;zelfstandig;51;sociaal;D-8;Visser;HC-8;1-1-2026;veel\n"
			if err := os.WriteFile(file, []byte(rows), 0o600); err != nil {
				t.Fatal(err)
			}
			// A file that is not a rent roll at all: the reason in Dutch.
			odd := filepath.Join(dir, "kleuren.csv")
			if err := os.WriteFile(odd, []byte("straat;kleur\nLindelaan;rood\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			b.Run(t, chromedp.Navigate(base+"/import"), chromedp.WaitVisible(css("#import-submit")),
				chromedp.SetUploadFiles(css("#import-file"), []string{odd}),
				chromedp.Click(css("#import-submit")), chromedp.WaitVisible(css("#import-problem")))
			if got := b.Text(t, "#import-problem"); got != "Onbekende kolommen: kleur. Zie de lijst met kolommen hieronder." {
				t.Fatalf("format problem: %q", got)
			}
			b.Run(t, chromedp.Navigate(base+"/import"), chromedp.WaitVisible(css("#import-submit")),
				chromedp.SetUploadFiles(css("#import-file"), []string{file}),
				chromedp.Click(css("#import-submit")), chromedp.WaitVisible(css("#import-errors")))
			if got := b.Text(t, "#import-errors"); !strings.Contains(got, "3") || !strings.Contains(got, "kale_huur") {
				t.Fatalf("import errors: %q", got)
			}
			shot(t, b, "import-errors")
			if err := os.WriteFile(file, []byte(strings.Replace(rows, "veel", "790,00", 1)), 0o600); err != nil {
				t.Fatal(err)
			}
			b.Run(t, chromedp.Click(css("#import-again")), chromedp.WaitVisible(css("#import-submit")),
				chromedp.SetUploadFiles(css("#import-file"), []string{file}),
				chromedp.Click(css("#import-submit")), chromedp.WaitVisible(css("#import-done")))
			if got := b.Text(t, "#import-done"); !strings.Contains(got, "2 eenheden") ||
				!strings.Contains(b.Text(t, "#import-new"), "Nieuw: 2 eenheden") {
				t.Fatalf("import result: %q", got)
			}
			shot(t, b, "import-done")
			// The same file again: nothing new, all of it unchanged.
			b.Run(t, chromedp.Navigate(base+"/import"), chromedp.WaitVisible(css("#import-submit")),
				chromedp.SetUploadFiles(css("#import-file"), []string{file}),
				chromedp.Click(css("#import-submit")), chromedp.WaitVisible(css("#import-done")))
			if got := b.Text(t, "#import-unchanged"); !strings.Contains(got, "2 eenheden") ||
				!strings.Contains(b.Text(t, "#import-new"), "Nieuw: 0 eenheden") {
				t.Fatalf("re-import result: %q", got)
			}
			b.Run(t, chromedp.Navigate(base+"/units"), chromedp.WaitVisible(css("main table")))
			if got := b.Text(t, "main table"); !strings.Contains(got, "Lindelaan 5") || !strings.Contains(got, "Lindelaan 7") {
				t.Fatalf("units after import: %q", got)
			}
			for _, msg := range b.ConsoleErrors() {
				if !strings.Contains(msg, "status of 422") {
					t.Errorf("browser console: %s", msg)
				}
			}
		})
	}
}
