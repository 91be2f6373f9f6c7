package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"hms/internal/platform/audit"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
)

// Job states.
const (
	StateQueued  = "queued"  // waiting for its first run
	StateRunning = "running" // claimed by a worker
	StateFailed  = "failed"  // the last attempt failed; it will be retried
	StateDone    = "done"
	StateDead    = "dead" // failed on its last attempt, or permanently
)

// Defaults for a kind registered without options.
const (
	DefaultMaxAttempts = 5
	DefaultTimeout     = 5 * time.Minute
	// DefaultLease is how long a claim lasts without a heartbeat.
	DefaultLease = 45 * time.Second
	maxBackoff   = time.Hour
)

var (
	// ErrNotFound: no such job in the transaction's organisation.
	ErrNotFound = errors.New("jobs: job not found")
	// ErrUnknownKind: Enqueue of a kind no handler was registered for.
	ErrUnknownKind = errors.New("jobs: unknown job kind")
	// ErrLeaseLost: the worker no longer holds the job (its lease expired and
	// another worker took it over); the handler should stop.
	ErrLeaseLost = errors.New("jobs: lease on job lost")
	// ErrAbandoned: the queue was abandoned (Abandon) while the job ran; its
	// outcome is not recorded and another worker resumes it. A handler sees
	// it as context.Cause of its context.
	ErrAbandoned = errors.New("jobs: job abandoned by its worker")
)

// Handler runs one job. It returns nil when the job is done; an error makes
// the queue retry it later (see Permanent). ctx ends at the kind's timeout,
// when the worker loses its lease (cause ErrLeaseLost) or when the queue is
// abandoned (cause ErrAbandoned); in the last two cases another worker owns
// the job, and the handler should stop without recording anything more.
type Handler func(ctx context.Context, j *Job) error

// Job is a claimed job as its handler sees it.
type Job struct {
	ID          int64
	OrgID       int64 // the organisation that enqueued it (0: the platform)
	Kind        string
	Payload     json.RawMessage
	Attempt     int // this run's attempt, from 1
	MaxAttempts int // the kind's limit: Attempt == MaxAttempts is the last try

	q      *Queue
	worker string
}

// Decode unmarshals the payload into v.
func (j *Job) Decode(v any) error {
	if err := json.Unmarshal(j.Payload, v); err != nil {
		return fmt.Errorf("job %d (%s): decode payload: %w", j.ID, j.Kind, err)
	}
	return nil
}

// LastAttempt reports whether a failure of this run makes the job dead.
func (j *Job) LastAttempt() bool { return j.Attempt >= j.MaxAttempts }

// ProgressAsync reports progress from inside a long transaction without
// waiting for it: the latest value is written by a goroutine in a
// transaction of its own. On PostgreSQL a page sees it at once; SQLite has
// one writer, so there it lands when the work commits (a direct write would
// wait for itself). Call stop when the work is done.
func (j *Job) ProgressAsync(ctx context.Context) (report func(done, total int), stop func()) {
	var mu sync.Mutex
	var latest [2]int
	wake := make(chan struct{}, 1)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for range wake {
			mu.Lock()
			v := latest
			mu.Unlock()
			// Shown, not needed: a lost lease ends ctx instead.
			_ = j.Progress(ctx, int64(v[0]), int64(v[1]), "")
		}
	}()
	report = func(d, t int) {
		mu.Lock()
		latest = [2]int{d, t}
		mu.Unlock()
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	stop = func() { close(wake); <-finished }
	return report, stop
}

