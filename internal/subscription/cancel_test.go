package subscription_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	hmsmail "hms/internal/platform/mail"
	"hms/internal/platform/validation"
	"hms/internal/relation"
	"hms/internal/subscription"
)

// systemMail is the platform's outbox (cancellation mails go to the owners
// from HMS itself), newest first.
func systemMail(t *testing.T, e *apptest.Org) []hmsmail.Stored {
	t.Helper()
	var out []hmsmail.Stored
	if err := e.DB.ReadSystem(context.Background(), func(tx *db.Tx) error {
		var err error
		out, err = e.Outbox.List(ctx0, tx, 200)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

var ctx0 = context.Background()

// mailsTo are the messages to addr whose subject contains subject.
func mailsTo(t *testing.T, e *apptest.Org, addr, subject string) []hmsmail.Stored {
	t.Helper()
	var out []hmsmail.Stored
	for _, m := range systemMail(t, e) {
		if m.To == addr && strings.Contains(m.Subject, subject) {
			out = append(out, m)
		}
	}
	return out
}

// A subscribed organisation cancels: the owners are mailed the dates, it
// can be undone until the end of the month, from then it is read-only and
// the export still holds every person; after the stated period the daily
// shred destroys every key and row of the organisation (no plaintext of
// its persons anywhere), ends its members' access, records it and mails
// the owner a confirmation; the other organisation is untouched.
func TestCancelReadOnlyThenShred(t *testing.T) {
	now := time.Date(2027, time.March, 10, 9, 0, 0, 0, time.UTC)
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		org := e.Owner.OrgID
		const marker = "Vernietigdsma"
		e.Person(e.Owner, relation.PersonInput{Surname: marker, Email: "vernietigdsma@voorbeeld.nl",
			IBANs: []string{"NL91ABNA0417164300"}})
		keep := e.Person(e.OwnerB, relation.PersonInput{Surname: "Blijftsma"})
		if _, err := e.Subscriptions.Subscribe(ctx, e.Owner, goodInput()); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Subscriptions.Cancel(ctx, e.Manager); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("a manager cancelled: %v", err)
		}
		c, err := e.Subscriptions.Cancel(ctx, e.Owner)
		if err != nil {
			t.Fatal(err)
		}
		if c.LastDay() != civil.New(2027, time.March, 31) || c.ExportUntil() != civil.New(2027, time.May, 30) {
			t.Fatalf("last day %s, export until %s", c.LastDay(), c.ExportUntil())
		}
		ms := mailsTo(t, e, "owner@alpha.nl", "opzegging")
		if len(ms) != 1 || !strings.Contains(ms[0].Text, "31 maart 2027") || !strings.Contains(ms[0].Text, "30 mei 2027") ||
			!strings.Contains(ms[0].Text, "60 dagen") {
			t.Fatalf("cancellation mail: %+v", ms)
		}
		// Before it takes effect: still writable, and it can be undone.
		st, err := e.Subscriptions.StandingOf(ctx, org)
		if err != nil || st.State != subscription.StateActive || st.Cancellation == nil || st.ReadOnly() {
			t.Fatalf("pending: %+v %v", st, err)
		}
		if err := e.Subscriptions.Undo(ctx, e.Owner); err != nil {
			t.Fatal(err)
		}
		if st, _ := e.Subscriptions.StandingOf(ctx, org); st.Cancellation != nil {
			t.Fatal("the cancellation stayed after undo")
		}
		if err := e.Subscriptions.Undo(ctx, e.Owner); !errors.Is(err, subscription.ErrNothingToUndo) {
			t.Fatalf("a second undo: %v", err)
		}
		if _, err := e.Subscriptions.Cancel(ctx, e.Owner); err != nil {
			t.Fatal(err)
		}
		// The first day of April: cancelled, read-only, no undo; the export works.
		e.Clock.Set(time.Date(2027, time.April, 1, 8, 0, 0, 0, time.UTC))
		if err := e.Subscriptions.Undo(ctx, e.Owner); !errors.Is(err, subscription.ErrCancelEffective) {
			t.Fatalf("undo after the effective date: %v", err)
		}
		st, err = e.Subscriptions.StandingOf(ctx, org)
		if err != nil || st.State != subscription.StateCancelled || !st.ReadOnly() {
			t.Fatalf("effective: %+v %v", st, err)
		}
		if err := e.Subscriptions.CheckWrite(ctx, org); !errors.Is(err, subscription.ErrReadOnly) {
			t.Fatalf("writes after the effective date: %v", err)
		}
		var zipBuf bytes.Buffer
		if _, err := e.OrgExport.Export(ctx, e.Owner, &zipBuf); err != nil {
			t.Fatal(err)
		}
		if !zipHolds(t, zipBuf.Bytes(), marker) {
			t.Fatal("the export after the effective date lacks the person")
		}
		if r, err := e.Subscriptions.ShredDue(ctx); err != nil || len(r) != 0 {
			t.Fatalf("shredded before the period ended: %+v %v", r, err)
		}
		// The period ends: the daily job shreds.
		e.Clock.Set(time.Date(2027, time.May, 31, 7, 0, 0, 0, time.UTC))
		done, err := e.Subscriptions.ShredDue(ctx)
		if err != nil || len(done) != 1 || done[0].OrgID != org || done[0].Recipients != 1 || done[0].Rows == 0 ||
			done[0].Keys["person"] == 0 || done[0].OrgKeys != 1 {
			t.Fatalf("shred: %+v %v", done, err)
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM relations WHERE org_id = $1`:                                     0,
			`SELECT COUNT(*) FROM memberships WHERE org_id = $1`:                                   0,
			`SELECT COUNT(*) FROM api_tokens WHERE org_id = $1`:                                    0,
			`SELECT COUNT(*) FROM vault_org_keys WHERE org_id = $1`:                                0,
			`SELECT COUNT(*) FROM vault_subjects WHERE org_id = $1 AND keyset_wrapped IS NOT NULL`: 0,
			`SELECT COUNT(*) FROM vault_erasures WHERE org_id = $1`: e.Count(
				`SELECT COUNT(*) FROM vault_subjects WHERE org_id = $1`, org),
		} {
			if n := e.Count(q, org); n != want {
				t.Errorf("%s: %d, want %d", q, n, want)
			}
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'subscription.shredded' AND target_id = $1`,
			fmt.Sprint(org)); n != 1 {
			t.Errorf("%d audit events of the shred", n)
		}
		if n := e.Count(`SELECT COUNT(*) FROM vault_subjects WHERE org_id = $1`, org); n == 0 {
			t.Error("no subjects recorded as shredded")
		}
		// No plaintext of the person in any column of any table.
		if where := findText(t, e, marker); where != "" {
			t.Errorf("%s still in %s", marker, where)
		}
		if where := findText(t, e, "vernietigdsma@voorbeeld.nl"); where != "" {
			t.Errorf("the person's e-mail still in %s", where)
		}
		if e.DB.Dialect == db.SQLite {
			for _, f := range []string{e.DB.Path, e.DB.Path + "-wal"} {
				if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte(marker)) {
					t.Errorf("%s holds the person's name", f)
				}
			}
		}
		// The owner's confirmation, captured before the memberships went.
		ms = mailsTo(t, e, "owner@alpha.nl", "vernietigd")
		if len(ms) != 1 || !strings.Contains(ms[0].Text, "28 lid 3 onder g") || !strings.Contains(ms[0].Text, "30 mei 2027") ||
			!strings.Contains(ms[0].Text, fmt.Sprintf("%d gegevensregel(s)", done[0].Rows)) {
			t.Fatalf("confirmation: %+v", ms)
		}
		// Beta is untouched; the shred runs once.
		if names, err := e.Relations.Names(ctx, e.OwnerB, keep); err != nil || names[keep] == "" {
			t.Fatalf("beta's person: %v %v", names, err)
		}
		if r, err := e.Subscriptions.ShredDue(ctx); err != nil || len(r) != 0 {
			t.Fatalf("a second shred: %+v %v", r, err)
		}
		if c, err := e.Subscriptions.CancellationOf(ctx, org); err != nil || !c.Shredded() || c.Recipients != 1 {
			t.Fatalf("cancellation after the shred: %+v %v", c, err)
		}
	})
}

