package settlement

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

// Run kinds and states.
const (
	KindYear    = "year"
	KindLeaving = "leaving"
	StateDraft  = "draft"
	StateFinal  = "final"
)

// Warning is why a cost was left out of a run (message id in
// settlement.<lang>.json; Detail is the calculator's English text when it
// refused the cost). A run with warnings cannot be made final.
type Warning struct {
	Category string `json:"category"`
	CostID   string `json:"cost_id,omitempty"`
	UnitID   int64  `json:"unit_id,omitempty"`
	Message  string `json:"message"`
	Detail   string `json:"detail,omitempty"`
}

// RunSummary is one run in a list.
type RunSummary struct {
	ID            int64
	ComplexID     int64
	ComplexName   string
	Year          int
	Kind          string
	LeaseID       int64
	PeriodStart   civil.Date
	PeriodEnd     civil.Date
	State         string
	Warnings      int
	CorrectsRunID int64
	CreatedAt     time.Time
	CreatedBy     int64
	FinalisedAt   time.Time
	// DegreeDaysSource is where the run's degree days come from: "knmi:260"
	// (KNMI station 260), "entered" (by hand) or "table" (VDI 2067).
	DegreeDaysSource string
	// AdvancesBasis is what the run settled the costs against:
	// AdvancesCharged or AdvancesReceived (commercial leases: always charged).
	AdvancesBasis string
}

// Run is a stored settlement with its lines.
type Run struct {
	RunSummary
	AdminFeePercent string
	WarningList     []Warning
	Costs           []RunCost
	Occupancies     []RunOccupancy
	Landlord        []RunLine // the landlord's share for vacant days, per cost and unit
	LandlordTotal   money.Cents
	Input           json.RawMessage // the settlement.Input given to Compute
	Output          json.RawMessage // its settlement.Output
}

// RunCost is one cost line of a run.
type RunCost struct {
	CostID    string
	Category  string
	Key       string
	Heating   bool
	AdminFee  bool
	Amount    money.Cents
	Allocated money.Cents
	Landlord  money.Cents
	UnitIDs   []int64 // empty: every unit of the complex
	Entries   []RunEntry
	Readings  map[string]OccupancyReads // key meter: per occupancy ref, the readings used
}

// MeterRead is one meter's readings at the start and end of a stretch of
// days, as a statement prints them (DOMAIN.md §7.2).
type MeterRead struct {
	Meter    string     `json:"meter"`   // the meter's number
	Measure  string     `json:"measure"` // m3, kWh, GJ
	FromDate civil.Date `json:"from_date"`
	From     int64      `json:"from"`
	ToDate   civil.Date `json:"to_date"`
	To       int64      `json:"to"`
}

// OccupancyReads are the readings behind an occupancy's share of a meter
// cost: its own when its unit changed hands with readings at the change (or
// the unit's, when the tenant had it all period); ByDays when the unit
// changed hands without them, so the share went by days of the unit's use.
type OccupancyReads struct {
	Reads  []MeterRead `json:"reads,omitempty"`
	Use    string      `json:"use"`
	ByDays bool        `json:"by_days,omitempty"`
}

// RunEntry is the part of a cost entry assigned to the run's period.
type RunEntry struct {
	EntryID       int64
	InvoiceNumber string
	Assigned      money.Cents
}

// RunOccupancy is one tenant's settlement in a run.
type RunOccupancy struct {
	ID             int64
	Ref            string // "L<lease>-U<unit>"
	LeaseID        int64
	LeaseReference string
	UnitID         int64
	Address        string
	Tenant         string // display name of the first tenant
	Start, End     civil.Date
	Subtotal       money.Cents
	AdminFee       money.Cents
	Total          money.Cents
	Advances       money.Cents // charged in the ledger for the period
	Paid           money.Cents // of which paid
	Balance        money.Cents // Total − Advances (or − Paid, Run.AdvancesBasis); negative: a refund
	Lines          []RunLine
}

