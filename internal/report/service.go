package report

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"hms/internal/account"
	"hms/internal/dunning"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// Deps are what the service needs.
type Deps struct {
	DB        *db.DB
	Clock     clock.Clock
	Leases    *lease.Service    // leases as lists show them (tenants' names, addresses), the deposit terms
	Relations *relation.Service // tenants' names
}

// Service makes the reports. It only reads: nothing is recorded.
type Service struct {
	db        *db.DB
	clk       clock.Clock
	leases    *lease.Service
	relations *relation.Service
}

// New builds the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	return &Service{db: d.DB, clk: d.Clock, leases: d.Leases, relations: d.Relations}
}

// Today is the service's today.
func (s *Service) Today() civil.Date { return civil.Today(s.clk.Now()) }

// Complexes are the organisation's complexes for the filter, by name.
func (s *Service) Complexes(ctx context.Context, a account.Actor) ([]Complex, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out []Complex
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = complexes(ctx, tx)
		return err
	})
	return out, err
}

// ComplexByName is the complex of a's organisation named name (case and
// spaces as the portfolio compares them); field "complex" when there is none.
func (s *Service) ComplexByName(ctx context.Context, a account.Actor, name string) (int64, error) {
	cs, err := s.Complexes(ctx, a)
	if err != nil {
		return 0, err
	}
	key := strings.Join(strings.Fields(strings.ToLower(name)), " ")
	for _, c := range cs {
		if strings.Join(strings.Fields(strings.ToLower(c.Name)), " ") == key {
			return c.ID, nil
		}
	}
	return 0, validation.Errors{"complex": "report.error.complex"}
}

// Defaults fills in what p leaves empty for report n, as Make does.
func (s *Service) Defaults(n Name, p Params) Params {
	today := s.Today()
	if p.On.IsZero() {
		p.On = today
	}
	if p.From.IsZero() {
		p.From = civil.New(today.Year, 1, 1)
	}
	if p.To.IsZero() {
		p.To = today
	}
	if p.FromMonth.IsZero() {
		p.FromMonth = civil.Month{Year: today.Year, Month: 1}
	}
	if p.ToMonth.IsZero() {
		p.ToMonth = civil.MonthOf(today)
	}
	return p
}

// check refuses a period that runs backwards or is too long.
func check(n Name, p Params) error {
	switch n.PeriodOf() {
	case Days:
		if p.To.Before(p.From) {
			return validation.Errors{"to": "report.error.period"}
		}
		if p.From.DaysUntil(p.To) >= MaxDays {
			return validation.Errors{"to": "report.error.too_long"}
		}
	case Months:
		if p.ToMonth.Compare(p.FromMonth) < 0 {
			return validation.Errors{"to": "report.error.period"}
		}
		if months(p.FromMonth, p.ToMonth) > MaxMonths {
			return validation.Errors{"to": "report.error.too_long"}
		}
	}
	return nil
}

// months counts the months from a to b, both included.
func months(a, b civil.Month) int { return (b.Year-a.Year)*12 + int(b.Month-a.Month) + 1 }

