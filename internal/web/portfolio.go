package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/portfolio"
)

// The portfolio pages: complexes and units (verhuureenheden) with their
// meters and readings.

// pfView carries what every portfolio page shows besides its data.
type pfView struct {
	lang     string
	CanWrite bool
	Org      string // slug, for links
}

func (s *Server) pfPage(r *http.Request, title string) (*page, pfView) {
	p := s.newPage(r, title)
	p.Nav = "portfolio"
	return p, pfViewOf(p)
}

func pfViewOf(p *page) pfView {
	return pfView{lang: p.Lang, CanWrite: p.Actor.Can(account.PermPortfolioWrite), Org: p.Actor.OrgSlug}
}

func (v pfView) sep() string {
	if v.lang == "nl" {
		return ","
	}
	return "."
}

// Area formats tenths of m² in the page language, "—" when not stated.
func (v pfView) Area(tenths int64) string {
	if tenths == 0 {
		return "—"
	}
	return portfolio.FormatArea(tenths, v.sep()) + " m²"
}

// Percent formats a permille value as "66,7%".
func (v pfView) Percent(permille int) string {
	return portfolio.FormatArea(int64(permille), v.sep()) + "%"
}

// Day formats a date in the page language: "1 maart 2026".
func (v pfView) Day(d civil.Date) string {
	return longDay(v.lang, d)
}

// Points shows optional WWS points.
func (v pfView) Points(p *int) string {
	if p == nil {
		return "—"
	}
	return strconv.Itoa(*p)
}

