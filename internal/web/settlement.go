package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hms/internal/account"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/privacy/guard"
	"hms/internal/settlement"
)

func (s *Server) stPath(r *http.Request) string { return "/o/" + actorOf(r).OrgSlug + "/settlement" }

// --- cost entries ---

type stCostsView struct {
	leaseFmt
	List        *ListView
	Items       []settlement.CostEntry
	Complexes   []settlement.Choice
	ComplexID   int64
	Year        string
	CanWrite    bool
	ImportErrs  settlement.ImportErrors
	ImportError string
	Columns     []costColumn // the import's columns
}

// costColumn is a column of the cost import: its Dutch and English header.
type costColumn struct{ Key, Dutch string }

func costColumns() []costColumn {
	cs := make([]costColumn, len(settlement.CostCSVColumns))
	for i, k := range settlement.CostCSVColumns {
		cs[i] = costColumn{k, settlement.CostCSVDutch[i]}
	}
	return cs
}

func (s *Server) stCosts(w http.ResponseWriter, r *http.Request) {
	s.renderCosts(w, r, http.StatusOK, s.newPage(r, "settlement.costs.title"), nil)
}

func (s *Server) renderCosts(w http.ResponseWriter, r *http.Request, status int, p *page, importErrs settlement.ImportErrors) {
	p.Nav = "settlement"
	a := actorOf(r)
	v := r.URL.Query()
	f := settlement.CostFilter{Category: v.Get("category")}
	f.ComplexID, _ = strconv.ParseInt(v.Get("complex"), 10, 64)
	f.Year, _ = strconv.Atoi(v.Get("year"))
	serveList(s, w, r, p, listSpec[settlement.CostEntry]{
		Sorts: settlement.CostSorts,
		Fetch: func(q listing.Query) (listing.Page[settlement.CostEntry], error) {
			return s.Settlement.Costs(r.Context(), a, q, f)
		},
		CSV: func(items []settlement.CostEntry) csvFile {
			// writeCSV defuses formula cells; the import takes the apostrophe off.
			return csvFile{"kostenposten.csv", settlement.CostCSVColumns, settlement.CostCSVRecords(items)}
		},
		Show: func(list *ListView, items []settlement.CostEntry) error {
			complexes, _, err := s.Settlement.Choices(r.Context(), a)
			p.Data = stCostsView{leaseFmt: leaseFmt{p.Lang}, List: list, Items: items, Complexes: complexes, ComplexID: f.ComplexID,
				Year: v.Get("year"), CanWrite: a.Can(account.PermFinanceWrite), ImportErrs: importErrs,
				Columns: costColumns()}
			return err
		},
		Template: "settlement_costs",
		Status:   status,
	})
}

func (s *Server) stImport(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, settlement.MaxEvidenceSize+1<<20)
	p := s.newPage(r, "settlement.costs.title")
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		p.Errors = validation.Errors{"file": "settlement.file_too_large"}
		s.renderCosts(w, r, http.StatusUnprocessableEntity, p, nil)
		return
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		p.Errors = validation.Errors{"file": "settlement.no_file"}
		s.renderCosts(w, r, http.StatusUnprocessableEntity, p, nil)
		return
	}
	defer file.Close()
	r = withGuardReasons(r)
	res, err := s.Settlement.ImportCosts(r.Context(), actorOf(r), file)
	var ie settlement.ImportErrors
	if errors.As(err, &ie) {
		p.Errors = validation.Errors{"file": "settlement.import_errors"}
		for _, c := range ie {
			if _, warn := guard.IsGuard(c.Reason); warn {
				// One reason answers the guard for every row's description.
				p.Errors["description"] = c.Reason
			}
		}
		s.renderCosts(w, r, http.StatusUnprocessableEntity, p, ie)
		return
	}
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Flash = p.T("settlement.imported", "Created", res.Created, "Updated", res.Updated, "Unchanged", res.Unchanged)
	s.renderCosts(w, r, http.StatusOK, p, nil)
}