// RunLine is a share of one cost.
type RunLine struct {
	CostID  string
	UnitID  int64
	Address string // landlord lines
	Amount  money.Cents
}

// Run settles a complex for a calendar year from what the database holds,
// and stores the result as a draft (replacing the draft of the same complex
// and year). A final run stays; running again after it makes a new draft
// that corrects it.
func (s *Service) Run(ctx context.Context, a account.Actor, complexID int64, year int) (*Run, error) {
	id, err := s.Settle(ctx, a, complexID, year)
	if err != nil {
		return nil, err
	}
	return s.GetRun(ctx, a, id)
}

// Settle is Run without reading the stored run back: it computes and stores
// the draft and gives its id (a page of it: RunOccupancies).
func (s *Service) Settle(ctx context.Context, a account.Actor, complexID int64, year int) (int64, error) {
	if err := canWrite(a); err != nil {
		return 0, err
	}
	fe := validation.Errors{}
	checkYear(year, fe)
	if complexID <= 0 {
		fe.Add("complex_id", "field.required")
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	from, to := civil.New(year, time.January, 1), civil.New(year, time.December, 31)
	return s.run(ctx, a, complexID, year, KindYear, 0, from, to)
}

// RunLeaving settles the elapsed part of the year for a tenant who leaves
// (art. 7:259 lid 3): from 1 January of the year the lease ends to its last
// day, for the complex of the lease's unit (the lowest unit id that is in a
// complex). The costs are the entries' parts for those days; every
// occupancy of the complex in that period is computed (so vacancy and the
// other tenants are treated as in the yearly run), and the draft is kept per
// lease.
func (s *Service) RunLeaving(ctx context.Context, a account.Actor, leaseID int64) (*Run, error) {
	id, err := s.SettleLeaving(ctx, a, leaseID)
	if err != nil {
		return nil, err
	}
	return s.GetRun(ctx, a, id)
}

// SettleLeaving is RunLeaving without reading the stored run back.
func (s *Service) SettleLeaving(ctx context.Context, a account.Actor, leaseID int64) (int64, error) {
	if err := canWrite(a); err != nil {
		return 0, err
	}
	var complexID int64
	var end civil.Date
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		complexID, end, err = leaseEnd(ctx, tx, leaseID)
		return err
	})
	if err != nil {
		return 0, err
	}
	if end.IsZero() || complexID == 0 {
		return 0, ErrNotLeaving
	}
	return s.run(ctx, a, complexID, end.Year, KindLeaving, leaseID, civil.New(end.Year, time.January, 1), end)
}