// Number formats a whole number with the page's thousands separator.
func (v pfView) Number(n int64) string {
	s := strconv.FormatInt(n, 10)
	sep := ","
	if v.lang == "nl" {
		sep = "."
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// OccupancyBar is one part of the occupancy bar.
type OccupancyBar struct {
	Status     portfolio.Status
	X, W       int // in percent of the bar's width
	Count      int
	Fill, Text string
}

// Bars splits the occupancy into the parts of a server-drawn SVG bar.
func (v pfView) Bars(o *portfolio.OccupancyCount) []OccupancyBar {
	if o == nil || o.Total == 0 {
		return nil
	}
	var out []OccupancyBar
	x := 0
	for _, part := range []struct {
		st   portfolio.Status
		n    int
		fill string
	}{{portfolio.StatusLet, o.Let, "#398712"}, {portfolio.StatusNotice, o.Notice, "#c98b00"}, {portfolio.StatusVacant, o.Vacant, "#9aa1ab"}} {
		if part.n == 0 {
			continue
		}
		w := part.n * 100 / o.Total
		out = append(out, OccupancyBar{Status: part.st, X: x, W: w, Count: part.n, Fill: part.fill})
		x += w
	}
	// The last part takes what integer division left over.
	out[len(out)-1].W += 100 - x
	return out
}

// --- complexes ---

type complexListView struct {
	pfView
	List  *ListView
	Items []portfolio.Complex
}

func (s *Server) complexList(w http.ResponseWriter, r *http.Request) {
	p, v := s.pfPage(r, "portfolio.complexes")
	serveList(s, w, r, p, listSpec[portfolio.Complex]{
		Sorts: portfolio.ComplexSorts,
		Fetch: func(q listing.Query) (listing.Page[portfolio.Complex], error) {
			return s.Portfolio.ListComplexes(r.Context(), actorOf(r), portfolio.ComplexFilter{}, q)
		},
		CSV: func(items []portfolio.Complex) csvFile {
			rows := make([][]string, len(items))
			for i, c := range items {
				rows[i] = []string{fmt.Sprint(c.ID), c.Name, c.Street, c.Number(), c.Postcode, c.City, fmt.Sprint(c.Units)}
			}
			return csvFile{"complexen.csv", []string{"id", p.T("portfolio.field.name"), p.T("portfolio.field.street"),
				p.T("portfolio.field.house_number"), p.T("portfolio.field.postcode"), p.T("portfolio.field.city"), p.T("portfolio.field.units")}, rows}
		},
		Show: func(list *ListView, items []portfolio.Complex) error {
			p.Data = complexListView{pfView: v, List: list, Items: items}
			return nil
		},
		Template: "portfolio_complexes",
	})
}

type complexFormView struct {
	pfView
	ID int64 // 0 for a new complex
}

func complexForm(f *form) portfolio.ComplexInput {
	return portfolio.ComplexInput{Name: f.String("name"), Street: f.String("street"), HouseNumber: f.String("house_number"),
		Addition: f.String("addition"), Postcode: f.String("postcode"), City: f.String("city")}
}

func (s *Server) complexNew(w http.ResponseWriter, r *http.Request) {
	p, v := s.pfPage(r, "portfolio.new_complex")
	p.Data = complexFormView{pfView: v}
	s.render(w, r, http.StatusOK, "portfolio_complex_form", p)
}

func (s *Server) complexCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p, v := s.pfPage(r, "portfolio.new_complex")
	p.Data = complexFormView{pfView: v}
	err := f.Err()
	var id int64
	if err == nil {
		id, err = s.Portfolio.CreateComplex(r.Context(), actorOf(r), complexForm(f))
	}
	if err != nil {
		s.fail(w, r, err, p, s.onForm(w, r, "portfolio_complex_form", p))
		return
	}
	s.flash(r, "portfolio.complex_created")
	http.Redirect(w, r, fmt.Sprintf("/o/%s/complexes/%d", v.Org, id), http.StatusSeeOther)
}

func (s *Server) complexEdit(w http.ResponseWriter, r *http.Request) {
	p, v := s.pfPage(r, "portfolio.edit_complex")
	c, err := s.Portfolio.Complex(r.Context(), actorOf(r), pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	hn := ""
	if c.HouseNumber > 0 {
		hn = strconv.Itoa(c.HouseNumber)
	}
	p.Form = url.Values{"name": {c.Name}, "street": {c.Street}, "house_number": {hn}, "addition": {c.Addition},
		"postcode": {c.Postcode}, "city": {c.City}}
	p.Data = complexFormView{pfView: v, ID: c.ID}
	s.render(w, r, http.StatusOK, "portfolio_complex_form", p)
}

func (s *Server) complexUpdate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p, v := s.pfPage(r, "portfolio.edit_complex")
	id := pathID(r, "id")
	p.Data = complexFormView{pfView: v, ID: id}
	err := f.Err()
	if err == nil {
		err = s.Portfolio.UpdateComplex(r.Context(), actorOf(r), id, complexForm(f))
	}
	if err != nil {
		s.fail(w, r, err, p, s.onForm(w, r, "portfolio_complex_form", p))
		return
	}
	s.flash(r, "portfolio.complex_updated")
	http.Redirect(w, r, fmt.Sprintf("/o/%s/complexes/%d", v.Org, id), http.StatusSeeOther)
}

type complexView struct {
	pfView
	Complex *portfolio.Complex
	List    *ListView
	Units   []portfolio.Unit
}

func (s *Server) complexShow(w http.ResponseWriter, r *http.Request) {
	p, _ := s.pfPage(r, "portfolio.complex")
	if wantsCSV(r) {
		// The export link of the complex's unit list.
		q := listing.FromValues(r.URL.Query()).Normalize(portfolio.UnitSorts...)
		units, err := s.Portfolio.ListUnits(r.Context(), actorOf(r), portfolio.UnitFilter{ComplexID: pathID(r, "id")}, q)
		if err != nil {
			s.fail(w, r, err, p)
			return
		}
		f := unitCSV(p, units.Items)
		writeCSV(w, f.Name, f.Header, f.Rows)
		return
	}
	s.renderComplex(w, r, http.StatusOK, p)
}

func (s *Server) renderComplex(w http.ResponseWriter, r *http.Request, status int, p *page) {
	v := pfViewOf(p)
	a := actorOf(r)
	c, err := s.Portfolio.Complex(r.Context(), a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	q := listing.FromValues(r.URL.Query()).Normalize(portfolio.UnitSorts...)
	q.All = false
	units, err := s.Portfolio.ListUnits(r.Context(), a, portfolio.UnitFilter{ComplexID: c.ID}, q)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	list := s.newListView(r, q, units.Total)
	list.Shown = len(units.Items)
	p.Data = complexView{pfView: v, Complex: c, List: list, Units: units.Items}
	s.render(w, r, status, "portfolio_complex", p)
}

func (s *Server) complexDelete(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p, v := s.pfPage(r, "portfolio.complex")
	err := f.Err()
	if err == nil {
		err = s.Portfolio.DeleteComplex(r.Context(), actorOf(r), pathID(r, "id"))
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderComplex(w, r, status, p) }, conflicts))
		return
	}
	s.flash(r, "portfolio.complex_deleted")
	http.Redirect(w, r, "/o/"+v.Org+"/complexes", http.StatusSeeOther)
}

