package api_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

func TestDepositAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 10, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			homes, _, tenant := leaseSetup(t, e, a)
			ctx := context.Background()
			owner, _ := e.Accounts.ActorFor(ctx, a.ownerID, a.slug)
			leaseID, err := e.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{homes[0]}, TenantIDs: []int64{tenant},
				Start: civil.New(2025, time.January, 1), End: civil.New(2026, time.February, 28), PaymentMethod: lease.Transfer, DepositCents: 180000,
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 90000}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Leases.AddDepositEntry(ctx, owner, leaseID,
				lease.DepositEntryInput{Kind: lease.DepositReceived, Date: civil.New(2025, time.January, 1), AmountCents: 180000}); err != nil {
				t.Fatal(err)
			}
			base := e.URL()
			ca, cb, read := call{t, base, a.tokens["admin"]}, call{t, base, b.tokens["admin"]}, call{t, base, a.tokens["read"]}
			lp := fmt.Sprintf("/leases/%d", leaseID)

			st, s := read.do("GET", lp+"/deposit-status", "")
			if st != 200 || s["state"] != "due" || s["deadline"] != "2026-03-14" || s["held_cents"] != float64(180000) || s["can_settle"] != true {
				t.Fatalf("status: %d %v", st, s)
			}
			if st, _ := cb.do("GET", lp+"/deposit-status", ""); st != 404 {
				t.Fatalf("other organisation read the deposit: %d", st)
			}
			if st, prob := ca.do("POST", lp+"/deposit-deductions", `{"amount_cents":1000,"reason":"administration"}`); st != 422 ||
				!strings.Contains(fmt.Sprint(prob["errors"]), "body.reason") {
				t.Fatalf("administration costs: %d %v", st, prob)
			}
			text := base64.StdEncoding.EncodeToString([]byte("not an image"))
			if st, prob := ca.do("POST", lp+"/deposit-deductions",
				`{"amount_cents":1000,"reason":"damage","evidence":[{"file_name":"a.png","content":"`+text+`"}]}`); st != 422 ||
				!strings.Contains(fmt.Sprint(prob["errors"]), "body.evidence") {
				t.Fatalf("text as evidence: %d %v", st, prob)
			}
			photo := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), []byte("API-EVIDENCE")...)
			st, s = ca.do("POST", lp+"/deposit-deductions",
				`{"amount_cents":30000,"reason":"damage","note":"deur","evidence":[{"file_name":"deur.png","content":"`+
					base64.StdEncoding.EncodeToString(photo)+`"}]}`)
			deds, _ := s["deductions"].([]any)
			if st != 200 || s["deadline"] != "2026-03-30" || s["held_cents"] != float64(150000) || len(deds) != 1 {
				t.Fatalf("deduction: %d %v", st, s)
			}
			ded := deds[0].(map[string]any)
			evs := ded["evidence"].([]any)
			if len(evs) != 1 || evs[0].(map[string]any)["content_type"] != "image/png" {
				t.Fatalf("evidence: %v", ded)
			}
			evPath := fmt.Sprintf("%s/deposit-evidence/%v", lp, evs[0].(map[string]any)["id"])
			if got, ct := raw(t, base, a.tokens["read"], evPath); got != string(photo) || ct != "image/png" {
				t.Fatalf("download: %q %s", got, ct)
			}
			if st, _ := cb.do("GET", evPath, ""); st != 404 {
				t.Fatalf("other organisation downloaded: %d", st)
			}
			pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\nfactuur"))
			st, ev := ca.do("POST", fmt.Sprintf("%s/deposit-deductions/%v/evidence", lp, ded["entry_id"]),
				`{"file_name":"factuur.pdf","content":"`+pdf+`"}`)
			if st != 200 || ev["content_type"] != "application/pdf" {
				t.Fatalf("add evidence: %d %v", st, ev)
			}
			if st, _ := read.do("POST", lp+"/deposit-settlement", ""); st != 403 {
				t.Fatalf("read token settled: %d", st)
			}
			st, p := ca.do("POST", lp+"/deposit-settlement", "")
			if st != 200 || p["amount_cents"] != float64(150000) || p["state"] != "open" || p["due_date"] != "2026-03-30" ||
				p["payee_id"] != float64(tenant) {
				t.Fatalf("settle: %d %v", st, p)
			}
			if st, _ := ca.do("POST", lp+"/deposit-settlement", ""); st != 409 {
				t.Fatalf("second settle: %d", st)
			}
			st, list := read.do("GET", "/deposit-payouts", "")
			if st != 200 || list["total_cents"] != float64(150000) || len(list["items"].([]any)) != 1 {
				t.Fatalf("payouts: %d %v", st, list)
			}
			if _, other := cb.do("GET", "/deposit-payouts", ""); len(other["items"].([]any)) != 0 {
				t.Fatalf("other organisation's payouts: %v", other)
			}
			pp := fmt.Sprintf("/deposit-payouts/%v/paid", p["id"])
			if st, _ := cb.do("POST", pp, `{"date":"2026-03-10"}`); st != 404 {
				t.Fatalf("other organisation paid: %d", st)
			}
			if st, prob := ca.do("POST", pp, `{"date":"2026-03-11"}`); st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.date") {
				t.Fatalf("future date: %d %v", st, prob)
			}
			st, paid := ca.do("POST", pp, `{"date":"2026-03-10"}`)
			if st != 200 || paid["state"] != "paid" || paid["paid_on"] != "2026-03-10" {
				t.Fatalf("paid: %d %v", st, paid)
			}
			if _, list := read.do("GET", "/deposit-payouts", ""); len(list["items"].([]any)) != 0 {
				t.Fatalf("paid payout still open: %v", list)
			}
			if _, list := read.do("GET", "/deposit-payouts?state=all", ""); len(list["items"].([]any)) != 1 {
				t.Fatalf("all payouts: %v", list)
			}
		})
	}
}

func raw(t *testing.T, base, token, path string) (string, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1"+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return string(b), resp.Header.Get("Content-Type")
}