// In trial the cancellation takes effect at the trial's end.
func TestCancelInTrialAtTrialEnd(t *testing.T) {
	now := time.Date(2027, time.June, 2, 9, 0, 0, 0, time.UTC)
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, e *apptest.Org) {
		trialUntil(t, e, e.Owner.OrgID, civil.New(2027, time.June, 12))
		c, err := e.Subscriptions.Cancel(context.Background(), e.Owner)
		if err != nil {
			t.Fatal(err)
		}
		if c.LastDay() != civil.New(2027, time.June, 12) || c.ExportUntil() != civil.New(2027, time.August, 11) {
			t.Fatalf("last day %s, export until %s", c.LastDay(), c.ExportUntil())
		}
	})
}

func zipHolds(t *testing.T, b []byte, s string) bool {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(rc)
		rc.Close()
		if bytes.Contains(buf.Bytes(), []byte(s)) {
			return true
		}
	}
	return false
}

// findText names the first table and column holding s (as text or bytes),
// scanning every table of the schema.
func findText(t *testing.T, e *apptest.Org, s string) string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if e.DB.Dialect == db.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
			ORDER BY table_name`
	}
	rows, err := e.DB.Raw().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	for _, tab := range tables {
		rs, err := e.DB.Raw().Query(`SELECT * FROM ` + tab)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var hit bool
				switch x := v.(type) {
				case string:
					hit = strings.Contains(x, s)
				case []byte:
					hit = bytes.Contains(x, []byte(s))
				}
				if hit {
					rs.Close()
					return tab + "." + cols[i]
				}
			}
		}
		rs.Close()
	}
	return ""
}
