// Package subscription is HMS's own relationship with its customers
// (issue 14; PRIVACY.md P8): the plans as data, the trial and what happens
// when it ends, and the subscription with its billing details and the SEPA
// Core mandate HMS collects its fee under. Its tables are the platform's
// (no org_id): they are read and written in System transactions, like the
// breach register; only the number of units is read in the organisation's
// own transaction.
package subscription

import (
	"strings"

	"hms/internal/money"
	"hms/internal/platform/validation"
)

// Plan is one price tier: for an organisation with UnitsFrom to UnitsTo
// units (0: no upper bound) the monthly fee excluding VAT is Base plus
// PerUnit for every unit.
type Plan struct {
	ID        int64       `json:"id"`
	NameNL    string      `json:"name_nl"`
	NameEN    string      `json:"name_en"`
	UnitsFrom int         `json:"units_from"`
	UnitsTo   int         `json:"units_to"`
	Base      money.Cents `json:"base_cents"`
	PerUnit   money.Cents `json:"per_unit_cents"`
	Active    bool        `json:"active"`
}

// Name is the plan's name in lang.
func (p Plan) Name(lang string) string {
	if lang == "en" {
		return p.NameEN
	}
	return p.NameNL
}

// Holds reports whether an organisation with units units falls in the plan.
func (p Plan) Holds(units int) bool {
	return units >= p.UnitsFrom && (p.UnitsTo == 0 || units <= p.UnitsTo)
}

// Price is the monthly fee excluding VAT for units units.
func (p Plan) Price(units int) money.Cents { return p.Base + p.PerUnit*money.Cents(units) }

// MaxUnits bounds a plan's range: no customer has a million units.
const MaxUnits = 1_000_000

// Validate checks a plan as staff enter it.
func (p Plan) Validate() error {
	fe := validation.Errors{}
	if strings.TrimSpace(p.NameNL) == "" || len(p.NameNL) > 60 {
		fe.Add("name_nl", "field.required")
	}
	if strings.TrimSpace(p.NameEN) == "" || len(p.NameEN) > 60 {
		fe.Add("name_en", "field.required")
	}
	fe.CheckText("name_nl", p.NameNL, false)
	fe.CheckText("name_en", p.NameEN, false)
	if p.UnitsFrom < 0 || p.UnitsFrom > MaxUnits {
		fe.Add("units_from", "subscription.units_invalid")
	}
	if p.UnitsTo < 0 || p.UnitsTo > MaxUnits || (p.UnitsTo != 0 && p.UnitsTo < p.UnitsFrom) {
		fe.Add("units_to", "subscription.units_to_invalid")
	}
	if p.Base < 0 || p.Base > money.MaxAmount {
		fe.Add("base", "subscription.price_invalid")
	}
	if p.PerUnit < 0 || p.PerUnit > money.MaxAmount {
		fe.Add("per_unit", "subscription.price_invalid")
	}
	return fe.Err()
}

// PlanFor is the active plan whose range holds units: the first by
// UnitsFrom, so overlapping ranges still give one answer.
func PlanFor(plans []Plan, units int) (Plan, bool) {
	for _, p := range plans {
		if p.Active && p.Holds(units) {
			return p, true
		}
	}
	return Plan{}, false
}
