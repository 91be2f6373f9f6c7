package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/report"
)

// The reports: the same as the Rapportages pages, their CSV and their PDF
// (package report), as rows and totals. The rows are paged by position (a
// computed order); the totals are over every row.

func init() {
	areas = append(areas, func(a *API) {
		read := account.PermFinanceRead
		op(a, http.MethodGet, "/reports/rent-roll", "get-rent-roll",
			"The rent roll on a day: every unit with the lease that runs then, its components then and the deposit held; vacant units too",
			read, a.rentRollReport)
		op(a, http.MethodGet, "/reports/arrears", "get-arrears-report",
			"Arrears ageing on a day per lease: open past the due date by days overdue (0–30, 31–60, 61–90, 90+), with totals", read,
			a.arrearsReport)
		op(a, http.MethodGet, "/reports/vacancy", "get-vacancy-report",
			"Vacancy over a period per unit: days empty, the last known rent and the rent lost (prorated per day of each month), the rate",
			read, a.vacancyReport)
		op(a, http.MethodGet, "/reports/income", "get-income-report",
			"Income per complex per month: charged (invoices less credit notes by issue date) and received (payments by payment date)",
			read, a.incomeReport)
		op(a, http.MethodGet, "/reports/deposits", "get-deposits-report",
			"Deposits held on a day per lease: received less returned and deducted by then, the return deadline when the lease ended",
			read, a.depositsReport)
	})
}

// ReportOnInput asks for a report on a day.
type ReportOnInput struct {
	Date    civil.Date `query:"date" doc:"The day (default today): the books as they stood then"`
	Complex int64      `query:"complex" minimum:"0" doc:"A complex's id; absent: the whole organisation"`
	PageInput
}

// ReportPeriodInput asks for a report over days.
type ReportPeriodInput struct {
	From    civil.Date `query:"from" doc:"The first day (default 1 January of this year)"`
	To      civil.Date `query:"to" doc:"The last day, included (default today); at most ten years after from"`
	Complex int64      `query:"complex" minimum:"0" doc:"A complex's id; absent: the whole organisation"`
	PageInput
}

// ReportMonthsInput asks for a report over months.
type ReportMonthsInput struct {
	From    string `query:"from" pattern:"^[0-9]{4}-(0[1-9]|1[0-2])$" doc:"The first month, e.g. 2026-01 (default January of this year)"`
	To      string `query:"to" pattern:"^[0-9]{4}-(0[1-9]|1[0-2])$" doc:"The last month, included (default this month)"`
	Complex int64  `query:"complex" minimum:"0" doc:"A complex's id; absent: the whole organisation"`
	PageInput
}

// makeReportAt makes report n for a page of its rows; the service's field
// errors are the query's.
func (a *API) makeReportAt(ctx context.Context, act account.Actor, n report.Name, p report.Params, page PageInput) (*report.Report, int,
	error) {
	offset, err := page.offset()
	if err != nil {
		return nil, 0, err
	}
	r, err := a.Reports.Make(ctx, act, n, p)
	if fe, ok := validation.AsFields(err); ok {
		return a.fieldsAsQuery(ctx, fe)
	}
	return r, offset, err
}

// window is the part of a report's rows from offset, one more than the
// page's limit (pageAt's sign of a next page).
func window[T any](rows []T, offset int, p PageInput) []T {
	lo := min(offset, len(rows))
	return rows[lo:min(lo+p.limit()+1, len(rows))]
}

func orEmpty(ns []string) []string {
	if ns == nil {
		return []string{}
	}
	return ns
}

// --- rent roll ---

// RentRollRowJSON is a unit on the rent roll.
type RentRollRowJSON struct {
	UnitID            int64       `json:"unit_id"`
	Address           string      `json:"address"`
	ComplexID         int64       `json:"complex_id" doc:"0: in no complex"`
	Complex           string      `json:"complex"`
	Vacant            bool        `json:"vacant"`
	Continued         bool        `json:"continued" doc:"A further unit of the lease above: its amounts are on the lease's first unit"`
	LeaseID           int64       `json:"lease_id,omitempty"`
	LeaseReference    string      `json:"lease_reference,omitempty"`
	Tenants           []string    `json:"tenants"`
	Start             *civil.Date `json:"start,omitempty"`
	BareRentCents     int64       `json:"bare_rent_cents" doc:"Kale huur a month on the day"`
	ServiceCostsCents int64       `json:"service_costs_cents" doc:"Service-cost advances a month on the day"`
	OtherCents        int64       `json:"other_cents" doc:"Parking, furnishing and other components a month on the day"`
	TotalCents        int64       `json:"total_cents"`
	DepositCents      int64       `json:"deposit_cents" doc:"Held on the day: received less returned and deducted"`
}

