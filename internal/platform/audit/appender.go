package audit

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"hms/internal/platform/db"
)

// Appender records the events of reads (the access log, PRIVACY.md P14)
// without making every read a write transaction of its own.
//
// Record appends to an organisation's chain inside the caller's transaction
// and takes the chain head's row lock until that transaction ends, so
// parallel readers of one organisation would queue on that row one
// transaction after the other. Append instead hands the event to the
// organisation's queue and waits until it is committed: whoever finds the
// queue idle starts a writer that takes everything queued so far and
// records it in one transaction (one head lock, one commit for the whole
// batch), then the next batch, until the queue is empty (group commit). The
// read itself runs in a read-only transaction beforehand.
//
// Nothing is lost and nothing is shown unlogged: Append returns only after
// the batch holding its event committed, and an error when it did not (the
// caller then does not show the record). Events stay in the same chain as
// every other event, so Verify, List and the privacy export see them as
// before. Close waits for the writers still running (events whose callers
// gave up waiting).
type Appender struct {
	log *Log
	db  *db.DB

	mu     sync.Mutex
	queues map[int64]*appendQueue
	closed bool
	wg     sync.WaitGroup

	batches atomic.Int64
	pending atomic.Int64 // events handed over and not yet written or failed
}

type appendQueue struct {
	items []appendItem
	busy  bool // a writer is draining this queue
}

type appendItem struct {
	e    Event
	done chan error
}

// NewAppender returns an Appender that records through l into d.
func NewAppender(d *db.DB, l *Log) *Appender {
	return &Appender{log: l, db: d, queues: map[int64]*appendQueue{}}
}

// Batches is the number of transactions the Appender has committed events
// in (tests and benchmarks compare it with the events appended).
func (a *Appender) Batches() int64 { return a.batches.Load() }

// Append records e in organisation org's chain and returns once it is
// committed. It refuses what Record refuses, before queueing.
func (a *Appender) Append(ctx context.Context, org int64, e Event) error {
	if org <= 0 {
		return db.ErrNoOrg
	}
	if err := validate(&e); err != nil {
		return fmt.Errorf("record %s: %w", e.Action, err)
	}
	it := appendItem{e: e, done: make(chan error, 1)}
	a.pending.Add(1)
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return a.write(org, []appendItem{it})
	}
	q := a.queues[org]
	if q == nil {
		q = &appendQueue{}
		a.queues[org] = q
	}
	q.items = append(q.items, it)
	if !q.busy {
		q.busy = true
		a.wg.Add(1)
		go a.drain(org, q)
	}
	a.mu.Unlock()
	select {
	case err := <-it.done:
		return err
	case <-ctx.Done():
		return ctx.Err() // the writer still records the event
	}
}

// drain writes org's queue batch by batch until it is empty.
func (a *Appender) drain(org int64, q *appendQueue) {
	defer a.wg.Done()
	for {
		a.mu.Lock()
		batch := q.items
		q.items = nil
		if len(batch) == 0 {
			q.busy = false
			delete(a.queues, org)
			a.mu.Unlock()
			return
		}
		a.mu.Unlock()
		_ = a.write(org, batch)
	}
}

// write records batch in one transaction and tells every waiter how it
// went. A transaction PostgreSQL ended to break a deadlock is tried again.
func (a *Appender) write(org int64, batch []appendItem) error {
	ctx := context.Background()
	var err error
	for try := 0; try < 3; try++ {
		err = a.db.InOrg(ctx, org, func(tx *db.Tx) error {
			for _, it := range batch {
				if err := a.log.Record(ctx, tx, it.e); err != nil {
					return err
				}
			}
			return nil
		})
		if !db.IsDeadlock(err) {
			break
		}
	}
	if err == nil {
		a.batches.Add(1)
	}
	for _, it := range batch {
		it.done <- err
	}
	a.pending.Add(-int64(len(batch)))
	return err
}

// Close waits for the writers still running; later appends are written at
// once, each in its own transaction.
func (a *Appender) Close() {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	a.wg.Wait()
}
