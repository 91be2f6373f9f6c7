package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hms/internal/platform/audit"
	"slices"
	"strings"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

// The ledger's SQL. Every function works in the caller's transaction on
// tx's organisation and wraps its errors once with the operation.

// --- invoices ---

// openAmount is an invoice's charges less what is allocated to them, kept
// with the invoice (open_cents, migration 00045) by every writer of charges
// and allocations in this file; OpenDrift checks it against openSummed.
const openAmount = `i.open_cents`

// openSummed is the open amount summed from the charges and allocations:
// what open_cents must equal, and the list's query before 00045 (the
// benchmark's baseline).
const openSummed = `COALESCE((SELECT SUM(c.total_cents) FROM ledger_charges c WHERE c.invoice_id = i.id), 0)
	- COALESCE((SELECT SUM(al.amount_cents) FROM ledger_allocations al JOIN ledger_charges c2 ON c2.id = al.charge_id
		WHERE c2.invoice_id = i.id), 0)`

// invoiceColumns are what scanInvoice reads, from ledger_invoices i joined
// with leases l.
const invoiceColumns = `i.id, i.number, i.fiscal_year, i.kind, i.lease_id, l.reference, i.period, i.issue_date,
	i.due_date, i.kenmerk, i.net_cents, i.vat_cents, i.total_cents, COALESCE(i.credits_invoice_id, 0), i.reason, i.run_id,
	i.document_sealed IS NOT NULL, COALESCE(i.sent_at, ''), i.created_at`

