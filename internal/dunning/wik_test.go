package dunning_test

import (
	"testing"

	"hms/internal/dunning"
	"hms/internal/money"
	"hms/internal/platform/civil"
)

// The scale of the Besluit vergoeding voor buitengerechtelijke incassokosten
// at its boundaries: the €40 minimum, each band's end, the €6,775 maximum.
func TestWIKScale(t *testing.T) {
	on := civil.New(2026, 3, 1)
	for _, c := range []struct {
		principal, want money.Cents
	}{
		{0, 0},
		{-500, 0},
		{1, 40_00},
		{100_00, 40_00},         // 15% is €15: the minimum
		{266_66, 40_00},         // 15% is €39.999
		{266_67, 40_00},         // €40.0005, rounded
		{266_70, 40_01},         // €40.005, rounded half up
		{1_000_00, 150_00},      // 15%
		{2_500_00, 375_00},      // end of the first band
		{2_500_01, 375_00},      // 10% of a cent
		{2_600_00, 385_00},      // + 10% of €100
		{5_000_00, 625_00},      // end of the second band
		{10_000_00, 875_00},     // end of the third: + 5% of €5,000
		{10_100_00, 876_00},     // + 1% of €100
		{200_000_00, 2775_00},   // end of the fourth: + 1% of €190,000
		{200_200_00, 2776_00},   // + 0.5% of €200
		{999_998_00, 6774_99},   // + 0.5% of €799,998
		{1_000_000_00, 6775_00}, // the maximum, reached exactly
		{5_000_000_00, 6775_00},
	} {
		got, err := dunning.CollectionCosts(c.principal, on, false)
		if err != nil || got != c.want {
			t.Errorf("costs over %s: %s (%v), want %s", c.principal, got, err, c.want)
		}
	}
	// VAT on top, only when the setting says so.
	if got, _ := dunning.CollectionCosts(2_500_00, on, true); got != 375_00+78_75 {
		t.Errorf("with VAT: %s", got)
	}
	// The scale applies from 1 July 2012; before, there is none.
	if _, err := dunning.CollectionCosts(100_00, civil.New(2012, 6, 30), false); err == nil {
		t.Error("a scale before 1 July 2012")
	}
	if sc, err := dunning.ScaleOn(on); err != nil || sc.Source == "" || sc.ValidFrom != civil.New(2012, 7, 1) {
		t.Errorf("scale %+v %v", sc, err)
	}
}
