// Package portfolio is the property register: complexes, units
// (verhuureenheden), meters and their readings.
//
// A unit's status (let, vacant, notice given) follows from its leases; the
// lease package tells it through the Occupancy interface, so portfolio does
// not import lease.
package portfolio

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

// Problems of this capability (message ids).
var (
	ErrComplexInUse = &validation.Problem{Status: 409, Code: "portfolio.complex_in_use"}
	ErrUnitInUse    = &validation.Problem{Status: 409, Code: "portfolio.unit_in_use"}
)

// Occupancy tells the status of units on a date. The lease package
// implements it; units it does not mention are vacant. It runs inside the
// caller's transaction and must only read.
type Occupancy interface {
	UnitStatus(ctx context.Context, tx *db.Tx, unitIDs []int64, on civil.Date) (map[int64]Status, error)
}

// UnitReferrer is something that refers to units by id without a foreign
// key (the lease package): a unit it reports in use cannot be deleted. An
// Occupancy that also implements it is consulted.
type UnitReferrer interface {
	UnitsInUse(ctx context.Context, tx *db.Tx, unitIDs []int64) (map[int64]bool, error)
}

// Deps are what the service needs.
type Deps struct {
	DB    *db.DB
	Audit *audit.Log
	Clock clock.Clock
	// Occupancy tells unit statuses (app passes the lease package's); nil:
	// every unit is vacant. When it is also a UnitReferrer, a unit it reports
	// in use cannot be deleted.
	Occupancy Occupancy
}

// Service is the face of the portfolio capability for web, API and CLI.
type Service struct {
	db    *db.DB
	audit *audit.Log
	clk   clock.Clock
	occ   Occupancy
}

// New returns the service.
func New(d Deps) *Service { return &Service{db: d.DB, audit: d.Audit, clk: d.Clock, occ: d.Occupancy} }

// unitInUse asks the Occupancy, when it refers to units, whether unit id is
// in use.
func (s *Service) unitInUse(ctx context.Context, tx *db.Tx, id int64) (bool, error) {
	r, ok := s.occ.(UnitReferrer)
	if !ok {
		return false, nil
	}
	m, err := r.UnitsInUse(ctx, tx, []int64{id})
	if err != nil {
		return false, fmt.Errorf("unit in use: %w", err)
	}
	return m[id], nil
}

// occupancyChunk bounds the ids passed to Occupancy in one call, so the
// implementation may use them as query parameters.
const occupancyChunk = 500

// statuses asks the Occupancy for ids on date on; every id gets a status.
func (s *Service) statuses(ctx context.Context, tx *db.Tx, ids []int64, on civil.Date) (map[int64]Status, error) {
	out := make(map[int64]Status, len(ids))
	for _, id := range ids {
		out[id] = StatusVacant
	}
	if s.occ == nil || len(ids) == 0 {
		return out, nil
	}
	for chunk := range slices.Chunk(ids, occupancyChunk) {
		m, err := s.occ.UnitStatus(ctx, tx, chunk, on)
		if err != nil {
			return nil, fmt.Errorf("unit status: %w", err)
		}
		for id, st := range m {
			if _, ok := out[id]; ok && slices.Contains(Statuses, st) {
				out[id] = st
			}
		}
	}
	return out, nil
}

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }

func (s *Service) record(ctx context.Context, tx *db.Tx, a account.Actor, action, targetType string, id int64,
	details map[string]string) error {
	return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: a.Kind, Action: action,
		TargetType: targetType, TargetID: fmt.Sprint(id), Details: details})
}

// --- complexes ---

// CreateComplex adds a complex; its name must be new in the organisation.
func (s *Service) CreateComplex(ctx context.Context, a account.Actor, in ComplexInput) (int64, error) {
	if !a.Can(account.PermPortfolioWrite) {
		return 0, validation.ErrForbidden
	}
	c, fe := in.parse()
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := checkComplexName(ctx, tx, c.Name, 0, fe); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		var err error
		if id, err = insertComplex(ctx, tx, c, s.clk.Now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "complex.created", "complex", id, nil)
	})
	return id, err
}