type stCostView struct {
	leaseFmt
	Entry     *settlement.CostEntry
	Complexes []settlement.Choice
	Suppliers []settlement.Choice
	CanWrite  bool
	Units     picker // the units the cost is for (none: the whole complex)
}

func (s *Server) renderCostForm(w http.ResponseWriter, r *http.Request, status int, p *page, entry *settlement.CostEntry) {
	p.Nav = "settlement"
	a := actorOf(r)
	complexes, suppliers, err := s.Settlement.Choices(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	if entry != nil && r.Method == http.MethodGet {
		units := make([]string, len(entry.UnitIDs))
		for i, u := range entry.UnitIDs {
			units[i] = strconv.FormatInt(u, 10)
		}
		vat := ""
		if entry.VAT != 0 {
			vat = leaseFmt{p.Lang}.Amount(entry.VAT)
		}
		p.Form = url.Values{"complex_id": {fmt.Sprint(entry.ComplexID)}, "supplier_id": {fmt.Sprint(entry.SupplierID)},
			"invoice_number": {entry.InvoiceNumber}, "invoice_date": {entry.InvoiceDate.String()}, "period_start": {entry.PeriodStart.String()},
			"period_end": {entry.PeriodEnd.String()}, "amount": {leaseFmt{p.Lang}.Amount(entry.Amount)}, "vat": {vat}, "category": {entry.Category},
			"description": {entry.Description}, "unit_ids": units}
	}
	view := stCostView{leaseFmt: leaseFmt{p.Lang}, Entry: entry, Complexes: complexes, Suppliers: suppliers,
		CanWrite: a.Can(account.PermFinanceWrite)}
	view.Units = s.newPicker(r, p, "unit_ids", pickUnits, true, p.Form)
	view.Units.Label, view.Units.Hint = p.T("settlement.field.units"), p.T("settlement.field.units_hint")
	p.Data = view
	s.render(w, r, status, "settlement_cost", p)
}

func (s *Server) stCostNew(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "settlement.cost.new")
	p.Form = url.Values{"complex_id": {r.URL.Query().Get("complex")}}
	s.renderCostForm(w, r, http.StatusOK, p, nil)
}

func costInputOf(f *form) settlement.CostInput {
	in := settlement.CostInput{InvoiceNumber: f.String("invoice_number"), InvoiceDate: f.String("invoice_date"),
		PeriodStart: f.String("period_start"), PeriodEnd: f.String("period_end"), Amount: f.String("amount"), VAT: f.String("vat"),
		Category: f.String("category"), Description: f.String("description")}
	in.ComplexID = f.Number("complex_id")
	in.SupplierID = f.Number("supplier_id")
	in.UnitIDs = f.IDs("unit_ids")
	return in
}

// costFormAgain shows the cost form again with its errors.
func (s *Server) costFormAgain(w http.ResponseWriter, r *http.Request, p *page, entry *settlement.CostEntry) again {
	return onPage(func(status int) { s.renderCostForm(w, r, status, p, entry) }, nil)
}

// stUpload reads the multipart cost form; the evidence file is optional.
func stUpload(w http.ResponseWriter, r *http.Request) (name string, data []byte, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, settlement.MaxEvidenceSize+1<<20)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return "", nil, validation.Errors{"evidence": "settlement.file_too_large"}
		}
	} else if err := r.ParseForm(); err != nil {
		return "", nil, err
	}
	file, h, ferr := r.FormFile("evidence")
	if ferr != nil {
		return "", nil, nil
	}
	defer file.Close()
	data, err = io.ReadAll(io.LimitReader(file, settlement.MaxEvidenceSize+1))
	if err != nil {
		return "", nil, err
	}
	if len(data) == 0 && h.Filename == "" {
		return "", nil, nil
	}
	return h.Filename, data, nil
}

