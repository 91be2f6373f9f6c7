// Package settlement computes the yearly service-cost settlement
// (servicekostenafrekening, DOMAIN.md §7) as a pure function: a scenario of
// units, occupancies and cost lines goes in; every occupancy's share of every
// cost, its administration fee and balance, and the landlord's share for
// vacancy come out, to the cent. There is no database and no clock, so the
// same input always gives the same output and anyone can check it
// (`hms settlement compute`, POST /api/v1/settlement/compute; the format is
// docs/settlement-format.md).
//
// How a cost is divided. Each cost has a pool of units and a key that gives
// every unit of the pool a share of the cost. Within a unit, the share is
// divided over its recipients: the occupancies of the unit, and the landlord
// for the days nobody occupies it (vacancy is the landlord's cost, §7.4). A
// non-heating cost goes by days. A heating cost has a fixed part that goes by
// days and a variable part that goes by weighted degree days (§7.6), so a
// tenant who leaves in August pays little of the winter's gas. Every
// recipient's exact weight is a rational number; the cost is then rounded to
// cents over all recipients at once by largest remainder, so the shares add
// up to the cost exactly.
package settlement

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
)

// --- input ---

// Input is one settlement scenario.
type Input struct {
	Period          Period             `json:"period"`
	AdminFeePercent Decimal            `json:"admin_fee_percent,omitempty" doc:"Percent of the admin-fee lines, e.g. \"5\"; 0 to 5, default 0"`
	Units           []Unit             `json:"units"`
	Occupancies     []Occupancy        `json:"occupancies"`
	DegreeDays      map[string]Decimal `json:"degree_days,omitempty" doc:"Weighted degree days per month, keyed YYYY-MM"`
	Costs           []Cost             `json:"costs"`
}

// Period is the settlement period, both days inclusive.
type Period struct {
	Start string `json:"start" doc:"ISO date, inclusive"`
	End   string `json:"end" doc:"ISO date, inclusive"`
}

// Unit is a dwelling or other unit of the complex.
type Unit struct {
	ID        ID      `json:"id"`
	AreaM2    Decimal `json:"area_m2,omitempty" doc:"Floor area; needed by the keys area and gas_35_65"`
	Occupants Decimal `json:"occupants,omitempty" doc:"Number of occupants; needed by the key occupants"`
}

// Occupancy is a tenant's stay in a unit.
type Occupancy struct {
	ID           ID      `json:"id"`
	Tenant       ID      `json:"tenant"`
	Unit         ID      `json:"unit"`
	Start        string  `json:"start" doc:"ISO date, inclusive; clipped to the period"`
	End          string  `json:"end,omitempty" doc:"ISO date, inclusive; empty: still there; clipped to the period"`
	AdvancesPaid Decimal `json:"advances_paid,omitempty" doc:"Advances received for the period, two decimals; default 0.00"`
}

// Cost is one cost line of the complex.
type Cost struct {
	ID           ID                 `json:"id"`
	Description  string             `json:"description,omitempty"`
	Amount       Decimal            `json:"amount" doc:"Euros with two decimals, e.g. \"4800.00\""`
	Key          string             `json:"key" enum:"equal,area,occupants,meter,shares,gas_35_65"`
	Units        []ID               `json:"units,omitempty" doc:"The pool of units that share the cost; absent: all units"`
	Heating      bool               `json:"heating,omitempty" doc:"Variable part by degree days when a unit changes hands"`
	FixedPercent Decimal            `json:"fixed_percent,omitempty" doc:"Heating only: the part split by days; default 0 (gas_35_65: 35)"`
	AdminFee     bool               `json:"admin_fee,omitempty" doc:"The administration fee is charged on this line"`
	Readings     map[string]Decimal `json:"readings,omitempty" doc:"Key meter: consumption per unit id"`
	// OccupancyReadings splits a unit that changes hands by its meter
	// readings at the change rather than by days (DOMAIN.md §7.2, §7.7).
	OccupancyReadings map[string]Decimal `json:"occupancy_readings,omitempty" doc:"Key meter: consumption per occupancy id"`
	Shares            map[string]Decimal `json:"shares,omitempty" doc:"Key shares: weight per unit id"`
}

// MaxAdminFeePercent caps the administration fee: the Huurcommissie allows
// "in het algemeen maximaal 5% van de totale servicekosten" (DOMAIN.md §7.5).
// Only the base of the fee is uncertain there, not the cap, so the cap is
// not a setting: a landlord may charge less, never more.
const MaxAdminFeePercent = 5

// The keys a cost can be divided by.
const (
	KeyEqual     = "equal"
	KeyArea      = "area"
	KeyOccupants = "occupants"
	KeyMeter     = "meter"
	KeyShares    = "shares"
	KeyGas3565   = "gas_35_65"
)

// invalidMark starts the text of an ID or Decimal that was neither a JSON
// string nor a number, so that validation, which knows the field's path,
// reports it rather than the JSON decoder, which does not.
const invalidMark = "\x00"

// ID is an identifier: a JSON string, or a number kept as its digits.
type ID string

// UnmarshalJSON accepts a string or a number.
func (id *ID) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	*id = ID(s)
	return err
}

// Decimal is a decimal number as text ("62.5", "4800.00"), from a JSON
// string or a JSON number; it is parsed exactly, never through a float.
type Decimal string

// UnmarshalJSON accepts a string or a number.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	*d = Decimal(s)
	return err
}

func scalarText(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		return "", nil
	case len(b) > 0 && b[0] == '"':
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		return string(b), nil
	}
	return invalidMark + string(b), nil
}

// --- output ---

// Output is the settlement of a scenario.
type Output struct {
	Occupancies []OccupancyResult `json:"occupancies"`
	Landlord    LandlordResult    `json:"landlord"`
	Costs       []CostResult      `json:"costs"`
}

