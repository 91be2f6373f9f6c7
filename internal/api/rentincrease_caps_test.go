package api_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// The API agrees with the pages (DOMAIN §4.1, §2.1): the 2027 proposal of
// a free-sector lease without a published cap carries a note naming the
// caps page; POST /rent-increase-caps/import checks each line (body.csv[N].
// column) and then the proposal is €1,000.00 + 4% = €1,040.00; the
// free-sector letter points to the kantonrechter, with the text set
// through the settings.
func TestRentIncreaseCapsImportAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a := setupOrg(t, e, "alpha")
			homes, _, tenant := leaseSetup(t, e, a) // free-sector homes
			ca := call{t, e.URL(), a.tokens["admin"]}
			if st, l := ca.do("POST", "/leases", fmt.Sprintf(`{"reference":"V-1","unit_ids":[%d],"tenant_ids":[%d],"start_date":"2020-01-01",
				"components":[{"kind":"bare_rent","amount_cents":100000}]}`, homes[0], tenant)); st != 201 {
				t.Fatalf("lease: %d %v", st, l)
			}
			st, out := ca.do("POST", "/rent-increases", `{"effective_date":"2027-07-01"}`)
			item := out["items"].([]any)[0].(map[string]any)
			if st != 200 || item["status"] != "skipped" || !strings.Contains(fmt.Sprint(item["notes"]), "Maxima, CPI en brief") ||
				!strings.Contains(fmt.Sprint(item["notes"]), "vrije sector in 2027") {
				t.Fatalf("2027 without a cap: %d %v", st, out)
			}
			st, prob := ca.do("POST", "/rent-increase-caps/import",
				`{"csv":"vrije_sector;2027;4;https://www.rijksoverheid.nl/2027\nvrije_sector;2027;4,1;dubbel\n"}`)
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.csv[2].year") {
				t.Fatalf("duplicate line: %d %v", st, prob)
			}
			st, res := ca.do("POST", "/rent-increase-caps/import", `{"csv":"vrije_sector;2027;4;https://www.rijksoverheid.nl/2027\n"}`)
			if st != 200 || res["added"] != float64(1) {
				t.Fatalf("import: %d %v", st, res)
			}
			_, out = ca.do("POST", "/rent-increases", `{"effective_date":"2027-07-01"}`)
			item = out["items"].([]any)[0].(map[string]any)
			if item["status"] != "draft" || item["max_cents"] != float64(104000) {
				t.Fatalf("with the imported cap: %v", item)
			}

			st, set := ca.do("PUT", "/rent-increase-settings", `{"sender_name":"","objection_text":"Bezwaar bij de Huurcommissie.",
				"objection_text_free":"Niet eens? Dan beslist de kantonrechter in Utrecht."}`)
			if st != 200 || set["objection_text_free"] != "Niet eens? Dan beslist de kantonrechter in Utrecht." {
				t.Fatalf("settings: %d %v", st, set)
			}
			_, plan := ca.do("GET", "/rent-increases/confirm-plan?effective_date=2027-07-01", "")
			body := fmt.Sprintf(`{"effective_date":"2027-07-01","expect":{"proposals":%v,"increase_cents":%v}}`,
				plan["proposals"], plan["increase_cents"])
			if st, got := ca.do("POST", "/rent-increases/confirm", body); st != 200 || got["confirmed"] != float64(1) {
				t.Fatalf("confirm: %d %v", st, got)
			}
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/rent-increases/%v/letter", e.URL(), item["id"]), nil)
			req.Header.Set("Authorization", "Bearer "+a.tokens["read"])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			pdf, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			txt := strings.Join(strings.Fields(apptest.PDFText(t, pdf)), " ")
			if !strings.Contains(txt, "Dan beslist de kantonrechter in Utrecht.") || strings.Contains(txt, "Huurcommissie") {
				t.Fatalf("free-sector letter: %s", txt)
			}
		})
	}
}
