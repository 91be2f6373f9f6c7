package db

import (
	"context"
	"database/sql"
)

// On SQLite a transaction keeps the statements it runs with ExecContext and
// QueryRowContext prepared, by their text, until it ends: preparing (parsing
// and compiling) a statement cost about as much as running it, and a bulk
// write (a rent-roll import: some twenty statements a lease) runs the same
// few texts thousands of times. QueryContext is left alone: its rows stay
// open on the statement while the caller reads them, and the same text run
// again meanwhile (a nested read) would reset them. PostgreSQL's driver
// keeps prepared statements per connection itself.

const (
	maxCachedStmts   = 256  // statements kept by one transaction
	maxCachedStmtLen = 8192 // longer texts (multi-row statements) are not kept
)

func (tx *Tx) cached(ctx context.Context, query string) *sql.Stmt {
	if tx.db.Dialect != SQLite || len(query) > maxCachedStmtLen {
		return nil
	}
	if st, ok := tx.stmts[query]; ok {
		return st
	}
	if len(tx.stmts) >= maxCachedStmts {
		return nil
	}
	st, err := tx.Tx.PrepareContext(ctx, query)
	if err != nil {
		return nil // ExecContext or QueryRowContext reports it
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = st // closed by database/sql when the transaction ends
	return st
}

// ExecContext runs query in the transaction (on SQLite with the statement
// kept prepared).
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.cached(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryRowContext runs a query that returns at most one row (on SQLite with
// the statement kept prepared).
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := tx.cached(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}
