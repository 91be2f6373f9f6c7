package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// An owner's admin token cancels (the dates in the answer), undoes and
// cancels again; other scopes are refused; after the end of the month the
// organisation is read-only, the undo is refused with 409, and the export
// still streams a zip.
func TestCancelOverTheAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2027, time.October, 12, 10, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a := setupOrg(t, e, "alpha")
			ca, cw := call{t, e.URL(), a.tokens["admin"]}, call{t, e.URL(), a.tokens["write"]}
			if st, _ := cw.do("POST", "/subscription/cancel", ""); st != 403 {
				t.Fatalf("a write token cancelled: %d", st)
			}
			if st, _ := ca.do("GET", "/subscription/cancel", ""); st != 404 {
				t.Fatalf("a cancellation before cancelling: %d", st)
			}
			st, c := ca.do("POST", "/subscription/cancel", "")
			// No trial, no subscription: it takes effect at once.
			if st != 200 || c["last_day"] != "2027-10-12" || c["export_until"] != "2027-12-11" {
				t.Fatalf("cancel: %d %v", st, c)
			}
			if st, _ := ca.do("DELETE", "/subscription/cancel", ""); st != 409 {
				t.Fatalf("undo of an effective cancellation: %d", st)
			}
			if st, _ := ca.do("POST", "/complexes", `{"name":"Hof 1"}`); st != 403 {
				t.Fatalf("a write after the cancellation: %d", st)
			}
			if st, c := ca.do("GET", "/subscription", ""); st != 200 || c["state"] != "cancelled" {
				t.Fatalf("standing: %d %v", st, c)
			}
			req, _ := http.NewRequest("GET", e.URL()+"/api/v1/export", nil)
			req.Header.Set("Authorization", "Bearer "+a.tokens["admin"])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
				t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if _, err := zip.NewReader(bytes.NewReader(body), int64(len(body))); err != nil {
				t.Fatalf("export zip: %v", err)
			}
			// A trial: effective at the trial's end, undone before it.
			b := setupOrg(t, e, "beta")
			cb := call{t, e.URL(), b.tokens["admin"]}
			ctx := context.Background()
			owner, _ := e.Accounts.ActorFor(ctx, b.ownerID, b.slug)
			if err := e.Subscriptions.ExtendTrial(ctx, 0, owner.OrgID, civil.New(2027, time.October, 20)); err != nil {
				t.Fatal(err)
			}
			if st, c := cb.do("POST", "/subscription/cancel", ""); st != 200 || c["last_day"] != "2027-10-20" ||
				c["export_until"] != "2027-12-19" || c["state"] != "trial" {
				t.Fatalf("cancel in trial: %d %v", st, c)
			}
			if st, _ := cb.do("POST", "/complexes", `{"name":"Hof B"}`); st != 201 {
				t.Fatalf("a write before the cancellation takes effect: %d", st)
			}
			if st, _ := cb.do("DELETE", "/subscription/cancel", ""); st != 204 {
				t.Fatalf("undo: %d", st)
			}
			if st, _ := cb.do("GET", "/subscription/cancel", ""); st != 404 {
				t.Fatalf("a cancellation after undo: %d", st)
			}
		})
	}
}
