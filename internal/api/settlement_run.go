package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/settlement"
)

func init() {
	areas = append(areas, func(a *API) {
		read, write := account.PermFinanceRead, account.PermFinanceWrite
		op(a, http.MethodGet, "/settlement/costs", "list-settlement-costs",
			"List cost entries (supplier invoices) of the service-cost settlement", read, a.listSettlementCosts)
		op(a, http.MethodPost, "/settlement/costs", "create-settlement-cost", "Enter a cost entry", write, a.createSettlementCost)
		op(a, http.MethodPost, "/settlement/costs/import", "import-settlement-costs",
			"Import cost entries from CSV; all rows or none", write, a.importSettlementCosts, func(o *huma.Operation) {
				o.Description += " The file's header row: " + strings.Join(settlement.CostCSVColumns, ";") + "."
			})
		op(a, http.MethodGet, "/settlement/costs/{id}", "get-settlement-cost", "Get a cost entry", read, a.getSettlementCost)
		op(a, http.MethodPut, "/settlement/costs/{id}", "update-settlement-cost", "Replace a cost entry", write, a.updateSettlementCost)
		op(a, http.MethodDelete, "/settlement/costs/{id}", "delete-settlement-cost",
			"Delete a cost entry no final run used", write, a.deleteSettlementCost)
		op(a, http.MethodPut, "/settlement/costs/{id}/evidence", "put-settlement-cost-evidence",
			"Attach the invoice PDF (at most 10 MB)", write, a.putSettlementEvidence)
		op(a, http.MethodGet, "/settlement/costs/{id}/evidence", "get-settlement-cost-evidence",
			"Download the invoice PDF", read, a.getSettlementEvidence)
		op(a, http.MethodGet, "/settlement/complexes/{complex}/years/{year}", "get-settlement-year",
			"Keys, administration fee and occupants of a complex for a year", read, a.getSettlementYear)
		op(a, http.MethodPut, "/settlement/complexes/{complex}/years/{year}", "set-settlement-year",
			"Set the administration-fee percentage and occupants of a complex for a year", write, a.setSettlementYear)
		op(a, http.MethodPut, "/settlement/complexes/{complex}/years/{year}/keys/{category}", "set-settlement-key",
			"Set the distribution key of a cost category", write, a.setSettlementKey)
		op(a, http.MethodDelete, "/settlement/complexes/{complex}/years/{year}/keys/{category}", "delete-settlement-key",
			"Remove the key of a cost category", write, a.deleteSettlementKey)
		op(a, http.MethodGet, "/settlement/degree-days", "list-degree-days", "Weighted degree days per month", read, a.listDegreeDays)
		op(a, http.MethodPut, "/settlement/degree-days", "set-degree-days",
			"Set degree days per month (an empty value removes a month)", write, a.setDegreeDays)
		op(a, http.MethodGet, "/settlement/runs", "list-settlement-runs", "List settlement runs, newest first", read, a.listSettlementRuns)
		op(a, http.MethodPost, "/settlement/runs", "create-settlement-run",
			"Run the settlement of a complex and year, or of a leaving tenant's lease (stored as a draft, replacing the draft before)",
			write, a.createSettlementRun, func(o *huma.Operation) {
				o.Description += " A scenario the calculator refuses (for a reason that is no single cost's: a cost it refuses is left out " +
					"with a warning) is a 422 problem document with the calculator's members `error` and `field`."
			})
		op(a, http.MethodGet, "/settlement/runs/{id}", "get-settlement-run",
			"Get a run with its costs and one page of its occupancies with their lines (limit and cursor, by address)",
			read, a.getSettlementRun)
		op(a, http.MethodPost, "/settlement/runs/{id}/finalise", "finalise-settlement-run",
			"Make a draft run final (it is never changed again)", write, a.finaliseSettlementRun)
	})
}