func checkComplexName(ctx context.Context, tx *db.Tx, name string, self int64, fe validation.Errors) error {
	if _, bad := fe["name"]; bad {
		return nil
	}
	other, err := complexIDByName(ctx, tx, name)
	if err != nil && !errors.Is(err, validation.ErrNotFound) {
		return err
	}
	if err == nil && other != self {
		fe.Add("name", "portfolio.complex_name_taken")
	}
	return nil
}

// UpdateComplex changes a complex's name and address.
func (s *Service) UpdateComplex(ctx context.Context, a account.Actor, id int64, in ComplexInput) error {
	if !a.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	c, fe := in.parse()
	c.ID = id
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		old, err := complexByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkComplexName(ctx, tx, c.Name, id, fe); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		changed := complexChanges(*old, c)
		if len(changed) == 0 {
			return nil
		}
		if err := updateComplex(ctx, tx, c, s.clk.Now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "complex.updated", "complex", id, map[string]string{"fields": strings.Join(changed, ",")})
	})
}

func complexChanges(old, c Complex) []string {
	var ch []string
	if old.Name != c.Name {
		ch = append(ch, "name")
	}
	return append(ch, addressChanges(old.Address, c.Address)...)
}

func addressChanges(old, a Address) []string {
	var ch []string
	for _, f := range []struct {
		name string
		same bool
	}{
		{"street", old.Street == a.Street}, {"house_number", old.HouseNumber == a.HouseNumber},
		{"addition", old.Addition == a.Addition}, {"postcode", old.Postcode == a.Postcode}, {"city", old.City == a.City},
	} {
		if !f.same {
			ch = append(ch, f.name)
		}
	}
	return ch
}

// Complex returns one complex with its occupancy today.
func (s *Service) Complex(ctx context.Context, a account.Actor, id int64) (*Complex, error) {
	if !a.Can(account.PermPortfolioRead) {
		return nil, validation.ErrForbidden
	}
	var c *Complex
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if c, err = complexByID(ctx, tx, id); err != nil {
			return err
		}
		ids, err := unitIDsOfComplex(ctx, tx, id)
		if err != nil {
			return err
		}
		on := s.today()
		st, err := s.statuses(ctx, tx, ids, on)
		if err != nil {
			return err
		}
		occ := &OccupancyCount{On: on, Total: len(ids)}
		for _, v := range st {
			switch v {
			case StatusLet:
				occ.Let++
			case StatusNotice:
				occ.Notice++
			default:
				occ.Vacant++
			}
		}
		c.Occupancy = occ
		return nil
	})
	return c, err
}

// ComplexFilter narrows ListComplexes.
type ComplexFilter struct {
	AfterID int64 // only complexes with a greater id (API cursor)
}

// Sort columns of ListComplexes; the first is the default.
var ComplexSorts = []string{"name", "city", "postcode", "id"}

// ListComplexes pages through the organisation's complexes. Search matches
// name, street, postcode and city.
func (s *Service) ListComplexes(ctx context.Context, a account.Actor, f ComplexFilter, q listing.Query) (listing.Page[Complex], error) {
	if !a.Can(account.PermPortfolioRead) {
		return listing.Page[Complex]{}, validation.ErrForbidden
	}
	q = q.Normalize(ComplexSorts...)
	var page listing.Page[Complex]
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		page, err = listComplexes(ctx, tx, f, q)
		return err
	})
	return page, err
}

// DeleteComplex removes a complex that has no units.
func (s *Service) DeleteComplex(ctx context.Context, a account.Actor, id int64) error {
	if !a.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		c, err := complexByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.Units > 0 {
			return ErrComplexInUse
		}
		if err := deleteComplex(ctx, tx, id); err != nil {
			if isForeignKeyViolation(err) {
				return ErrComplexInUse
			}
			return err
		}
		return s.record(ctx, tx, a, "complex.deleted", "complex", id, nil)
	})
}

// --- units ---