// --- units ---

type unitListView struct {
	pfView
	List      *ListView
	Items     []portfolio.Unit
	ComplexID int64
	Complex   string // the filtered complex's name, when known
}

func unitCSV(p *page, units []portfolio.Unit) csvFile {
	rows := make([][]string, len(units))
	for i, u := range units {
		wws := ""
		if u.WWSPoints != nil {
			wws = strconv.Itoa(*u.WWSPoints)
		}
		rows[i] = []string{fmt.Sprint(u.ID), u.ComplexName, u.Street, strconv.Itoa(u.HouseNumber), u.Addition, u.Postcode, u.City,
			p.T("portfolio.type." + string(u.Type)), portfolio.FormatArea(u.FloorAreaTenths, ","), strconv.Itoa(u.Rooms),
			p.T("portfolio.segment." + string(u.Segment)), wws, u.EnergyLabel, p.T("portfolio.status." + string(u.Status))}
	}
	header := []string{"id"}
	for _, f := range []string{"complex", "street", "house_number", "addition", "postcode", "city", "type", "floor_area", "rooms",
		"segment", "wws_points", "energy_label", "status"} {
		header = append(header, p.T("portfolio.field."+f))
	}
	return csvFile{"eenheden.csv", header, rows}
}

func (s *Server) unitList(w http.ResponseWriter, r *http.Request) {
	p, v := s.pfPage(r, "portfolio.units")
	complexID, _ := strconv.ParseInt(r.URL.Query().Get("complex"), 10, 64)
	serveList(s, w, r, p, listSpec[portfolio.Unit]{
		Sorts: portfolio.UnitSorts,
		Fetch: func(q listing.Query) (listing.Page[portfolio.Unit], error) {
			return s.Portfolio.ListUnits(r.Context(), actorOf(r), portfolio.UnitFilter{ComplexID: complexID}, q)
		},
		CSV: func(items []portfolio.Unit) csvFile { return unitCSV(p, items) },
		Show: func(list *ListView, items []portfolio.Unit) error {
			view := unitListView{pfView: v, List: list, Items: items, ComplexID: complexID}
			if complexID > 0 && len(items) > 0 {
				view.Complex = items[0].ComplexName
			}
			p.Data = view
			return nil
		},
		Template: "portfolio_units",
	})
}

type unitFormView struct {
	pfView
	ID        int64 // 0 for a new unit
	Complexes []portfolio.Complex
	Types     []portfolio.UnitType
	Segments  []portfolio.Segment
	Labels    []string
}

func (s *Server) unitFormView(r *http.Request, v pfView, id int64) (unitFormView, error) {
	cs, err := s.Portfolio.ListComplexes(r.Context(), actorOf(r), portfolio.ComplexFilter{}, listing.Query{All: true})
	return unitFormView{pfView: v, ID: id, Complexes: cs.Items, Types: portfolio.UnitTypes, Segments: portfolio.Segments,
		Labels: portfolio.EnergyLabels}, err
}

