package settlement

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/csvfile"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/privacy/guard"
)

// MaxEvidenceSize bounds an invoice PDF.
const MaxEvidenceSize = 10 << 20

// Scopes of a cost entry.
const (
	ScopeComplex = "complex" // every unit of the complex
	ScopeUnits   = "units"   // the entry's own units of the complex
)

// CostEntry is a supplier invoice (or the part of one) charged to a complex.
type CostEntry struct {
	ID            int64
	ComplexID     int64
	ComplexName   string
	SupplierID    int64
	SupplierName  string // the company name (plain: not a natural person's data)
	InvoiceNumber string
	InvoiceDate   civil.Date
	PeriodStart   civil.Date
	PeriodEnd     civil.Date
	Amount        money.Cents // including VAT
	VAT           money.Cents // the VAT within Amount
	Category      string
	Description   string
	Scope         string
	UnitIDs       []int64 // scope units
	EvidenceName  string
	EvidenceSize  int64
	CreatedAt     time.Time
}

// HasEvidence says whether an invoice PDF is attached.
func (c CostEntry) HasEvidence() bool { return c.EvidenceSize > 0 }

// CostInput is a cost entry as typed in a form, a JSON body or a CSV row.
// Amounts and dates are text so that every layer reports the same errors.
type CostInput struct {
	ComplexID     int64
	SupplierID    int64
	InvoiceNumber string
	InvoiceDate   string
	PeriodStart   string
	PeriodEnd     string
	Amount        string // euros, Dutch or plain decimals: "1.234,56", "1234.56"
	VAT           string // optional
	Category      string
	Description   string
	UnitIDs       []int64 // empty: the whole complex
}

type cleanCost struct {
	complexID, supplierID  int64
	number, category, desc string
	invoiceDate, from, to  civil.Date
	amount, vat            money.Cents
	units                  []int64
}

// parseDate reads an ISO date or a Dutch one (31-12-2025).
func parseDate(s string) (civil.Date, bool) {
	s = strings.TrimSpace(s)
	if d, err := civil.Parse(s); err == nil {
		return d, true
	}
	if t, err := time.Parse("2-1-2006", s); err == nil {
		return civil.Of(t), true
	}
	return civil.Date{}, false
}

