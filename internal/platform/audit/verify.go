package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"hms/internal/platform/db"
)

// Report is the outcome of Verify.
type Report struct {
	Orgs   int         // chains walked
	Events int         // events checked
	Broken *BrokenLink // the first broken link found, nil when every chain holds
}

// BrokenLink names where a chain stops being trustworthy.
type BrokenLink struct {
	OrgID   int64
	Seq     int64 // the first seq that is wrong or missing
	EventID int64 // the row found at that place, 0 when there is none
	Reason  string
}

func (b *BrokenLink) String() string {
	return fmt.Sprintf("organisation %d, seq %d (event %d): %s", b.OrgID, b.Seq, b.EventID, b.Reason)
}

// Verify walks every organisation's chain, in organisation order, in one
// read-only System transaction, and reports the first broken link:
//
//   - an event whose fields or hash were changed: its recomputed hash differs
//     (Seq is that event's);
//   - a removed event: a gap in seq (Seq is the missing number, EventID the
//     row that follows the gap); removed events at the end show as a chain
//     head beyond the last event;
//   - events reordered: an event whose PrevHash is not the hash of the event
//     before it, or whose id is not after the previous event's;
//   - a chain head that does not match the chain's last event.
//
// A pruned chain starts after its latest checkpoint (checkpoint.go): its
// signature must hold under the key WithCheckpointKey gives, and the first
// event after it must follow its seq and hash.
//
// Chains after the first broken one are still walked and counted.
// An error means the check could not run, not that a chain is broken.
func Verify(ctx context.Context, d *db.DB, opts ...VerifyOption) (Report, error) {
	var o verifyOptions
	for _, f := range opts {
		f(&o)
	}
	if o.err != nil {
		return Report{}, o.err
	}
	var rep Report
	err := d.ReadSystem(ctx, func(tx *db.Tx) error {
		rep = Report{}
		orgs, err := chainOrgs(ctx, tx)
		if err != nil {
			return err
		}
		for _, org := range orgs {
			n, broken, err := verifyChain(ctx, tx, org, o.key)
			if err != nil {
				return fmt.Errorf("organisation %d: %w", org, err)
			}
			rep.Orgs++
			rep.Events += n
			if broken != nil && rep.Broken == nil {
				rep.Broken = broken
			}
		}
		return nil
	})
	if err != nil {
		return Report{}, fmt.Errorf("verify audit log: %w", err)
	}
	return rep, nil
}

func chainOrgs(ctx context.Context, tx *db.Tx) ([]int64, error) {
	rows, err := tx.QueryContext(ctx,
		`SELECT org_id FROM audit_heads UNION SELECT DISTINCT org_id FROM audit_events ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("list chains: %w", err)
	}
	defer rows.Close()
	var orgs []int64
	for rows.Next() {
		var o int64
		if err := rows.Scan(&o); err != nil {
			return nil, fmt.Errorf("list chains: %w", err)
		}
		orgs = append(orgs, o)
	}
	return orgs, rows.Err()
}

// verifyChain checks one organisation's chain and returns the number of
// events it read and the first broken link, if any.
func verifyChain(ctx context.Context, tx *db.Tx, org int64, key []byte) (int, *BrokenLink, error) {
	cp, broken, err := latestCheckpoint(ctx, tx, org, key)
	if err != nil || broken != nil {
		return 0, broken, err
	}
	var from int64
	start := GenesisHash
	if cp != nil {
		from, start = cp.Seq, cp.Hash
	}
	var headSeq int64
	var headHash string
	haveHead := true
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_heads WHERE org_id = $1`, org).Scan(&headSeq, &headHash)
	if err == sql.ErrNoRows {
		haveHead = false
	} else if err != nil {
		return 0, nil, fmt.Errorf("read chain head: %w", err)
	}

	rows, err := tx.QueryContext(ctx, `SELECT `+eventColumns+` FROM audit_events WHERE org_id = $1 AND seq > $2 ORDER BY seq`, org, from)
	if err != nil {
		return 0, nil, fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	var (
		n       int
		want    = from + 1
		prev    = start
		prevID  int64
		lastID  int64
		lastSeq = from
	)
	brk := func(seq, id int64, format string, args ...any) {
		if broken == nil {
			broken = &BrokenLink{OrgID: org, Seq: seq, EventID: id, Reason: fmt.Sprintf(format, args...)}
		}
	}
	for rows.Next() {
		var e Event
		var at, details string
		if err := rows.Scan(&e.ID, &e.OrgID, &e.Seq, &at, &e.ActorUserID, &e.ActorKind, &e.Action,
			&e.TargetType, &e.TargetID, &details, &e.PrevHash, &e.Hash); err != nil {
			return n, nil, fmt.Errorf("read events: %w", err)
		}
		n++
		lastID, lastSeq = e.ID, e.Seq
		if broken != nil {
			continue // keep counting
		}
		switch {
		case e.Seq > want:
			brk(want, e.ID, "event with seq %d is missing (the chain goes on at seq %d)", want, e.Seq)
			continue
		case e.Seq < want:
			brk(e.Seq, e.ID, "unexpected seq %d, want %d", e.Seq, want)
			continue
		}
		if e.PrevHash != prev {
			brk(e.Seq, e.ID, "previous hash does not match the event before it (reordered or replaced)")
			continue
		}
		if e.ID <= prevID {
			brk(e.Seq, e.ID, "event id %d is not after the previous event's id %d (reordered)", e.ID, prevID)
			continue
		}
		t, perr := db.ParseTS(at)
		if perr == nil && details != "" && details != "{}" {
			perr = json.Unmarshal([]byte(details), &e.Details)
		}
		if perr != nil {
			brk(e.Seq, e.ID, "event cannot be read (changed): %v", perr)
			continue
		}
		e.At = t
		if hashEvent(&e) != e.Hash {
			brk(e.Seq, e.ID, "hash mismatch: the event was changed after it was recorded")
			continue
		}
		prev, prevID = e.Hash, e.ID
		want++
	}
	if err := rows.Err(); err != nil {
		return n, nil, fmt.Errorf("read events: %w", err)
	}
	if broken != nil {
		return n, broken, nil
	}
	switch {
	case !haveHead:
		brk(lastSeq, lastID, "chain head is missing")
	case headSeq > lastSeq:
		brk(lastSeq+1, 0, "events from seq %d to %d are missing (chain head is at %d)", lastSeq+1, headSeq, headSeq)
	case headSeq < lastSeq:
		brk(headSeq+1, 0, "events after the chain head (seq %d)", headSeq)
	case headHash != prev:
		brk(headSeq, lastID, "chain head hash does not match the last event")
	}
	return n, broken, nil
}