func unitForm(f *form) portfolio.UnitInput {
	in := portfolio.UnitInput{Street: f.String("street"), HouseNumber: f.String("house_number"),
		Addition: f.String("addition"), Postcode: f.String("postcode"), City: f.String("city"),
		Type: portfolio.UnitType(f.String("type")), FloorArea: f.String("floor_area"), Rooms: f.String("rooms"),
		Segment: portfolio.Segment(f.String("segment")), WWSPoints: f.String("wws_points"), EnergyLabel: f.String("energy_label")}
	if c := strings.TrimSpace(f.String("complex_id")); c != "" {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil || id <= 0 {
			id = -1 // refused by the service as an unknown complex
		}
		in.ComplexID = id
	}
	return in
}

func (s *Server) renderUnitForm(w http.ResponseWriter, r *http.Request, status int, p *page, v pfView, id int64) {
	view, err := s.unitFormView(r, v, id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = view
	s.render(w, r, status, "portfolio_unit_form", p)
}

// unitFormAgain shows the unit form again with its errors.
func (s *Server) unitFormAgain(w http.ResponseWriter, r *http.Request, p *page, v pfView, id int64) again {
	return onPage(func(status int) { s.renderUnitForm(w, r, status, p, v, id) }, belowServerError)
}

func (s *Server) unitNew(w http.ResponseWriter, r *http.Request) {
	p, v := s.pfPage(r, "portfolio.new_unit")
	p.Form = url.Values{"complex_id": {r.URL.Query().Get("complex")}}
	s.renderUnitForm(w, r, http.StatusOK, p, v, 0)
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p, v := s.pfPage(r, "portfolio.new_unit")
	err := f.Err()
	var id int64
	if err == nil {
		id, err = s.Portfolio.CreateUnit(r.Context(), actorOf(r), unitForm(f))
	}
	if err != nil {
		s.fail(w, r, err, p, s.unitFormAgain(w, r, p, v, 0))
		return
	}
	s.flash(r, "portfolio.unit_created")
	http.Redirect(w, r, fmt.Sprintf("/o/%s/units/%d", v.Org, id), http.StatusSeeOther)
}

func (s *Server) unitEdit(w http.ResponseWriter, r *http.Request) {
	p, v := s.pfPage(r, "portfolio.edit_unit")
	u, err := s.Portfolio.Unit(r.Context(), actorOf(r), pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Form = url.Values{"street": {u.Street}, "house_number": {strconv.Itoa(u.HouseNumber)}, "addition": {u.Addition},
		"postcode": {u.Postcode}, "city": {u.City}, "type": {string(u.Type)}, "rooms": {strconv.Itoa(u.Rooms)},
		"segment": {string(u.Segment)}, "energy_label": {u.EnergyLabel}}
	if u.ComplexID > 0 {
		p.Form.Set("complex_id", strconv.FormatInt(u.ComplexID, 10))
	}
	if u.FloorAreaTenths > 0 {
		p.Form.Set("floor_area", portfolio.FormatArea(u.FloorAreaTenths, v.sep()))
	}
	if u.WWSPoints != nil {
		p.Form.Set("wws_points", strconv.Itoa(*u.WWSPoints))
	}
	s.renderUnitForm(w, r, http.StatusOK, p, v, u.ID)
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p, v := s.pfPage(r, "portfolio.edit_unit")
	id := pathID(r, "id")
	err := f.Err()
	if err == nil {
		err = s.Portfolio.UpdateUnit(r.Context(), actorOf(r), id, unitForm(f))
	}
	if err != nil {
		s.fail(w, r, err, p, s.unitFormAgain(w, r, p, v, id))
		return
	}
	s.flash(r, "portfolio.unit_updated")
	http.Redirect(w, r, fmt.Sprintf("/o/%s/units/%d", v.Org, id), http.StatusSeeOther)
}

// meterView is a meter with its latest readings.
type meterView struct {
	portfolio.Meter
	Readings []portfolio.Reading
	More     int // readings not shown
}

type unitView struct {
	pfView
	Unit        *portfolio.Unit
	Links       *recordLinks
	Meters      []meterView
	Kinds       []portfolio.MeterKind
	Measures    map[portfolio.MeterKind][]string
	Failed      string // "meter" or "reading" when that form was refused
	FailedMeter int64  // the meter whose reading form was refused
	Today       string
}

// readingsShown is how many readings per meter the unit page lists.
const readingsShown = 12

func (s *Server) unitShow(w http.ResponseWriter, r *http.Request) {
	p, _ := s.pfPage(r, "portfolio.unit")
	s.renderUnit(w, r, http.StatusOK, p, "", 0)
}

func (s *Server) renderUnit(w http.ResponseWriter, r *http.Request, status int, p *page, failed string, failedMeter int64) {
	v := pfViewOf(p)
	a := actorOf(r)
	id := pathID(r, "id")
	u, err := s.Portfolio.Unit(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	ms, err := s.Portfolio.Meters(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	links, err := s.unitLinks(r, p, id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	view := unitView{pfView: v, Unit: u, Links: links, Kinds: portfolio.MeterKinds, Measures: portfolio.Measures, Failed: failed,
		FailedMeter: failedMeter, Today: s.Clock.Now().In(amsterdam).Format("2006-01-02")}
	for _, m := range ms {
		rs, err := s.Portfolio.Readings(r.Context(), a, id, m.ID, portfolio.ReadingFilter{},
			listing.Query{Sort: "date", Desc: true, Limit: readingsShown})
		if err != nil {
			s.fail(w, r, err, p)
			return
		}
		view.Meters = append(view.Meters, meterView{Meter: m, Readings: rs.Items, More: rs.Total - len(rs.Items)})
	}
	p.Data = view
	s.render(w, r, status, "portfolio_unit", p)
}

func (s *Server) unitDelete(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p, v := s.pfPage(r, "portfolio.unit")
	err := f.Err()
	if err == nil {
		err = s.Portfolio.DeleteUnit(r.Context(), actorOf(r), pathID(r, "id"))
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderUnit(w, r, status, p, "", 0) }, conflicts))
		return
	}
	s.flash(r, "portfolio.unit_deleted")
	http.Redirect(w, r, "/o/"+v.Org+"/units", http.StatusSeeOther)
}

// unitAgain shows the unit page again with its refused meter or reading form.
func (s *Server) unitAgain(w http.ResponseWriter, r *http.Request, p *page, failed string, meter int64) again {
	return onPage(func(status int) { s.renderUnit(w, r, status, p, failed, meter) }, nil)
}

func (s *Server) meterCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p, v := s.pfPage(r, "portfolio.unit")
	id := pathID(r, "id")
	in := portfolio.MeterInput{Kind: portfolio.MeterKind(f.String("kind")), Number: f.String("number"), Measure: f.String("unit")}
	err := f.Err()
	if err == nil {
		_, err = s.Portfolio.AddMeter(r.Context(), actorOf(r), id, in)
	}
	if err != nil {
		s.fail(w, r, err, p, s.unitAgain(w, r, p, "meter", 0))
		return
	}
	s.flash(r, "portfolio.meter_added")
	http.Redirect(w, r, fmt.Sprintf("/o/%s/units/%d#meters", v.Org, id), http.StatusSeeOther)
}

func (s *Server) readingCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p, v := s.pfPage(r, "portfolio.unit")
	id, meter := pathID(r, "id"), pathID(r, "meter")
	in := portfolio.ReadingInput{On: f.String("date"), Value: f.String("value")}
	err := f.Err()
	if err == nil {
		_, err = s.Portfolio.AddReading(r.Context(), actorOf(r), id, meter, in)
	}
	if err != nil {
		s.fail(w, r, err, p, s.unitAgain(w, r, p, "reading", meter))
		return
	}
	s.flash(r, "portfolio.reading_added")
	http.Redirect(w, r, fmt.Sprintf("/o/%s/units/%d#meter-%d", v.Org, id, meter), http.StatusSeeOther)
}