// SettlementCostJSON is a cost entry.
type SettlementCostJSON struct {
	ID            int64      `json:"id"`
	ComplexID     int64      `json:"complex_id"`
	SupplierID    int64      `json:"supplier_id"`
	SupplierName  string     `json:"supplier_name"`
	InvoiceNumber string     `json:"invoice_number"`
	InvoiceDate   civil.Date `json:"invoice_date"`
	PeriodStart   civil.Date `json:"period_start"`
	PeriodEnd     civil.Date `json:"period_end"`
	Amount        string     `json:"amount" doc:"Including VAT, euros"`
	VAT           string     `json:"vat"`
	Category      string     `json:"category"`
	Description   string     `json:"description"`
	Scope         string     `json:"scope" enum:"complex,units"`
	UnitIDs       []int64    `json:"unit_ids"`
	HasEvidence   bool       `json:"has_evidence"`
}

func settlementCostJSON(c settlement.CostEntry) SettlementCostJSON {
	units := c.UnitIDs
	if units == nil {
		units = []int64{}
	}
	return SettlementCostJSON{ID: c.ID, ComplexID: c.ComplexID, SupplierID: c.SupplierID, SupplierName: c.SupplierName,
		InvoiceNumber: c.InvoiceNumber, InvoiceDate: c.InvoiceDate, PeriodStart: c.PeriodStart, PeriodEnd: c.PeriodEnd, Amount: c.Amount.String(),
		VAT: c.VAT.String(), Category: c.Category, Description: c.Description, Scope: c.Scope, UnitIDs: units, HasEvidence: c.HasEvidence()}
}

// SettlementCostBody is a cost entry as sent.
type SettlementCostBody struct {
	ComplexID     int64   `json:"complex_id"`
	SupplierID    int64   `json:"supplier_id" doc:"A relation with the role supplier"`
	InvoiceNumber string  `json:"invoice_number"`
	InvoiceDate   string  `json:"invoice_date" doc:"ISO date"`
	PeriodStart   string  `json:"period_start" doc:"First day the invoice covers"`
	PeriodEnd     string  `json:"period_end" doc:"Last day the invoice covers"`
	Amount        string  `json:"amount" doc:"Including VAT: \"1234.56\" or \"1.234,56\""`
	VAT           string  `json:"vat,omitempty" doc:"The VAT within amount"`
	Category      string  `json:"category" doc:"Cost category code, as on the leases' service-cost components"`
	Description   string  `json:"description,omitempty"`
	UnitIDs       []int64 `json:"unit_ids,omitempty" doc:"Units of the complex the cost is for; empty: the whole complex"`
}

func (b SettlementCostBody) input() settlement.CostInput {
	return settlement.CostInput{ComplexID: b.ComplexID, SupplierID: b.SupplierID, InvoiceNumber: b.InvoiceNumber, InvoiceDate: b.InvoiceDate,
		PeriodStart: b.PeriodStart, PeriodEnd: b.PeriodEnd, Amount: b.Amount, VAT: b.VAT, Category: b.Category,
		Description: b.Description, UnitIDs: b.UnitIDs}
}

// SettlementCostOutput is one cost entry.
type SettlementCostOutput struct{ Body SettlementCostJSON }

// SettlementCostIDInput names a cost entry.
type SettlementCostIDInput struct {
	ID int64 `path:"id"`
}

// ListSettlementCostsInput filters the list.
type ListSettlementCostsInput struct {
	Q         string `query:"q" doc:"Search invoice number, category, supplier, description"`
	Sort      string `query:"sort" enum:"invoice_date,supplier,invoice_number,category,amount,period_start,complex,"`
	Dir       string `query:"dir" enum:"asc,desc,"`
	ComplexID int64  `query:"complex_id"`
	Year      int    `query:"year" doc:"Entries whose period touches the year"`
	Category  string `query:"category"`
	PageInput
}

// ListSettlementCostsOutput is a page of entries.
type ListSettlementCostsOutput struct {
	Body struct {
		Page[SettlementCostJSON]
		Total int `json:"total" doc:"Entries over all pages"`
	}
}

