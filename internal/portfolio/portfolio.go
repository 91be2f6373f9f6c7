package portfolio

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"hms/internal/nl"
	"hms/internal/platform/address"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
)

// UnitType is what kind of space a unit is.
type UnitType string

const (
	TypeZelfstandig    UnitType = "zelfstandig"    // zelfstandige woning
	TypeOnzelfstandig  UnitType = "onzelfstandig"  // onzelfstandige woonruimte (kamer)
	TypeBedrijfsruimte UnitType = "bedrijfsruimte" // commercial premises
	TypeParkeerplaats  UnitType = "parkeerplaats"
	TypeBerging        UnitType = "berging"
)

// UnitTypes in display order.
var UnitTypes = []UnitType{TypeZelfstandig, TypeOnzelfstandig, TypeBedrijfsruimte, TypeParkeerplaats, TypeBerging}

// Valid reports whether t is a known type.
func (t UnitType) Valid() bool { return slices.Contains(UnitTypes, t) }

// Residential reports whether t is living space (zelfstandig or
// onzelfstandig), which tenancy law treats differently.
func (t UnitType) Residential() bool { return t == TypeZelfstandig || t == TypeOnzelfstandig }

// needsArea reports whether a unit of type t must state its floor area.
func (t UnitType) needsArea() bool { return t.Residential() || t == TypeBedrijfsruimte }

// Segment is the rent regime a unit is let in.
type Segment string

const (
	SegmentSociaal     Segment = "sociaal"
	SegmentMiddenhuur  Segment = "middenhuur"
	SegmentVrij        Segment = "vrije_sector"
	SegmentCommercieel Segment = "commercieel"
)

// Segments in display order.
var Segments = []Segment{SegmentSociaal, SegmentMiddenhuur, SegmentVrij, SegmentCommercieel}

// Valid reports whether s is a known segment.
func (s Segment) Valid() bool { return slices.Contains(Segments, s) }

// EnergyLabels are the labels a unit may have, best first; "" is none.
var EnergyLabels = []string{"A++++", "A+++", "A++", "A+", "A", "B", "C", "D", "E", "F", "G"}

// Status is a unit's occupancy on a date; the lease package decides it.
type Status string

const (
	StatusVacant Status = "vacant"
	StatusLet    Status = "let"
	StatusNotice Status = "notice" // let, with notice given
)

// Statuses in display order.
var Statuses = []Status{StatusLet, StatusNotice, StatusVacant}

// MeterKind is what a meter measures.
type MeterKind string

const (
	MeterGas         MeterKind = "gas"
	MeterElectricity MeterKind = "electricity"
	MeterWater       MeterKind = "water"
	MeterHeat        MeterKind = "heat"
)

// MeterKinds in display order.
var MeterKinds = []MeterKind{MeterElectricity, MeterGas, MeterWater, MeterHeat}

// Measures lists the units of measurement a kind of meter may read in, the
// default first.
var Measures = map[MeterKind][]string{
	MeterGas:         {"m3"},
	MeterElectricity: {"kWh"},
	MeterWater:       {"m3"},
	MeterHeat:        {"GJ", "kWh", "units"}, // "units": heat cost allocator units
}

// Valid reports whether k is a known kind of meter.
func (k MeterKind) Valid() bool { _, ok := Measures[k]; return ok }

// Address is where a complex or unit is. For a complex every part is
// optional; a unit needs street, number, postcode and city.
type Address struct {
	Street      string
	HouseNumber int // 0: none
	Addition    string
	Postcode    string // "1234 AB"
	City        string
}

// parts is the address for the house formatter.
func (a Address) parts() address.Parts {
	n := ""
	if a.HouseNumber != 0 {
		n = strconv.Itoa(a.HouseNumber)
	}
	return address.Parts{Street: a.Street, Number: n, Addition: a.Addition, Postcode: a.Postcode, City: a.City}
}

// Number is the house number with its addition: "12", "12-A".
func (a Address) Number() string { p := a.parts(); return address.Number(p.Number, p.Addition) }

// StreetLine is street and number: "Kerkstraat 12-A".
func (a Address) StreetLine() string { return a.parts().StreetLine() }

// Place is postcode and city: "1234 AB Utrecht".
func (a Address) Place() string { return a.parts().Place() }

// Line is the address on one line: "Kerkstraat 12-A, 1234 AB Utrecht".
func (a Address) Line() string { return a.parts().Line() }

// Complex is a group of units that share an address and costs.
type Complex struct {
	ID   int64
	Name string
	Address
	Units     int             // number of units in the complex
	Occupancy *OccupancyCount // only from Service.Complex
	CreatedAt time.Time
	UpdatedAt time.Time
}