// NormalizeCategory is the stored form of a cost category code: trimmed and
// lower-case, so that "Schoonmaak" on a lease component and "schoonmaak" on
// an invoice are the same category.
func NormalizeCategory(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func validCategory(c string) bool {
	if c == "" || utf8.RuneCountInString(c) > 60 || strings.ContainsAny(c, "|#") {
		return false
	}
	return true
}

// check validates what needs no database; fields are named as in the form.
func (in CostInput) check() (*cleanCost, validation.Errors) {
	fe := validation.Errors{}
	c := &cleanCost{complexID: in.ComplexID, supplierID: in.SupplierID}
	// Text with control characters, bidi overrides or broken UTF-8 is
	// refused here for the form, the API and the CSV alike.
	for field, v := range map[string]string{"invoice_number": in.InvoiceNumber, "invoice_date": in.InvoiceDate, "period_start": in.PeriodStart,
		"period_end": in.PeriodEnd, "amount": in.Amount, "vat": in.VAT, "category": in.Category, "description": in.Description} {
		fe.CheckText(field, v, false)
	}
	if in.ComplexID <= 0 {
		fe.Add("complex_id", "field.required")
	}
	if in.SupplierID <= 0 {
		fe.Add("supplier_id", "field.required")
	}
	c.number = strings.TrimSpace(in.InvoiceNumber)
	switch {
	case c.number == "":
		fe.Add("invoice_number", "field.required")
	case utf8.RuneCountInString(c.number) > 60:
		fe.Add("invoice_number", "settlement.too_long")
	}
	dates := []struct {
		field, val string
		dst        *civil.Date
	}{{"invoice_date", in.InvoiceDate, &c.invoiceDate}, {"period_start", in.PeriodStart, &c.from}, {"period_end", in.PeriodEnd, &c.to}}
	for _, d := range dates {
		if strings.TrimSpace(d.val) == "" {
			fe.Add(d.field, "field.required")
			continue
		}
		v, ok := parseDate(d.val)
		if !ok || v.Year < 2000 || v.Year > 2100 {
			fe.Add(d.field, "settlement.bad_date")
			continue
		}
		*d.dst = v
	}
	if !c.from.IsZero() && !c.to.IsZero() && c.to.Before(c.from) {
		fe.Add("period_end", "settlement.end_before_start")
	}
	if strings.TrimSpace(in.Amount) == "" {
		fe.Add("amount", "field.required")
	} else if a, err := money.Parse(in.Amount); err != nil {
		fe.Add("amount", "settlement.bad_amount")
	} else if !a.InBounds() {
		fe.Add("amount", money.TooLarge)
	} else {
		c.amount = a
	}
	if strings.TrimSpace(in.VAT) != "" {
		v, err := money.Parse(in.VAT)
		switch {
		case err != nil || v < 0:
			fe.Add("vat", "settlement.bad_amount")
		case c.amount >= 0 && v > c.amount:
			fe.Add("vat", "settlement.vat_above_amount")
		default:
			c.vat = v
		}
	}
	c.category = NormalizeCategory(in.Category)
	if c.category == "" {
		fe.Add("category", "field.required")
	} else if !validCategory(c.category) {
		fe.Add("category", "settlement.bad_category")
	}
	c.desc = strings.TrimSpace(in.Description)
	if utf8.RuneCountInString(c.desc) > 200 {
		fe.Add("description", "settlement.too_long")
	}
	c.units = slices.Clone(in.UnitIDs)
	slices.Sort(c.units)
	c.units = slices.Compact(c.units)
	return c, fe
}

// checkRefs validates the complex, the supplier and the units in tx.
func checkRefs(ctx context.Context, tx *db.Tx, c *cleanCost, fe validation.Errors) error {
	if c.complexID > 0 {
		ok, err := complexExists(ctx, tx, c.complexID)
		if err != nil {
			return err
		}
		if !ok {
			fe.Add("complex_id", "settlement.unknown_complex")
		} else if len(c.units) > 0 {
			in, err := unitsOfComplex(ctx, tx, c.complexID)
			if err != nil {
				return err
			}
			for _, u := range c.units {
				if !in[u] {
					fe.Add("unit_ids", "settlement.unit_not_in_complex")
					break
				}
			}
		}
	}
	if c.supplierID > 0 {
		ok, err := isSupplier(ctx, tx, c.supplierID)
		if err != nil {
			return err
		}
		if !ok {
			fe.Add("supplier_id", "settlement.not_a_supplier")
		}
	}
	return nil
}

// CreateCost stores a new cost entry.
func (s *Service) CreateCost(ctx context.Context, a account.Actor, in CostInput) (int64, error) {
	if err := canWrite(a); err != nil {
		return 0, err
	}
	c, fe := in.check()
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := checkRefs(ctx, tx, c, fe); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "description", Value: c.desc}); err != nil {
			return err
		}
		var err error
		if id, err = insertCost(ctx, tx, c, a.UserID, s.now()); err != nil {
			if db.IsUniqueViolation(err) {
				return validation.Errors{"invoice_number": "settlement.duplicate_invoice"}
			}
			return err
		}
		return s.record(ctx, tx, a, "settlement.cost_created", "settlement_cost", id, costDetails(c))
	})
	return id, err
}

func costDetails(c *cleanCost) map[string]string {
	return map[string]string{"complex_id": fmt.Sprint(c.complexID), "supplier_id": fmt.Sprint(c.supplierID),
		"category": c.category, "amount": c.amount.String(), "period": c.from.String() + ".." + c.to.String()}
}

// UpdateCost changes a cost entry. An entry a final run used may still be
// corrected: the final run keeps the figures it was computed with.
func (s *Service) UpdateCost(ctx context.Context, a account.Actor, id int64, in CostInput) error {
	if err := canWrite(a); err != nil {
		return err
	}
	c, fe := in.check()
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		old, err := getCost(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkRefs(ctx, tx, c, fe); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		// A description kept as it was passed the guard when it was stored.
		if old.Description != c.desc {
			if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "description", Value: c.desc}); err != nil {
				return err
			}
		}
		if err := updateCost(ctx, tx, id, c, s.now()); err != nil {
			if db.IsUniqueViolation(err) {
				return validation.Errors{"invoice_number": "settlement.duplicate_invoice"}
			}
			return err
		}
		return s.record(ctx, tx, a, "settlement.cost_updated", "settlement_cost", id, costDetails(c))
	})
}