func (s *Service) run(ctx context.Context, a account.Actor, complexID int64, year int, kind string, leaseID int64,
	from, to civil.Date) (int64, error) {
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ok, err := complexExists(ctx, tx, complexID)
		if err != nil {
			return err
		}
		if !ok {
			return validation.ErrNotFound
		}
		b, err := s.build(ctx, tx, complexID, year, from, to)
		if err != nil {
			return err
		}
		if err := b.compute(); err != nil {
			return err
		}
		enc := b.encode()
		old, err := draftRun(ctx, tx, complexID, year, kind, leaseID)
		if err != nil {
			return err
		}
		corrects, err := lastFinalRun(ctx, tx, complexID, year, kind, leaseID)
		if err != nil {
			return err
		}
		// A bulk write of some 20,000 rows whose foreign keys point at the
		// run row it writes first: the deletes and inserts check them with
		// the plans PostgreSQL keeps, made by key (db.Tx.BulkPlans), not
		// one plan made per row.
		if err := tx.BulkPlans(ctx); err != nil {
			return err
		}
		if err := tx.GenericPlans(ctx); err != nil {
			return err
		}
		if old > 0 {
			if err := deleteRun(ctx, tx, old); err != nil {
				return err
			}
		}
		if id, err = saveRun(ctx, tx, b, enc, kind, leaseID, corrects, a.UserID, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "settlement.run_created", "settlement_run", id, map[string]string{"complex_id": fmt.Sprint(complexID),
			"year": fmt.Sprint(year), "kind": kind, "lease_id": fmt.Sprint(leaseID), "replaced": fmt.Sprint(old),
			"occupancies": fmt.Sprint(len(b.out.Occupancies)), "warnings": fmt.Sprint(len(b.warnings))})
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// KNMIStation is the station of a run whose degree days come from KNMI
// data ("260"), else "".
func (r RunSummary) KNMIStation() string {
	st, _ := strings.CutPrefix(r.DegreeDaysSource, SourceKNMIPrefix)
	if st == r.DegreeDaysSource {
		return ""
	}
	return st
}

// Finalise marks a draft run final: from then on it is never changed.
func (s *Service) Finalise(ctx context.Context, a account.Actor, id int64) error {
	if err := canWrite(a); err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		r, err := runSummary(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.State != StateDraft {
			return ErrFinal
		}
		if r.Warnings > 0 {
			return ErrHasWarnings
		}
		if _, err := tx.ExecContext(ctx, `UPDATE settlement_runs SET state = 'final', finalised_at = $1, finalised_by = $2
			WHERE id = $3 AND org_id = $4 AND state = 'draft'`, s.now(), a.UserID, id, tx.OrgID()); err != nil {
			return fmt.Errorf("finalise run: %w", err)
		}
		return s.record(ctx, tx, a, "settlement.run_finalised", "settlement_run", id,
			map[string]string{"complex_id": fmt.Sprint(r.ComplexID), "year": fmt.Sprint(r.Year)})
	})
}

// GetRun reads a run with all its costs, occupancies and lines, for the API
// and the CLI. Tenants' names are not opened here (a complex of 10,000 units
// would open 10,000 sealed records); the review page reads RunPage.
func (s *Service) GetRun(ctx context.Context, a account.Actor, id int64) (*Run, error) {
	if err := canRead(a); err != nil {
		return nil, err
	}
	var r *Run
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		r, err = loadRun(ctx, tx, id)
		return err
	})
	return r, err
}

// RunOccupancies reads a run with its costs and landlord lines and the
// occupancies offset … offset+limit−1 in the review page's order (by
// address), for the API; tenants' names are not opened. total is the
// number of occupancies.
func (s *Service) RunOccupancies(ctx context.Context, a account.Actor, id int64, offset, limit int) (r *Run, total int, err error) {
	if err := canRead(a); err != nil {
		return nil, 0, err
	}
	p := &occPage{offset: max(offset, 0), limit: max(limit, 1)}
	err = s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		r, total, err = loadRunPage(ctx, tx, id, p)
		return err
	})
	return r, total, err
}

// RunPage reads a run with one page of its occupancies, by address
// (search: lease reference; q.All: every match, without names), and the
// display name of each listed lease's first tenant, opened in the same
// transaction. total is the number of occupancies that match.
func (s *Service) RunPage(ctx context.Context, a account.Actor, id int64, q listing.Query) (r *Run, total int, err error) {
	if err := canRead(a); err != nil {
		return nil, 0, err
	}
	q = q.Normalize()
	p := &occPage{search: q.Search, offset: q.Offset, limit: q.Limit}
	if q.All {
		p.offset, p.limit = 0, 1_000_000
	}
	err = s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if r, total, err = loadRunPage(ctx, tx, id, p); err != nil {
			return err
		}
		if s.relations == nil || q.All || len(r.Occupancies) == 0 {
			return nil
		}
		leaseIDs := make([]int64, 0, len(r.Occupancies))
		for _, o := range r.Occupancies {
			leaseIDs = append(leaseIDs, o.LeaseID)
		}
		tenants, err := firstTenants(ctx, tx, leaseIDs)
		if err != nil {
			return err
		}
		ids := make([]int64, 0, len(tenants))
		for _, p := range tenants {
			ids = append(ids, p)
		}
		names, err := s.relations.DisplayNames(ctx, tx, ids...)
		if err != nil {
			return err
		}
		for i := range r.Occupancies {
			r.Occupancies[i].Tenant = names[tenants[r.Occupancies[i].LeaseID]]
		}
		return nil
	})
	return r, total, err
}