// OccupancyResult is one occupancy's statement.
type OccupancyResult struct {
	ID           ID     `json:"id"`
	Tenant       ID     `json:"tenant"`
	Unit         ID     `json:"unit"`
	Lines        []Line `json:"lines" doc:"One per cost whose pool holds the unit, in cost order"`
	Subtotal     Amount `json:"subtotal"`
	AdminFee     Amount `json:"admin_fee"`
	Total        Amount `json:"total"`
	AdvancesPaid Amount `json:"advances_paid"`
	Balance      Amount `json:"balance" doc:"total − advances_paid; negative: a refund"`
}

// Line is an occupancy's share of one cost.
type Line struct {
	Cost   ID     `json:"cost"`
	Amount Amount `json:"amount"`
}

// LandlordResult is what vacancy costs the landlord.
type LandlordResult struct {
	Lines []LandlordLine `json:"lines" doc:"One per cost and vacant unit, in cost order, then unit order"`
	Total Amount         `json:"total"`
}

// LandlordLine is the landlord's share of one cost for one unit's vacant days.
type LandlordLine struct {
	Cost   ID     `json:"cost"`
	Unit   ID     `json:"unit"`
	Amount Amount `json:"amount"`
}

// CostResult shows that a cost was divided in full.
type CostResult struct {
	Cost      ID     `json:"cost"`
	Amount    Amount `json:"amount"`
	Allocated Amount `json:"allocated" doc:"The sum of all shares of the cost; always equal to amount"`
}

// Amount is money written as a string with two decimals: "123.45", "-50.17".
type Amount money.Cents

// MarshalText writes the amount as "123.45".
func (a Amount) MarshalText() ([]byte, error) { return []byte(money.Cents(a).String()), nil }

// UnmarshalText reads an amount with exactly two decimals.
func (a *Amount) UnmarshalText(b []byte) error {
	c, ok := parseAmount(string(b))
	if !ok {
		return fmt.Errorf("settlement: amount %q: want euros with two decimals, such as 12.50", b)
	}
	*a = Amount(c)
	return nil
}

// String is the amount as "123.45".
func (a Amount) String() string { return money.Cents(a).String() }

// --- errors ---

// Error is invalid input: what is wrong, and the JSON path of the field
// (e.g. "costs[2].key"; empty when the input is not JSON at all).
type Error struct {
	Message string `json:"error"`
	Field   string `json:"field"`
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func fieldErr(field, format string, args ...any) *Error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Decode reads one scenario from JSON. Unknown fields are refused (a typo
// must not silently change a settlement); errors are *Error.
func Decode(r io.Reader) (Input, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var in Input
	if err := dec.Decode(&in); err != nil {
		return Input{}, decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Input{}, &Error{Message: "unexpected data after the scenario's JSON object"}
	}
	return in, nil
}

func decodeError(err error) *Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return &Error{Message: "no input: expected a JSON object"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Message: "the JSON ends too early"}
	case errors.As(err, &syn):
		return &Error{Message: fmt.Sprintf("not valid JSON at byte %d: %s", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))}
	case errors.As(err, &typ):
		what := "a " + typ.Type.Kind().String()
		switch typ.Type.Kind() {
		case reflect.String:
			what = "a string"
		case reflect.Bool:
			what = "true or false"
		case reflect.Slice, reflect.Array:
			what = "a list"
		case reflect.Map, reflect.Struct:
			what = "an object"
		}
		return &Error{Field: typ.Field, Message: fmt.Sprintf("must be %s, not a JSON %s", what, typ.Value)}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &Error{Field: strings.Trim(name, `"`), Message: "unknown field"}
	}
	return &Error{Message: strings.TrimPrefix(err.Error(), "json: ")}
}

// --- numbers ---

// decimal is m / 10^scale, exactly.
type decimal struct {
	m     *big.Int
	scale int
}

// parseDecimal reads -?digits(.digits)?, nothing else (no exponent, no
// grouping), so that what the caller wrote is what is computed.
func parseDecimal(s string) (decimal, bool) {
	body, neg := strings.CutPrefix(s, "-")
	intPart, frac, hasDot := strings.Cut(body, ".")
	if intPart == "" || (hasDot && frac == "") || len(body) > 40 {
		return decimal{}, false
	}
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return decimal{}, false
		}
	}
	var m *big.Int
	if digits := len(intPart) + len(frac); digits <= 18 {
		var v int64 // 18 digits always fit; SetString is much slower
		for _, part := range []string{intPart, frac} {
			for i := 0; i < len(part); i++ {
				v = v*10 + int64(part[i]-'0')
			}
		}
		m = big.NewInt(v)
	} else if m, _ = new(big.Int).SetString(intPart+frac, 10); m == nil {
		return decimal{}, false
	}
	if neg {
		m.Neg(m)
	}
	return decimal{m: m, scale: len(frac)}, true
}

// maxAmount bounds every amount (a trillion euros), so that no sum of the
// lines of a settlement can overflow int64 cents.
const maxAmount = 100_000_000_000_000

// parseAmount reads euros with exactly two decimals into cents.
func parseAmount(s string) (money.Cents, bool) {
	d, ok := parseDecimal(s)
	if !ok || d.scale != 2 || !d.m.IsInt64() || d.m.Int64() > maxAmount || d.m.Int64() < -maxAmount {
		return 0, false
	}
	return money.Cents(d.m.Int64()), true
}

var bigTen = big.NewInt(10)

func pow10(n int) *big.Int { return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil) }

