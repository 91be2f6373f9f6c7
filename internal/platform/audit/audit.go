package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hms/internal/platform/clock"
	"hms/internal/platform/db"
)

// Actor kinds: who caused an event.
const (
	ActorUser   = "user"   // a member of the organisation, in the back office
	ActorStaff  = "staff"  // platform staff, in the console
	ActorSystem = "system" // the platform itself: jobs, schedules
	ActorAPI    = "api"    // an API token
	ActorTenant = "tenant" // a tenant in the portal
)

// GenesisHash is the PrevHash of the first event of every chain.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Event is one entry of an organisation's audit log.
type Event struct {
	ID          int64
	OrgID       int64 // set by Record from the transaction
	Seq         int64 // position in the organisation's chain, from 1; set by Record
	At          time.Time
	ActorUserID int64  // 0 when the actor is not a user (system, api)
	ActorKind   string // ActorUser, ActorStaff, ActorSystem, ActorAPI, ActorTenant
	Action      string // e.g. "user.login", "member.role_changed", "person.viewed"
	TargetType  string // e.g. "person", "membership"
	TargetID    string
	Details     map[string]string // ids and codes only; see CheckDetails
	PrevHash    string
	Hash        string
}

// Log records and lists audit events.
type Log struct {
	clk clock.Clock
}

// New returns a Log that stamps events with clk.
func New(clk clock.Clock) *Log {
	if clk == nil {
		clk = clock.Real{}
	}
	return &Log{clk: clk}
}

var actorKinds = map[string]bool{ActorUser: true, ActorStaff: true, ActorSystem: true, ActorAPI: true, ActorTenant: true}

// validate checks an event before it is chained. Strings must be valid UTF-8
// so that what is hashed is exactly what the database gives back.
func validate(e *Event) error {
	if !actorKinds[e.ActorKind] {
		return fmt.Errorf("audit: unknown actor kind %q", e.ActorKind)
	}
	if e.Action == "" {
		return errors.New("audit: event without action")
	}
	for name, s := range map[string]string{"action": e.Action, "target type": e.TargetType, "target id": e.TargetID} {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return fmt.Errorf("audit: %s is not valid text", name)
		}
	}
	for k, v := range e.Details {
		if k == "" {
			return errors.New("audit: empty details key")
		}
		if !utf8.ValidString(k) || !utf8.ValidString(v) || strings.ContainsRune(k+v, 0) {
			return fmt.Errorf("audit: details[%q] is not valid text", k)
		}
	}
	return CheckDetails(e.Details)
}

