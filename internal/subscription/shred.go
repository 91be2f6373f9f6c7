package subscription

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
)

// JobShred is the daily job that crypto-shreds the organisations whose
// export period after a cancellation ended.
const JobShred = "subscription.shred"

// KeptTables are the organisation tables the shred keeps, with why: the
// audit chain (ids, no personal data; the record that the shred happened)
// and the vault's list of shredded subjects with its erasure journal (a
// restored backup shreds them again). HMS's own invoices to the customer
// live in platform tables and stay too.
var KeptTables = map[string]string{
	"audit_events":   "the organisation's hash-chained audit log: ids, no personal data",
	"audit_heads":    "the audit chain's last hash",
	"vault_subjects": "the shredded subjects, without their keys",
	"vault_erasures": "the erasure journal, replayed after a restore",
	// The shred journals itself here: a restored backup shreds the organisation again.
	"vault_org_erasures": "the organisation's shred, replayed after a restore",
}

func (s *Service) registerShred(q *jobs.Queue) {
	q.Register(JobShred, func(ctx context.Context, j *jobs.Job) error {
		if _, err := s.ShredDue(ctx); err != nil {
			return err
		}
		return s.ScheduleShred(ctx, nextRun(s.clk.Now()))
	}, jobs.MaxAttempts(5))
}

// ScheduleShred queues the daily shred run for at, one per day.
func (s *Service) ScheduleShred(ctx context.Context, at time.Time) error {
	if s.jobs == nil {
		return nil
	}
	err := s.db.System(ctx, func(tx *db.Tx) error {
		_, err := s.jobs.Enqueue(ctx, tx, JobShred, nil, jobs.UniqueKey(civil.Today(at).String()), jobs.RunAt(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("schedule the shred: %w", err)
	}
	return nil
}

// Shredded is what the shred of one organisation destroyed.
type Shredded struct {
	OrgID      int64
	Keys       map[string]int // destroyed vault keys by kind (person, document, fiscal, ...)
	OrgKeys    int            // the organisation's own keys
	Rows       int            // rows deleted
	Tables     int            // tables they were in
	Recipients int            // owners mailed the confirmation
}

// ShredDue shreds every cancelled organisation whose export period has
// ended. Each organisation is one run: its keys and rows in one
// transaction, then the record, the sessions and the confirmation mail.
func (s *Service) ShredDue(ctx context.Context) ([]Shredded, error) {
	now := s.clk.Now()
	var due []int64
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		due, err = dueShredsTx(ctx, tx, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []Shredded
	for _, id := range due {
		r, err := s.shred(ctx, id, now)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (s *Service) shred(ctx context.Context, orgID int64, now time.Time) (Shredded, error) {
	r := Shredded{OrgID: orgID, Keys: map[string]int{}}
	// The owners' addresses and the members are captured first: the shred
	// removes the memberships they come from.
	var (
		owners  []account.OwnerContact
		members []int64
		name    string
		slug    string
		c       *Cancellation
	)
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		if c, err = cancellationTx(ctx, tx, orgID); err != nil {
			return err
		}
		if owners, err = s.owners.OwnerContacts(ctx, tx, orgID); err != nil {
			return err
		}
		name, slug, err = orgNameTx(ctx, tx, orgID)
		return err
	})
	if err != nil {
		return r, err
	}
	err = s.db.InOrg(ctx, orgID, func(tx *db.Tx) error {
		var err error
		if members, err = memberIDsTx(ctx, tx, orgID); err != nil {
			return err
		}
		if r.Keys, err = liveKeysByKindTx(ctx, tx, orgID); err != nil {
			return err
		}
		if _, r.OrgKeys, err = s.vault.ShredOrganisation(ctx, tx); err != nil {
			return err
		}
		r.Rows, r.Tables, err = deleteOrgRowsTx(ctx, tx)
		return err
	})
	if err != nil {
		return r, fmt.Errorf("subscription: shred %d: %w", orgID, err)
	}
	err = s.db.System(ctx, func(tx *db.Tx) error {
		if err := endSessionsTx(ctx, tx, members); err != nil {
			return err
		}
		r.Recipients = len(owners)
		marked, err := markShreddedTx(ctx, tx, orgID, now, r.Recipients)
		if err != nil {
			return err
		}
		if !marked {
			r.Recipients = 0 // a run at the same time marked it and mailed the owners
			return nil
		}
		for _, o := range owners {
			if err := s.sendCancelMail(ctx, tx, o, "mail.shredded", name, slug, *c, s.destroyed(o.Lang, r)); err != nil {
				return err
			}
		}
		details := map[string]string{"rows": strconv.Itoa(r.Rows), "tables": strconv.Itoa(r.Tables),
			"org_keys": strconv.Itoa(r.OrgKeys), "recipients": strconv.Itoa(r.Recipients)}
		for k, n := range r.Keys {
			details["keys_"+k] = strconv.Itoa(n)
		}
		return s.record(ctx, tx, 0, "system", "subscription.shredded", "organisation", orgID, details)
	})
	return r, err
}

// ReplayShred shreds a journaled organisation again after a restore of a
// backup from before its shred (vault.OnOrgReplay; the vault has destroyed
// its keys and replays its subjects' erasures): its rows go again as the
// shred deletes them, keeping what the shred keeps, and its cancellation is
// marked shredded, so it stays cancelled and empty and is not shredded or
// mailed a second time. Idempotent.
func (s *Service) ReplayShred(ctx context.Context, orgID int64, shreddedAt string) error {
	rows := 0
	err := s.db.InOrg(ctx, orgID, func(tx *db.Tx) error {
		var err error
		rows, _, err = deleteOrgRowsTx(ctx, tx)
		return err
	})
	if err != nil {
		return fmt.Errorf("subscription: replay the shred of %d: %w", orgID, err)
	}
	return s.db.System(ctx, func(tx *db.Tx) error {
		marked, err := replayShreddedTx(ctx, tx, orgID, shreddedAt)
		if err != nil || (!marked && rows == 0) {
			return err // the restored data is from after the shred, or never had the organisation
		}
		// The restored platform audit chain is from before the shred; this says it happened again.
		return s.record(ctx, tx, 0, "system", "subscription.shred_replayed", "organisation", orgID,
			map[string]string{"shredded_at": shreddedAt, "rows": strconv.Itoa(rows)})
	})
}

// destroyed lists in words what the shred destroyed, for the confirmation.
func (s *Service) destroyed(lang string, r Shredded) string {
	keys := 0
	for _, n := range r.Keys {
		keys += n
	}
	var b strings.Builder
	for _, line := range []struct {
		key string
		n   int
	}{
		{"subscription.shred.keys", keys},
		{"subscription.shred.persons", r.Keys["person"] + r.Keys["company"]},
		{"subscription.shred.documents", r.Keys["document"]},
		{"subscription.shred.fiscal", r.Keys["fiscal"]},
		{"subscription.shred.org_keys", r.OrgKeys},
		{"subscription.shred.rows", r.Rows},
	} {
		b.WriteString("- " + s.texts.T(lang, line.key, map[string]any{"N": line.n, "Tables": r.Tables}) + "\n")
	}
	return b.String()
}
