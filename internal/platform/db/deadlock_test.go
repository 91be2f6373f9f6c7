package db_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// Two transactions that lock two rows in opposite orders deadlock; the one
// PostgreSQL ends must be recognised as safe to run again.
func TestIsDeadlockRecognisesPostgresEndingADeadlock(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	raw := d.Raw()
	if _, err := raw.ExecContext(ctx,
		`CREATE TABLE deadlock_probe (id int PRIMARY KEY); INSERT INTO deadlock_probe VALUES (1), (2)`); err != nil {
		t.Fatal(err)
	}
	begin := func(first int) *sql.Tx {
		tx, err := raw.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE deadlock_probe SET id = id WHERE id = $1`, first); err != nil {
			t.Fatal(err)
		}
		return tx
	}
	a, b := begin(1), begin(2)
	errs := make(chan error, 2)
	for _, c := range []struct {
		tx   *sql.Tx
		next int
	}{{a, 2}, {b, 1}} {
		go func() {
			_, err := c.tx.ExecContext(ctx, `UPDATE deadlock_probe SET id = id WHERE id = $1`, c.next)
			if err != nil {
				_ = c.tx.Rollback() // the victim is rolled back already; this frees the connection
			} else {
				err = c.tx.Commit()
			}
			errs <- err
		}()
	}
	var ended int
	for range 2 {
		if err := <-errs; err != nil {
			if !db.IsDeadlock(err) {
				t.Fatalf("error %v is not recognised as a deadlock", err)
			}
			ended++
		}
	}
	if ended != 1 {
		t.Fatalf("%d transactions ended by the deadlock detector, want 1", ended)
	}
	if db.IsDeadlock(errors.New("deadlock")) || db.IsDeadlock(sql.ErrNoRows) {
		t.Fatal("other errors taken for a deadlock")
	}
}
