package rentincrease_test

import (
	"slices"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/portfolio"
)

// The proposed effective date is one whose maximums are known: next 1 July
// when they are; in October, when next July's are not published, the first
// date that can still be met and has a known maximum, with the segments
// still missing (to enter in the settings); an override fills the gap.
func TestCapsKnownProposesADateWithCaps(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		date, missing, err := e.svc.CapsKnown(ctx, e.Owner)
		if err != nil || date != d("2026-07-01") || len(missing) != 0 {
			t.Fatalf("in March: %v %v %v", date, missing, err)
		}
	})
}

// In October the next 1 July's maximums are not published: the first date
// with known caps is proposed, and the segments still missing are named.
func TestCapsKnownInOctoberNamesTheMissingCaps(t *testing.T) {
	october := time.Date(2026, time.October, 14, 10, 0, 0, 0, time.UTC)
	apptest.EachOrg(t, apptest.OrgOptions{Now: october}, func(t *testing.T, o *apptest.Org) {
		svc := o.RentIncreases
		date, missing, err := svc.CapsKnown(ctx, o.Owner)
		want := []portfolio.Segment{portfolio.SegmentMiddenhuur, portfolio.SegmentVrij}
		if err != nil || date != d("2027-01-01") || !slices.Equal(missing, want) {
			t.Fatalf("in October: %v %v %v, want 1 January 2027 missing %v", date, missing, err, want)
		}
		for _, seg := range want {
			if err := svc.SetCapOverride(ctx, o.Owner, seg, 2027, "4,0", "Staatscourant 2026, 1"); err != nil {
				t.Fatal(err)
			}
		}
		date, missing, err = svc.CapsKnown(ctx, o.Owner)
		if err != nil || date != d("2027-01-01") || len(missing) != 0 {
			t.Fatalf("with the 2027 maximums: %v %v %v", date, missing, err)
		}
		missing, err = svc.MissingCaps(ctx, o.Owner, d("2027-07-01"))
		if err != nil || !slices.Equal(missing, []portfolio.Segment{portfolio.SegmentSociaal}) {
			t.Fatalf("1 July 2027: %v %v", missing, err)
		}
	})
}