// RunFilter narrows the run list.
type RunFilter struct {
	ComplexID int64
	Year      int
}

// Runs lists runs, newest first.
func (s *Service) Runs(ctx context.Context, a account.Actor, f RunFilter) ([]RunSummary, error) {
	if err := canRead(a); err != nil {
		return nil, err
	}
	var out []RunSummary
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = listRuns(ctx, tx, f)
		return err
	})
	return out, err
}

// --- building the input ---

// built is a run's input as it is being made from the database.
type built struct {
	complexID     int64
	year          int
	from, to      civil.Date
	feePercent    string
	ddSource      string
	advancesBasis string
	in            Input
	out           Output
	costs         []builtCost // parallel to in.Costs
	occ           []builtOcc  // parallel to in.Occupancies
	warnings      []Warning
}

type builtCost struct {
	category string
	units    []int64
	entries  []RunEntry
	readings map[string]OccupancyReads // key meter: by occupancy ref
}

type builtOcc struct {
	leaseID, unitID int64
	start, end      civil.Date
	advances, paid  money.Cents
}

func unitRef(id int64) ID { return ID(strconv.FormatInt(id, 10)) }

func tenthsText(t int64) Decimal { return Decimal(fmt.Sprintf("%d.%d", t/10, t%10)) }

// build reads the complex's units, the leases on them, the advances charged
// and paid, the cost entries, keys, meter readings and degree days for the
// period, each with one query over the complex (store.go), and makes the
// Compute input.
func (s *Service) build(ctx context.Context, tx *db.Tx, complexID int64, year int, from, to civil.Date) (*built, error) {
	b := &built{complexID: complexID, year: year, from: from, to: to}
	units, err := complexUnits(ctx, tx, complexID)
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		return nil, ErrNoUnits
	}
	ys, err := loadYear(ctx, tx, complexID, year)
	if err != nil {
		return nil, err
	}
	b.feePercent = ys.AdminFeePercent
	b.in = Input{Period: Period{Start: from.String(), End: to.String()}, AdminFeePercent: Decimal(ys.AdminFeePercent),
		Units: make([]Unit, len(units)), Occupancies: []Occupancy{}, Costs: []Cost{}}
	for i, u := range units {
		occ := Decimal("1")
		if v, ok := ys.Occupants[u.id]; ok {
			occ = Decimal(v)
		}
		b.in.Units[i] = Unit{ID: unitRef(u.id), AreaM2: tenthsText(u.areaTenths), Occupants: occ}
	}

	// Occupancies: one per lease and unit of the complex. A lease's advances
	// go to the occupancy of its lowest unit id, charged or received as the
	// statement settings say (commercial leases: charged, see AdvancesCharged).
	occs, err := complexOccupancies(ctx, tx, complexID, from, to)
	if err != nil {
		return nil, err
	}
	ss, err := loadStatementSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	b.advancesBasis = ss.AdvancesBasis
	adv, err := complexAdvances(ctx, tx, complexID, from, to)
	if err != nil {
		return nil, err
	}
	given := map[int64]bool{}
	for _, o := range occs { // ordered by lease id, unit id
		bo := builtOcc{leaseID: o.leaseID, unitID: o.unitID, start: later(o.start, from), end: to}
		if !o.end.IsZero() && o.end.Before(to) {
			bo.end = o.end
		}
		co := Occupancy{ID: ID(fmt.Sprintf("L%d-U%d", o.leaseID, o.unitID)), Tenant: ID(fmt.Sprintf("L%d", o.leaseID)),
			Unit: unitRef(o.unitID), Start: o.start.String(), AdvancesPaid: "0.00"}
		if !o.end.IsZero() {
			co.End = o.end.String()
		}
		if !given[o.leaseID] {
			given[o.leaseID] = true
			a := adv[o.leaseID]
			bo.advances, bo.paid = a.charged, a.paid
			against := a.charged
			if b.advancesBasis == AdvancesReceived && !o.commercial {
				against = a.paid
			}
			co.AdvancesPaid = Decimal(max(against, 0).String())
		}
		b.in.Occupancies = append(b.in.Occupancies, co)
		b.occ = append(b.occ, bo)
	}

	// Costs: the entries' parts for the period, per category and set of
	// units, with the year's key.
	entries, err := complexEntries(ctx, tx, complexID, from, to)
	if err != nil {
		return nil, err
	}
	type group struct {
		category string
		units    []int64
		amount   money.Cents
		entries  []RunEntry
	}
	var groups []*group
	index := map[string]*group{}
	for _, e := range entries { // ordered by category, scope, id
		part := PeriodShare(e.Amount, e.PeriodStart, e.PeriodEnd, from, to)
		if part == 0 {
			continue
		}
		var units []int64
		if e.Scope == ScopeUnits {
			units = e.UnitIDs
		}
		k := e.Category + "|" + fmt.Sprint(units)
		g := index[k]
		if g == nil {
			g = &group{category: e.Category, units: units}
			index[k] = g
			groups = append(groups, g)
		}
		g.amount += part
		g.entries = append(g.entries, RunEntry{EntryID: e.ID, InvoiceNumber: e.InvoiceNumber, Assigned: part})
	}
	var meterKinds []string
	for _, k := range ys.Keys {
		if k.Key == KeyMeter && !slices.Contains(meterKinds, k.MeterKind) {
			meterKinds = append(meterKinds, k.MeterKind)
		}
	}
	readings := map[string]map[int64][]meterReads{}
	for _, kind := range meterKinds {
		if readings[kind], err = complexReadings(ctx, tx, complexID, kind); err != nil {
			return nil, err
		}
	}
	n := map[string]int{}
	for _, g := range groups {
		n[g.category]++
		id := g.category
		if n[g.category] > 1 {
			id = fmt.Sprintf("%s#%d", g.category, n[g.category])
		}
		key, ok := ys.KeyFor(g.category)
		if !ok {
			b.warnings = append(b.warnings, Warning{Category: g.category, CostID: id, Message: "settlement.warn_no_key"})
			continue
		}
		c := Cost{ID: ID(id), Description: g.category, Amount: Decimal(g.amount.String()), Key: key.Key, Heating: key.Heating,
			FixedPercent: Decimal(key.FixedPercent), AdminFee: key.AdminFee}
		pool := g.units
		if pool != nil {
			c.Units = make([]ID, len(pool))
			for i, u := range pool {
				c.Units[i] = unitRef(u)
			}
		} else {
			pool = make([]int64, len(units))
			for i, u := range units {
				pool[i] = u.id
			}
		}
		bad := false
		switch key.Key {
		case KeyMeter:
			c.Readings = map[string]Decimal{}
			for _, u := range pool {
				use, w := consumption(readings[key.MeterKind][u], from, to)
				if w != "" {
					b.warnings = append(b.warnings, Warning{Category: g.category, CostID: id, UnitID: u, Message: w})
					bad = true
					continue
				}
				c.Readings[string(unitRef(u))] = Decimal(strconv.FormatInt(use, 10))
			}
		case KeyShares:
			c.Shares = map[string]Decimal{}
			for _, u := range pool {
				v, ok := key.Shares[u]
				if !ok {
					b.warnings = append(b.warnings, Warning{Category: g.category, CostID: id, UnitID: u, Message: "settlement.warn_missing_share"})
					bad = true
					continue
				}
				c.Shares[string(unitRef(u))] = Decimal(v)
			}
		}
		if bad {
			continue
		}
		bc := builtCost{category: g.category, units: g.units, entries: g.entries}
		if key.Key == KeyMeter {
			bc.readings = b.splitByReadings(&c, readings[key.MeterKind], pool, !key.Heating)
		}
		b.in.Costs = append(b.in.Costs, c)
		b.costs = append(b.costs, bc)
	}

	if b.in.DegreeDays, b.ddSource, err = periodDegreeDays(ctx, tx, ys.KNMIStation, from, to); err != nil {
		return nil, err
	}
	return b, nil
}

