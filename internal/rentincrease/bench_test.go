package rentincrease_test

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
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// BenchmarkPropose proposes the rent increases of 1 July 2026 for a
// portfolio of HMS_BENCH_LEASES leases (default 2,000), each on a unit of
// its own with a bare rent, seeded straight into the tables. Propose reads
// the leases, their units' facts and their posted periods per batch of 500
// (before: lease by lease, about eight queries each); docs/PERFORMANCE.md
// has the numbers before and after. Every iteration refreshes the drafts
// of the first.
func BenchmarkPropose(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("HMS_BENCH_LEASES")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	on := civil.New(2026, time.July, 1)
	for _, engine := range dbtest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			e := apptest.Start(b, engine, apptest.Options{NoServer: true,
				Clock: clock.NewFixed(time.Date(2026, time.May, 1, 10, 0, 0, 0, time.UTC))})
			_, uid, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "bench", Email: "owner@bench.nl", Role: account.Owner})
			if err != nil {
				b.Fatal(err)
			}
			a, err := e.Accounts.ActorFor(ctx, uid, "bench")
			if err != nil {
				b.Fatal(err)
			}
			seedRentLeases(b, e, a, n)
			if engine == db.Postgres {
				if _, err := e.DB.Raw().ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ps, err := e.RentIncreases.Propose(ctx, a, on)
				if err != nil {
					b.Fatal(err)
				}
				if len(ps) != n {
					b.Fatalf("%d proposals for %d leases", len(ps), n)
				}
			}
		})
	}
}

// seedRentLeases writes n units, each with a lease from 2024 and a bare
// rent, in the free sector.
func seedRentLeases(b *testing.B, e *apptest.Env, a account.Actor, n int) {
	ctx := context.Background()
	now := db.TS(time.Now())
	err := e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var cx int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO complexes (org_id, name, name_key, city, created_at, updated_at)
			VALUES ($1, 'Bench', 'bench', 'Utrecht', $2, $2) RETURNING id`, tx.OrgID(), now).Scan(&cx); err != nil {
			return err
		}
		insert := func(head string, cols int, rows int, row func(i int) []any) ([]int64, error) {
			var sb strings.Builder
			var args []any
			sb.WriteString(head + " VALUES ")
			for i := range rows {
				if i > 0 {
					sb.WriteString(",")
				}
				sb.WriteString(tx.Tuple(len(args)+1, cols))
				args = append(args, row(i)...)
			}
			if !strings.Contains(head, "lease_units") {
				sb.WriteString(" RETURNING id")
			}
			rs, err := tx.QueryContext(ctx, sb.String(), args...)
			if err != nil {
				return nil, err
			}
			defer rs.Close()
			var ids []int64
			for rs.Next() {
				var id int64
				if err := rs.Scan(&id); err != nil {
					return nil, err
				}
				ids = append(ids, id)
			}
			return ids, rs.Err()
		}
		for start := 0; start < n; start += 250 {
			k := min(250, n-start)
			units, err := insert(`INSERT INTO units (org_id, complex_id, street, house_number, postcode, city, type, floor_area_tenths, segment,
				created_at, updated_at)`, 11, k, func(i int) []any {
				return []any{tx.OrgID(), cx, "Benchlaan", start + i + 1, "3521 CD", "Utrecht", "zelfstandig", 600, "vrije_sector", now, now}
			})
			if err != nil {
				return err
			}
			leases, err := insert(`INSERT INTO leases (org_id, reference, start_date, created_at, updated_at, kind, billing_frequency,
				due_day, payment_method, segment)`, 10, k, func(i int) []any {
				return []any{tx.OrgID(), fmt.Sprintf("R-%06d", start+i), "2024-01-01", now, now, "residential", "monthly", 1, "transfer",
					"vrije_sector"}
			})
			if err != nil {
				return err
			}
			if _, err := insert(`INSERT INTO lease_units (org_id, lease_id, unit_id, complex_id)`, 4, k, func(i int) []any {
				return []any{tx.OrgID(), leases[i], units[i], cx}
			}); err != nil {
				return err
			}
			if _, err := insert(`INSERT INTO lease_components (org_id, lease_id, kind, category, amount_cents, vat, valid_from, created_at)`,
				8, k, func(i int) []any {
					return []any{tx.OrgID(), leases[i], "bare_rent", "", int64(90000 + i), "exempt", "2024-01-01", now}
				}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