// Progress records how far the job is (done of total, and a short note
// without personal data) in its own short transaction, so Status shows it
// while the job runs. It returns ErrLeaseLost when another worker has taken
// the job over. See the package documentation about SQLite.
func (j *Job) Progress(ctx context.Context, done, total int64, note string) error {
	now := j.q.clk.Now()
	var n int64
	err := j.q.d.System(ctx, func(tx *db.Tx) error {
		// Progress is a heartbeat too: it renews the lease.
		res, err := tx.ExecContext(ctx, `UPDATE jobs
			SET progress_done = $1, progress_total = $2, progress_note = $3, updated_at = $4, locked_until = $8
			WHERE id = $5 AND state = 'running' AND locked_by = $6 AND attempts = $7`,
			done, total, clip(audit.Redact(note), 500), db.TS(now), j.ID, j.worker, j.Attempt, db.TS(now.Add(j.q.lease())))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("job %d progress: %w", j.ID, err)
	}
	if n == 0 {
		return fmt.Errorf("job %d progress: %w", j.ID, ErrLeaseLost)
	}
	return nil
}

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying: the job becomes dead at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err was wrapped by Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

type kindSpec struct {
	handler     Handler
	priority    int
	maxAttempts int
	timeout     time.Duration
}

// KindOption configures a job kind at Register.
type KindOption func(*kindSpec)

// MaxAttempts sets how many times a job of this kind is tried (at least 1).
func MaxAttempts(n int) KindOption {
	return func(k *kindSpec) { k.maxAttempts = max(n, 1) }
}

// Timeout sets how long one run of the handler may take (its context's
// deadline). It is not the lease: a live worker keeps renewing that.
func Timeout(d time.Duration) KindOption {
	return func(k *kindSpec) {
		if d > 0 {
			k.timeout = d
		}
	}
}

// Interactive marks work a person is waiting for (a rent run, an import):
// its jobs are claimed before those of bulk kinds (documents, mail).
func Interactive() KindOption {
	return func(k *kindSpec) { k.priority = 1 }
}

// DefaultBackoff waits 10s·2^(attempt-1), at most an hour.
func DefaultBackoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 20 {
		return maxBackoff
	}
	return min(10*time.Second<<(attempt-1), maxBackoff)
}

// EnqueueOption configures one Enqueue.
type EnqueueOption func(*enqueueSpec)

type enqueueSpec struct {
	uniqueKey string
	runAt     time.Time
}

// UniqueKey deduplicates: while an unfinished job of the same organisation,
// kind and key exists, Enqueue returns its id instead of adding one.
func UniqueKey(key string) EnqueueOption { return func(e *enqueueSpec) { e.uniqueKey = key } }

// RunAt delays the job until t.
func RunAt(t time.Time) EnqueueOption { return func(e *enqueueSpec) { e.runAt = t } }

// Queue enqueues, claims and runs jobs. One Queue per process; every
// instance registers the same kinds.
type Queue struct {
	d   *db.DB
	clk clock.Clock
	id  string

	// PollInterval is how often idle workers look for due jobs that were
	// not announced to them (jobs of other instances, retries, RunAt).
	// Set it before Start. Default one second.
	PollInterval time.Duration
	// Logger receives worker errors. Default slog.Default().
	Logger *slog.Logger
	// Lease is how long a claim lasts without being renewed: a job whose
	// worker died is claimable again this long after its last heartbeat.
	// Default DefaultLease. Set it before Start.
	Lease time.Duration
	// Heartbeat is how often (in real time) the worker of a running job
	// renews its lease. Default a third of Lease.
	Heartbeat time.Duration
	// Hold, when set, is asked before a worker claims a job: while it says
	// true the workers claim nothing and look again after PollInterval or
	// an enqueue (serve --demo fills its organisation first, on SQLite's one
	// writer, before the rent runs' documents are made). RunOnce ignores it.
	// Set it before Start.
	Hold func() bool

	halt     context.Context // ends when the queue is abandoned
	haltWith context.CancelCauseFunc

	mu      sync.RWMutex
	kinds   map[string]*kindSpec
	running map[int64]bool // jobs this queue's workers run now
	cancels []context.CancelFunc
	wg      sync.WaitGroup
	wake    chan struct{}
}

// New returns a queue on d that reads "now" from clk.
func New(d *db.DB, clk clock.Clock) *Queue {
	if clk == nil {
		clk = clock.Real{}
	}
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	halt, haltWith := context.WithCancelCause(context.Background())
	return &Queue{
		halt:         halt,
		haltWith:     haltWith,
		d:            d,
		clk:          clk,
		id:           fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b)),
		PollInterval: time.Second,
		Logger:       slog.Default(),
		kinds:        map[string]*kindSpec{},
		running:      map[int64]bool{},
		wake:         make(chan struct{}, 64),
	}
}

// Register sets the handler of a kind. Register every kind before Start.
func (q *Queue) Register(kind string, h Handler, opts ...KindOption) {
	if kind == "" || h == nil {
		panic("jobs: Register needs a kind and a handler")
	}
	k := &kindSpec{handler: h, maxAttempts: DefaultMaxAttempts, timeout: DefaultTimeout}
	for _, o := range opts {
		o(k)
	}
	q.mu.Lock()
	q.kinds[kind] = k
	q.mu.Unlock()
}

func (q *Queue) spec(kind string) *kindSpec {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return q.kinds[kind]
}

// Kinds are the registered kinds of job, sorted (their names in words live
// in the catalog as job.kind.<kind>).
func (q *Queue) Kinds() []string { return q.kindNames() }

