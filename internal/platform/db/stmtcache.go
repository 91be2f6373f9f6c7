package db

import (
	"context"
	"database/sql"
	"sync"
)

// On SQLite statements are kept prepared by their text: preparing (parsing
// and compiling) a statement cost about as much as running it, both for a
// bulk write (a rent-roll import: some twenty statements a lease, run
// thousands of times) and for a request (authenticating an API token spent
// two fifths of its time preparing its few statements again in each
// transaction). Each connection pool keeps its statements (keptStmts); a
// transaction takes them onto its connection, where database/sql prepares
// each once per connection and keeps it. PostgreSQL's driver keeps prepared
// statements per connection itself.
//
// A statement whose rows a caller is still reading is not used again in the
// same transaction (a nested read of the same text would reset them): the
// second run gets a statement of its own.

const (
	maxCachedStmts   = 256  // statements kept by one transaction
	maxCachedStmtLen = 8192 // longer texts (multi-row statements) are not kept
	maxKeptStmts     = 512  // statements kept by a pool
	maxKeptStmtLen   = 4096 // longer texts are kept by a transaction only
)

// keptStmts are one pool's statements kept prepared across transactions.
type keptStmts struct {
	mu      sync.Mutex
	stmts   map[string]*sql.Stmt
	pending map[string]bool
	closed  bool
	// Close waits for the background prepares (one still opening a
	// connection would touch the database file after Close returned) and
	// stops those still waiting for a connection.
	preparing sync.WaitGroup
	ctx       context.Context
	stop      context.CancelFunc
}

func newKeptStmts() *keptStmts {
	ctx, stop := context.WithCancel(context.Background())
	return &keptStmts{stmts: map[string]*sql.Stmt{}, pending: map[string]bool{}, ctx: ctx, stop: stop}
}

// keptStmt is pool's statement for query, or nil while it is not prepared
// yet. It is prepared in the background: a pool's connections may all be
// held by transactions (SQLite's writer has one), and a transaction that
// waited here for another connection could wait for itself.
func (d *DB) keptStmt(pool *sql.DB, query string) *sql.Stmt {
	if pool == nil || len(query) > maxKeptStmtLen {
		return nil
	}
	v, ok := d.kept.Load(pool)
	if !ok { // only a pool's first statement pays for the maps
		fresh := newKeptStmts()
		if v, ok = d.kept.LoadOrStore(pool, fresh); ok {
			fresh.stop()
		}
	}
	k := v.(*keptStmts)
	k.mu.Lock()
	defer k.mu.Unlock()
	if st, ok := k.stmts[query]; ok || k.closed || k.pending[query] || len(k.stmts)+len(k.pending) >= maxKeptStmts {
		return st
	}
	k.pending[query] = true
	k.preparing.Add(1)
	go func() {
		defer k.preparing.Done()
		st, err := pool.PrepareContext(k.ctx, query)
		k.mu.Lock()
		defer k.mu.Unlock()
		delete(k.pending, query)
		if err != nil {
			return // the transaction's own statement reports it
		}
		if k.closed {
			_ = st.Close()
			return
		}
		k.stmts[query] = st
	}()
	return nil
}

// closeKept closes every pool's kept statements before the pools close,
// once no statement is being prepared any more.
func (d *DB) closeKept() {
	d.kept.Range(func(_, v any) bool {
		k := v.(*keptStmts)
		k.mu.Lock()
		k.closed = true
		k.mu.Unlock()
		k.stop()
		k.preparing.Wait()
		k.mu.Lock()
		for q, st := range k.stmts {
			_ = st.Close()
			delete(k.stmts, q)
		}
		k.mu.Unlock()
		return true
	})
}

func (tx *Tx) cached(ctx context.Context, query string) *sql.Stmt {
	if tx.db.Dialect != SQLite || len(query) > maxCachedStmtLen {
		return nil
	}
	if rows := tx.reading[query]; rows != nil {
		if _, err := rows.Columns(); err == nil {
			return nil // still being read
		}
		delete(tx.reading, query)
	}
	if st, ok := tx.stmts[query]; ok {
		return st
	}
	if len(tx.stmts) >= maxCachedStmts {
		return nil
	}
	var st *sql.Stmt
	if kept := tx.db.keptStmt(tx.pool, query); kept != nil {
		st = tx.Tx.StmtContext(ctx, kept)
	} else {
		var err error
		if st, err = tx.Tx.PrepareContext(ctx, query); err != nil {
			return nil // ExecContext or QueryContext reports it
		}
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

// QueryContext runs a query (on SQLite with the statement kept prepared;
// the statement is not used again in this transaction until its rows are
// closed).
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st := tx.cached(ctx, query)
	if st == nil {
		return tx.Tx.QueryContext(ctx, query, args...)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err == nil {
		if tx.reading == nil {
			tx.reading = map[string]*sql.Rows{}
		}
		tx.reading[query] = rows
	}
	return rows, err
}
