package settlement

// Statements (part 2, DOMAIN.md §7.2): per occupancy of a final run a
// statement itemised by cost type, booked in the ledger and mailed with the
// PDF attached. The tables are described in migration
// 00013_settlement_statements.sql. Statements is its own type beside
// Service so that part 1's wiring stays as it is: it needs the outbox and
// the job queue besides what Service has.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/orgprofile"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/mail"
	"hms/internal/platform/pdfdoc"
	"hms/internal/platform/validation"
)

// Statements makes, books and sends settlement statements.
type Statements struct {
	s      *Service
	outbox *mail.Outbox
	jobs   *jobs.Queue
	batch  int // occupancies per transaction of the send job
}

// NewStatements returns the statements service on top of s. outbox may be
// nil (nothing is mailed); q, when not nil, runs the send job, which acts as
// the user who started it (accounts).
func NewStatements(s *Service, outbox *mail.Outbox, q *jobs.Queue, accounts *account.Service) *Statements {
	st := &Statements{s: s, outbox: outbox, batch: 50}
	if q != nil {
		st.registerSend(q, accounts)
	}
	return st
}

// PurposeStatement is the purpose logged when a statement reads tenants.
const PurposeStatement = "settlement.statement"

// Problems of statements (message ids in settlement_statement.<lang>.json).
var (
	ErrNotFinal        = &validation.Problem{Status: 409, Code: "settlement_statement.run_not_final"}
	ErrNotSent         = &validation.Problem{Status: 409, Code: "settlement_statement.not_sent"}
	ErrAdvanceApplied  = &validation.Problem{Status: 409, Code: "settlement_statement.advance_applied"}
	ErrNoAdvance       = &validation.Problem{Status: 409, Code: "settlement_statement.no_advance"}
	ErrLevyBooked      = &validation.Problem{Status: 409, Code: "settlement_statement.levy_booked"}
	ErrStatementNoJobs = errors.New("settlement: no job queue")
)

// Refund ways.
const (
	RefundSetOff  = "set_off"
	RefundPayBack = "pay_back"
)

// What a statement settles the costs against (StatementSettings.AdvancesBasis;
// DOMAIN.md §7.2 asks for the advances received). Either way an unpaid
// advance is owed once: with AdvancesCharged it stays in the arrears and the
// settlement leaves it out; with AdvancesReceived the settlement includes it
// and booking the statement credits the open advance charges, so the arrears
// no longer hold it. A commercial statement is a VAT invoice that corrects
// the advances invoiced with VAT, so it always settles against the charged.
const (
	AdvancesCharged  = "charged"
	AdvancesReceived = "received"
)

// VAT classes of a cost category for commercial leases (§7.11).
const (
	VATAncillary   = "ancillary"
	VATIndependent = "independent"
)

// --- settings ---

// StatementSettings are an organisation's statement settings.
type StatementSettings struct {
	DueDays        int    // days until an extra charge is due
	Refund         string // RefundSetOff or RefundPayBack
	AdvancesBasis  string // AdvancesCharged or AdvancesReceived
	InspectionText string // "": the built-in text
	ObjectionText  string // "": the built-in text
}

// DefaultStatementSettings apply until an organisation saves its own.
var DefaultStatementSettings = StatementSettings{DueDays: 30, Refund: RefundSetOff, AdvancesBasis: AdvancesCharged}

func loadStatementSettings(ctx context.Context, tx *db.Tx) (StatementSettings, error) {
	ss := DefaultStatementSettings
	err := tx.QueryRowContext(ctx, `SELECT due_days, refund, inspection_text, objection_text, advances_basis FROM settlement_settings
		WHERE org_id = $1`, tx.OrgID()).Scan(&ss.DueDays, &ss.Refund, &ss.InspectionText, &ss.ObjectionText, &ss.AdvancesBasis)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultStatementSettings, nil
	}
	if err != nil {
		return ss, fmt.Errorf("statement settings: %w", err)
	}
	return ss, nil
}

// Settings reads the organisation's statement settings.
func (st *Statements) Settings(ctx context.Context, a account.Actor) (StatementSettings, error) {
	if err := canRead(a); err != nil {
		return StatementSettings{}, err
	}
	var ss StatementSettings
	err := st.s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		ss, err = loadStatementSettings(ctx, tx)
		return err
	})
	return ss, err
}

const maxText = 2000