// checkUnit adds the field errors that need the database: the complex must
// be the organisation's and the address must be new (self is the unit's own
// id on update).
func checkUnit(ctx context.Context, tx *db.Tx, u Unit, self int64, fe validation.Errors) error {
	if u.ComplexID > 0 {
		ok, err := complexExists(ctx, tx, u.ComplexID)
		if err != nil {
			return err
		}
		if !ok {
			fe.Add("complex_id", "portfolio.complex_unknown")
		}
	}
	if !addressKeyValid(fe) {
		return nil
	}
	other, err := unitIDByAddress(ctx, tx, u.Address)
	if err != nil && !errors.Is(err, validation.ErrNotFound) {
		return err
	}
	if err == nil && other != self {
		fe.Add("postcode", "portfolio.unit_address_taken")
	}
	return nil
}

// addressKeyValid reports whether the fields that make a unit's address
// key (postcode, number, addition) passed their own checks.
func addressKeyValid(fe validation.Errors) bool {
	for _, f := range []string{"postcode", "house_number", "addition"} {
		if _, bad := fe[f]; bad {
			return false
		}
	}
	return true
}

// CreateUnit adds a unit. Its address (postcode, house number and addition)
// must not be another unit's.
func (s *Service) CreateUnit(ctx context.Context, a account.Actor, in UnitInput) (int64, error) {
	if !a.Can(account.PermPortfolioWrite) {
		return 0, validation.ErrForbidden
	}
	u, fe := in.parse()
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := checkUnit(ctx, tx, u, 0, fe); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		var err error
		if id, err = insertUnit(ctx, tx, u, s.clk.Now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "unit.created", "unit", id, unitDetails(u))
	})
	return id, err
}

func unitDetails(u Unit) map[string]string {
	d := map[string]string{"type": string(u.Type)}
	if u.ComplexID > 0 {
		d["complex_id"] = fmt.Sprint(u.ComplexID)
	}
	return d
}

// UpdateUnit changes a unit.
func (s *Service) UpdateUnit(ctx context.Context, a account.Actor, id int64, in UnitInput) error {
	if !a.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	u, fe := in.parse()
	u.ID = id
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		old, err := unitByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkUnit(ctx, tx, u, id, fe); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		changed, err := s.writeUnitUpdate(ctx, tx, *old, u)
		if err != nil || len(changed) == 0 {
			return err
		}
		return s.record(ctx, tx, a, "unit.updated", "unit", id, map[string]string{"fields": strings.Join(changed, ",")})
	})
}

// writeUnitUpdate stores u when it differs from old and says which fields
// changed.
func (s *Service) writeUnitUpdate(ctx context.Context, tx *db.Tx, old, u Unit) ([]string, error) {
	changed := unitChanges(old, u)
	if len(changed) == 0 {
		return nil, nil
	}
	return changed, updateUnit(ctx, tx, u, s.clk.Now())
}

func unitChanges(old, u Unit) []string {
	var ch []string
	if old.ComplexID != u.ComplexID {
		ch = append(ch, "complex_id")
	}
	ch = append(ch, addressChanges(old.Address, u.Address)...)
	oldWWS, newWWS := -1, -1
	if old.WWSPoints != nil {
		oldWWS = *old.WWSPoints
	}
	if u.WWSPoints != nil {
		newWWS = *u.WWSPoints
	}
	for _, f := range []struct {
		name string
		same bool
	}{
		{"type", old.Type == u.Type}, {"floor_area", old.FloorAreaTenths == u.FloorAreaTenths}, {"rooms", old.Rooms == u.Rooms},
		{"segment", old.Segment == u.Segment}, {"wws_points", oldWWS == newWWS}, {"energy_label", old.EnergyLabel == u.EnergyLabel},
	} {
		if !f.same {
			ch = append(ch, f.name)
		}
	}
	return ch
}

// Unit returns one unit with its status today.
func (s *Service) Unit(ctx context.Context, a account.Actor, id int64) (*Unit, error) {
	if !a.Can(account.PermPortfolioRead) {
		return nil, validation.ErrForbidden
	}
	var u *Unit
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if u, err = unitByID(ctx, tx, id); err != nil {
			return err
		}
		st, err := s.statuses(ctx, tx, []int64{id}, s.today())
		u.Status = st[id]
		return err
	})
	return u, err
}

// UnitFilter narrows ListUnits.
type UnitFilter struct {
	ComplexID int64 // only this complex's units
	AfterID   int64 // only units with a greater id (API cursor)
}

// Sort columns of ListUnits; the first is the default.
var UnitSorts = []string{"address", "postcode", "city", "type", "area", "id"}