// RentRollOutput is a page of the rent roll with its totals.
type RentRollOutput struct {
	Body struct {
		Page[RentRollRowJSON]
		Date              civil.Date `json:"date"`
		Complex           string     `json:"complex,omitempty"`
		Units             int        `json:"units"`
		Vacant            int        `json:"vacant"`
		BareRentCents     int64      `json:"bare_rent_cents"`
		ServiceCostsCents int64      `json:"service_costs_cents"`
		OtherCents        int64      `json:"other_cents"`
		TotalCents        int64      `json:"total_cents"`
		DepositCents      int64      `json:"deposit_cents"`
	}
}

func (a *API) rentRollReport(ctx context.Context, act account.Actor, in *ReportOnInput) (*RentRollOutput, error) {
	r, offset, err := a.makeReportAt(ctx, act, report.RentRoll, report.Params{On: in.Date, ComplexID: in.Complex}, in.PageInput)
	if err != nil {
		return nil, err
	}
	rr := r.RentRoll
	out := &RentRollOutput{}
	b := &out.Body
	b.Page = pageAt(window(rr.Rows, offset, in.PageInput), in.PageInput, offset, func(x report.RentRollRow) RentRollRowJSON {
		j := RentRollRowJSON{UnitID: x.UnitID, Address: x.Address, ComplexID: x.ComplexID, Complex: x.Complex, Vacant: x.Vacant,
			Continued: x.Continued, LeaseID: x.LeaseID, LeaseReference: x.Reference, Tenants: orEmpty(x.Tenants),
			BareRentCents: int64(x.BareRent), ServiceCostsCents: int64(x.ServiceCosts), OtherCents: int64(x.Other), TotalCents: int64(x.Total),
			DepositCents: int64(x.Deposit)}
		if !x.Start.IsZero() {
			j.Start = &x.Start
		}
		return j
	})
	b.Date, b.Complex, b.Units, b.Vacant = rr.On, r.Complex, rr.Units, rr.Vacant
	b.BareRentCents, b.ServiceCostsCents, b.OtherCents = int64(rr.BareRent), int64(rr.ServiceCosts), int64(rr.Other)
	b.TotalCents, b.DepositCents = int64(rr.Total), int64(rr.Deposit)
	return out, nil
}

// --- arrears ---

// ArrearsReportRowJSON is a lease in the arrears ageing.
type ArrearsReportRowJSON struct {
	LeaseID         int64    `json:"lease_id"`
	LeaseReference  string   `json:"lease_reference"`
	Tenants         []string `json:"tenants"`
	Address         string   `json:"address"`
	Days0To30Cents  int64    `json:"days_0_30_cents"`
	Days31To60Cents int64    `json:"days_31_60_cents"`
	Days61To90Cents int64    `json:"days_61_90_cents"`
	DaysOver90Cents int64    `json:"days_over_90_cents"`
	OverdueCents    int64    `json:"overdue_cents"`
}

// ArrearsReportOutput is a page of the arrears ageing with its totals.
type ArrearsReportOutput struct {
	Body struct {
		Page[ArrearsReportRowJSON]
		Date            civil.Date `json:"date"`
		Complex         string     `json:"complex,omitempty"`
		Days0To30Cents  int64      `json:"days_0_30_cents"`
		Days31To60Cents int64      `json:"days_31_60_cents"`
		Days61To90Cents int64      `json:"days_61_90_cents"`
		DaysOver90Cents int64      `json:"days_over_90_cents"`
		OverdueCents    int64      `json:"overdue_cents"`
	}
}

func (a *API) arrearsReport(ctx context.Context, act account.Actor, in *ReportOnInput) (*ArrearsReportOutput, error) {
	r, offset, err := a.makeReportAt(ctx, act, report.Arrears, report.Params{On: in.Date, ComplexID: in.Complex}, in.PageInput)
	if err != nil {
		return nil, err
	}
	ar := r.Arrears
	out := &ArrearsReportOutput{}
	b := &out.Body
	b.Page = pageAt(window(ar.Rows, offset, in.PageInput), in.PageInput, offset, func(x report.ArrearsRow) ArrearsReportRowJSON {
		return ArrearsReportRowJSON{LeaseID: x.LeaseID, LeaseReference: x.Reference, Tenants: orEmpty(x.Tenants), Address: x.Address,
			Days0To30Cents: int64(x.Buckets[0]), Days31To60Cents: int64(x.Buckets[1]), Days61To90Cents: int64(x.Buckets[2]),
			DaysOver90Cents: int64(x.Buckets[3]), OverdueCents: int64(x.Overdue)}
	})
	b.Date, b.Complex, b.OverdueCents = ar.On, r.Complex, int64(ar.Overdue)
	b.Days0To30Cents, b.Days31To60Cents = int64(ar.Buckets[0]), int64(ar.Buckets[1])
	b.Days61To90Cents, b.DaysOver90Cents = int64(ar.Buckets[2]), int64(ar.Buckets[3])
	return out, nil
}