// SaveSettings replaces the organisation's statement settings.
func (st *Statements) SaveSettings(ctx context.Context, a account.Actor, in StatementSettings) error {
	if err := canWrite(a); err != nil {
		return err
	}
	fe := validation.Errors{}
	if in.DueDays < 1 || in.DueDays > 365 {
		fe.Add("due_days", "settlement_statement.due_days_range")
	}
	if in.Refund != RefundSetOff && in.Refund != RefundPayBack {
		fe.Add("refund", "field.invalid")
	}
	if in.AdvancesBasis == "" {
		in.AdvancesBasis = AdvancesCharged
	}
	if in.AdvancesBasis != AdvancesCharged && in.AdvancesBasis != AdvancesReceived {
		fe.Add("advances_basis", "field.invalid")
	}
	in.InspectionText, in.ObjectionText = strings.TrimSpace(in.InspectionText), strings.TrimSpace(in.ObjectionText)
	if len(in.InspectionText) > maxText {
		fe.Add("inspection_text", "settlement_statement.text_too_long")
	}
	if len(in.ObjectionText) > maxText {
		fe.Add("objection_text", "settlement_statement.text_too_long")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return st.s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settlement_settings (org_id, due_days, refund, inspection_text, objection_text,
			advances_basis, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id) DO UPDATE SET due_days = excluded.due_days,
			refund = excluded.refund, inspection_text = excluded.inspection_text, objection_text = excluded.objection_text,
			advances_basis = excluded.advances_basis, updated_at = excluded.updated_at`,
			tx.OrgID(), in.DueDays, in.Refund, in.InspectionText, in.ObjectionText, in.AdvancesBasis, st.s.now()); err != nil {
			return fmt.Errorf("save statement settings: %w", err)
		}
		return st.s.record(ctx, tx, a, "settlement.statement_settings_saved", "organisation", tx.OrgID(),
			map[string]string{"due_days": fmt.Sprint(in.DueDays), "refund": in.Refund, "advances_basis": in.AdvancesBasis})
	})
}

// --- VAT classes ---

// VATClass is the VAT treatment of a cost category in a complex and year.
type VATClass struct {
	Category string
	Class    string     // VATAncillary or VATIndependent
	Rate     money.Rate // VATIndependent only
}

// VATClassInput is a VAT class as entered.
type VATClassInput struct {
	Category string
	Class    string
	Rate     string // "21", "9", "0"
}

func loadVATClasses(ctx context.Context, tx *db.Tx, complexID int64, year int) (map[string]VATClass, error) {
	rows, err := tx.QueryContext(ctx,
		`SELECT category, class, rate FROM settlement_vat_classes WHERE org_id = $1 AND complex_id = $2 AND year = $3
		ORDER BY category`, tx.OrgID(), complexID, year)
	if err != nil {
		return nil, fmt.Errorf("vat classes: %w", err)
	}
	defer rows.Close()
	out := map[string]VATClass{}
	for rows.Next() {
		var v VATClass
		if err := rows.Scan(&v.Category, &v.Class, &v.Rate); err != nil {
			return nil, err
		}
		out[v.Category] = v
	}
	return out, rows.Err()
}

// VATClasses lists the VAT classes set for a complex and year.
func (st *Statements) VATClasses(ctx context.Context, a account.Actor, complexID int64, year int) ([]VATClass, error) {
	if err := canRead(a); err != nil {
		return nil, err
	}
	var out []VATClass
	err := st.s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		m, err := loadVATClasses(ctx, tx, complexID, year)
		for _, v := range m {
			out = append(out, v)
		}
		return err
	})
	slices.SortFunc(out, func(x, y VATClass) int { return strings.Compare(x.Category, y.Category) })
	return out, err
}

// SetVATClass sets the VAT class of a cost category for a complex and year.
func (st *Statements) SetVATClass(ctx context.Context, a account.Actor, complexID int64, year int, in VATClassInput) error {
	if err := canWrite(a); err != nil {
		return err
	}
	fe := validation.Errors{}
	checkYear(year, fe)
	cat := NormalizeCategory(in.Category)
	if !validCategory(cat) {
		fe.Add("category", "settlement.category_invalid")
	}
	var rate money.Rate
	switch in.Class {
	case VATAncillary:
	case VATIndependent:
		r, err := money.ParseRate(strings.TrimSpace(in.Rate))
		if err != nil || r < 0 || r > 100*money.Percent {
			fe.Add("rate", "settlement_statement.rate_invalid")
		}
		rate = r
	default:
		fe.Add("class", "field.invalid")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return st.s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ok, err := complexExists(ctx, tx, complexID)
		if err != nil {
			return err
		}
		if !ok {
			return validation.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settlement_vat_classes (org_id, complex_id, year, category, class, rate, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, complex_id, year, category) DO UPDATE SET class = excluded.class,
			rate = excluded.rate,
			updated_at = excluded.updated_at`, tx.OrgID(), complexID, year, cat, in.Class, int64(rate), st.s.now()); err != nil {
			return fmt.Errorf("save vat class: %w", err)
		}
		return st.s.record(ctx, tx, a, "settlement.vat_class_saved", "complex", complexID, map[string]string{"year": fmt.Sprint(year),
			"category": cat, "class": in.Class, "rate": rate.String()})
	})
}