// ListUnits pages through the organisation's units with their status
// today. Search matches street (with number), postcode, city and complex
// name. Only the page's units are asked for their status.
func (s *Service) ListUnits(ctx context.Context, a account.Actor, f UnitFilter, q listing.Query) (listing.Page[Unit], error) {
	if !a.Can(account.PermPortfolioRead) {
		return listing.Page[Unit]{}, validation.ErrForbidden
	}
	return s.listUnits(ctx, a, f, q)
}

// mayPickUnits: a unit's address is no personal data, and finance work
// (settlement keys and costs) picks units too.
func mayPickUnits(a account.Actor) bool {
	return a.Can(account.PermPortfolioRead) || a.Can(account.PermFinanceRead)
}

// PickUnits is ListUnits for a search picker of a form: members who may
// read the portfolio or the finances find units by address.
func (s *Service) PickUnits(ctx context.Context, a account.Actor, f UnitFilter, q listing.Query) (listing.Page[Unit], error) {
	if !mayPickUnits(a) {
		return listing.Page[Unit]{}, validation.ErrForbidden
	}
	return s.listUnits(ctx, a, f, q)
}

func (s *Service) listUnits(ctx context.Context, a account.Actor, f UnitFilter, q listing.Query) (listing.Page[Unit], error) {
	q = q.Normalize(UnitSorts...)
	var page listing.Page[Unit]
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if page, err = listUnits(ctx, tx, f, q); err != nil {
			return err
		}
		ids := make([]int64, len(page.Items))
		for i, u := range page.Items {
			ids[i] = u.ID
		}
		st, err := s.statuses(ctx, tx, ids, s.today())
		if err != nil {
			return err
		}
		for i := range page.Items {
			page.Items[i].Status = st[page.Items[i].ID]
		}
		return nil
	})
	return page, err
}

// DeleteUnit removes a unit with its meters and readings. A unit that a
// lease (or anything else) refers to is refused with ErrUnitInUse: a
// UnitReferrer says so, or a foreign key in the database.
func (s *Service) DeleteUnit(ctx context.Context, a account.Actor, id int64) error {
	if !a.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if _, err := unitByID(ctx, tx, id); err != nil {
			return err
		}
		if used, err := s.unitInUse(ctx, tx, id); err != nil {
			return err
		} else if used {
			return ErrUnitInUse
		}
		if err := deleteUnit(ctx, tx, id); err != nil {
			if isForeignKeyViolation(err) {
				return ErrUnitInUse
			}
			return err
		}
		return s.record(ctx, tx, a, "unit.deleted", "unit", id, nil)
	})
}

// UnitFacts is what the lease package needs to know about a unit.
type UnitFacts struct {
	ID, ComplexID   int64
	Type            UnitType
	Segment         Segment
	Residential     bool
	Address         string // one line: "Kerkstraat 12-A, 1234 AB Utrecht"
	FloorAreaTenths int64
}

// UnitFacts returns the facts of units inside the caller's transaction,
// without a permission check (the caller has checked). It fails with
// validation.ErrNotFound when any id is not a unit of tx's organisation.
func (s *Service) UnitFacts(ctx context.Context, tx *db.Tx, ids ...int64) (map[int64]UnitFacts, error) {
	want := slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make(map[int64]UnitFacts, len(want))
	for chunk := range slices.Chunk(want, occupancyChunk) {
		us, err := unitsByIDs(ctx, tx, chunk)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			out[u.ID] = UnitFacts{ID: u.ID, ComplexID: u.ComplexID, Type: u.Type, Segment: u.Segment,
				Residential: u.Type.Residential(), Address: u.Line(), FloorAreaTenths: u.FloorAreaTenths}
		}
	}
	if len(out) != len(want) {
		return nil, validation.ErrNotFound
	}
	return out, nil
}

// UnitNames gives the address lines of units for a page that shows them as
// a list does (the lease picker keeps the chosen units at its top). Any id
// that is not a unit of a's organisation is validation.ErrNotFound.
func (s *Service) UnitNames(ctx context.Context, a account.Actor, ids ...int64) (map[int64]string, error) {
	if !mayPickUnits(a) {
		return nil, validation.ErrForbidden
	}
	var out map[int64]string
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		facts, err := s.UnitFacts(ctx, tx, ids...)
		if err != nil {
			return err
		}
		out = make(map[int64]string, len(facts))
		for id, f := range facts {
			out[id] = f.Address
		}
		return nil
	})
	return out, err
}

