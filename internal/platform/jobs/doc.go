// Package jobs is the durable background job queue, on SQLite and on
// PostgreSQL alike.
//
// Why it exists: long work (a rent run, a bank import, sending mail) must not
// run inside a web request, must survive a restart, and must run exactly
// once to completion even when several stateless `hms serve` instances share
// one PostgreSQL database (DESIGN.md §1). Nothing about a job lives in
// process memory: the jobs table is the queue.
//
// # Life of a job
//
// Enqueue inserts a job inside the caller's business transaction, so the job
// exists if and only if the business change committed; the organisation is
// the transaction's. After the commit the local workers are woken at once;
// other instances find the job on their next poll.
//
// A worker claims one due job in a short System transaction: it sets the
// state to running, increments attempts and takes a lease (locked_until =
// now + Queue.Lease, locked_by = the worker). PostgreSQL picks the job with
// SELECT … FOR UPDATE SKIP LOCKED, so concurrent instances never claim the
// same job; SQLite has a single writer, which serialises claims. The handler
// then runs outside any transaction with a context that ends at the kind's
// timeout; it does its own database work for the job's organisation. While
// it runs, a heartbeat renews the lease every Queue.Heartbeat, so the lease
// can be short (a dead worker's job is free again within a minute) while
// the timeout is long (a rent run may take hours).
//
// The claim order is fair: kinds registered Interactive (work a person
// waits for) go first; within a priority, the organisation whose last claim
// is oldest (job_turns); then the oldest due job. One organisation's
// backlog of bulk jobs therefore delays another's by at most one job per
// worker.
//
//   - success: state done.
//   - error or panic: state failed, retried at now + DefaultBackoff
//     (10s·2^(attempt-1), at most one hour) until the kind's MaxAttempts
//     (default 5) are used, then state dead with the last error. An error
//     wrapped with Permanent goes to dead at once.
//   - the worker died (or Abandon was called, which plays that): the
//     heartbeat stops, the lease expires and another worker claims the job
//     again (that counts as an attempt; a lease that expires on the last
//     attempt makes the job dead). A worker whose lease was taken over
//     sees its context end with cause ErrLeaseLost.
//
// A handler may therefore run more than once for one job (at-least-once):
// handlers must be idempotent, for example by checking what they already did.
// A finished worker records its outcome only while it still holds the lease,
// so a worker that overran its lease cannot overwrite the outcome of the
// worker that took over.
//
// UniqueKey makes enqueueing idempotent: while a job with the same
// (organisation, kind, key) is queued, running or failed-and-retrying, a
// second Enqueue returns its id and adds nothing.
//
// Job.Progress writes progress in its own short transaction so that a page
// can poll Status while the job runs. On SQLite there is one writer
// connection: do not call Progress (or enqueue through another transaction)
// while the handler holds a write transaction open, or it waits for itself.
//
// Errors and progress notes are stored in clear for the console; they are
// passed through audit.Redact, but handlers should still keep personal data
// out of them.
package jobs
