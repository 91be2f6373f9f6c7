package payout_test

import (
	"testing"

	"github.com/pressly/goose/v3"

	"hms/internal/payout"
	"hms/internal/platform/db"
	"hms/internal/platform/migrations"
)

// Migration 00027 moves the rows of deposit_payouts and settlement_payouts
// into payouts: deposit refunds keep their ids, open ones become approved
// (creating approved them so far), a settlement refund gets the lease's
// first tenant as payee; the old tables go, and new payouts get fresh ids.
func TestMigrationMovesTheOldPayouts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		l1 := e.tenantLease(e.Owner, "Visser", "NL91ABNA0417164300")
		l2 := e.tenantLease(e.Owner, "Smit", "NL86INGB0002445588")
		l3 := e.tenantLease(e.Owner, "Mulder", "")
		dp, err := e.Deposits.Settle(ctx, e.Manager, l1)
		if err != nil {
			t.Fatal(err)
		}
		dialect := goose.DialectSQLite3
		if e.DB.Dialect == db.Postgres {
			dialect = goose.DialectPostgres
		}
		files, err := migrations.Files(e.DB.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		p, err := goose.NewProvider(dialect, e.DB.Raw(), files)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.DownTo(ctx, 26); err != nil {
			t.Fatalf("down: %v", err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM deposit_payouts WHERE id = $1 AND state = 'open' AND amount_cents = 200000`, dp.ID); n != 1 {
			t.Fatal("down did not give the deposit refund back to deposit_payouts")
		}
		// A settlement refund as the old code made it, and a paid one.
		for st, paid := range map[string]any{"open": nil, "paid": "2026-03-05"} {
			if _, err := e.DB.Raw().ExecContext(ctx, `INSERT INTO settlement_payouts (org_id, lease_id, statement_id, amount_cents, due_date, state,
				paid_on, created_at) VALUES ($1, $2, 7, 1234, '2026-04-01', $3, $4, '2026-03-01T10:00:00Z')`, e.Owner.OrgID, l2, st, paid); err != nil {
				t.Fatal(err)
			}
		}
		// Up as hms migrate does it: the new tables granted to the roles.
		if err := migrations.Migrate(ctx, e.DB); err != nil {
			t.Fatalf("up: %v", err)
		}
		got, err := e.Payouts.Get(ctx, e.Owner, dp.ID)
		if err != nil || got.Kind != payout.KindDeposit || got.State != payout.StateApproved || got.ApprovedBy != e.Manager.UserID ||
			got.Amount != 200000 || got.LeaseID != l1 || got.PayeeName != "A. Visser" {
			t.Fatalf("the deposit refund after the migration: %+v %v", got, err)
		}
		lease2, _ := e.Leases.Get(ctx, e.Owner, l2)
		if n := e.Count(`SELECT COUNT(*) FROM payouts WHERE kind = 'settlement' AND lease_id = $1 AND payee_id = $2 AND statement_id = 7
			AND amount_cents = 1234 AND due_date = '2026-04-01' AND state IN ('approved', 'paid')`, l2, lease2.TenantIDs()[0]); n != 2 {
			t.Fatalf("%d settlement refunds moved", n)
		}
		if n := e.Count(`SELECT COUNT(*) FROM payouts WHERE kind = 'settlement' AND state = 'paid' AND paid_on = '2026-03-05'`); n != 1 {
			t.Fatal("the paid settlement refund lost its date")
		}
		for _, table := range []string{"deposit_payouts", "settlement_payouts"} {
			if n := e.Count(`SELECT COUNT(*) FROM payouts`); n != 3 {
				t.Fatalf("%d payouts", n)
			}
			var exists int
			q := `SELECT COUNT(*) FROM sqlite_master WHERE name = $1`
			if e.DB.Dialect == db.Postgres {
				q = `SELECT COUNT(*) FROM pg_tables WHERE tablename = $1`
			}
			if err := e.DB.Raw().QueryRowContext(ctx, q, table).Scan(&exists); err != nil || exists != 0 {
				t.Fatalf("%s still exists (%v)", table, err)
			}
		}
		// New payouts go on after the moved ids.
		d3, err := e.Deposits.Settle(ctx, e.Owner, l3)
		if err != nil || d3.ID <= dp.ID {
			t.Fatalf("a payout after the migration: %+v %v", d3, err)
		}
	})
}
