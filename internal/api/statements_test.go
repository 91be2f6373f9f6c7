package api_test

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/platform/dbtest"
)

// A statement through the API: refused naming the account, then imported
// with it added; a second import stores nothing; the lines list and a line
// in review is put aside; the other organisation sees none of it.
func TestBankStatementsAPI(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "bankfile", "testdata", "mt940", "ing-mt940-mijn-ing-zakelijk-spec-example.txt"))
	if err != nil {
		t.Fatal(err)
	}
	body := func(add bool) string {
		return fmt.Sprintf(`{"file_name":"ing.txt","content":%q,"add_account":%v}`, base64.StdEncoding.EncodeToString(data), add)
	}
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			ca, cb := call{t, e.URL(), a.tokens["admin"]}, call{t, e.URL(), b.tokens["admin"]}
			st, prob := ca.do("POST", "/bank-statements", body(false))
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "NL69INGB0123456789") {
				t.Fatalf("unknown account: %d %v", st, prob)
			}
			st, res := ca.do("POST", "/bank-statements", body(true))
			if st != 200 || res["entries"] != float64(8) || res["new"] != float64(8) || fmt.Sprint(res["added_accounts"]) != "[NL69INGB0123456789]" {
				t.Fatalf("import: %d %v", st, res)
			}
			if st, res := ca.do("POST", "/bank-statements", body(false)); st != 200 || res["new"] != float64(0) || res["duplicates"] != float64(8) {
				t.Fatalf("again: %d %v", st, res)
			}
			broken := strings.Replace(string(data), ":62F:C", ":62F:X", 1)
			st, prob = ca.do("POST", "/bank-statements", fmt.Sprintf(`{"content":%q,"add_account":true}`, base64.StdEncoding.EncodeToString([]byte(broken))))
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "line ") {
				t.Fatalf("broken: %d %v", st, prob)
			}
			_, lines := ca.do("GET", "/bank-lines?state=review&limit=50", "")
			items := lines["items"].([]any)
			if len(items) == 0 {
				t.Fatalf("no lines in review: %v", lines)
			}
			id := fmt.Sprint(items[0].(map[string]any)["id"])
			if st, line := ca.do("POST", "/bank-lines/"+id+"/ignore", `{"note":""}`); st != 422 {
				t.Fatalf("ignore without a note: %d %v", st, line)
			}
			if st, line := ca.do("POST", "/bank-lines/"+id+"/ignore", `{"note":"own transfer"}`); st != 200 || line["state"] != "ignored" {
				t.Fatalf("ignore: %d %v", st, line)
			}
			if st, _ := cb.do("GET", "/bank-lines/"+id, ""); st != 404 {
				t.Fatalf("beta reads alpha's line: %d", st)
			}
			if _, l := cb.do("GET", "/bank-lines", ""); len(l["items"].([]any)) != 0 {
				t.Fatalf("beta's lines: %v", l)
			}
		})
	}
}
