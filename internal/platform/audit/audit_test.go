package audit_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"hms/internal/platform/audit"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.UTC)

func record(t *testing.T, d *db.DB, l *audit.Log, org int64, e audit.Event) {
	t.Helper()
	run := func(fn func(*db.Tx) error) error { return d.InOrg(context.Background(), org, fn) }
	if org == 0 {
		run = func(fn func(*db.Tx) error) error { return d.System(context.Background(), fn) }
	}
	if err := run(func(tx *db.Tx) error { return l.Record(context.Background(), tx, e) }); err != nil {
		t.Fatalf("record %s in org %d: %v", e.Action, org, err)
	}
}

func ev(action string, i int) audit.Event {
	return audit.Event{
		ActorUserID: 7, ActorKind: audit.ActorUser, Action: action,
		TargetType: "person", TargetID: fmt.Sprint(100 + i),
		Details: map[string]string{"reason": "check", "n": fmt.Sprint(i), "a": "first key"},
	}
}

// unguard lifts the database's append-only wall so a test can play an
// attacker with direct access to the database.
func unguard(t *testing.T, d *db.DB) {
	t.Helper()
	stmts := []string{`DROP TRIGGER audit_events_no_update`, `DROP TRIGGER audit_events_no_delete`}
	if d.Dialect == db.Postgres {
		stmts = []string{
			`ALTER TABLE audit_events NO FORCE ROW LEVEL SECURITY`,
			`ALTER TABLE audit_heads NO FORCE ROW LEVEL SECURITY`,
		}
	}
	for _, s := range stmts {
		if _, err := d.Raw().Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func mustVerify(t *testing.T, d *db.DB) audit.Report {
	t.Helper()
	rep, err := audit.Verify(context.Background(), d)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

func TestChainVerifiesAndLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clk := clock.NewFixed(t0)
		l := audit.New(clk)
		for i := 1; i <= 5; i++ {
			record(t, d, l, 1, ev("person.viewed", i))
			clk.Advance(time.Minute)
		}
		record(t, d, l, 1, audit.Event{ActorKind: audit.ActorSystem, Action: "rentrun.finished"})
		record(t, d, l, 0,
			audit.Event{ActorKind: audit.ActorStaff, ActorUserID: 3, Action: "org.created", TargetType: "organisation", TargetID: "1"})

		rep := mustVerify(t, d)
		if rep.Broken != nil || rep.Orgs != 2 || rep.Events != 7 {
			t.Fatalf("report = %+v (broken %v), want 2 orgs, 7 events, intact", rep, rep.Broken)
		}

		var all, viewed, page, target []audit.Event
		err := d.ReadOrg(context.Background(), 1, func(tx *db.Tx) error {
			var err error
			if all, err = l.List(context.Background(), tx, audit.Filter{}); err != nil {
				return err
			}
			if viewed, err = l.List(context.Background(), tx, audit.Filter{Action: "person.viewed", ActorUserID: 7}); err != nil {
				return err
			}
			if page, err = l.List(context.Background(), tx, audit.Filter{BeforeSeq: 4, Limit: 2}); err != nil {
				return err
			}
			target, err = l.List(context.Background(), tx, audit.Filter{TargetType: "person", TargetID: "103"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 6 {
			t.Fatalf("org 1 lists %d events, want 6 (the platform's event is not its)", len(all))
		}
		for i, e := range all {
			if want := int64(6 - i); e.Seq != want {
				t.Fatalf("event %d has seq %d, want %d (newest first)", i, e.Seq, want)
			}
			if e.OrgID != 1 || len(e.Hash) != 64 {
				t.Fatalf("event %+v", e)
			}
			if i+1 < len(all) && e.PrevHash != all[i+1].Hash {
				t.Fatalf("seq %d prev hash %s, want %s", e.Seq, e.PrevHash, all[i+1].Hash)
			}
		}
		if all[5].PrevHash != audit.GenesisHash {
			t.Fatalf("first event prev hash %q", all[5].PrevHash)
		}
		first := all[5]
		if !first.At.Equal(t0.Truncate(time.Microsecond)) || first.Details["n"] != "1" || first.TargetID != "101" ||
			first.ActorKind != audit.ActorUser {
			t.Fatalf("first event read back as %+v", first)
		}
		if len(viewed) != 5 || len(target) != 1 || target[0].Seq != 3 {
			t.Fatalf("filters: viewed %d, target %+v", len(viewed), target)
		}
		if len(page) != 2 || page[0].Seq != 3 || page[1].Seq != 2 {
			t.Fatalf("page before seq 4: %+v", page)
		}
	})
}

// An event recorded in a transaction that rolls back leaves no trace and no
// hole in the chain.
func TestRolledBackEventLeavesNoGap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l := audit.New(clock.NewFixed(t0))
		record(t, d, l, 1, ev("a", 1))
		boom := errors.New("business failed")
		err := d.InOrg(context.Background(), 1, func(tx *db.Tx) error {
			if err := l.Record(context.Background(), tx, ev("b", 2)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		record(t, d, l, 1, ev("c", 3))
		rep := mustVerify(t, d)
		if rep.Broken != nil || rep.Events != 2 {
			t.Fatalf("report %+v broken %v", rep, rep.Broken)
		}
	})
}

func TestTamperingIsDetected(t *testing.T) {
	cases := []struct {
		name    string
		tamper  string // SQL statements separated by ";"; $1 = org
		seq     int64
		idOfSeq int64 // the event id the report must name is that of this seq (0: none)
		reason  string
	}{
		{"changed action", `UPDATE audit_events SET action = 'person.exported' WHERE org_id = $1 AND seq = 3`, 3, 3, "hash mismatch"},
		{"changed details",
			`UPDATE audit_events SET details = '{"a":"first key","n":"3","reason":"other"}' WHERE org_id = $1 AND seq = 3`, 3, 3, "hash mismatch"},
		{"changed time", `UPDATE audit_events SET at = '2020-01-01T00:00:00.000000Z' WHERE org_id = $1 AND seq = 3`, 3, 3, "hash mismatch"},
		{"edited hash", `UPDATE audit_events SET hash = '` + strings.Repeat("ab", 32) + `' WHERE org_id = $1 AND seq = 3`, 3, 3, "hash mismatch"},
		{"deleted middle row", `DELETE FROM audit_events WHERE org_id = $1 AND seq = 3`, 3, 4, "missing"},
		{"deleted last row", `DELETE FROM audit_events WHERE org_id = $1 AND seq = 5`, 5, 0, "missing"},
		{"reordered", `UPDATE audit_events SET seq = -2 WHERE org_id = $1 AND seq = 2;
			UPDATE audit_events SET seq = 2 WHERE org_id = $1 AND seq = 3;
			UPDATE audit_events SET seq = 3 WHERE org_id = $1 AND seq = -2`, 2, 3, "previous hash"},
		{"head moved back", `UPDATE audit_heads SET seq = 4 WHERE org_id = $1`, 5, 0, "after the chain head"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				clk := clock.NewFixed(t0)
				l := audit.New(clk)
				// An intact chain of another organisation first: the report
				// must still name the broken one.
				for i := 1; i <= 3; i++ {
					record(t, d, l, 1, ev("person.viewed", i))
				}
				for i := 1; i <= 5; i++ {
					record(t, d, l, 2, ev("person.viewed", i))
					clk.Advance(time.Second)
				}
				if rep := mustVerify(t, d); rep.Broken != nil {
					t.Fatalf("intact chain reported broken: %v", rep.Broken)
				}
				unguard(t, d)
				ids := map[int64]int64{}
				rows, err := d.Raw().Query(`SELECT seq, id FROM audit_events WHERE org_id = 2`)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var s, id int64
					if err := rows.Scan(&s, &id); err != nil {
						t.Fatal(err)
					}
					ids[s] = id
				}
				rows.Close()
				if len(ids) != 5 {
					t.Fatalf("found %d events of org 2", len(ids))
				}
				for _, stmt := range strings.Split(c.tamper, ";") {
					res, err := d.Raw().Exec(stmt, 2)
					if err != nil {
						t.Fatalf("tamper: %v", err)
					}
					if n, _ := res.RowsAffected(); n == 0 {
						t.Fatalf("tampering changed nothing: %s", stmt)
					}
				}
				rep := mustVerify(t, d)
				b := rep.Broken
				if b == nil {
					t.Fatalf("tampering (%s) not detected: %+v", c.name, rep)
				}
				wantID := int64(0)
				if c.idOfSeq != 0 {
					wantID = ids[c.idOfSeq]
				}
				if b.OrgID != 2 || b.Seq != c.seq || b.EventID != wantID || !strings.Contains(b.Reason, c.reason) {
					t.Fatalf("broken link %v, want org 2 seq %d event %d reason ~%q", b, c.seq, wantID, c.reason)
				}
				if rep.Orgs != 2 {
					t.Fatalf("walked %d chains, want 2", rep.Orgs)
				}
			})
		})
	}
}