func (s *Server) stCostCreate(w http.ResponseWriter, r *http.Request) {
	name, data, uerr := stUpload(w, r)
	r = withGuardReasons(r)
	f := readForm(r)
	p := s.newPage(r, "settlement.cost.new")
	if uerr != nil {
		fe, _ := validation.AsFields(uerr)
		s.fail(w, r, fe, p, s.costFormAgain(w, r, p, nil))
		return
	}
	in := costInputOf(f)
	a := actorOf(r)
	err := f.Err()
	if err == nil && data != nil {
		// Check the file before anything is written.
		err = settlement.CheckEvidence(data)
	}
	var id int64
	if err == nil {
		id, err = s.Settlement.CreateCost(r.Context(), a, in)
	}
	if err != nil {
		s.fail(w, r, err, p, s.costFormAgain(w, r, p, nil))
		return
	}
	if data != nil {
		if err := s.Settlement.SetEvidence(r.Context(), a, id, name, data); err != nil {
			// The entry is stored; its page shows why the file is not
			// (the privacy guard on its name), to upload it again there.
			e, cerr := s.Settlement.Cost(r.Context(), a, id)
			if cerr != nil {
				s.fail(w, r, cerr, p)
				return
			}
			s.fail(w, r, err, p, s.costFormAgain(w, r, p, e))
			return
		}
	}
	s.flash(r, "settlement.saved")
	http.Redirect(w, r, fmt.Sprintf("%s?complex=%d", s.stPath(r), in.ComplexID), http.StatusSeeOther)
}

func (s *Server) stCostEdit(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "settlement.cost.edit")
	e, err := s.Settlement.Cost(r.Context(), actorOf(r), pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	s.renderCostForm(w, r, http.StatusOK, p, e)
}

func (s *Server) stCostUpdate(w http.ResponseWriter, r *http.Request) {
	_, _, uerr := stUpload(w, r)
	r = withGuardReasons(r)
	f := readForm(r)
	p := s.newPage(r, "settlement.cost.edit")
	a := actorOf(r)
	e, err := s.Settlement.Cost(r.Context(), a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	if uerr != nil {
		s.fail(w, r, uerr, p)
		return
	}
	in := costInputOf(f)
	err = f.Err()
	if err == nil {
		err = s.Settlement.UpdateCost(r.Context(), a, e.ID, in)
	}
	if err != nil {
		s.fail(w, r, err, p, s.costFormAgain(w, r, p, e))
		return
	}
	s.flash(r, "settlement.saved")
	http.Redirect(w, r, fmt.Sprintf("%s/costs/%d", s.stPath(r), e.ID), http.StatusSeeOther)
}

func (s *Server) stCostDelete(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "settlement.cost.edit")
	err := f.Err()
	if err == nil {
		err = s.Settlement.DeleteCost(r.Context(), actorOf(r), pathID(r, "id"))
	}
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	s.flash(r, "settlement.deleted")
	http.Redirect(w, r, s.stPath(r), http.StatusSeeOther)
}

func (s *Server) stEvidenceUpload(w http.ResponseWriter, r *http.Request) {
	name, data, uerr := stUpload(w, r)
	r = withGuardReasons(r)
	f := readForm(r)
	p := s.newPage(r, "settlement.cost.edit")
	a := actorOf(r)
	e, err := s.Settlement.Cost(r.Context(), a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	if uerr == nil {
		uerr = f.Err()
	}
	if uerr == nil {
		uerr = s.Settlement.SetEvidence(r.Context(), a, e.ID, name, data)
	}
	if uerr != nil {
		s.fail(w, r, uerr, p, s.costFormAgain(w, r, p, e))
		return
	}
	s.flash(r, "settlement.saved")
	http.Redirect(w, r, fmt.Sprintf("%s/costs/%d", s.stPath(r), e.ID), http.StatusSeeOther)
}

func (s *Server) stEvidence(w http.ResponseWriter, r *http.Request) {
	name, data, err := s.Settlement.Evidence(r.Context(), actorOf(r), pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "settlement.cost.edit"))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	// The name was cleaned on upload (no quotes or control characters).
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(data)
}