// listInvoices is one page of the invoices matching f and q (q already
// normalised to InvoiceSorts).
func listInvoices(ctx context.Context, tx *db.Tx, q listing.Query, f InvoiceFilter) (listing.Page[Invoice], error) {
	page := listing.Page[Invoice]{}
	from, args, list := invoiceListQuery(tx, q, f)
	if q.NoTotal {
		// no count
	} else if err := tx.QueryRowContext(ctx, listing.CappedCount(from), args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("ledger: count invoices: %w", err)
	}
	rows, err := tx.QueryContext(ctx, list, args...)
	if err != nil {
		return page, fmt.Errorf("ledger: list invoices: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		inv, err := scanInvoice(rows, true)
		if err != nil {
			return page, fmt.Errorf("ledger: list invoices: %w", err)
		}
		page.Items = append(page.Items, inv)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("ledger: list invoices: %w", err)
	}
	return page, nil
}

// invoiceListQuery is a list's FROM … WHERE, its arguments and the
// statement of its page.
func invoiceListQuery(tx *db.Tx, q listing.Query, f InvoiceFilter) (from string, args []any, list string) {
	where := []string{"i.org_id = $1"}
	args = []any{tx.OrgID()}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.LeaseID != 0 {
		add("i.lease_id = ?", f.LeaseID)
	}
	if f.PartyID != 0 {
		add(`i.lease_id IN (SELECT lp.lease_id FROM lease_parties lp WHERE lp.org_id = i.org_id AND lp.role = 'tenant'
			AND lp.party_id = ?)`, f.PartyID)
	}
	if f.RunID != 0 {
		add("i.run_id = ?", f.RunID)
	}
	if f.Period != "" {
		add("i.period = ?", f.Period)
	}
	if f.AfterID != 0 {
		add("i.id > ?", f.AfterID)
	}
	if q.Search != "" {
		args = append(args, "%"+strings.ToLower(listing.EscapeLike(strings.ReplaceAll(q.Search, " ", "")))+"%")
		n := len(args)
		where = append(where, fmt.Sprintf(`(i.number LIKE $%[1]d ESCAPE '\' OR LOWER(l.reference) LIKE $%[1]d ESCAPE '\'
			OR i.kenmerk LIKE $%[1]d ESCAPE '\')`, n))
	}
	if f.OpenOnly {
		where = append(where, "i.kind = 'invoice' AND ("+openAmount+") > 0")
	}
	from = ` FROM ledger_invoices i JOIN leases l ON l.id = i.lease_id AND l.org_id = i.org_id WHERE ` + strings.Join(where, " AND ")
	order := map[string]string{"id": "i.id", "number": "i.number", "issue_date": "i.issue_date", "due_date": "i.due_date",
		"total": "i.total_cents", "lease": "l.reference"}[q.Sort]
	if f.LeaseID != 0 || f.PartyID != 0 {
		// A lease's or a tenant's invoices are a few dozen: with the order
		// unindexed SQLite finds them through ledger_invoices_lease and sorts
		// them, instead of walking all the organisation's invoices in number
		// order testing each one's lease (a person's page took 550 ms at
		// 10,000 units, now 0.3).
		order = tx.Dialect().Unindexed(order)
	}
	list = `SELECT ` + invoiceColumns + `, ` + openAmount + from +
		fmt.Sprintf(" ORDER BY %s %s, i.id %s LIMIT %d OFFSET %d", order, q.Direction(), q.Direction(), limitOf(q), q.Offset)
	return from, args, list
}

// scanInvoice reads invoiceColumns, then the open amount (withOpen), then
// extra.
func scanInvoice(r interface{ Scan(...any) error }, withOpen bool, extra ...any) (Invoice, error) {
	var inv Invoice
	var kind, sent, created string
	var net, vat, total, open int64
	dest := []any{&inv.ID, &inv.Number, &inv.FiscalYear, &kind, &inv.LeaseID, &inv.LeaseReference, &inv.Period, &inv.IssueDate,
		&inv.DueDate, &inv.Kenmerk, &net, &vat, &total, &inv.CreditsInvoiceID, &inv.Reason, &inv.RunID, &inv.HasDocument, &sent, &created}
	if withOpen {
		dest = append(dest, &open)
	}
	dest = append(dest, extra...)
	if err := r.Scan(dest...); err != nil {
		return inv, err
	}
	inv.Kind = InvoiceKind(kind)
	inv.Net, inv.VAT, inv.Total, inv.Open = money.Cents(net), money.Cents(vat), money.Cents(total), money.Cents(open)
	if inv.Kind == KindCreditNote {
		inv.Open = 0
	}
	// The instants are shown, never computed with: one that does not parse
	// (posted by a caller with its own layout) shows as unknown rather
	// than hiding the invoice.
	inv.SentAt = db.ShownTS(sent)
	inv.CreatedAt = db.ShownTS(created)
	return inv, nil
}

// readInvoice reads one invoice without its charges; another
// organisation's id is validation.ErrNotFound.
func readInvoice(ctx context.Context, tx *db.Tx, id int64) (Invoice, error) {
	var proration string
	row := tx.QueryRowContext(ctx, `SELECT `+invoiceColumns+`, i.proration
		FROM ledger_invoices i JOIN leases l ON l.id = i.lease_id AND l.org_id = i.org_id WHERE i.id = $1 AND i.org_id = $2`, id, tx.OrgID())
	inv, err := scanInvoice(row, false, &proration)
	if errors.Is(err, sql.ErrNoRows) {
		return inv, validation.ErrNotFound
	}
	if err != nil {
		return inv, fmt.Errorf("ledger: read invoice %d: %w", id, err)
	}
	inv.Proration = proration
	return inv, nil
}

// --- posting ---

// invoiceRow is the head of an invoice (or credit note) being posted.
type invoiceRow struct {
	draft    *Draft
	number   string
	year     int
	kind     InvoiceKind
	kenmerk  string
	net, vat money.Cents
}

// insertInvoices inserts heads with multi-row statements and returns their
// ids by number.
func insertInvoices(ctx context.Context, tx *db.Tx, heads []invoiceRow, now string, by int64) (map[string]int64, error) {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO ledger_invoices (org_id, number, fiscal_year, kind, lease_id, period, issue_date, due_date,
		kenmerk, net_cents, vat_cents, total_cents, run_id, created_at, created_by, reason, proration, open_cents) VALUES `)
	args := make([]any, 0, len(heads)*invoiceCols)
	for i, h := range heads {
		if i > 0 {
			sb.WriteString(",")
		}
		d := h.draft
		sb.WriteString(tx.Tuple(len(args)+1, invoiceCols))
		args = append(args, tx.OrgID(), h.number, h.year, string(h.kind), d.LeaseID, d.Period, d.IssueDate, d.DueDate, h.kenmerk,
			int64(h.net), int64(h.vat), int64(h.net+h.vat), d.RunID, now, by, d.Reason, d.Proration, int64(h.net+h.vat))
	}
	sb.WriteString(" RETURNING id, number")
	rows, err := tx.QueryContext(ctx, sb.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("ledger: post invoices: %w", err)
	}
	defer rows.Close()
	ids := make(map[string]int64, len(heads))
	for rows.Next() {
		var id int64
		var number string
		if err := rows.Scan(&id, &number); err != nil {
			return nil, fmt.Errorf("ledger: post invoices: %w", err)
		}
		ids[number] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: post invoices: %w", err)
	}
	return ids, nil
}

// reserveNumbers moves the year's invoice counter by n and returns the last
// number reserved. Numbers are reserved in the posting transaction, so a
// failed posting reserves nothing and the series has no gaps.
func reserveNumbers(ctx context.Context, tx *db.Tx, year int, n int64) (int64, error) {
	var last int64
	err := tx.QueryRowContext(ctx, `INSERT INTO ledger_counters (org_id, series, year, last) VALUES ($1, 'invoice', $2, $3)
		ON CONFLICT (org_id, series, year) DO UPDATE SET last = ledger_counters.last + excluded.last RETURNING last`,
		tx.OrgID(), year, n).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("ledger: reserve invoice numbers: %w", err)
	}
	if last >= 10_000_000 {
		return 0, fmt.Errorf("ledger: invoice series %d is full", year)
	}
	return last, nil
}

const (
	invoiceCols = 18
	chargeCols  = 13
)

func insertCharges(ctx context.Context, tx *db.Tx, drafts []Draft, posted []Posted) error {
	var sb strings.Builder
	args := make([]any, 0, 4*chargeCols*len(drafts))
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("ledger: post charges: %w", err)
		}
		sb.Reset()
		args = args[:0]
		return nil
	}
	for i, d := range drafts {
		for _, l := range d.Lines {
			if len(args) == 0 {
				sb.WriteString(`INSERT INTO ledger_charges (org_id, invoice_id, lease_id, period, line, from_date, to_date,
					net_cents, vat_rate, vat_cents, total_cents, due_date, basis) VALUES `)
			} else {
				sb.WriteString(",")
			}
			sb.WriteString(tx.Tuple(len(args)+1, chargeCols))
			vat := l.VAT()
			args = append(args, tx.OrgID(), posted[i].InvoiceID, d.LeaseID, d.Period, l.Line, l.From, l.To,
				int64(l.Net), int64(l.VATRate), int64(vat), int64(l.Net+vat), d.DueDate, EncodeBasis(l.Basis))
			if len(args) >= RowsPerStatement*chargeCols {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// --- charges ---

// charges reads charges of tx's organisation matching cond ($2… are args),
// with what is allocated to each, by due date.
func charges(ctx context.Context, tx *db.Tx, cond string, args ...any) ([]Charge, error) {
	return chargesWhere(ctx, tx, "c.org_id", cond, args...)
}

// chargesByKey is charges for a condition on the charges' invoices or ids.
// On SQLite the organisation's term is written +c.org_id, which no index
// serves: otherwise SQLite walked all the organisation's charges in due
// order (ledger_charges_due, which also gives the ORDER BY) testing each
// against the condition, so one invoice's page, and each chunk of a bank
// import, read every charge of the organisation (a 100,000-entry import
// spent three fifths of its time there). PostgreSQL plans by statistics.
func chargesByKey(ctx context.Context, tx *db.Tx, cond string, args ...any) ([]Charge, error) {
	return chargesWhere(ctx, tx, tx.Dialect().Unindexed("c.org_id"), cond, args...)
}

// chargesOfParty is charges(chargesOfTenant): the charges of the leases
// party is a tenant on (a person's page, the tenant portal). On SQLite the
// order is written +c.due_date, which no index serves: otherwise SQLite
// walked all the organisation's charges in due order (ledger_charges_due)
// testing each one's lease, 156 ms for a person at 10,000 units against
// 0.2 ms through the leases' charges (ledger_charges_lease).
func chargesOfParty(ctx context.Context, tx *db.Tx, party int64) ([]Charge, error) {
	return readCharges(ctx, tx, chargesQueryOrdered("c.org_id", chargesOfTenant, tx.Dialect().Unindexed("c.due_date")), party)
}

// chargesQuery is the statement of chargesWhere.
func chargesQuery(org, cond string) string { return chargesQueryOrdered(org, cond, "c.due_date") }

// chargesQueryOrdered is chargesQuery ordered by due, then id.
func chargesQueryOrdered(org, cond, due string) string {
	return `SELECT c.id, c.invoice_id, i.number, c.lease_id, c.period, c.line, c.from_date, c.to_date,
		c.net_cents, c.vat_rate, c.vat_cents, c.total_cents, c.due_date, COALESCE(c.reverses_charge_id, 0), c.basis,
		COALESCE((SELECT SUM(al.amount_cents) FROM ledger_allocations al WHERE al.charge_id = c.id), 0)
		+ COALESCE((SELECT SUM(al.amount_cents) FROM ledger_allocations al WHERE al.credit_charge_id = c.id), 0)
		FROM ledger_charges c JOIN ledger_invoices i ON i.id = c.invoice_id
		WHERE ` + org + ` = $1 AND ` + cond + ` ORDER BY ` + due + `, c.id`
}

func chargesWhere(ctx context.Context, tx *db.Tx, org, cond string, args ...any) ([]Charge, error) {
	return readCharges(ctx, tx, chargesQuery(org, cond), args...)
}

// readCharges runs a chargesQuery; $1 is the organisation, $2… args.
func readCharges(ctx context.Context, tx *db.Tx, query string, args ...any) ([]Charge, error) {
	rows, err := tx.QueryContext(ctx, query, append([]any{tx.OrgID()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("ledger: read charges: %w", err)
	}
	defer rows.Close()
	var out []Charge
	for rows.Next() {
		var c Charge
		var net, rate, vat, total, alloc int64
		var basis string
		if err := rows.Scan(&c.ID, &c.InvoiceID, &c.InvoiceNumber, &c.LeaseID, &c.Period, &c.Line, &c.From, &c.To,
			&net, &rate, &vat, &total, &c.DueDate, &c.ReversesChargeID, &basis, &alloc); err != nil {
			return nil, fmt.Errorf("ledger: read charges: %w", err)
		}
		var err error
		if c.Basis, err = DecodeBasis(basis); err != nil {
			return nil, fmt.Errorf("ledger: charge %d: %w", c.ID, err)
		}
		c.Net, c.VATRate, c.VAT = money.Cents(net), money.Rate(rate), money.Cents(vat)
		c.Total, c.Allocated = money.Cents(total), money.Cents(alloc)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: read charges: %w", err)
	}
	return out, nil
}

// chargesOfTenant is the condition of charges on the leases party is a
// tenant on.
const chargesOfTenant = `c.lease_id IN (SELECT lp.lease_id FROM lease_parties lp WHERE lp.org_id = c.org_id AND lp.role = 'tenant'
	AND lp.party_id = $2)`

// creditedCharges are the charges of an invoice that a credit note reverses.
func creditedCharges(ctx context.Context, tx *db.Tx, invoiceID int64) (map[int64]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.reverses_charge_id FROM ledger_charges c JOIN ledger_charges o ON o.id = c.reverses_charge_id
		WHERE c.org_id = $1 AND o.invoice_id = $2`, tx.OrgID(), invoiceID)
	if err != nil {
		return nil, fmt.Errorf("ledger: credited charges of invoice %d: %w", invoiceID, err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("ledger: credited charges of invoice %d: %w", invoiceID, err)
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: credited charges of invoice %d: %w", invoiceID, err)
	}
	return out, nil
}

// creditNote is the head of a credit note as stored.
type creditNote struct {
	number        string
	year          int
	leaseID       int64
	period        string
	date          civil.Date
	net, vat      money.Cents
	creditsID     int64
	reason, now   string
	runID, byUser int64
}

func insertCreditNote(ctx context.Context, tx *db.Tx, n creditNote) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_invoices (org_id, number, fiscal_year, kind, lease_id, period, issue_date, due_date,
		kenmerk, net_cents, vat_cents, total_cents, credits_invoice_id, reason, run_id, created_at, created_by)
		VALUES ($1, $2, $3, 'credit_note', $4, $5, $6, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		tx.OrgID(), n.number, n.year, n.leaseID, n.period, n.date, "C"+n.number, int64(n.net), int64(n.vat), int64(n.net+n.vat),
		n.creditsID, n.reason, n.runID, n.now, n.byUser).Scan(&id); err != nil {
		return 0, fmt.Errorf("ledger: insert credit note: %w", err)
	}
	return id, nil
}

