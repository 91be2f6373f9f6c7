// Package overview is the organisation's overview (Overzicht): the figures
// of the front page, for the whole organisation or one complex, the series
// its charts draw, and the search of the back office over persons and
// companies, units, leases, invoices and complexes. It only reads: other
// capabilities' read methods where they fit, else their tables in store.go,
// always within the actor's organisation.
package overview

import (
	"context"
	"time"

	"hms/internal/account"
	"hms/internal/deposit"
	"hms/internal/directdebit"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
	"hms/internal/settlement"
)

// Deps are what the service needs.
type Deps struct {
	DB         *db.DB
	Clock      clock.Clock
	Deposits   *deposit.Service
	Statements *settlement.Statements
	Relations  *relation.Service
	Portfolio  *portfolio.Service
	Leases     *lease.Service
	Ledger     *ledger.Service
}

// Service answers the overview and the search.
type Service struct {
	db         *db.DB
	clk        clock.Clock
	deposits   *deposit.Service
	statements *settlement.Statements
	relations  *relation.Service
	portfolio  *portfolio.Service
	leases     *lease.Service
	ledger     *ledger.Service
}

// New builds the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	return &Service{db: d.DB, clk: d.Clock, deposits: d.Deposits, statements: d.Statements, relations: d.Relations,
		portfolio: d.Portfolio, leases: d.Leases, ledger: d.Ledger}
}

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }

// Windows of the figures.
const (
	EndingMonths   = 3  // leases ending within this many months
	MandateDays    = 60 // mandates expiring within this many days
	ChartMonths    = 12 // months the charts go back, this one included
	SettlementDay  = 30 // the legal date of a settlement: 30 June of the next year (art. 7:259 BW)
	SettlementMon  = time.June
	maxVacantShown = 50 // vacant units listed under the figures
)

// Choice is a complex in the select of the page.
type Choice struct {
	ID   int64
	Name string
}

// Month is one month of the charts: what fell due and what came in, and
// how many units were let at its end (today for this month).
type Month struct {
	Month    civil.Month
	Charged  money.Cents
	Received money.Cents
	On       civil.Date // the day occupancy was counted
	Let      int
	Units    int
}

// LetPercent is the share of units let, in whole percents (0 without units).
func (m Month) LetPercent() int {
	if m.Units == 0 {
		return 0
	}
	return (m.Let*100 + m.Units/2) / m.Units
}

// Vacant is a unit empty today.
type Vacant struct {
	UnitID   int64
	Address  string
	Since    civil.Date  // the first empty day of this spell
	Days     int         // empty days this year so far
	RentLost money.Cents // rent lost over those days
}

// Figures are the overview of the organisation, or of one complex, today.
// Finance is filled for an actor who may read the finances, Portfolio for
// one who may read the portfolio; the rest for every member.
type Figures struct {
	On        civil.Date
	ComplexID int64
	Complexes []Choice

	Finance bool
	// Arrears: what is overdue today, in buckets of days overdue (0–30,
	// 31–60, 61–90, over 90) as the arrears ageing list, and on how many
	// leases (debtors).
	Arrears money.Cents
	Buckets [4]money.Cents
	Debtors int
	// This month (the last of Months): charged and received.
	ThisMonth Month
	// Deposits to return (the deposit list): how many, the nearest deadline.
	DepositsDue     int
	DepositDeadline civil.Date
	// Settlements of SettlementYear not yet sent before SettlementDue.
	SettlementYear int
	SettlementDue  civil.Date
	Settlements    int
	// Rent-increase proposals in draft, the earliest effective date.
	RentIncreases    int
	RentIncreaseDate civil.Date
	// Current mandates that expire (36 months unused) within MandateDays.
	MandatesExpiring int

	Portfolio bool
	// Vacancy: units empty today of all units, empty days this year and the
	// rent lost over them (see vacancy).
	Units, Empty int
	EmptyDays    int
	RentLost     money.Cents
	Vacant       []Vacant // at most maxVacantShown, longest empty first
	// Leases whose last day is within EndingMonths (up to EndsBy), and
	// leases running with notice given.
	Ending int
	EndsBy civil.Date
	Notice int

	Months []Month // ChartMonths months, oldest first

	OpenJobs int // background jobs of the organisation waiting or running
}