// OccupancyCount counts a group of units by status on a date.
type OccupancyCount struct {
	On                         civil.Date
	Total, Let, Notice, Vacant int
}

// LetPermille is the share of units that are let (with or without notice
// given) in tenths of a percent, rounded half up.
func (o OccupancyCount) LetPermille() int {
	if o.Total == 0 {
		return 0
	}
	return ((o.Let+o.Notice)*1000*2 + o.Total) / (2 * o.Total)
}

// Unit is a verhuureenheid: what a lease lets.
type Unit struct {
	ID          int64
	ComplexID   int64 // 0: stands alone
	ComplexName string
	Address
	Type            UnitType
	FloorAreaTenths int64 // m² × 10; 0 when not stated
	Rooms           int
	Segment         Segment
	WWSPoints       *int // nil: not known
	EnergyLabel     string
	Status          Status // today, from the leases
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Meter is a gas, electricity, water or heat meter of a unit.
type Meter struct {
	ID        int64
	UnitID    int64
	Kind      MeterKind
	Number    string
	Measure   string   // unit of the readings
	Last      *Reading // the latest reading, if any
	CreatedAt time.Time
}

// Reading is a meter's value on a date, in the meter's Measure.
type Reading struct {
	ID        int64
	MeterID   int64
	On        civil.Date
	Value     int64
	Measure   string
	CreatedAt time.Time
}

// ComplexInput is a complex as typed in a form, a JSON body or an import row.
type ComplexInput struct {
	Name        string
	Street      string
	HouseNumber string
	Addition    string
	Postcode    string
	City        string
}

// UnitInput is a unit as typed in a form, a JSON body or an import row.
// Numbers are text so that every channel gets the same checks and messages:
// FloorArea is m² with at most one decimal ("62", "62,5" or "62.5"),
// HouseNumber may carry its addition ("12a", "12-A") when Addition is empty.
type UnitInput struct {
	ComplexID   int64 // 0: not in a complex
	Street      string
	HouseNumber string
	Addition    string
	Postcode    string
	City        string
	Type        UnitType
	FloorArea   string
	Rooms       string
	Segment     Segment
	WWSPoints   string // "" when not known
	EnergyLabel string
}

// MeterInput adds a meter. Measure "" takes the kind's default.
type MeterInput struct {
	Kind    MeterKind
	Number  string
	Measure string
}

// ReadingInput records a reading: a date (ISO or Dutch) and a whole,
// non-negative number.
type ReadingInput struct {
	On    string
	Value string
}

// Field limits.
const (
	maxName     = 120
	maxStreet   = 100
	maxCity     = 80
	maxAddition = 10
	maxMeterNo  = 40
	maxHouseNo  = 99999
	maxRooms    = 999
	maxWWS      = 9999
	maxAreaM2   = 1_000_000
)

// cleanText trims and collapses white space.
func cleanText(s string) string { return strings.Join(strings.Fields(s), " ") }

// nameKey is how complex names are compared: case and spacing do not count.
func nameKey(name string) string { return strings.ToLower(cleanText(name)) }

// normalizeAddition upper-cases a toevoeging and drops a leading dash:
// "-a" and "A" are the same addition. It returns ok=false when it holds
// other characters than letters, digits, spaces and inner dashes ("2-hoog").
func normalizeAddition(s string) (string, bool) {
	s = cleanText(strings.TrimLeft(strings.TrimSpace(s), "-/ "))
	s = strings.ToUpper(s)
	for _, r := range s {
		if !(r == ' ' || r == '-' || (r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)))) {
			return "", false
		}
	}
	return s, len(s) <= maxAddition && !strings.HasSuffix(s, "-")
}

// typeAliases are other ways people write a unit type (lower case).
var typeAliases = map[string]UnitType{
	"zelfstandige woning": TypeZelfstandig, "woning": TypeZelfstandig,
	"onzelfstandige woonruimte": TypeOnzelfstandig, "onzelfstandig (kamer)": TypeOnzelfstandig, "kamer": TypeOnzelfstandig,
	"parkeren": TypeParkeerplaats, "garage": TypeParkeerplaats,
}

// ParseUnitType reads a unit type in any case, also as "zelfstandige
// woning", "kamer" and the like; it returns "" for anything else.
func ParseUnitType(s string) UnitType {
	k := strings.ToLower(cleanText(s))
	if t := UnitType(k); t.Valid() {
		return t
	}
	return typeAliases[k]
}

// segmentAliases are other ways people write a segment (lower case, with
// spaces and dashes as underscores).
var segmentAliases = map[string]Segment{
	"sociale_huur": SegmentSociaal, "sociale_sector": SegmentSociaal, "gereguleerd": SegmentSociaal,
	"midden": SegmentMiddenhuur, "vrij": SegmentVrij, "geliberaliseerd": SegmentVrij, "vrije_huur": SegmentVrij,
	"commercial": SegmentCommercieel, "zakelijk": SegmentCommercieel,
}