// insertCreditLine reverses charge c on credit note noteID, due on.
func insertCreditLine(ctx context.Context, tx *db.Tx, noteID int64, c Charge, on civil.Date) (int64, error) {
	if err := audit.HoldHead(ctx, tx); err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_charges (org_id, invoice_id, lease_id, period, line, from_date, to_date,
		net_cents, vat_rate, vat_cents, total_cents, due_date, reverses_charge_id, basis)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`, tx.OrgID(), noteID, c.LeaseID, c.Period, c.Line,
		c.From, c.To, -int64(c.Net), int64(c.VATRate), -int64(c.VAT), -int64(c.Total), on, c.ID,
		EncodeBasis(negated(c.Basis))).Scan(&id); err != nil {
		return 0, fmt.Errorf("ledger: insert credit line for charge %d: %w", c.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE ledger_invoices SET open_cents = open_cents + $1 WHERE id = $2 AND org_id = $3`,
		-int64(c.Total), noteID, tx.OrgID()); err != nil {
		return 0, fmt.Errorf("ledger: open amount of credit note %d: %w", noteID, err)
	}
	return id, nil
}

// voidCharge marks a charge voided by credit note noteID, so its period can
// be charged again.
func voidCharge(ctx context.Context, tx *db.Tx, chargeID, noteID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE ledger_charges SET voided_by = $1 WHERE id = $2 AND org_id = $3`,
		noteID, chargeID, tx.OrgID()); err != nil {
		return fmt.Errorf("ledger: void charge %d: %w", chargeID, err)
	}
	return nil
}

// postedPeriods are the rent periods charged to a lease and neither
// reversed nor voided.
func postedPeriods(ctx context.Context, tx *db.Tx, leaseID int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT period FROM ledger_charges WHERE org_id = $1 AND lease_id = $2 AND period <> ''
		AND reverses_charge_id IS NULL AND voided_by IS NULL`, tx.OrgID(), leaseID)
	if err != nil {
		return nil, fmt.Errorf("ledger: posted periods of lease %d: %w", leaseID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("ledger: posted periods of lease %d: %w", leaseID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: posted periods of lease %d: %w", leaseID, err)
	}
	return out, nil
}

// --- payments and allocations ---

func payments(ctx context.Context, tx *db.Tx, cond string, arg any) ([]Payment, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.lease_id, l.reference, p.payment_date, p.amount_cents, p.method, p.reference,
		p.reference_sealed, COALESCE(p.reverses_payment_id, 0),
		COALESCE((SELECT r.id FROM ledger_payments r WHERE r.reverses_payment_id = p.id), 0),
		COALESCE((SELECT SUM(al.amount_cents) FROM ledger_allocations al WHERE al.payment_id = p.id), 0), p.created_at
		FROM ledger_payments p JOIN leases l ON l.id = p.lease_id AND l.org_id = p.org_id
		WHERE p.org_id = $1 AND `+cond+` ORDER BY p.payment_date, p.id`, tx.OrgID(), arg)
	if err != nil {
		return nil, fmt.Errorf("ledger: read payments: %w", err)
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		var p Payment
		var amount, alloc int64
		var method, created string
		if err := rows.Scan(&p.ID, &p.LeaseID, &p.LeaseReference, &p.Date, &amount, &method, &p.Reference, &p.sealedRef,
			&p.ReversesPaymentID, &p.ReversedBy, &alloc, &created); err != nil {
			return nil, fmt.Errorf("ledger: read payments: %w", err)
		}
		p.Amount, p.Allocated, p.Method = money.Cents(amount), money.Cents(alloc), PaymentMethod(method)
		p.CreatedAt = db.ShownTS(created) // shown only; see scanInvoice
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: read payments: %w", err)
	}
	return out, nil
}

// paymentRow is a payment as stored; reverses is 0 for a payment received.
// reference is the text sealed (sealReference), nil when there is none.
type paymentRow struct {
	leaseID   int64
	date      civil.Date
	amount    money.Cents
	method    PaymentMethod
	reference []byte
	reverses  int64
	now       string
	by        int64
}

func insertPayment(ctx context.Context, tx *db.Tx, p paymentRow) (int64, error) {
	var reverses any
	if p.reverses != 0 {
		reverses = p.reverses
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_payments (org_id, lease_id, payment_date, amount_cents, method,
		reference_sealed, reverses_payment_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		tx.OrgID(), p.leaseID, p.date, int64(p.amount), string(p.method), p.reference, reverses, p.now, p.by).Scan(&id); err != nil {
		return 0, fmt.Errorf("ledger: insert payment: %w", err)
	}
	return id, nil
}

func insertAllocation(ctx context.Context, tx *db.Tx, leaseID, chargeID, paymentID, creditChargeID int64, amount money.Cents,
	on civil.Date, now string) error {
	if err := audit.HoldHead(ctx, tx); err != nil {
		return err
	}
	var pay, credit any
	if paymentID != 0 {
		pay = paymentID
	}
	if creditChargeID != 0 {
		credit = creditChargeID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO ledger_allocations (org_id, lease_id, charge_id, payment_id, credit_charge_id, amount_cents,
		allocated_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, tx.OrgID(), leaseID, chargeID, pay, credit, int64(amount), on, now)
	if err != nil {
		return fmt.Errorf("ledger: insert allocation: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE ledger_invoices SET open_cents = open_cents - $1
		WHERE org_id = $2 AND id = (SELECT c.invoice_id FROM ledger_charges c WHERE c.id = $3 AND c.org_id = $2)`,
		int64(amount), tx.OrgID(), chargeID)
	if err != nil {
		return fmt.Errorf("ledger: open amount after allocation: %w", err)
	}
	return nil
}

