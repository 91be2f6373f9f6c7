package importer

import (
	"context"
	"errors"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// Deps are what the importer needs.
type Deps struct {
	DB        *db.DB
	Audit     *audit.Log
	Portfolio *portfolio.Service
	Relations *relation.Service
	Leases    *lease.Service
	// Uploads: the file is sealed (Vault) and imported by a job (Jobs) that
	// acts as the uploader (Accounts); without Jobs only Import works.
	Vault    *vault.Vault
	Jobs     *jobs.Queue
	Accounts *account.Service
	Clock    clock.Clock
}

// Service imports rent rolls.
type Service struct {
	vault     *vault.Vault
	jobs      *jobs.Queue
	accounts  *account.Service
	db        *db.DB
	audit     *audit.Log
	portfolio *portfolio.Service
	relations *relation.Service
	leases    *lease.Service
	clk       clock.Clock
}

// New returns the service.
func New(d Deps) *Service {
	s := &Service{db: d.DB, audit: d.Audit, portfolio: d.Portfolio, relations: d.Relations, leases: d.Leases,
		vault: d.Vault, jobs: d.Jobs, accounts: d.Accounts, clk: d.Clock}
	if s.clk == nil {
		s.clk = clock.Real{}
	}
	if d.Jobs != nil {
		d.Jobs.Register(JobKind, s.runUpload, jobs.MaxAttempts(1), jobs.Timeout(2*time.Hour), jobs.Interactive())
	}
	return s
}

// Result counts what one clean import touched: the file's lines, and its
// complexes, units, tenants and leases; and of the units, tenants and
// leases which were new, which the import changed, and which were already
// as the file says (a second import of the same file: all of them).
type Result struct {
	Rows, Complexes, Units, Tenants, Leases int
	New, Changed, Unchanged                 Counts
}

// ErrRows is returned (wrapped) when rows have errors; the CellErrors say
// which. Nothing was imported.
var ErrRows = errors.New("importer: the file has rows with errors")

// plan is the file turned into service inputs, with for every input the
// file line it came from (the first, when several rows share it).
type plan struct {
	complexes     []portfolio.ComplexInput
	complexLine   []int
	complexOf     map[int]int // unit index → complex index (-1: none)
	units         []portfolio.UnitInput
	unitLine      []int
	persons       []relation.PersonInput
	personLine    []int
	leases        []lease.Input
	leaseLine     []int
	leaseUnits    [][]int // unit indexes per lease
	leaseTenants  [][]int // person indexes per lease
	componentCols [][]string
}

// Import reads a rent roll and imports it for the actor's organisation in
// one transaction. Rows are checked first by the importer (numbers, dates)
// and then by each service; any error anywhere rolls everything back and is
// reported as CellErrors with line and column. progress, when not nil, is
// told how far the work is (rows checked, then written).
func (s *Service) Import(ctx context.Context, a account.Actor, r io.Reader, progress func(done, total int)) (*Result, []CellError, error) {
	if !a.Can(account.PermPortfolioWrite) {
		return nil, nil, validation.ErrForbidden
	}
	recs, header, err := Parse(r)
	if err != nil {
		return nil, nil, err
	}
	if len(recs) == 0 {
		return nil, nil, formatErr("import.format.no_rows", "no rows")
	}
	col := func(key string) string {
		if h, ok := header[key]; ok {
			return h
		}
		for _, c := range Columns {
			if c.Key == key {
				return c.Dutch
			}
		}
		return key
	}
	// Text that is not clean (validation.Text) stops the import before
	// anything reaches the database, at its line and column.
	if errs := textErrors(recs, col); len(errs) > 0 {
		return nil, sortErrors(errs), ErrRows
	}
	// The file's own checks and the services' checks are both collected, so
	// one round shows every problem it can.
	p, cellErrs := buildPlan(recs, col)
	if progress != nil {
		progress(len(recs)/4, len(recs))
	}
	res := &Result{Rows: len(recs), Complexes: len(p.complexes), Units: len(p.units), Tenants: len(p.persons), Leases: len(p.leases)}
	err = s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		// A bulk write: plan for the tables as they are (db.Tx.CustomPlans).
		if err := tx.CustomPlans(ctx); err != nil {
			return err
		}
		before, err := takeFootprint(ctx, tx)
		if err != nil {
			return err
		}
		complexIDs, err := s.portfolio.UpsertComplexesTx(ctx, tx, a, p.complexes)
		if re, ok := portfolio.AsRowErrors(err); ok {
			cellErrs = append(cellErrs, rowErrors(re, p.complexLine, complexColumns, col)...)
		} else if err != nil {
			return err
		}
		for i := range p.units {
			if ci := p.complexOf[i]; ci >= 0 && ci < len(complexIDs) {
				p.units[i].ComplexID = complexIDs[ci]
			}
		}
		unitIDs, err := s.portfolio.UpsertUnitsTx(ctx, tx, a, p.units)
		if re, ok := portfolio.AsRowErrors(err); ok {
			cellErrs = append(cellErrs, rowErrors(re, p.unitLine, unitColumns, col)...)
		} else if err != nil {
			return err
		}
		if progress != nil {
			progress(len(recs)/2, len(recs))
		}
		personIDs, perrs, err := s.relations.UpsertPersonsTx(ctx, tx, a, p.persons)
		if err != nil {
			return err
		}
		cellErrs = append(cellErrs, rowErrors(perrs, p.personLine, personColumns, col)...)
		if len(cellErrs) > 0 {
			return ErrRows // the leases' own checks need sound units and tenants
		}
		if progress != nil {
			progress(len(recs)*3/4, len(recs))
		}
		for i := range p.leases {
			for _, u := range p.leaseUnits[i] {
				p.leases[i].UnitIDs = append(p.leases[i].UnitIDs, unitIDs[u])
			}
			for _, t := range p.leaseTenants[i] {
				p.leases[i].TenantIDs = append(p.leases[i].TenantIDs, personIDs[t])
			}
		}
		leaseIDs, lerrs, err := s.leases.UpsertLeasesTx(ctx, tx, a, p.leases)
		if err != nil {
			return err
		}
		for row, fe := range lerrs {
			for field, msg := range fe {
				cellErrs = append(cellErrs, CellError{Line: p.leaseLine[row], Column: leaseColumn(field, p.componentCols[row], col), Reason: msg})
			}
		}
		if len(cellErrs) > 0 {
			return ErrRows
		}
		if res.New, res.Changed, res.Unchanged, err = before.compare(ctx, tx, unitIDs, personIDs, leaseIDs); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: a.Kind, Action: "import.completed", TargetType: "import",
			Details: map[string]string{"rows": strconv.Itoa(res.Rows), "units": strconv.Itoa(res.Units), "tenants": strconv.Itoa(res.Tenants),
				"leases": strconv.Itoa(res.Leases)}})
	})
	if errors.Is(err, ErrRows) {
		return nil, sortErrors(cellErrs), err
	}
	if err != nil {
		return nil, nil, err
	}
	if progress != nil {
		progress(len(recs), len(recs))
	}
	return res, nil, nil
}