// Reading windows: the reading that counts for a date is the first one on
// or after it, at most readingWindow days later.
const readingWindow = 31

type meterReads struct {
	meterID int64
	number  string
	measure string
	on      []civil.Date // ascending
	value   []int64
}

// consumption is a unit's use from its meters of one kind: per meter, the
// reading nearest on or after the period's first day minus the one nearest
// on or after its last day (each within readingWindow days), summed over
// the unit's meters. A missing meter or reading is a warning message id.
func consumption(ms []meterReads, from, to civil.Date) (int64, string) {
	use, _, w := consumptionReads(ms, from, to)
	return use, w
}

// consumptionReads is consumption with the readings it used.
func consumptionReads(ms []meterReads, from, to civil.Date) (int64, []MeterRead, string) {
	if len(ms) == 0 {
		return 0, nil, "settlement.warn_no_meter"
	}
	var total int64
	var reads []MeterRead
	for _, m := range ms {
		at := func(d civil.Date) (civil.Date, int64, bool) {
			i, _ := slices.BinarySearchFunc(m.on, d, func(a, b civil.Date) int { return a.Compare(b) })
			if i == len(m.on) || d.DaysUntil(m.on[i]) > readingWindow {
				return civil.Date{}, 0, false
			}
			return m.on[i], m.value[i], true
		}
		d1, first, ok1 := at(from)
		d2, last, ok2 := at(to)
		if !ok1 || !ok2 {
			return 0, nil, "settlement.warn_missing_reading"
		}
		if last < first {
			return 0, nil, "settlement.warn_meter_backwards"
		}
		total += last - first
		reads = append(reads, MeterRead{Meter: m.number, Measure: m.measure, FromDate: d1, From: first, ToDate: d2, To: last})
	}
	return total, reads, ""
}