// allocationsOfPayment is what a payment settled, per charge.
func allocationsOfPayment(ctx context.Context, tx *db.Tx, paymentID int64) ([]allocation, error) {
	rows, err := tx.QueryContext(ctx, `SELECT charge_id, SUM(amount_cents) FROM ledger_allocations WHERE org_id = $1 AND payment_id = $2
		GROUP BY charge_id ORDER BY charge_id`, tx.OrgID(), paymentID)
	if err != nil {
		return nil, fmt.Errorf("ledger: allocations of payment %d: %w", paymentID, err)
	}
	defer rows.Close()
	var out []allocation
	for rows.Next() {
		var al allocation
		var v int64
		if err := rows.Scan(&al.chargeID, &v); err != nil {
			return nil, fmt.Errorf("ledger: allocations of payment %d: %w", paymentID, err)
		}
		al.amount = money.Cents(v)
		out = append(out, al)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: allocations of payment %d: %w", paymentID, err)
	}
	return out, nil
}

// --- leases, balances and statements ---

// leaseReference is a lease's reference; another organisation's lease is
// validation.ErrNotFound.
func leaseReference(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var ref string
	err := tx.QueryRowContext(ctx, `SELECT reference FROM leases WHERE id = $1 AND org_id = $2`, id, tx.OrgID()).Scan(&ref)
	if errors.Is(err, sql.ErrNoRows) {
		return "", validation.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("ledger: read lease %d: %w", id, err)
	}
	return ref, nil
}