// --- keys, year settings, degree days ---

type stKeysView struct {
	leaseFmt
	Complexes  []settlement.Choice
	ComplexID  int64
	Year       int
	Settings   *settlement.YearSettings
	Keys       []string
	MeterKinds []string
	DegreeDays []settlement.DegreeDay
	Stations   []settlement.KNMIStation
	CanWrite   bool
	Units      map[int64]string // the addresses of the units keys name
	Shares     picker           // the key form's units with their shares
}

// SharesText shows a key's shares as "address: share; …", by address.
func (v stKeysView) SharesText(k settlement.CategoryKey) string {
	var parts []string
	for u, s := range k.Shares {
		name := v.Units[u]
		if name == "" {
			name = "?"
		}
		parts = append(parts, name+": "+s)
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}

func (s *Server) stKeys(w http.ResponseWriter, r *http.Request) {
	s.renderKeys(w, r, http.StatusOK, s.newPage(r, "settlement.keys.title"))
}

func (s *Server) stComplexYear(r *http.Request) (int64, int) {
	v := r.URL.Query()
	c, y := v.Get("complex"), v.Get("year")
	if r.Method == http.MethodPost {
		c, y = r.PostForm.Get("complex"), r.PostForm.Get("year")
	}
	id, _ := strconv.ParseInt(c, 10, 64)
	year, err := strconv.Atoi(y)
	if err != nil || year == 0 {
		year = s.Settlement.Today().Year - 1
	}
	return id, year
}

func (s *Server) renderKeys(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "settlement"
	a := actorOf(r)
	complexes, _, err := s.Settlement.Choices(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	cx, year := s.stComplexYear(r)
	if cx == 0 && len(complexes) > 0 {
		cx = complexes[0].ID
	}
	view := stKeysView{leaseFmt: leaseFmt{p.Lang}, Complexes: complexes, ComplexID: cx, Year: year, Keys: settlement.Keys,
		MeterKinds: settlement.MeterKinds, CanWrite: a.Can(account.PermFinanceWrite)}
	if cx > 0 {
		if view.Settings, err = s.Settlement.Year(r.Context(), a, cx, year); err != nil {
			s.fail(w, r, err, p)
			return
		}
	}
	if view.DegreeDays, err = s.Settlement.DegreeDays(r.Context(), a); err != nil {
		s.fail(w, r, err, p)
		return
	}
	if view.Stations, err = s.Settlement.KNMIStations(r.Context(), a); err != nil {
		s.fail(w, r, err, p)
		return
	}
	if view.Settings != nil {
		var ids []int64
		for _, k := range view.Settings.Keys {
			for u := range k.Shares {
				ids = append(ids, u)
			}
		}
		if len(ids) > 0 {
			// Names as in a list; a unit deleted since shows as "?".
			view.Units, _ = s.Portfolio.UnitNames(r.Context(), a, ids...)
		}
		if p.Form == nil {
			p.Form = url.Values{}
		}
		view.Shares = s.newPickerIn(r, p, "shares", pickUnits, true, p.Form, cx, true)
		view.Shares.Label, view.Shares.Hint = p.T("settlement.field.shares"), p.T("settlement.field.shares_hint")
		if p.Form.Get("admin_fee_percent") == "" {
			p.Form.Set("admin_fee_percent", view.Settings.AdminFeePercent)
		}
		if _, ok := p.Form["knmi_station"]; !ok && view.Settings.KNMIStation > 0 {
			p.Form.Set("knmi_station", strconv.Itoa(view.Settings.KNMIStation))
		}
	}
	p.Data = view
	s.render(w, r, status, "settlement_keys", p)
}

func (s *Server) keysBack(w http.ResponseWriter, r *http.Request, flash string) {
	cx, year := s.stComplexYear(r)
	s.flash(r, flash)
	http.Redirect(w, r, fmt.Sprintf("%s/keys?complex=%d&year=%d", s.stPath(r), cx, year), http.StatusSeeOther)
}

// keysAgain shows the keys page again with a form's errors, a conflict
// above it.
func (s *Server) keysAgain(w http.ResponseWriter, r *http.Request, p *page) again {
	return onPage(func(status int) { s.renderKeys(w, r, status, p) }, conflicts)
}

// keysErr makes a form without a complex a field error on the keys page,
// not a missing page.
func (s *Server) keysErr(r *http.Request, err error) error {
	if cx, _ := s.stComplexYear(r); errors.Is(err, validation.ErrNotFound) && cx == 0 {
		return validation.Errors{"complex": "field.required"}
	}
	return err
}

func (s *Server) stKeySave(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "settlement.keys.title")
	cx, year := s.stComplexYear(r)
	k := settlement.CategoryKey{Category: f.String("category"), Key: f.String("key"), Heating: f.Bool("heating"),
		FixedPercent: f.String("fixed_percent"), AdminFee: f.Bool("admin_fee"), MeterKind: f.String("meter_kind")}
	// The units picked, each with its share beside it (share.<unit>).
	if ids := f.IDs("shares"); len(ids) > 0 {
		k.Shares = map[int64]string{}
		for _, id := range ids {
			k.Shares[id] = f.String(fmt.Sprintf("share.%d", id))
		}
	}
	err := f.Err()
	if err == nil {
		err = s.Settlement.SetKey(r.Context(), actorOf(r), cx, year, k)
	}
	if f, ok := validation.AsFields(err); ok {
		// A unit's share error shows at the shares field.
		for field := range f {
			if strings.HasPrefix(field, "shares.") {
				f.Add("shares", f[field])
			}
		}
	}
	if err != nil {
		s.fail(w, r, s.keysErr(r, err), p, s.keysAgain(w, r, p))
		return
	}
	s.keysBack(w, r, "settlement.saved")
}

func (s *Server) stKeyDelete(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	cx, year := s.stComplexYear(r)
	if err := f.Err(); err != nil {
		p := s.newPage(r, "settlement.keys.title")
		s.fail(w, r, s.keysErr(r, err), p, s.keysAgain(w, r, p))
		return
	}
	// Another organisation's complex is not found; a key that is gone
	// already is what was asked for.
	if _, err := s.Settlement.Year(r.Context(), actorOf(r), cx, year); err != nil && cx != 0 {
		p := s.newPage(r, "settlement.keys.title")
		s.fail(w, r, s.keysErr(r, err), p, s.keysAgain(w, r, p))
		return
	}
	err := s.Settlement.DeleteKey(r.Context(), actorOf(r), cx, year, f.String("category"))
	if err != nil && (cx == 0 || !errors.Is(err, validation.ErrNotFound)) {
		p := s.newPage(r, "settlement.keys.title")
		s.fail(w, r, s.keysErr(r, err), p, s.keysAgain(w, r, p))
		return
	}
	s.keysBack(w, r, "settlement.key_deleted")
}

func (s *Server) stKeysCopy(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	cx, year := s.stComplexYear(r)
	err := f.Err()
	if err == nil {
		_, err = s.Settlement.CopyKeys(r.Context(), actorOf(r), cx, year-1, year)
	}
	if err != nil {
		p := s.newPage(r, "settlement.keys.title")
		s.fail(w, r, s.keysErr(r, err), p, s.keysAgain(w, r, p))
		return
	}
	s.keysBack(w, r, "settlement.keys_copied")
}

func (s *Server) stYearSave(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	cx, year := s.stComplexYear(r)
	err := f.Err()
	if err == nil {
		err = s.Settlement.SetYearSettings(r.Context(), actorOf(r), cx, year, f.String("admin_fee_percent"), nil)
	}
	if err != nil {
		p := s.newPage(r, "settlement.keys.title")
		s.fail(w, r, s.keysErr(r, err), p, s.keysAgain(w, r, p))
		return
	}
	s.keysBack(w, r, "settlement.saved")
}

func (s *Server) stDegreeDays(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "settlement.keys.title")
	err := f.Err()
	if err == nil {
		_, err = s.Settlement.ImportDegreeDays(r.Context(), actorOf(r), strings.NewReader(f.String("degree_days")))
	}
	var ie settlement.ImportErrors
	if errors.As(err, &ie) {
		p.Errors = validation.Errors{"degree_days": ie[0].Reason}
		p.Flash = fmt.Sprintf("%s %d", p.T("settlement.line"), ie[0].Line)
		s.renderKeys(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err != nil {
		s.fail(w, r, s.keysErr(r, err), p, s.keysAgain(w, r, p))
		return
	}
	s.keysBack(w, r, "settlement.saved")
}

// stKNMIImport imports a KNMI station's daily temperatures (DOMAIN.md §7.6).
func (s *Server) stKNMIImport(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 33<<20)
	p := s.newPage(r, "settlement.keys.title")
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		p.Errors = validation.Errors{"knmi_file": "settlement.file_too_large"}
		s.renderKeys(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	p.Form = r.PostForm
	station, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("station")))
	if err != nil {
		station = 0 // the service names the field
	}
	file, _, ferr := r.FormFile("knmi_file")
	if ferr != nil {
		p.Errors = validation.Errors{"knmi_file": "settlement.no_file"}
		if station < 1 || station > 999 {
			p.Errors.Add("station", "settlement.knmi_bad_station")
		}
		s.renderKeys(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	defer file.Close()
	_, err = s.Settlement.ImportKNMI(r.Context(), actorOf(r), station, file)
	var ie settlement.ImportErrors
	if errors.As(err, &ie) {
		p.Errors = validation.Errors{"knmi_file": ie[0].Reason}
		p.Flash = fmt.Sprintf("%s %d", p.T("settlement.line"), ie[0].Line)
		s.renderKeys(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if err != nil {
		s.fail(w, r, s.keysErr(r, err), p, s.keysAgain(w, r, p))
		return
	}
	s.keysBack(w, r, "settlement.knmi.imported")
}

// stStationSave chooses the KNMI station of a complex and year.
func (s *Server) stStationSave(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "settlement.keys.title")
	cx, year := s.stComplexYear(r)
	station := 0
	if f.Filled("knmi_station") {
		if station = int(f.Number("knmi_station")); station <= 0 {
			f.Add("knmi_station", "settlement.knmi_bad_station")
		}
	}
	err := f.Err()
	if err == nil {
		err = s.Settlement.SetDegreeDayStation(r.Context(), actorOf(r), cx, year, station)
	}
	if err != nil {
		if f, ok := validation.AsFields(err); ok && f["station"] != "" {
			err = validation.Errors{"knmi_station": f["station"]}
		}
		s.fail(w, r, s.keysErr(r, err), p, s.keysAgain(w, r, p))
		return
	}
	s.keysBack(w, r, "settlement.saved")
}

// --- runs ---

type stRunsView struct {
	leaseFmt
	Complexes []settlement.Choice
	Runs      []settlement.RunSummary
	Year      int
	CanWrite  bool
	Detail    string // the calculator's text when it refused the scenario
}

func (s *Server) stRuns(w http.ResponseWriter, r *http.Request) {
	s.renderRuns(w, r, http.StatusOK, s.newPage(r, "settlement.runs.title"), "")
}

func (s *Server) renderRuns(w http.ResponseWriter, r *http.Request, status int, p *page, detail string) {
	p.Nav = "settlement"
	a := actorOf(r)
	complexes, _, err := s.Settlement.Choices(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	runs, err := s.Settlement.Runs(r.Context(), a, settlement.RunFilter{})
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	if p.Form == nil || p.Form.Get("year") == "" {
		p.Form = url.Values{"year": {fmt.Sprint(s.Settlement.Today().Year - 1)}}
	}
	p.Data = stRunsView{leaseFmt: leaseFmt{p.Lang}, Complexes: complexes, Runs: runs,
		CanWrite: a.Can(account.PermFinanceWrite), Detail: detail}
	s.render(w, r, status, "settlement_runs", p)
}

func (s *Server) stRunCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "settlement.runs.title")
	err := f.Err()
	var id int64
	if err == nil {
		id, err = s.Settlement.Settle(r.Context(), actorOf(r), f.Number("complex"), int(f.Number("year")))
	}
	if ce, ok := errors.AsType[*settlement.ComputeError](err); ok {
		p.Errors = validation.Errors{"_": "settlement.compute_failed"}
		s.renderRuns(w, r, http.StatusUnprocessableEntity, p, ce.Err.Error())
		return
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderRuns(w, r, status, p, "") }, conflicts))
		return
	}
	s.flash(r, "settlement.run_created")
	http.Redirect(w, r, fmt.Sprintf("%s/runs/%d", s.stPath(r), id), http.StatusSeeOther)
}