// splitByReadings gives the occupancies of the meter cost c (pool units
// pool) their own use when their unit changes hands in the period and every
// one of them has readings at both ends. As in consumption, the reading that
// counts for a day is the first on or after it; at a change of tenant both
// use the reading for the outgoing tenant's last day, so consecutive tenants
// share it and their uses add up to the unit's. A unit without such
// readings goes by days, and its statements say so. A heating cost
// (split false) is not split by readings: its variable part follows the
// degree days (§7.6), and every tenant's statement shows the unit's readings.
func (b *built) splitByReadings(c *Cost, reads map[int64][]meterReads, pool []int64, split bool) map[string]OccupancyReads {
	out := map[string]OccupancyReads{}
	inPool := map[int64]bool{}
	for _, u := range pool {
		inPool[u] = true
	}
	byUnit := map[int64][]int{}
	for i, o := range b.occ {
		if inPool[o.unitID] && !o.end.Before(o.start) {
			byUnit[o.unitID] = append(byUnit[o.unitID], i)
		}
	}
	for _, u := range pool {
		occs := byUnit[u]
		if len(occs) == 0 {
			continue
		}
		unitUse := string(c.Readings[string(unitRef(u))])
		if !split || (len(occs) == 1 && b.occ[occs[0]].start == b.from && b.occ[occs[0]].end == b.to) {
			_, rs, _ := consumptionReads(reads[u], b.from, b.to)
			for _, i := range occs {
				out[string(b.in.Occupancies[i].ID)] = OccupancyReads{Reads: rs, Use: unitUse}
			}
			continue
		}
		own := map[string]OccupancyReads{}
		for _, i := range occs {
			o := b.occ[i]
			first := o.start
			if first.After(b.from) {
				first = first.AddDays(-1) // the reading at the change: on or after the outgoing tenant's last day
			}
			use, rs, w := consumptionReads(reads[u], first, o.end)
			if w != "" {
				own = nil
				break
			}
			own[string(b.in.Occupancies[i].ID)] = OccupancyReads{Reads: rs, Use: strconv.FormatInt(use, 10)}
		}
		if own == nil {
			for _, i := range occs {
				out[string(b.in.Occupancies[i].ID)] = OccupancyReads{Use: unitUse, ByDays: true}
			}
			continue
		}
		if c.OccupancyReadings == nil {
			c.OccupancyReadings = map[string]Decimal{}
		}
		for id, r := range own {
			out[id] = r
			c.OccupancyReadings[id] = Decimal(r.Use)
		}
	}
	return out
}

