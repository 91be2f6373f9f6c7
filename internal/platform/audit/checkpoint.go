package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"hms/internal/platform/db"
)

// Pruning (PRIVACY.md P19): events older than their retention are deleted
// from the front of a chain behind a checkpoint that records the position
// (seq) and the hash of the last pruned event, signed with an HMAC key the
// caller derives from the vault's master key (CheckpointKey). Verify starts
// a chain at its latest checkpoint when the signature holds, and reports a
// broken link when it does not: a forged or altered checkpoint cannot hide
// removed events.

// KeyDeriver derives keys for other purposes from the master key
// (vault.Vault answers it).
type KeyDeriver interface {
	DeriveKey(salt []byte, info string, n int) ([]byte, error)
}

// CheckpointKey is the key that signs and checks checkpoints.
func CheckpointKey(v KeyDeriver) ([]byte, error) {
	k, err := v.DeriveKey([]byte("hms-audit"), "audit checkpoint v1", 32)
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint key: %w", err)
	}
	return k, nil
}

// Checkpoint is where a chain was pruned.
type Checkpoint struct {
	OrgID        int64
	Seq          int64  // the last pruned event's seq
	Hash         string // the last pruned event's hash
	PrunedBefore time.Time
	MadeAt       time.Time
	MAC          string
}

func checkpointMAC(key []byte, c Checkpoint) string {
	m := hmac.New(sha256.New, key)
	b := make([]byte, 0, 128)
	for _, s := range []string{"hms-audit-checkpoint-v1", strconv.FormatInt(c.OrgID, 10), strconv.FormatInt(c.Seq, 10),
		c.Hash, db.TS(c.PrunedBefore), db.TS(c.MadeAt)} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	m.Write(b)
	return hex.EncodeToString(m.Sum(nil))
}

// PruneCount says how many events of tx's organisation Prune would delete:
// those recorded before before (the dry run).
func PruneCount(ctx context.Context, tx *db.Tx, before time.Time) (int64, error) {
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE org_id = $1 AND at < $2`,
		tx.OrgID(), db.TS(before)).Scan(&n); err != nil {
		return 0, fmt.Errorf("audit: count events to prune: %w", err)
	}
	return n, nil
}

// Prune deletes the events of tx's organisation recorded before before,
// from the front of the chain, behind a checkpoint signed with key (written
// first, in tx). It returns how many events it deleted; none, no checkpoint.
func (l *Log) Prune(ctx context.Context, tx *db.Tx, key []byte, before time.Time) (int64, error) {
	if len(key) == 0 {
		return 0, errors.New("audit: prune without a checkpoint key")
	}
	org := tx.OrgID()
	// Instants follow seq within a chain, so the events before the cut-off
	// are a prefix of it; the last of them is where the checkpoint stands.
	c := Checkpoint{OrgID: org, PrunedBefore: before.UTC().Truncate(time.Microsecond),
		MadeAt: l.clk.Now().UTC().Truncate(time.Microsecond)}
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_events WHERE org_id = $1 AND at < $2 ORDER BY seq DESC LIMIT 1`,
		org, db.TS(c.PrunedBefore)).Scan(&c.Seq, &c.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("audit: prune: %w", err)
	}
	c.MAC = checkpointMAC(key, c)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_checkpoints (org_id, seq, hash, pruned_before, made_at, mac)
		VALUES ($1, $2, $3, $4, $5, $6)`, org, c.Seq, c.Hash, db.TS(c.PrunedBefore), db.TS(c.MadeAt), c.MAC); err != nil {
		return 0, fmt.Errorf("audit: prune: write checkpoint: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM audit_events WHERE org_id = $1 AND seq <= $2`, org, c.Seq)
	if err != nil {
		return 0, fmt.Errorf("audit: prune: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("audit: prune: %w", err)
	}
	return n, nil
}

// VerifyOption changes how Verify checks.
type VerifyOption func(*verifyOptions)

type verifyOptions struct {
	key []byte
	err error
}

// WithCheckpointKey gives Verify the key checkpoints are signed with
// (CheckpointKey). Without it a chain that has a checkpoint is broken:
// the checkpoint cannot be trusted.
func WithCheckpointKey(key []byte) VerifyOption {
	return func(o *verifyOptions) { o.key = key }
}

// WithVault is WithCheckpointKey with the key derived from v (the vault).
func WithVault(v KeyDeriver) VerifyOption {
	return func(o *verifyOptions) { o.key, o.err = CheckpointKey(v) }
}

// latestCheckpoint reads org's checkpoints and returns the latest; broken
// is set when one of them is not signed with key.
func latestCheckpoint(ctx context.Context, tx *db.Tx, org int64, key []byte) (*Checkpoint, *BrokenLink, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, hash, pruned_before, made_at, mac FROM audit_checkpoints
		WHERE org_id = $1 ORDER BY seq`, org)
	if err != nil {
		return nil, nil, fmt.Errorf("read checkpoints: %w", err)
	}
	defer rows.Close()
	var last *Checkpoint
	var broken *BrokenLink
	for rows.Next() {
		c := Checkpoint{OrgID: org}
		var before, made string
		if err := rows.Scan(&c.Seq, &c.Hash, &before, &made, &c.MAC); err != nil {
			return nil, nil, fmt.Errorf("read checkpoints: %w", err)
		}
		var e1, e2 error
		c.PrunedBefore, e1 = db.ParseTS(before)
		c.MadeAt, e2 = db.ParseTS(made)
		switch {
		case broken != nil:
		case len(key) == 0:
			broken = &BrokenLink{OrgID: org, Seq: c.Seq, Reason: "the chain was pruned behind a checkpoint, and no key was given to check it"}
		case e1 != nil || e2 != nil || !hmac.Equal([]byte(checkpointMAC(key, c)), []byte(c.MAC)):
			broken = &BrokenLink{OrgID: org, Seq: c.Seq, Reason: "checkpoint signature does not match: the checkpoint was forged or altered"}
		}
		last = &c
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("read checkpoints: %w", err)
	}
	return last, broken, nil
}