// The application's own connections cannot change or remove an event.
func TestEventsAreAppendOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l := audit.New(clock.NewFixed(t0))
		record(t, d, l, 1, ev("person.viewed", 1))
		ctx := context.Background()
		for _, stmt := range []string{
			`UPDATE audit_events SET action = 'x'`,
			`DELETE FROM audit_events`,
		} {
			for _, run := range []func(func(*db.Tx) error) error{
				func(fn func(*db.Tx) error) error { return d.System(ctx, fn) },
				func(fn func(*db.Tx) error) error { return d.InOrg(ctx, 1, fn) },
			} {
				err := run(func(tx *db.Tx) error {
					res, err := tx.Exec(stmt)
					if err != nil {
						return err
					}
					if n, _ := res.RowsAffected(); n != 0 {
						t.Errorf("%s changed %d rows", stmt, n)
					}
					return nil
				})
				if d.Dialect == db.SQLite && err == nil {
					t.Errorf("%s: no error from the append-only trigger", stmt)
				}
			}
		}
		rep := mustVerify(t, d)
		if rep.Broken != nil || rep.Events != 1 {
			t.Fatalf("after attempts: %+v %v", rep, rep.Broken)
		}
	})
}

func TestOrganisationsHaveIndependentChains(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l := audit.New(clock.NewFixed(t0))
		for i := 1; i <= 4; i++ {
			record(t, d, l, 1, ev("a", i))
			record(t, d, l, 2, ev("b", i))
		}
		ctx := context.Background()
		for _, org := range []int64{1, 2} {
			var evs []audit.Event
			if err := d.ReadOrg(ctx, org, func(tx *db.Tx) error {
				var err error
				evs, err = l.List(ctx, tx, audit.Filter{})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(evs) != 4 || evs[0].Seq != 4 || evs[3].Seq != 1 || evs[3].PrevHash != audit.GenesisHash {
				t.Fatalf("org %d chain: %+v", org, evs)
			}
			for _, e := range evs {
				if e.OrgID != org {
					t.Fatalf("org %d sees event of org %d", org, e.OrgID)
				}
			}
		}
		rep := mustVerify(t, d)
		if rep.Broken != nil || rep.Orgs != 2 || rep.Events != 8 {
			t.Fatalf("%+v %v", rep, rep.Broken)
		}
	})
}

