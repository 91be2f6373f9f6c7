package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
)

// The portfolio operations: complexes, units, meters and readings.

func init() {
	areas = append(areas, func(a *API) {
		read, write := account.PermPortfolioRead, account.PermPortfolioWrite
		op(a, http.MethodGet, "/complexes", "list-complexes", "List complexes", read, a.listComplexes)
		op(a, http.MethodPost, "/complexes", "create-complex", "Create a complex", write, a.createComplex)
		op(a, http.MethodGet, "/complexes/{id}", "get-complex", "Get a complex with its occupancy", read, a.getComplex)
		op(a, http.MethodPut, "/complexes/{id}", "update-complex", "Replace a complex's name and address", write, a.updateComplex)
		op(a, http.MethodDelete, "/complexes/{id}", "delete-complex", "Delete a complex without units", write, a.deleteComplex)
		op(a, http.MethodGet, "/units", "list-units", "List units with their status", read, a.listUnits)
		op(a, http.MethodPost, "/units", "create-unit", "Create a unit", write, a.createUnit)
		op(a, http.MethodGet, "/units/{id}", "get-unit", "Get a unit", read, a.getUnit)
		op(a, http.MethodPut, "/units/{id}", "update-unit", "Replace a unit", write, a.updateUnit)
		op(a, http.MethodDelete, "/units/{id}", "delete-unit", "Delete a unit that no lease refers to", write, a.deleteUnit)
		op(a, http.MethodGet, "/units/{id}/meters", "list-meters", "List a unit's meters", read, a.listMeters)
		op(a, http.MethodPost, "/units/{id}/meters", "create-meter", "Add a meter to a unit", write, a.createMeter)
		op(a, http.MethodGet, "/units/{id}/meters/{meter_id}/readings", "list-readings", "List a meter's readings", read, a.listReadings)
		op(a, http.MethodPost, "/units/{id}/meters/{meter_id}/readings", "create-reading", "Record a meter reading", write, a.createReading)
	})
}

// --- complexes ---

// ComplexBody is a complex as sent.
type ComplexBody struct {
	Name        string `json:"name" maxLength:"120"`
	Street      string `json:"street,omitempty"`
	HouseNumber int    `json:"house_number,omitempty" doc:"0 or absent: none"`
	Addition    string `json:"addition,omitempty"`
	Postcode    string `json:"postcode,omitempty" doc:"Dutch postcode, stored as 1234 AB"`
	City        string `json:"city,omitempty"`
}

func (b ComplexBody) input() portfolio.ComplexInput {
	return portfolio.ComplexInput{Name: b.Name, Street: b.Street, HouseNumber: pfNumber(b.HouseNumber), Addition: b.Addition,
		Postcode: b.Postcode, City: b.City}
}

