package billing_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/ledger"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// benchLeases is the portfolio size: HMS_BENCH_LEASES, or 2,000 so that
// `go test -bench` stays quick; docs/PERFORMANCE.md records 100,000.
func benchLeases() int {
	if n, err := strconv.Atoi(os.Getenv("HMS_BENCH_LEASES")); err == nil && n > 0 {
		return n
	}
	return 2000
}

// seedLeases writes n monthly leases straight into the lease tables (the
// benchmark measures the run, not the lease service): each with a tenant,
// a bare rent, a service-cost advance and parking, so about 3n charge
// lines; one in fifty starts mid-month and is prorated.
func seedLeases(b *testing.B, e *apptest.Env, a account.Actor, n int) {
	ctx := context.Background()
	now := db.TS(time.Now())
	const batch = ledger.RowsPerStatement
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		err := e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			var ls strings.Builder
			var args []any
			ls.WriteString(`INSERT INTO leases (org_id, reference, start_date, created_at, updated_at, kind, billing_frequency, due_day,
				payment_method) VALUES `)
			for i := start; i < end; i++ {
				if i > start {
					ls.WriteString(",")
				}
				ls.WriteString(tx.Tuple(len(args)+1, 9))
				startDate := "2025-01-01"
				if i%50 == 0 {
					startDate = "2026-01-15"
				}
				args = append(args, tx.OrgID(), fmt.Sprintf("B-%07d", i), startDate, now, now, "residential", "monthly", 1, "transfer")
			}
			ls.WriteString(" RETURNING id, start_date")
			rows, err := tx.QueryContext(ctx, ls.String(), args...)
			if err != nil {
				return err
			}
			type row struct {
				id    int64
				start string
			}
			var ids []row
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.start); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, r)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			var ps, cs strings.Builder
			var pargs, cargs []any
			ps.WriteString(`INSERT INTO lease_parties (org_id, lease_id, party_id, role) VALUES `)
			cs.WriteString(`INSERT INTO lease_components (org_id, lease_id, kind, category, amount_cents, vat, valid_from, created_at) VALUES `)
			for j, r := range ids {
				if j > 0 {
					ps.WriteString(",")
				}
				ps.WriteString(tx.Tuple(len(pargs)+1, 4))
				pargs = append(pargs, tx.OrgID(), r.id, 1_000_000+r.id, "tenant")
				for c, comp := range [][2]any{{"bare_rent", int64(70000 + r.id%50000)}, {"service_costs", int64(3500)}, {"parking", int64(4500)}} {
					if j > 0 || c > 0 {
						cs.WriteString(",")
					}
					cs.WriteString(tx.Tuple(len(cargs)+1, 8))
					cat := ""
					if comp[0] == "service_costs" {
						cat = "Schoonmaak"
					}
					cargs = append(cargs, tx.OrgID(), r.id, comp[0], cat, comp[1], "exempt", r.start, now)
				}
			}
			if _, err := tx.ExecContext(ctx, ps.String(), pargs...); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, cs.String(), cargs...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func benchOrg(b *testing.B, e *apptest.Env, slug string) account.Actor {
	ctx := context.Background()
	_, id, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: slug, Email: "owner@" + slug + ".nl", Role: account.Owner})
	if err != nil {
		b.Fatal(err)
	}
	a, err := e.Accounts.ActorFor(ctx, id, slug)
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// peakHeap samples the live heap while fn runs and returns its peak.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return peak.Load()
}

// BenchmarkRentRun posts a month for a seeded portfolio ("run"), beside
// its baseline ("raw"): the same invoice and charge rows, computed
// beforehand, inserted into the same tables with multi-row statements in
// one transaction per 500 leases. Both report lines per op and the peak
// heap; run them at two sizes to see memory stay flat. Each iteration is
// the next month (January 2026 first), with any -benchtime: "-benchtime 12x"
// posts a year in a row and reports the first and last month's seconds
// (first-s, last-s), so a run that slows as the ledger grows shows.
func BenchmarkRentRun(b *testing.B) {
	n := benchLeases()
	ctx := context.Background()
	for _, engine := range dbtest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			e := apptest.Start(b, engine, apptest.Options{NoServer: true})
			raw, run := benchOrg(b, e, "raw"), benchOrg(b, e, "run")
			t0 := time.Now()
			seedLeases(b, e, raw, n)
			seedLeases(b, e, run, n)
			if engine == db.Postgres {
				// Statistics as autovacuum keeps them, the ledger tables
				// analysed while empty (the case db.Tx.CustomPlans guards).
				if _, err := e.DB.Raw().ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("%s: seeded 2 × %d leases in %s", engine, n, time.Since(t0).Round(time.Millisecond))
			// The rows the raw insert writes: what the run would post.
			pv, err := e.Billing.Preview(ctx, raw, billing.RunInput{Period: benchPeriod(0)}, billing.PreviewWindow{Limit: 1})
			if err != nil {
				b.Fatal(err)
			}
			// The months posted so far and the raw insert's invoice
			// sequence carry over from one round of b.N to the next.
			var rawMonths, runMonths int
			var seq int64
			months := func(b *testing.B, next *int, post func(month int) int) {
				var first, last time.Duration
				for i := 0; i < b.N; i++ {
					month := *next
					*next++
					var lines int
					start := time.Now()
					heap := peakHeap(func() { lines = post(month) })
					took := time.Since(start)
					if i == 0 {
						first = took
					}
					last = took
					b.Logf("%s: %d lines in %s", benchPeriod(month), lines, took.Round(time.Millisecond))
					b.ReportMetric(float64(lines), "lines/op")
					b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
				}
				b.ReportMetric(first.Seconds(), "first-s")
				b.ReportMetric(last.Seconds(), "last-s")
			}
			b.Run("raw", func(b *testing.B) {
				months(b, &rawMonths, func(month int) int { return rawInsert(b, e, raw, month, &seq) })
			})
			b.Run("run", func(b *testing.B) {
				months(b, &runMonths, func(month int) int {
					r, err := e.Billing.PostRun(ctx, run, billing.RunInput{Period: benchPeriod(month)}, nil)
					if err != nil {
						b.Fatal(err)
					}
					if month == 0 && int(r.Charges) != pv.Lines {
						b.Fatalf("run posted %d lines, preview said %d", r.Charges, pv.Lines)
					}
					if r.Charges == 0 {
						b.Fatalf("%s: the run posted nothing", benchPeriod(month))
					}
					return int(r.Charges)
				})
			})
		})
	}
}