func TestRefusesPersonalData(t *testing.T) {
	refused := map[string]string{
		"e-mail":         "jan.jansen@example.nl",
		"e-mail in text": "sent to <piet@voorbeeld.com> today",
		"iban":           "NL91ABNA0417164300",
		"iban lower":     "nl91abna0417164300",
		"iban printed":   "NL91 ABNA 0417 1643 00",
		"foreign iban":   "DE89370400440532013000",
		"bsn":            "111222333",
		"bsn in text":    "bsn 123456782 checked",
		"bsn dotted":     "1112.22.333",
		"bsn in threes":  "111-222-333",
	}
	allowed := map[string]string{
		"id":                           "4711",
		"8 digits":                     "12345678",
		"10 digit":                     "0612345678",
		"9 digits failing the 11-test": "123456789",
		"9 digits inside a hash":       "ab123456782cd",
		"date":                         "2025-03-14",
		"sha256":                       strings.Repeat("ab12", 16),
		"uuid":                         "3f2b8c1e-9d4a-4c7b-8e21-5a6f0d3c9b17",
		"code":                         "NL",
		"amount":                       "1234.56",
		"role":                         "owner -> manager",
		"at sign":                      "@home",
		// Nine digits that pass the 11-test, in a mandate reference's groups.
		"mandate reference": "HMS-2025-0008-1",
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l := audit.New(clock.NewFixed(t0))
		ctx := context.Background()
		for name, v := range refused {
			err := d.InOrg(ctx, 1, func(tx *db.Tx) error {
				return l.Record(ctx, tx, audit.Event{ActorKind: audit.ActorUser, Action: "x", Details: map[string]string{"value": v}})
			})
			if !errors.Is(err, audit.ErrPersonalData) {
				t.Errorf("%s (%q): err = %v, want ErrPersonalData", name, v, err)
			} else if strings.Contains(err.Error(), v) {
				t.Errorf("error repeats the personal data: %v", err)
			}
		}
		err := d.InOrg(ctx, 1, func(tx *db.Tx) error {
			return l.Record(ctx, tx, audit.Event{ActorKind: audit.ActorUser, Action: "x", Details: map[string]string{"jan@example.nl": "1"}})
		})
		if !errors.Is(err, audit.ErrPersonalData) {
			t.Errorf("e-mail as key: err = %v", err)
		}
		for name, v := range allowed {
			record(t, d, l, 1, audit.Event{ActorKind: audit.ActorUser, Action: "ok." + name, Details: map[string]string{"value": v}})
		}
		rep := mustVerify(t, d)
		if rep.Events != len(allowed) || rep.Broken != nil {
			t.Fatalf("%+v %v", rep, rep.Broken)
		}
	})
	if got := audit.Redact("550 <jan@example.nl>: no such user, iban NL91ABNA0417164300"); strings.Contains(got, "jan@") ||
		strings.Contains(got, "NL91") {
		t.Fatalf("Redact left personal data: %q", got)
	}
}