func leaseExists(ctx context.Context, tx *db.Tx, id int64) error {
	_, err := leaseReference(ctx, tx, id)
	return err
}

// balanceTotals are a lease's invoices and credit notes issued and its
// payments received up to and including on.
func balanceTotals(ctx context.Context, tx *db.Tx, leaseID int64, on civil.Date) (charged, paid money.Cents, err error) {
	if err := tx.QueryRowContext(ctx, `SELECT
		COALESCE((SELECT SUM(total_cents) FROM ledger_invoices WHERE org_id = $1 AND lease_id = $2 AND issue_date <= $3), 0),
		COALESCE((SELECT SUM(amount_cents) FROM ledger_payments WHERE org_id = $1 AND lease_id = $2 AND payment_date <= $3), 0)`,
		tx.OrgID(), leaseID, on).Scan(&charged, &paid); err != nil {
		return 0, 0, fmt.Errorf("ledger: balance of lease %d: %w", leaseID, err)
	}
	return charged, paid, nil
}

// openingBalance is a lease's balance before day from.
func openingBalance(ctx context.Context, tx *db.Tx, leaseID int64, from civil.Date) (money.Cents, error) {
	var opening int64
	if err := tx.QueryRowContext(ctx, `SELECT
		COALESCE((SELECT SUM(total_cents) FROM ledger_invoices WHERE org_id = $1 AND lease_id = $2 AND issue_date < $3), 0)
		- COALESCE((SELECT SUM(amount_cents) FROM ledger_payments WHERE org_id = $1 AND lease_id = $2 AND payment_date < $3), 0)`,
		tx.OrgID(), leaseID, from).Scan(&opening); err != nil {
		return 0, fmt.Errorf("ledger: opening balance of lease %d: %w", leaseID, err)
	}
	return money.Cents(opening), nil
}

// statementLine is an invoice, credit note or payment between two dates,
// with its signed amount.
type statementLine struct {
	StatementLine
	amount    money.Cents
	sealedRef []byte // a payment's reference, sealed
}

// statementLines are a lease's invoices, credit notes and payments from
// day from to day to, in date order.
func statementLines(ctx context.Context, tx *db.Tx, leaseID int64, from, to civil.Date) ([]statementLine, error) {
	rows, err := tx.QueryContext(ctx, `SELECT issue_date, kind, number, id, total_cents, period, NULL FROM ledger_invoices
		WHERE org_id = $1 AND lease_id = $2 AND issue_date BETWEEN $3 AND $4
		UNION ALL
		SELECT payment_date, CASE WHEN amount_cents < 0 THEN 'reversal' ELSE 'payment' END, reference, id, amount_cents, method,
		reference_sealed FROM ledger_payments WHERE org_id = $1 AND lease_id = $2 AND payment_date BETWEEN $3 AND $4
		ORDER BY 1, 2, 4`, tx.OrgID(), leaseID, from, to)
	if err != nil {
		return nil, fmt.Errorf("ledger: statement of lease %d: %w", leaseID, err)
	}
	defer rows.Close()
	var out []statementLine
	for rows.Next() {
		var l statementLine
		var amount int64
		if err := rows.Scan(&l.Date, &l.Kind, &l.Reference, &l.ID, &amount, &l.Description, &l.sealedRef); err != nil {
			return nil, fmt.Errorf("ledger: statement of lease %d: %w", leaseID, err)
		}
		l.amount = money.Cents(amount)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: statement of lease %d: %w", leaseID, err)
	}
	return out, nil
}

// debtorBalances reads every lease account whose balance is not zero: its
// reference, what was charged and what was paid.
func debtorBalances(ctx context.Context, tx *db.Tx) ([]LeaseBalance, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, reference, charged, paid FROM (SELECT l.id, l.reference,
		COALESCE((SELECT SUM(i.total_cents) FROM ledger_invoices i WHERE i.org_id = l.org_id AND i.lease_id = l.id), 0) AS charged,
		COALESCE((SELECT SUM(p.amount_cents) FROM ledger_payments p WHERE p.org_id = l.org_id AND p.lease_id = l.id), 0) AS paid
		FROM leases l WHERE l.org_id = $1) b WHERE charged <> paid ORDER BY id`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("ledger: list debtors: %w", err)
	}
	defer rows.Close()
	var out []LeaseBalance
	for rows.Next() {
		var b LeaseBalance
		var charged, paid int64
		if err := rows.Scan(&b.LeaseID, &b.Reference, &charged, &paid); err != nil {
			return nil, fmt.Errorf("ledger: list debtors: %w", err)
		}
		b.Charged, b.Paid, b.Balance = money.Cents(charged), money.Cents(paid), money.Cents(charged-paid)
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: list debtors: %w", err)
	}
	return out, nil
}

// --- the fiscal archive's keys ---

// fiscalKey is the vault subject that seals year's archive; sql.ErrNoRows
// when the year has none yet.
func fiscalKey(ctx context.Context, tx *db.Tx, year int) (vault.SubjectID, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT subject_id FROM ledger_fiscal_keys WHERE org_id = $1 AND year = $2`, tx.OrgID(), year).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("ledger: fiscal key %d: %w", year, err)
	}
	return vault.SubjectID(id), err
}