// Make makes report n for p (defaults filled in) in one transaction: the
// organisation's, or one complex's when p.ComplexID is set (another
// organisation's complex is field "complex").
func (s *Service) Make(ctx context.Context, a account.Actor, n Name, p Params) (*Report, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	if !n.Valid() {
		return nil, validation.ErrNotFound
	}
	p = s.Defaults(n, p)
	if err := check(n, p); err != nil {
		return nil, err
	}
	r := &Report{Name: n, Params: p, Made: s.Today()}
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if p.ComplexID != 0 {
			name, err := complexName(ctx, tx, p.ComplexID)
			if err != nil {
				return err
			}
			r.Complex = name
		}
		set, err := s.leases.DocumentSettingsTx(ctx, tx)
		if err != nil {
			return err
		}
		if r.Org = set.LandlordName; r.Org == "" {
			if r.Org, err = organisationName(ctx, tx); err != nil {
				return err
			}
		}
		switch n {
		case RentRoll:
			r.RentRoll, err = s.rentRoll(ctx, tx, p)
		case Arrears:
			r.Arrears, err = s.arrears(ctx, tx, p)
		case Vacancy:
			r.Vacancy, err = s.vacancy(ctx, tx, p)
		case Income:
			r.Income, err = s.income(ctx, tx, p)
		case Deposits:
			r.Deposits, err = s.deposits(ctx, tx, p, set)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// leasesIn reads every lease of the scope that runs on some day in [from,
// to], with units, tenants (ids) and rent history.
func leasesIn(ctx context.Context, tx *db.Tx, complexID int64, from, to civil.Date) ([]*lease.Lease, error) {
	var out []*lease.Lease
	scope := lease.BillingScope{ComplexID: complexID}
	for after := int64(0); ; {
		ls, err := lease.Billable(ctx, tx, scope, from, to, after, 500)
		if err != nil {
			return nil, err
		}
		out = append(out, ls...)
		if len(ls) < 500 {
			return out, nil
		}
		after = ls[len(ls)-1].ID
	}
}

// tenantNames are the names of the leases' tenants, in each lease's order.
func (s *Service) tenantNames(ctx context.Context, tx *db.Tx, ls []*lease.Lease) (map[int64][]string, error) {
	var ids []int64
	for _, l := range ls {
		ids = append(ids, l.TenantIDs()...)
	}
	byID, err := s.relations.DisplayNames(ctx, tx, ids...)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]string, len(ls))
	for _, l := range ls {
		for _, id := range l.TenantIDs() {
			out[l.ID] = append(out[l.ID], byID[id])
		}
	}
	return out, nil
}

// --- rent roll ---