func TestRecordValidates(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	l := audit.New(clock.NewFixed(t0))
	for _, e := range []audit.Event{
		{ActorKind: "robot", Action: "x"},
		{ActorKind: audit.ActorUser},
		{ActorKind: audit.ActorUser, Action: "x", Details: map[string]string{"k": "\xff"}},
	} {
		err := d.InOrg(context.Background(), 1, func(tx *db.Tx) error { return l.Record(context.Background(), tx, e) })
		if err == nil {
			t.Errorf("event %+v accepted", e)
		}
	}
}

// Many writers on one organisation's chain at once, on PostgreSQL where they
// really run in parallel: the chain stays gap-free and valid.
func TestConcurrentRecordPostgres(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	l := audit.New(clock.Real{})
	ctx := context.Background()
	const workers, each = 10, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := d.InOrg(ctx, 5, func(tx *db.Tx) error {
					return l.Record(ctx, tx, audit.Event{ActorKind: audit.ActorUser, ActorUserID: int64(w), Action: "load", TargetID: fmt.Sprint(i)})
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rep := mustVerify(t, d)
	if rep.Broken != nil || rep.Events != workers*each || rep.Orgs != 1 {
		t.Fatalf("%+v %v", rep, rep.Broken)
	}
	var n, maxSeq int64
	if err := d.ReadOrg(ctx, 5, func(tx *db.Tx) error {
		return tx.QueryRow(`SELECT count(DISTINCT seq), max(seq) FROM audit_events`).Scan(&n, &maxSeq)
	}); err != nil {
		t.Fatal(err)
	}
	if n != workers*each || maxSeq != workers*each {
		t.Fatalf("distinct seqs %d, max %d, want %d", n, maxSeq, workers*each)
	}
}