// --- vacancy ---

// VacancyRowJSON is a unit that stood empty in the period.
type VacancyRowJSON struct {
	UnitID        int64  `json:"unit_id"`
	Address       string `json:"address"`
	ComplexID     int64  `json:"complex_id" doc:"0: in no complex"`
	Complex       string `json:"complex"`
	DaysEmpty     int    `json:"days_empty"`
	LastRentCents int64  `json:"last_rent_cents" doc:"The last known rent a month; 0: never let"`
	LostCents     int64  `json:"lost_cents"`
	Rate          string `json:"rate" doc:"Days empty of the period's days, a percentage to a tenth: 12.5%"`
}

// VacancyOutput is a page of the vacancy report with its totals.
type VacancyOutput struct {
	Body struct {
		Page[VacancyRowJSON]
		From       civil.Date `json:"from"`
		To         civil.Date `json:"to"`
		Complex    string     `json:"complex,omitempty"`
		PeriodDays int        `json:"period_days"`
		Units      int        `json:"units" doc:"Units in scope"`
		DaysEmpty  int        `json:"days_empty" doc:"Empty unit-days"`
		LostCents  int64      `json:"lost_cents"`
		Rate       string     `json:"rate" doc:"Empty unit-days of all unit-days in the period"`
	}
}

func (a *API) vacancyReport(ctx context.Context, act account.Actor, in *ReportPeriodInput) (*VacancyOutput, error) {
	r, offset, err := a.makeReportAt(ctx, act, report.Vacancy, report.Params{From: in.From, To: in.To, ComplexID: in.Complex}, in.PageInput)
	if err != nil {
		return nil, err
	}
	v := r.Vacancy
	out := &VacancyOutput{}
	b := &out.Body
	b.Page = pageAt(window(v.Rows, offset, in.PageInput), in.PageInput, offset, func(x report.VacancyRow) VacancyRowJSON {
		return VacancyRowJSON{UnitID: x.UnitID, Address: x.Address, ComplexID: x.ComplexID, Complex: x.Complex, DaysEmpty: x.Days,
			LastRentCents: int64(x.Rent), LostCents: int64(x.Lost), Rate: x.Rate.String()}
	})
	b.From, b.To, b.Complex, b.PeriodDays, b.Units = v.From, v.To, r.Complex, v.PeriodDays, v.Units
	b.DaysEmpty, b.LostCents, b.Rate = v.Days, int64(v.Lost), v.Rate.String()
	return out, nil
}

// --- income ---

// IncomeRowJSON is what a complex charged and received in a month.
type IncomeRowJSON struct {
	ComplexID     int64  `json:"complex_id" doc:"0: leases of units in no complex"`
	Complex       string `json:"complex"`
	Month         string `json:"month" doc:"e.g. 2026-01"`
	ChargedCents  int64  `json:"charged_cents"`
	ReceivedCents int64  `json:"received_cents"`
}

// IncomeComplexJSON is a complex's total over the period.
type IncomeComplexJSON struct {
	ComplexID     int64  `json:"complex_id"`
	Complex       string `json:"complex"`
	ChargedCents  int64  `json:"charged_cents"`
	ReceivedCents int64  `json:"received_cents"`
}

// IncomeOutput is a page of the income report (a row per complex and
// month) with the totals per complex and over all.
type IncomeOutput struct {
	Body struct {
		Page[IncomeRowJSON]
		From          string              `json:"from"`
		To            string              `json:"to"`
		Complex       string              `json:"complex,omitempty"`
		Complexes     []IncomeComplexJSON `json:"complexes"`
		ChargedCents  int64               `json:"charged_cents"`
		ReceivedCents int64               `json:"received_cents"`
	}
}