// ParseSegment reads a segment in any case, with spaces or dashes ("vrije
// sector"); it returns "" for anything else.
func ParseSegment(s string) Segment {
	k := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(cleanText(s)))
	if g := Segment(k); g.Valid() {
		return g
	}
	return segmentAliases[k]
}

// parseHouseNumber reads "12", or "12a"/"12-A"/"12 bis" when the addition is
// given in the same field.
func parseHouseNumber(s string) (n int, addition string, ok bool) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 5 || s[0] == '0' {
		return 0, "", false
	}
	n, _ = strconv.Atoi(s[:i])
	return n, s[i:], n >= 1 && n <= maxHouseNo
}

// parseAddress checks and normalises the address fields into fe. With
// required, street, number, postcode and city must be present.
func parseAddress(street, number, addition, postcode, city string, required bool, fe validation.Errors) Address {
	a := Address{Street: cleanText(street), City: cleanText(city)}
	if a.Street == "" && required {
		fe.Add("street", "field.required")
	} else if len(a.Street) > maxStreet {
		fe.Add("street", "portfolio.too_long")
	}
	if a.City == "" && required {
		fe.Add("city", "field.required")
	} else if len(a.City) > maxCity {
		fe.Add("city", "portfolio.too_long")
	}
	number = strings.TrimSpace(number)
	var extra string
	switch {
	case number == "" && required:
		fe.Add("house_number", "field.required")
	case number != "":
		n, rest, ok := parseHouseNumber(number)
		if !ok {
			fe.Add("house_number", "portfolio.house_number_invalid")
		}
		a.HouseNumber, extra = n, rest
	}
	add, ok := normalizeAddition(addition)
	if !ok {
		fe.Add("addition", "portfolio.addition_invalid")
	}
	if extra != "" {
		x, ok := normalizeAddition(extra)
		switch {
		case !ok:
			fe.Add("house_number", "portfolio.house_number_invalid")
		case add != "" && x != "" && add != x:
			fe.Add("addition", "portfolio.addition_twice")
		case x != "":
			add = x
		}
	}
	a.Addition = add
	if a.Addition != "" && a.HouseNumber == 0 {
		fe.Add("house_number", "field.required")
	}
	if strings.TrimSpace(postcode) == "" {
		if required {
			fe.Add("postcode", "field.required")
		}
	} else if pc, err := nl.NormalizePostcode(postcode); err != nil {
		fe.Add("postcode", "portfolio.postcode_invalid")
	} else {
		a.Postcode = pc
	}
	return a
}

// parse checks a complex.
func (in ComplexInput) parse() (Complex, validation.Errors) {
	fe := validation.Errors{}
	c := Complex{Name: cleanText(in.Name)}
	if c.Name == "" {
		fe.Add("name", "field.required")
	} else if len(c.Name) > maxName {
		fe.Add("name", "portfolio.too_long")
	}
	c.Address = parseAddress(in.Street, in.HouseNumber, in.Addition, in.Postcode, in.City, false, fe)
	return c, fe
}

// ParseArea reads a floor area in m² with at most one decimal ("62",
// "62,5", "62.5") as tenths of m².
func ParseArea(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "m²"))
	whole, frac, hasFrac := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	if whole == "" || len(whole) > 7 || !allDigits(whole) || (hasFrac && (len(frac) != 1 || !allDigits(frac))) {
		return 0, false
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	t := w * 10
	if hasFrac {
		t += int64(frac[0] - '0')
	}
	return t, t <= maxAreaM2*10
}

