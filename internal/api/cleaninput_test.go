package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"hms/internal/app/apptest"
)

// rawCall posts body and returns the status, the raw answer and the
// problem's errors as location → message.
func rawCall(t *testing.T, base, token, method, path, body string) (int, string, map[string]string) {
	t.Helper()
	req, _ := http.NewRequest(method, base+"/api/v1"+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "en")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var prob struct {
		Errors []struct{ Location, Message string }
	}
	_ = json.Unmarshal(b, &prob)
	errs := map[string]string{}
	for _, e := range prob.Errors {
		errs[e.Location] = e.Message
	}
	return resp.StatusCode, string(b), errs
}

// Clean input at the API (hardening issue, "clean input"): a NUL (which
// PostgreSQL refused with a 500 and SQLite stored), a right-to-left override
// and bytes that are not UTF-8, sent in a complex's name or a unit's city,
// are refused at that field with a message and store nothing; a newline is
// refused in a one-line field and taken in a multi-line one.
func TestAPIRefusesNULBidiAndBrokenUTF8AtTheField(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := setupOrg(t, e, "alpha")
		tok := a.tokens["admin"]
		for _, bad := range []string{`Ho\u0000f`, `Hof\u202egpj.exe`, "Ho\xfff", `Ho\u0007f`, `Hof\nTwee`} {
			body := fmt.Sprintf(`{"name":"%s","street":"Parklaan","house_number":1,"postcode":"3511aa","city":"Utrecht"}`, bad)
			st, raw, errs := rawCall(t, e.URL(), tok, "POST", "/complexes", body)
			if st != 422 || !strings.Contains(errs["body.name"], "characters that do not belong here") {
				t.Errorf("complex named %q: %d %s, want 422 at body.name", bad, st, raw)
			}
		}
		body := `{"street":"Markt","house_number":1,"postcode":"3511AA","city":"Utr\u0000echt","type":"zelfstandig","segment":"sociaal"}`
		if st, raw, errs := rawCall(t, e.URL(), tok, "POST", "/units", body); st != 422 || errs["body.city"] == "" {
			t.Errorf("unit city with NUL: %d %s", st, raw)
		}
		ca := call{t, e.URL(), tok}
		if st, list := ca.do("GET", "/complexes", ""); st != 200 || fmt.Sprint(list["items"]) != "[]" {
			t.Fatalf("refused complexes were stored: %d %v", st, list)
		}
		if st, list := ca.do("GET", "/units", ""); st != 200 || fmt.Sprint(list["items"]) != "[]" {
			t.Fatalf("refused unit was stored: %d %v", st, list)
		}
		// A multi-line field (the complaints point's address) keeps its lines.
		settings := `{"landlord_name":"","landlord_address":"","landlord_phone":"","landlord_email":"","meldpunt":"Meldpunt\nStadhuis 1",` +
			`"deposit_return_days":14,"deposit_deduction_days":30,"extra_information":""}`
		if st, s := ca.do("PUT", "/lease-settings", settings); st != 200 || s["meldpunt"] != "Meldpunt\nStadhuis 1" {
			t.Fatalf("multi-line meldpunt: %d %v", st, s)
		}
		bidi := strings.Replace(settings, `Meldpunt\n`, `Meldpunt\u202e`, 1)
		if st, raw, errs := rawCall(t, e.URL(), tok, "PUT", "/lease-settings", bidi); st != 422 || errs["body.meldpunt"] == "" {
			t.Fatalf("bidi override in meldpunt: %d %s", st, raw)
		}
	})
}

// An impossible date (30 February) is an error at its own field with a
// message, not Go's parse error at "body"; and no problem document quotes
// the request back (huma put the raw body in errors[].value).
func TestAPIInvalidDateIsAFieldErrorAndNothingIsEchoed(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := setupOrg(t, e, "alpha")
		homes, _, tenant := leaseSetup(t, e, a)
		tok := a.tokens["admin"]
		body := fmt.Sprintf(`{"unit_ids":[%d],"tenant_ids":[%d],"start_date":"2026-02-30","reference":"SECRET-REF-1",`+
			`"components":[{"kind":"bare_rent","amount_cents":93000}]}`, homes[0], tenant)
		st, raw, errs := rawCall(t, e.URL(), tok, "POST", "/leases", body)
		if st != 422 || errs["body.start_date"] != "This is not a valid date (write YYYY-MM-DD)." {
			t.Fatalf("30 February: %d %s, want 422 at body.start_date", st, raw)
		}
		for _, c := range []struct{ body, what string }{
			{body, "the invalid date"},
			{strings.Replace(body, `93000`, `"SECRET-AMOUNT"`, 1), "a string for a number"},
			{strings.TrimSuffix(body, "}"), "broken JSON"},
		} {
			st, raw, _ := rawCall(t, e.URL(), tok, "POST", "/leases", c.body)
			if st < 400 || strings.Contains(raw, "SECRET") || strings.Contains(raw, "2026-02-30") || strings.Contains(raw, "civil:") {
				t.Errorf("%s: %d, and the answer echoes the request: %s", c.what, st, raw)
			}
		}
		// The same date in a query parameter is refused at that parameter.
		if st, raw, errs := rawCall(t, e.URL(), tok, "GET", "/rent-increases?effective_date=2026-02-30", ""); st != 422 ||
			errs["query.effective_date"] == "" || strings.Contains(raw, "2026-02-30") {
			t.Errorf("query date 2026-02-30: %d %s", st, raw)
		}
	})
}