func (a *API) listSettlementCosts(ctx context.Context, act account.Actor,
	in *ListSettlementCostsInput) (*ListSettlementCostsOutput, error) {
	// The caller chooses the sort, so the list is paged by position: the
	// cursor counts the entries already seen.
	offset, err := in.offset()
	if err != nil {
		return nil, err
	}
	page, err := a.Settlement.Costs(ctx, act,
		listing.Query{Search: in.Q, Sort: in.Sort, Desc: in.Dir == "desc", Offset: offset, Limit: in.limit() + 1},
		settlement.CostFilter{ComplexID: in.ComplexID, Year: in.Year, Category: in.Category})
	if err != nil {
		return nil, err
	}
	out := &ListSettlementCostsOutput{}
	out.Body.Total = page.Total
	out.Body.Page = pageAt(page.Items, in.PageInput, offset, settlementCostJSON)
	return out, nil
}

// CreateSettlementCostInput carries a new entry.
type CreateSettlementCostInput struct {
	GuardReasons
	Body SettlementCostBody
}

func (a *API) createSettlementCost(ctx context.Context, act account.Actor, in *CreateSettlementCostInput) (*SettlementCostOutput, error) {
	id, err := a.Settlement.CreateCost(ctx, act, in.Body.input())
	if err != nil {
		return nil, err
	}
	return a.getSettlementCost(ctx, act, &SettlementCostIDInput{ID: id})
}

