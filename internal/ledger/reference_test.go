package ledger_test

import (
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/civil"
)

// A payment's reference is sealed at rest; references written before
// migration 00048 (plain) are sealed by SealLegacyReferences (each start),
// the plain column emptied, and read the same; sealing again finds nothing.
func TestPaymentReferencesAreSealed(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		const text = "overboeking Wilhelmina Kerkhoven Lindelaan"
		l := o.Lease(o.Owner, lease.Input{})
		today := civil.Today(o.Clock.Now())
		if _, err := o.Ledger.RecordPayment(ctx, o.Owner, ledger.PaymentInput{LeaseID: l, Date: today, Amount: 1000,
			Method: ledger.Transfer, Reference: text}); err != nil {
			t.Fatal(err)
		}
		if _, err := o.Ledger.RecordPayment(ctx, o.Owner, ledger.PaymentInput{LeaseID: l, Date: today, Amount: 500,
			Method: ledger.Cash}); err != nil {
			t.Fatal(err)
		}
		refs := func() []string {
			t.Helper()
			ps, err := o.Ledger.Payments(ctx, o.Owner, l)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range ps {
				out = append(out, p.Reference)
			}
			return out
		}
		if got := refs(); len(got) != 2 || got[0] != text || got[1] != "" {
			t.Fatalf("references %q", got)
		}
		if hits := apptest.FindPlaintext(t, o.DB, "Wilhelmina Kerkhoven"); len(hits) > 0 {
			t.Fatalf("the reference in plain text: %v", hits)
		}
		if n := o.Count(`SELECT COUNT(*) FROM ledger_payments WHERE lease_id = $1 AND reference_sealed IS NULL`, l); n != 1 {
			t.Errorf("%d payments without a sealed reference, want 1 (the one without text)", n)
		}
		// As before migration 00048: the text plain, nothing sealed.
		if _, err := o.DB.Raw().ExecContext(ctx, `UPDATE ledger_payments SET reference = $1, reference_sealed = NULL
			WHERE lease_id = $2 AND reference_sealed IS NOT NULL`, text, l); err != nil {
			t.Fatal(err)
		}
		if got := refs(); got[0] != text {
			t.Fatalf("a plain reference reads %q", got[0])
		}
		if n, err := o.Ledger.SealLegacyReferences(ctx); err != nil || n != 1 {
			t.Fatalf("sealing the plain references: %d %v", n, err)
		}
		if n, err := o.Ledger.SealLegacyReferences(ctx); err != nil || n != 0 {
			t.Fatalf("sealing again: %d %v", n, err)
		}
		if got := refs(); len(got) != 2 || got[0] != text || got[1] != "" {
			t.Errorf("references after sealing %q", got)
		}
		if hits := apptest.FindPlaintext(t, o.DB, "Wilhelmina Kerkhoven"); len(hits) > 0 {
			t.Errorf("the reference in plain text after sealing: %v", hits)
		}
	})
}
