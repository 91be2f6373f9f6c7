// Package report makes the management reports of an organisation, or of one
// complex: the rent roll at a date (huurlijst), the arrears ageing at a
// date, vacancy over a period, income per complex per month and the
// deposits held at a date. Each is read in one transaction from the books
// of the capabilities that keep them (lease, ledger, portfolio, relation;
// the ageing is dunning's) and shown alike on a page, as CSV, as PDF, in
// the API and by `hms report`: the page, the CSV and the PDF print the same
// Table, the API the typed rows.
package report

import (
	"strings"

	"hms/internal/money"
	"hms/internal/platform/civil"
)

// Name is a report's name, as its address and the command name it.
type Name string

// The reports.
const (
	RentRoll Name = "rent-roll"
	Arrears  Name = "arrears"
	Vacancy  Name = "vacancy"
	Income   Name = "income"
	Deposits Name = "deposits"
)

// Names in the order the reports page lists them.
var Names = []Name{RentRoll, Arrears, Vacancy, Income, Deposits}

// Valid reports whether n is a report.
func (n Name) Valid() bool {
	for _, m := range Names {
		if n == m {
			return true
		}
	}
	return false
}

// Key is the name as the catalogs name it ("rent_roll").
func (n Name) Key() string { return strings.ReplaceAll(string(n), "-", "_") }

// Period says which of Params a report reads.
type Period int

const (
	AtDate Period = iota // On
	Days                 // From, To
	Months               // FromMonth, ToMonth
)

// PeriodOf is what a report is asked for.
func (n Name) PeriodOf() Period {
	switch n {
	case Vacancy:
		return Days
	case Income:
		return Months
	}
	return AtDate
}

// Limits of a period, so one request cannot ask for centuries.
const (
	MaxDays   = 3660 // vacancy: ten years
	MaxMonths = 120  // income: ten years
)

// Params are what a report is asked for; zero fields take their default.
type Params struct {
	On        civil.Date  // rent roll, arrears, deposits: the day (default today)
	From, To  civil.Date  // vacancy: the period, both days included (default 1 January to today)
	FromMonth civil.Month // income: the first month (default January of this year)
	ToMonth   civil.Month // income: the last month (default this month)
	ComplexID int64       // 0: the whole organisation
}

// Complex is a complex as the filter offers it.
type Complex struct {
	ID   int64
	Name string
}

// Report is one report made: what was asked, for whom, and its rows (one of
// the typed results is set, as Name says).
type Report struct {
	Name    Name
	Params  Params // with the defaults filled in
	Complex string // the complex's name; "": the whole organisation
	Org     string // the landlord as printed (lease settings, else the organisation's name)
	Made    civil.Date

	RentRoll *RentRollReport
	Arrears  *ArrearsReport
	Vacancy  *VacancyReport
	Income   *IncomeReport
	Deposits *DepositsReport
}

// RentRollRow is a unit on the rent roll. A lease of several units has its
// amounts on its first unit; its further units are Continued rows (tenant
// and reference, no amounts), so every unit is listed and the totals count
// each lease once.
type RentRollRow struct {
	UnitID    int64      `json:"unit_id"`
	Address   string     `json:"address"`
	ComplexID int64      `json:"complex_id,omitempty"`
	Complex   string     `json:"complex,omitempty"`
	Vacant    bool       `json:"vacant"`
	Continued bool       `json:"continued,omitempty"`
	LeaseID   int64      `json:"lease_id,omitempty"`
	Reference string     `json:"lease_reference,omitempty"`
	Tenants   []string   `json:"tenants,omitempty"`
	Start     civil.Date `json:"start_date"`
	// The monthly components valid on the day: kale huur, the service-cost
	// advances, and the rest (parking, furnishing, other), without VAT.
	BareRent     money.Cents `json:"bare_rent_cents"`
	ServiceCosts money.Cents `json:"service_costs_cents"`
	Other        money.Cents `json:"other_cents"`
	Total        money.Cents `json:"total_cents"`
	// Deposit is the deposit held on the day: received, less returned and
	// deducted, by then.
	Deposit money.Cents `json:"deposit_cents"`
}

