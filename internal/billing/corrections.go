package billing

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// A component changed back into a period already charged (the January rent
// set from 1 January after January was posted) is not silently ignored: the
// next run recomputes that period and posts the difference per line as a
// correcting invoice (more) or credit note (less), with the reason
// ("correctie kale huur januari 2026: € 950,00 → € 975,00"). The original
// charges stay as posted; corrections are charges of the same lease and
// period on their own line (ledger.CorrectionLine), so the sum of a line's
// charges is what the period costs now, and a second run finds nothing to
// correct. A line added back into a period before the run is charged in
// the correcting invoice under its own key. Manual credit notes (reversals) are not counted: crediting an
// invoice is a decision, not a change to be undone; charges voided by
// undoing a run are not counted either (the run charges them anew).

// postedPeriod is what the rent run charged a lease for one period.
type postedPeriod struct {
	postedAt string // the first invoice of the period (db.TS)
	method   string // Rules.Method() it was computed with ("" before methods were kept)
	lines    map[string]*postedLine
}

type postedLine struct {
	net  money.Cents
	rate money.Rate
	last int // the highest correction number so far
}

// changedAfterCreation reports whether any of the lease's component rows
// was set after the lease was made: only then can a posted period be out
// of date, so only those leases are looked at more closely.
func changedAfterCreation(l *lease.Lease) bool {
	for _, c := range l.Components {
		if c.CreatedAt.After(l.CreatedAt) {
			return true
		}
	}
	return false
}

// postedPeriods reads the rent-run charges of leases ids (one query for a
// batch) by lease, period and base line.
func postedPeriods(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]map[string]*postedPeriod, error) {
	charges, err := postedCharges(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64]map[string]*postedPeriod{}
	for _, c := range charges {
		if out[c.leaseID] == nil {
			out[c.leaseID] = map[string]*postedPeriod{}
		}
		p := out[c.leaseID][c.period]
		if p == nil {
			p = &postedPeriod{postedAt: c.at, lines: map[string]*postedLine{}}
			out[c.leaseID][c.period] = p
		}
		p.postedAt = min(p.postedAt, c.at)
		p.method = max(p.method, c.method)
		base, n := ledger.BaseLine(c.line)
		pl := p.lines[base]
		if pl == nil {
			pl = &postedLine{}
			p.lines[base] = pl
		}
		pl.net += money.Cents(c.net)
		if n == 0 {
			pl.rate = money.Rate(c.rate)
		}
		pl.last = max(pl.last, n)
	}
	return out, nil
}

// periodMonth is the first month of a billing period key ("2026-01", "2026-Q1").
func periodMonth(key string) (civil.Month, bool) {
	if m, err := civil.ParseMonth(key); err == nil {
		return m, true
	}
	if p, err := ParsePeriod(key); err == nil {
		return p.Months[0], true
	}
	return civil.Month{}, false
}

// rulesOf are the rules a period was charged with: the stored method, the
// run's day count and term otherwise.
func rulesOf(method string, r Rules) Rules {
	if day, period, ok := strings.Cut(method, "/"); ok && slices.Contains(Prorations, Proration(day)) &&
		slices.Contains(PeriodProrations, PeriodProration(period)) {
		r.Proration, r.Period = Proration(day), PeriodProration(period)
	}
	return r
}

// corrections are the correcting invoices and credit notes that the
// leases' posted periods need now.
func corrections(ctx context.Context, tx *db.Tx, ls []*lease.Lease, r Rules) ([]Charge, error) {
	var changed []*lease.Lease
	var ids []int64
	for _, l := range ls {
		if changedAfterCreation(l) {
			changed = append(changed, l)
			ids = append(ids, l.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	all, err := postedPeriods(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	var out []Charge
	for _, l := range changed {
		posted := all[l.ID]
		keys := make([]string, 0, len(posted))
		for k := range posted {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, key := range keys {
			pp := posted[key]
			m, ok := periodMonth(key)
			if !ok || !changedSincePosting(l, pp.postedAt, billingPeriod(l.BillingFrequency, m).Last) {
				continue
			}
			out = append(out, correctionsOf(l, key, m, pp, rulesOf(pp.method, r))...)
		}
	}
	return out, nil
}

// changedSincePosting reports whether a component row that applies on or
// before last was set at or after the period was posted (equal instants
// count: recomputing is harmless, missing a change is not).
func changedSincePosting(l *lease.Lease, postedAt string, last civil.Date) bool {
	at, err := db.ParseTS(postedAt)
	if err != nil {
		return true
	}
	for _, c := range l.Components {
		if !c.ValidFrom.After(last) && !c.CreatedAt.Before(at) {
			return true
		}
	}
	return false
}

// correctionsOf compares period key of lease l as charged (pp) with what
// it costs now, line by line, and drafts an invoice for the lines that
// cost more and a credit note for those that cost less. A line never
// charged for the period (a component added back into it) is charged in
// the correcting invoice when the period lies before the run; the run's
// own periods get such lines the ordinary way.
func correctionsOf(l *lease.Lease, key string, m civil.Month, pp *postedPeriod, r Rules) []Charge {
	now := compute(l, m, r)
	if now.Period.Key != key {
		return nil // the lease's billing frequency changed since: not a correction the run can make
	}
	expected := map[string]ledger.DraftLine{}
	for _, dl := range now.Lines {
		expected[dl.Line] = dl
	}
	before := r.RunFirst.Year != 0 && now.Period.Last.Before(billingPeriod(l.BillingFrequency, r.RunFirst).First)
	bases := make([]string, 0, len(pp.lines))
	for b := range pp.lines {
		bases = append(bases, b)
	}
	var missing []string
	for _, dl := range now.Lines {
		if pp.lines[dl.Line] == nil && before {
			missing = append(missing, dl.Line)
			bases = append(bases, dl.Line)
		}
	}
	slices.Sort(bases)
	more := Charge{LeaseID: l.ID, Reference: l.Reference, Period: now.Period, DueDate: now.DueDate, Correction: true, Kind: ledger.KindInvoice}
	less := more
	less.Kind = ledger.KindCreditNote
	var moreWhy, lessWhy []string
	for _, base := range bases {
		pl := pp.lines[base]
		if pl == nil {
			pl = &postedLine{} // never charged: the line itself, under its own key
		}
		want, ok := expected[base]
		if !ok {
			want = ledger.DraftLine{Line: base, From: now.Period.First, To: now.Period.Last, VATRate: pl.rate}
		}
		diff := want.Net - pl.net
		if diff == 0 {
			continue
		}
		// One correction of the difference: quantity 1 at the difference.
		line := ledger.DraftLine{Line: ledger.CorrectionLine(base, pl.last+1), From: want.From, To: want.To, Net: diff, VATRate: want.VATRate,
			Basis: []ledger.Basis{{Unit: diff, Num: 1, Den: 1}}}
		if slices.Contains(missing, base) {
			line = want
		}
		why := fmt.Sprintf("correctie %s %s: %s → %s", strings.ToLower(lineName(base, "nl")), periodName(key, "nl"),
			money.Format(pl.net, "nl"), money.Format(want.Net, "nl"))
		if diff > 0 {
			more.Lines = append(more.Lines, line)
			moreWhy = append(moreWhy, why)
		} else {
			less.Lines = append(less.Lines, line)
			lessWhy = append(lessWhy, why)
		}
	}
	var out []Charge
	if len(more.Lines) > 0 {
		more.Reason = strings.Join(moreWhy, "; ")
		out = append(out, more)
	}
	if len(less.Lines) > 0 {
		less.Reason = strings.Join(lessWhy, "; ")
		out = append(out, less)
	}
	return out
}
