package lease_test

import (
	"testing"
	"time"

	"hms/internal/lease"
	"hms/internal/platform/validation"
)

// Detail applies the lease's rules on today, so no page computes them again.
func TestDetailAppliesTheRulesOfToday(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anna := e.person(e.Owner, "Anna", "de Vries", "")

		// Upcoming (today is 15 March): its amounts are those of its first day.
		upcoming := e.lease(e.Manager, lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2026-04-01"),
			Components: []lease.ComponentInput{rent(90000), {Kind: lease.ServiceCosts, Category: "Schoonmaak", AmountCents: 2500}}})
		det, err := e.svc.Detail(ctx, e.Viewer, upcoming)
		if err != nil {
			t.Fatal(err)
		}
		if det.Status != lease.StatusUpcoming || det.Today != d("2026-03-15") || det.PriceDate != d("2026-04-01") {
			t.Errorf("status %s today %s price date %s", det.Status, det.Today, det.PriceDate)
		}
		if len(det.Current) != 2 || det.CurrentTotal != 92500 {
			t.Errorf("upcoming lease's components = %+v, total %d", det.Current, det.CurrentTotal)
		}
		if det.LandlordMonths != 3 || det.CanWithdraw || det.Lease.Tenants()[0].Name == "" {
			t.Errorf("landlord months %d, can withdraw %v, tenants %+v", det.LandlordMonths, det.CanWithdraw, det.Lease.Tenants())
		}

		// Six years running: the statutory landlord notice is six months.
		// Notice given by the tenant may be withdrawn until the lease ends,
		// by who may change leases.
		old := e.lease(e.Manager, lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2020-01-01"),
			Components: []lease.ComponentInput{rent(80000)}})
		if _, err := e.svc.GiveNotice(ctx, e.Manager, old, lease.NoticeInput{By: lease.ByTenant, NoticeDate: d("2026-03-14")}); err != nil {
			t.Fatal(err)
		}
		det, err = e.svc.Detail(ctx, e.Manager, old)
		if err != nil {
			t.Fatal(err)
		}
		if det.PriceDate != det.Today || det.CurrentTotal != 80000 || det.LandlordMonths != 6 || !det.CanWithdraw {
			t.Errorf("running lease: price date %s, total %d, landlord months %d, can withdraw %v",
				det.PriceDate, det.CurrentTotal, det.LandlordMonths, det.CanWithdraw)
		}
		if det, err := e.svc.Detail(ctx, e.Viewer, old); err != nil || det.CanWithdraw {
			t.Errorf("a viewer may not withdraw notice: %v, %v", det.CanWithdraw, err)
		}
		// The lease's own landlord notice period wins over the statutory rule.
		own := e.lease(e.Manager, lease.Input{UnitIDs: []int64{e.home(e.Owner)}, TenantIDs: []int64{anna}, Start: d("2020-01-01"),
			NoticeMonthsLandlord: 4})
		if det, err := e.svc.Detail(ctx, e.Viewer, own); err != nil || det.LandlordMonths != 4 {
			t.Errorf("own landlord notice: %d, %v", det.LandlordMonths, err)
		}

		// After the end date (30 April) notice can no longer be withdrawn.
		e.Clock.Advance(60 * 24 * time.Hour)
		if det, err := e.svc.Detail(ctx, e.Manager, old); err != nil || det.CanWithdraw || det.Status != lease.StatusEnded {
			t.Errorf("ended lease: can withdraw %v, status %s, %v", det.CanWithdraw, det.Status, err)
		}
		wantErr(t, e.svc.WithdrawNotice(ctx, e.Manager, old), lease.ErrWithdrawTooLate)

		_, err = e.svc.Detail(ctx, e.Bookkeeper, upcoming)
		wantErr(t, err, validation.ErrForbidden)
		_, err = e.svc.Detail(ctx, e.OwnerB, upcoming)
		wantErr(t, err, validation.ErrNotFound)
	})
}