// rentRoll lists every unit of the scope on day p.On: let (the lease that
// runs that day, its components valid that day, the deposit held) or
// vacant.
func (s *Service) rentRoll(ctx context.Context, tx *db.Tx, p Params) (*RentRollReport, error) {
	us, err := units(ctx, tx, p.ComplexID)
	if err != nil {
		return nil, err
	}
	ls, err := leasesIn(ctx, tx, p.ComplexID, p.On, p.On)
	if err != nil {
		return nil, err
	}
	tenants, err := s.tenantNames(ctx, tx, ls)
	if err != nil {
		return nil, err
	}
	held, err := depositsOn(ctx, tx, p.On, p.ComplexID)
	if err != nil {
		return nil, err
	}
	byUnit := map[int64]*lease.Lease{}
	for _, l := range ls {
		for _, u := range l.Units {
			byUnit[u.ID] = l
		}
	}
	out := &RentRollReport{On: p.On}
	shown := map[int64]bool{}
	for _, u := range us {
		row := RentRollRow{UnitID: u.ID, Address: u.Address, ComplexID: u.ComplexID, Complex: u.Complex}
		out.Units++
		l := byUnit[u.ID]
		if l == nil {
			row.Vacant = true
			out.Vacant++
			out.Rows = append(out.Rows, row)
			continue
		}
		row.LeaseID, row.Reference, row.Tenants, row.Start = l.ID, l.Reference, tenants[l.ID], l.Start
		if shown[l.ID] {
			row.Continued = true
			out.Rows = append(out.Rows, row)
			continue
		}
		shown[l.ID] = true
		for _, c := range l.ComponentsOn(p.On) {
			switch c.Kind {
			case lease.BareRent:
				row.BareRent += c.AmountCents
			case lease.ServiceCosts:
				row.ServiceCosts += c.AmountCents
			default:
				row.Other += c.AmountCents
			}
		}
		row.Total = row.BareRent + row.ServiceCosts + row.Other
		row.Deposit = held[l.ID].held()
		out.BareRent += row.BareRent
		out.ServiceCosts += row.ServiceCosts
		out.Other += row.Other
		out.Total += row.Total
		out.Deposit += row.Deposit
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// --- arrears ---

// arrears is dunning's ageing at p.On (the ledger's open charges as they
// stood that day, ledger.OpenOnTx and dunning.AgeingOf), of the leases
// with a unit in the complex when one is asked, by address.
func (s *Service) arrears(ctx context.Context, tx *db.Tx, p Params) (*ArrearsReport, error) {
	cs, err := ledger.OpenOnTx(ctx, tx, p.On)
	if err != nil {
		return nil, err
	}
	rows := dunning.AgeingOf(cs, p.On)
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.LeaseID
	}
	ls, err := s.leases.ListedTx(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	out := &ArrearsReport{On: p.On}
	for _, r := range rows {
		l, ok := ls[r.LeaseID]
		if !ok || !inComplex(l, p.ComplexID) {
			continue
		}
		row := ArrearsRow{LeaseID: l.ID, Reference: l.Reference, Tenants: partyNames(l), Address: addresses(l),
			Buckets: r.Buckets, Overdue: r.Overdue}
		out.Rows = append(out.Rows, row)
		out.Overdue += r.Overdue
		for i, b := range r.Buckets {
			out.Buckets[i] += b
		}
	}
	slices.SortStableFunc(out.Rows, func(x, y ArrearsRow) int {
		return cmp.Or(strings.Compare(x.Address, y.Address), strings.Compare(x.Reference, y.Reference))
	})
	return out, nil
}

// inComplex reports whether a listed lease has a unit in complex id (0: any).
func inComplex(l *lease.Lease, id int64) bool {
	return id == 0 || slices.ContainsFunc(l.Units, func(u lease.Unit) bool { return u.ComplexID == id })
}

func partyNames(l *lease.Lease) []string {
	var out []string
	for _, p := range l.Parties {
		out = append(out, p.Name)
	}
	return out
}

func addresses(l *lease.Lease) string {
	var out []string
	for _, u := range l.Units {
		if u.Address != "" {
			out = append(out, u.Address)
		}
	}
	return strings.Join(out, "; ")
}

// --- vacancy ---

// vacancy counts, per unit of the scope, the days of [p.From, p.To] on
// which no lease of it ran, and the rent lost on them.
//
// The rule for the rent lost: an empty stretch is priced at the last known
// rent of the unit, the monthly total of the components (without VAT) on
// the last day of the lease that ended most recently before the stretch;
// when the unit had no lease before, the first rent of the next lease;
// when it never had a lease, nothing (the row shows no rent). A lease of
// several units gives each unit an equal share of its rent (largest
// remainder). Per calendar month the rent is prorated by the days of that
// month: rent × empty days of the month ÷ days in the month, rounded to the
// cent half up, per unit and month. The vacancy rate is the empty
// unit-days over all unit-days of the scope in the period (a unit counts
// for the whole period: the register keeps no date a unit was acquired).
func (s *Service) vacancy(ctx context.Context, tx *db.Tx, p Params) (*VacancyReport, error) {
	us, err := units(ctx, tx, p.ComplexID)
	if err != nil {
		return nil, err
	}
	// Every lease of the scope's units: the earlier and later ones give the
	// last known rent.
	ls, err := leasesIn(ctx, tx, p.ComplexID, civil.New(1900, 1, 1), civil.New(2200, 12, 31))
	if err != nil {
		return nil, err
	}
	byUnit := map[int64][]*lease.Lease{}
	for _, l := range ls {
		for _, u := range l.Units {
			byUnit[u.ID] = append(byUnit[u.ID], l)
		}
	}
	period := p.From.DaysUntil(p.To) + 1
	out := &VacancyReport{From: p.From, To: p.To, PeriodDays: period}
	for _, u := range us {
		out.Units++
		row := VacancyRow{UnitID: u.ID, Address: u.Address, ComplexID: u.ComplexID, Complex: u.Complex}
		for _, g := range gaps(byUnit[u.ID], p.From, p.To) {
			row.Days += g.from.DaysUntil(g.to) + 1
			rent, err := lastKnownRent(byUnit[u.ID], u.ID, g)
			if err != nil {
				return nil, err
			}
			if rent > 0 {
				row.Rent = rent
			}
			lost, err := prorate(rent, g)
			if err != nil {
				return nil, err
			}
			row.Lost += lost
		}
		if row.Days == 0 {
			continue
		}
		row.Rate = rate(row.Days, period)
		out.Days += row.Days
		out.Lost += row.Lost
		out.Rows = append(out.Rows, row)
	}
	if out.Units > 0 {
		out.Rate = rate(out.Days, out.Units*period)
	}
	return out, nil
}

// span is a stretch of days, both included.
type span struct{ from, to civil.Date }

// gaps are the stretches of [from, to] on which none of ls runs.
func gaps(ls []*lease.Lease, from, to civil.Date) []span {
	var let []span
	for _, l := range ls {
		end := l.EndsOn
		if end.IsZero() || end.After(to) {
			end = to
		}
		start := l.Start
		if start.Before(from) {
			start = from
		}
		if !start.After(end) {
			let = append(let, span{start, end})
		}
	}
	slices.SortFunc(let, func(a, b span) int { return a.from.Compare(b.from) })
	var out []span
	next := from // the first day not yet known to be let
	for _, s := range let {
		if s.from.After(next) {
			out = append(out, span{next, s.from.AddDays(-1)})
		}
		if !s.to.Before(next) {
			next = s.to.AddDays(1)
		}
	}
	if !next.After(to) {
		out = append(out, span{next, to})
	}
	return out
}

// lastKnownRent is unit's share of the monthly rent of the lease that ended
// most recently before g, else of the first lease after it, else 0.
func lastKnownRent(ls []*lease.Lease, unit int64, g span) (money.Cents, error) {
	var before, after *lease.Lease
	for _, l := range ls {
		switch {
		case !l.EndsOn.IsZero() && l.EndsOn.Before(g.from):
			if before == nil || l.EndsOn.After(before.EndsOn) {
				before = l
			}
		case l.Start.After(g.to):
			if after == nil || l.Start.Before(after.Start) {
				after = l
			}
		}
	}
	switch {
	case before != nil:
		return share(before, unit, before.TotalOn(before.EndsOn))
	case after != nil:
		return share(after, unit, after.TotalOn(after.Start))
	}
	return 0, nil
}

// share is unit's equal part of a lease's amount.
func share(l *lease.Lease, unit int64, amount money.Cents) (money.Cents, error) {
	if len(l.Units) <= 1 {
		return amount, nil
	}
	weights := make([]int64, len(l.Units))
	for i := range weights {
		weights[i] = 1
	}
	parts, err := money.Allocate(amount, weights)
	if err != nil {
		return 0, err
	}
	for i, u := range l.Units {
		if u.ID == unit {
			return parts[i], nil
		}
	}
	return 0, nil
}

// prorate is a monthly rent over the days of g, month by month.
func prorate(rent money.Cents, g span) (money.Cents, error) {
	if rent == 0 {
		return 0, nil
	}
	var sum money.Cents
	for d := g.from; !d.After(g.to); {
		last := d.LastOfMonth()
		if last.After(g.to) {
			last = g.to
		}
		part, err := money.MulDiv(rent, int64(d.DaysUntil(last)+1), int64(civil.DaysIn(d.Year, d.Month)))
		if err != nil {
			return 0, err
		}
		sum += part
		d = last.AddDays(1)
	}
	return sum, nil
}

// rate is part of whole as a percentage rounded to a tenth.
func rate(part, whole int) money.Rate {
	if whole == 0 {
		return 0
	}
	tenths := (int64(part)*2000 + int64(whole)) / (2 * int64(whole))
	return money.Rate(tenths) * money.Percent / 10
}

// --- income ---

// income is, per complex and month of [p.FromMonth, p.ToMonth]:
//
//   - charged: the invoices and credit notes issued in the month (issue
//     date), their lines with VAT, credit notes negative; payout debits
//     (money owed back to a tenant, ledger.PayoutKind) are no income and
//     are left out;
//   - received: the payments booked in the month (payment date), a returned
//     payment's reversal negative in the month it was returned. Payments,
//     not allocations: what came in, whether or not it has been matched to
//     a charge yet.
//
// A lease belongs to the complex of its first unit; units in no complex
// are together under ComplexID 0. Every complex of the scope is listed,
// with each month of the period.
func (s *Service) income(ctx context.Context, tx *db.Tx, p Params) (*IncomeReport, error) {
	from, to := p.FromMonth.First(), p.ToMonth.Last()
	charged, err := chargedPerMonth(ctx, tx, from, to)
	if err != nil {
		return nil, err
	}
	received, err := receivedPerMonth(ctx, tx, from, to)
	if err != nil {
		return nil, err
	}
	complexOf, err := leaseComplexes(ctx, tx)
	if err != nil {
		return nil, err
	}
	cs, err := complexes(ctx, tx)
	if err != nil {
		return nil, err
	}
	n := months(p.FromMonth, p.ToMonth)
	type key struct{ complex, month int }
	amounts := map[key]*IncomeMonth{}
	active := map[int64]bool{}
	add := func(lm leaseMonth, received bool) {
		c := complexOf[lm.LeaseID]
		if p.ComplexID != 0 && c != p.ComplexID {
			return
		}
		m, err := civil.ParseMonth(lm.Month)
		if err != nil {
			return // a month outside the period's range cannot be read back; the query bounds it
		}
		k := key{int(c), months(p.FromMonth, m) - 1}
		im := amounts[k]
		if im == nil {
			im = &IncomeMonth{Month: m}
			amounts[k] = im
		}
		if received {
			im.Received += lm.Amount
		} else {
			im.Charged += lm.Amount
		}
		active[c] = true
	}
	for _, lm := range charged {
		add(lm, false)
	}
	for _, lm := range received {
		add(lm, true)
	}
	out := &IncomeReport{From: p.FromMonth, To: p.ToMonth}
	list := func(id int64, name string) {
		ic := IncomeComplex{ComplexID: id, Complex: name}
		for i := range n {
			im := IncomeMonth{Month: p.FromMonth.Add(i)}
			if got := amounts[key{int(id), i}]; got != nil {
				im = *got
			}
			ic.Months = append(ic.Months, im)
			ic.Charged += im.Charged
			ic.Received += im.Received
		}
		out.Charged += ic.Charged
		out.Received += ic.Received
		out.Complexes = append(out.Complexes, ic)
	}
	for _, c := range cs {
		if p.ComplexID == 0 || c.ID == p.ComplexID {
			list(c.ID, c.Name)
		}
	}
	if p.ComplexID == 0 && active[0] {
		list(0, "")
	}
	return out, nil
}

// --- deposits ---

// deposits lists the leases of the scope with a deposit held on p.On:
// received by then, less returned and deducted by then, above zero; with
// the return deadline (lease.DepositReturnDeadline) when the lease ended
// before that day.
func (s *Service) deposits(ctx context.Context, tx *db.Tx, p Params, set lease.Settings) (*DepositsReport, error) {
	sums, err := depositsOn(ctx, tx, p.On, p.ComplexID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for id, d := range sums {
		if d.held() > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	ls, err := s.leases.ListedTx(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	out := &DepositsReport{On: p.On}
	for _, id := range ids {
		l, ok := ls[id]
		if !ok {
			continue
		}
		d := sums[id]
		row := DepositRow{LeaseID: id, Reference: l.Reference, Tenants: partyNames(l), Address: addresses(l),
			Received: d.received, Returned: d.returned + d.deducted, Held: d.held()}
		if !l.EndsOn.IsZero() && l.EndsOn.Before(p.On) {
			row.EndsOn = l.EndsOn
			row.Deadline = lease.DepositReturnDeadline(set, l.EndsOn, d.deducted > 0)
		}
		out.Rows = append(out.Rows, row)
		out.Received += row.Received
		out.Returned += row.Returned
		out.Held += row.Held
	}
	slices.SortStableFunc(out.Rows, func(x, y DepositRow) int {
		return cmp.Or(strings.Compare(x.Address, y.Address), strings.Compare(x.Reference, y.Reference))
	})
	return out, nil
}

// address is a unit's address on one line, as the portfolio writes it.
func address(street string, number int, addition, postcode, city string) string {
	return portfolio.Address{Street: street, HouseNumber: number, Addition: addition, Postcode: postcode, City: city}.Line()
}