// textErrors checks every cell with validation.Text: a rent roll has no
// multi-line cells.
func textErrors(recs []Record, col func(string) string) []CellError {
	var errs []CellError
	for _, r := range recs {
		for key, v := range r.Fields {
			if msg := validation.Text(v, false); msg != "" {
				errs = append(errs, CellError{Line: r.Line, Column: col(key), Reason: msg})
			}
		}
	}
	return errs
}

// Which file column each service field comes from.
var (
	complexColumns = map[string]string{"name": "complex"}
	unitColumns    = map[string]string{"street": "street", "house_number": "house_number", "addition": "addition", "postcode": "postcode",
		"city": "city", "type": "unit_type", "floor_area": "floor_area", "rooms": "rooms", "segment": "segment", "energy_label": "energy_label",
		"wws_points": "wws_points", "complex_id": "complex"}
	personColumns = map[string]string{"ref": "tenant_ref", "initials": "tenant_initials", "first_names": "tenant_first_name",
		"surname_prefix": "tenant_prefix", "surname": "tenant_surname", "email": "tenant_email", "phones": "tenant_phone",
		"ibans": "tenant_iban", "birth_date": "tenant_birth_date"}
	leaseColumns = map[string]string{"reference": "lease_ref", "start_date": "lease_start", "end_date": "lease_end",
		"deposit_cents": "deposit", "payment_method": "payment_method", "due_day": "due_day", "unit_ids": "street", "tenant_ids": "tenant_ref"}
)