func (a *API) getSettlementCost(ctx context.Context, act account.Actor, in *SettlementCostIDInput) (*SettlementCostOutput, error) {
	c, err := a.Settlement.Cost(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &SettlementCostOutput{Body: settlementCostJSON(*c)}, nil
}

// UpdateSettlementCostInput replaces an entry.
type UpdateSettlementCostInput struct {
	GuardReasons
	ID   int64 `path:"id"`
	Body SettlementCostBody
}

func (a *API) updateSettlementCost(ctx context.Context, act account.Actor, in *UpdateSettlementCostInput) (*SettlementCostOutput, error) {
	if err := a.Settlement.UpdateCost(ctx, act, in.ID, in.Body.input()); err != nil {
		return nil, err
	}
	return a.getSettlementCost(ctx, act, &SettlementCostIDInput{ID: in.ID})
}

func (a *API) deleteSettlementCost(ctx context.Context, act account.Actor, in *SettlementCostIDInput) (*struct{}, error) {
	return nil, a.Settlement.DeleteCost(ctx, act, in.ID)
}

// PutSettlementEvidenceInput is the PDF itself.
type PutSettlementEvidenceInput struct {
	GuardReasons
	ID       int64  `path:"id"`
	FileName string `query:"filename" doc:"The name to keep with the file"`
	RawBody  []byte `contentType:"application/pdf" maxLength:"10485760"`
}

func (a *API) putSettlementEvidence(ctx context.Context, act account.Actor, in *PutSettlementEvidenceInput) (*SettlementCostOutput, error) {
	name := in.FileName
	if name == "" {
		name = fmt.Sprintf("factuur-%d.pdf", in.ID)
	}
	if err := a.Settlement.SetEvidence(ctx, act, in.ID, name, in.RawBody); err != nil {
		return nil, err
	}
	return a.getSettlementCost(ctx, act, &SettlementCostIDInput{ID: in.ID})
}

func (a *API) getSettlementEvidence(ctx context.Context, act account.Actor, in *SettlementCostIDInput) (*LeasePDFOutput, error) {
	name, data, err := a.Settlement.Evidence(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &LeasePDFOutput{ContentType: "application/pdf",
		ContentDisposition: fmt.Sprintf(`attachment; filename="%s"`, strings.ReplaceAll(name, `"`, "")), Body: data}, nil
}

// ImportSettlementCostsInput carries the file's text.
type ImportSettlementCostsInput struct {
	GuardReasons
	Body struct {
		CSV string `json:"csv" maxLength:"10485760" doc:"The file: the header row of the operation's description, then one entry per row"`
	}
}

// ImportSettlementCostsOutput counts what changed.
type ImportSettlementCostsOutput struct {
	Body struct {
		Created   int `json:"created"`
		Updated   int `json:"updated"`
		Unchanged int `json:"unchanged"`
	}
}

func (a *API) importSettlementCosts(ctx context.Context, act account.Actor,
	in *ImportSettlementCostsInput) (*ImportSettlementCostsOutput, error) {
	res, err := a.Settlement.ImportCosts(ctx, act, strings.NewReader(in.Body.CSV))
	var ie settlement.ImportErrors
	if errors.As(err, &ie) {
		// Each bad cell is named by line and column: body.csv[line].column.
		fe := validation.Errors{}
		for _, ce := range ie {
			loc := fmt.Sprintf("csv[%d]", ce.Line)
			if ce.Column != "" {
				loc += "." + ce.Column
			}
			fe.Add(loc, ce.Reason)
		}
		return nil, fe
	}
	if err != nil {
		return nil, err
	}
	out := &ImportSettlementCostsOutput{}
	out.Body.Created, out.Body.Updated, out.Body.Unchanged = res.Created, res.Updated, res.Unchanged
	return out, nil
}

// SettlementKeyJSON is the key of a cost category.
type SettlementKeyJSON struct {
	Category     string            `json:"category"`
	Key          string            `json:"key" enum:"equal,area,occupants,meter,shares,gas_35_65"`
	Heating      bool              `json:"heating"`
	FixedPercent string            `json:"fixed_percent,omitempty" doc:"Heating: the part split by days"`
	AdminFee     bool              `json:"admin_fee"`
	MeterKind    string            `json:"meter_kind,omitempty" enum:"gas,electricity,water,heat,"`
	Shares       map[string]string `json:"shares,omitempty" doc:"Key shares: weight per unit id"`
}

// SettlementYearOutput is a complex's settings for a year.
type SettlementYearOutput struct {
	Body struct {
		ComplexID       int64               `json:"complex_id"`
		Year            int                 `json:"year"`
		AdminFeePercent string              `json:"admin_fee_percent"`
		KNMIStation     int                 `json:"knmi_station" doc:"The KNMI station of the degree days; 0: none"`
		Keys            []SettlementKeyJSON `json:"keys"`
		Occupants       map[string]string   `json:"occupants" doc:"Per unit id; a unit not listed counts 1"`
	}
}

// SettlementYearInput names a complex and year.
type SettlementYearInput struct {
	Complex int64 `path:"complex"`
	Year    int   `path:"year"`
}

func (a *API) getSettlementYear(ctx context.Context, act account.Actor, in *SettlementYearInput) (*SettlementYearOutput, error) {
	y, err := a.Settlement.Year(ctx, act, in.Complex, in.Year)
	if err != nil {
		return nil, err
	}
	out := &SettlementYearOutput{}
	out.Body.ComplexID, out.Body.Year, out.Body.AdminFeePercent, out.Body.KNMIStation = y.ComplexID, y.Year, y.AdminFeePercent, y.KNMIStation
	out.Body.Keys = []SettlementKeyJSON{}
	for _, k := range y.Keys {
		kj := SettlementKeyJSON{Category: k.Category, Key: k.Key, Heating: k.Heating, FixedPercent: k.FixedPercent,
			AdminFee: k.AdminFee, MeterKind: k.MeterKind}
		if len(k.Shares) > 0 {
			kj.Shares = map[string]string{}
			for u, v := range k.Shares {
				kj.Shares[fmt.Sprint(u)] = v
			}
		}
		out.Body.Keys = append(out.Body.Keys, kj)
	}
	out.Body.Occupants = map[string]string{}
	for u, v := range y.Occupants {
		out.Body.Occupants[fmt.Sprint(u)] = v
	}
	return out, nil
}

func unitMap(m map[string]string, field string) (map[int64]string, error) {
	if m == nil {
		return nil, nil
	}
	out := map[int64]string{}
	for k, v := range m {
		var id int64
		if _, err := fmt.Sscan(k, &id); err != nil || id <= 0 {
			return nil, validation.Errors{field + "." + k: "settlement.unit_not_in_complex"}
		}
		out[id] = v
	}
	return out, nil
}

// SetSettlementYearInput sets a year's fee and occupants.
type SetSettlementYearInput struct {
	Complex int64 `path:"complex"`
	Year    int   `path:"year"`
	Body    struct {
		AdminFeePercent string            `json:"admin_fee_percent" doc:"Default 5"`
		Occupants       map[string]string `json:"occupants,omitempty" doc:"Per unit id; an empty value removes the unit's number"`
	}
}

func (a *API) setSettlementYear(ctx context.Context, act account.Actor, in *SetSettlementYearInput) (*SettlementYearOutput, error) {
	occ, err := unitMap(in.Body.Occupants, "occupants")
	if err != nil {
		return nil, err
	}
	if err := a.Settlement.SetYearSettings(ctx, act, in.Complex, in.Year, in.Body.AdminFeePercent, occ); err != nil {
		return nil, err
	}
	return a.getSettlementYear(ctx, act, &SettlementYearInput{Complex: in.Complex, Year: in.Year})
}

// SetSettlementKeyInput sets the key of a category.
type SetSettlementKeyInput struct {
	Complex  int64  `path:"complex"`
	Year     int    `path:"year"`
	Category string `path:"category"`
	Body     struct {
		Key          string            `json:"key" enum:"equal,area,occupants,meter,shares,gas_35_65"`
		Heating      bool              `json:"heating,omitempty"`
		FixedPercent string            `json:"fixed_percent,omitempty"`
		AdminFee     bool              `json:"admin_fee,omitempty"`
		MeterKind    string            `json:"meter_kind,omitempty"`
		Shares       map[string]string `json:"shares,omitempty"`
	}
}

func (a *API) setSettlementKey(ctx context.Context, act account.Actor, in *SetSettlementKeyInput) (*SettlementYearOutput, error) {
	shares, err := unitMap(in.Body.Shares, "shares")
	if err != nil {
		return nil, err
	}
	if err := a.Settlement.SetKey(ctx, act, in.Complex, in.Year,
		settlement.CategoryKey{Category: in.Category, Key: in.Body.Key, Heating: in.Body.Heating,
			FixedPercent: in.Body.FixedPercent, AdminFee: in.Body.AdminFee, MeterKind: in.Body.MeterKind, Shares: shares}); err != nil {
		return nil, err
	}
	return a.getSettlementYear(ctx, act, &SettlementYearInput{Complex: in.Complex, Year: in.Year})
}

// DeleteSettlementKeyInput names a key.
type DeleteSettlementKeyInput struct {
	Complex  int64  `path:"complex"`
	Year     int    `path:"year"`
	Category string `path:"category"`
}

func (a *API) deleteSettlementKey(ctx context.Context, act account.Actor, in *DeleteSettlementKeyInput) (*struct{}, error) {
	return nil, a.Settlement.DeleteKey(ctx, act, in.Complex, in.Year, in.Category)
}

// DegreeDayJSON is one month.
type DegreeDayJSON struct {
	Month string `json:"month" doc:"YYYY-MM"`
	Value string `json:"value" doc:"Weighted degree days; empty removes the month"`
}

// ListDegreeDaysInput pages through the months (the cursor is the last
// month seen).
type ListDegreeDaysInput struct {
	PageInput
}

// DegreeDaysOutput is a page of months (all of them after a change).
type DegreeDaysOutput struct {
	Body Page[DegreeDayJSON]
}

func (a *API) listDegreeDays(ctx context.Context, act account.Actor, in *ListDegreeDaysInput) (*DegreeDaysOutput, error) {
	items, err := a.degreeDays(ctx, act)
	if err != nil {
		return nil, err
	}
	page, err := pageOf(items, in.PageInput, func(d DegreeDayJSON) string { return d.Month })
	if err != nil {
		return nil, err
	}
	return &DegreeDaysOutput{Body: page}, nil
}

func (a *API) degreeDays(ctx context.Context, act account.Actor) ([]DegreeDayJSON, error) {
	dd, err := a.Settlement.DegreeDays(ctx, act)
	if err != nil {
		return nil, err
	}
	items := make([]DegreeDayJSON, 0, len(dd))
	for _, d := range dd {
		items = append(items, DegreeDayJSON{Month: d.Month, Value: d.Value})
	}
	return items, nil
}

// SetDegreeDaysInput carries months.
type SetDegreeDaysInput struct {
	Body struct {
		Items []DegreeDayJSON `json:"items"`
	}
}

func (a *API) setDegreeDays(ctx context.Context, act account.Actor, in *SetDegreeDaysInput) (*DegreeDaysOutput, error) {
	days := make([]settlement.DegreeDay, len(in.Body.Items))
	for i, d := range in.Body.Items {
		days[i] = settlement.DegreeDay{Month: d.Month, Value: d.Value}
	}
	if err := a.Settlement.SetDegreeDays(ctx, act, days); err != nil {
		return nil, err
	}
	items, err := a.degreeDays(ctx, act)
	if err != nil {
		return nil, err
	}
	return &DegreeDaysOutput{Body: Page[DegreeDayJSON]{Items: items}}, nil
}

// SettlementRunSummaryJSON is a run in a list.
type SettlementRunSummaryJSON struct {
	ID            int64      `json:"id"`
	ComplexID     int64      `json:"complex_id"`
	Year          int        `json:"year"`
	Kind          string     `json:"kind" enum:"year,leaving"`
	LeaseID       int64      `json:"lease_id,omitempty"`
	PeriodStart   civil.Date `json:"period_start"`
	PeriodEnd     civil.Date `json:"period_end"`
	State         string     `json:"state" enum:"draft,final"`
	Warnings      int        `json:"warnings"`
	CorrectsRunID int64      `json:"corrects_run_id,omitempty"`
	DegreeDays    string     `json:"degree_days_source" doc:"Source of the degree days: knmi:<station>, entered or table (VDI 2067)"`
}

func runSummaryJSON(r settlement.RunSummary) SettlementRunSummaryJSON {
	return SettlementRunSummaryJSON{ID: r.ID, ComplexID: r.ComplexID, Year: r.Year, Kind: r.Kind, LeaseID: r.LeaseID,
		PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, State: r.State, Warnings: r.Warnings, CorrectsRunID: r.CorrectsRunID,
		DegreeDays: r.DegreeDaysSource}
}

// ListSettlementRunsInput filters runs and pages through them, newest first
// (the cursor is the last id seen).
type ListSettlementRunsInput struct {
	ComplexID int64 `query:"complex_id"`
	Year      int   `query:"year"`
	PageInput
}

// ListSettlementRunsOutput is a page of runs.
type ListSettlementRunsOutput struct {
	Body Page[SettlementRunSummaryJSON]
}

func (a *API) listSettlementRuns(ctx context.Context, act account.Actor, in *ListSettlementRunsInput) (*ListSettlementRunsOutput, error) {
	rs, err := a.Settlement.Runs(ctx, act, settlement.RunFilter{ComplexID: in.ComplexID, Year: in.Year})
	if err != nil {
		return nil, err
	}
	items := make([]SettlementRunSummaryJSON, 0, len(rs))
	for _, r := range rs {
		items = append(items, runSummaryJSON(r))
	}
	page, err := pageOf(items, in.PageInput, func(r SettlementRunSummaryJSON) string { return idKey(r.ID) })
	if err != nil {
		return nil, err
	}
	return &ListSettlementRunsOutput{Body: page}, nil
}

// SettlementLineJSON is a share of a cost.
type SettlementLineJSON struct {
	CostID string `json:"cost_id"`
	UnitID int64  `json:"unit_id"`
	Amount string `json:"amount"`
}

// SettlementOccupancyJSON is a tenant's settlement.
type SettlementOccupancyJSON struct {
	ID             int64                `json:"id"`
	Ref            string               `json:"ref"`
	LeaseID        int64                `json:"lease_id"`
	LeaseReference string               `json:"lease_reference"`
	UnitID         int64                `json:"unit_id"`
	Start          civil.Date           `json:"start"`
	End            civil.Date           `json:"end"`
	Subtotal       string               `json:"subtotal"`
	AdminFee       string               `json:"admin_fee"`
	Total          string               `json:"total"`
	Advances       string               `json:"advances" doc:"Service-cost advances charged for the period"`
	Paid           string               `json:"paid" doc:"Of which paid"`
	Balance        string               `json:"balance" doc:"total − advances; negative: a refund"`
	Lines          []SettlementLineJSON `json:"lines"`
}

// SettlementRunCostJSON is a cost line of a run.
type SettlementRunCostJSON struct {
	CostID    string  `json:"cost_id"`
	Category  string  `json:"category"`
	Key       string  `json:"key"`
	Heating   bool    `json:"heating"`
	AdminFee  bool    `json:"admin_fee"`
	Amount    string  `json:"amount"`
	Allocated string  `json:"allocated"`
	Landlord  string  `json:"landlord"`
	UnitIDs   []int64 `json:"unit_ids"`
	EntryIDs  []int64 `json:"entry_ids"`
}

// SettlementRunOutput is a run.
type SettlementRunOutput struct {
	Body struct {
		SettlementRunSummaryJSON
		AdminFeePercent string                    `json:"admin_fee_percent"`
		Warnings        []settlement.Warning      `json:"warning_list"`
		Costs           []SettlementRunCostJSON   `json:"costs"`
		Occupancies     []SettlementOccupancyJSON `json:"occupancies" doc:"One page of the occupancies, by address (limit, cursor)"`
		OccupancyCount  int                       `json:"occupancies_total" doc:"The number of occupancies in the run"`
		NextCursor      string                    `json:"next_cursor,omitempty" doc:"The cursor of the next page; absent on the last"`
		Landlord        []SettlementLineJSON      `json:"landlord"`
		LandlordTotal   string                    `json:"landlord_total"`
		Input           json.RawMessage           `json:"input" doc:"The scenario given to the calculator (docs/settlement-format.md)"`
		Output          json.RawMessage           `json:"output"`
	}
}

// settlementRunPage reads run id with the page of its occupancies p asks
// for (the cursor is the number of occupancies already given).
func (a *API) settlementRunPage(ctx context.Context, act account.Actor, id int64, p PageInput) (*SettlementRunOutput, error) {
	offset, err := p.offset()
	if err != nil {
		return nil, err
	}
	r, total, err := a.Settlement.RunOccupancies(ctx, act, id, offset, p.limit())
	if err != nil {
		return nil, err
	}
	out := settlementRunOutput(r)
	out.Body.OccupancyCount = total
	if end := offset + len(r.Occupancies); end < total {
		out.Body.NextCursor = strconv.Itoa(end)
	}
	return out, nil
}

func settlementRunOutput(r *settlement.Run) *SettlementRunOutput {
	out := &SettlementRunOutput{}
	b := &out.Body
	b.SettlementRunSummaryJSON = runSummaryJSON(r.RunSummary)
	b.AdminFeePercent, b.Warnings, b.LandlordTotal, b.Input, b.Output = r.AdminFeePercent, r.WarningList,
		r.LandlordTotal.String(), r.Input, r.Output
	if b.Warnings == nil {
		b.Warnings = []settlement.Warning{}
	}
	b.Costs = []SettlementRunCostJSON{}
	for _, c := range r.Costs {
		cj := SettlementRunCostJSON{CostID: c.CostID, Category: c.Category, Key: c.Key, Heating: c.Heating, AdminFee: c.AdminFee,
			Amount: c.Amount.String(), Allocated: c.Allocated.String(), Landlord: c.Landlord.String(), UnitIDs: c.UnitIDs, EntryIDs: []int64{}}
		if cj.UnitIDs == nil {
			cj.UnitIDs = []int64{}
		}
		for _, e := range c.Entries {
			cj.EntryIDs = append(cj.EntryIDs, e.EntryID)
		}
		b.Costs = append(b.Costs, cj)
	}
	b.Occupancies = []SettlementOccupancyJSON{}
	for _, o := range r.Occupancies {
		oj := SettlementOccupancyJSON{ID: o.ID, Ref: o.Ref, LeaseID: o.LeaseID, LeaseReference: o.LeaseReference, UnitID: o.UnitID,
			Start: o.Start, End: o.End, Subtotal: o.Subtotal.String(), AdminFee: o.AdminFee.String(), Total: o.Total.String(),
			Advances: o.Advances.String(), Paid: o.Paid.String(), Balance: o.Balance.String(), Lines: []SettlementLineJSON{}}
		for _, l := range o.Lines {
			oj.Lines = append(oj.Lines, SettlementLineJSON{CostID: l.CostID, UnitID: l.UnitID, Amount: l.Amount.String()})
		}
		b.Occupancies = append(b.Occupancies, oj)
	}
	b.Landlord = []SettlementLineJSON{}
	for _, l := range r.Landlord {
		b.Landlord = append(b.Landlord, SettlementLineJSON{CostID: l.CostID, UnitID: l.UnitID, Amount: l.Amount.String()})
	}
	return out
}

// CreateSettlementRunInput asks for a run.
type CreateSettlementRunInput struct {
	Body struct {
		ComplexID int64 `json:"complex_id,omitempty" doc:"With year: the complex's yearly settlement"`
		Year      int   `json:"year,omitempty"`
		LeaseID   int64 `json:"lease_id,omitempty" doc:"Instead: the settlement of a leaving tenant (1 January to the lease's end)"`
	}
}

func (a *API) createSettlementRun(ctx context.Context, act account.Actor, in *CreateSettlementRunInput) (*SettlementRunOutput, error) {
	var id int64
	var err error
	if in.Body.LeaseID > 0 {
		id, err = a.Settlement.SettleLeaving(ctx, act, in.Body.LeaseID)
	} else {
		id, err = a.Settlement.Settle(ctx, act, in.Body.ComplexID, in.Body.Year)
	}
	// A run the calculator refused answers with the calculator's own members
	// error and field, as POST /settlement/compute does.
	if ce, ok := errors.AsType[*settlement.ComputeError](err); ok {
		return nil, &settlementProblem{
			ErrorModel: huma.ErrorModel{Type: "about:blank", Title: http.StatusText(http.StatusUnprocessableEntity),
				Status: http.StatusUnprocessableEntity, Detail: a.Texts.T(langFrom(ctx), "settlement.compute_failed", nil) + " " + ce.Err.Error()},
			Message: ce.Err.Message, Field: ce.Err.Field,
		}
	}
	if err != nil {
		return nil, err
	}
	return a.settlementRunPage(ctx, act, id, PageInput{})
}

// SettlementRunIDInput names a run.
type SettlementRunIDInput struct {
	ID int64 `path:"id"`
}

func (a *API) getSettlementRun(ctx context.Context, act account.Actor, in *IDPageInput) (*SettlementRunOutput, error) {
	return a.settlementRunPage(ctx, act, in.ID, in.PageInput)
}

func (a *API) finaliseSettlementRun(ctx context.Context, act account.Actor, in *SettlementRunIDInput) (*SettlementRunOutput, error) {
	if err := a.Settlement.Finalise(ctx, act, in.ID); err != nil {
		return nil, err
	}
	return a.settlementRunPage(ctx, act, in.ID, PageInput{})
}
