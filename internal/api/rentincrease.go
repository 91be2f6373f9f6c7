package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/rentincrease"
)

func init() {
	areas = append(areas, func(a *API) {
		read, write := account.PermFinanceRead, account.PermFinanceWrite
		op(a, http.MethodPost, "/rent-increases", "propose-rent-increases",
			"Propose the increase of every running lease for an effective date (drafts)", write, a.proposeRentIncreases)
		op(a, http.MethodGet, "/rent-increases", "list-rent-increases", "List the proposals of an effective date", read, a.listRentIncreases)
		op(a, http.MethodGet, "/rent-increases/confirm-plan", "plan-rent-increase-confirmation",
			"What confirming an effective date would do: how many drafts, what they add", read, a.confirmPlan)
		op(a, http.MethodPost, "/rent-increases/confirm", "confirm-rent-increases",
			"Confirm the drafts of an effective date as their plan showed and make the letters", write, a.confirmRentIncreases)
		op(a, http.MethodGet, "/rent-increases/{id}", "get-rent-increase", "Get a proposal", read, a.getRentIncrease)
		op(a, http.MethodPatch, "/rent-increases/{id}", "adjust-rent-increase",
			"Lower a draft's new rent, or exclude or include the lease", write, a.adjustRentIncrease)
		op(a, http.MethodGet, "/rent-increases/{id}/letter", "get-rent-increase-letter",
			"Download the letter (PDF) exactly as it was made", read, a.getRentIncreaseLetter)
		op(a, http.MethodPost, "/rent-increases/{id}/delivery", "record-rent-increase-delivery",
			"Record when and how the letter reached the tenant", write, a.recordRentIncreaseDelivery)
		// Applying changes the lease's rent, which needs portfolio.write
		// (the service checks finance.write too).
		op(a, http.MethodPost, "/rent-increases/{id}/apply", "apply-rent-increase",
			"Write the new bare rent into the lease's rent history from the effective date", account.PermPortfolioWrite, a.applyRentIncrease)
		op(a, http.MethodGet, "/leases/{id}/increase-clause", "get-lease-increase-clause",
			"The lease's increase or indexation clause", read, a.getIncreaseClause)
		op(a, http.MethodPut, "/leases/{id}/increase-clause", "set-lease-increase-clause",
			"Record the lease's increase or indexation clause", write, a.setIncreaseClause)
		op(a, http.MethodGet, "/rent-increase-caps", "list-rent-increase-caps",
			"Legal maximum increases per segment and year, with the organisation's own", read, a.listRentIncreaseCaps)
		op(a, http.MethodPost, "/rent-increase-caps/import", "import-rent-increase-caps",
			"Import the organisation's own maximums (segment;year;percent;source lines); all or nothing", write, a.importRentIncreaseCaps)
		op(a, http.MethodPut, "/rent-increase-caps/{segment}/{year}", "set-rent-increase-cap",
			"Set (or, with an empty percent, remove) the organisation's own maximum", write, a.setRentIncreaseCap)
		op(a, http.MethodGet, "/rent-increase-settings", "get-rent-increase-settings",
			"The letter's sender and objection text", read, a.getRentIncreaseSettings)
		op(a, http.MethodPut, "/rent-increase-settings", "update-rent-increase-settings",
			"Replace the letter's sender and objection text", write, a.updateRentIncreaseSettings)
		op(a, http.MethodGet, "/cpi", "list-cpi", "Imported consumer price index figures", read, a.listCPI)
		op(a, http.MethodPost, "/cpi", "import-cpi", "Import CPI figures (series;month;index lines); all or nothing", write, a.importCPI)
	})
}

// RentIncreaseNoteJSON is a warning or remark on a proposal.
type RentIncreaseNoteJSON struct {
	Code     string            `json:"code"`
	Message  string            `json:"message" doc:"In the language of Accept-Language"`
	Args     map[string]string `json:"args,omitempty"`
	Blocking bool              `json:"blocking" doc:"This note stops the proposal"`
}