// --- the statement ---

// Statement is everything one tenant's statement prints (and the review
// page shows).
type Statement struct {
	ID             int64 // 0: not stored yet
	RunID          int64
	OccupancyID    int64
	LeaseID        int64
	Year           int
	RunKind        string
	ComplexID      int64
	ComplexName    string
	PeriodStart    civil.Date // the run's period
	PeriodEnd      civil.Date
	Start, End     civil.Date // the tenant's days in it
	Address        string
	LeaseReference string
	Lang           string
	Names          []string
	DebtorAddress  string
	Issuer         Issuer
	IssueDate      civil.Date
	DueDate        civil.Date
	Commercial     bool // a VAT invoice (§7.11)
	Regulated      bool // social or middenhuur: the Huurcommissie may rule

	Lines           []StatementLine
	Subtotal        money.Cents
	AdminFeePercent string
	AdminFeeBase    money.Cents
	AdminFee        money.Cents
	AdminFeeVAT     money.Rate
	Total           money.Cents // excl. VAT
	VAT             []VATGroup  // commercial
	TotalInclVAT    money.Cents
	Advances        money.Cents                // charged for the tenant's days
	AdvancesNet     map[money.Rate]money.Cents // commercial: the advances' net amount per rate
	Paid            money.Cents                // of Advances, received
	AdvancesOpen    money.Cents                // of Advances, still open when the run was made
	AdvancesBasis   string                     // what Balance settles against: AdvancesCharged or AdvancesReceived
	Balance         money.Cents                // to pay (> 0) or to refund (< 0)
	BalanceLines    []BalanceLine
	Vacancy         money.Cents // the landlord's cost of vacant units in the complex
	// DegreeDaysSource is the run's source of degree days (Run.DegreeDaysSource).
	DegreeDaysSource string
	Refund           string
	ProposedAdvance  money.Cents // per month, whole euros; 0: the lease does not run on
	AdvanceFrom      civil.Date
	AdvanceApplied   bool
	Levies           []LevyShareLine
	LeviesTotal      money.Cents
	InspectionText   string
	ObjectionText    string
	Deadline         civil.Date // 30 June after the year
	ObjectUntil      civil.Date // the Huurcommissie's 24 months after the deadline

	InvoiceID     int64
	InvoiceNumber string
	Kenmerk       string // the invoice's betalingskenmerk
	Booked        bool
	SetOff        money.Cents
	PayoutCents   money.Cents
	Mails         int
	SentAt        time.Time
	Stored        bool
	SHA256        string
}

// Issuer is the landlord as printed (pdfdoc.Issuer).
type Issuer = pdfdoc.Issuer

// StatementLine is one cost type on a statement.
type StatementLine struct {
	CostID    string
	Category  string
	Key       string
	CostTotal money.Cents // the complex's (pool's) cost for the period
	Invoices  []StatementInvoice
	Basis     Basis
	Share     money.Cents
	AdminFee  bool
	VATClass  string
	VATRate   money.Rate
	// Key meter (§7.2: start and end readings, use, tariff): the readings
	// behind the share, and the tariff, the cost per unit of use of the pool
	// ("3.9266", euros).
	Meter  *OccupancyReads
	Tariff string
}

// StatementInvoice is a supplier invoice behind a cost line.
type StatementInvoice struct {
	Number   string
	Supplier string
	Date     civil.Date
	Amount   money.Cents // the part assigned to the period
}