func (q *Queue) kindNames() []string {
	q.mu.RLock()
	defer q.mu.RUnlock()
	names := make([]string, 0, len(q.kinds))
	for k := range q.kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Enqueue adds a job of kind with payload (marshalled to JSON) in tx, for
// tx's organisation. It returns the job's id, or the id of the unfinished
// job with the same UniqueKey. Workers of this process are woken when tx
// commits.
func (q *Queue) Enqueue(ctx context.Context, tx *db.Tx, kind string, payload any, opts ...EnqueueOption) (int64, error) {
	if q.spec(kind) == nil {
		return 0, fmt.Errorf("enqueue %q: %w", kind, ErrUnknownKind)
	}
	var o enqueueSpec
	for _, f := range opts {
		f(&o)
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: encode payload: %w", kind, err)
	}
	now := q.clk.Now()
	runAt := now
	if !o.runAt.IsZero() {
		runAt = o.runAt
	}
	key := sql.NullString{String: o.uniqueKey, Valid: o.uniqueKey != ""}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO jobs (org_id, kind, payload, unique_key, state, run_at, created_at, updated_at, priority)
		VALUES ($1, $2, $3, $4, 'queued', $5, $6, $6, $7)
		ON CONFLICT DO NOTHING RETURNING id`,
		tx.OrgID(), kind, string(body), key, db.TS(runAt), db.TS(now), q.spec(kind).priority).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) && key.Valid {
		err = tx.QueryRowContext(ctx, `SELECT id FROM jobs
			WHERE org_id = $1 AND kind = $2 AND unique_key = $3 AND state IN ('queued','running','failed')`,
			tx.OrgID(), kind, key).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", kind, err)
	}
	tx.AfterCommit(q.poke)
	return id, nil
}

func (q *Queue) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// RunOnce claims one due job and runs it. ran reports whether there was one.
// With ran true, err is the handler's failure (already recorded in the job
// for a retry or as dead) or ErrLeaseLost; with ran false, err means the
// queue could not be read.
func (q *Queue) RunOnce(ctx context.Context) (ran bool, err error) {
	return q.runOnce(ctx, ctx, q.id+"/once")
}

func (q *Queue) runOnce(claimCtx, runCtx context.Context, worker string) (bool, error) {
	if q.halt.Err() != nil { // abandoned: this queue claims nothing more
		return false, nil
	}
	j, err := q.claim(claimCtx, worker)
	if err != nil || j == nil {
		return false, err
	}
	return true, q.run(runCtx, j)
}

func (q *Queue) lease() time.Duration {
	if q.Lease > 0 {
		return q.Lease
	}
	return DefaultLease
}

func (q *Queue) heartbeatEvery() time.Duration {
	if q.Heartbeat > 0 {
		return q.Heartbeat
	}
	return q.lease() / 3
}

// claim takes the next due job, or returns nil when there is none. The
// order is fair: interactive kinds first, then the organisation whose last
// claim is oldest (job_turns), then the oldest due job.
func (q *Queue) claim(ctx context.Context, worker string) (*Job, error) {
	kinds := q.kindNames()
	if len(kinds) == 0 {
		return nil, nil
	}
	now := q.clk.Now()
	args := []any{db.TS(now), worker, db.TS(now.Add(q.lease()))}
	marks := make([]string, len(kinds))
	for i, k := range kinds {
		args = append(args, k)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	// A job this very queue runs is alive even when its lease looks lapsed:
	// on SQLite the heartbeat waits for the one writer, which a handler's
	// long transaction may hold longer than a lease.
	mine := ""
	q.mu.RLock()
	for id := range q.running {
		args = append(args, id)
		mine += fmt.Sprintf(", $%d", len(args))
	}
	q.mu.RUnlock()
	if mine != "" {
		mine = ` AND j.id NOT IN (` + mine[2:] + `)`
	}
	pick := `SELECT j.id FROM jobs j LEFT JOIN job_turns t ON t.org_id = j.org_id
		WHERE j.kind IN (` + strings.Join(marks, ", ") + `)
		  AND ((j.state IN ('queued','failed') AND j.run_at <= $1) OR (j.state = 'running' AND j.locked_until <= $1))` + mine + `
		ORDER BY j.priority DESC, COALESCE(t.last_claim, 0), j.run_at, j.id LIMIT 1`
	if q.d.Dialect == db.Postgres {
		pick += ` FOR UPDATE OF j SKIP LOCKED`
	}
	var j *Job
	err := q.d.System(ctx, func(tx *db.Tx) error {
		var c Job
		var payload string
		err := tx.QueryRowContext(ctx, `UPDATE jobs
			SET state = 'running', attempts = attempts + 1, locked_by = $2, locked_until = $3,
			    started_at = $1, updated_at = $1, progress_done = 0, progress_total = 0, progress_note = ''
			WHERE id = (`+pick+`)
			RETURNING id, org_id, kind, payload, attempts`, args...).Scan(&c.ID, &c.OrgID, &c.Kind, &payload, &c.Attempt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		spec := q.spec(c.Kind)
		if spec == nil { // unregistered between kindNames and now: not possible today
			return fmt.Errorf("claimed job %d of unknown kind %q", c.ID, c.Kind)
		}
		// The organisation goes to the back of the line. (WHERE true lets
		// SQLite tell the upsert's ON CONFLICT from a join's ON.)
		if _, err := tx.ExecContext(ctx, `INSERT INTO job_turns (org_id, last_claim)
			SELECT $1, COALESCE(MAX(last_claim), 0) + 1 FROM job_turns WHERE true
			ON CONFLICT (org_id) DO UPDATE SET last_claim = excluded.last_claim`, c.OrgID); err != nil {
			return err
		}
		c.Payload = json.RawMessage(payload)
		c.MaxAttempts = spec.maxAttempts
		c.q, c.worker = q, worker
		j = &c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim job: %w", err)
	}
	if j != nil {
		q.mu.Lock()
		q.running[j.ID] = true
		q.mu.Unlock()
	}
	return j, nil
}

// renew extends j's lease; false means another worker has the job now.
func (q *Queue) renew(ctx context.Context, j *Job) (bool, error) {
	var n int64
	err := q.d.System(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET locked_until = $1
			WHERE id = $2 AND state = 'running' AND locked_by = $3 AND attempts = $4`,
			db.TS(q.clk.Now().Add(q.lease())), j.ID, j.worker, j.Attempt)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n > 0, err
}