type stRunView struct {
	leaseFmt
	Run      *settlement.Run
	List     *ListView // the page of occupancies shown
	CanWrite bool
}

func (s *Server) stRun(w http.ResponseWriter, r *http.Request) {
	s.renderRun(w, r, http.StatusOK, s.newPage(r, "settlement.run.title"))
}

func (s *Server) renderRun(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "settlement"
	a := actorOf(r)
	// One page of occupancies: a run of 10,000 units is reviewed by search
	// (lease reference) and pages, and only the page's names are opened.
	q := listing.FromValues(r.URL.Query())
	if r.Method != http.MethodGet {
		q = listing.Query{}
	}
	run, total, err := s.Settlement.RunPage(r.Context(), a, pathID(r, "id"), q)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	if q.All && r.Method == http.MethodGet {
		rows := make([][]string, 0, len(run.Occupancies))
		for _, o := range run.Occupancies {
			rows = append(rows, []string{o.LeaseReference, o.Address, o.Start.String(), o.End.String(), o.Subtotal.String(), o.AdminFee.String(),
				o.Total.String(), o.Advances.String(), o.Paid.String(), o.Balance.String()})
		}
		writeCSV(w, fmt.Sprintf("afrekening-%d.csv", run.ID), []string{"lease", "address", "start", "end", "subtotal", "admin_fee", "total",
			"advances", "paid", "balance"}, rows)
		return
	}
	view := stRunView{leaseFmt: leaseFmt{p.Lang}, Run: run, CanWrite: a.Can(account.PermFinanceWrite)}
	view.List = s.newListView(r, q.Normalize(), total)
	view.List.path = fmt.Sprintf("%s/runs/%d", s.stPath(r), run.ID) // also after a refused finalise
	p.Data = view
	s.render(w, r, status, "settlement_run", p)
}

func (s *Server) stRunFinalise(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "settlement.run.title")
	id := pathID(r, "id")
	err := f.Err()
	if err == nil {
		err = s.Settlement.Finalise(r.Context(), actorOf(r), id)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderRun(w, r, status, p) }, conflicts))
		return
	}
	s.flash(r, "settlement.finalised")
	http.Redirect(w, r, fmt.Sprintf("%s/runs/%d", s.stPath(r), id), http.StatusSeeOther)
}

// Fields1 and Fields2 are the text fields of the cost form, by row.
func (stCostView) Fields1() []string { return []string{"invoice_number", "invoice_date", "category"} }

// Fields2 is the second row of the cost form.
func (stCostView) Fields2() []string { return []string{"period_start", "period_end", "amount", "vat"} }