func rowErrors[E ~map[int]validation.Errors](re E, lines []int, columns map[string]string, col func(string) string) []CellError {
	var out []CellError
	for row, fe := range re {
		line := 0
		if row >= 0 && row < len(lines) {
			line = lines[row]
		}
		for field, msg := range fe {
			out = append(out, CellError{Line: line, Column: columnFor(field, columns, col), Reason: msg})
		}
	}
	return out
}

func columnFor(field string, columns map[string]string, col func(string) string) string {
	if k, ok := columns[field]; ok {
		return col(k)
	}
	return "" // the row as a whole
}

// leaseColumn maps a lease field; component fields ("components.1.amount_cents")
// go to the column the component came from.
func leaseColumn(field string, components []string, col func(string) string) string {
	if rest, ok := strings.CutPrefix(field, "components."); ok {
		if i, err := strconv.Atoi(strings.SplitN(rest, ".", 2)[0]); err == nil && i < len(components) {
			return col(components[i])
		}
	}
	return columnFor(field, leaseColumns, col)
}

func sortErrors(errs []CellError) []CellError {
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Line != errs[j].Line {
			return errs[i].Line < errs[j].Line
		}
		return errs[i].Column < errs[j].Column
	})
	return slices.Compact(errs)
}

// buildPlan turns records into service inputs, merging rows that describe
// the same complex, unit, tenant or lease, and checks what only the file can
// say: amounts, dates and choices.
func buildPlan(recs []Record, col func(string) string) (*plan, []CellError) {
	p := &plan{complexOf: map[int]int{}}
	var errs []CellError
	bad := func(line int, key, reason string) {
		errs = append(errs, CellError{Line: line, Column: col(key), Reason: reason})
	}
	complexIdx := map[string]int{}
	unitIdx := map[string]int{}
	personIdx := map[string]int{}
	leaseIdx := map[string]int{}
	for _, r := range recs {
		f := r.Fields
		ci := -1
		if name := strings.TrimSpace(f["complex"]); name != "" {
			key := strings.ToLower(strings.Join(strings.Fields(name), " "))
			var ok bool
			if ci, ok = complexIdx[key]; !ok {
				ci = len(p.complexes)
				complexIdx[key] = ci
				p.complexes = append(p.complexes, portfolio.ComplexInput{Name: name, Street: f["street"], Postcode: f["postcode"], City: f["city"]})
				p.complexLine = append(p.complexLine, r.Line)
			}
		}
		ukey := strings.ToUpper(strings.ReplaceAll(f["postcode"], " ", "")) + "|" + strings.TrimSpace(f["house_number"]) + "|" +
			strings.ToUpper(strings.TrimSpace(f["addition"]))
		ui, ok := unitIdx[ukey]
		if !ok {
			ui = len(p.units)
			unitIdx[ukey] = ui
			area := f["floor_area"]
			p.units = append(p.units, portfolio.UnitInput{Street: f["street"], HouseNumber: f["house_number"], Addition: f["addition"],
				Postcode: f["postcode"], City: f["city"], Type: portfolio.UnitType(f["unit_type"]), FloorArea: area, Rooms: f["rooms"],
				Segment: portfolio.Segment(f["segment"]), WWSPoints: f["wws_points"], EnergyLabel: f["energy_label"]})
			p.unitLine = append(p.unitLine, r.Line)
			p.complexOf[ui] = ci
		}
		pi := -1
		if r.Has("tenant") || r.Has("lease") {
			ref := strings.TrimSpace(f["tenant_ref"])
			if ref == "" {
				bad(r.Line, "tenant_ref", "import.required")
			} else if pi, ok = personIdx[ref]; !ok {
				pi = len(p.persons)
				personIdx[ref] = pi
				var phones, ibans []string
				if v := f["tenant_phone"]; v != "" {
					phones = []string{v}
				}
				if v := f["tenant_iban"]; v != "" {
					ibans = []string{v}
				}
				p.persons = append(p.persons, relation.PersonInput{Ref: ref, Initials: f["tenant_initials"], FirstNames: f["tenant_first_name"],
					SurnamePrefix: f["tenant_prefix"], Surname: f["tenant_surname"], Email: f["tenant_email"], Phones: phones, IBANs: ibans,
					BirthDate: f["tenant_birth_date"], Roles: relation.RolesOf(relation.RoleTenant),
					Address: relation.Address{Street: f["street"], HouseNumber: f["house_number"], HouseNumberAddition: f["addition"],
						Postcode: f["postcode"], City: f["city"]}})
				p.personLine = append(p.personLine, r.Line)
			}
		}
		if !r.Has("lease") {
			continue
		}
		ref := strings.TrimSpace(f["lease_ref"])
		if ref == "" {
			bad(r.Line, "lease_ref", "import.required")
			continue
		}
		if li, ok := leaseIdx[ref]; ok {
			// Another row of the same lease: one more unit or tenant.
			if !slices.Contains(p.leaseUnits[li], ui) {
				p.leaseUnits[li] = append(p.leaseUnits[li], ui)
			}
			if pi >= 0 && !slices.Contains(p.leaseTenants[li], pi) {
				p.leaseTenants[li] = append(p.leaseTenants[li], pi)
			}
			continue
		}
		in := lease.Input{Reference: ref}
		start, err := civil.Parse(f["lease_start"])
		if err != nil {
			bad(r.Line, "lease_start", "import.date_invalid")
		}
		in.Start = start
		if v := f["lease_end"]; v != "" {
			if in.End, err = civil.Parse(v); err != nil {
				bad(r.Line, "lease_end", "import.date_invalid")
			}
		}
		var comps []string
		amount := func(key string) money.Cents {
			v := f[key]
			if v == "" {
				return 0
			}
			c, err := money.Parse(v)
			if err != nil || c < 0 {
				bad(r.Line, key, "import.amount_invalid")
			} else if !c.InBounds() {
				bad(r.Line, key, money.TooLarge)
			}
			return c
		}
		if rent := amount("bare_rent"); rent > 0 {
			in.Components = append(in.Components, lease.ComponentInput{Kind: lease.BareRent, AmountCents: rent})
			comps = append(comps, "bare_rent")
		} else if f["bare_rent"] == "" {
			bad(r.Line, "bare_rent", "import.required")
		}
		if sc := amount("service_costs"); sc > 0 {
			in.Components = append(in.Components, lease.ComponentInput{Kind: lease.ServiceCosts, Category: "algemeen", AmountCents: sc})
			comps = append(comps, "service_costs")
		}
		in.DepositCents = amount("deposit")
		switch strings.ToLower(f["payment_method"]) {
		case "", "incasso", "automatische incasso", "direct debit", "direct_debit":
			in.PaymentMethod = lease.DirectDebit
		case "overboeking", "transfer", "overmaking":
			in.PaymentMethod = lease.Transfer
		default:
			bad(r.Line, "payment_method", "import.payment_method_invalid")
		}
		if v := f["due_day"]; v != "" {
			d, err := strconv.Atoi(v)
			if err != nil || d < 1 || d > 28 {
				bad(r.Line, "due_day", "import.due_day_invalid")
			}
			in.DueDay = d
		}
		leaseIdx[ref] = len(p.leases)
		p.leases = append(p.leases, in)
		p.leaseLine = append(p.leaseLine, r.Line)
		p.leaseUnits = append(p.leaseUnits, []int{ui})
		var tenants []int
		if pi >= 0 {
			tenants = []int{pi}
		}
		p.leaseTenants = append(p.leaseTenants, tenants)
		p.componentCols = append(p.componentCols, comps)
	}
	return p, errs
}
