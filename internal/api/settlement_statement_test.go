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
	"hms/internal/settlement"
)

// stScenario is a final 2025 run of complex "De Linde": home A changed
// tenant on 1 July (l1 leaves, l2 comes), home B is let all year (l3, with
// a 30.00 advance a month, posted for the year); cleaning 1,200.00 split
// equally with a 5% fee.
type stScenario struct {
	cx, l1, l2, l3 int64
	run            *settlement.Run
}

func stSetup(t *testing.T, e *apptest.Env, o *org) stScenario {
	t.Helper()
	ctx := context.Background()
	_, _, tenant := leaseSetup(t, e, o)
	owner, err := e.Accounts.ActorFor(ctx, o.ownerID, o.slug)
	if err != nil {
		t.Fatal(err)
	}
	var s stScenario
	if s.cx, err = e.Portfolio.CreateComplex(ctx, owner, portfolio.ComplexInput{Name: "De Linde", City: "Utrecht"}); err != nil {
		t.Fatal(err)
	}
	var units []int64
	for i := range 2 {
		u, err := e.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{ComplexID: s.cx, Street: "Parkweg", HouseNumber: fmt.Sprint(10 + 2*i),
			Postcode: "3521 CD", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "50", Segment: portfolio.SegmentVrij})
		if err != nil {
			t.Fatal(err)
		}
		units = append(units, u)
	}
	mk := func(unit int64, start, end civil.Date) int64 {
		id, err := e.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{unit}, TenantIDs: []int64{tenant}, Start: start, End: end,
			PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 80000},
				{Kind: lease.ServiceCosts, Category: "schoonmaak", AmountCents: 3000}}})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	s.l1 = mk(units[0], civil.New(2024, time.January, 1), civil.New(2025, time.June, 30))
	s.l2 = mk(units[0], civil.New(2025, time.July, 1), civil.Date{})
	s.l3 = mk(units[1], civil.New(2025, time.January, 1), civil.Date{})
	for m := 1; m <= 12; m++ {
		if _, err := e.Billing.PostRun(ctx, owner, billing.RunInput{Period: fmt.Sprintf("2025-%02d", m)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	sup, err := e.Relations.CreateCompany(ctx, owner, relation.CompanyInput{Name: "Schoon BV", KvK: "12345678",
		Address: relation.Address{Street: "Industrieweg", HouseNumber: "1", Postcode: "3542 AD", City: "Utrecht"},
		IBANs:   []string{"NL91ABNA0417164300"}, Roles: relation.RolesOf(relation.RoleSupplier)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Settlement.CreateCost(ctx, owner,
		settlement.CostInput{ComplexID: s.cx, SupplierID: sup, InvoiceNumber: "S-1", InvoiceDate: "2025-12-31",
			PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31", Amount: "1200.00", Category: "schoonmaak"}); err != nil {
		t.Fatal(err)
	}
	if err := e.Settlement.SetKey(ctx, owner, s.cx, 2025,
		settlement.CategoryKey{Category: "schoonmaak", Key: "equal", AdminFee: true}); err != nil {
		t.Fatal(err)
	}
	r, err := e.Settlement.Run(ctx, owner, s.cx, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Settlement.Finalise(ctx, owner, r.ID); err != nil {
		t.Fatal(err)
	}
	if s.run, err = e.Settlement.GetRun(ctx, owner, r.ID); err != nil {
		t.Fatal(err)
	}
	return s
}

func stOcc(t *testing.T, r *settlement.Run, leaseID int64) settlement.RunOccupancy {
	t.Helper()
	for _, o := range r.Occupancies {
		if o.LeaseID == leaseID {
			return o
		}
	}
	t.Fatalf("no occupancy of lease %d", leaseID)
	return settlement.RunOccupancy{}
}

// Statements through the API: the review, one statement and its PDF,
// sending as a job until done (each balance booked once), the new advance
// once, the deadline list, levies (errors at body fields, distribution,
// booking, no delete once booked), statement settings and VAT classes; a
// read token changes nothing and another organisation finds none of it.
func TestSettlementStatementAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{Clock: clock.NewFixed(time.Date(2026, time.January, 20, 11, 0, 0, 0, time.UTC))})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			s := stSetup(t, e, a)
			ca, cb, read := call{t, e.URL(), a.tokens["admin"]}, call{t, e.URL(), b.tokens["admin"]}, call{t, e.URL(), a.tokens["read"]}
			runPath := fmt.Sprintf("/settlement/runs/%d", s.run.ID)
			o3 := stOcc(t, s.run, s.l3)
			occPath := fmt.Sprintf("%s/statements/%d", runPath, o3.ID)

			// Settings first: errors at body fields, then pay back.
			if st, prob := ca.do("PUT", "/settlement/statement-settings",
				`{"due_days":0,"refund":"later","inspection_text":"","objection_text":""}`); st != 422 ||
				!strings.Contains(errorsAt(prob), "body.due_days") || !strings.Contains(errorsAt(prob), "body.refund") {
				t.Fatalf("bad settings: %d %v", st, prob)
			}
			if st, ss := read.do("GET", "/settlement/statement-settings", ""); st != 200 ||
				ss["due_days"] != float64(30) || ss["refund"] != "set_off" {
				t.Fatalf("default settings: %d %v", st, ss)
			}
			if st, _ := read.do("PUT", "/settlement/statement-settings", `{"due_days":14,"refund":"pay_back"}`); st != 403 {
				t.Fatalf("read token saved settings: %d", st)
			}
			if st, ss := ca.do("PUT", "/settlement/statement-settings",
				`{"due_days":14,"refund":"set_off","inspection_text":"Inzage op afspraak.","objection_text":""}`); st != 200 ||
				ss["due_days"] != float64(14) || ss["inspection_text"] != "Inzage op afspraak." || ss["advances_basis"] != "charged" {
				t.Fatalf("settings: %d %v", st, ss)
			}
			// What statements settle against (DOMAIN.md §7.2): charged by default, or received.
			basis := `{"due_days":14,"refund":"set_off","inspection_text":"Inzage op afspraak.","objection_text":"","advances_basis":"%s"}`
			if st, prob := ca.do("PUT", "/settlement/statement-settings", fmt.Sprintf(basis, "billed")); st != 422 ||
				!strings.Contains(errorsAt(prob), "body.advances_basis") {
				t.Fatalf("bad advances basis: %d %v", st, prob)
			}
			if st, ss := ca.do("PUT", "/settlement/statement-settings", fmt.Sprintf(basis, "received")); st != 200 ||
				ss["advances_basis"] != "received" {
				t.Fatalf("advances basis: %d %v", st, ss)
			}

			// The review: three statements; B's balance is the run's.
			st, list := read.do("GET", runPath+"/statements", "")
			if st != 200 || len(list["items"].([]any)) != 3 || list["sent"] != float64(0) {
				t.Fatalf("statements: %d %v", st, list)
			}
			if _, ok := list["organisation_missing"].([]any); !ok {
				t.Errorf("no organisation_missing: %v", list)
			}
			st, one := read.do("GET", occPath, "")
			if st != 200 || one["balance"] != o3.Balance.String() || one["total"] != o3.Total.String() || one["advances"] != "360.00" ||
				len(one["lines"].([]any)) != 1 || one["sent_at"] != nil || one["booked"] != false {
				t.Fatalf("statement B: %d %v (run balance %s)", st, one, o3.Balance)
			}
			// The run was made before the basis changed: its statements keep settling against the charged.
			var paid float64
			_, _ = fmt.Sscan(fmt.Sprint(one["paid"]), &paid)
			if one["advances_basis"] != "charged" || one["advances_open"] != fmt.Sprintf("%.2f", 360-paid) {
				t.Fatalf("statement B's advances: %v, paid %v, open %v", one["advances_basis"], one["paid"], one["advances_open"])
			}
			if names, _ := one["names"].([]any); len(names) != 1 || !strings.Contains(fmt.Sprint(names[0]), "Visser") {
				t.Fatalf("names on the statement: %v", one["names"])
			}
			if body, ct := raw(t, e.URL(), a.tokens["read"], occPath+"/pdf"); ct != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
				t.Fatalf("pdf: %s %.10q", ct, body)
			}
			// The advance cannot be applied before the statement is sent.
			if st, _ := ca.do("POST", occPath+"/advance", ""); st != 409 {
				t.Fatalf("advance before sending: %d", st)
			}

			// Send: the review says what sending does; the send repeats it. A
			// job, polled until done; a read token cannot start it.
			_, rev := read.do("GET", runPath+"/statements", "")
			u, _ := rev["unsent"].(map[string]any)
			if u["statements"] != float64(3) {
				t.Fatalf("unsent plan: %v", rev["unsent"])
			}
			sendBody := fmt.Sprintf(`{"expect":{"statements":3,"to_pay_cents":%v,"to_refund_cents":%v}}`, u["to_pay_cents"], u["to_refund_cents"])
			if st, _ := read.do("POST", runPath+"/send", sendBody); st != 403 {
				t.Fatalf("read token sent: %d", st)
			}
			if st, _ := ca.do("POST", runPath+"/send", `{"expect":{"statements":2,"to_pay_cents":0,"to_refund_cents":0}}`); st != 409 {
				t.Fatalf("send with another plan: %d", st)
			}
			st, job := ca.do("POST", runPath+"/send", sendBody)
			if st != 200 || job["job_id"] == nil || job["total"] != float64(3) {
				t.Fatalf("send: %d %v", st, job)
			}
			deadline := time.Now().Add(30 * time.Second)
			for job["job_state"] != "done" {
				if time.Now().After(deadline) {
					t.Fatalf("send job never finished: %v", job)
				}
				time.Sleep(50 * time.Millisecond)
				_, job = read.do("GET", runPath+"/send", "")
				if job["job_state"] == "dead" {
					t.Fatalf("send job died: %v", job)
				}
			}
			if job["sent"] != float64(3) || job["done"] != float64(3) {
				t.Fatalf("after sending: %v", job)
			}
			_, one = read.do("GET", occPath, "")
			if one["booked"] != true || one["sent_at"] == nil || (o3.Balance != 0 && one["invoice_number"] == "") {
				t.Fatalf("statement B after sending: %v", one)
			}
			// Sending again books nothing twice.
			_, _ = ca.do("POST", runPath+"/send", sendBody)
			ctx := context.Background()
			owner, _ := e.Accounts.ActorFor(ctx, a.ownerID, a.slug)
			for range 600 {
				if ss, _ := e.Statements.SendStatus(ctx, owner, s.run.ID); ss.Job != nil && ss.Job.Finished() {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if n := countSettlementInvoices(t, e, s.l3); n != 1 {
				t.Fatalf("lease B has %d settlement invoices after two sends", n)
			}

			// The new advance: once.
			if st, _ := cb.do("POST", occPath+"/advance", ""); st != 404 {
				t.Fatalf("other organisation applied the advance: %d", st)
			}
			st, adv := ca.do("POST", occPath+"/advance", "")
			if st != 200 || adv["lease_id"] != float64(s.l3) || adv["valid_from"] != "2026-02-01" {
				t.Fatalf("advance: %d %v", st, adv)
			}
			if st, _ := ca.do("POST", occPath+"/advance", ""); st != 409 {
				t.Fatalf("advance twice: %d", st)
			}

			// Deadlines: 2025's settlement is sent.
			st, dl := read.do("GET", "/settlement/deadlines?year=2025", "")
			if st != 200 || len(dl["items"].([]any)) != 1 {
				t.Fatalf("deadlines: %d %v", st, dl)
			}
			if row := dl["items"].([]any)[0].(map[string]any); row["state"] != "sent" || row["due"] != "2026-06-30" || row["warning"] != nil {
				t.Fatalf("deadline row: %v", row)
			}
			if st, dl := read.do("GET", "/settlement/deadlines", ""); st != 200 || dl["year"] != float64(2025) {
				t.Fatalf("default year: %d %v", st, dl)
			}
			if st, prob := read.do("GET", "/settlement/deadlines?year=1999", ""); st != 422 || !strings.Contains(errorsAt(prob), "year") {
				t.Fatalf("year 1999: %d %v", st, prob)
			}

			// Levies: errors at body fields; distribution by days; booking; no delete once booked.
			st, prob := ca.do("POST", "/settlement/levies",
				fmt.Sprintf(`{"complex_id":%d,"name":"","period_start":"2025-12-31","period_end":"2025-01-01","amount":"-5","basis":"m2"}`, s.cx))
			if st != 422 {
				t.Fatalf("bad levy: %d %v", st, prob)
			}
			for _, loc := range []string{"body.name", "body.period_end", "body.amount", "body.basis"} {
				if !strings.Contains(errorsAt(prob), loc) {
					t.Errorf("no error at %s: %v", loc, prob)
				}
			}
			levy := fmt.Sprintf(`{"complex_id":%d,"name":"Rioolheffing","period_start":"2025-01-01","period_end":"2025-12-31","amount":"730.00",`+
				`"basis":"equal"}`, s.cx)
			if st, _ := cb.do("POST", "/settlement/levies", levy); st != 422 {
				t.Fatalf("other organisation's levy on the complex: %d", st)
			}
			st, lv := ca.do("POST", "/settlement/levies", levy)
			if st != 200 || lv["amount"] != "730.00" || len(lv["shares"].([]any)) != 3 || lv["landlord"] != "0.00" {
				t.Fatalf("levy: %d %v", st, lv)
			}
			var sum float64
			for _, x := range lv["shares"].([]any) {
				sh := x.(map[string]any)
				var v float64
				_, _ = fmt.Sscan(fmt.Sprint(sh["amount"]), &v)
				sum += v
				if sh["lease_id"] == float64(s.l3) && sh["amount"] != "365.00" {
					t.Errorf("B's share %v, want 365.00", sh["amount"])
				}
			}
			if fmt.Sprintf("%.2f", sum) != "730.00" {
				t.Fatalf("shares add to %.2f", sum)
			}
			if st, prob := ca.do("POST", "/settlement/levies", levy); st != 422 || !strings.Contains(errorsAt(prob), "body.name") {
				t.Fatalf("same levy twice: %d %v", st, prob)
			}
			levyPath := fmt.Sprintf("/settlement/levies/%v", lv["id"])
			if st, _ := cb.do("POST", levyPath+"/book", ""); st != 404 {
				t.Fatalf("other organisation booked the levy: %d", st)
			}
			if st, bk := ca.do("POST", levyPath+"/book", ""); st != 200 || bk["invoices"] != float64(3) {
				t.Fatalf("book levy: %d %v", st, bk)
			}
			if st, bk := ca.do("POST", levyPath+"/book", ""); st != 200 || bk["invoices"] != float64(0) {
				t.Fatalf("book levy twice: %d %v", st, bk)
			}
			if st, _ := ca.do("DELETE", levyPath, ""); st != 409 {
				t.Fatalf("deleted a booked levy: %d", st)
			}
			st, lv2 := ca.do("POST", "/settlement/levies", strings.Replace(levy, "Rioolheffing", "Waterschap", 1))
			if st != 200 {
				t.Fatalf("second levy: %d", st)
			}
			if st, _ := cb.do("DELETE", fmt.Sprintf("/settlement/levies/%v", lv2["id"]), ""); st != 404 {
				t.Fatalf("other organisation deleted a levy: %d", st)
			}
			if st, _ := ca.do("DELETE", fmt.Sprintf("/settlement/levies/%v", lv2["id"]), ""); st != 204 {
				t.Fatalf("delete levy: %d", st)
			}
			if st, l := read.do("GET", fmt.Sprintf("/settlement/levies?complex_id=%d", s.cx), ""); st != 200 || len(l["items"].([]any)) != 1 {
				t.Fatalf("levies: %d %v", st, l)
			}

			// VAT classes: errors at body fields; independent with its rate.
			vat := fmt.Sprintf("/settlement/complexes/%d/years/2025/vat-classes", s.cx)
			if st, prob := ca.do("PUT", vat+"/schoonmaak", `{"class":"independent","rate":"veel"}`); st != 422 ||
				!strings.Contains(errorsAt(prob), "body.rate") {
				t.Fatalf("bad rate: %d %v", st, prob)
			}
			if st, prob := ca.do("PUT", vat+"/schoonmaak", `{"class":"sometimes"}`); st != 422 || !strings.Contains(errorsAt(prob), "body.class") {
				t.Fatalf("bad class: %d %v", st, prob)
			}
			st, vc := ca.do("PUT", vat+"/energie", `{"class":"independent","rate":"21"}`)
			if st != 200 || len(vc["items"].([]any)) != 1 || vc["items"].([]any)[0].(map[string]any)["rate"] != "21" {
				t.Fatalf("vat class: %d %v", st, vc)
			}

			// The other organisation sees none of it.
			for _, p := range []string{runPath + "/statements", occPath, occPath + "/pdf", runPath + "/send", vat} {
				if st, _ := cb.do("GET", p, ""); st != 404 {
					t.Errorf("GET %s: %d for another organisation", p, st)
				}
			}
			if st, _ := cb.do("POST", runPath+"/send", `{"expect":{"statements":1,"to_pay_cents":0,"to_refund_cents":0}}`); st != 404 {
				t.Errorf("other organisation sent the run: %d", st)
			}
			if st, _ := cb.do("PUT", vat+"/energie", `{"class":"ancillary"}`); st != 404 {
				t.Errorf("other organisation set a VAT class: %d", st)
			}
			if st, l := cb.do("GET", "/settlement/levies", ""); st != 200 || len(l["items"].([]any)) != 0 {
				t.Errorf("other organisation's levies: %d %v", st, l)
			}
			if st, dl := cb.do("GET", "/settlement/deadlines?year=2025", ""); st != 200 || len(dl["items"].([]any)) != 0 {
				t.Errorf("other organisation's deadlines: %d %v", st, dl)
			}
			if st, ss := cb.do("GET", "/settlement/statement-settings", ""); st != 200 || ss["due_days"] != float64(30) {
				t.Errorf("other organisation's settings: %d %v", st, ss)
			}
		})
	}
}

// countSettlementInvoices counts the lease's ledger invoices with a
// settlement line.
func countSettlementInvoices(t *testing.T, e *apptest.Env, leaseID int64) int {
	t.Helper()
	var n int
	if err := e.DB.Raw().QueryRow(`SELECT COUNT(DISTINCT invoice_id) FROM ledger_charges WHERE lease_id = $1 AND line LIKE 'settlement|%'`,
		leaseID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