// DeleteCost removes a cost entry that no final run used.
func (s *Service) DeleteCost(ctx context.Context, a account.Actor, id int64) error {
	if err := canWrite(a); err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if _, err := getCost(ctx, tx, id); err != nil {
			return err
		}
		used, err := entryInFinalRun(ctx, tx, id)
		if err != nil {
			return err
		}
		if used {
			return ErrInFinalRun
		}
		if err := deleteCost(ctx, tx, id); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "settlement.cost_deleted", "settlement_cost", id, nil)
	})
}

// Cost reads one cost entry.
func (s *Service) Cost(ctx context.Context, a account.Actor, id int64) (*CostEntry, error) {
	if err := canRead(a); err != nil {
		return nil, err
	}
	var out *CostEntry
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = getCost(ctx, tx, id)
		return err
	})
	return out, err
}

// CostFilter narrows the cost list.
type CostFilter struct {
	ComplexID int64
	Year      int // entries whose period touches the year
	Category  string
}

// CostSorts are the sort keys of Costs.
var CostSorts = []string{"invoice_date", "supplier", "invoice_number", "category", "amount", "period_start", "complex"}

// Costs lists cost entries (search: invoice number, category, supplier name,
// description).
func (s *Service) Costs(ctx context.Context, a account.Actor, q listing.Query, f CostFilter) (listing.Page[CostEntry], error) {
	if err := canRead(a); err != nil {
		return listing.Page[CostEntry]{}, err
	}
	if q.Sort == "" {
		q.Sort, q.Desc = "invoice_date", true
	}
	q = q.Normalize(CostSorts...)
	if q.All {
		q.Offset, q.Limit = 0, 100_000
	}
	var page listing.Page[CostEntry]
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		page, err = listCosts(ctx, tx, q, f)
		return err
	})
	return page, err
}