// scaled returns the decimals as integers over one common power of ten.
func scaled(ds []decimal) []*big.Int {
	maxScale := 0
	for _, d := range ds {
		maxScale = max(maxScale, d.scale)
	}
	out := make([]*big.Int, len(ds))
	pows := map[int]*big.Int{}
	for i, d := range ds {
		if d.scale == maxScale {
			out[i] = d.m // shared, never modified
			continue
		}
		p := pows[maxScale-d.scale]
		if p == nil {
			p = pow10(maxScale - d.scale)
			pows[maxScale-d.scale] = p
		}
		out[i] = new(big.Int).Mul(d.m, p)
	}
	return out
}

// --- dates ---

// day is a date as a day number (days since 1970-01-01), so that spans are
// plain integer arithmetic.
type day int64

func parseDay(s string) (day, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false // ISO only: "1-3-2026" is ambiguous to a machine reader
	}
	var n [3]int
	for i, part := range []string{s[:4], s[5:7], s[8:]} {
		for _, c := range []byte(part) {
			if c < '0' || c > '9' {
				return 0, false
			}
			n[i] = n[i]*10 + int(c-'0')
		}
	}
	y, mo, d := n[0], time.Month(n[1]), n[2]
	if y < 1 || mo < 1 || mo > 12 || d < 1 || d > civil.DaysIn(y, mo) {
		return 0, false
	}
	return dayOf(civil.Date{Year: y, Month: mo, Day: d}), true
}

