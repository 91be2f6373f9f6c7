package rentincrease

import (
	"fmt"
	"slices"

	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/portfolio"
)

// computeInput is everything one proposal depends on.
type computeInput struct {
	Lease     *lease.Lease
	Segment   portfolio.Segment // "" when the lease's units are in different segments
	Date      civil.Date
	Clause    *Clause // nil: none recorded
	Overrides []override
	CPI       func(series string, m civil.Month) (string, bool)
	// PostedThrough is the last posted day (zero: nothing posted).
	PostedThrough civil.Date
	// Own is the component row an earlier apply of this very proposal wrote
	// (0: none); the 12-month rule does not count it.
	Own int64
}

type computed struct {
	Basis    Basis
	Old, Max money.Cents
	Cap      *money.Rate
	Notes    []Note
}

func (c *computed) note(code string, blocking bool, args ...string) {
	n := Note{Code: code, Blocking: blocking}
	if len(args) > 0 {
		n.Args = map[string]string{}
		for i := 0; i+1 < len(args); i += 2 {
			n.Args[args[i]] = args[i+1]
		}
	}
	c.Notes = append(c.Notes, n)
}

func (c *computed) blocked() bool {
	return slices.ContainsFunc(c.Notes, func(n Note) bool { return n.Blocking })
}

// middenhuurTransitionEnd: middle-segment contracts from before 1 July 2024
// follow the free-sector cap until 1 May 2029 (DOMAIN.md §2.1).
var (
	whbStart                = civil.New(2024, 7, 1)
	middenhuurTransitionEnd = civil.New(2029, 5, 1)
)

// compute works out the proposal for one lease. It never fails: what stops
// a proposal is a blocking note, so the user sees why.
func compute(in computeInput) computed {
	l, d := in.Lease, in.Date
	out := computed{Basis: BasisNotComputed, Old: l.BareRentOn(d.AddDays(-1))}

	// Rent history: at most one increase per 12 months. The start of the
	// lease counts as the last change: the first rent was agreed then, and a
	// new tenant gets no increase within a year (art. 7:250 BW; corporations
	// do the same). A later row (an increase already entered from a later
	// date) also stops the proposal.
	var last civil.Date
	var prev money.Cents = -1
	rows := bareRentRows(l)
	for _, c := range rows {
		if c.ID == in.Own && in.Own != 0 {
			continue
		}
		if !c.ValidFrom.Before(d) {
			out.note("rentincrease.note.later_change", true, "date", c.ValidFrom.String())
			break
		}
		if c.AmountCents != prev {
			last = c.ValidFrom
		}
		prev = c.AmountCents
	}
	if !last.IsZero() && d.Before(last.AddMonths(12)) {
		out.note("rentincrease.note.within_12_months", true, "last", last.String(), "next", last.AddMonths(12).String())
	}
	if !in.PostedThrough.IsZero() && !d.After(in.PostedThrough) {
		out.note("rentincrease.note.posted", true, "through", in.PostedThrough.String())
	}

	cl := in.Clause
	if cl != nil && cl.Method == MethodNone {
		out.note("rentincrease.note.clause_none", true)
	}
	if cl != nil && !cl.FirstDate.IsZero() {
		if d.Before(cl.FirstDate) {
			out.note("rentincrease.note.not_due", true, "next", cl.FirstDate.String())
		} else if next := nextAnniversary(cl.FirstDate, d); next != d {
			out.note("rentincrease.note.not_due", true, "next", next.String())
		}
	}

	// The clause's amount, if any.
	var clauseMax money.Cents
	hasClause := cl != nil && cl.Method != MethodNone
	if hasClause && out.Old > 0 {
		switch cl.Method {
		case MethodFixed:
			clauseMax = out.Old + money.ApplyRate(out.Old, cl.Percent)
		case MethodCPI:
			ratio, missing, ok := cpiRatio(in.CPI, cl.Series, cl.LagMonths, d)
			if !ok {
				out.note("rentincrease.note.cpi_missing", true, "series", cl.Series, "month", missing.String())
			} else {
				clauseMax = indexed(out.Old, ratio, cl.Percent, cl.FloorZero)
				newM := civil.MonthOf(d).Add(-cl.LagMonths)
				out.note("rentincrease.note.cpi", false, "series", cl.Series, "new_month", newM.String(), "old_month", newM.Add(-12).String())
			}
		}
		if cl.Cap != nil && clauseMax > out.Old+money.ApplyRate(out.Old, *cl.Cap) {
			clauseMax = out.Old + money.ApplyRate(out.Old, *cl.Cap)
			out.note("rentincrease.note.clause_cap", false, "cap", cl.Cap.String())
		}
	}

	if l.Kind == lease.Commercial {
		// Commercial premises have no legal maximum: the contract indexes.
		if cl == nil {
			out.note("rentincrease.note.no_clause", true)
		}
		if out.blocked() || !hasClause {
			return out
		}
		out.Max = clauseMax
		out.Basis = BasisIndexation
		if cl.Method == MethodFixed {
			out.Basis = BasisFixed
		}
	} else {
		seg := in.Segment
		switch {
		case seg == "":
			out.note("rentincrease.note.mixed_segments", true)
			return out
		case seg == portfolio.SegmentMiddenhuur && l.Start.Before(whbStart) && d.Before(middenhuurTransitionEnd):
			seg = portfolio.SegmentVrij
			out.note("rentincrease.note.middenhuur_transition", false)
		}
		capRow, ok := capFor(seg, d, in.Overrides)
		if !ok {
			out.note("rentincrease.note.no_cap", true, "segment", string(seg), "year", fmt.Sprint(capYear(seg, d)))
			return out
		}
		pct := capRow.Percent
		out.Cap = &pct
		if capRow.LowRentBelow > 0 && out.Old < capRow.LowRentBelow {
			out.note("rentincrease.note.low_rent", false, "below", money.Format(capRow.LowRentBelow, "nl"), "max",
				money.Format(capRow.LowRentMax, "nl"))
		}
		if out.blocked() {
			return out
		}
		capMax := out.Old + capRow.MaxIncrease(out.Old)
		switch {
		case !hasClause:
			out.Max, out.Basis = capMax, BasisCap
		case clauseMax > capMax:
			// A higher contract figure is capped; a lower one wins.
			out.Max, out.Basis = capMax, BasisClipped
			out.note("rentincrease.note.clipped", false, "clause", rateOf(out.Old, clauseMax).String(), "cap", pct.String())
		default:
			out.Max, out.Basis = clauseMax, BasisClause
		}
	}
	if out.Max == out.Old {
		out.note("rentincrease.note.no_change", true)
	}
	return out
}

// bareRentRows are the lease's bare-rent rows by date.
func bareRentRows(l *lease.Lease) []lease.Component {
	var rows []lease.Component
	for _, c := range l.Components {
		if c.Kind == lease.BareRent {
			rows = append(rows, c)
		}
	}
	slices.SortFunc(rows, func(a, b lease.Component) int { return a.ValidFrom.Compare(b.ValidFrom) })
	return rows
}

// nextAnniversary is the first date first + k years (k ≥ 0) on or after d.
func nextAnniversary(first, d civil.Date) civil.Date {
	n := first
	for k := 1; n.Before(d); k++ {
		n = first.AddMonths(12 * k)
	}
	return n
}
