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
		rows, err := tx.QueryContext(ctx, `SELECT organisation_id FROM subscription_cancellations
			WHERE shredded_at IS NULL AND shred_at <= $1 ORDER BY organisation_id`, db.TS(now))
		if err != nil {
			return fmt.Errorf("subscription: due shreds: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			due = append(due, id)
		}
		return rows.Err()
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
		rows, err := tx.QueryContext(ctx, `SELECT user_id FROM memberships WHERE org_id = $1`, orgID)
		if err != nil {
			return fmt.Errorf("subscription: members of %d: %w", orgID, err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			members = append(members, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		kinds, err := tx.QueryContext(ctx, `SELECT kind, COUNT(*) FROM vault_subjects WHERE org_id = $1 AND keyset_wrapped IS NOT NULL
			GROUP BY kind`, orgID)
		if err != nil {
			return fmt.Errorf("subscription: keys of %d: %w", orgID, err)
		}
		for kinds.Next() {
			var k string
			var n int
			if err := kinds.Scan(&k, &n); err != nil {
				kinds.Close()
				return err
			}
			r.Keys[k] = n
		}
		kinds.Close()
		if err := kinds.Err(); err != nil {
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
		for _, u := range members {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u); err != nil {
				return fmt.Errorf("subscription: end sessions: %w", err)
			}
		}
		r.Recipients = len(owners)
		res, err := tx.ExecContext(ctx, `UPDATE subscription_cancellations SET shredded_at = $1, recipients = $2
			WHERE organisation_id = $3 AND shredded_at IS NULL`, db.TS(now), r.Recipients, orgID)
		if err != nil {
			return fmt.Errorf("subscription: mark %d shredded: %w", orgID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
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

// orgTablesTx lists the tables with an org_id column, on either engine.
func orgTablesTx(ctx context.Context, tx *db.Tx) ([]string, error) {
	q := `SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND p.name = 'org_id' ORDER BY m.name`
	if tx.Dialect() == db.Postgres {
		q = `SELECT c.table_name FROM information_schema.columns c
			JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
			WHERE c.column_name = 'org_id' AND c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
			ORDER BY c.table_name`
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("subscription: list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// deleteOrgRowsTx deletes the organisation's rows from every table but
// KeptTables. Tables refer to each other, so it deletes in rounds, each
// table under a savepoint, until a round deletes nothing more; a table
// whose rows are still referenced waits for the next round.
func deleteOrgRowsTx(ctx context.Context, tx *db.Tx) (rows, tables int, err error) {
	all, err := orgTablesTx(ctx, tx)
	if err != nil {
		return 0, 0, err
	}
	left := map[string]bool{}
	for _, t := range all {
		if KeptTables[t] == "" {
			left[t] = true
		}
	}
	emptied := map[string]bool{}
	for round := 0; len(left) > 0; round++ {
		progress := false
		var lastErr error
		for _, t := range all {
			if !left[t] {
				continue
			}
			if _, err := tx.ExecContext(ctx, `SAVEPOINT shred`); err != nil {
				return 0, 0, err
			}
			res, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE org_id = $1`, tx.OrgID())
			if err != nil {
				lastErr = fmt.Errorf("%s: %w", t, err)
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT shred`); err != nil {
					return 0, 0, err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT shred`); err != nil {
				return 0, 0, err
			}
			n, _ := res.RowsAffected()
			rows += int(n)
			if n > 0 {
				emptied[t] = true
			}
			delete(left, t)
			progress = true
		}
		if !progress {
			return 0, 0, fmt.Errorf("subscription: rows left after %d rounds: %w", round, lastErr)
		}
	}
	return rows, len(emptied), nil
}