func pfNumber(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// OccupancyJSON counts a complex's units by status.
type OccupancyJSON struct {
	On          civil.Date `json:"on" doc:"The date the statuses are for (today)"`
	Total       int        `json:"total"`
	Let         int        `json:"let"`
	Notice      int        `json:"notice" doc:"Let, with notice given"`
	Vacant      int        `json:"vacant"`
	LetPermille int        `json:"let_permille" doc:"Share let (with or without notice), in tenths of a percent"`
}

// ComplexJSON is a complex.
type ComplexJSON struct {
	ID          int64          `json:"id"`
	Name        string         `json:"name"`
	Street      string         `json:"street"`
	HouseNumber int            `json:"house_number" doc:"0: none"`
	Addition    string         `json:"addition"`
	Postcode    string         `json:"postcode"`
	City        string         `json:"city"`
	Address     string         `json:"address" doc:"The address on one line"`
	Units       int            `json:"units" doc:"Number of units in the complex"`
	Occupancy   *OccupancyJSON `json:"occupancy,omitempty" doc:"Only when a single complex is read"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

func complexJSON(c portfolio.Complex) ComplexJSON {
	j := ComplexJSON{ID: c.ID, Name: c.Name, Street: c.Street, HouseNumber: c.HouseNumber, Addition: c.Addition, Postcode: c.Postcode,
		City: c.City, Address: c.Line(), Units: c.Units, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if o := c.Occupancy; o != nil {
		j.Occupancy = &OccupancyJSON{On: o.On, Total: o.Total, Let: o.Let, Notice: o.Notice, Vacant: o.Vacant, LetPermille: o.LetPermille()}
	}
	return j
}

// ListComplexesInput pages through complexes.
type ListComplexesInput struct {
	Q string `query:"q" doc:"Search name, street, postcode and city"`
	PageInput
}

// ComplexesOutput is a page of complexes.
type ComplexesOutput struct {
	Body Page[ComplexJSON]
}

// ComplexOutput is one complex.
type ComplexOutput struct {
	Status int
	Body   ComplexJSON
}

// CreateComplexInput creates a complex.
type CreateComplexInput struct {
	Body ComplexBody
}

// UpdateComplexInput replaces a complex.
type UpdateComplexInput struct {
	ID   int64 `path:"id"`
	Body ComplexBody
}

// PortfolioIDInput names a complex or unit.
type PortfolioIDInput struct {
	ID int64 `path:"id"`
}

func (a *API) listComplexes(ctx context.Context, act account.Actor, in *ListComplexesInput) (*ComplexesOutput, error) {
	after, err := in.afterID()
	if err != nil {
		return nil, err
	}
	page, err := a.Portfolio.ListComplexes(ctx, act, portfolio.ComplexFilter{AfterID: after},
		listing.Query{Search: in.Q, Sort: "id", Limit: in.limit() + 1})
	if err != nil {
		return nil, err
	}
	return &ComplexesOutput{Body: pageByID(page.Items, in.PageInput, func(c portfolio.Complex) int64 { return c.ID }, complexJSON)}, nil
}

func (a *API) complexOutput(ctx context.Context, act account.Actor, id int64, status int) (*ComplexOutput, error) {
	c, err := a.Portfolio.Complex(ctx, act, id)
	if err != nil {
		return nil, err
	}
	return &ComplexOutput{Status: status, Body: complexJSON(*c)}, nil
}

func (a *API) createComplex(ctx context.Context, act account.Actor, in *CreateComplexInput) (*ComplexOutput, error) {
	id, err := a.Portfolio.CreateComplex(ctx, act, in.Body.input())
	if err != nil {
		return nil, err
	}
	return a.complexOutput(ctx, act, id, http.StatusCreated)
}

func (a *API) getComplex(ctx context.Context, act account.Actor, in *PortfolioIDInput) (*ComplexOutput, error) {
	return a.complexOutput(ctx, act, in.ID, http.StatusOK)
}

func (a *API) updateComplex(ctx context.Context, act account.Actor, in *UpdateComplexInput) (*ComplexOutput, error) {
	if err := a.Portfolio.UpdateComplex(ctx, act, in.ID, in.Body.input()); err != nil {
		return nil, err
	}
	return a.complexOutput(ctx, act, in.ID, http.StatusOK)
}

func (a *API) deleteComplex(ctx context.Context, act account.Actor, in *PortfolioIDInput) (*NoContent, error) {
	if err := a.Portfolio.DeleteComplex(ctx, act, in.ID); err != nil {
		return nil, err
	}
	return &NoContent{Status: http.StatusNoContent}, nil
}

// --- units ---

// UnitBody is a unit as sent.
type UnitBody struct {
	ComplexID       int64              `json:"complex_id,omitempty" doc:"The complex the unit belongs to; 0 or absent for a stand-alone unit"`
	Street          string             `json:"street" maxLength:"100"`
	HouseNumber     int                `json:"house_number"`
	Addition        string             `json:"addition,omitempty" doc:"Toevoeging, stored in capitals (12-A)"`
	Postcode        string             `json:"postcode" doc:"Dutch postcode, stored as 1234 AB"`
	City            string             `json:"city" maxLength:"80"`
	Type            portfolio.UnitType `json:"type"`
	FloorAreaTenths int64              `json:"floor_area_tenths,omitempty" doc:"Tenths of m² (625 = 62.5 m²); optional for parking, storage"`
	Rooms           int                `json:"rooms,omitempty"`
	Segment         portfolio.Segment  `json:"segment"`
	WWSPoints       *int               `json:"wws_points,omitempty" doc:"Woningwaarderingsstelsel points; absent when not known"`
	EnergyLabel     string             `json:"energy_label,omitempty" doc:"A++++ … G, or empty"`
}

// pfUnitFieldNames maps the service's field names to the body's.
var pfUnitFieldNames = map[string]string{"floor_area": "floor_area_tenths"}

func (b UnitBody) input() portfolio.UnitInput {
	in := portfolio.UnitInput{ComplexID: b.ComplexID, Street: b.Street, HouseNumber: pfNumber(b.HouseNumber), Addition: b.Addition,
		Postcode: b.Postcode, City: b.City, Type: portfolio.UnitType(b.Type), Rooms: strconv.Itoa(b.Rooms),
		Segment: portfolio.Segment(b.Segment), EnergyLabel: b.EnergyLabel}
	switch {
	case b.FloorAreaTenths < 0:
		in.FloorArea = "-1" // refused as invalid
	case b.FloorAreaTenths > 0:
		in.FloorArea = portfolio.FormatArea(b.FloorAreaTenths, ".")
	}
	if b.WWSPoints != nil {
		in.WWSPoints = strconv.Itoa(*b.WWSPoints)
	}
	return in
}

// pfRenameFields gives field errors the names of the JSON body.
func pfRenameFields(err error, names map[string]string) error {
	fe, ok := validation.AsFields(err)
	if !ok {
		return err
	}
	out := validation.Errors{}
	for f, m := range fe {
		if n, ok := names[f]; ok {
			f = n
		}
		out[f] = m
	}
	return out
}

// UnitJSON is a unit.
type UnitJSON struct {
	ID              int64              `json:"id"`
	ComplexID       int64              `json:"complex_id,omitempty"`
	ComplexName     string             `json:"complex_name,omitempty"`
	Street          string             `json:"street"`
	HouseNumber     int                `json:"house_number"`
	Addition        string             `json:"addition"`
	Postcode        string             `json:"postcode"`
	City            string             `json:"city"`
	Address         string             `json:"address" doc:"The address on one line"`
	Type            portfolio.UnitType `json:"type"`
	Residential     bool               `json:"residential"`
	FloorAreaTenths int64              `json:"floor_area_tenths" doc:"Tenths of m²; 0 when not stated"`
	Rooms           int                `json:"rooms"`
	Segment         portfolio.Segment  `json:"segment"`
	WWSPoints       *int               `json:"wws_points" doc:"null when not known"`
	EnergyLabel     string             `json:"energy_label"`
	Status          portfolio.Status   `json:"status" doc:"Today, from the unit's leases"`
	CreatedAt       time.Time          `json:"created_at"`
	UpdatedAt       time.Time          `json:"updated_at"`
}

func unitJSON(u portfolio.Unit) UnitJSON {
	return UnitJSON{ID: u.ID, ComplexID: u.ComplexID, ComplexName: u.ComplexName, Street: u.Street, HouseNumber: u.HouseNumber,
		Addition: u.Addition, Postcode: u.Postcode, City: u.City, Address: u.Line(), Type: u.Type, Residential: u.Type.Residential(),
		FloorAreaTenths: u.FloorAreaTenths, Rooms: u.Rooms, Segment: u.Segment, WWSPoints: u.WWSPoints, EnergyLabel: u.EnergyLabel,
		Status: u.Status, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

// ListUnitsInput pages through units.
type ListUnitsInput struct {
	Q       string `query:"q" doc:"Search street (with number), postcode, city and complex name"`
	Complex int64  `query:"complex" doc:"Only this complex's units"`
	PageInput
}

// UnitsOutput is a page of units.
type UnitsOutput struct {
	Body Page[UnitJSON]
}

// UnitOutput is one unit.
type UnitOutput struct {
	Status int
	Body   UnitJSON
}

// CreateUnitInput creates a unit.
type CreateUnitInput struct {
	Body UnitBody
}

// UpdateUnitInput replaces a unit.
type UpdateUnitInput struct {
	ID   int64 `path:"id"`
	Body UnitBody
}

func (a *API) listUnits(ctx context.Context, act account.Actor, in *ListUnitsInput) (*UnitsOutput, error) {
	after, err := in.afterID()
	if err != nil {
		return nil, err
	}
	page, err := a.Portfolio.ListUnits(ctx, act, portfolio.UnitFilter{ComplexID: in.Complex, AfterID: after},
		listing.Query{Search: in.Q, Sort: "id", Limit: in.limit() + 1, NoTotal: true})
	if err != nil {
		return nil, err
	}
	return &UnitsOutput{Body: pageByID(page.Items, in.PageInput, func(u portfolio.Unit) int64 { return u.ID }, unitJSON)}, nil
}

func (a *API) unitOutput(ctx context.Context, act account.Actor, id int64, status int) (*UnitOutput, error) {
	u, err := a.Portfolio.Unit(ctx, act, id)
	if err != nil {
		return nil, err
	}
	return &UnitOutput{Status: status, Body: unitJSON(*u)}, nil
}

func (a *API) createUnit(ctx context.Context, act account.Actor, in *CreateUnitInput) (*UnitOutput, error) {
	id, err := a.Portfolio.CreateUnit(ctx, act, in.Body.input())
	if err != nil {
		return nil, pfRenameFields(err, pfUnitFieldNames)
	}
	return a.unitOutput(ctx, act, id, http.StatusCreated)
}

func (a *API) getUnit(ctx context.Context, act account.Actor, in *PortfolioIDInput) (*UnitOutput, error) {
	return a.unitOutput(ctx, act, in.ID, http.StatusOK)
}

func (a *API) updateUnit(ctx context.Context, act account.Actor, in *UpdateUnitInput) (*UnitOutput, error) {
	if err := a.Portfolio.UpdateUnit(ctx, act, in.ID, in.Body.input()); err != nil {
		return nil, pfRenameFields(err, pfUnitFieldNames)
	}
	return a.unitOutput(ctx, act, in.ID, http.StatusOK)
}

func (a *API) deleteUnit(ctx context.Context, act account.Actor, in *PortfolioIDInput) (*NoContent, error) {
	if err := a.Portfolio.DeleteUnit(ctx, act, in.ID); err != nil {
		return nil, err
	}
	return &NoContent{Status: http.StatusNoContent}, nil
}

// --- meters and readings ---

// ReadingJSON is a meter reading.
type ReadingJSON struct {
	ID        int64      `json:"id"`
	MeterID   int64      `json:"meter_id"`
	Date      civil.Date `json:"date"`
	Value     int64      `json:"value"`
	Unit      string     `json:"unit" doc:"The meter's unit: m3, kWh, GJ or units"`
	CreatedAt time.Time  `json:"created_at"`
}

func readingJSON(r portfolio.Reading) ReadingJSON {
	return ReadingJSON{ID: r.ID, MeterID: r.MeterID, Date: r.On, Value: r.Value, Unit: r.Measure, CreatedAt: r.CreatedAt}
}

// MeterJSON is a meter with its latest reading.
type MeterJSON struct {
	ID          int64               `json:"id"`
	UnitID      int64               `json:"unit_id"`
	Kind        portfolio.MeterKind `json:"kind"`
	Number      string              `json:"number"`
	Unit        string              `json:"unit" doc:"Unit of the readings: m3, kWh, GJ or units"`
	LastReading *ReadingJSON        `json:"last_reading,omitempty"`
	CreatedAt   time.Time           `json:"created_at"`
}

func meterJSON(m portfolio.Meter) MeterJSON {
	j := MeterJSON{ID: m.ID, UnitID: m.UnitID, Kind: m.Kind, Number: m.Number, Unit: m.Measure, CreatedAt: m.CreatedAt}
	if m.Last != nil {
		r := readingJSON(*m.Last)
		j.LastReading = &r
	}
	return j
}

// MetersOutput is a page of a unit's meters.
type MetersOutput struct {
	Body Page[MeterJSON]
}

// CreateMeterInput adds a meter.
type CreateMeterInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Kind   portfolio.MeterKind `json:"kind"`
		Number string              `json:"number" maxLength:"40"`
		Unit   string              `json:"unit,omitempty" doc:"m3 (gas, water), kWh (electricity, heat), GJ, units (heat); default by kind"`
	}
}

// MeterOutput is one meter.
type MeterOutput struct {
	Status int
	Body   MeterJSON
}

// ReadingsPathInput names a meter of a unit and pages through its readings
// in id order (oldest first).
type ReadingsPathInput struct {
	ID      int64 `path:"id"`
	MeterID int64 `path:"meter_id"`
	PageInput
}

// ReadingsOutput is a page of readings.
type ReadingsOutput struct {
	Body Page[ReadingJSON]
}

// CreateReadingInput records a reading.
type CreateReadingInput struct {
	ID      int64 `path:"id"`
	MeterID int64 `path:"meter_id"`
	Body    struct {
		Date  string `json:"date" doc:"ISO date (2026-03-01); not before the meter's latest reading, not in the future"`
		Value int64  `json:"value" doc:"Whole number, not lower than the meter's latest reading"`
	}
}

// ReadingOutput is one reading.
type ReadingOutput struct {
	Status int
	Body   ReadingJSON
}

func (a *API) listMeters(ctx context.Context, act account.Actor, in *IDPageInput) (*MetersOutput, error) {
	ms, err := a.Portfolio.Meters(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	items := make([]MeterJSON, 0, len(ms))
	for _, m := range ms {
		items = append(items, meterJSON(m))
	}
	page, err := pageOf(items, in.PageInput, func(m MeterJSON) string { return idKey(m.ID) })
	if err != nil {
		return nil, err
	}
	return &MetersOutput{Body: page}, nil
}

func (a *API) createMeter(ctx context.Context, act account.Actor, in *CreateMeterInput) (*MeterOutput, error) {
	id, err := a.Portfolio.AddMeter(ctx, act, in.ID,
		portfolio.MeterInput{Kind: portfolio.MeterKind(in.Body.Kind), Number: in.Body.Number, Measure: in.Body.Unit})
	if err != nil {
		return nil, err
	}
	ms, err := a.Portfolio.Meters(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.ID == id {
			return &MeterOutput{Status: http.StatusCreated, Body: meterJSON(m)}, nil
		}
	}
	return nil, validation.ErrNotFound
}

func (a *API) listReadings(ctx context.Context, act account.Actor, in *ReadingsPathInput) (*ReadingsOutput, error) {
	after, err := in.afterID()
	if err != nil {
		return nil, err
	}
	page, err := a.Portfolio.Readings(ctx, act, in.ID, in.MeterID, portfolio.ReadingFilter{AfterID: after},
		listing.Query{Sort: "id", Limit: in.limit() + 1})
	if err != nil {
		return nil, err
	}
	return &ReadingsOutput{Body: pageByID(page.Items, in.PageInput, func(r portfolio.Reading) int64 { return r.ID }, readingJSON)}, nil
}

func (a *API) createReading(ctx context.Context, act account.Actor, in *CreateReadingInput) (*ReadingOutput, error) {
	id, err := a.Portfolio.AddReading(ctx, act, in.ID, in.MeterID,
		portfolio.ReadingInput{On: in.Body.Date, Value: strconv.FormatInt(in.Body.Value, 10)})
	if err != nil {
		return nil, err
	}
	page, err := a.Portfolio.Readings(ctx, act, in.ID, in.MeterID, portfolio.ReadingFilter{AfterID: id - 1},
		listing.Query{Sort: "id", Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(page.Items) == 0 || page.Items[0].ID != id {
		return nil, validation.ErrNotFound
	}
	return &ReadingOutput{Status: http.StatusCreated, Body: readingJSON(page.Items[0])}, nil
}