// heartbeat renews j's lease every Heartbeat until ctx ends; when the lease
// is gone it ends the handler's context with ErrLeaseLost.
func (q *Queue) heartbeat(ctx context.Context, j *Job, lost context.CancelCauseFunc) {
	t := time.NewTicker(q.heartbeatEvery())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// Not cut short by the handler's end: a statement cancelled midway
		// leaves PostgreSQL holding the row lock a moment longer, which
		// would hide the job from the next claim.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), q.lease())
		ok, err := q.renew(rctx, j)
		cancel()
		switch {
		case err != nil && ctx.Err() == nil:
			// A passing database error: the lease still runs for a while,
			// and the next beat tries again.
			if q.Logger != nil {
				q.Logger.Warn("job heartbeat", "job", j.ID, "err", err)
			}
		case err == nil && !ok:
			lost(ErrLeaseLost)
			return
		}
	}
}

// run executes a claimed job and records the outcome.
func (q *Queue) run(ctx context.Context, j *Job) error {
	defer func() {
		q.mu.Lock()
		delete(q.running, j.ID)
		q.mu.Unlock()
	}()
	spec := q.spec(j.Kind)
	var runErr error
	if j.Attempt > spec.maxAttempts {
		// Its lease expired on the last attempt: the worker that had it died.
		runErr = Permanent(fmt.Errorf("lease expired on attempt %d of %d (worker lost)", j.Attempt-1, spec.maxAttempts))
	} else {
		tctx, cancelTimeout := context.WithTimeout(ctx, spec.timeout)
		hctx, stop := context.WithCancelCause(tctx)
		unhalt := context.AfterFunc(q.halt, func() { stop(ErrAbandoned) })
		beat := make(chan struct{})
		go func() {
			defer close(beat)
			q.heartbeat(hctx, j, stop)
		}()
		runErr = call(hctx, spec.handler, j)
		stop(nil)
		<-beat
		unhalt()
		cancelTimeout()
		if q.halt.Err() != nil {
			// As if the process had died: nothing is recorded, the lease
			// lapses and another worker resumes the job.
			return fmt.Errorf("job %d (%s) attempt %d: %w", j.ID, j.Kind, j.Attempt, ErrAbandoned)
		}
	}
	// Record the outcome even when ctx has just been cancelled.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	now := q.clk.Now()
	var (
		stmt string
		args []any
	)
	switch {
	case runErr == nil:
		stmt = `UPDATE jobs SET state = 'done', finished_at = $1, updated_at = $1, locked_by = NULL, locked_until = NULL, last_error = ''
			WHERE id = $2 AND state = 'running' AND locked_by = $3 AND attempts = $4`
		args = []any{db.TS(now), j.ID, j.worker, j.Attempt}
	case IsPermanent(runErr) || j.Attempt >= spec.maxAttempts:
		stmt = `UPDATE jobs SET state = 'dead', finished_at = $1, updated_at = $1, locked_by = NULL, locked_until = NULL, last_error = $5
			WHERE id = $2 AND state = 'running' AND locked_by = $3 AND attempts = $4`
		args = []any{db.TS(now), j.ID, j.worker, j.Attempt, errorText(runErr)}
	default:
		retry := now.Add(DefaultBackoff(j.Attempt))
		stmt = `UPDATE jobs SET state = 'failed', run_at = $6, updated_at = $1, locked_by = NULL, locked_until = NULL, last_error = $5
			WHERE id = $2 AND state = 'running' AND locked_by = $3 AND attempts = $4`
		args = []any{db.TS(now), j.ID, j.worker, j.Attempt, errorText(runErr), db.TS(retry)}
	}
	var n int64
	err := q.d.System(rctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(rctx, stmt, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("job %d (%s): record outcome: %w", j.ID, j.Kind, errors.Join(err, runErr))
	}
	if n == 0 {
		return fmt.Errorf("job %d (%s) attempt %d: %w", j.ID, j.Kind, j.Attempt, ErrLeaseLost)
	}
	if runErr != nil {
		return fmt.Errorf("job %d (%s) attempt %d of %d: %w", j.ID, j.Kind, j.Attempt, spec.maxAttempts, runErr)
	}
	return nil
}

// call runs h, turning a panic into an error.
func call(ctx context.Context, h Handler, j *Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
			if j.q.Logger != nil {
				j.q.Logger.Error("job handler panicked", "job", j.ID, "kind", j.Kind, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			}
		}
	}()
	return h(ctx, j)
}

