package dunning

import (
	"fmt"

	"hms/internal/money"
	"hms/internal/platform/civil"
)

// The scale of the Besluit vergoeding voor buitengerechtelijke incassokosten
// (DOMAIN.md §6): the collection costs a debtor owes after a 14-day letter,
// over the principal sum. It is versioned data, not a formula in the code: a
// new version (a changed scale or maximum) is one more entry with the day it
// applies from and its source, and a letter uses the version of its date.

// WIKBand is a slice of the principal and its rate: the part of the
// principal up to UpTo (0: no upper bound) above the previous band's UpTo.
type WIKBand struct {
	UpTo money.Cents
	Rate money.Rate
}

// WIKScale is one version of the scale.
type WIKScale struct {
	ValidFrom civil.Date
	Source    string
	Bands     []WIKBand
	Min, Max  money.Cents
}

// WIKScales are the versions of the scale, oldest first.
var WIKScales = []WIKScale{{
	ValidFrom: civil.New(2012, 7, 1),
	Source: "Besluit vergoeding voor buitengerechtelijke incassokosten, Stb. 2012, 141, " +
		"https://zoek.officielebekendmakingen.nl/stb-2012-141.html",
	Bands: []WIKBand{
		{UpTo: 2_500_00, Rate: 15 * money.Percent},
		{UpTo: 5_000_00, Rate: 10 * money.Percent},
		{UpTo: 10_000_00, Rate: 5 * money.Percent},
		{UpTo: 200_000_00, Rate: 1 * money.Percent},
		{UpTo: 0, Rate: money.Percent / 2},
	},
	Min: 40_00,
	Max: 6_775_00,
}}

// ScaleOn is the version of the scale that applies on day on.
func ScaleOn(on civil.Date) (WIKScale, error) {
	var found *WIKScale
	for i := range WIKScales {
		if !WIKScales[i].ValidFrom.After(on) {
			found = &WIKScales[i]
		}
	}
	if found == nil {
		return WIKScale{}, fmt.Errorf("dunning: no WIK scale on %s", on)
	}
	return *found, nil
}

// Costs are the collection costs over principal by this scale: each band's
// rate over its part, summed exactly and rounded half up to the cent once,
// then held between the minimum and the maximum. A principal of zero or less
// owes nothing.
func (sc WIKScale) Costs(principal money.Cents) money.Cents {
	if principal <= 0 {
		return 0
	}
	// In cents × millionths of a percent-rate: a principal of €100 million
	// at 15% is 1.5e15, far inside int64.
	var exact int64
	var below money.Cents
	for _, b := range sc.Bands {
		top := principal
		if b.UpTo != 0 {
			top = min(principal, b.UpTo)
		}
		if top > below {
			exact += int64(top-below) * int64(b.Rate)
		}
		if b.UpTo == 0 || principal <= b.UpTo {
			break
		}
		below = b.UpTo
	}
	const scale = 100 * int64(money.Percent) // a Rate of 100%
	costs := money.Cents((exact + scale/2) / scale)
	return min(max(costs, sc.Min), sc.Max)
}

// CollectionCosts are the costs of the scale of day on over principal, with
// VAT on top when addVAT (the creditor cannot reclaim it: art. 2 lid 3 of the
// Besluit; a per-organisation setting).
func CollectionCosts(principal money.Cents, on civil.Date, addVAT bool) (money.Cents, error) {
	sc, err := ScaleOn(on)
	if err != nil {
		return 0, err
	}
	c := sc.Costs(principal)
	if addVAT {
		c += money.ApplyRate(c, vatRate)
	}
	return c, nil
}

// vatRate is the VAT added to collection costs when the setting asks for it
// (Wet OB 1968, art. 9: the standard rate).
const vatRate = 21 * money.Percent
