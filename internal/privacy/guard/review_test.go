package guard_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/privacy"
	"hms/internal/privacy/guard"
)

// The guard as a service meets it: a note about a tenant's illness is
// refused without a reason, stored with one (and the decision audited
// without the reason), and refused outright in the refuse mode, with
// nothing stored each time it is refused.
func TestReviewWarnsRefusesAndRecords(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		id := e.Lease(e.Manager, lease.Input{DepositCents: 160000})
		note := "Huurder is ziek, betaalt de borg in delen"
		entries := func() int { return e.Count(`SELECT COUNT(*) FROM lease_deposit_entries WHERE lease_id = $1`, id) }
		add := func(ctx context.Context, note string) error {
			_, err := e.Leases.AddDepositEntry(ctx, e.Manager, id, lease.DepositEntryInput{Kind: lease.DepositReceived,
				Date: civil.New(2026, 1, 5), AmountCents: 1000, Note: note})
			return err
		}
		fieldMsg := func(err error) string {
			t.Helper()
			fe, ok := validation.AsFields(err)
			if !ok {
				t.Fatalf("err = %v, want field errors", err)
			}
			return fe["note"]
		}

		// Warn (the default): no reason, or one too short, is refused at the field.
		if got := fieldMsg(add(ctx, note)); got != guard.Message(guard.MsgWarn, []guard.Category{guard.Health}) {
			t.Fatalf("no reason: %q", got)
		}
		short := guard.WithReasons(ctx, map[string]string{"note_guard_reason": "ok"})
		if got := fieldMsg(add(short, note)); !strings.HasPrefix(got, guard.MsgWarn) {
			t.Fatalf("short reason: %q", got)
		}
		if n := entries(); n != 0 {
			t.Fatalf("stored %d entries after a warning", n)
		}
		// With a reason: stored, and the decision audited without it.
		reason := "Afspraak met huurder over betaling in termijnen"
		if err := add(guard.WithReasons(ctx, map[string]string{"note_guard_reason": reason}), note); err != nil {
			t.Fatal(err)
		}
		if n := entries(); n != 1 {
			t.Fatalf("entries = %d, want 1", n)
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE org_id = $1 AND action = 'privacy.guard.accepted'
			AND target_id = 'note' AND details LIKE '%health%' AND details LIKE '%given%'`, e.Manager.OrgID); n != 1 {
			t.Fatalf("accepted events = %d, want 1", n)
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE details LIKE '%termijnen%' OR details LIKE '%ziek%'`); n != 0 {
			t.Fatal("the audit log holds the reason or the text")
		}
		// Ordinary text passes without a word.
		if err := add(ctx, "Eerste deel van de borg ontvangen"); err != nil {
			t.Fatal(err)
		}

		// Only an owner chooses the mode; beta keeps its own.
		err := e.Privacy.UpdateSettings(ctx, e.Manager, privacy.SettingsInput{GuardMode: guard.ModeRefuse})
		if !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("manager sets the mode: %v", err)
		}
		if err := e.Privacy.UpdateSettings(ctx, e.Owner, privacy.SettingsInput{GuardMode: "never"}); err == nil {
			t.Fatal("an unknown mode was accepted")
		}
		if err := e.Privacy.UpdateSettings(ctx, e.Owner, privacy.SettingsInput{GuardMode: guard.ModeRefuse}); err != nil {
			t.Fatal(err)
		}
		if st, err := e.Privacy.Settings(ctx, e.Viewer); err != nil || st.GuardMode != guard.ModeRefuse {
			t.Fatalf("settings: %+v %v", st, err)
		}
		if st, err := e.Privacy.Settings(ctx, e.OwnerB); err != nil || st.GuardMode != guard.ModeWarn {
			t.Fatalf("beta's settings: %+v %v", st, err)
		}

		// Refuse: a reason does not help; nothing is stored.
		before := entries()
		withReason := guard.WithReasons(ctx, map[string]string{"note": reason})
		if got := fieldMsg(add(withReason, "BSN huurder 123456782")); got != guard.Message(guard.MsgRefused, []guard.Category{guard.BSN}) {
			t.Fatalf("refuse mode: %q", got)
		}
		if n := entries(); n != before {
			t.Fatalf("refused text stored: %d entries, want %d", n, before)
		}
		// A number that only passes the 11-test still asks for a reason.
		if got := fieldMsg(add(ctx, "Referentie 123456782")); !strings.HasPrefix(got, guard.MsgWarn) {
			t.Fatalf("weak finding in refuse mode: %q", got)
		}
		if err := add(withReason, "Referentie 123456782"); err != nil {
			t.Fatalf("weak finding with a reason: %v", err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE org_id = $1 AND action = 'privacy.guard_mode_changed'`,
			e.Owner.OrgID); n != 1 {
			t.Fatalf("mode changes audited = %d, want 1", n)
		}
	})
}