// RentIncreaseJSON is one proposal.
type RentIncreaseJSON struct {
	ID               int64                  `json:"id"`
	LeaseID          int64                  `json:"lease_id"`
	LeaseReference   string                 `json:"lease_reference"`
	Address          string                 `json:"address"`
	EffectiveDate    civil.Date             `json:"effective_date"`
	Status           rentincrease.Status    `json:"status"`
	Kind             string                 `json:"kind" enum:"residential,commercial"`
	Segment          string                 `json:"segment,omitempty"`
	Basis            string                 `json:"basis" enum:"cap,clause,clipped,indexation,fixed,not_computed"`
	OldCents         int64                  `json:"old_cents" doc:"Bare rent per month before the effective date"`
	MaxCents         int64                  `json:"max_cents" doc:"The most HMS proposes"`
	NewCents         int64                  `json:"new_cents" doc:"The proposed bare rent; 0 when skipped"`
	Percent          string                 `json:"percent" doc:"Change as a percentage of the old bare rent"`
	CapPercent       string                 `json:"cap_percent,omitempty" doc:"The legal maximum that applied"`
	Adjusted         bool                   `json:"adjusted"`
	Notes            []RentIncreaseNoteJSON `json:"notes"`
	LetterSHA256     string                 `json:"letter_sha256,omitempty"`
	LastDeliveryDate civil.Date             `json:"last_delivery_date" doc:"Residential: the letter must reach the tenant by this day"`
	DeliveredOn      *civil.Date            `json:"delivered_on,omitempty"`
	DeliveryMethod   string                 `json:"delivery_method,omitempty"`
	ComponentID      int64                  `json:"component_id,omitempty" doc:"The rent-history row written when applied"`
	ConfirmedAt      *time.Time             `json:"confirmed_at,omitempty"`
	AppliedAt        *time.Time             `json:"applied_at,omitempty"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (a *API) rentIncreaseJSON(ctx context.Context, p rentincrease.Proposal) RentIncreaseJSON {
	lang := langFrom(ctx)
	j := RentIncreaseJSON{ID: p.ID, LeaseID: p.LeaseID, LeaseReference: p.LeaseReference, Address: p.Address, EffectiveDate: p.EffectiveDate,
		Status: p.Status, Kind: string(p.Kind), Segment: string(p.Segment), Basis: string(p.Basis), OldCents: int64(p.OldCents),
		MaxCents: int64(p.MaxCents), NewCents: int64(p.NewCents), Percent: p.Rate().String(), Adjusted: p.Adjusted,
		Notes: []RentIncreaseNoteJSON{}, LetterSHA256: p.LetterSHA256, LastDeliveryDate: rentincrease.LastDeliveryDay(p.EffectiveDate),
		DeliveredOn: leaseOptDate(p.DeliveredOn), DeliveryMethod: string(p.DeliveryMethod), ComponentID: p.ComponentID,
		ConfirmedAt: optTime(p.ConfirmedAt), AppliedAt: optTime(p.AppliedAt)}
	if p.CapRate != nil {
		j.CapPercent = p.CapRate.String()
	}
	for _, n := range p.Notes {
		args := map[string]any{}
		for k, v := range n.Args {
			args[k] = v
			if k == "segment" {
				args[k] = strings.ToLower(a.Texts.T(lang, "rentincrease.segment."+v, nil))
			}
		}
		j.Notes = append(j.Notes, RentIncreaseNoteJSON{Code: n.Code, Message: a.Texts.T(lang, n.Code, args), Args: n.Args, Blocking: n.Blocking})
	}
	return j
}

// EffectiveDateBody names an effective date.
type EffectiveDateBody struct {
	Body struct {
		EffectiveDate civil.Date `json:"effective_date,omitempty" doc:"Required"`
	}
}

// RentIncreasesOutput is a page of proposals (all of them after proposing).
type RentIncreasesOutput struct {
	Body Page[RentIncreaseJSON]
}

func (a *API) proposeRentIncreases(ctx context.Context, act account.Actor, in *EffectiveDateBody) (*RentIncreasesOutput, error) {
	ps, err := a.RentIncreases.Propose(ctx, act, in.Body.EffectiveDate)
	if err != nil {
		return nil, err
	}
	out := &RentIncreasesOutput{}
	out.Body.Items = make([]RentIncreaseJSON, 0, len(ps)) // every proposal made: no further page
	for _, p := range ps {
		out.Body.Items = append(out.Body.Items, a.rentIncreaseJSON(ctx, p))
	}
	return out, nil
}

// ListRentIncreasesInput pages through the proposals of a date.
type ListRentIncreasesInput struct {
	EffectiveDate civil.Date `query:"effective_date" required:"true"`
	Status        string     `query:"status" doc:"draft, excluded, skipped, confirmed or applied"`
	Q             string     `query:"q" doc:"Search the lease reference and address"`
	PageInput
}

func (a *API) listRentIncreases(ctx context.Context, act account.Actor, in *ListRentIncreasesInput) (*RentIncreasesOutput, error) {
	after, err := in.afterID()
	if err != nil {
		return nil, err
	}
	page, err := a.RentIncreases.List(ctx, act, listing.Query{Search: in.Q, Sort: "id", Limit: in.limit() + 1},
		rentincrease.ListFilter{Date: in.EffectiveDate, Status: rentincrease.Status(in.Status), AfterID: after})
	if err != nil {
		return nil, err
	}
	return &RentIncreasesOutput{Body: pageByID(page.Items, in.PageInput, func(p rentincrease.Proposal) int64 { return p.ID },
		func(p rentincrease.Proposal) RentIncreaseJSON { return a.rentIncreaseJSON(ctx, p) })}, nil
}

// ConfirmedOutput counts confirmed proposals.
type ConfirmedOutput struct {
	Body struct {
		Confirmed int `json:"confirmed"`
	}
}

// ConfirmRentIncreasesInput confirms the drafts of a date as their plan
// showed them (GET /rent-increases/confirm-plan).
type ConfirmRentIncreasesInput struct {
	Body struct {
		EffectiveDate civil.Date        `json:"effective_date" doc:"Required"`
		Expect        ConfirmExpectJSON `json:"expect" doc:"The plan being confirmed; if the drafts changed since, nothing is confirmed (409)"`
	}
}

// ConfirmExpectJSON repeats a rent-increase confirmation plan.
type ConfirmExpectJSON struct {
	Proposals     int   `json:"proposals" minimum:"1" doc:"Draft proposals of the date"`
	IncreaseCents int64 `json:"increase_cents" doc:"New minus old monthly rent of those drafts, together"`
}

// ConfirmPlanInput asks what confirming a date would do.
type ConfirmPlanInput struct {
	EffectiveDate string `query:"effective_date" required:"true" doc:"YYYY-MM-DD"`
}

// ConfirmPlanOutput is what confirming a date would do.
type ConfirmPlanOutput struct {
	Body struct {
		EffectiveDate civil.Date `json:"effective_date"`
		Proposals     int        `json:"proposals"`
		IncreaseCents int64      `json:"increase_cents"`
	}
}

func (a *API) confirmPlan(ctx context.Context, act account.Actor, in *ConfirmPlanInput) (*ConfirmPlanOutput, error) {
	d, err := civil.Parse(in.EffectiveDate)
	if err != nil {
		return nil, validation.Errors{"effective_date": "rentincrease.date.invalid"}
	}
	plan, err := a.RentIncreases.PlanConfirm(ctx, act, d)
	if err != nil {
		return nil, err
	}
	out := &ConfirmPlanOutput{}
	out.Body.EffectiveDate, out.Body.Proposals, out.Body.IncreaseCents = d, plan.Proposals, int64(plan.Increase)
	return out, nil
}

func (a *API) confirmRentIncreases(ctx context.Context, act account.Actor, in *ConfirmRentIncreasesInput) (*ConfirmedOutput, error) {
	n, err := a.RentIncreases.Confirm(ctx, act, in.Body.EffectiveDate, rentincrease.ConfirmPlan{Proposals: in.Body.Expect.Proposals,
		Increase: money.Cents(in.Body.Expect.IncreaseCents)})
	if err != nil {
		return nil, err
	}
	out := &ConfirmedOutput{}
	out.Body.Confirmed = n
	return out, nil
}

// RentIncreasePathInput names a proposal.
type RentIncreasePathInput struct {
	ID int64 `path:"id"`
}

// RentIncreaseOutput is one proposal.
type RentIncreaseOutput struct {
	Body RentIncreaseJSON
}

func (a *API) rentIncreaseOutput(ctx context.Context, act account.Actor, id int64) (*RentIncreaseOutput, error) {
	p, err := a.RentIncreases.Get(ctx, act, id)
	if err != nil {
		return nil, err
	}
	return &RentIncreaseOutput{Body: a.rentIncreaseJSON(ctx, *p)}, nil
}

func (a *API) getRentIncrease(ctx context.Context, act account.Actor, in *RentIncreasePathInput) (*RentIncreaseOutput, error) {
	return a.rentIncreaseOutput(ctx, act, in.ID)
}

// AdjustRentIncreaseInput changes a draft.
type AdjustRentIncreaseInput struct {
	ID   int64 `path:"id"`
	Body struct {
		NewAmountCents *int64 `json:"new_amount_cents,omitempty" doc:"At most max_cents, at least old_cents"`
		Excluded       *bool  `json:"excluded,omitempty"`
	}
}

func (a *API) adjustRentIncrease(ctx context.Context, act account.Actor, in *AdjustRentIncreaseInput) (*RentIncreaseOutput, error) {
	var adj rentincrease.Adjustment
	if in.Body.NewAmountCents != nil {
		c := money.Cents(*in.Body.NewAmountCents)
		adj.NewCents = &c
	}
	adj.Excluded = in.Body.Excluded
	if err := a.RentIncreases.Adjust(ctx, act, in.ID, adj); err != nil {
		return nil, err
	}
	return a.rentIncreaseOutput(ctx, act, in.ID)
}

func (a *API) getRentIncreaseLetter(ctx context.Context, act account.Actor, in *RentIncreasePathInput) (*LeasePDFOutput, error) {
	pdf, err := a.RentIncreases.Letter(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &LeasePDFOutput{ContentType: "application/pdf",
		ContentDisposition: fmt.Sprintf(`attachment; filename="huurverhoging-%d.pdf"`, in.ID), Body: pdf}, nil
}

// RentIncreaseDeliveryInput records a delivery.
type RentIncreaseDeliveryInput struct {
	ID   int64 `path:"id"`
	Body struct {
		DeliveredOn civil.Date           `json:"delivered_on"`
		Method      lease.DeliveryMethod `json:"method"`
	}
}

func (a *API) recordRentIncreaseDelivery(ctx context.Context, act account.Actor,
	in *RentIncreaseDeliveryInput) (*RentIncreaseOutput, error) {
	if err := a.RentIncreases.RecordDelivery(ctx, act, in.ID, rentincrease.Delivery{On: in.Body.DeliveredOn,
		Method: lease.DeliveryMethod(in.Body.Method)}); err != nil {
		return nil, err
	}
	return a.rentIncreaseOutput(ctx, act, in.ID)
}

func (a *API) applyRentIncrease(ctx context.Context, act account.Actor, in *RentIncreasePathInput) (*RentIncreaseOutput, error) {
	if err := a.RentIncreases.Apply(ctx, act, in.ID); err != nil {
		return nil, err
	}
	return a.rentIncreaseOutput(ctx, act, in.ID)
}

// --- clauses ---

// IncreaseClauseJSON is a lease's clause.
type IncreaseClauseJSON struct {
	Method     rentincrease.Method `json:"method"`
	Percent    string              `json:"percent,omitempty" doc:"Fixed percentage, or points added to the CPI change"`
	Series     string              `json:"series,omitempty" doc:"CPI series name (cpi)"`
	BaseYear   int                 `json:"base_year,omitempty"`
	LagMonths  *int                `json:"lag_months,omitempty" doc:"Absent: 4 (index 4 months before against 16 months before)"`
	FloorZero  bool                `json:"floor_zero,omitempty" doc:"Increase only"`
	CapPercent string              `json:"cap_percent,omitempty" doc:"At most this increase"`
	FirstDate  *civil.Date         `json:"first_date,omitempty" doc:"First adjustment date; then yearly"`
}

// IncreaseClauseOutput is a lease's clause; absent method: none recorded.
type IncreaseClauseOutput struct {
	Body struct {
		Clause *IncreaseClauseJSON `json:"clause,omitempty" doc:"Absent: no clause recorded (residential leases follow the legal maximum)"`
	}
}

func (a *API) getIncreaseClause(ctx context.Context, act account.Actor, in *LeasePathInput) (*IncreaseClauseOutput, error) {
	c, err := a.RentIncreases.Clause(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	out := &IncreaseClauseOutput{}
	if c != nil {
		lag := c.LagMonths
		j := &IncreaseClauseJSON{Method: c.Method, Series: c.Series, BaseYear: c.BaseYear, LagMonths: &lag, FloorZero: c.FloorZero,
			FirstDate: leaseOptDate(c.FirstDate)}
		if c.Percent != 0 {
			j.Percent = c.Percent.String()
		}
		if c.Cap != nil {
			j.CapPercent = c.Cap.String()
		}
		out.Body.Clause = j
	}
	return out, nil
}

// SetIncreaseClauseInput records a clause.
type SetIncreaseClauseInput struct {
	ID   int64 `path:"id"`
	Body IncreaseClauseJSON
}

func (a *API) setIncreaseClause(ctx context.Context, act account.Actor, in *SetIncreaseClauseInput) (*IncreaseClauseOutput, error) {
	b := in.Body
	ci := rentincrease.ClauseInput{Method: rentincrease.Method(b.Method), Percent: strings.TrimSuffix(b.Percent, "%"), Series: b.Series,
		BaseYear: b.BaseYear, LagMonths: b.LagMonths, FloorZero: b.FloorZero, Cap: strings.TrimSuffix(b.CapPercent, "%")}
	if b.FirstDate != nil {
		ci.FirstDate = *b.FirstDate
	}
	if err := a.RentIncreases.SetClause(ctx, act, in.ID, ci); err != nil {
		if fe, ok := validation.AsFields(err); ok && fe["cap"] != "" {
			fe["cap_percent"] = fe["cap"]
			delete(fe, "cap")
		}
		return nil, err
	}
	return a.getIncreaseClause(ctx, act, &LeasePathInput{ID: in.ID})
}

// --- caps, settings, CPI ---

// RentIncreaseCapJSON is a legal maximum.
type RentIncreaseCapJSON struct {
	Segment        string     `json:"segment" enum:"sociaal,middenhuur,vrije_sector"`
	Year           int        `json:"year"`
	From           civil.Date `json:"from"`
	To             civil.Date `json:"to"`
	Percent        string     `json:"percent"`
	LowRentBelow   int64      `json:"low_rent_below_cents,omitempty"`
	LowRentMax     int64      `json:"low_rent_max_cents,omitempty"`
	Rule           string     `json:"rule,omitempty"`
	Source         string     `json:"source"`
	Override       bool       `json:"override" doc:"The organisation's own figure"`
	BuiltinPercent string     `json:"builtin_percent,omitempty" doc:"The shipped figure the override replaces"`
}

// ListRentIncreaseCapsInput pages through the caps (the cursor names the
// last segment and year seen).
type ListRentIncreaseCapsInput struct {
	PageInput
}

// RentIncreaseCapsOutput is a page of caps (all of them after a change).
type RentIncreaseCapsOutput struct {
	Body Page[RentIncreaseCapJSON]
}

func (a *API) listRentIncreaseCaps(ctx context.Context, act account.Actor, in *ListRentIncreaseCapsInput) (*RentIncreaseCapsOutput, error) {
	items, err := a.rentIncreaseCaps(ctx, act)
	if err != nil {
		return nil, err
	}
	page, err := pageOf(items, in.PageInput, func(c RentIncreaseCapJSON) string { return fmt.Sprintf("%s/%d", c.Segment, c.Year) })
	if err != nil {
		return nil, err
	}
	return &RentIncreaseCapsOutput{Body: page}, nil
}

func (a *API) rentIncreaseCaps(ctx context.Context, act account.Actor) ([]RentIncreaseCapJSON, error) {
	rows, err := a.RentIncreases.Caps(ctx, act)
	if err != nil {
		return nil, err
	}
	items := make([]RentIncreaseCapJSON, 0, len(rows))
	for _, r := range rows {
		j := RentIncreaseCapJSON{Segment: string(r.Segment), Year: r.Year(), From: r.From, To: r.To, Percent: r.Percent.String(),
			LowRentBelow: int64(r.LowRentBelow), LowRentMax: int64(r.LowRentMax), Rule: r.Rule, Source: r.Source, Override: r.Override}
		if r.Builtin != nil {
			j.BuiltinPercent = r.Builtin.Percent.String()
		}
		items = append(items, j)
	}
	return items, nil
}

// SetRentIncreaseCapInput sets an own maximum.
type SetRentIncreaseCapInput struct {
	Segment string `path:"segment" enum:"sociaal,middenhuur,vrije_sector"`
	Year    int    `path:"year"`
	Body    struct {
		Percent string `json:"percent" doc:"e.g. \"4.1\"; empty removes the own figure"`
		Source  string `json:"source,omitempty" maxLength:"300"`
	}
}

func (a *API) setRentIncreaseCap(ctx context.Context, act account.Actor, in *SetRentIncreaseCapInput) (*RentIncreaseCapsOutput, error) {
	if err := a.RentIncreases.SetCapOverride(ctx, act, portfolio.Segment(in.Segment), in.Year,
		strings.TrimSuffix(in.Body.Percent, "%"), in.Body.Source); err != nil {
		return nil, err
	}
	items, err := a.rentIncreaseCaps(ctx, act)
	if err != nil {
		return nil, err
	}
	return &RentIncreaseCapsOutput{Body: Page[RentIncreaseCapJSON]{Items: items}}, nil
}

// RentIncreaseSettingsJSON are the letter texts.
type RentIncreaseSettingsJSON struct {
	SenderName        string `json:"sender_name" maxLength:"120" doc:"Empty: the organisation's name"`
	ObjectionText     string `json:"objection_text" maxLength:"3000" doc:"How a social or middenhuur tenant objects (Huurcommissie)"`
	ObjectionTextFree string `json:"objection_text_free,omitempty" maxLength:"3000" doc:"Free sector (kantonrechter); empty: built in"`
}

// RentIncreaseSettingsOutput returns the settings.
type RentIncreaseSettingsOutput struct {
	Body RentIncreaseSettingsJSON
}

func (a *API) getRentIncreaseSettings(ctx context.Context, act account.Actor, _ *struct{}) (*RentIncreaseSettingsOutput, error) {
	st, err := a.RentIncreases.Settings(ctx, act)
	if err != nil {
		return nil, err
	}
	return &RentIncreaseSettingsOutput{Body: RentIncreaseSettingsJSON{SenderName: st.SenderName, ObjectionText: st.ObjectionText,
		ObjectionTextFree: st.ObjectionTextFree}}, nil
}

// UpdateRentIncreaseSettingsInput replaces the settings.
type UpdateRentIncreaseSettingsInput struct {
	Body RentIncreaseSettingsJSON
}

func (a *API) updateRentIncreaseSettings(ctx context.Context, act account.Actor,
	in *UpdateRentIncreaseSettingsInput) (*RentIncreaseSettingsOutput, error) {
	if err := a.RentIncreases.UpdateSettings(ctx, act, rentincrease.Settings{SenderName: in.Body.SenderName,
		ObjectionText:     in.Body.ObjectionText,
		ObjectionTextFree: in.Body.ObjectionTextFree}); err != nil {
		return nil, err
	}
	return a.getRentIncreaseSettings(ctx, act, nil)
}

// CPIPointJSON is one index figure.
type CPIPointJSON struct {
	Series string `json:"series"`
	Month  string `json:"month" doc:"yyyy-mm"`
	Index  string `json:"index" doc:"Exact decimal"`
}

// ListCPIInput chooses a series and pages through its figures (the cursor
// names the last series and month seen).
type ListCPIInput struct {
	Series string `query:"series" doc:"Absent: every series"`
	PageInput
}

// CPIOutput is a page of figures.
type CPIOutput struct {
	Body Page[CPIPointJSON]
}

func (a *API) listCPI(ctx context.Context, act account.Actor, in *ListCPIInput) (*CPIOutput, error) {
	ps, err := a.RentIncreases.CPI(ctx, act, in.Series)
	if err != nil {
		return nil, err
	}
	items := make([]CPIPointJSON, 0, len(ps))
	for _, p := range ps {
		items = append(items, CPIPointJSON{Series: p.Series, Month: p.Month.String(), Index: p.Value})
	}
	page, err := pageOf(items, in.PageInput, func(p CPIPointJSON) string { return p.Series + "/" + p.Month })
	if err != nil {
		return nil, err
	}
	return &CPIOutput{Body: page}, nil
}

// ImportCPIInput carries the file's text.
type ImportCPIInput struct {
	Body struct {
		CSV string `json:"csv" maxLength:"2097152" doc:"The file: series;month;index per line (CPI-2015;2025-01;128,4); a header line is allowed"`
	}
}

// ImportCPIOutput counts what changed.
type ImportCPIOutput struct {
	Body struct {
		Lines     int `json:"lines"`
		Added     int `json:"added"`
		Changed   int `json:"changed"`
		Unchanged int `json:"unchanged"`
	}
}

// ImportCapsInput carries a caps file's text.
type ImportCapsInput struct {
	Body struct {
		CSV string `json:"csv" maxLength:"2097152" doc:"segment;year;percent;source per line (sociaal;2027;3,5;https://…)"`
	}
}

func (a *API) importRentIncreaseCaps(ctx context.Context, act account.Actor, in *ImportCapsInput) (*ImportCPIOutput, error) {
	res, cellErrs, err := a.RentIncreases.ImportCaps(ctx, act, strings.NewReader(in.Body.CSV))
	return importOutput(res, cellErrs, err)
}

// importOutput answers a CSV import: each bad cell named by line and
// column (body.csv[line].column), or the counts.
func importOutput(res rentincrease.ImportResult, cellErrs []rentincrease.CellError, err error) (*ImportCPIOutput, error) {
	if len(cellErrs) > 0 {
		fe := validation.Errors{}
		for _, ce := range cellErrs {
			loc := fmt.Sprintf("csv[%d]", ce.Line)
			if ce.Column != "" {
				loc += "." + ce.Column
			}
			fe.Add(loc, ce.Reason)
		}
		return nil, fe
	}
	if err != nil {
		if fe, ok := validation.AsFields(err); ok && fe["file"] != "" {
			return nil, validation.Errors{"csv": fe["file"]}
		}
		return nil, err
	}
	out := &ImportCPIOutput{}
	out.Body.Lines, out.Body.Added, out.Body.Changed, out.Body.Unchanged = res.Lines, res.Added, res.Changed, res.Unchanged
	return out, nil
}

func (a *API) importCPI(ctx context.Context, act account.Actor, in *ImportCPIInput) (*ImportCPIOutput, error) {
	res, cellErrs, err := a.RentIncreases.ImportCPI(ctx, act, strings.NewReader(in.Body.CSV))
	return importOutput(res, cellErrs, err)
}