// Basis is how a share was found: the tenant's units of the key against
// the pool's (Mine of Total), with the tenant's days when part-year.
type Basis struct {
	Key         string
	Mine, Total string // decimal text: "62", "1300"; meters: consumption
	Units       int    // units in the pool
	Days, Of    int    // the tenant's days of the period's
	Heating     bool
	ByReadings  bool // key meter: Mine is the tenant's own use, from readings at the change of tenant
}

// VATGroup is the net and VAT of one rate.
type VATGroup struct {
	Rate     money.Rate
	Net, VAT money.Cents
}

// BalanceLine is a line of the booked balance: per VAT rate on commercial
// statements, one line otherwise.
type BalanceLine struct {
	Net  money.Cents
	Rate money.Rate
	VAT  money.Cents
}

// LevyShareLine is a levy on the statement (its own ledger, §7.10).
type LevyShareLine struct {
	LevyID      int64
	Name        string
	PeriodStart civil.Date
	PeriodEnd   civil.Date
	Amount      money.Cents
	Days        int
}

// Statement returns one occupancy's statement of run runID (stored facts
// when sent, else as it would be sent today).
func (st *Statements) Statement(ctx context.Context, a account.Actor, runID, occupancyID int64) (*Statement, error) {
	if err := canRead(a); err != nil {
		return nil, err
	}
	var out *Statement
	// A write transaction: reading the tenants is logged as access.
	err := st.s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		r, err := loadRun(ctx, tx, runID)
		if err != nil {
			return err
		}
		ctxs, err := st.runContext(ctx, tx, r)
		if err != nil {
			return err
		}
		for i := range r.Occupancies {
			if r.Occupancies[i].ID == occupancyID {
				out, err = st.build(ctx, tx, a, ctxs, &r.Occupancies[i], true)
				return err
			}
		}
		return validation.ErrNotFound
	})
	return out, err
}

// runCtx is what every statement of a run shares.
type runCtx struct {
	run      *Run
	in       Input
	units    map[string]Unit
	settings StatementSettings
	issuer   Issuer
	vat      map[string]VATClass
	entries  map[string][]StatementInvoice
	rows     map[int64]stmtRow // by occupancy id
	today    civil.Date
}

type stmtRow struct {
	id                   int64
	invoiceID            int64
	invoiceNumber        string
	kenmerk              string
	booked               bool
	bookedCents, setOff  money.Cents
	payout               money.Cents
	advance              money.Cents
	advanceFrom          string
	advanceApplied, sent bool
	sentAt               time.Time
	mails                int
	stored               bool
	sha                  string
	docYear              int
	issue                civil.Date
}

