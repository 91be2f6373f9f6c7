package lease_test

import (
	"testing"

	"hms/internal/lease"
)

// The deposit cap of art. 7:261b BW (DOMAIN.md §2.5) holds for residential
// leases that start on or after 1 July 2023: a 2019 lease with a deposit of
// €2,850 on a bare rent of €950 stays valid, the same terms from 2024 are
// refused.
func TestDepositCapOnlyFromJuly2023(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anna := e.person(e.Owner, "Anna", "de Vries", "")
		mk := func(start string) lease.Input {
			return lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d(start), DepositCents: 285000,
				Components: []lease.ComponentInput{rent(95000)}}
		}
		old := e.lease(e.Manager, mk("2019-03-01"))
		l, err := e.svc.Get(ctx, e.Viewer, old)
		if err != nil || l.DepositCents != 285000 {
			t.Fatalf("2019 lease: %+v %v", l, err)
		}
		// Its terms can still be changed.
		in := mk("2019-03-01")
		in.UnitIDs, in.Components, in.DueDay = l.UnitIDs(), nil, 5
		if err := e.svc.Update(ctx, e.Manager, old, in); err != nil {
			t.Fatalf("update 2019 lease: %v", err)
		}
		_, err = e.svc.Create(ctx, e.Manager, mk("2024-01-01"))
		fieldErr(t, err, "deposit_cents", "lease.deposit.above_cap")
		// The day before the law: accepted; the day it took effect: refused.
		e.lease(e.Manager, mk("2023-06-30"))
		_, err = e.svc.Create(ctx, e.Manager, mk("2023-07-01"))
		fieldErr(t, err, "deposit_cents", "lease.deposit.above_cap")
		if n := e.Count(`SELECT COUNT(*) FROM leases WHERE deposit_cents = 285000`); n != 2 {
			t.Fatalf("%d leases with the 2,850 deposit, want 2", n)
		}
		if !lease.DepositCapApplies(lease.Residential, d("2023-07-01")) || lease.DepositCapApplies(lease.Residential, d("2023-06-30")) ||
			lease.DepositCapApplies(lease.Commercial, d("2024-01-01")) {
			t.Fatal("DepositCapApplies")
		}
	})
}

// The tenant's notice period equals the payment period, at least one month
// and at most three (art. 7:271 lid 5 sub b BW); whole calendar months are
// the organisation's policy, not law (DOMAIN.md §2.6).
func TestTenantNoticeFollowsPaymentPeriod(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anna := e.person(e.Owner, "Anna", "de Vries", "")
		mk := func(f lease.Frequency) int64 {
			return e.lease(e.Manager, lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2025-01-01"),
				BillingFrequency: f, Components: []lease.ComponentInput{rent(95000)}})
		}
		monthly, quarterly := mk(lease.Monthly), mk(lease.Quarterly)
		preview := func(id int64) lease.NoticePreview {
			t.Helper()
			p, err := e.svc.PreviewNotice(ctx, e.Manager, id, lease.NoticeInput{By: lease.ByTenant, NoticeDate: d("2026-03-14")})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		// Whole calendar months (the default): from 1 April.
		if p := preview(monthly); p.NoticeMonths != 1 || p.EndDate != d("2026-04-30") {
			t.Fatalf("monthly, whole months: %+v", p)
		}
		if p := preview(quarterly); p.NoticeMonths != 3 || p.EndDate != d("2026-06-30") {
			t.Fatalf("quarterly, whole months: %+v", p)
		}
		st, err := e.svc.Settings(ctx, e.Viewer)
		if err != nil || !st.NoticeWholeMonths {
			t.Fatalf("default settings: %+v %v", st, err)
		}
		st.NoticeWholeMonths = false
		if err := e.svc.UpdateSettings(ctx, e.Manager, st); err != nil {
			t.Fatal(err)
		}
		// Not in whole months: the same day of the month, months later.
		if p := preview(monthly); p.NoticeMonths != 1 || p.EndDate != d("2026-04-14") {
			t.Fatalf("monthly: %+v", p)
		}
		if p := preview(quarterly); p.NoticeMonths != 3 || p.EndDate != d("2026-06-14") {
			t.Fatalf("quarterly: %+v", p)
		}
		// Giving notice uses the same rule and ends the lease then.
		if _, err := e.svc.GiveNotice(ctx, e.Manager, quarterly, lease.NoticeInput{By: lease.ByTenant, NoticeDate: d("2026-03-14")}); err != nil {
			t.Fatal(err)
		}
		if l, _ := e.svc.Get(ctx, e.Viewer, quarterly); l.EndsOn != d("2026-06-14") || l.Termination.NoticeMonths != 3 {
			t.Fatalf("after notice: ends %s, %+v", l.EndsOn, l.Termination)
		}
		// A lease cannot hold the tenant to more than three months.
		_, err = e.svc.Create(ctx, e.Manager, lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2025-01-01"),
			NoticeMonthsTenant: 4, Components: []lease.ComponentInput{rent(95000)}})
		fieldErr(t, err, "notice_months_tenant", "lease.notice_months.tenant_invalid")
		for _, c := range []struct {
			f            lease.Frequency
			agreed, want int
		}{
			{lease.Monthly, 1, 1}, {lease.Monthly, 2, 2}, {lease.Monthly, 6, 3},
			{lease.Quarterly, 1, 3}, {lease.Quarterly, 0, 3}, {lease.Monthly, 0, 1},
		} {
			if got := lease.TenantNoticeMonths(c.f, c.agreed); got != c.want {
				t.Errorf("TenantNoticeMonths(%s, %d) = %d, want %d", c.f, c.agreed, got, c.want)
			}
		}
	})
}