// FormatArea writes tenths of m² with decimal separator sep and no trailing
// ",0": 625 → "62,5", 620 → "62".
func FormatArea(tenths int64, sep string) string {
	if tenths%10 == 0 {
		return strconv.FormatInt(tenths/10, 10)
	}
	return fmt.Sprintf("%d%s%d", tenths/10, sep, tenths%10)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseCount reads a whole number 0..max; "" is 0 unless optional reports it.
func parseCount(s string, max int) (int, bool) {
	s = strings.TrimSpace(s)
	if !allDigits(s) || len(s) > 6 {
		return 0, false
	}
	n, _ := strconv.Atoi(s)
	return n, n <= max
}

// parse checks a unit. The complex's existence is checked by the store.
func (in UnitInput) parse() (Unit, validation.Errors) {
	fe := validation.Errors{}
	u := Unit{ComplexID: in.ComplexID}
	if in.ComplexID < 0 {
		fe.Add("complex_id", "portfolio.complex_unknown")
	}
	u.Address = parseAddress(in.Street, in.HouseNumber, in.Addition, in.Postcode, in.City, true, fe)
	if strings.TrimSpace(string(in.Type)) == "" {
		fe.Add("type", "field.required")
	} else if u.Type = ParseUnitType(string(in.Type)); u.Type == "" {
		fe.Add("type", "portfolio.type_invalid")
	}
	u.Segment = ParseSegment(string(in.Segment))
	switch {
	case strings.TrimSpace(string(in.Segment)) == "" && u.Type == TypeBedrijfsruimte:
		u.Segment = SegmentCommercieel // the only segment commercial premises can be in
	case strings.TrimSpace(string(in.Segment)) == "":
		fe.Add("segment", "field.required")
	case u.Segment == "":
		fe.Add("segment", "portfolio.segment_invalid")
	case u.Type == TypeBedrijfsruimte && u.Segment != SegmentCommercieel:
		fe.Add("segment", "portfolio.segment_commercial_only")
	case u.Type.Residential() && u.Segment == SegmentCommercieel:
		fe.Add("segment", "portfolio.segment_not_residential")
	}
	if strings.TrimSpace(in.FloorArea) == "" {
		if u.Type.needsArea() {
			fe.Add("floor_area", "field.required")
		}
	} else if t, ok := ParseArea(in.FloorArea); !ok {
		fe.Add("floor_area", "portfolio.floor_area_invalid")
	} else if t == 0 && u.Type.needsArea() {
		fe.Add("floor_area", "portfolio.floor_area_invalid")
	} else {
		u.FloorAreaTenths = t
	}
	if strings.TrimSpace(in.Rooms) != "" {
		n, ok := parseCount(in.Rooms, maxRooms)
		if !ok {
			fe.Add("rooms", "portfolio.rooms_invalid")
		}
		u.Rooms = n
	}
	if strings.TrimSpace(in.WWSPoints) != "" {
		n, ok := parseCount(in.WWSPoints, maxWWS)
		switch {
		case !ok:
			fe.Add("wws_points", "portfolio.wws_invalid")
		case u.Type.Valid() && !u.Type.Residential():
			fe.Add("wws_points", "portfolio.wws_not_residential")
		default:
			u.WWSPoints = &n
		}
	}
	u.EnergyLabel = strings.ToUpper(strings.ReplaceAll(in.EnergyLabel, " ", ""))
	if u.EnergyLabel != "" && !slices.Contains(EnergyLabels, u.EnergyLabel) {
		fe.Add("energy_label", "portfolio.energy_label_invalid")
	}
	return u, fe
}

// parse checks a meter.
func (in MeterInput) parse() (Meter, validation.Errors) {
	fe := validation.Errors{}
	m := Meter{Kind: MeterKind(strings.TrimSpace(string(in.Kind))), Number: cleanText(in.Number), Measure: strings.TrimSpace(in.Measure)}
	if m.Kind == "" {
		fe.Add("kind", "field.required")
	} else if !m.Kind.Valid() {
		fe.Add("kind", "portfolio.meter_kind_invalid")
	}
	if m.Number == "" {
		fe.Add("number", "field.required")
	} else if len(m.Number) > maxMeterNo {
		fe.Add("number", "portfolio.too_long")
	}
	if m.Kind.Valid() {
		allowed := Measures[m.Kind]
		if m.Measure == "" {
			m.Measure = allowed[0]
		}
		if i := slices.IndexFunc(allowed, func(x string) bool { return strings.EqualFold(x, m.Measure) }); i >= 0 {
			m.Measure = allowed[i]
		} else {
			fe.Add("unit", "portfolio.meter_unit_invalid")
		}
	}
	return m, fe
}

// parse checks a reading's own fields; the order rules need the meter's
// earlier readings and are checked by the service.
func (in ReadingInput) parse(today civil.Date) (Reading, validation.Errors) {
	fe := validation.Errors{}
	var r Reading
	if strings.TrimSpace(in.On) == "" {
		fe.Add("date", "field.required")
	} else if d, err := civil.Parse(in.On); err != nil {
		fe.Add("date", "portfolio.date_invalid")
	} else if d.After(today) {
		fe.Add("date", "portfolio.reading_future")
	} else {
		r.On = d
	}
	v := strings.TrimSpace(in.Value)
	switch {
	case v == "":
		fe.Add("value", "field.required")
	case strings.HasPrefix(v, "-"):
		fe.Add("value", "portfolio.reading_negative")
	case !allDigits(v) || len(v) > 15:
		fe.Add("value", "portfolio.reading_invalid")
	default:
		r.Value, _ = strconv.ParseInt(v, 10, 64)
	}
	return r, fe
}