func (st *Statements) runContext(ctx context.Context, tx *db.Tx, r *Run) (*runCtx, error) {
	c := &runCtx{run: r, today: st.s.today(), units: map[string]Unit{}, entries: map[string][]StatementInvoice{}}
	if err := json.Unmarshal(r.Input, &c.in); err != nil {
		return nil, fmt.Errorf("run %d input: %w", r.ID, err)
	}
	for _, u := range c.in.Units {
		c.units[string(u.ID)] = u
	}
	var err error
	if c.settings, err = loadStatementSettings(ctx, tx); err != nil {
		return nil, err
	}
	if c.issuer, err = st.issuer(ctx, tx); err != nil {
		return nil, err
	}
	if c.vat, err = loadVATClasses(ctx, tx, r.ComplexID, r.Year); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT x.cost_id, e.invoice_number, e.invoice_date, e.supplier_id, x.assigned_cents
		FROM settlement_run_entries x JOIN settlement_cost_entries e ON e.id = x.entry_id AND e.org_id = x.org_id
		WHERE x.run_id = $1 AND x.org_id = $2 ORDER BY e.invoice_date, e.id`, r.ID, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("run %d invoices: %w", r.ID, err)
	}
	type ent struct {
		cost     string
		inv      StatementInvoice
		supplier int64
	}
	var es []ent
	var sup []int64
	for rows.Next() {
		var e ent
		if err := rows.Scan(&e.cost, &e.inv.Number, &e.inv.Date, &e.supplier, &e.inv.Amount); err != nil {
			rows.Close()
			return nil, err
		}
		es = append(es, e)
		if !slices.Contains(sup, e.supplier) {
			sup = append(sup, e.supplier)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	names := map[int64]string{}
	if st.s.relations != nil && len(sup) > 0 {
		if names, err = st.s.relations.DisplayNames(ctx, tx, sup...); err != nil {
			return nil, err
		}
	}
	for _, e := range es {
		e.inv.Supplier = names[e.supplier]
		c.entries[e.cost] = append(c.entries[e.cost], e.inv)
	}
	c.rows, err = st.statementRows(ctx, tx, r.ID)
	return c, err
}

func (st *Statements) statementRows(ctx context.Context, tx *db.Tx, runID int64) (map[int64]stmtRow, error) {
	rows, err := tx.QueryContext(ctx,
		`SELECT s.id, s.occupancy_id, s.invoice_id, COALESCE(i.number, ''), COALESCE(i.kenmerk, ''), s.booked_at IS NOT NULL, s.booked_cents,
		s.set_off_cents, s.advance_cents, s.advance_from, s.advance_applied_at IS NOT NULL, COALESCE(s.sent_at, ''),
		s.mails, s.document_sealed IS NOT NULL, s.document_sha256, s.document_year, COALESCE(i.issue_date, '')
		FROM settlement_statements s
		LEFT JOIN ledger_invoices i ON i.id = s.invoice_id AND i.org_id = s.org_id
		WHERE s.run_id = $1 AND s.org_id = $2`, runID, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("statements of run %d: %w", runID, err)
	}
	defer rows.Close()
	out := map[int64]stmtRow{}
	for rows.Next() {
		var r stmtRow
		var occ int64
		var sent, issue string
		if err := rows.Scan(&r.id, &occ, &r.invoiceID, &r.invoiceNumber, &r.kenmerk, &r.booked, &r.bookedCents, &r.setOff, &r.advance,
			&r.advanceFrom, &r.advanceApplied, &sent, &r.mails, &r.stored, &r.sha, &r.docYear, &issue); err != nil {
			return nil, err
		}
		if sent != "" {
			r.sent = true
			if r.sentAt, err = db.ParseTS(sent); err != nil {
				return nil, err
			}
		}
		if issue != "" {
			r.issue, _ = civil.Parse(issue)
		}
		out[occ] = r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// The refund each statement pays back, from the payout capability.
	ids := make([]int64, 0, len(out))
	for _, r := range out {
		ids = append(ids, r.id)
	}
	if st.s.payouts == nil || len(ids) == 0 {
		return out, nil
	}
	amounts, err := st.s.payouts.StatementAmountsTx(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	for occ, r := range out {
		r.payout = amounts[r.id]
		out[occ] = r
	}
	return out, nil
}

// issuer is the organisation as its documents print it (orgprofile) with
// the account invoices ask to be paid to (billing settings), in tx.
func (st *Statements) issuer(ctx context.Context, tx *db.Tx) (Issuer, error) {
	var iban string
	err := tx.QueryRowContext(ctx, `SELECT issuer_iban FROM billing_settings WHERE org_id = $1`, tx.OrgID()).Scan(&iban)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Issuer{}, fmt.Errorf("billing settings: %w", err)
	}
	return orgprofile.IssuerTx(ctx, tx, iban)
}

// deadline is the legal date of year's statement: 30 June of the next year
// (art. 7:259 lid 2: within six months after the calendar year).
func deadline(year int) civil.Date { return civil.New(year+1, time.June, 30) }

// build assembles occupancy o's statement. withNames reads the tenants
// (logged as access with PurposeStatement).
func (st *Statements) build(ctx context.Context, tx *db.Tx, a account.Actor, c *runCtx, o *RunOccupancy,
	withNames bool) (*Statement, error) {
	r := c.run
	s := &Statement{RunID: r.ID, OccupancyID: o.ID, LeaseID: o.LeaseID, Year: r.Year, RunKind: r.Kind, ComplexID: r.ComplexID,
		ComplexName: r.ComplexName, PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, Start: o.Start, End: o.End, Address: o.Address,
		LeaseReference: o.LeaseReference, Issuer: c.issuer, Subtotal: o.Subtotal, AdminFeePercent: r.AdminFeePercent, AdminFee: o.AdminFee,
		Total: o.Total, Advances: o.Advances, Paid: o.Paid, Vacancy: r.LandlordTotal, Refund: c.settings.Refund,
		DegreeDaysSource: r.DegreeDaysSource,
		InspectionText:   c.settings.InspectionText, ObjectionText: c.settings.ObjectionText, Deadline: deadline(r.Year), Lang: "nl"}
	s.ObjectUntil = s.Deadline.AddMonths(24)
	l, err := st.s.leases.GetTx(ctx, tx, o.LeaseID)
	if err != nil {
		return nil, err
	}
	s.Commercial = l.Kind == lease.Commercial
	s.AdvancesOpen, s.AdvancesBasis = max(o.Advances-o.Paid, 0), r.AdvancesBasis
	if s.Commercial || s.AdvancesBasis == "" {
		s.AdvancesBasis = AdvancesCharged
	}
	var segment string
	err = tx.QueryRowContext(ctx, `SELECT segment FROM units WHERE id = $1 AND org_id = $2`, o.UnitID, tx.OrgID()).Scan(&segment)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("unit segment: %w", err)
	}
	s.Regulated = segment == "sociaal" || segment == "middenhuur"

	// Cost lines, with the key's units of this tenant against the pool's.
	costs := map[string]Cost{}
	for _, cc := range c.in.Costs {
		costs[string(cc.ID)] = cc
	}
	rc := map[string]RunCost{}
	for _, x := range r.Costs {
		rc[x.CostID] = x
	}
	days, of := o.Start.DaysUntil(o.End)+1, r.PeriodStart.DaysUntil(r.PeriodEnd)+1
	ancillary := money.Rate(0)
	if s.Commercial && l.VATOpted {
		ancillary = lease.StandardRate
	}
	for _, ln := range o.Lines {
		x := rc[ln.CostID]
		line := StatementLine{CostID: ln.CostID, Category: x.Category, Key: x.Key, CostTotal: x.Amount, Invoices: c.entries[ln.CostID],
			Share: ln.Amount, AdminFee: x.AdminFee}
		line.Basis = basisOf(costs[ln.CostID], c.in, c.units, o.UnitID)
		line.Basis.Days, line.Basis.Of = days, of
		if x.Key == KeyMeter {
			if mr, ok := x.Readings[o.Ref]; ok {
				line.Meter = &mr
				if !mr.ByDays && mr.Use != line.Basis.Mine {
					line.Basis.Mine, line.Basis.ByReadings = mr.Use, true
				}
			}
			line.Tariff = tariff(x.Amount, line.Basis.Total)
		}
		if line.AdminFee {
			s.AdminFeeBase += ln.Amount
		}
		if s.Commercial {
			line.VATClass, line.VATRate = VATAncillary, ancillary
			if v, ok := c.vat[NormalizeCategory(x.Category)]; ok && v.Class == VATIndependent {
				line.VATClass, line.VATRate = VATIndependent, v.Rate
			}
		}
		s.Lines = append(s.Lines, line)
	}

	// Commercial: a VAT invoice. The shares are the net amounts; VAT per
	// line (the admin fee follows the rent), summed per rate.
	s.TotalInclVAT = s.Total
	s.BalanceLines = []BalanceLine{{Net: o.Balance}}
	s.Balance = o.Balance
	if s.Commercial {
		s.AdminFeeVAT = ancillary
		net := map[money.Rate]money.Cents{}
		var order []money.Rate
		add := func(rate money.Rate, c money.Cents) {
			if _, ok := net[rate]; !ok {
				order = append(order, rate)
			}
			net[rate] += c
		}
		for _, ln := range s.Lines {
			add(ln.VATRate, ln.Share)
		}
		if s.AdminFee != 0 {
			add(ancillary, s.AdminFee)
		}
		if s.AdvancesNet, err = advancesNet(ctx, tx, o.LeaseID, o.Start, o.End); err != nil {
			return nil, err
		}
		for rate := range s.AdvancesNet {
			if _, ok := net[rate]; !ok {
				order = append(order, rate)
				net[rate] = 0
			}
		}
		slices.Sort(order)
		s.TotalInclVAT, s.Balance, s.BalanceLines = 0, 0, nil
		for _, rate := range order {
			g := VATGroup{Rate: rate, Net: net[rate], VAT: money.ApplyRate(net[rate], rate)}
			s.VAT = append(s.VAT, g)
			s.TotalInclVAT += g.Net + g.VAT
			bl := BalanceLine{Net: net[rate] - s.AdvancesNet[rate], Rate: rate}
			bl.VAT = money.ApplyRate(bl.Net, rate)
			if bl.Net != 0 {
				s.BalanceLines = append(s.BalanceLines, bl)
			}
			s.Balance += bl.Net + bl.VAT
		}
	}

	// The stored facts, when the statement was sent.
	row, stored := c.rows[o.ID]
	s.IssueDate = c.today
	if stored {
		s.ID, s.InvoiceID, s.InvoiceNumber, s.Booked, s.SetOff,
			s.PayoutCents = row.id, row.invoiceID, row.invoiceNumber, row.booked, row.setOff, row.payout
		s.Kenmerk = row.kenmerk
		s.Mails, s.Stored, s.SHA256, s.AdvanceApplied = row.mails, row.stored, row.sha, row.advanceApplied
		if row.sent {
			s.SentAt = row.sentAt
			s.IssueDate = civil.Today(row.sentAt)
		}
		if !row.issue.IsZero() {
			s.IssueDate = row.issue
		}
	}
	s.DueDate = s.IssueDate.AddDays(c.settings.DueDays)

	// The new advance: the year's cost a month, from the month after the
	// statement, for a lease that runs on.
	if l.EndsOn.IsZero() || l.EndsOn.After(s.IssueDate) {
		s.ProposedAdvance = proposeAdvance(s.Total, days, of)
		s.AdvanceFrom = s.IssueDate.FirstOfMonth().AddMonths(1)
		if stored && row.advanceFrom != "" {
			s.AdvanceFrom, _ = civil.Parse(row.advanceFrom)
			s.ProposedAdvance = row.advance
		}
	}

	// Levies printed on the statement.
	if s.Levies, err = statementLevies(ctx, tx, r.ComplexID, r.Year, o.LeaseID, o.UnitID); err != nil {
		return nil, err
	}
	for _, lv := range s.Levies {
		s.LeviesTotal += lv.Amount
	}

	if withNames && st.s.relations != nil {
		ids := l.TenantIDs()
		if len(ids) > 0 {
			facts, err := st.s.relations.PartyFacts(ctx, tx, a, PurposeStatement, ids...)
			if err != nil {
				return nil, fmt.Errorf("statement tenants of lease %d: %w", l.ID, err)
			}
			for i, id := range ids {
				f := facts[id]
				s.Names = append(s.Names, f.DisplayName)
				if s.DebtorAddress == "" {
					s.DebtorAddress = f.Address
				}
				if i == 0 {
					s.Lang = statementLang(f.Language)
				}
			}
		}
	}
	return s, nil
}

func statementLang(l string) string {
	if strings.HasPrefix(strings.ToLower(l), "en") {
		return "en"
	}
	return "nl"
}

// proposeAdvance is the new monthly advance: the tenant's total for the
// period scaled to a whole period (a tenant who came mid-year pays a full
// year from now on), divided by 12, rounded up to whole euros.
func proposeAdvance(total money.Cents, days, of int) money.Cents {
	if total <= 0 || days <= 0 {
		return 0
	}
	if of < 365 {
		of = 365 // a leaving run's period is part of a year; a month is a twelfth of a year
	}
	num := new(big.Int).Mul(big.NewInt(int64(total)), big.NewInt(int64(of)))
	den := big.NewInt(int64(days) * 12 * 100)
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if m.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return money.Cents(q.Int64() * 100)
}

// basisOf says how the key divided cost c and what of it the unit had.
func basisOf(c Cost, in Input, units map[string]Unit, unitID int64) Basis {
	b := Basis{Key: c.Key, Heating: c.Heating}
	pool := c.Units
	if len(pool) == 0 {
		for _, u := range in.Units {
			pool = append(pool, u.ID)
		}
	}
	b.Units = len(pool)
	me := string(unitRef(unitID))
	sum := func(get func(string) string) (string, string) {
		tot := new(big.Rat)
		var mine string
		for _, id := range pool {
			v := get(string(id))
			if r, ok := new(big.Rat).SetString(v); ok {
				tot.Add(tot, r)
			}
			if string(id) == me {
				mine = v
			}
		}
		return mine, ratText(tot)
	}
	switch c.Key {
	case KeyEqual:
		b.Mine, b.Total = "1", strconv.Itoa(len(pool))
	case KeyArea, KeyGas3565:
		b.Mine, b.Total = sum(func(id string) string { return string(units[id].AreaM2) })
	case KeyOccupants:
		b.Mine, b.Total = sum(func(id string) string { return string(units[id].Occupants) })
	case KeyMeter:
		b.Mine, b.Total = sum(func(id string) string { return string(c.Readings[id]) })
	case KeyShares:
		b.Mine, b.Total = sum(func(id string) string { return string(c.Shares[id]) })
	}
	return b
}

// tariff is amount over use in euros with four decimals ("3.9266"); "" for
// no use.
func tariff(amount money.Cents, use string) string {
	u, ok := new(big.Rat).SetString(use)
	if !ok || u.Sign() <= 0 {
		return ""
	}
	return new(big.Rat).Quo(new(big.Rat).SetFrac64(int64(amount), 100), u).FloatString(4)
}

func ratText(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	return strings.TrimRight(strings.TrimRight(r.FloatString(2), "0"), ".")
}

// advancesNet are the lease's service-cost advances charged for from..to,
// net of VAT, per VAT rate (a charge crossing the period counts for its
// days inside it, as in the run).
func advancesNet(ctx context.Context, tx *db.Tx, leaseID int64, from, to civil.Date) (map[money.Rate]money.Cents, error) {
	rows, err := tx.QueryContext(ctx, `SELECT from_date, to_date, net_cents, vat_rate FROM ledger_charges
		WHERE org_id = $1 AND lease_id = $2 AND line LIKE 'service\_costs|%' ESCAPE '\' AND from_date <= $3 AND to_date >= $4`,
		tx.OrgID(), leaseID, to, from)
	if err != nil {
		return nil, fmt.Errorf("advances of lease %d: %w", leaseID, err)
	}
	defer rows.Close()
	out := map[money.Rate]money.Cents{}
	for rows.Next() {
		var f, t civil.Date
		var net money.Cents
		var rate money.Rate
		if err := rows.Scan(&f, &t, &net, &rate); err != nil {
			return nil, err
		}
		in0, in1 := later(f, from), earlier(t, to)
		all, inside := int64(f.DaysUntil(t))+1, int64(in0.DaysUntil(in1))+1
		if inside < all {
			net = partOf(net, inside, all)
		}
		out[rate] += net
	}
	return out, rows.Err()
}