// --- meters ---

// AddMeter gives a unit a meter; its number must be new for that kind of
// meter in the unit.
func (s *Service) AddMeter(ctx context.Context, a account.Actor, unitID int64, in MeterInput) (int64, error) {
	if !a.Can(account.PermPortfolioWrite) {
		return 0, validation.ErrForbidden
	}
	m, fe := in.parse()
	m.UnitID = unitID
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if _, err := unitByID(ctx, tx, unitID); err != nil {
			return err
		}
		if _, bad := fe["kind"]; !bad && m.Number != "" {
			taken, err := meterNumberTaken(ctx, tx, unitID, m.Kind, m.Number)
			if err != nil {
				return err
			}
			if taken {
				fe.Add("number", "portfolio.meter_number_taken")
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		var err error
		if id, err = insertMeter(ctx, tx, m, s.clk.Now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "meter.created", "meter", id, map[string]string{"unit_id": fmt.Sprint(unitID), "kind": string(m.Kind)})
	})
	return id, err
}

// Meters lists a unit's meters with their latest readings.
func (s *Service) Meters(ctx context.Context, a account.Actor, unitID int64) ([]Meter, error) {
	if !a.Can(account.PermPortfolioRead) {
		return nil, validation.ErrForbidden
	}
	var ms []Meter
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if _, err := unitByID(ctx, tx, unitID); err != nil {
			return err
		}
		var err error
		ms, err = metersOfUnit(ctx, tx, unitID)
		return err
	})
	return ms, err
}

// AddReading records a meter reading. A reading may not be dated before the
// meter's latest reading, nor on the same day, nor be lower than it.
func (s *Service) AddReading(ctx context.Context, a account.Actor, unitID, meterID int64, in ReadingInput) (int64, error) {
	if !a.Can(account.PermPortfolioWrite) {
		return 0, validation.ErrForbidden
	}
	r, fe := in.parse(s.today())
	r.MeterID = meterID
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		// Taking the meter's row first serialises readings of one meter, so
		// two at once cannot both pass the order check.
		if err := lockMeter(ctx, tx, unitID, meterID, s.clk.Now()); err != nil {
			return err
		}
		last, hasLast, err := latestReading(ctx, tx, meterID)
		if err != nil {
			return err
		}
		if hasLast {
			if _, bad := fe["date"]; !bad {
				switch c := r.On.Compare(last.On); {
				case c < 0:
					fe.Add("date", "portfolio.reading_before_previous")
				case c == 0:
					fe.Add("date", "portfolio.reading_date_taken")
				}
			}
			if _, bad := fe["value"]; !bad && r.Value < last.Value {
				fe.Add("value", "portfolio.reading_lower")
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if id, err = insertReading(ctx, tx, r, a.UserID, s.clk.Now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "meter.reading_recorded", "meter_reading", id, map[string]string{"meter_id": fmt.Sprint(meterID)})
	})
	return id, err
}

// ReadingFilter narrows Readings.
type ReadingFilter struct {
	AfterID int64 // only readings with a greater id (API cursor)
}

// Sort columns of Readings; the first is the default.
var ReadingSorts = []string{"date", "id"}

// Readings pages through a meter's readings.
func (s *Service) Readings(ctx context.Context, a account.Actor, unitID, meterID int64, f ReadingFilter,
	q listing.Query) (listing.Page[Reading], error) {
	if !a.Can(account.PermPortfolioRead) {
		return listing.Page[Reading]{}, validation.ErrForbidden
	}
	q = q.Normalize(ReadingSorts...)
	var page listing.Page[Reading]
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		m, err := meterOf(ctx, tx, unitID, meterID)
		if err != nil {
			return err
		}
		if page, err = listReadings(ctx, tx, meterID, f, q); err != nil {
			return err
		}
		for i := range page.Items {
			page.Items[i].Measure = m.Measure
		}
		return nil
	})
	return page, err
}
