package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// Mandates and collections through the API: a mandate from the lease's
// tenant, bad input at its field, the preview with what is left out, the
// collection only as previewed, its file the same bytes twice, and the
// other organisation sees none of it.
func TestDirectDebitAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 10, 10, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			ctx := context.Background()
			owner, _ := e.Accounts.ActorFor(ctx, a.ownerID, a.slug)
			if err := e.Privacy.AcceptProcessorAgreement(ctx, owner, e.Privacy.Current().Version); err != nil {
				t.Fatal(err)
			}
			var leases []int64
			for i, iban := range []string{"NL20INGB0001234567", "NL44RABO0123456789"} {
				unit, err := e.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{Street: "Havenkade", HouseNumber: fmt.Sprint(i + 1),
					Postcode: "1011 AB", City: "Amsterdam", Type: portfolio.TypeZelfstandig, FloorArea: "50", Segment: portfolio.SegmentVrij})
				if err != nil {
					t.Fatal(err)
				}
				p, err := e.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Jan", Surname: fmt.Sprintf("Visser%d", i),
					Email: fmt.Sprintf("jan%d@example.nl", i), IBANs: []string{iban}})
				if err != nil {
					t.Fatal(err)
				}
				l, err := e.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{unit}, TenantIDs: []int64{p}, Start: civil.New(2025, 1, 1),
					PaymentMethod: lease.DirectDebit, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 90000}}})
				if err != nil {
					t.Fatal(err)
				}
				leases = append(leases, l)
			}
			ca, cb, read := call{t, e.URL(), a.tokens["admin"]}, call{t, e.URL(), b.tokens["admin"]}, call{t, e.URL(), a.tokens["read"]}

			st, m := ca.do("POST", "/mandates", fmt.Sprintf(`{"lease_id":%d,"signed_on":"2024-12-01","signed_place":"Amsterdam"}`, leases[0]))
			if st != 201 || m["iban"] != "NL20INGB0001234567" || m["debtor_name"] != "J. Visser0" || m["next_sequence"] != "FRST" ||
				m["status"] != "active" || !strings.HasPrefix(fmt.Sprint(m["reference"]), "HMS-") {
				t.Fatalf("create: %d %v", st, m)
			}
			mid := fmt.Sprint(m["id"])
			st, prob := ca.do("POST", "/mandates", fmt.Sprintf(`{"lease_id":%d,"signed_on":"2024-12-01","iban":"NL20INGB0001234568"}`, leases[1]))
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.iban") {
				t.Fatalf("bad IBAN: %d %v", st, prob)
			}
			if st, prob := ca.do("POST", "/mandates", fmt.Sprintf(`{"lease_id":%d,"signed_on":"2024-12-01"}`, leases[0])); st != 409 {
				t.Fatalf("second current mandate: %d %v", st, prob)
			}
			if st, list := read.do("GET", fmt.Sprintf("/mandates?lease_id=%d", leases[0]), ""); st != 200 || len(list["items"].([]any)) != 1 {
				t.Fatalf("list: %d %v", st, list)
			}
			if st, _ := cb.do("GET", "/mandates/"+mid, ""); st != 404 {
				t.Fatalf("beta reads alpha's mandate: %d", st)
			}
			if _, list := cb.do("GET", "/mandates", ""); len(list["items"].([]any)) != 0 {
				t.Fatalf("beta lists alpha's mandates: %v", list)
			}

			// The preview needs the creditor settings first.
			body := `{"collection_date":"2026-03-24","due_until":"2026-03-31"}`
			if st, prob := ca.do("POST", "/collections/preview", body); st != 409 || !strings.Contains(fmt.Sprint(prob["detail"]), "ncassant") {
				t.Fatalf("without a creditor id: %d %v", st, prob)
			}
			ca.do("PUT", "/bank-settings", `{"creditor_id":"NL51ZZZ405365330000","creditor_name":"Alpha Vastgoed"}`)
			ca.do("POST", "/bank-accounts", `{"iban":"NL91ABNA0417164300","name":"Alpha Vastgoed","purpose":"rent","bic":""}`)
			if st, prob := ca.do("POST", "/collections/preview", `{"collection_date":"2026-04-03"}`); st != 422 ||
				!strings.Contains(fmt.Sprint(prob["errors"]), "body.collection_date") {
				t.Fatalf("Good Friday: %d %v", st, prob)
			}
			if _, err := e.Billing.PostRun(ctx, owner, billing.RunInput{Period: "2026-03"}, nil); err != nil {
				t.Fatal(err)
			}
			st, p := read.do("POST", "/collections/preview", body)
			left, _ := p["left_out"].([]any)
			if st != 200 || p["count"] != float64(1) || p["total_cents"] != float64(90000) || len(left) != 1 ||
				left[0].(map[string]any)["reason"] != "directdebit.reason.no_mandate" || p["earliest"] != "2026-03-12" {
				t.Fatalf("preview: %d %v", st, p)
			}
			if _, ok := p["organisation_missing"].([]any); !ok {
				t.Errorf("no organisation_missing: %v", p)
			}
			confirm := `{"collection_date":"2026-03-24","due_until":"2026-03-31","expect":{"count":1,"total_cents":%d}}`
			if st, _ := ca.do("POST", "/collections", fmt.Sprintf(confirm, 1)); st != 409 {
				t.Fatalf("a changed total: %d", st)
			}
			st, c := ca.do("POST", "/collections", fmt.Sprintf(confirm, 90000))
			items, _ := c["items"].([]any)
			if st != 201 || len(items) != 1 || items[0].(map[string]any)["sequence"] != "FRST" || c["version"] != "pain.008.001.02" {
				t.Fatalf("create: %d %v", st, c)
			}
			cid := fmt.Sprint(c["id"])
			file1, ct := raw(t, e.URL(), a.tokens["read"], "/collections/"+cid+"/file")
			file2, _ := raw(t, e.URL(), a.tokens["read"], "/collections/"+cid+"/file")
			if ct != "application/xml" || file1 != file2 || !strings.Contains(file1, "<MndtId>"+fmt.Sprint(m["reference"])+"</MndtId>") {
				t.Fatalf("file (%s): %s", ct, file1)
			}
			if _, ct := raw(t, e.URL(), a.tokens["read"], "/mandates/"+mid+"/form"); ct != "application/pdf" {
				t.Fatalf("form: %s", ct)
			}
			if st, list := read.do("GET", "/collections", ""); st != 200 || len(list["items"].([]any)) != 1 {
				t.Fatalf("collections: %d %v", st, list)
			}
			if st, _ := cb.do("GET", "/collections/"+cid+"/file", ""); st != 404 {
				t.Fatalf("beta downloads alpha's file: %d", st)
			}
			st, am := ca.do("POST", "/mandates/"+mid+"/amend", `{"iban":"NL02ABNA0123456789"}`)
			if st != 200 || am["amended"] != true || am["iban"] != "NL02ABNA0123456789" {
				t.Fatalf("amend: %d %v", st, am)
			}
			if st, rv := ca.do("POST", "/mandates/"+mid+"/revoke", ""); st != 200 || rv["status"] != "revoked" {
				t.Fatalf("revoke: %d %v", st, rv)
			}
		})
	}
}