// SetEvidence attaches the invoice PDF (replacing one attached before). The
// content must be a PDF (sniffed, not taken from the name); it is sealed
// under the organisation key.
func (s *Service) SetEvidence(ctx context.Context, a account.Actor, id int64, name string, data []byte) error {
	if err := canWrite(a); err != nil {
		return err
	}
	if err := CheckEvidence(data); err != nil {
		return err
	}
	name = cleanFileName(name)
	sum := sha256.Sum256(data)
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if _, err := getCost(ctx, tx, id); err != nil {
			return err
		}
		if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "evidence", Value: name}); err != nil {
			return err
		}
		sealed, err := s.vault.SealOrg(ctx, tx, "settlement.evidence", data)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE settlement_cost_entries SET evidence_name = $1, evidence_size = $2, evidence_sha256 = $3,
			evidence_sealed = $4, updated_at = $5 WHERE id = $6 AND org_id = $7`,
			name, len(data), hex.EncodeToString(sum[:]), sealed, s.now(), id, tx.OrgID()); err != nil {
			return fmt.Errorf("store evidence: %w", err)
		}
		return s.record(ctx, tx, a, "settlement.evidence_attached", "settlement_cost", id,
			map[string]string{"sha256": hex.EncodeToString(sum[:])})
	})
}

// CheckEvidence says what is wrong with an invoice file, as a field error
// at "evidence": empty, above MaxEvidenceSize, or not a PDF (the content is
// sniffed, the name is not trusted). A form checks the file with it before
// it stores the entry, so a bad file changes nothing.
func CheckEvidence(data []byte) error {
	switch {
	case len(data) == 0:
		return validation.Errors{"evidence": "settlement.no_file"}
	case len(data) > MaxEvidenceSize:
		return validation.Errors{"evidence": "settlement.file_too_large"}
	case http.DetectContentType(data) != "application/pdf":
		return validation.Errors{"evidence": "settlement.not_pdf"}
	}
	return nil
}

func cleanFileName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == '"' || r == '/' || r == '\\' {
			return -1
		}
		return r
	}, name)
	if name == "" {
		name = "factuur.pdf"
	}
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(name)[:120])
	}
	return name
}

// Evidence opens the invoice PDF of a cost entry.
func (s *Service) Evidence(ctx context.Context, a account.Actor, id int64) (name string, data []byte, err error) {
	if err := canRead(a); err != nil {
		return "", nil, err
	}
	err = s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var sealed []byte
		err := tx.QueryRowContext(ctx, `SELECT evidence_name, evidence_sealed FROM settlement_cost_entries WHERE id = $1 AND org_id = $2`,
			id, tx.OrgID()).Scan(&name, &sealed)
		if errors.Is(err, sql.ErrNoRows) {
			return validation.ErrNotFound
		}
		if err != nil {
			return err
		}
		if len(sealed) == 0 {
			return ErrNoEvidence
		}
		data, err = s.vault.OpenOrg(ctx, tx, "settlement.evidence", sealed)
		return err
	})
	return name, data, err
}

// --- proration ---

// YearShare is the part of an amount for the period from..to (both
// inclusive) that falls in a calendar year: the amount is split over the
// calendar years the period touches by their days in it, rounded to cents by
// largest remainder (money.Allocate), so the parts of all years add up to
// the amount exactly. A period outside the year gives 0.
func YearShare(amount money.Cents, from, to civil.Date, year int) money.Cents {
	if to.Before(from) || year < from.Year || year > to.Year {
		return 0
	}
	weights := make([]int64, 0, to.Year-from.Year+1)
	for y := from.Year; y <= to.Year; y++ {
		first, last := civil.New(y, time.January, 1), civil.New(y, time.December, 31)
		if first.Before(from) {
			first = from
		}
		if last.After(to) {
			last = to
		}
		weights = append(weights, int64(first.DaysUntil(last))+1)
	}
	parts, err := money.Allocate(amount, weights)
	if err != nil {
		return 0
	}
	return parts[year-from.Year]
}

// PeriodShare is the part of an amount for from..to that falls in the
// period pFrom..pTo within one calendar year: the year's part (YearShare)
// split by the days of the period against the rest of that year's days of
// the entry, largest remainder. For a whole calendar year it equals
// YearShare.
func PeriodShare(amount money.Cents, from, to, pFrom, pTo civil.Date) money.Cents {
	year := pFrom.Year
	ys := YearShare(amount, from, to, year)
	first, last := civil.New(year, time.January, 1), civil.New(year, time.December, 31)
	first, last = later(first, from), earlier(last, to)
	if last.Before(first) {
		return 0
	}
	in0, in1 := later(first, pFrom), earlier(last, pTo)
	if in1.Before(in0) {
		return 0
	}
	inDays := int64(in0.DaysUntil(in1)) + 1
	allDays := int64(first.DaysUntil(last)) + 1
	if inDays == allDays {
		return ys
	}
	parts, err := money.Allocate(ys, []int64{inDays, allDays - inDays})
	if err != nil {
		return 0
	}
	return parts[0]
}

func later(a, b civil.Date) civil.Date {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b civil.Date) civil.Date {
	if a.Before(b) {
		return a
	}
	return b
}

// --- CSV import ---

// CostCSVColumns are the columns of a cost import, in the order of the
// export; the header names them (any order; units and vat and description
// may be left out).
var CostCSVColumns = []string{"supplier", "invoice_number", "invoice_date", "period_start", "period_end", "amount", "vat", "category",
	"complex", "units", "description"}

// CostCSVDutch are the Dutch names a header may give the columns instead,
// in the order of CostCSVColumns.
var CostCSVDutch = []string{"leverancier", "factuurnummer", "factuurdatum", "periode_van", "periode_tot", "bedrag", "btw",
	"categorie", "complex", "eenheden", "omschrijving"}

// CellError is one problem in an import file: the line (1 is the header),
// the column name and the message id.
type CellError = csvfile.CellError

// ImportResult is what an import did.
type ImportResult struct {
	Created   int
	Updated   int
	Unchanged int
}

// ImportErrors are the problems of an import file; nothing was written.
type ImportErrors []CellError

func (e ImportErrors) Error() string {
	parts := make([]string, 0, min(len(e), 5))
	for i, c := range e {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("… %d more", len(e)-5))
			break
		}
		parts = append(parts, c.Error())
	}
	return "settlement import: " + strings.Join(parts, "; ")
}

// formFieldColumn maps CostInput's field names to CSV columns.
var formFieldColumn = map[string]string{"supplier_id": "supplier", "invoice_number": "invoice_number", "invoice_date": "invoice_date",
	"period_start": "period_start", "period_end": "period_end", "amount": "amount", "vat": "vat", "category": "category",
	"complex_id": "complex", "unit_ids": "units", "description": "description"}

// ImportCosts reads a CSV of cost entries (';' or ',' separated, header
// row with CostCSVColumns). supplier is a relation id, the supplier's own
// reference or its KvK number; complex a complex id or name; units unit ids
// separated by spaces (empty: the whole complex). Every row is checked
// first; if any is wrong, ImportErrors lists them all and nothing is
// written. Rows are keyed by (supplier, invoice number, category): importing
// the same file again changes nothing.
func (s *Service) ImportCosts(ctx context.Context, a account.Actor, r io.Reader) (ImportResult, error) {
	if err := canWrite(a); err != nil {
		return ImportResult{}, err
	}
	f, err := csvfile.Read(r, csvfile.Options{MaxSize: MaxEvidenceSize, Undo: true})
	var le *csvfile.LineError
	switch {
	case errors.Is(err, csvfile.ErrTooLarge):
		return ImportResult{}, ImportErrors{{Line: 0, Column: "", Reason: "settlement.file_too_large"}}
	case errors.Is(err, csvfile.ErrNotUTF8):
		return ImportResult{}, ImportErrors{{Line: 1, Column: "", Reason: "settlement.not_utf8"}}
	case errors.As(err, &le):
		return ImportResult{}, ImportErrors{{Line: le.Line, Reason: "settlement.csv_malformed"}}
	case err != nil:
		return ImportResult{}, fmt.Errorf("read import: %w", err)
	}
	rows := f.Rows
	if len(rows) < 2 {
		return ImportResult{}, ImportErrors{{Line: 1, Reason: "settlement.csv_empty"}}
	}
	col := map[string]int{}
	var errs ImportErrors
	for i, h := range rows[0].Cells {
		h = strings.ToLower(h)
		if k := slices.Index(CostCSVDutch, h); k >= 0 {
			h = CostCSVColumns[k]
		}
		if !slices.Contains(CostCSVColumns, h) {
			errs = append(errs, CellError{Line: 1, Column: h, Reason: "settlement.csv_unknown_column"})
			continue
		}
		col[h] = i
	}
	for _, need := range []string{"supplier", "invoice_number", "invoice_date", "period_start", "period_end",
		"amount", "category", "complex"} {
		if _, ok := col[need]; !ok {
			errs = append(errs, CellError{Line: 1, Column: need, Reason: "settlement.csv_missing_column"})
		}
	}
	if len(errs) > 0 {
		return ImportResult{}, errs
	}
	var res ImportResult
	err = s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		look, err := loadImportLookups(ctx, tx)
		if err != nil {
			return err
		}
		type row struct {
			line int
			c    *cleanCost
		}
		var good []row
		seen := map[string]int{}
		for _, rec := range rows[1:] {
			line := rec.Line
			get := func(name string) string {
				if k, ok := col[name]; ok {
					return rec.Cell(k)
				}
				return ""
			}
			if rec.Blank() {
				continue
			}
			in := CostInput{InvoiceNumber: get("invoice_number"), InvoiceDate: get("invoice_date"), PeriodStart: get("period_start"),
				PeriodEnd: get("period_end"), Amount: get("amount"), VAT: get("vat"), Category: get("category"), Description: get("description")}
			rowErrs := validation.Errors{}
			rowErrs.CheckText("supplier_id", get("supplier"), false)
			rowErrs.CheckText("complex_id", get("complex"), false)
			rowErrs.CheckText("unit_ids", get("units"), false)
			if v := get("supplier"); v == "" {
				rowErrs.Add("supplier_id", "field.required")
			} else if id, ok := look.supplier(v); ok {
				in.SupplierID = id
			} else {
				rowErrs.Add("supplier_id", "settlement.unknown_supplier")
			}
			if v := get("complex"); v == "" {
				rowErrs.Add("complex_id", "field.required")
			} else if id, ok := look.complex(v); ok {
				in.ComplexID = id
			} else {
				rowErrs.Add("complex_id", "settlement.unknown_complex")
			}
			for _, f := range strings.FieldsFunc(get("units"), func(r rune) bool { return r == ' ' || r == ',' }) {
				id, err := strconv.ParseInt(f, 10, 64)
				if err != nil || id <= 0 {
					rowErrs.Add("unit_ids", "settlement.bad_unit_list")
					break
				}
				in.UnitIDs = append(in.UnitIDs, id)
			}
			c, fe := in.check()
			for k, v := range fe {
				rowErrs.Add(k, v)
			}
			if rowErrs["description"] == "" {
				if gerr := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "description", Value: c.desc}); gerr != nil {
					gfe, ok := validation.AsFields(gerr)
					if !ok {
						return gerr
					}
					for k, v := range gfe {
						rowErrs.Add(k, v)
					}
				}
			}
			if c.complexID > 0 && len(c.units) > 0 && rowErrs["complex_id"] == "" {
				for _, u := range c.units {
					if look.unitComplex[u] != c.complexID {
						rowErrs.Add("unit_ids", "settlement.unit_not_in_complex")
						break
					}
				}
			}
			if c.supplierID > 0 && rowErrs["supplier_id"] == "" {
				k := fmt.Sprintf("%d|%s|%s", c.supplierID, c.number, c.category)
				if _, dup := seen[k]; dup {
					rowErrs.Add("invoice_number", "settlement.csv_duplicate_row")
				}
				seen[k] = line
			}
			for _, f := range slices.Sorted(mapKeys(rowErrs)) {
				errs = append(errs, CellError{Line: line, Column: formFieldColumn[f], Reason: rowErrs[f]})
			}
			if len(rowErrs) == 0 {
				good = append(good, row{line, c})
			}
		}
		if len(errs) > 0 {
			return errs
		}
		if len(good) == 0 {
			return ImportErrors{{Line: 2, Reason: "settlement.csv_empty"}}
		}
		now := s.now()
		for _, g := range good {
			old, err := findCostByKey(ctx, tx, g.c.supplierID, g.c.number, g.c.category)
			if err != nil {
				return err
			}
			switch {
			case old == nil:
				if _, err := insertCost(ctx, tx, g.c, a.UserID, now); err != nil {
					return fmt.Errorf("import line %d: %w", g.line, err)
				}
				res.Created++
			case sameCost(old, g.c):
				res.Unchanged++
			default:
				if err := updateCost(ctx, tx, old.ID, g.c, now); err != nil {
					return fmt.Errorf("import line %d: %w", g.line, err)
				}
				res.Updated++
			}
		}
		return s.record(ctx, tx, a, "settlement.costs_imported", "organisation", tx.OrgID(), map[string]string{
			"created": fmt.Sprint(res.Created), "updated": fmt.Sprint(res.Updated), "unchanged": fmt.Sprint(res.Unchanged)})
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func sameCost(o *CostEntry, c *cleanCost) bool {
	return o.ComplexID == c.complexID && o.InvoiceDate == c.invoiceDate && o.PeriodStart == c.from && o.PeriodEnd == c.to &&
		o.Amount == c.amount && o.VAT == c.vat && o.Description == c.desc && slices.Equal(o.UnitIDs, c.units)
}

// CostCSVRecords are cost entries as rows of the import format (columns
// CostCSVColumns, amounts with a decimal point, ISO dates), so an export can
// be imported again. The cells are raw: a writer for people defuses formula
// cells (the web's writeCSV).
func CostCSVRecords(items []CostEntry) [][]string {
	out := make([][]string, 0, len(items))
	for _, c := range items {
		units := make([]string, len(c.UnitIDs))
		for i, u := range c.UnitIDs {
			units[i] = fmt.Sprint(u)
		}
		out = append(out, []string{fmt.Sprint(c.SupplierID), c.InvoiceNumber, c.InvoiceDate.String(), c.PeriodStart.String(),
			c.PeriodEnd.String(), c.Amount.String(), c.VAT.String(), c.Category, fmt.Sprint(c.ComplexID), strings.Join(units, " "), c.Description})
	}
	return out
}