// insertFiscalKey stores subject as year's key unless the year has one
// already; it reports whether it did.
func insertFiscalKey(ctx context.Context, tx *db.Tx, year int, subject vault.SubjectID) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO ledger_fiscal_keys (org_id, year, subject_id) VALUES ($1, $2, $3)
		ON CONFLICT (org_id, year) DO NOTHING`, tx.OrgID(), year, int64(subject))
	if err != nil {
		return false, fmt.Errorf("ledger: fiscal key %d: %w", year, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("ledger: fiscal key %d: %w", year, err)
	}
	return n == 1, nil
}

// openCharges reads the charges open on day on, oldest due date first (by
// lease within a day), with Allocated the allocations made by then.
func openCharges(ctx context.Context, tx *db.Tx, on civil.Date) ([]Charge, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.invoice_id, i.number, c.lease_id, c.period, c.line, c.from_date, c.to_date,
		c.net_cents, c.vat_rate, c.vat_cents, c.total_cents, c.due_date, COALESCE(a.paid, 0)
		FROM ledger_charges c
		JOIN ledger_invoices i ON i.id = c.invoice_id AND i.org_id = c.org_id
		LEFT JOIN (SELECT charge_id, SUM(amount_cents) AS paid FROM ledger_allocations WHERE org_id = $1 AND allocated_on <= $2
			GROUP BY charge_id) a ON a.charge_id = c.id
		WHERE c.org_id = $1 AND c.total_cents > 0 AND i.issue_date <= $2 AND c.total_cents > COALESCE(a.paid, 0)
		ORDER BY c.due_date, c.lease_id, c.id`, tx.OrgID(), on)
	if err != nil {
		return nil, fmt.Errorf("ledger: open charges on %s: %w", on, err)
	}
	defer rows.Close()
	var out []Charge
	for rows.Next() {
		var c Charge
		var net, rate, vat, total, alloc int64
		if err := rows.Scan(&c.ID, &c.InvoiceID, &c.InvoiceNumber, &c.LeaseID, &c.Period, &c.Line, &c.From, &c.To,
			&net, &rate, &vat, &total, &c.DueDate, &alloc); err != nil {
			return nil, fmt.Errorf("ledger: open charges on %s: %w", on, err)
		}
		c.Net, c.VATRate, c.VAT = money.Cents(net), money.Rate(rate), money.Cents(vat)
		c.Total, c.Allocated = money.Cents(total), money.Cents(alloc)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: open charges on %s: %w", on, err)
	}
	return out, nil
}

// leaseOpen is what a lease owes on its open invoices: their kept open
// amounts, the oldest due date among them, and the overdue part in the
// debtors list's ageing buckets.
type leaseOpen struct {
	Open      money.Cents
	OldestDue civil.Date
	Buckets   [4]money.Cents
}

// openByLease sums, per lease, the invoices issued on or before on with an
// open amount (the leases named, or every lease when leaseIDs is nil). The
// buckets' bounds are the due dates 30, 60 and 90 days before on, as
// ageBucket has them.
func openByLease(ctx context.Context, tx *db.Tx, on civil.Date, leaseIDs []int64) (map[int64]leaseOpen, error) {
	args := []any{tx.OrgID(), on, on.AddDays(-30), on.AddDays(-60), on.AddDays(-90)}
	cond := ""
	if leaseIDs != nil {
		cond = ` AND lease_id IN (` + tx.Params(len(args)+1, len(leaseIDs)) + `)`
		for _, id := range leaseIDs {
			args = append(args, id)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, SUM(open_cents), MIN(due_date),
		SUM(CASE WHEN due_date < $2 AND due_date >= $3 THEN open_cents ELSE 0 END),
		SUM(CASE WHEN due_date < $3 AND due_date >= $4 THEN open_cents ELSE 0 END),
		SUM(CASE WHEN due_date < $4 AND due_date >= $5 THEN open_cents ELSE 0 END),
		SUM(CASE WHEN due_date < $5 THEN open_cents ELSE 0 END)
		FROM ledger_invoices WHERE org_id = $1 AND kind = 'invoice' AND open_cents > 0 AND issue_date <= $2`+cond+`
		GROUP BY lease_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger: open by lease on %s: %w", on, err)
	}
	defer rows.Close()
	out := map[int64]leaseOpen{}
	for rows.Next() {
		var id, open int64
		var o leaseOpen
		var b [4]int64
		if err := rows.Scan(&id, &open, &o.OldestDue, &b[0], &b[1], &b[2], &b[3]); err != nil {
			return nil, fmt.Errorf("ledger: open by lease on %s: %w", on, err)
		}
		o.Open = money.Cents(open)
		for i := range b {
			o.Buckets[i] = money.Cents(b[i])
		}
		out[id] = o
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: open by lease on %s: %w", on, err)
	}
	return out, nil
}

// invoiceIDWhere is the invoice (not a credit note) whose column is value;
// validation.ErrNotFound when none.
func invoiceIDWhere(ctx context.Context, tx *db.Tx, column, value string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM ledger_invoices WHERE org_id = $1 AND kind = 'invoice' AND `+column+` = $2`,
		tx.OrgID(), value).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, validation.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("ledger: invoice by %s: %w", column, err)
	}
	return id, nil
}

// openInvoicesWithAmount reads up to limit invoices whose open amount is
// exactly amount, oldest due first.
func openInvoicesWithAmount(ctx context.Context, tx *db.Tx, amount money.Cents, limit int) ([]OpenInvoice, error) {
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.number, i.lease_id, o.open FROM ledger_invoices i JOIN (
		SELECT c.invoice_id, SUM(c.total_cents) - COALESCE(SUM((SELECT SUM(a.amount_cents) FROM ledger_allocations a
			WHERE a.charge_id = c.id)), 0) AS open
		FROM ledger_charges c WHERE c.org_id = $1 AND c.total_cents > 0 GROUP BY c.invoice_id) o ON o.invoice_id = i.id
		WHERE i.org_id = $1 AND i.kind = 'invoice' AND o.open = $2 ORDER BY i.due_date, i.id LIMIT $3`, tx.OrgID(), int64(amount), limit)
	if err != nil {
		return nil, fmt.Errorf("ledger: open invoices with amount: %w", err)
	}
	defer rows.Close()
	var out []OpenInvoice
	for rows.Next() {
		var o OpenInvoice
		var open int64
		if err := rows.Scan(&o.ID, &o.Number, &o.LeaseID, &open); err != nil {
			return nil, fmt.Errorf("ledger: open invoices with amount: %w", err)
		}
		o.Open = money.Cents(open)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: open invoices with amount: %w", err)
	}
	return out, nil
}