func dayOf(d civil.Date) day {
	return day(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func (d day) date() civil.Date { return civil.Of(time.Unix(int64(d)*86400, 0).UTC()) }

// span is the days from first to last inclusive.
type span struct{ first, last day }

func (s span) days() int64 { return int64(s.last-s.first) + 1 }

const openEnd = day(math.MaxInt64)

// --- the model built from a valid input ---

// recipient is who bears part of a unit's share of a cost: an occupancy, or
// the landlord for the unit's vacant days.
type recipient struct {
	occ   int // index into Input.Occupancies; -1 for the landlord
	unit  int
	days  int64  // days in the period
	spans []span // those days
	wdd   *big.Int
}

type model struct {
	in         *Input
	period     span
	feePercent decimal
	units      map[ID]int
	areas      []decimal // nil m: not given
	occupants  []decimal
	recipients []recipient
	byUnit     [][]int // recipients of each unit, in recipient order
	split      []bool  // by unit: more than one recipient in the period (a change of tenant, or vacancy)
	degreeDays map[int]decimal
	ddScaled   map[int]*big.Int // degreeDays over one common scale, made when first needed
	wddPeriod  *big.Int
}

// lcmMonthDays is the least common multiple of 28, 29, 30 and 31: a month's
// degree days times lcmMonthDays/daysInMonth per day keep degree-day sums of
// partial months in integers.
const lcmMonthDays = 377_580

// Compute settles the scenario. Invalid input returns an *Error naming the
// first field that is wrong, in document order.
func Compute(in Input) (Output, error) {
	m, err := build(&in)
	if err != nil {
		return Output{}, err
	}
	nRec := len(m.recipients)
	shares := make([][]money.Cents, len(in.Costs)) // per cost, per recipient
	inPool := make([][]bool, len(in.Costs))        // per cost, per unit
	out := Output{Occupancies: make([]OccupancyResult, len(in.Occupancies)), Costs: make([]CostResult, len(in.Costs))}
	for ci := range in.Costs {
		plan, err := m.checkCost(ci)
		if err != nil {
			return Output{}, err
		}
		inPool[ci] = plan.inPool
		idx := make([]int, 0, nRec)
		for r := range m.recipients {
			if plan.inPool[m.recipients[r].unit] {
				idx = append(idx, r)
			}
		}
		parts, err := m.divide(ci, plan, idx)
		if err != nil {
			return Output{}, err
		}
		amount := plan.amount
		shares[ci] = make([]money.Cents, nRec)
		var sum money.Cents
		for k, r := range idx {
			shares[ci][r] = parts[k]
			sum += parts[k]
		}
		out.Costs[ci] = CostResult{Cost: in.Costs[ci].ID, Amount: Amount(amount), Allocated: Amount(sum)}
	}

	for oi, o := range in.Occupancies {
		res := OccupancyResult{ID: o.ID, Tenant: o.Tenant, Unit: o.Unit, Lines: []Line{}}
		u := m.units[o.Unit]
		var sub, feeBase money.Cents
		for ci, c := range in.Costs {
			if !inPool[ci][u] {
				continue
			}
			a := shares[ci][oi] // occupancy oi is recipient oi
			res.Lines = append(res.Lines, Line{Cost: c.ID, Amount: Amount(a)})
			sub += a
			if c.AdminFee {
				feeBase += a
			}
		}
		fee := percentHalfUp(feeBase, m.feePercent)
		adv, _ := parseAmount(string(o.AdvancesPaid))
		res.Subtotal, res.AdminFee, res.Total = Amount(sub), Amount(fee), Amount(sub+fee)
		res.AdvancesPaid, res.Balance = Amount(adv), Amount(sub+fee-adv)
		out.Occupancies[oi] = res
	}

	out.Landlord.Lines = []LandlordLine{}
	var landlord money.Cents
	for ci, c := range in.Costs {
		for r := len(in.Occupancies); r < nRec; r++ {
			rec := m.recipients[r]
			if inPool[ci][rec.unit] {
				out.Landlord.Lines = append(out.Landlord.Lines, LandlordLine{Cost: c.ID, Unit: in.Units[rec.unit].ID, Amount: Amount(shares[ci][r])})
				landlord += shares[ci][r]
			}
		}
	}
	out.Landlord.Total = Amount(landlord)
	return out, nil
}

// percentHalfUp is base × p / 100 rounded to cents, halves away from zero.
func percentHalfUp(base money.Cents, p decimal) money.Cents {
	num := new(big.Int).Mul(big.NewInt(int64(base)), p.m)
	den := new(big.Int).Mul(big.NewInt(100), pow10(p.scale))
	neg := num.Sign() < 0
	num.Abs(num)
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if r.Lsh(r, 1).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return money.Cents(q.Int64())
}

// build checks everything but the costs and lays out the recipients:
// occupancies first, in input order, then one landlord recipient per unit
// with vacant days, in unit order.
func build(in *Input) (*model, error) {
	m := &model{in: in, units: map[ID]int{}}
	first, ok := parseDay(in.Period.Start)
	if !ok {
		return nil, fieldErr("period.start", "must be an ISO date such as 2025-01-01, not %q", in.Period.Start)
	}
	last, ok := parseDay(in.Period.End)
	if !ok {
		return nil, fieldErr("period.end", "must be an ISO date such as 2025-12-31, not %q", in.Period.End)
	}
	if last < first {
		return nil, fieldErr("period.end", "is before the start %s", in.Period.Start)
	}
	m.period = span{first, last}

	m.feePercent = decimal{m: new(big.Int)}
	if in.AdminFeePercent != "" {
		p, ok := parseDecimal(string(in.AdminFeePercent))
		if !ok || p.m.Sign() < 0 {
			return nil, fieldErr("admin_fee_percent", "must be a percentage from 0 to %d such as \"5\", not %s", MaxAdminFeePercent,
				showScalar(string(in.AdminFeePercent)))
		}
		if ratCmp(p, MaxAdminFeePercent) > 0 {
			return nil, fieldErr("admin_fee_percent", "may be at most %d%% of the service costs (DOMAIN.md §7.5, Huurcommissie), not %s",
				MaxAdminFeePercent, showScalar(string(in.AdminFeePercent)))
		}
		m.feePercent = p
	}

	if len(in.Units) == 0 {
		return nil, fieldErr("units", "at least one unit is needed")
	}
	m.areas = make([]decimal, len(in.Units))
	m.occupants = make([]decimal, len(in.Units))
	for i, u := range in.Units {
		f := fmt.Sprintf("units[%d]", i)
		if err := checkID(f+".id", u.ID); err != nil {
			return nil, err
		}
		if _, dup := m.units[u.ID]; dup {
			return nil, fieldErr(f+".id", "unit %q occurs twice", u.ID)
		}
		m.units[u.ID] = i
		for _, x := range []struct {
			name string
			val  Decimal
			dst  *decimal
		}{{"area_m2", u.AreaM2, &m.areas[i]}, {"occupants", u.Occupants, &m.occupants[i]}} {
			if x.val == "" {
				continue
			}
			d, ok := parseDecimal(string(x.val))
			if !ok || d.m.Sign() < 0 {
				return nil, fieldErr(f+"."+x.name, "must be a number of 0 or more, not %s", showScalar(string(x.val)))
			}
			*x.dst = d
		}
	}

	m.byUnit = make([][]int, len(in.Units))
	raw := make([]span, len(in.Occupancies)) // unclipped, for the overlap check
	occIDs := map[ID]bool{}
	for i, o := range in.Occupancies {
		f := fmt.Sprintf("occupancies[%d]", i)
		if err := checkID(f+".id", o.ID); err != nil {
			return nil, err
		}
		if occIDs[o.ID] {
			return nil, fieldErr(f+".id", "occupancy %q occurs twice", o.ID)
		}
		occIDs[o.ID] = true
		if err := checkID(f+".tenant", o.Tenant); err != nil {
			return nil, err
		}
		if err := checkID(f+".unit", o.Unit); err != nil {
			return nil, err
		}
		u, ok := m.units[o.Unit]
		if !ok {
			return nil, fieldErr(f+".unit", "no unit %q in units", o.Unit)
		}
		start, ok := parseDay(o.Start)
		if !ok {
			return nil, fieldErr(f+".start", "must be an ISO date such as 2025-08-01, not %q", o.Start)
		}
		end := openEnd
		if o.End != "" {
			if end, ok = parseDay(o.End); !ok {
				return nil, fieldErr(f+".end", "must be an ISO date such as 2025-07-31 (or absent while the tenant stays), not %q", o.End)
			}
			if end < start {
				return nil, fieldErr(f+".end", "is before the start %s", o.Start)
			}
		}
		if o.AdvancesPaid != "" {
			if a, ok := parseAmount(string(o.AdvancesPaid)); !ok || a < 0 {
				return nil, fieldErr(f+".advances_paid",
					"must be euros of 0 or more with two decimals such as \"1020.00\" (at most a trillion), not %s", showScalar(string(o.AdvancesPaid)))
			}
		}
		raw[i] = span{start, end}
		clip := span{max(start, m.period.first), min(end, m.period.last)}
		rec := recipient{occ: i, unit: u}
		if clip.first <= clip.last {
			rec.days, rec.spans = clip.days(), []span{clip}
		}
		m.recipients = append(m.recipients, rec)
		m.byUnit[u] = append(m.byUnit[u], i)
	}

	// Overlaps, and the vacant days between the occupancies of each unit.
	for u := range in.Units {
		occ := slices.Clone(m.byUnit[u])
		slices.SortFunc(occ, func(a, b int) int { return cmp.Or(cmp.Compare(raw[a].first, raw[b].first), cmp.Compare(a, b)) })
		for k := 1; k < len(occ); k++ {
			prev, cur := occ[k-1], occ[k]
			if raw[cur].first <= raw[prev].last {
				// Name the occupancy that comes later in the input.
				if cur > prev {
					return nil, fieldErr(fmt.Sprintf("occupancies[%d].start", cur), "overlaps occupancy %q of the same unit %q",
						in.Occupancies[prev].ID, in.Units[u].ID)
				}
				return nil, fieldErr(fmt.Sprintf("occupancies[%d].end", prev), "overlaps occupancy %q of the same unit %q",
					in.Occupancies[cur].ID, in.Units[u].ID)
			}
		}
		var vacant []span
		next := m.period.first // the first day not yet accounted for
		for _, o := range occ {
			if len(m.recipients[o].spans) == 0 {
				continue
			}
			s := m.recipients[o].spans[0]
			if s.first > next {
				vacant = append(vacant, span{next, s.first - 1})
			}
			next = s.last + 1
		}
		if next <= m.period.last {
			vacant = append(vacant, span{next, m.period.last})
		}
		if len(vacant) > 0 {
			rec := recipient{occ: -1, unit: u, spans: vacant}
			for _, s := range vacant {
				rec.days += s.days()
			}
			m.byUnit[u] = append(m.byUnit[u], len(m.recipients))
			m.recipients = append(m.recipients, rec)
		}
	}

	m.split = make([]bool, len(in.Units))
	for u, rs := range m.byUnit {
		n := 0
		for _, r := range rs {
			if m.recipients[r].days > 0 {
				n++
			}
		}
		m.split[u] = n > 1
	}

	if len(in.DegreeDays) > 0 {
		m.degreeDays = map[int]decimal{}
		for _, k := range sortedKeys(in.DegreeDays) {
			f := "degree_days." + k
			mo, err := civil.ParseMonth(k)
			if err != nil || mo.String() != k {
				return nil, fieldErr(f, "months are keyed YYYY-MM, such as 2025-01")
			}
			d, ok := parseDecimal(string(in.DegreeDays[k]))
			if !ok || d.m.Sign() < 0 {
				return nil, fieldErr(f, "must be a number of 0 or more, not %s", showScalar(string(in.DegreeDays[k])))
			}
			m.degreeDays[monthIndex(mo.Year, mo.Month)] = d
		}
	}

	if len(in.Costs) == 0 {
		return nil, fieldErr("costs", "at least one cost is needed")
	}
	return m, nil
}

func checkID(field string, id ID) error {
	switch {
	case strings.HasPrefix(string(id), invalidMark):
		return fieldErr(field, "must be a string or a number")
	case strings.TrimSpace(string(id)) == "":
		return fieldErr(field, "is required")
	}
	return nil
}

// showScalar quotes a scalar for an error message.
func showScalar(s string) string {
	if t, ok := strings.CutPrefix(s, invalidMark); ok {
		return t
	}
	return fmt.Sprintf("%q", s)
}

func ratCmp(d decimal, n int64) int {
	return new(big.Rat).SetFrac(d.m, pow10(d.scale)).Cmp(new(big.Rat).SetInt64(n))
}

func sortedKeys[V any](mp map[string]V) []string {
	keys := make([]string, 0, len(mp))
	for k := range mp {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func monthIndex(y int, m time.Month) int { return y*12 + int(m) - 1 }

// costPlan is a valid cost, ready to divide.
type costPlan struct {
	amount     money.Cents
	pool       []int     // unit indexes, in unit order
	inPool     []bool    // by unit index
	values     []decimal // keys meter and shares: the value of each unit (by unit index)
	occValues  map[int]decimal
	byReadings []bool // by unit index: split over its recipients by occValues
}

// checkCost validates cost ci.
func (m *model) checkCost(ci int) (*costPlan, error) {
	c := m.in.Costs[ci]
	f := fmt.Sprintf("costs[%d]", ci)
	if err := checkID(f+".id", c.ID); err != nil {
		return nil, err
	}
	for j := range ci {
		if m.in.Costs[j].ID == c.ID {
			return nil, fieldErr(f+".id", "cost %q occurs twice", c.ID)
		}
	}
	plan := &costPlan{inPool: make([]bool, len(m.in.Units))}
	var ok bool
	if plan.amount, ok = parseAmount(string(c.Amount)); !ok {
		return nil, fieldErr(f+".amount",
			"must be euros with two decimals such as \"4800.00\" (at most a trillion), not %s", showScalar(string(c.Amount)))
	}
	switch c.Key {
	case KeyEqual, KeyArea, KeyOccupants, KeyMeter, KeyShares, KeyGas3565:
	default:
		return nil, fieldErr(f+".key", "unknown key %q; use equal, area, occupants, meter, shares or gas_35_65", c.Key)
	}
	if c.Units == nil {
		plan.pool = make([]int, len(m.in.Units))
		for u := range m.in.Units {
			plan.pool[u], plan.inPool[u] = u, true
		}
	} else {
		if len(c.Units) == 0 {
			return nil, fieldErr(f+".units", "is empty; leave it out to share the cost over all units")
		}
		for k, id := range c.Units {
			u, ok := m.units[id]
			if !ok {
				return nil, fieldErr(fmt.Sprintf("%s.units[%d]", f, k), "no unit %q in units", id)
			}
			if plan.inPool[u] {
				return nil, fieldErr(fmt.Sprintf("%s.units[%d]", f, k), "unit %q occurs twice", id)
			}
			plan.inPool[u] = true
			plan.pool = append(plan.pool, u)
		}
		slices.Sort(plan.pool)
	}
	if c.FixedPercent != "" {
		p, ok := parseDecimal(string(c.FixedPercent))
		switch {
		case !ok || p.m.Sign() < 0 || ratCmp(p, 100) > 0:
			return nil, fieldErr(f+".fixed_percent", "must be a percentage from 0 to 100, not %s", showScalar(string(c.FixedPercent)))
		case c.Key == KeyGas3565 && ratCmp(p, 35) != 0:
			return nil, fieldErr(f+".fixed_percent", "key gas_35_65 has a fixed part of 35%%; leave fixed_percent out or use another key")
		case c.Key != KeyGas3565 && !c.Heating:
			return nil, fieldErr(f+".fixed_percent", "applies to heating costs only; a cost without heating goes by days")
		}
	}
	for _, x := range []struct {
		name string
		key  string
		vals map[string]Decimal
	}{{"readings", KeyMeter, c.Readings}, {"shares", KeyShares, c.Shares}} {
		if len(x.vals) > 0 && c.Key != x.key {
			return nil, fieldErr(f+"."+x.name, "belong to key %s, and this cost's key is %s", x.key, c.Key)
		}
		if c.Key != x.key {
			continue
		}
		plan.values = make([]decimal, len(m.in.Units))
		check := func(id string) error {
			ff := f + "." + x.name + "." + id
			u, ok := m.units[ID(id)]
			if !ok {
				return fieldErr(ff, "no unit %q in units", id)
			}
			if !plan.inPool[u] {
				return fieldErr(ff, "unit %q is not among this cost's units", id)
			}
			d, ok := parseDecimal(string(x.vals[id]))
			if !ok || d.m.Sign() < 0 {
				return fieldErr(ff, "must be a number of 0 or more, not %s", showScalar(string(x.vals[id])))
			}
			plan.values[u] = d
			return nil
		}
		for id := range x.vals {
			if check(id) != nil {
				// Report the first wrong one in key order, whatever the map's order.
				for _, id := range sortedKeys(x.vals) {
					if err := check(id); err != nil {
						return nil, err
					}
				}
			}
		}
		for _, u := range plan.pool {
			if plan.values[u].m == nil {
				return nil, fieldErr(f+"."+x.name, "no value for unit %q", m.in.Units[u].ID)
			}
		}
	}
	if len(c.OccupancyReadings) > 0 {
		if err := m.checkOccupancyReadings(ci, plan); err != nil {
			return nil, err
		}
	}
	return plan, nil
}

// checkOccupancyReadings validates cost ci's occupancy_readings and marks
// the units they split: every occupancy of such a unit with days in the
// period has one, and together they are at most the unit's reading.
func (m *model) checkOccupancyReadings(ci int, plan *costPlan) error {
	c := m.in.Costs[ci]
	f := fmt.Sprintf("costs[%d].occupancy_readings", ci)
	switch {
	case c.Key != KeyMeter:
		return fieldErr(f, "belong to key meter, and this cost's key is %s", c.Key)
	case c.Heating:
		return fieldErr(f, "a heating cost's variable part follows the degree days; leave occupancy_readings out")
	}
	occ := make(map[ID]int, len(m.in.Occupancies))
	for i, o := range m.in.Occupancies {
		occ[o.ID] = i
	}
	plan.occValues = map[int]decimal{}
	plan.byReadings = make([]bool, len(m.in.Units))
	for _, id := range sortedKeys(c.OccupancyReadings) {
		ff := f + "." + id
		i, ok := occ[ID(id)]
		if !ok {
			return fieldErr(ff, "no occupancy %q in occupancies", id)
		}
		u := m.recipients[i].unit
		if !plan.inPool[u] {
			return fieldErr(ff, "occupancy %q is of unit %q, which is not among this cost's units", id, m.in.Units[u].ID)
		}
		d, ok := parseDecimal(string(c.OccupancyReadings[id]))
		if !ok || d.m.Sign() < 0 {
			return fieldErr(ff, "must be a number of 0 or more, not %s", showScalar(string(c.OccupancyReadings[id])))
		}
		plan.occValues[i] = d
		plan.byReadings[u] = true
	}
	for u, split := range plan.byReadings {
		if !split {
			continue
		}
		ds := []decimal{plan.values[u]}
		vacant := false
		for _, r := range m.byUnit[u] {
			rec := m.recipients[r]
			if rec.occ < 0 {
				vacant = true
				continue
			}
			v, ok := plan.occValues[r]
			if !ok && rec.days > 0 {
				return fieldErr(f, "no reading for occupancy %q of unit %q, whose other occupancies have one", m.in.Occupancies[r].ID, m.in.Units[u].ID)
			}
			if ok {
				ds = append(ds, v)
			}
		}
		sc := scaled(ds)
		unitUse := showScalar(string(c.Readings[string(m.in.Units[u].ID)]))
		switch cmp := sum(sc[1:]).Cmp(sc[0]); {
		case cmp > 0:
			return fieldErr(f, "the occupancies of unit %q add up to more than its reading %s", m.in.Units[u].ID, unitUse)
		case cmp < 0 && !vacant:
			// Nobody else can bear the rest: the unit is never vacant.
			return fieldErr(f, "the occupancies of unit %q add up to less than its reading %s, and it is never vacant", m.in.Units[u].ID, unitUse)
		}
	}
	return nil
}

// readingWeights are the recipients' weights of a meter cost with
// occupancy readings: a unit they split gives each occupancy its own use
// and the landlord the rest of the unit's, times the period's days; another
// unit gives its use times each recipient's days.
func (m *model) readingWeights(plan *costPlan, idx []int) []*big.Int {
	var ds []decimal
	unitAt := map[int]int{}
	for _, u := range plan.pool {
		unitAt[u] = len(ds)
		ds = append(ds, plan.values[u])
	}
	occAt := map[int]int{}
	for r, v := range plan.occValues {
		occAt[r] = len(ds)
		ds = append(ds, v)
	}
	sc := scaled(ds)
	rest := map[int]*big.Int{} // unit → its use left for the landlord
	for u, split := range plan.byReadings {
		if split {
			rest[u] = new(big.Int).Set(sc[unitAt[u]])
		}
	}
	for r, k := range occAt {
		rest[m.recipients[r].unit].Sub(rest[m.recipients[r].unit], sc[k])
	}
	n := big.NewInt(m.period.days())
	out := make([]*big.Int, len(idx))
	for k, r := range idx {
		rec := m.recipients[r]
		w := new(big.Int)
		switch {
		case !plan.byReadings[rec.unit]:
			w.Mul(sc[unitAt[rec.unit]], big.NewInt(rec.days))
		case rec.occ < 0:
			w.Mul(rest[rec.unit], n)
		default:
			if at, ok := occAt[r]; ok {
				w.Mul(sc[at], n)
			}
		}
		out[k] = w
	}
	return out
}

// keyWeights are the pool's units' weights under key (in pool order), as
// integers over a common power of ten.
func (m *model) keyWeights(ci int, key string, plan *costPlan) ([]*big.Int, error) {
	c := m.in.Costs[ci]
	ds := make([]decimal, len(plan.pool))
	one := decimal{m: big.NewInt(1)}
	for k, u := range plan.pool {
		switch key {
		case KeyEqual:
			ds[k] = one
		case KeyArea:
			if m.areas[u].m == nil {
				return nil, fieldErr(fmt.Sprintf("units[%d].area_m2", u), "is needed: cost %q is divided by floor area", c.ID)
			}
			ds[k] = m.areas[u]
		case KeyOccupants:
			if m.occupants[u].m == nil {
				return nil, fieldErr(fmt.Sprintf("units[%d].occupants", u), "is needed: cost %q is divided by occupants", c.ID)
			}
			ds[k] = m.occupants[u]
		case KeyMeter, KeyShares:
			ds[k] = plan.values[u]
		}
	}
	ws := scaled(ds)
	if sum(ws).Sign() == 0 {
		return nil, fieldErr(fmt.Sprintf("costs[%d].key", ci),
			"the units of this cost weigh 0 in total under key %s, so it cannot be divided", key)
	}
	return ws, nil
}

// divide splits the cost over the recipients idx (those of the pool's units,
// in recipient order) by their exact weights. With, per unit u, a
// fixed-part key weight F(u) out of ΣF and a variable-part key weight V(u)
// out of ΣV, a fixed fraction p, the period's N days and its degree days
// WDD, recipient r of unit u weighs
//
//	p·F(u)/ΣF·days(r)/N + (1−p)·V(u)/ΣV·wdd(r)/WDD
//
// A cost without heating is all fixed part (p = 1, F = V = the key). For a
// heating cost, F = V = the key except for gas_35_65 (F equal, V area, p =
// 35%). Only a unit that changes hands needs degree days; a unit with one
// recipient all period has days(r)/N = wdd(r)/WDD = 1. The weights are
// integers over a common denominator, so rounding compares them exactly.
func (m *model) divide(ci int, plan *costPlan, idx []int) ([]money.Cents, error) {
	c := m.in.Costs[ci]
	heating := c.Heating || c.Key == KeyGas3565
	fixedKey, varKey := c.Key, c.Key
	pn, pd := big.NewInt(1), big.NewInt(1) // p = pn/pd
	if heating {
		pn = big.NewInt(0)
		if c.Key == KeyGas3565 {
			fixedKey, varKey = KeyEqual, KeyArea
			pn, pd = big.NewInt(35), big.NewInt(100)
		} else if c.FixedPercent != "" {
			p, _ := parseDecimal(string(c.FixedPercent))
			pn, pd = p.m, new(big.Int).Mul(big.NewInt(100), pow10(p.scale))
		}
	}
	fixedPart, varPart := pn.Sign() > 0, pn.Cmp(pd) < 0
	posInPool := make([]int, len(m.in.Units))
	for k, u := range plan.pool {
		posInPool[u] = k
	}
	var fw, vw []*big.Int
	var err error
	sumF, sumV := big.NewInt(1), big.NewInt(1)
	if fixedPart {
		if fw, err = m.keyWeights(ci, fixedKey, plan); err != nil {
			return nil, err
		}
		sumF = sum(fw)
	}
	if varPart {
		if vw, err = m.keyWeights(ci, varKey, plan); err != nil {
			return nil, err
		}
		sumV = sum(vw)
	}

	if plan.byReadings != nil {
		return allocate(plan.amount, m.readingWeights(plan, idx)), nil
	}
	if !varPart {
		// By days alone, F(u)·days(r): usually small enough for int64, and
		// then money.Allocate does the rounding without big numbers.
		if small, ok := smallWeights(fw, m.period.days()); ok {
			w := make([]int64, len(idx))
			for k, r := range idx {
				rec := &m.recipients[r]
				w[k] = small[posInPool[rec.unit]] * rec.days
			}
			if parts, err := money.Allocate(plan.amount, w); err == nil {
				return parts, nil
			}
		}
	}

	// Degree days, only when the variable part meets a unit that changes hands.
	n := big.NewInt(m.period.days())
	wddTotal := n // with no unit changing hands, wdd(r) = days(r) serves
	useWDD := false
	if varPart && heating {
		for _, u := range plan.pool {
			if m.split[u] {
				if err := m.needDegreeDays(ci, u); err != nil {
					return nil, err
				}
				useWDD, wddTotal = true, m.wddPeriod
				break
			}
		}
	}

	// weight(r) × pd·ΣF·ΣV·N·WDD = pn·ΣV·WDD · F(u)·days(r) + (pd−pn)·ΣF·N · V(u)·wdd(r);
	// with only one of the parts its factor is common to all and dropped.
	a, b := big.NewInt(1), big.NewInt(1)
	if fixedPart && varPart {
		a.Mul(pn, sumV)
		a.Mul(a, wddTotal)
		b.Sub(pd, pn)
		b.Mul(b, sumF)
		b.Mul(b, n)
	}
	slab := make([]big.Int, len(idx))
	out := make([]*big.Int, len(idx))
	var t, days big.Int
	for k, r := range idx {
		rec := &m.recipients[r]
		pos := posInPool[rec.unit]
		w := &slab[k]
		days.SetInt64(rec.days)
		if fixedPart {
			w.Mul(a, fw[pos])
			w.Mul(w, &days)
		}
		if varPart {
			wdd := &days
			if useWDD && m.split[rec.unit] {
				wdd = m.recipientWDD(r)
			} else if useWDD && rec.days > 0 {
				wdd = wddTotal // the unit's only recipient, all period
			}
			t.Mul(b, vw[pos])
			t.Mul(&t, wdd)
			w.Add(w, &t)
		}
		out[k] = w
	}
	return allocate(plan.amount, out), nil
}

// smallWeights returns the weights as int64 when each times n still fits.
func smallWeights(ws []*big.Int, n int64) ([]int64, bool) {
	out := make([]int64, len(ws))
	limit := math.MaxInt64 / n
	for i, w := range ws {
		if !w.IsInt64() || w.Int64() > limit {
			return nil, false
		}
		out[i] = w.Int64()
	}
	return out, true
}

func sum(ws []*big.Int) *big.Int {
	s := new(big.Int)
	for _, w := range ws {
		s.Add(s, w)
	}
	return s
}

// needDegreeDays checks that every month of the period has degree days and
// that they add up to more than zero, and computes the period's total.
func (m *model) needDegreeDays(ci, u int) error {
	if m.wddPeriod != nil {
		return nil
	}
	why := fmt.Sprintf("cost %q is a heating cost and unit %q changes hands in the period", m.in.Costs[ci].ID, m.in.Units[u].ID)
	for d := m.period.first.date().FirstOfMonth(); dayOf(d) <= m.period.last; d = d.AddMonths(1) {
		if _, ok := m.degreeDays[monthIndex(d.Year, d.Month)]; !ok {
			return fieldErr("degree_days", "no degree days for %04d-%02d: %s", d.Year, d.Month, why)
		}
	}
	ds := make([]decimal, 0, len(m.degreeDays))
	keys := make([]int, 0, len(m.degreeDays))
	for k, d := range m.degreeDays {
		keys = append(keys, k)
		ds = append(ds, d)
	}
	m.ddScaled = map[int]*big.Int{}
	for i, v := range scaled(ds) {
		m.ddScaled[keys[i]] = v
	}
	total := m.wdd([]span{m.period})
	if total.Sign() == 0 {
		return fieldErr("degree_days", "the degree days of the period add up to 0, so the variable part cannot be divided: %s", why)
	}
	m.wddPeriod = total
	return nil
}

// recipientWDD is recipient r's degree days, computed once.
func (m *model) recipientWDD(r int) *big.Int {
	rec := &m.recipients[r]
	if rec.wdd == nil {
		rec.wdd = m.wdd(rec.spans)
	}
	return rec.wdd
}

// wdd sums the degree days of the spans; a month counts for the share of its
// days in the span, in units of 1/lcmMonthDays so the sum stays an integer.
func (m *model) wdd(spans []span) *big.Int {
	total := new(big.Int)
	t := new(big.Int)
	for _, s := range spans {
		for d := s.first; d <= s.last; {
			date := d.date()
			dim := civil.DaysIn(date.Year, date.Month)
			monthLast := d + day(dim-date.Day)
			last := min(monthLast, s.last)
			inMonth := int64(last-d) + 1
			t.SetInt64(inMonth * (lcmMonthDays / int64(dim)))
			t.Mul(t, m.ddScaled[monthIndex(date.Year, date.Month)])
			total.Add(total, t)
			d = last + 1
		}
	}
	return total
}

// allocate divides total over the weights by largest remainder: each part
// gets its exact share rounded down, and the cents left go one each to the
// largest dropped fractions, equal fractions to the lower index first. This
// is [money.Allocate] for weights of any size; when the weights fit in
// int64 it is money.Allocate itself.
func allocate(total money.Cents, weights []*big.Int) []money.Cents {
	small := make([]int64, len(weights))
	for i, w := range weights {
		if !w.IsInt64() {
			return allocateBig(total, weights)
		}
		small[i] = w.Int64()
	}
	if parts, err := money.Allocate(total, small); err == nil {
		return parts
	}
	return allocateBig(total, weights) // the sum overflows uint64
}

// allocateBig is the largest-remainder method on big integers, with the same
// results as money.Allocate.
func allocateBig(total money.Cents, weights []*big.Int) []money.Cents {
	mag := new(big.Int).Abs(big.NewInt(int64(total)))
	s := sum(weights)
	out := make([]money.Cents, len(weights))
	rems := make([]big.Int, len(weights))
	// keys[i] = ⌊rems[i]·2⁶⁴/s⌋: a larger key means a larger remainder, so
	// only equal keys need the big comparison.
	keys := make([]uint64, len(weights))
	var given uint64 // the parts add up to at most |total|
	var t, q big.Int
	for i, w := range weights {
		t.Mul(mag, w)
		q.QuoRem(&t, s, &rems[i])
		out[i] = money.Cents(q.Uint64()) // ≤ |total| ≤ 2⁶³
		given += q.Uint64()
		t.Lsh(&rems[i], 64)
		t.Quo(&t, s)
		keys[i] = t.Uint64()
	}
	left := mag.Uint64() - given // < len(weights)
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if keys[a] != keys[b] {
			return cmp.Compare(keys[b], keys[a])
		}
		return cmp.Or(rems[b].Cmp(&rems[a]), cmp.Compare(a, b))
	})
	for _, i := range order[:left] {
		out[i]++
	}
	if total < 0 {
		for i := range out {
			out[i] = -out[i] // 2⁶³ (total MinInt64) wraps to MinInt64, as in money.Allocate
		}
	}
	return out
}