var costRef = regexp.MustCompile(`^costs\[(\d+)\]`)
var costNamed = regexp.MustCompile(`cost "([^"]*)"`)

// compute runs Compute. When it refuses one cost (its field is costs[i], or
// its message names the cost, as for missing degree days or a pool that
// weighs 0), that cost is left out with a warning and the rest computed
// again; any other refusal fails the run with a ComputeError.
func (b *built) compute() error {
	for {
		if len(b.in.Costs) == 0 {
			b.out = Output{Occupancies: []OccupancyResult{}, Landlord: LandlordResult{Lines: []LandlordLine{}}, Costs: []CostResult{}}
			return b.computeNoCosts()
		}
		out, err := Compute(b.in)
		if err == nil {
			b.out = out
			return nil
		}
		var ce *Error
		if !errors.As(err, &ce) {
			return err
		}
		drop := -1
		if m := costRef.FindStringSubmatch(ce.Field); m != nil {
			drop, _ = strconv.Atoi(m[1])
		} else if m := costNamed.FindStringSubmatch(ce.Message); m != nil {
			drop = slices.IndexFunc(b.in.Costs, func(c Cost) bool { return string(c.ID) == m[1] })
		}
		if drop < 0 || drop >= len(b.in.Costs) {
			return &ComputeError{Err: ce}
		}
		b.warnings = append(b.warnings, Warning{Category: b.costs[drop].category, CostID: string(b.in.Costs[drop].ID),
			Message: "settlement.warn_compute", Detail: ce.Error()})
		b.in.Costs = slices.Delete(b.in.Costs, drop, drop+1)
		b.costs = slices.Delete(b.costs, drop, drop+1)
	}
}

// computeNoCosts fills the output when no cost is left: every occupancy
// owes nothing and gets its advances back.
func (b *built) computeNoCosts() error {
	for _, o := range b.in.Occupancies {
		adv, _ := parseAmount(string(o.AdvancesPaid))
		b.out.Occupancies = append(b.out.Occupancies, OccupancyResult{ID: o.ID, Tenant: o.Tenant, Unit: o.Unit, Lines: []Line{},
			AdvancesPaid: Amount(adv), Balance: Amount(-adv)})
	}
	return nil
}

func parseRef(id ID, prefix string) int64 {
	v, _ := strconv.ParseInt(strings.TrimPrefix(string(id), prefix), 10, 64)
	return v
}

func sortLines(ls []RunLine, pos func(string) int) {
	slices.SortStableFunc(ls, func(a, b RunLine) int { return pos(a.CostID) - pos(b.CostID) })
}

func sortLandlord(ls []RunLine, pos func(string) int) {
	slices.SortStableFunc(ls, func(a, b RunLine) int {
		if d := pos(a.CostID) - pos(b.CostID); d != 0 {
			return d
		}
		return int(a.UnitID - b.UnitID)
	})
}

// Choice is an id and a name for a form's select.
type Choice struct {
	ID   int64
	Name string
}

// Choices are the complexes and suppliers a cost form offers.
func (s *Service) Choices(ctx context.Context, a account.Actor) (complexes, suppliersList []Choice, err error) {
	if err := canRead(a); err != nil {
		return nil, nil, err
	}
	err = s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if complexes, err = complexChoices(ctx, tx); err != nil {
			return err
		}
		suppliersList, err = suppliers(ctx, tx)
		return err
	})
	return complexes, suppliersList, err
}
