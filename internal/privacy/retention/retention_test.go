package retention_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/mail"
	"hms/internal/platform/validation"
	"hms/internal/privacy/retention"
	"hms/internal/relation"
)

var ctx = context.Background()

// tenancy is a person with a lease from 1 January 2025 to 30 June 2026.
type tenancy struct{ person, lease int64 }

func newTenancy(t *testing.T, org *apptest.Org, a account.Actor, surname string) tenancy {
	t.Helper()
	p := org.Person(a, relation.PersonInput{Initials: "A.", Surname: surname})
	l := org.Lease(a, lease.Input{TenantIDs: []int64{p}, Start: civil.New(2025, 1, 1), End: civil.New(2026, 6, 30)})
	return tenancy{p, l}
}

// rent posts the lease's rent of period and, when pay, pays it in full
// today.
func rent(t *testing.T, org *apptest.Org, l int64, period string, pay bool) {
	t.Helper()
	a := org.Owner
	in := billing.RunInput{Period: period, Scope: billing.Scope{Kind: billing.ScopeLease, ID: l}}
	if _, err := org.Billing.PostRun(ctx, a, in, nil); err != nil {
		t.Fatalf("post rent %s: %v", period, err)
	}
	if !pay {
		return
	}
	invs, err := org.Ledger.Invoices(ctx, a, listing.Query{Limit: 100}, ledger.InvoiceFilter{LeaseID: l})
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range invs.Items {
		if inv.Period != period {
			continue
		}
		d := civil.Today(org.Clock.Now())
		if _, err := org.Ledger.RecordPayment(ctx, a, ledger.PaymentInput{LeaseID: l, Date: d, Amount: inv.Total,
			Method: ledger.PaymentMethod("transfer")}); err != nil {
			t.Fatalf("pay %s: %v", period, err)
		}
	}
}

func ids(ps []retention.Person) []int64 {
	var out []int64
	for _, p := range ps {
		out = append(out, p.ID)
	}
	slices.Sort(out)
	return out
}