// benchPeriod is the rent period of the benchmark's month-th iteration:
// January 2026 first.
func benchPeriod(month int) string {
	return civil.Month{Year: 2026 + month/12, Month: time.Month(month%12 + 1)}.String()
}

// rawInsert writes, for every lease of a, one invoice and three charges
// with fixed amounts for the month-th period: the rows without the work of
// deciding them. seq numbers the invoices on from the last round.
func rawInsert(b *testing.B, e *apptest.Env, a account.Actor, month int, seq *int64) int {
	ctx := context.Background()
	period := benchPeriod(month)
	first := civil.MustParse(period + "-01")
	var lines int
	var after int64
	now := db.TS(time.Now())
	for {
		var last int64
		err := e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			// The same plan setting as the run (db.Tx.CustomPlans).
			if err := tx.CustomPlans(ctx); err != nil {
				return err
			}
			rows, err := tx.QueryContext(ctx, `SELECT id FROM leases WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT 500`, tx.OrgID(), after)
			if err != nil {
				return err
			}
			var ids []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			if err := rows.Close(); err != nil || len(ids) == 0 {
				return err
			}
			last = ids[len(ids)-1]
			for len(ids) > 0 {
				chunk := ids[:min(len(ids), ledger.RowsPerStatement)]
				ids = ids[len(chunk):]
				n, err := rawChunk(ctx, tx, chunk, period, first, seq, now)
				if err != nil {
					return err
				}
				lines += n
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if last == 0 {
			return lines
		}
		after = last
	}
}

// rawChunk inserts the invoices and charges of ids, one statement each.
func rawChunk(ctx context.Context, tx *db.Tx, ids []int64, period string, first civil.Date, seq *int64, now string) (int, error) {
	lines := 0
	var is strings.Builder
	var args []any
	is.WriteString(`INSERT INTO ledger_invoices (org_id, number, fiscal_year, kind, lease_id, period, issue_date, due_date,
				kenmerk, net_cents, vat_cents, total_cents, run_id, created_at, created_by, open_cents) VALUES `)
	numbers := map[string]int64{}
	for j, id := range ids {
		*seq++
		number := ledger.Number(first.Year, *seq)
		p, _ := strconv.ParseUint(number, 10, 64)
		kenmerk, _ := nl.NewKenmerk(p)
		numbers[number] = id
		if j > 0 {
			is.WriteString(",")
		}
		is.WriteString(tx.Tuple(len(args)+1, 16))
		args = append(args, tx.OrgID(), number, first.Year, "invoice", id, period, first, first, kenmerk, 83000, 0, 83000, 0, now, 0, 83000)
	}
	is.WriteString(" RETURNING id, number")
	rows, err := tx.QueryContext(ctx, is.String(), args...)
	if err != nil {
		return 0, err
	}
	invoice := map[int64]int64{}
	for rows.Next() {
		var id int64
		var number string
		if err := rows.Scan(&id, &number); err != nil {
			rows.Close()
			return 0, err
		}
		invoice[numbers[number]] = id
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	var cs strings.Builder
	var cargs []any
	cs.WriteString(`INSERT INTO ledger_charges (org_id, invoice_id, lease_id, period, line, from_date, to_date, net_cents, vat_rate, vat_cents,
		total_cents, due_date) VALUES `)
	for j, id := range ids {
		for c, line := range []string{"bare_rent||", "service_costs|Schoonmaak|", "parking||"} {
			if j > 0 || c > 0 {
				cs.WriteString(",")
			}
			cs.WriteString(tx.Tuple(len(cargs)+1, 12))
			cargs = append(cargs, tx.OrgID(), invoice[id], id, period, line, first, first.LastOfMonth(), 25000, 0, 0, 25000, first)
			lines++
		}
	}
	_, err = tx.ExecContext(ctx, cs.String(), cargs...)
	return lines, err
}