// RunStatements is the review of a run's statements.
type RunStatements struct {
	Run        *Run
	Statements []Statement
	Sent       int
	Booked     int
	ToPay      money.Cents
	ToRefund   money.Cents
	// SendJob is the send job the page follows (ReviewSending only; nil
	// when it is gone or not a send job).
	SendJob *jobs.Status
}

// Review lists a run's statements as they are or would be sent (without
// the tenants' names and addresses, which only the PDF reads).
func (st *Statements) Review(ctx context.Context, a account.Actor, runID int64) (*RunStatements, error) {
	return st.review(ctx, a, runID, 0)
}

// ReviewSending is Review with the progress of the send job jobID, which
// the page started and follows.
func (st *Statements) ReviewSending(ctx context.Context, a account.Actor, runID, jobID int64) (*RunStatements, error) {
	return st.review(ctx, a, runID, jobID)
}

func (st *Statements) review(ctx context.Context, a account.Actor, runID, jobID int64) (*RunStatements, error) {
	if err := canRead(a); err != nil {
		return nil, err
	}
	r, err := st.s.GetRun(ctx, a, runID)
	if err != nil {
		return nil, err
	}
	out := &RunStatements{Run: r}
	err = st.s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		c, err := st.runContext(ctx, tx, r)
		if err != nil {
			return err
		}
		for i := range r.Occupancies {
			s, err := st.build(ctx, tx, a, c, &r.Occupancies[i], false)
			if err != nil {
				return err
			}
			if !s.SentAt.IsZero() {
				out.Sent++
			}
			if s.Booked {
				out.Booked++
			}
			if s.Balance > 0 {
				out.ToPay += s.Balance
			} else {
				out.ToRefund -= s.Balance
			}
			out.Statements = append(out.Statements, *s)
		}
		if jobID <= 0 || st.jobs == nil {
			return nil
		}
		js, err := st.jobs.Status(ctx, tx, jobID)
		if errors.Is(err, jobs.ErrNotFound) {
			return nil
		}
		if err != nil { // jobs.Status names the job
			return err
		}
		if js.Kind == JobSend {
			out.SendJob = &js
		}
		return nil
	})
	return out, err
}