// RentRollReport is the rent roll at a day with its totals.
type RentRollReport struct {
	On           civil.Date    `json:"on"`
	Rows         []RentRollRow `json:"rows"`
	Units        int           `json:"units"`
	Vacant       int           `json:"vacant"`
	BareRent     money.Cents   `json:"bare_rent_cents"`
	ServiceCosts money.Cents   `json:"service_costs_cents"`
	Other        money.Cents   `json:"other_cents"`
	Total        money.Cents   `json:"total_cents"`
	Deposit      money.Cents   `json:"deposit_cents"`
}

// ArrearsRow is a lease with charges overdue on the day, by days overdue
// (0–30, 31–60, 61–90, over 90), as dunning's ageing list has them.
type ArrearsRow struct {
	LeaseID   int64          `json:"lease_id"`
	Reference string         `json:"lease_reference"`
	Tenants   []string       `json:"tenants"`
	Address   string         `json:"address"`
	Buckets   [4]money.Cents `json:"buckets_cents"`
	Overdue   money.Cents    `json:"overdue_cents"`
}

// ArrearsReport is the arrears ageing at a day with its totals.
type ArrearsReport struct {
	On      civil.Date     `json:"on"`
	Rows    []ArrearsRow   `json:"rows"`
	Buckets [4]money.Cents `json:"buckets_cents"`
	Overdue money.Cents    `json:"overdue_cents"`
}

// VacancyRow is a unit that stood empty on some day of the period.
type VacancyRow struct {
	UnitID    int64       `json:"unit_id"`
	Address   string      `json:"address"`
	ComplexID int64       `json:"complex_id,omitempty"`
	Complex   string      `json:"complex,omitempty"`
	Days      int         `json:"days_empty"` // days empty in the period
	Rent      money.Cents `json:"rent_cents"` // the last known monthly rent (see Vacancy's rule); 0: never let
	Lost      money.Cents `json:"lost_cents"`
	Rate      money.Rate  `json:"rate_ppm"` // Days of the period's days
}

// VacancyReport is vacancy over a period: the units that stood empty, and
// over every unit in scope the empty days, the rent lost and the rate.
type VacancyReport struct {
	From       civil.Date   `json:"from"`
	To         civil.Date   `json:"to"`
	PeriodDays int          `json:"period_days"`
	Rows       []VacancyRow `json:"rows"`
	Units      int          `json:"units"`      // units in scope
	Days       int          `json:"days_empty"` // empty unit-days
	Lost       money.Cents  `json:"lost_cents"`
	Rate       money.Rate   `json:"rate_ppm"` // empty unit-days of all unit-days
}

// IncomeMonth is what a complex charged and received in a month.
type IncomeMonth struct {
	Month    civil.Month `json:"month"`
	Charged  money.Cents `json:"charged_cents"`
	Received money.Cents `json:"received_cents"`
}

// IncomeComplex is a complex's income per month with its totals; ComplexID
// 0 is the units in no complex.
type IncomeComplex struct {
	ComplexID int64         `json:"complex_id"`
	Complex   string        `json:"complex"`
	Months    []IncomeMonth `json:"months"`
	Charged   money.Cents   `json:"charged_cents"`
	Received  money.Cents   `json:"received_cents"`
}

// IncomeReport is income per complex per month with its totals.
type IncomeReport struct {
	From      civil.Month     `json:"from"`
	To        civil.Month     `json:"to"`
	Complexes []IncomeComplex `json:"complexes"`
	Charged   money.Cents     `json:"charged_cents"`
	Received  money.Cents     `json:"received_cents"`
}

// DepositRow is a lease's deposit held on the day.
type DepositRow struct {
	LeaseID   int64       `json:"lease_id"`
	Reference string      `json:"lease_reference"`
	Tenants   []string    `json:"tenants"`
	Address   string      `json:"address"`
	Received  money.Cents `json:"received_cents"` // received by the day
	Returned  money.Cents `json:"returned_cents"` // returned or deducted by the day
	Held      money.Cents `json:"held_cents"`
	EndsOn    civil.Date  `json:"ends_on"`  // the lease's end, when it ended by the day
	Deadline  civil.Date  `json:"deadline"` // the last day to return it, when the lease ended
}

// DepositsReport is the deposits held at a day with their totals.
type DepositsReport struct {
	On       civil.Date   `json:"on"`
	Rows     []DepositRow `json:"rows"`
	Received money.Cents  `json:"received_cents"`
	Returned money.Cents  `json:"returned_cents"`
	Held     money.Cents  `json:"held_cents"`
}

// Names are tenants' names on one line.
func names(ns []string) string { return strings.Join(ns, ", ") }
