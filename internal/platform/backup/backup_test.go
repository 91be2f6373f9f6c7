package backup_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/audit"
	"hms/internal/platform/backup"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
	"hms/internal/relation"
	"hms/internal/subscription"
)

// A person whose name, e-mail address and IBAN the tests look for.
var wilma = relation.PersonInput{FirstNames: "Wilhelmina", Surname: "Kerkhoven", Email: "w.kerkhoven@voorbeeld.nl",
	IBANs: []string{"NL91ABNA0417164300"}}

func write(t *testing.T, e *apptest.Env) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := backup.Write(context.Background(), e.DB, e.Vault, &buf); err != nil {
		t.Fatalf("backup: %v", err)
	}
	return buf.Bytes()
}

// fresh is the product on a new, empty database with the master key of e.
func fresh(t *testing.T, engine db.Dialect, key []byte) *apptest.Env {
	t.Helper()
	return apptest.Start(t, engine, apptest.Options{NoServer: true, Configure: func(c *app.Config) { c.MasterKey = key }})
}

// rows are a table's rows as text, read in a transaction that sees every
// organisation.
func rows(t *testing.T, d *db.DB, table string) []string {
	t.Helper()
	ctx := context.Background()
	tx, err := d.Raw().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if d.Dialect == db.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT set_config('hms.scope', 'system', true)`); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := tx.QueryContext(ctx, `SELECT * FROM `+table+` ORDER BY 1, 2`)
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out []string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%v", vals))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func subjectOf(t *testing.T, e *apptest.Env, org, relationID int64) vault.SubjectID {
	t.Helper()
	var s vault.SubjectID
	err := e.DB.ReadOrg(context.Background(), org, func(tx *db.Tx) error {
		return tx.QueryRow(`SELECT subject_id FROM relations WHERE id = $1`, relationID).Scan(&s)
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// found is how many relations a search finds.
func found(t *testing.T, e *apptest.Env, a account.Actor, search string) int {
	t.Helper()
	p, err := e.Relations.List(context.Background(), a, listing.Query{Search: search}, relation.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

// A backup restored into a new database gives the same rows, the persons'
// sealed fields open there, and work goes on with new ids. The file holds
// no person's data and no table name in readable form.
func TestBackupRestoresTheSameRows(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		ctx := context.Background()
		person := o.Person(o.Owner, wilma)
		o.Lease(o.Owner, lease.Input{TenantIDs: []int64{person}})
		file := write(t, o.Env)
		for _, s := range []string{"Kerkhoven", "Wilhelmina", "w.kerkhoven@voorbeeld.nl", "NL91ABNA0417164300", "NL91 ABNA",
			"owner@alpha.nl", "relations", "vault_subjects", "organisations", "leases", "alpha"} {
			if bytes.Contains(bytes.ToLower(file), bytes.ToLower([]byte(s))) {
				t.Errorf("the backup file contains %q readable", s)
			}
		}

		to := fresh(t, o.DB.Dialect, o.MasterKey)
		sum, err := backup.Restore(ctx, to.DB, to.Vault, bytes.NewReader(file), false)
		if err != nil {
			t.Fatalf("restore: %v", err)
		}
		if sum.Tables < 50 || sum.Rows < 20 {
			t.Errorf("restored %d tables, %d rows; expected the whole schema", sum.Tables, sum.Rows)
		}
		for _, table := range []string{"organisations", "users", "memberships", "relations", "relation_search", "vault_org_keys",
			"vault_subjects", "units", "leases", "lease_parties", "audit_events"} {
			want, got := rows(t, o.DB, table), rows(t, to.DB, table)
			if len(want) == 0 {
				t.Errorf("%s: the source has no rows; the test proves nothing", table)
			}
			if strings.Join(want, "\n") != strings.Join(got, "\n") {
				t.Errorf("%s after the restore:\n%v\nwant\n%v", table, got, want)
			}
		}
		owner, err := to.Accounts.ActorFor(ctx, o.Owner.UserID, "alpha")
		if err != nil {
			t.Fatalf("the owner after the restore: %v", err)
		}
		r, err := to.Relations.Get(ctx, owner, person, relation.ViaWeb)
		if err != nil {
			t.Fatalf("open the person after the restore: %v", err)
		}
		if r.Surname != "Kerkhoven" || r.Email != wilma.Email || len(r.IBANs) != 1 || r.IBANs[0] != wilma.IBANs[0] {
			t.Errorf("the person after the restore: %+v", r)
		}
		if n := found(t, to, owner, wilma.Email); n != 1 {
			t.Errorf("a search by e-mail finds %d after the restore, want 1", n)
		}
		// Ids go on after the restored ones (PostgreSQL's sequences moved).
		next, err := to.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Karel", Surname: "Appel"})
		if err != nil {
			t.Fatalf("a new person after the restore: %v", err)
		}
		if next <= person {
			t.Errorf("the new person got id %d, not after %d", next, person)
		}
		if rep, err := audit.Verify(ctx, to.DB); err != nil || rep.Broken != nil || rep.Events == 0 {
			t.Errorf("audit chains after the restore: %+v, %v", rep, err)
		}
	})
}

// Restoring over a database that has data needs --force: without it the
// restore refuses and changes nothing.
func TestRestoreRefusesADatabaseWithData(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		o.Person(o.Owner, wilma)
		file := write(t, o.Env)
		to := fresh(t, o.DB.Dialect, o.MasterKey)
		other := to.Actor(t, "gamma", "owner@gamma.nl", account.Owner)
		before := map[string][]string{}
		for _, table := range []string{"organisations", "users", "memberships", "vault_org_keys", "audit_events"} {
			before[table] = rows(t, to.DB, table)
		}
		_, err := backup.Restore(context.Background(), to.DB, to.Vault, bytes.NewReader(file), false)
		if !errors.Is(err, backup.ErrNotEmpty) {
			t.Fatalf("restore over data: %v, want ErrNotEmpty", err)
		}
		for table, want := range before {
			if got := rows(t, to.DB, table); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s changed by a refused restore", table)
			}
		}
		if _, err := to.Accounts.ActorFor(context.Background(), other.UserID, "gamma"); err != nil {
			t.Errorf("gamma's owner after a refused restore: %v", err)
		}
	})
}

// A backup made under another master key is refused with a clear message.
func TestRestoreRefusesAnotherMasterKey(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		file := write(t, o.Env)
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		to := fresh(t, o.DB.Dialect, key)
		_, err := backup.Restore(context.Background(), to.DB, to.Vault, bytes.NewReader(file), true)
		if !errors.Is(err, backup.ErrWrongKey) {
			t.Fatalf("restore under another key: %v, want ErrWrongKey", err)
		}
		if !strings.Contains(err.Error(), "master key") {
			t.Errorf("the message does not say why: %v", err)
		}
		if n := len(rows(t, to.DB, "organisations")); n != 0 {
			t.Errorf("%d organisations after a refused restore", n)
		}
	})
}

// THE test of erasures and backups: a person erased after a backup was made
// stays erased when that older backup is restored. Their fields do not
// open, no search by e-mail address or IBAN finds them, and the journal
// still lists the erasure. A person created and erased after the backup
// keeps their subject id reserved, and everyone else is as in the backup.
func TestRestoreKeepsErasuresMadeAfterTheBackup(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		ctx := context.Background()
		erased := o.Person(o.Owner, wilma)
		kept := o.Person(o.Owner, relation.PersonInput{FirstNames: "Jan", Surname: "Blijft", Email: "jan@blijft.nl"})
		if n := found(t, o.Env, o.Owner, wilma.Email); n != 1 {
			t.Fatalf("a search by e-mail finds %d before the erasure, want 1", n)
		}
		var sealedName []byte
		if err := o.DB.ReadOrg(ctx, o.Owner.OrgID, func(tx *db.Tx) error {
			return tx.QueryRow(`SELECT name_sealed FROM relations WHERE id = $1`, erased).Scan(&sealedName)
		}); err != nil || sealedName == nil {
			t.Fatalf("the name's ciphertext: %v", err)
		}
		file := write(t, o.Env)

		later := o.Person(o.Owner, relation.PersonInput{FirstNames: "Piet", Surname: "Later", Email: "piet@later.nl"})
		erasedSubject, laterSubject := subjectOf(t, o.Env, o.Owner.OrgID, erased), subjectOf(t, o.Env, o.Owner.OrgID, later)
		// The erasure as the subject-request work does it: shred the
		// subject and delete the relation's search tokens.
		err := o.DB.InOrg(ctx, o.Owner.OrgID, func(tx *db.Tx) error {
			for _, s := range []vault.SubjectID{erasedSubject, laterSubject} {
				if err := o.Vault.Shred(ctx, tx, s); err != nil {
					return err
				}
				if err := o.Relations.ReplayErasureTx(ctx, tx, s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("erase: %v", err)
		}
		if n := found(t, o.Env, o.Owner, wilma.Email); n != 0 {
			t.Fatalf("a search by e-mail finds %d after the erasure, want 0", n)
		}

		sum, err := backup.Restore(ctx, o.DB, o.Vault, bytes.NewReader(file), true)
		if err != nil {
			t.Fatalf("restore the older backup: %v", err)
		}
		if sum.Erasures != 2 {
			t.Errorf("replayed %d erasures, want 2", sum.Erasures)
		}
		// The restored row is the erased stub again, as after the erasure.
		if _, err := o.Relations.Get(ctx, o.Owner, erased, relation.ViaWeb); !errors.Is(err, validation.ErrNotFound) {
			t.Errorf("open the erased person after the restore: %v, want validation.ErrNotFound", err)
		}
		err = o.DB.ReadOrg(ctx, o.Owner.OrgID, func(tx *db.Tx) error {
			var restored []byte
			if err := tx.QueryRow(`SELECT name_sealed FROM relations WHERE id = $1`, erased).Scan(&restored); err != nil {
				return err
			}
			if restored != nil {
				t.Errorf("the restored row keeps the erased name's ciphertext")
			}
			_, err := o.Vault.Open(ctx, tx, erasedSubject, "relation.name", sealedName)
			if !errors.Is(err, vault.ErrShredded) {
				t.Errorf("the name ciphertext of the backup opens: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{wilma.Email, wilma.IBANs[0], "NL91 ABNA 0417 1643 00", "Kerkhoven"} {
			if n := found(t, o.Env, o.Owner, q); n != 0 {
				t.Errorf("a search for %q finds %d after the restore, want 0", q, n)
			}
		}
		journal, err := vault.Erasures(ctx, o.DB)
		if err != nil {
			t.Fatal(err)
		}
		listed := map[vault.SubjectID]bool{}
		for _, e := range journal {
			if e.Org == o.Owner.OrgID {
				listed[e.Subject] = true
			}
		}
		if !listed[erasedSubject] || !listed[laterSubject] {
			t.Errorf("the journal after the restore: %+v; want subjects %d and %d", journal, erasedSubject, laterSubject)
		}
		// The person from after the backup is gone with the restore, and
		// their subject id stays taken by a shredded tombstone.
		var kind string
		var shredded bool
		err = o.DB.ReadOrg(ctx, o.Owner.OrgID, func(tx *db.Tx) error {
			return tx.QueryRow(`SELECT kind, shredded_at IS NOT NULL AND keyset_wrapped IS NULL FROM vault_subjects WHERE id = $1`,
				int64(laterSubject)).Scan(&kind, &shredded)
		})
		if err != nil || !shredded {
			t.Errorf("the subject erased after the backup: kind %q shredded %v (%v)", kind, shredded, err)
		}
		r, err := o.Relations.Get(ctx, o.Owner, kept, relation.ViaWeb)
		if err != nil || r.Surname != "Blijft" {
			t.Errorf("the person not erased after the restore: %+v, %v", r, err)
		}
		if n := found(t, o.Env, o.Owner, "jan@blijft.nl"); n != 1 {
			t.Errorf("a search for the person not erased finds %d, want 1", n)
		}
		next, err := o.Relations.CreatePerson(ctx, o.Owner, relation.PersonInput{FirstNames: "Nieuw", Surname: "Mens"})
		if err != nil {
			t.Fatal(err)
		}
		if s := subjectOf(t, o.Env, o.Owner.OrgID, next); s <= laterSubject {
			t.Errorf("a new person got subject %d, which an erased person had (%d)", s, laterSubject)
		}
	})
}

// A backup of one engine restores on the other: the file is
// engine-neutral (SQLite's integers 0 and 1 become PostgreSQL's booleans
// and back).
func TestBackupMovesBetweenEngines(t *testing.T) {
	for _, from := range dbtest.Engines() {
		to := db.SQLite
		if from == db.SQLite {
			to = db.Postgres
		}
		t.Run(string(from)+"-to-"+string(to), func(t *testing.T) {
			ctx := context.Background()
			o := apptest.NewOrg(t, from, apptest.OrgOptions{})
			person := o.Person(o.Owner, wilma)
			o.Lease(o.Owner, lease.Input{TenantIDs: []int64{person}})
			file := write(t, o.Env)
			other := fresh(t, to, o.MasterKey)
			if _, err := backup.Restore(ctx, other.DB, other.Vault, bytes.NewReader(file), false); err != nil {
				t.Fatalf("restore: %v", err)
			}
			owner, err := other.Accounts.ActorFor(ctx, o.Owner.UserID, "alpha")
			if err != nil {
				t.Fatal(err)
			}
			r, err := other.Relations.Get(ctx, owner, person, relation.ViaWeb)
			if err != nil || r.Email != wilma.Email {
				t.Fatalf("the person on %s: %+v, %v", to, r, err)
			}
			if n := found(t, other, owner, wilma.IBANs[0]); n != 1 {
				t.Errorf("a search by IBAN on %s finds %d, want 1", to, n)
			}
			for _, table := range []string{"memberships", "leases", "units", "relations"} {
				if a, b := len(rows(t, o.DB, table)), len(rows(t, other.DB, table)); a != b || a == 0 {
					t.Errorf("%s: %d rows on %s, %d on %s", table, a, from, b, to)
				}
			}
		})
	}
}

// An organisation shredded after the backup was made stays shredded when
// that backup is restored (issue 14): its keys are destroyed and its rows
// deleted again, its cancellation reads shredded, the audit chain and the
// journals stay, no plaintext of its persons is anywhere, and the other
// organisation is untouched. A second restore of the same file does the same.
func TestRestoreKeepsAnOrganisationShreddedAfterTheBackup(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		ctx := context.Background()
		org := o.Owner.OrgID
		o.Person(o.Owner, wilma)
		kept := o.Person(o.OwnerB, relation.PersonInput{FirstNames: "Bea", Surname: "Blijftsma", Email: "bea@blijftsma.nl"})
		file := write(t, o.Env)

		o.Person(o.Owner, relation.PersonInput{FirstNames: "Piet", Surname: "Naderhand", Email: "piet@naderhand.nl"})
		c, err := o.Subscriptions.Cancel(ctx, o.Owner)
		if err != nil {
			t.Fatal(err)
		}
		o.Clock.Set(c.ShredAt.Add(time.Hour))
		done, err := o.Subscriptions.ShredDue(ctx)
		if err != nil || len(done) != 1 || done[0].OrgID != org || done[0].OrgKeys != 1 {
			t.Fatalf("shred: %+v %v", done, err)
		}
		needles := []string{wilma.Surname, wilma.Email, wilma.IBANs[0], "Naderhand", "piet@naderhand.nl"}
		for range 2 {
			sum, err := backup.Restore(ctx, o.DB, o.Vault, bytes.NewReader(file), true)
			if err != nil {
				t.Fatalf("restore the backup from before the shred: %v", err)
			}
			if sum.Shreds != 1 {
				t.Errorf("replayed %d organisation shreds, want 1", sum.Shreds)
			}
			if n := o.Count(`SELECT COUNT(*) FROM vault_org_keys WHERE org_id = $1`, org); n != 0 {
				t.Errorf("%d keys of the shredded organisation after the restore", n)
			}
			if n := o.Count(`SELECT COUNT(*) FROM vault_subjects WHERE org_id = $1 AND keyset_wrapped IS NOT NULL`, org); n != 0 {
				t.Errorf("%d subject keys of the shredded organisation after the restore", n)
			}
			var tables []string
			if err := o.DB.ReadOrg(ctx, org, func(tx *db.Tx) error {
				tables, err = db.OrgTables(ctx, tx)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			for _, table := range tables {
				n := o.Count(`SELECT COUNT(*) FROM `+table+` WHERE org_id = $1`, org)
				if _, keep := subscription.KeptTables[table]; !keep && n != 0 {
					t.Errorf("%s has %d rows of the shredded organisation after the restore", table, n)
				}
			}
			if n := o.Count(`SELECT COUNT(*) FROM audit_events WHERE org_id = $1`, org); n == 0 {
				t.Error("the shredded organisation's audit chain is gone")
			}
			if where := apptest.FindPlaintext(t, o.DB, needles...); len(where) > 0 {
				t.Errorf("the shredded organisation's persons in plain text after the restore: %v", where)
			}
			if c, err := o.Subscriptions.CancellationOf(ctx, org); err != nil || !c.Shredded() {
				t.Errorf("the cancellation after the restore: %+v %v", c, err)
			}
			if st, err := o.Subscriptions.StandingOf(ctx, org); err != nil || !st.ReadOnly() {
				t.Errorf("the shredded organisation is writable after the restore: %+v %v", st, err)
			}
			if r, err := o.Subscriptions.ShredDue(ctx); err != nil || len(r) != 0 {
				t.Errorf("shredded (and mailed) once more after the restore: %+v %v", r, err)
			}
			r, err := o.Relations.Get(ctx, o.OwnerB, kept, relation.ViaWeb)
			if err != nil || r.Email != "bea@blijftsma.nl" {
				t.Errorf("the other organisation's person after the restore: %+v %v", r, err)
			}
			// The restored platform chain is the backup's; the replay adds its record.
			if n := o.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'subscription.shred_replayed'`); n != 1 {
				t.Errorf("%d audit events of the replayed shred, want 1", n)
			}
		}
		// A backup from after the shred brings nothing of it back: the replay has nothing to do or to record.
		after := write(t, o.Env)
		if _, err := backup.Restore(ctx, o.DB, o.Vault, bytes.NewReader(after), true); err != nil {
			t.Fatal(err)
		}
		if n := o.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'subscription.shred_replayed'`); n != 1 {
			t.Errorf("%d audit events of the replayed shred after restoring a later backup, want 1", n)
		}
		if c, err := o.Subscriptions.CancellationOf(ctx, org); err != nil || !c.Shredded() || c.Recipients != 0 {
			t.Errorf("the cancellation after restoring a later backup: %+v %v", c, err)
		}
	})
}

// An organisation signed up after the backup and shredded before the
// restore is not in the restored data: its id must stay taken, or a new
// organisation would get it and the next restore would shred that one.
func TestRestoreHoldsTheIDOfAnOrganisationNewerThanTheBackup(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		ctx := context.Background()
		file := write(t, o.Env)

		gamma := o.Env.Actor(t, "gamma", "owner@gamma.nl", account.Owner)
		if err := o.Privacy.AcceptProcessorAgreement(ctx, gamma, o.Privacy.Current().Version); err != nil {
			t.Fatal(err)
		}
		c, err := o.Subscriptions.Cancel(ctx, gamma)
		if err != nil {
			t.Fatal(err)
		}
		o.Clock.Set(c.ShredAt.Add(time.Hour))
		if done, err := o.Subscriptions.ShredDue(ctx); err != nil || len(done) != 1 || done[0].OrgID != gamma.OrgID {
			t.Fatalf("shred: %+v %v", done, err)
		}
		if _, err := backup.Restore(ctx, o.DB, o.Vault, bytes.NewReader(file), true); err != nil {
			t.Fatal(err)
		}
		if c, err := o.Subscriptions.CancellationOf(ctx, gamma.OrgID); err != nil || !c.Shredded() {
			t.Errorf("the shredded organisation after the restore: %+v %v", c, err)
		}

		delta := o.Env.Actor(t, "delta", "owner@delta.nl", account.Owner)
		if delta.OrgID == gamma.OrgID {
			t.Fatalf("a new organisation got the id %d of the shredded one", delta.OrgID)
		}
		unit := o.Complex(delta, "Deltahof")
		if _, err := backup.Restore(ctx, o.DB, o.Vault, bytes.NewReader(write(t, o.Env)), true); err != nil {
			t.Fatal(err)
		}
		if n := o.Count(`SELECT COUNT(*) FROM complexes WHERE org_id = $1 AND id = $2`, delta.OrgID, unit); n != 1 {
			t.Errorf("the new organisation's complex after a second restore: %d rows", n)
		}
		if st, err := o.Subscriptions.StandingOf(ctx, delta.OrgID); err != nil || st.ReadOnly() {
			t.Errorf("the new organisation after a second restore: %+v %v", st, err)
		}
	})
}
