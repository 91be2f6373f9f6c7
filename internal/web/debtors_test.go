package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// The debtors list on 20 May 2026: the tenant's name, the address, the
// reference, what is open, the oldest due date, the days overdue and the
// ageing buckets, exactly; a row opens the account statement; sorted by
// days and by reference; the CSV has the same columns; another
// organisation sees nothing.
func TestDebtorsPage(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.May, 20, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			ctx := context.Background()
			la, err := e.Leases.Create(ctx, f.owner, lease.Input{Reference: "HC-A", UnitIDs: []int64{f.homes[0]}, TenantIDs: []int64{f.tenant},
				Start: civil.New(2025, 1, 1), PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent,
					AmountCents: 80000}}})
			if err != nil {
				t.Fatal(err)
			}
			lb, err := e.Leases.Create(ctx, f.owner, lease.Input{Reference: "HC-B", UnitIDs: []int64{f.homes[1]}, TenantIDs: []int64{f.tenant},
				Start: civil.New(2025, 1, 1), PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent,
					AmountCents: 80000}}})
			if err != nil {
				t.Fatal(err)
			}
			d := civil.MustParse
			charge := func(l int64, due string, cents int64) ledger.Draft {
				return ledger.Draft{LeaseID: l, IssueDate: d("2026-01-01"), DueDate: d(due),
					Lines: []ledger.DraftLine{{Line: "bare_rent||", From: d(due), To: d(due), Net: ledgerCents(cents)}}}
			}
			err = e.DB.InOrg(ctx, f.owner.OrgID, func(tx *db.Tx) error {
				_, err := ledger.PostTx(ctx, tx, []ledger.Draft{charge(la, "2026-05-10", 10000), charge(la, "2026-04-10", 20000),
					charge(la, "2026-03-01", 30000), charge(la, "2026-01-01", 40000), charge(lb, "2026-05-19", 50000)}, db.TS(clk.Now()), 0)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			resp, body := c.do("GET", "/o/a/finance?sort=days&dir=desc", nil)
			if resp.StatusCode != 200 {
				t.Fatalf("debtors: %d", resp.StatusCode)
			}
			rowA := between(body, fmt.Sprintf(`id="debtor-%d"`, la), "</tr>")
			for _, want := range []string{"Visser, A.", "Lindelaan 1, 3521 CD Utrecht", ">HC-A<", "€ 1.000,00", "1 januari 2026",
				`class="debtor-days">139<`, fmt.Sprintf(`href="/o/a/finance/leases/%d"`, la)} {
				if !strings.Contains(rowA, want) && !strings.Contains(rowA, strings.Replace(want, "Visser, A.", "A. Visser", 1)) {
					t.Errorf("row HC-A lacks %q: %s", want, rowA)
				}
			}
			if got := strings.Count(rowA, `class="debtor-bucket">€`); got != 4 ||
				!strings.Contains(rowA, `class="debtor-bucket">€ 100,00<`) || !strings.Contains(rowA, `class="debtor-bucket">€ 200,00<`) ||
				!strings.Contains(rowA, `class="debtor-bucket">€ 300,00<`) || !strings.Contains(rowA, `class="debtor-bucket">€ 400,00<`) {
				t.Errorf("HC-A buckets: %s", rowA)
			}
			if i, j := strings.Index(body, `id="debtor-`+fmt.Sprint(la)), strings.Index(body, `id="debtor-`+fmt.Sprint(lb)); i < 0 || j < i {
				t.Errorf("by days overdue, HC-A first")
			}
			_, body = c.do("GET", "/o/a/finance?sort=lease&dir=desc", nil)
			if i, j := strings.Index(body, `id="debtor-`+fmt.Sprint(la)), strings.Index(body, `id="debtor-`+fmt.Sprint(lb)); j < 0 || i < j {
				t.Errorf("by reference descending, HC-B first")
			}
			_, body = c.do("GET", "/o/a/finance?sort=oldest", nil)
			if i, j := strings.Index(body, `id="debtor-`+fmt.Sprint(la)), strings.Index(body, `id="debtor-`+fmt.Sprint(lb)); i < 0 || j < i {
				t.Errorf("by oldest due date, HC-A first")
			}
			resp, body = c.do("GET", "/o/a/finance?sort=open&format=csv", nil)
			if resp.StatusCode != 200 {
				t.Fatalf("CSV: %d", resp.StatusCode)
			}
			lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "\ufeff")), "\n")
			head := "Huurder(s);Adres;Contractnummer;Totaal open;Saldo;Oudste vervaldatum;Dagen te laat;0–30"
			if len(lines) != 3 || !strings.HasPrefix(lines[0], head) ||
				!strings.Contains(lines[1], "HC-B;500,00;500,00;2026-05-19;1;500,00;0,00;0,00;0,00") ||
				!strings.Contains(lines[2], "HC-A;1.000,00;1.000,00;2026-01-01;139;100,00;200,00;300,00;400,00") {
				t.Fatalf("CSV: %q", lines)
			}
			g := newLeaseFixture(t, e, "b")
			cb := newClient(t, e.URL())
			cb.login(g.email, g.pw)
			if _, body := cb.do("GET", "/o/b/finance", nil); strings.Contains(body, "HC-A") {
				t.Fatal("another organisation sees the debtors")
			}
		})
	}
}

func ledgerCents(c int64) money.Cents { return money.Cents(c) }

// between is the part of s from the first from to the next to after it.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}
