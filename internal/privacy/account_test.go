package privacy_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/privacy"
	"hms/internal/subscription"
)

func unzip(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

func billingInput(name, email string) subscription.Input {
	return subscription.Input{Kind: subscription.Company, Name: name, Street: "Stationsplein", HouseNumber: "1",
		Postcode: "3511ed", City: "Utrecht", Email: email, KvK: "40536533", VATID: "NL000099998B57",
		IBAN: "nl91 abna 0417 1643 00", Sign: true}
}

// An account's export holds the subscription's billing details (the IBAN
// whole: their own data) and HMS's invoices where the user is the billing
// contact or an owner of the subscribing organisation, with the register's
// purpose, basis and retention; the audit actions are words, the JSON keeps
// the raw name beside them. The erasure keeps the billing and says until
// when.
func TestAccountExportHoldsBillingAndWords(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		_, staffID, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{Email: "staf@hms.nl", Name: "Staf", Staff: true})
		if err != nil {
			t.Fatal(err)
		}
		staff := account.Actor{UserID: staffID, Kind: audit.ActorStaff}
		// alpha bills the manager (not an owner); beta bills an office, its owner owns it.
		if _, err := e.Subscriptions.Subscribe(ctx, e.Owner, billingInput("Vastgoed Alfa B.V.", "Manager@Alpha.nl")); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Subscriptions.Subscribe(ctx, e.OwnerB, billingInput("Beta Beheer B.V.", "facturen@beta.example")); err != nil {
			t.Fatal(err)
		}
		today := civil.Today(e.Clock.Now())
		if n, err := e.Subscriptions.IssueMonth(ctx, civil.MonthOf(today)); err != nil || n != 2 {
			t.Fatalf("invoices: %d %v", n, err)
		}
		invs, err := e.Subscriptions.CustomerInvoices(ctx, e.Owner.OrgID)
		if err != nil || len(invs) != 1 {
			t.Fatalf("alpha's invoices: %v %v", invs, err)
		}
		if _, err := e.Accounts.Login(ctx, "manager@alpha.nl", "wrong password", "192.0.2.1"); err == nil {
			t.Fatal("signed in with a wrong password")
		}

		export := func(user int64, lang string) map[string]string {
			t.Helper()
			var b bytes.Buffer
			if err := e.Rights.ExportAccount(ctx, staff, user, lang, &b); err != nil {
				t.Fatal(err)
			}
			return unzip(t, b.Bytes())
		}
		files := export(e.Manager.UserID, "nl")
		for name, wants := range map[string][]string{
			"csv/account.billing.csv": {"alpha", "Factuurcontact", "Vastgoed Alfa B.V.", "Stationsplein 1, 3511 ED Utrecht",
				"Manager@Alpha.nl", "40536533", "NL000099998B57", "NL91ABNA0417164300"},
			"csv/account.hms_invoices.csv": {"alpha", invs[0].Number, today.Long("nl")},
			"csv/account.events.csv":       {"Mislukte inlogpoging"},
			"report.html": {"Factuurgegevens van het abonnement bij HMS", "Facturen van HMS", "art. 52 AWR",
				"zeven jaar na afloop van het boekjaar", "Mislukte inlogpoging"},
		} {
			for _, want := range wants {
				if !strings.Contains(files[name], want) {
					t.Errorf("%s does not hold %q:\n%s", name, want, files[name])
				}
			}
		}
		for name, body := range files {
			if strings.Contains(body, "Beta Beheer") {
				t.Errorf("%s holds beta's billing, which is not the manager's", name)
			}
			if name != "json/account.json" && strings.Contains(body, "user.login_failed") {
				t.Errorf("%s shows the raw audit action", name)
			}
		}
		var js struct {
			Sections []struct {
				Section string           `json:"section"`
				Legal   string           `json:"legal_basis"`
				Records []map[string]any `json:"records"`
			} `json:"sections"`
		}
		if err := json.Unmarshal([]byte(files["json/account.json"]), &js); err != nil {
			t.Fatal(err)
		}
		var raw bool
		for _, s := range js.Sections {
			for _, r := range s.Records {
				if a, ok := r["action"].(map[string]any); ok && a["name"] == "user.login_failed" && a["text"] == "Mislukte inlogpoging" {
					raw = true
				}
			}
			if s.Section == "account.hms_invoices" && (len(s.Records) != 1 || !strings.Contains(s.Legal, "6(1)(b) en (c)")) {
				t.Errorf("invoices in JSON: %+v", s)
			}
		}
		if !raw {
			t.Errorf("the JSON does not keep the raw action beside the words: %s", files["json/account.json"])
		}
		if en := export(e.Manager.UserID, "en"); !strings.Contains(en["csv/account.events.csv"], "Failed sign-in attempt") ||
			!strings.Contains(en["csv/account.billing.csv"], "Billing contact") {
			t.Errorf("English export: %q %q", en["csv/account.events.csv"], en["csv/account.billing.csv"])
		}
		// beta's owner is billed as its owner; alpha's viewer is billed nowhere.
		if b := export(e.OwnerB.UserID, "nl")["csv/account.billing.csv"]; !strings.Contains(b, "Eigenaar van de organisatie") ||
			!strings.Contains(b, "Beta Beheer B.V.") || strings.Contains(b, "Vastgoed Alfa") {
			t.Errorf("beta's owner's billing: %q", b)
		}
		for _, f := range []string{"csv/account.billing.csv", "csv/account.hms_invoices.csv"} {
			if b := export(e.Viewer.UserID, "nl")[f]; strings.Count(strings.TrimSpace(b), "\n") != 0 {
				t.Errorf("the viewer's %s holds records: %q", f, b)
			}
		}

		// The erasure keeps both and says until when: the invoices seven
		// years after the end of their year.
		rc, err := e.Rights.EraseAccount(ctx, staff, e.Manager.UserID)
		if err != nil {
			t.Fatal(err)
		}
		_, kept := rc.Totals()
		got := map[string]privacy.Kept{}
		for _, k := range kept {
			got[k.What] = k
		}
		if k := got["privacy.what.billing_details"]; k.Count != 1 || k.Why != "privacy.why.billing_details" {
			t.Errorf("billing details kept: %+v", k)
		}
		if k := got["privacy.what.hms_invoices"]; k.Count != 1 || k.Until != civil.New(today.Year+7, time.December, 31) {
			t.Errorf("invoices kept: %+v", k)
		}
		if after, err := e.Subscriptions.CustomerInvoices(ctx, e.Owner.OrgID); err != nil || len(after) != 1 ||
			after[0].Buyer.Email != "Manager@Alpha.nl" {
			t.Errorf("the invoice after the erasure: %+v %v", after, err)
		}
	})
}