// chargesOfInvoices reads the charges of invoices (not credit notes), with
// what is allocated to each, by due date; on PostgreSQL the ids are one
// array parameter (lookupStep).
func chargesOfInvoices(ctx context.Context, tx *db.Tx, ids []int64) ([]Charge, error) {
	if tx.Dialect() == db.Postgres {
		return chargesByKey(ctx, tx, `i.kind = 'invoice' AND c.invoice_id = ANY($2::bigint[])`, ids)
	}
	args := make([]any, 0, len(ids))
	for _, id := range ids {
		args = append(args, id)
	}
	return chargesByKey(ctx, tx, `i.kind = 'invoice' AND c.invoice_id IN (`+tx.Params(2, len(ids))+`)`, args...)
}

// insertPayments writes payments received as multi-row INSERTs; ids are in
// the order of rows. Both engines hand out ids in the order of a
// statement's VALUES, so the returned ids sorted are the rows' ids.
func insertPayments(ctx context.Context, tx *db.Tx, rows []paymentRow) ([]int64, error) {
	if tx.Dialect() == db.Postgres {
		return insertPaymentsArrays(ctx, tx, rows)
	}
	const cols = 8
	ids := make([]int64, 0, len(rows))
	for start := 0; start < len(rows); start += RowsPerStatement {
		chunk := rows[start:min(start+RowsPerStatement, len(rows))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO ledger_payments (org_id, lease_id, payment_date, amount_cents, method, reference_sealed,
			created_at, created_by) VALUES `)
		args := make([]any, 0, len(chunk)*cols)
		for i, p := range chunk {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString(tx.Tuple(len(args)+1, cols))
			args = append(args, tx.OrgID(), p.leaseID, p.date, int64(p.amount), string(p.method), p.reference, p.now, p.by)
		}
		sb.WriteString(" RETURNING id")
		got, err := scanIDs(tx.QueryContext(ctx, sb.String(), args...))
		if err != nil {
			return nil, fmt.Errorf("ledger: insert payments: %w", err)
		}
		if len(got) != len(chunk) {
			return nil, fmt.Errorf("ledger: insert payments: %d ids for %d rows", len(got), len(chunk))
		}
		slices.Sort(got)
		ids = append(ids, got...)
	}
	return ids, nil
}

// insertPaymentsArrays is insertPayments on PostgreSQL: one statement of
// one array parameter a column, whose ids follow the rows (ORDER BY n).
func insertPaymentsArrays(ctx context.Context, tx *db.Tx, rows []paymentRow) ([]int64, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	n := len(rows)
	lease, amount, by := make([]int64, n), make([]int64, n), make([]int64, n)
	date, method, created := make([]string, n), make([]string, n), make([]string, n)
	reference := make([][]byte, n) // sealed; nil is NULL
	for i, p := range rows {
		lease[i], date[i], amount[i], method[i], reference[i], created[i], by[i] = p.leaseID, p.date.String(), int64(p.amount),
			string(p.method), p.reference, p.now, p.by
	}
	ids, err := scanIDs(tx.QueryContext(ctx, `INSERT INTO ledger_payments (org_id, lease_id, payment_date, amount_cents, method,
		reference_sealed, created_at, created_by)
		SELECT $1, lease_id, payment_date, amount_cents, method, reference_sealed, created_at, created_by
		FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::bytea[], $7::text[], $8::bigint[]) WITH ORDINALITY
			AS p(lease_id, payment_date, amount_cents, method, reference_sealed, created_at, created_by, n) ORDER BY n
		RETURNING id`,
		tx.OrgID(), lease, date, amount, method, reference, created, by))
	if err != nil {
		return nil, fmt.Errorf("ledger: insert payments: %w", err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("ledger: insert payments: %d ids for %d rows", len(ids), n)
	}
	slices.Sort(ids)
	return ids, nil
}

type allocationRow struct {
	leaseID, chargeID, paymentID int64
	amount                       money.Cents
	on                           civil.Date
}

// insertAllocations writes allocations of payments as multi-row INSERTs.
func insertAllocations(ctx context.Context, tx *db.Tx, rows []allocationRow, now string) error {
	if tx.Dialect() == db.Postgres {
		return insertAllocationsArrays(ctx, tx, rows, now)
	}
	const cols = 7
	for start := 0; start < len(rows); start += RowsPerStatement {
		chunk := rows[start:min(start+RowsPerStatement, len(rows))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO ledger_allocations (org_id, lease_id, charge_id, payment_id, amount_cents, allocated_on, created_at)
			VALUES `)
		args := make([]any, 0, len(chunk)*cols)
		for i, a := range chunk {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString(tx.Tuple(len(args)+1, cols))
			args = append(args, tx.OrgID(), a.leaseID, a.chargeID, a.paymentID, int64(a.amount), a.on, now)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("ledger: insert allocations: %w", err)
		}
		if err := lowerOpen(ctx, tx, chunk); err != nil {
			return err
		}
	}
	return nil
}