func (a *API) incomeReport(ctx context.Context, act account.Actor, in *ReportMonthsInput) (*IncomeOutput, error) {
	p := report.Params{ComplexID: in.Complex}
	fe := validation.Errors{}
	for field, m := range map[string]*civil.Month{"from": &p.FromMonth, "to": &p.ToMonth} {
		v := map[string]string{"from": in.From, "to": in.To}[field]
		if v == "" {
			continue
		}
		var err error
		if *m, err = civil.ParseMonth(v); err != nil {
			fe[field] = "field.invalid"
		}
	}
	if len(fe) > 0 {
		_, _, err := a.fieldsAsQuery(ctx, fe)
		return nil, err
	}
	r, offset, err := a.makeReportAt(ctx, act, report.Income, p, in.PageInput)
	if err != nil {
		return nil, err
	}
	inc := r.Income
	var rows []IncomeRowJSON
	out := &IncomeOutput{}
	b := &out.Body
	b.Complexes = []IncomeComplexJSON{}
	for _, c := range inc.Complexes {
		for _, m := range c.Months {
			rows = append(rows, IncomeRowJSON{ComplexID: c.ComplexID, Complex: c.Complex, Month: m.Month.String(),
				ChargedCents: int64(m.Charged), ReceivedCents: int64(m.Received)})
		}
		b.Complexes = append(b.Complexes, IncomeComplexJSON{ComplexID: c.ComplexID, Complex: c.Complex, ChargedCents: int64(c.Charged),
			ReceivedCents: int64(c.Received)})
	}
	b.Page = pageAt(window(rows, offset, in.PageInput), in.PageInput, offset, func(x IncomeRowJSON) IncomeRowJSON { return x })
	b.From, b.To, b.Complex = inc.From.String(), inc.To.String(), r.Complex
	b.ChargedCents, b.ReceivedCents = int64(inc.Charged), int64(inc.Received)
	return out, nil
}

// fieldsAsQuery answers field errors of the query as a problem document.
func (a *API) fieldsAsQuery(ctx context.Context, fe validation.Errors) (*report.Report, int, error) {
	lang := langFrom(ctx)
	details := make([]error, 0, len(fe))
	for field, msg := range fe {
		details = append(details, &huma.ErrorDetail{Location: "query." + field, Message: a.Texts.T(lang, msg, nil)})
	}
	return nil, 0, huma.NewError(http.StatusUnprocessableEntity, a.Texts.T(lang, "api.invalid", nil), details...)
}

// --- deposits ---

// DepositHeldJSON is a lease's deposit held on the day.
type DepositHeldJSON struct {
	LeaseID        int64       `json:"lease_id"`
	LeaseReference string      `json:"lease_reference"`
	Tenants        []string    `json:"tenants"`
	Address        string      `json:"address"`
	ReceivedCents  int64       `json:"received_cents" doc:"Received by the day"`
	ReturnedCents  int64       `json:"returned_cents" doc:"Returned or deducted by the day"`
	HeldCents      int64       `json:"held_cents"`
	EndsOn         *civil.Date `json:"ends_on,omitempty" doc:"The lease's last day, when it ended before the day"`
	Deadline       *civil.Date `json:"return_deadline,omitempty" doc:"The last day to return the deposit, when the lease ended"`
}

// DepositsHeldOutput is a page of the deposits held with their totals.
type DepositsHeldOutput struct {
	Body struct {
		Page[DepositHeldJSON]
		Date          civil.Date `json:"date"`
		Complex       string     `json:"complex,omitempty"`
		ReceivedCents int64      `json:"received_cents"`
		ReturnedCents int64      `json:"returned_cents"`
		HeldCents     int64      `json:"held_cents"`
	}
}

func (a *API) depositsReport(ctx context.Context, act account.Actor, in *ReportOnInput) (*DepositsHeldOutput, error) {
	r, offset, err := a.makeReportAt(ctx, act, report.Deposits, report.Params{On: in.Date, ComplexID: in.Complex}, in.PageInput)
	if err != nil {
		return nil, err
	}
	d := r.Deposits
	out := &DepositsHeldOutput{}
	b := &out.Body
	b.Page = pageAt(window(d.Rows, offset, in.PageInput), in.PageInput, offset, func(x report.DepositRow) DepositHeldJSON {
		j := DepositHeldJSON{LeaseID: x.LeaseID, LeaseReference: x.Reference, Tenants: orEmpty(x.Tenants), Address: x.Address,
			ReceivedCents: int64(x.Received), ReturnedCents: int64(x.Returned), HeldCents: int64(x.Held)}
		if !x.EndsOn.IsZero() {
			j.EndsOn, j.Deadline = &x.EndsOn, &x.Deadline
		}
		return j
	})
	b.Date, b.Complex = d.On, r.Complex
	b.ReceivedCents, b.ReturnedCents, b.HeldCents = int64(d.Received), int64(d.Returned), int64(d.Held)
	return out, nil
}
