package db

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// A statement run in one transaction is kept prepared by the pool and
// taken by the next transactions; a nested read of the same text in one
// transaction gets a statement of its own, so the outer rows are read whole.
func TestKeptStatements(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Raw().ExecContext(ctx, `CREATE TABLE kept (id INTEGER PRIMARY KEY, v TEXT);
		INSERT INTO kept VALUES (1, 'een'), (2, 'twee'), (3, 'drie')`); err != nil {
		t.Fatal(err)
	}
	const one = `SELECT v FROM kept WHERE id = $1`
	isKept := func(query string) bool {
		v, ok := d.kept.Load(d.read)
		if !ok {
			return false
		}
		k := v.(*keptStmts)
		k.mu.Lock()
		defer k.mu.Unlock()
		return k.stmts[query] != nil
	}
	// waitKept waits for the background preparation; the deadline only
	// bounds a failing test.
	waitKept := func(query string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !isKept(query); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the reader pool did not keep %q", query)
			}
		}
	}
	read := func() string {
		var v string
		if err := d.ReadSystem(ctx, func(tx *Tx) error { return tx.QueryRowContext(ctx, one, 2).Scan(&v) }); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := read(); got != "twee" {
		t.Fatalf("read %q, want twee", got)
	}
	waitKept(one)
	for range 3 {
		if got := read(); got != "twee" {
			t.Fatalf("read %q with the kept statement, want twee", got)
		}
	}

	const all = `SELECT id FROM kept ORDER BY id`
	for round := range 2 { // the second round runs on the kept statement
		var outer, inner int
		err := d.ReadSystem(ctx, func(tx *Tx) error {
			rows, err := tx.QueryContext(ctx, all)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() && outer < 10 { // a reset outer read starts again
				outer++
				nested, err := tx.QueryContext(ctx, all)
				if err != nil {
					return err
				}
				for nested.Next() {
					inner++
				}
				if err := nested.Close(); err != nil {
					return err
				}
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		if outer != 3 || inner != 9 {
			t.Fatalf("round %d: outer rows %d, nested rows %d; want 3 and 9", round, outer, inner)
		}
		if round == 0 {
			waitKept(all)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if isKept(one) || isKept(all) {
		t.Fatal("statements still kept after Close")
	}
}

// Close returns only when no statement is being prepared in the background:
// a prepare still opening a connection would touch the database's files
// after Close (a test's temporary directory could not be removed).
func TestCloseWaitsForKeptStatements(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Raw().ExecContext(ctx, `CREATE TABLE kept (id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	const q = `SELECT count(*) FROM kept WHERE id > $1`
	var n int
	if err := d.ReadSystem(ctx, func(tx *Tx) error {
		for i := range 50 { // each text a background prepare of its own
			if err := tx.QueryRowContext(ctx, q+fmt.Sprintf(" AND %d = %d", i, i), i).Scan(&n); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	v, _ := d.kept.Load(d.read)
	k := v.(*keptStmts)
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.pending) != 0 || len(k.stmts) != 0 {
		t.Fatalf("after Close %d statements were still being prepared and %d kept", len(k.pending), len(k.stmts))
	}
}