// insertAllocationsArrays is insertAllocations on PostgreSQL: one statement
// of one array parameter a column (unnest keeps the rows' order), and one
// lowering of the open amounts, whatever the number of rows.
func insertAllocationsArrays(ctx context.Context, tx *db.Tx, rows []allocationRow, now string) error {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows)
	lease, charge, payment, amount, on := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]string, n)
	for i, a := range rows {
		lease[i], charge[i], payment[i], amount[i], on[i] = a.leaseID, a.chargeID, a.paymentID, int64(a.amount), a.on.String()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_allocations (org_id, lease_id, charge_id, payment_id, amount_cents,
		allocated_on, created_at)
		SELECT $1, lease_id, charge_id, payment_id, amount_cents, allocated_on, $7
		FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[]) WITH ORDINALITY
			AS a(lease_id, charge_id, payment_id, amount_cents, allocated_on, n) ORDER BY n`,
		tx.OrgID(), lease, charge, payment, amount, on, now); err != nil {
		return fmt.Errorf("ledger: insert allocations: %w", err)
	}
	return lowerOpen(ctx, tx, rows)
}

// lowerOpen takes allocations just written off their invoices' open
// amounts. On PostgreSQL one statement sums the charges per invoice. On
// SQLite each charge is one kept, prepared update by key: one statement
// naming every charge twice made SQLite build the charges' IN list again
// for each invoice it changed, the square of the chunk (2,000 entries took
// 0.8 s, nine tenths of it here), and a statement costs no round trip there.
func lowerOpen(ctx context.Context, tx *db.Tx, rows []allocationRow) error {
	if err := audit.HoldHead(ctx, tx); err != nil {
		return err
	}
	byCharge := make(map[int64]money.Cents, len(rows))
	ids := make([]int64, 0, len(rows))
	for _, a := range rows {
		if _, ok := byCharge[a.chargeID]; !ok {
			ids = append(ids, a.chargeID)
		}
		byCharge[a.chargeID] += a.amount
	}
	if len(ids) == 0 {
		return nil
	}
	if tx.Dialect() == db.Postgres {
		return lowerOpenArrays(ctx, tx, ids, byCharge)
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE ledger_invoices SET open_cents = open_cents - $1
			WHERE org_id = $2 AND id = (SELECT c.invoice_id FROM ledger_charges c WHERE c.org_id = $2 AND c.id = $3)`,
			int64(byCharge[id]), tx.OrgID(), id); err != nil {
			return fmt.Errorf("ledger: open amounts after allocations: %w", err)
		}
	}
	return nil
}

// lowerOpenArrays is lowerOpen's statement on PostgreSQL, with the charges
// and their amounts as two array parameters. Charges and invoices are
// named by = ANY of their keys, so they are read by key: joined to the
// unnest alone, the planner read every invoice and charge of the
// organisation for each chunk (20,000 at 20,000 entries).
func lowerOpenArrays(ctx context.Context, tx *db.Tx, ids []int64, byCharge map[int64]money.Cents) error {
	amounts := make([]int64, len(ids))
	for i, id := range ids {
		amounts[i] = int64(byCharge[id])
	}
	if _, err := tx.ExecContext(ctx, `UPDATE ledger_invoices SET open_cents = open_cents - d.amount
		FROM (SELECT c.invoice_id, SUM(a.amount) AS amount FROM unnest($2::bigint[], $3::bigint[]) AS a(charge_id, amount)
			JOIN ledger_charges c ON c.id = a.charge_id WHERE c.org_id = $1 AND c.id = ANY($2::bigint[]) GROUP BY c.invoice_id) d
		WHERE ledger_invoices.org_id = $1 AND ledger_invoices.id = d.invoice_id
			AND ledger_invoices.id = ANY(ARRAY(SELECT c.invoice_id FROM ledger_charges c
				WHERE c.org_id = $1 AND c.id = ANY($2::bigint[])))`, tx.OrgID(), ids, amounts); err != nil {
		return fmt.Errorf("ledger: open amounts after allocations: %w", err)
	}
	return nil
}

func scanIDs(rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// invoiceIDsByKenmerk adds to out the invoices (not credit notes) of the
// betalingskenmerken; on PostgreSQL they are one array parameter.
func invoiceIDsByKenmerk(ctx context.Context, tx *db.Tx, kenmerken []string, out map[string]int64) error {
	if len(kenmerken) == 0 {
		return nil
	}
	var rows *sql.Rows
	var err error
	if tx.Dialect() == db.Postgres {
		rows, err = tx.QueryContext(ctx, `SELECT kenmerk, id FROM ledger_invoices WHERE org_id = $1 AND kind = 'invoice'
			AND kenmerk = ANY($2::text[])`, tx.OrgID(), kenmerken)
	} else {
		args := make([]any, 0, len(kenmerken)+1)
		args = append(args, tx.OrgID())
		for _, k := range kenmerken {
			args = append(args, k)
		}
		rows, err = tx.QueryContext(ctx, `SELECT kenmerk, id FROM ledger_invoices WHERE org_id = $1 AND kind = 'invoice'
			AND kenmerk IN (`+tx.Params(2, len(kenmerken))+`)`, args...)
	}
	if err != nil {
		return fmt.Errorf("ledger: invoices by kenmerk: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return fmt.Errorf("ledger: invoices by kenmerk: %w", err)
		}
		out[k] = id
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ledger: invoices by kenmerk: %w", err)
	}
	return nil
}

// fiscalYearsKept lists the years whose fiscal key is not shredded.
func fiscalYearsKept(ctx context.Context, tx *db.Tx) ([]int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT k.year FROM ledger_fiscal_keys k JOIN vault_subjects v ON v.id = k.subject_id
		WHERE k.org_id = $1 AND v.shredded_at IS NULL ORDER BY k.year`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("ledger: fiscal years kept: %w", err)
	}
	defer rows.Close()
	var years []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, fmt.Errorf("ledger: fiscal years kept: %w", err)
		}
		years = append(years, y)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: fiscal years kept: %w", err)
	}
	return years, nil
}