// Record appends e to the chain of the transaction's organisation (0 for a
// System transaction). OrgID, Seq, At, PrevHash and Hash are set by Record;
// the event is stored only if tx commits. It refuses details that look like
// personal data (ErrPersonalData).
func (l *Log) Record(ctx context.Context, tx *db.Tx, e Event) error {
	if err := validate(&e); err != nil {
		return fmt.Errorf("record %s: %w", e.Action, err)
	}
	org := tx.OrgID()
	head, err := l.head(ctx, tx, org)
	if err != nil {
		return fmt.Errorf("record %s: %w", e.Action, err)
	}
	head.seq++
	e.Seq = head.seq
	prev := head.hash
	e.OrgID = org
	e.At = l.clk.Now().UTC().Truncate(time.Microsecond)
	e.PrevHash = prev
	e.Hash = hashEvent(&e)
	details, err := encodeDetails(e.Details)
	if err != nil {
		return fmt.Errorf("record %s: %w", e.Action, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_events
		(org_id, seq, at, actor_user_id, actor_kind, action, target_type, target_id, details, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		org, e.Seq, db.TS(e.At), e.ActorUserID, e.ActorKind, e.Action, e.TargetType, e.TargetID,
		details, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("record %s: insert event: %w", e.Action, err)
	}
	head.hash = e.Hash
	return nil
}

// chainHead is an organisation's chain head as one transaction holds it.
type chainHead struct {
	seq  int64
	hash string
}

type headKey int64

// HoldHead takes the chain head of tx's organisation now, before the rows
// a transaction is about to change. Every transaction that records an event
// locks the head until it commits; one that also changes rows others lock
// before recording (the ledger's invoices: payments lower their open
// amounts, the invoice documents are stored) must take the head first, or
// two of them wait for each other (a deadlock PostgreSQL breaks by failing
// one). Taking it twice in a transaction is free.
func HoldHead(ctx context.Context, tx *db.Tx) error {
	_, err := (&Log{}).head(ctx, tx, tx.OrgID())
	return err
}

// head takes the organisation's chain head for this transaction: the first
// call locks the head row (an UPDATE holds the lock until tx ends, so
// appends to one chain are serialised across instances) and keeps it in the
// transaction; the head row is written back once, just before commit. A
// transaction that records many events updates the row once, not per
// event: PostgreSQL would otherwise drag an ever longer chain of row
// versions through every update.
func (l *Log) head(ctx context.Context, tx *db.Tx, org int64) (*chainHead, error) {
	if h, ok := tx.Local(headKey(org)).(*chainHead); ok {
		return h, nil
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO audit_heads (org_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (org_id) DO NOTHING`,
		org, GenesisHash); err != nil {
		return nil, fmt.Errorf("create chain head: %w", err)
	}
	h := &chainHead{}
	if err := tx.QueryRowContext(ctx,
		`UPDATE audit_heads SET seq = seq WHERE org_id = $1 RETURNING seq, hash`, org,
	).Scan(&h.seq, &h.hash); err != nil {
		return nil, fmt.Errorf("lock chain head: %w", err)
	}
	tx.SetLocal(headKey(org), h)
	tx.BeforeCommit(func() error {
		if _, err := tx.ExecContext(ctx, `UPDATE audit_heads SET seq = $2, hash = $3 WHERE org_id = $1`, org, h.seq, h.hash); err != nil {
			return fmt.Errorf("advance audit chain head: %w", err)
		}
		return nil
	})
	return h, nil
}

func encodeDetails(d map[string]string) (string, error) {
	if len(d) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(d) // map keys are sorted
	if err != nil {
		return "", fmt.Errorf("encode details: %w", err)
	}
	return string(b), nil
}

// hashEvent is SHA-256 over the previous hash and a canonical encoding of
// every field: each value length-prefixed (uvarint), details sorted by key,
// the instant as stored. Changing the encoding breaks every existing chain:
// bump the version tag and keep the old one for old events if it must change.
func hashEvent(e *Event) string {
	b := make([]byte, 0, 256)
	field := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	field("hms-audit-v1")
	field(e.PrevHash)
	field(strconv.FormatInt(e.OrgID, 10))
	field(strconv.FormatInt(e.Seq, 10))
	field(db.TS(e.At))
	field(strconv.FormatInt(e.ActorUserID, 10))
	field(e.ActorKind)
	field(e.Action)
	field(e.TargetType)
	field(e.TargetID)
	keys := make([]string, 0, len(e.Details))
	for k := range e.Details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	field(strconv.Itoa(len(keys)))
	for _, k := range keys {
		field(k)
		field(e.Details[k])
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Filter selects events for List. Zero fields do not filter.
type Filter struct {
	Action      string
	TargetType  string
	TargetID    string
	ActorUserID int64
	Limit       int   // default 100, at most 1000
	BeforeSeq   int64 // only events with Seq < BeforeSeq: the next page after the last Seq seen
}

const eventColumns = `id, org_id, seq, at, actor_user_id, actor_kind, action, target_type, target_id, details, prev_hash, hash`

// List returns the transaction's organisation's events matching f, newest
// first. A System transaction lists the platform's own chain (organisation 0).
func (l *Log) List(ctx context.Context, tx *db.Tx, f Filter) ([]Event, error) {
	q := `SELECT ` + eventColumns + ` FROM audit_events WHERE org_id = $1`
	args := []any{tx.OrgID()}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND %s $%d", cond, len(args))
	}
	if f.Action != "" {
		add("action =", f.Action)
	}
	if f.TargetType != "" {
		add("target_type =", f.TargetType)
	}
	if f.TargetID != "" {
		add("target_id =", f.TargetID)
	}
	if f.ActorUserID != 0 {
		add("actor_user_id =", f.ActorUserID)
	}
	if f.BeforeSeq > 0 {
		add("seq <", f.BeforeSeq)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	args = append(args, limit)
	q += fmt.Sprintf(" ORDER BY seq DESC LIMIT $%d", len(args))
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("list audit events: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	return out, nil
}

func scanEvent(rows *sql.Rows) (Event, error) {
	var e Event
	var at, details string
	if err := rows.Scan(&e.ID, &e.OrgID, &e.Seq, &at, &e.ActorUserID, &e.ActorKind, &e.Action,
		&e.TargetType, &e.TargetID, &details, &e.PrevHash, &e.Hash); err != nil {
		return e, err
	}
	t, err := db.ParseTS(at)
	if err != nil {
		return e, fmt.Errorf("event %d: %w", e.ID, err)
	}
	e.At = t
	if details != "" && details != "{}" {
		if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
			return e, fmt.Errorf("event %d details: %w", e.ID, err)
		}
	}
	return e, nil
}