// The retention job over eight years on a small organisation: each year's
// run does what the rules say and what the dry run said it would.
func TestRetentionOverEightYears(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: time.Date(2025, time.January, 2, 9, 0, 0, 0, time.UTC)},
		func(t *testing.T, org *apptest.Org) {
			owner := org.Owner
			a := newTenancy(t, org, owner, "Aalbers")  // settled: erased after 24 months
			b := newTenancy(t, org, owner, "Bakker")   // settled, but its lease is under a legal hold
			d := newTenancy(t, org, owner, "Dekker")   // an invoice left unpaid: erasure refused
			running := org.Lease(owner, lease.Input{}) // a running lease: never a candidate
			other := org.Lease(org.OwnerB, lease.Input{End: civil.New(2026, 6, 30)})
			_ = running
			_ = other
			for _, x := range []tenancy{a, b} {
				rent(t, org, x.lease, "2025-01", true)
			}
			rent(t, org, d.lease, "2025-01", false)
			org.Clock.Set(time.Date(2026, time.January, 2, 9, 0, 0, 0, time.UTC))
			rent(t, org, a.lease, "2026-01", true)

			// Mail and a finished job of the organisation.
			if err := org.DB.InOrg(ctx, owner.OrgID, func(tx *db.Tx) error {
				_, err := org.Outbox.Send(ctx, tx, mail.Message{To: "huurder@example.nl", Subject: "Factuur", Text: "Hallo"})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			raw := org.DB.Raw()
			if _, err := raw.Exec(`UPDATE mail_outbox SET state = 'sent'`); err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(`UPDATE jobs SET state = 'done', finished_at = created_at`); err != nil {
				t.Fatal(err)
			}

			// The rules: out-of-bounds values are refused at their field, nothing changes.
			for _, c := range []struct {
				in   map[retention.Category]int
				want validation.Errors
			}{
				{map[retention.Category]int{retention.Bookkeeping: 6}, validation.Errors{"bookkeeping": "retention.too_short"}},
				{map[retention.Category]int{retention.Bookkeeping: 11, retention.FormerTenants: 0},
					validation.Errors{"bookkeeping": "retention.too_long", "former_tenants": "retention.too_short"}},
				{map[retention.Category]int{retention.AuditLog: 121}, validation.Errors{"audit_log": "retention.too_long"}},
				{map[retention.Category]int{retention.MailAndJobs: 91}, validation.Errors{"mail_jobs": "retention.too_long"}},
			} {
				err := org.Keeping.SetRules(ctx, owner, c.in)
				var got validation.Errors
				if !errors.As(err, &got) || fmt.Sprint(got) != fmt.Sprint(c.want) {
					t.Fatalf("rules %v: %v, want %v", c.in, err, c.want)
				}
			}
			if n := org.Count(`SELECT COUNT(*) FROM retention_rules`); n != 0 {
				t.Fatalf("refused rules stored: %d", n)
			}
			if err := org.Keeping.SetRules(ctx, org.Manager, map[retention.Category]int{retention.AuditLog: 12}); !errors.Is(err,
				validation.ErrForbidden) {
				t.Fatalf("a manager set the rules: %v", err)
			}
			if err := org.Keeping.SetRules(ctx, owner, map[retention.Category]int{retention.AuditLog: 12}); err != nil {
				t.Fatal(err)
			}
			rules, err := org.Keeping.Rules(ctx, org.Viewer)
			if err != nil || len(rules) != len(retention.Categories) {
				t.Fatalf("rules: %v %+v", err, rules)
			}
			for _, r := range rules {
				want := map[retention.Category]int{retention.FormerTenants: 24, retention.Bookkeeping: 7, retention.AuditLog: 12,
					retention.MailAndJobs: 30}[r.Category]
				if r.Period != want {
					t.Fatalf("rule %s: %d, want %d", r.Category, r.Period, want)
				}
			}

			// A legal hold on b's lease, with a reason.
			if _, err := org.Keeping.PlaceHold(ctx, owner, retention.HoldInput{Kind: retention.HoldLease, TargetID: b.lease}); err == nil {
				t.Fatal("a hold without a reason was placed")
			}
			if _, err := org.Keeping.PlaceHold(ctx, org.OwnerB, retention.HoldInput{Kind: retention.HoldLease, TargetID: b.lease,
				Reason: "Geschil"}); err == nil {
				t.Fatal("another organisation placed a hold on the lease")
			}
			hold, err := org.Keeping.PlaceHold(ctx, owner, retention.HoldInput{Kind: retention.HoldLease, TargetID: b.lease,
				Reason: "Geschil over de eindafrekening"})
			if err != nil {
				t.Fatal(err)
			}

			erased := func(p int64) bool {
				return org.Count(`SELECT COUNT(*) FROM relations WHERE id = $1 AND erased_at IS NOT NULL`, p) == 1
			}
			keyShredded := func(year int) bool {
				return org.Count(`SELECT COUNT(*) FROM ledger_fiscal_keys k JOIN vault_subjects v ON v.id = k.subject_id
					WHERE k.org_id = $1 AND k.year = $2 AND v.shredded_at IS NOT NULL`, owner.OrgID, year) == 1
			}
			for year := 2027; year <= 2034; year++ {
				org.Clock.Set(time.Date(year, time.March, 1, 9, 0, 0, 0, time.UTC))
				if year == 2031 {
					if err := org.Keeping.LiftHold(ctx, owner, hold); err != nil {
						t.Fatal(err)
					}
				}
				plan, err := org.Keeping.Preview(ctx, owner)
				if err != nil {
					t.Fatalf("%d: preview: %v", year, err)
				}
				run, err := org.Keeping.Run(ctx, retention.SystemActor(owner.OrgID))
				if err != nil {
					t.Fatalf("%d: run: %v", year, err)
				}
				// The dry run said what the run did.
				if fmt.Sprint(ids(plan.Erased()), ids(plan.Refused()), ids(plan.Held), plan.FiscalYears, plan.HeldYears,
					plan.AuditEvents, plan.Mail, plan.Jobs) != fmt.Sprint(ids(run.Erased()), ids(run.Refused()), ids(run.Held),
					run.FiscalYears, run.HeldYears, run.AuditEvents, run.Mail, run.Jobs) {
					t.Fatalf("%d: the dry run %+v differs from the run %+v", year, plan, run)
				}
				for _, p := range plan.Erase {
					if p.Name == "" {
						t.Fatalf("%d: the dry run names nobody: %+v", year, p)
					}
				}
				want := map[string]bool{
					"a erased":      year >= 2029,
					"b erased":      year >= 2031,
					"d erased":      false,
					"2025 shredded": year >= 2033,
					"2026 shredded": year >= 2034,
				}
				got := map[string]bool{"a erased": erased(a.person), "b erased": erased(b.person), "d erased": erased(d.person),
					"2025 shredded": keyShredded(2025), "2026 shredded": keyShredded(2026)}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("%d: %v, want %v", year, got, want)
				}
				switch year {
				case 2027:
					if run.AuditEvents == 0 || run.Mail != 1 || run.Jobs == 0 {
						t.Fatalf("2027: pruned %d events, %d mail, %d jobs", run.AuditEvents, run.Mail, run.Jobs)
					}
					if len(run.Erase) != 0 || len(run.Held) != 0 {
						t.Fatalf("2027: nobody is due yet: %+v", run)
					}
				case 2029, 2030:
					if !slices.Equal(ids(run.Held), []int64{b.person}) || !slices.Equal(ids(run.Refused()), []int64{d.person}) {
						t.Fatalf("%d: held %v, refused %v", year, ids(run.Held), ids(run.Refused()))
					}
				case 2031:
					if !slices.Equal(ids(run.Erased()), []int64{b.person}) {
						t.Fatalf("2031: erased %v after the hold was lifted", ids(run.Erased()))
					}
				case 2033:
					if !slices.Equal(run.FiscalYears, []int{2025}) {
						t.Fatalf("2033: fiscal years %v", run.FiscalYears)
					}
				}
				if year >= 2029 && run.AuditEvents == 0 {
					t.Fatalf("%d: the events of two years ago were not pruned", year)
				}
				rep, err := audit.Verify(ctx, org.DB, audit.WithVault(org.Vault))
				if err != nil || rep.Broken != nil {
					t.Fatalf("%d: audit verify after pruning: %v %v", year, err, rep.Broken)
				}
			}
			if erased(d.person) {
				t.Fatal("a person with an open invoice was erased")
			}
			if org.Count(`SELECT COUNT(*) FROM relations r JOIN lease_parties p ON p.party_id = r.id
				WHERE p.lease_id = $1 AND r.erased_at IS NOT NULL`, other) != 0 {
				t.Fatal("another organisation's former tenant was erased")
			}

			// Without the key, and with a forged or a removed checkpoint, verify fails.
			if rep, err := audit.Verify(ctx, org.DB); err != nil || rep.Broken == nil {
				t.Fatalf("verify without the key: %v %+v", err, rep)
			}
			var seq int64
			var hash, mac string
			if err := raw.QueryRow(`SELECT seq, hash, mac FROM audit_checkpoints WHERE org_id = $1 ORDER BY seq DESC LIMIT 1`,
				owner.OrgID).Scan(&seq, &hash, &mac); err != nil {
				t.Fatal(err)
			}
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := raw.Exec(q, args...); err != nil {
					t.Fatal(err)
				}
			}
			verify := func(what string, ok bool) {
				t.Helper()
				rep, err := audit.Verify(ctx, org.DB, audit.WithVault(org.Vault))
				if err != nil || (rep.Broken == nil) != ok {
					t.Fatalf("%s: %v %+v", what, err, rep.Broken)
				}
			}
			zeros := strings.Repeat("0", 64)
			exec(`UPDATE audit_checkpoints SET hash = $3 WHERE org_id = $1 AND seq = $2`, owner.OrgID, seq, zeros)
			verify("a checkpoint with another hash", false)
			exec(`UPDATE audit_checkpoints SET hash = $3 WHERE org_id = $1 AND seq = $2`, owner.OrgID, seq, hash)
			exec(`UPDATE audit_checkpoints SET mac = $3 WHERE org_id = $1 AND seq = $2`, owner.OrgID, seq, zeros)
			verify("a checkpoint with another signature", false)
			exec(`UPDATE audit_checkpoints SET mac = $3 WHERE org_id = $1 AND seq = $2`, owner.OrgID, seq, mac)
			verify("the checkpoint restored", true)
			// A forged checkpoint further on, over events removed behind it.
			exec(`INSERT INTO audit_checkpoints (org_id, seq, hash, pruned_before, made_at, mac)
				SELECT org_id, seq, hash, at, at, $2 FROM audit_events WHERE org_id = $1 AND seq = $3`, owner.OrgID, zeros, seq+3)
			exec(`DELETE FROM audit_events WHERE org_id = $1 AND seq <= $2`, owner.OrgID, seq+3)
			verify("a forged checkpoint", false)
			exec(`DELETE FROM audit_checkpoints WHERE org_id = $1`, owner.OrgID)
			verify("events removed without a checkpoint", false)
		})
}

// The daily job, as a running server does it: it runs at the start and
// queues the next day's run, which erases the former tenant whose period
// passed in between.
func TestDailyJob(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Server: true, Now: time.Date(2028, time.June, 30, 12, 0, 0, 0, time.UTC)},
		func(t *testing.T, org *apptest.Org) {
			waitFor := func(what string, ok func() bool) {
				t.Helper()
				deadline := time.Now().Add(20 * time.Second)
				for !ok() {
					if time.Now().After(deadline) {
						t.Fatalf("timed out waiting for %s", what)
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
			done := func() int {
				return org.Count(`SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = 'done'`, retention.JobDaily)
			}
			waitFor("the first run", func() bool { return done() == 1 })
			x := newTenancy(t, org, org.Owner, "Dagelijks") // due on 30 June 2028: the next run erases it
			if org.Count(`SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = 'queued'`, retention.JobDaily) != 1 {
				t.Fatal("the next run is not queued")
			}
			org.Clock.Set(time.Date(2028, time.July, 1, 3, 0, 0, 0, time.UTC))
			waitFor("the erasure by the next run", func() bool {
				return org.Count(`SELECT COUNT(*) FROM relations WHERE id = $1 AND erased_at IS NOT NULL`, x.person) == 1
			})
		})
}
