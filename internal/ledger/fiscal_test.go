package ledger_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/ledger"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/validation"
)

var ctx = context.Background()

func TestFiscalArchive(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{NoServer: true, Clock: clk})
			owner := e.Actor(t, "alpha", "owner@alpha.nl", account.Owner)
			manager := e.Actor(t, "alpha", "manager@alpha.nl", account.Manager)
			ownerB := e.Actor(t, "beta", "owner@beta.nl", account.Owner)
			secret := []byte("Anna de Vries, Oudegracht 12, 3511 AB Utrecht")

			// Seal twice in 2025 and once in 2026: one key per year.
			var s25, s25b, s26 []byte
			if err := e.DB.InOrg(ctx, owner.OrgID, func(tx *db.Tx) error {
				var err error
				if s25, err = e.Ledger.SealFiscal(ctx, tx, 2025, "ledger_invoices.debtor/1", secret); err != nil {
					return err
				}
				if s25b, err = e.Ledger.SealFiscal(ctx, tx, 2025, "ledger_invoices.debtor/2", secret); err != nil {
					return err
				}
				s26, err = e.Ledger.SealFiscal(ctx, tx, 2026, "ledger_invoices.debtor/3", secret)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			var keys int
			if err := e.DB.Raw().QueryRow(`SELECT COUNT(*) FROM ledger_fiscal_keys`).Scan(&keys); err != nil || keys != 2 {
				t.Fatalf("fiscal keys: %d (%v)", keys, err)
			}
			if bytes.Contains(s25, secret[:10]) {
				t.Fatal("sealed bytes hold the plaintext")
			}
			open := func(a account.Actor, year int, field string, sealed []byte) ([]byte, error) {
				var out []byte
				err := e.DB.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
					var err error
					out, err = e.Ledger.OpenFiscal(ctx, tx, year, field, sealed)
					return err
				})
				return out, err
			}
			if got, err := open(owner, 2025, "ledger_invoices.debtor/2", s25b); err != nil || !bytes.Equal(got, secret) {
				t.Fatalf("open in a read transaction: %q %v", got, err)
			}
			// Bound to row and year: another field, year or organisation does not open it.
			if _, err := open(owner, 2025, "ledger_invoices.debtor/2", s25); err == nil {
				t.Fatal("opened with another row's field")
			}
			if _, err := open(owner, 2026, "ledger_invoices.debtor/1", s25); err == nil {
				t.Fatal("opened under another year's key")
			}
			if _, err := open(ownerB, 2025, "ledger_invoices.debtor/1", s25); err == nil {
				t.Fatal("another organisation opened it")
			}

			// Shredding: owner only, and only after the retention period.
			if err := e.Ledger.ShredFiscalYear(ctx, manager, 2018); !errors.Is(err, validation.ErrForbidden) {
				t.Fatalf("manager shredded: %v", err)
			}
			if err := e.Ledger.ShredFiscalYear(ctx, owner, 2025); !errors.Is(err, ledger.ErrRetentionRunning) {
				t.Fatalf("2025 shredded in 2026: %v", err)
			}
			if ledger.RetentionYears != 7 {
				t.Fatalf("retention %d years", ledger.RetentionYears)
			}
			// 31 December 2032 is within 7 full years after 2025; 1 January 2033 is not.
			clk.Set(time.Date(2032, time.December, 31, 12, 0, 0, 0, time.UTC))
			if err := e.Ledger.ShredFiscalYear(ctx, owner, 2025); !errors.Is(err, ledger.ErrRetentionRunning) {
				t.Fatalf("2025 shredded on 31 December 2032: %v", err)
			}
			clk.Set(time.Date(2033, time.January, 1, 12, 0, 0, 0, time.UTC))
			if err := e.Ledger.ShredFiscalYear(ctx, owner, 2025); err != nil {
				t.Fatal(err)
			}
			if _, err := open(owner, 2025, "ledger_invoices.debtor/1", s25); !errors.Is(err, ledger.ErrFiscalShredded) {
				t.Fatalf("open after shredding: %v", err)
			}
			if got, err := open(owner, 2026, "ledger_invoices.debtor/3", s26); err != nil || !bytes.Equal(got, secret) {
				t.Fatalf("2026 lost with 2025: %v", err)
			}
			// Nothing is sealed in a destroyed year again.
			if err := e.DB.InOrg(ctx, owner.OrgID, func(tx *db.Tx) error {
				_, err := e.Ledger.SealFiscal(ctx, tx, 2025, "ledger_invoices.debtor/9", secret)
				return err
			}); !errors.Is(err, ledger.ErrFiscalShredded) {
				t.Fatalf("sealed in a destroyed year: %v", err)
			}
			var events int
			if err := e.DB.Raw().QueryRow(`SELECT COUNT(*) FROM audit_events
				WHERE action = 'ledger.fiscal_year_shredded'`).Scan(&events); err != nil || events != 1 {
				t.Fatalf("audit events: %d %v", events, err)
			}
		})
	}
}