func errorText(err error) string { return clip(audit.Redact(err.Error()), 2000) }

// clip makes s storable on both engines (valid UTF-8, no NUL, which
// PostgreSQL refuses in TEXT) and at most about n bytes long.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}

// Start runs workers goroutines that claim and run jobs until ctx is done
// or Stop is called. A worker that finds nothing waits for a job enqueued by
// this process (woken after commit) or PollInterval. Jobs already running
// when ctx ends are finished, not abandoned: Wait or Stop to drain them.
func (q *Queue) Start(ctx context.Context, workers int) {
	ctx, cancel := context.WithCancel(ctx)
	q.mu.Lock()
	q.cancels = append(q.cancels, cancel)
	q.mu.Unlock()
	for i := range max(workers, 1) {
		q.wg.Add(1)
		go func() {
			defer q.wg.Done()
			q.loop(ctx, fmt.Sprintf("%s/%d", q.id, i))
		}()
	}
}

// Stop stops the workers and waits for running jobs to finish.
func (q *Queue) Stop() {
	q.mu.Lock()
	cancels := q.cancels
	q.cancels = nil
	q.mu.Unlock()
	for _, c := range cancels {
		c()
	}
	q.wg.Wait()
}

// Abandon stops the workers at once, as if the process had died: running
// handlers see their context end with cause ErrAbandoned, their outcome is
// not recorded, and another worker (of this or another instance) resumes
// their jobs once the leases lapse. For a shutdown that cannot wait for
// long jobs, and for tests of crash recovery. The queue runs nothing more.
func (q *Queue) Abandon() {
	q.haltWith(ErrAbandoned)
	q.Stop()
}

// Wait blocks until every worker has returned (after ctx is done or Stop).
func (q *Queue) Wait() { q.wg.Wait() }

func (q *Queue) loop(ctx context.Context, worker string) {
	poll := q.PollInterval
	if poll <= 0 {
		poll = time.Second
	}
	timer := time.NewTimer(poll)
	defer timer.Stop()
	for ctx.Err() == nil {
		if q.Hold != nil && q.Hold() {
			timer.Reset(poll)
			select {
			case <-ctx.Done():
				return
			case <-q.wake:
			case <-timer.C:
			}
			continue
		}
		ran, err := q.runOnce(ctx, context.WithoutCancel(ctx), worker)
		if err != nil && q.Logger != nil {
			if ran {
				q.Logger.Warn("job failed", "worker", worker, "err", audit.Redact(err.Error()))
			} else if ctx.Err() == nil {
				q.Logger.Error("job queue", "worker", worker, "err", err)
			}
		}
		if ran {
			continue
		}
		timer.Reset(poll)
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		case <-timer.C:
		}
	}
}
