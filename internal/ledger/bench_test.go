package ledger_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/ledger"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/listing"
)

// BenchmarkInvoiceListOpenOnly reads the first page (50, by due date) of
// the invoice list with "open only", and its count, as the back office
// does: "kept" through Service.Invoices, which reads the open amount kept
// with each invoice (migration 00045); "summed" is the same page and count
// by the query before it, summing every invoice's charges and allocations.
// The ledger: HMS_BENCH_INVOICES invoices (default 5,000) of two lines on
// a lease each, two in three of them paid in full by a bank batch.
func BenchmarkInvoiceListOpenOnly(b *testing.B) {
	n := 5000
	if v, err := strconv.Atoi(os.Getenv("HMS_BENCH_INVOICES")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	for _, engine := range dbtest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			e := apptest.Start(b, engine, apptest.Options{NoServer: true})
			_, uid, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "bench", Email: "owner@bench.nl", Role: account.Owner})
			if err != nil {
				b.Fatal(err)
			}
			a, err := e.Accounts.ActorFor(ctx, uid, "bench")
			if err != nil {
				b.Fatal(err)
			}
			seedOpenLedger(b, e, a, n)
			if engine == db.Postgres {
				if _, err := e.DB.Raw().ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			want := n - (n+2)/3
			b.Run("kept", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					page, err := e.Ledger.Invoices(ctx, a, listing.Query{Sort: "due_date", Limit: 50}, ledger.InvoiceFilter{OpenOnly: true})
					if err != nil || page.Total != want || len(page.Items) != 50 {
						b.Fatalf("page: %d of %d (want %d), %v", len(page.Items), page.Total, want, err)
					}
				}
			})
			b.Run("summed", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if got := summedOpenPage(b, e, a); got != want {
						b.Fatalf("summed: %d, want %d", got, want)
					}
				}
			})
		})
	}
}

// summedOpen is the open amount as the list summed it before 00045.
const summedOpen = `COALESCE((SELECT SUM(c.total_cents) FROM ledger_charges c WHERE c.invoice_id = i.id), 0)
	- COALESCE((SELECT SUM(al.amount_cents) FROM ledger_allocations al JOIN ledger_charges c2 ON c2.id = al.charge_id
		WHERE c2.invoice_id = i.id), 0)`

// summedOpenPage reads the page and count as the list did before 00045 and
// returns the count.
func summedOpenPage(b *testing.B, e *apptest.Env, a account.Actor) int {
	ctx := context.Background()
	var total int
	err := e.DB.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		from := ` FROM ledger_invoices i JOIN leases l ON l.id = i.lease_id AND l.org_id = i.org_id
			WHERE i.org_id = $1 AND i.kind = 'invoice' AND (` + summedOpen + `) > 0`
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*)`+from, tx.OrgID()).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT i.id, i.number, l.reference, i.due_date, i.total_cents, `+summedOpen+from+
			` ORDER BY i.due_date, i.id LIMIT 50`, tx.OrgID())
		if err != nil {
			return err
		}
		defer rows.Close()
		k := 0
		for rows.Next() {
			var id, total, open int64
			var number, ref, due string
			if err := rows.Scan(&id, &number, &ref, &due, &total, &open); err != nil {
				return err
			}
			k++
		}
		if k != 50 {
			return fmt.Errorf("%d rows", k)
		}
		return rows.Err()
	})
	if err != nil {
		b.Fatal(err)
	}
	return total
}

// seedOpenLedger posts n invoices of two lines on n/10 leases and pays
// every third in full (the first, the fourth, …) with a bank batch.
func seedOpenLedger(b *testing.B, e *apptest.Env, a account.Actor, n int) {
	ctx := context.Background()
	now := db.TS(time.Now())
	leases := max(n/10, 1)
	var ids []int64
	err := e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		for start := 0; start < leases; start += ledger.RowsPerStatement {
			var sb strings.Builder
			var args []any
			sb.WriteString(`INSERT INTO leases (org_id, reference, start_date, created_at, updated_at, kind, billing_frequency, due_day,
				payment_method) VALUES `)
			for i := start; i < min(start+ledger.RowsPerStatement, leases); i++ {
				if i > start {
					sb.WriteString(",")
				}
				sb.WriteString(tx.Tuple(len(args)+1, 9))
				args = append(args, tx.OrgID(), fmt.Sprintf("O-%06d", i), "2020-01-01", now, now, "residential", "monthly", 1, "transfer")
			}
			sb.WriteString(" RETURNING id")
			rows, err := tx.QueryContext(ctx, sb.String(), args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		var drafts []ledger.Draft
		for i := range n {
			due := civil.New(2020+i/(12*leases), time.Month(i/leases%12+1), 1)
			drafts = append(drafts, ledger.Draft{LeaseID: ids[i%leases], IssueDate: civil.New(2026, 1, 1), DueDate: due,
				Lines: []ledger.DraftLine{{Line: "bare_rent||", From: due, To: due.LastOfMonth(), Net: 80000},
					{Line: "service_costs||", From: due, To: due.LastOfMonth(), Net: 5000}}})
		}
		posted, err := ledger.PostTx(ctx, tx, drafts, now, 0)
		if err != nil {
			return err
		}
		batch := e.Ledger.NewPaymentBatch(tx, a)
		for start := 0; start < n; start += 3 * ledger.RowsPerStatement {
			var paid []int64
			for i := start; i < min(start+3*ledger.RowsPerStatement, n); i += 3 {
				paid = append(paid, posted[i].InvoiceID)
			}
			if err := batch.Load(ctx, paid); err != nil {
				return err
			}
			for _, id := range paid {
				if _, err := batch.AddToInvoice(ctx, id, civil.New(2026, 1, 2), 85000, ledger.Transfer, "bench"); err != nil {
					return err
				}
			}
			if _, err := batch.Flush(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