// Figures computes the overview on today for the organisation, or for the
// complex complexID (0: all). An unknown complex is validation.ErrNotFound.
func (s *Service) Figures(ctx context.Context, a account.Actor, complexID int64) (*Figures, error) {
	if !a.Can(account.PermOrgRead) {
		return nil, validation.ErrForbidden
	}
	today := s.today()
	f := &Figures{On: today, ComplexID: complexID, Finance: a.Can(account.PermFinanceRead), Portfolio: a.Can(account.PermPortfolioRead)}
	this := civil.MonthOf(today)
	for i := ChartMonths - 1; i >= 0; i-- {
		m := Month{Month: this.Add(-i)}
		m.On = m.Month.Last()
		if m.On.After(today) {
			m.On = today
		}
		f.Months = append(f.Months, m)
	}
	var inComplex map[int64]bool // nil: every lease
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if f.Complexes, err = complexes(ctx, tx); err != nil {
			return err
		}
		if complexID != 0 {
			found := false
			for _, c := range f.Complexes {
				found = found || c.ID == complexID
			}
			if !found {
				return validation.ErrNotFound
			}
			if inComplex, err = complexLeases(ctx, tx, complexID); err != nil {
				return err
			}
		}
		if f.OpenJobs, err = openJobs(ctx, tx); err != nil {
			return err
		}
		if f.Finance {
			if err := s.finance(ctx, tx, f); err != nil {
				return err
			}
		}
		if f.Portfolio {
			if err := s.portfolioFigures(ctx, tx, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if f.Finance {
		// The deposit list and the settlement deadlines are their services'
		// answers, so the figure and the page it links to agree.
		if err := s.depositsAndSettlements(ctx, a, f, inComplex); err != nil {
			return nil, err
		}
	}
	f.ThisMonth = f.Months[len(f.Months)-1]
	return f, nil
}

// finance fills the arrears, charged and received, rent increases and
// mandates.
func (s *Service) finance(ctx context.Context, tx *db.Tx, f *Figures) error {
	var err error
	if f.Arrears, f.Buckets, f.Debtors, err = overdue(ctx, tx, f.On, f.ComplexID); err != nil {
		return err
	}
	today := f.On
	from, to := f.Months[0].Month.First(), f.Months[len(f.Months)-1].Month.Last()
	charged, err := chargedByMonth(ctx, tx, from, to, f.ComplexID)
	if err != nil {
		return err
	}
	received, err := receivedByMonth(ctx, tx, from, to, f.ComplexID)
	if err != nil {
		return err
	}
	for i := range f.Months {
		f.Months[i].Charged, f.Months[i].Received = charged[f.Months[i].Month], received[f.Months[i].Month]
	}
	if f.RentIncreases, f.RentIncreaseDate, err = draftIncreases(ctx, tx, f.ComplexID); err != nil {
		return err
	}
	ms, err := mandateDates(ctx, tx, f.ComplexID)
	if err != nil {
		return err
	}
	until := today.AddDays(MandateDays)
	for _, m := range ms {
		exp := directdebit.Mandate{SignedOn: m[0], LastCollectedOn: m[1]}.ExpiresOn()
		if !exp.Before(today) && !exp.After(until) {
			f.MandatesExpiring++
		}
	}
	return nil
}

// Bucket is the ageing bucket of a charge days overdue: 0 for 0–30, 1 for
// 31–60, 2 for 61–90, 3 for more (as the arrears ageing list).
func Bucket(days int) int {
	switch {
	case days <= 30:
		return 0
	case days <= 60:
		return 1
	case days <= 90:
		return 2
	}
	return 3
}

// depositsAndSettlements fills the deposits to return and the settlements
// due, from the deposit and settlement services.
func (s *Service) depositsAndSettlements(ctx context.Context, a account.Actor, f *Figures, inComplex map[int64]bool) error {
	due, err := s.deposits.Due(ctx, a, listing.Query{All: true}, deposit.DueFilter{})
	if err != nil {
		return err
	}
	for _, it := range due.Items {
		if (inComplex != nil && !inComplex[it.LeaseID]) || it.State == deposit.StateSettled {
			continue
		}
		f.DepositsDue++
		if f.DepositDeadline.IsZero() || it.Deadline.Before(f.DepositDeadline) {
			f.DepositDeadline = it.Deadline
		}
	}
	// The settlement due next: last year's until 30 June, then this year's.
	f.SettlementYear = f.On.Year - 1
	if f.On.After(civil.New(f.On.Year, SettlementMon, SettlementDay)) {
		f.SettlementYear = f.On.Year
	}
	f.SettlementDue = civil.New(f.SettlementYear+1, SettlementMon, SettlementDay)
	rows, err := s.statements.Deadlines(ctx, a, f.SettlementYear)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if (f.ComplexID == 0 || r.ComplexID == f.ComplexID) && r.State != settlement.DeadlineSent {
			f.Settlements++
		}
	}
	return nil
}

// portfolioFigures fills the vacancy, occupancy and lease figures. A unit
// let by one lease from before the first day the figures look at (the
// first month's end of the charts, 1 January) through today is let on every
// day they count: those are counted in the database, and only the others,
// the ones that changed tenant or stood empty, are walked day by day.
func (s *Service) portfolioFigures(ctx context.Context, tx *db.Tx, f *Figures) error {
	from := civil.New(f.On.Year, 1, 1)
	if first := f.Months[0].On; first.Before(from) {
		from = first
	}
	all, err := unitCount(ctx, tx, f.ComplexID)
	if err != nil {
		return err
	}
	us, err := unitsToCount(ctx, tx, from, f.On, f.ComplexID)
	if err != nil {
		return err
	}
	let := all - len(us)
	var leaseIDs []int64
	seen := map[int64]bool{}
	for _, u := range us {
		for _, l := range u.Leases {
			if !seen[l.LeaseID] {
				seen[l.LeaseID] = true
				leaseIDs = append(leaseIDs, l.LeaseID)
			}
		}
	}
	rents, err := bareRents(ctx, tx, leaseIDs)
	if err != nil {
		return err
	}
	vacancy(f, us, rents)
	f.Units += let
	for i := range f.Months {
		f.Months[i].Units += let
		f.Months[i].Let += let
	}
	f.EndsBy = f.On.AddMonths(EndingMonths)
	if f.Ending, err = endingLeases(ctx, tx, f.On, f.EndsBy, f.ComplexID); err != nil {
		return err
	}
	f.Notice, err = noticeLeases(ctx, tx, f.On, f.ComplexID)
	return err
}
