package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

// Deps are what the service needs.
type Deps struct {
	DB    *db.DB
	Audit *audit.Log
	Vault *vault.Vault
	Clock clock.Clock
}

// Service is the face of the ledger.
type Service struct {
	db    *db.DB
	audit *audit.Log
	vault *vault.Vault
	clk   clock.Clock
}

// New builds the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	return &Service{db: d.DB, audit: d.Audit, vault: d.Vault, clk: d.Clock}
}

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }
func (s *Service) now() string       { return db.TS(s.clk.Now()) }

// Record writes an audit event for a ledger change in tx.
func (s *Service) Record(ctx context.Context, tx *db.Tx, a account.Actor, action, targetType string, id int64, details map[string]string) error {
	kind := a.Kind
	if kind == "" {
		kind = audit.ActorUser
	}
	return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: kind, Action: action,
		TargetType: targetType, TargetID: fmt.Sprint(id), Details: details})
}

// --- reading ---

// InvoiceFilter narrows an invoice list.
type InvoiceFilter struct {
	LeaseID  int64
	RunID    int64
	Period   string
	OpenOnly bool
	AfterID  int64 // API cursor: only ids greater than this, in id order
}

// InvoiceSorts are the sort keys of Invoices.
var InvoiceSorts = []string{"number", "issue_date", "due_date", "total", "lease", "id"}

// Invoices lists invoices and credit notes, newest number first by default.
func (s *Service) Invoices(ctx context.Context, a account.Actor, q listing.Query, f InvoiceFilter) (listing.Page[Invoice], error) {
	if !a.Can(account.PermFinanceRead) {
		return listing.Page[Invoice]{}, validation.ErrForbidden
	}
	if q.Sort == "" {
		q.Sort, q.Desc = "number", true
	}
	q = q.Normalize(InvoiceSorts...)
	page := listing.Page[Invoice]{}
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		where := []string{"i.org_id = $1"}
		args := []any{tx.OrgID()}
		add := func(cond string, v any) {
			args = append(args, v)
			where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
		}
		if f.LeaseID != 0 {
			add("i.lease_id = ?", f.LeaseID)
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
			where = append(where, fmt.Sprintf(`(i.number LIKE $%[1]d ESCAPE '\' OR LOWER(l.reference) LIKE $%[1]d ESCAPE '\' OR i.kenmerk LIKE $%[1]d ESCAPE '\')`, n))
		}
		open := `COALESCE((SELECT SUM(c.total_cents) FROM ledger_charges c WHERE c.invoice_id = i.id), 0)
			- COALESCE((SELECT SUM(al.amount_cents) FROM ledger_allocations al JOIN ledger_charges c2 ON c2.id = al.charge_id WHERE c2.invoice_id = i.id), 0)`
		if f.OpenOnly {
			where = append(where, "i.kind = 'invoice' AND ("+open+") > 0")
		}
		from := ` FROM ledger_invoices i JOIN leases l ON l.id = i.lease_id AND l.org_id = i.org_id WHERE ` + strings.Join(where, " AND ")
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*)`+from, args...).Scan(&page.Total); err != nil {
			return fmt.Errorf("count invoices: %w", err)
		}
		order := map[string]string{"id": "i.id", "number": "i.number", "issue_date": "i.issue_date", "due_date": "i.due_date",
			"total": "i.total_cents", "lease": "l.reference"}[q.Sort]
		rows, err := tx.QueryContext(ctx, `SELECT i.id, i.number, i.fiscal_year, i.kind, i.lease_id, l.reference, i.period, i.issue_date,
			i.due_date, i.kenmerk, i.net_cents, i.vat_cents, i.total_cents, COALESCE(i.credits_invoice_id, 0), i.reason, i.run_id,
			i.document_sealed IS NOT NULL, COALESCE(i.sent_at, ''), i.created_at, `+open+from+
			fmt.Sprintf(" ORDER BY %s %s, i.id %s LIMIT %d OFFSET %d", order, q.Direction(), q.Direction(), limitOf(q), q.Offset), args...)
		if err != nil {
			return fmt.Errorf("list invoices: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			inv, err := scanInvoice(rows, true)
			if err != nil {
				return err
			}
			page.Items = append(page.Items, inv)
		}
		return rows.Err()
	})
	return page, err
}

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
		return inv, fmt.Errorf("scan invoice: %w", err)
	}
	inv.Kind = InvoiceKind(kind)
	inv.Net, inv.VAT, inv.Total, inv.Open = money.Cents(net), money.Cents(vat), money.Cents(total), money.Cents(open)
	if inv.Kind == KindCreditNote {
		inv.Open = 0
	}
	inv.SentAt, _ = db.ParseTS(sent)
	inv.CreatedAt, _ = db.ParseTS(created)
	return inv, nil
}

// Invoice returns one invoice with its charges and what is allocated to them.
func (s *Service) Invoice(ctx context.Context, a account.Actor, id int64) (*Invoice, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var inv *Invoice
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		inv, err = s.InvoiceTx(ctx, tx, id)
		return err
	})
	return inv, err
}

// InvoiceTx reads an invoice of tx's organisation.
func (s *Service) InvoiceTx(ctx context.Context, tx *db.Tx, id int64) (*Invoice, error) {
	var proration string
	row := tx.QueryRowContext(ctx, `SELECT i.id, i.number, i.fiscal_year, i.kind, i.lease_id, l.reference, i.period, i.issue_date,
		i.due_date, i.kenmerk, i.net_cents, i.vat_cents, i.total_cents, COALESCE(i.credits_invoice_id, 0), i.reason, i.run_id,
		i.document_sealed IS NOT NULL, COALESCE(i.sent_at, ''), i.created_at, i.proration
		FROM ledger_invoices i JOIN leases l ON l.id = i.lease_id AND l.org_id = i.org_id WHERE i.id = $1 AND i.org_id = $2`, id, tx.OrgID())
	inv, err := scanInvoice(row, false, &proration)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	inv.Proration = proration
	if inv.Charges, err = charges(ctx, tx, "c.invoice_id = $2", id); err != nil {
		return nil, err
	}
	for _, c := range inv.Charges {
		if inv.Kind == KindInvoice {
			inv.Open += c.Open()
		}
	}
	return &inv, nil
}

// charges reads charges of tx's organisation matching cond ($2 is arg),
// with what is allocated to each, by due date.
func charges(ctx context.Context, tx *db.Tx, cond string, arg any) ([]Charge, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.invoice_id, i.number, c.lease_id, c.period, c.line, c.from_date, c.to_date,
		c.net_cents, c.vat_rate, c.vat_cents, c.total_cents, c.due_date, COALESCE(c.reverses_charge_id, 0), c.basis,
		COALESCE((SELECT SUM(al.amount_cents) FROM ledger_allocations al WHERE al.charge_id = c.id), 0)
		+ COALESCE((SELECT SUM(al.amount_cents) FROM ledger_allocations al WHERE al.credit_charge_id = c.id), 0)
		FROM ledger_charges c JOIN ledger_invoices i ON i.id = c.invoice_id
		WHERE c.org_id = $1 AND `+cond+` ORDER BY c.due_date, c.id`, tx.OrgID(), arg)
	if err != nil {
		return nil, fmt.Errorf("read charges: %w", err)
	}
	defer rows.Close()
	var out []Charge
	for rows.Next() {
		var c Charge
		var net, rate, vat, total, alloc int64
		var basis string
		if err := rows.Scan(&c.ID, &c.InvoiceID, &c.InvoiceNumber, &c.LeaseID, &c.Period, &c.Line, &c.From, &c.To,
			&net, &rate, &vat, &total, &c.DueDate, &c.ReversesChargeID, &basis, &alloc); err != nil {
			return nil, fmt.Errorf("scan charge: %w", err)
		}
		var err error
		if c.Basis, err = DecodeBasis(basis); err != nil {
			return nil, err
		}
		c.Net, c.VATRate, c.VAT, c.Total, c.Allocated = money.Cents(net), money.Rate(rate), money.Cents(vat), money.Cents(total), money.Cents(alloc)
		out = append(out, c)
	}
	return out, rows.Err()
}

// OpenFilter chooses whose open items to show.
type OpenFilter struct {
	LeaseID int64
	PartyID int64 // a tenant: the open items of every lease they are a tenant on
}

// OpenItems are the charges not yet settled, oldest due date first.
func (s *Service) OpenItems(ctx context.Context, a account.Actor, f OpenFilter) ([]Charge, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out []Charge
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = openItems(ctx, tx, f)
		return err
	})
	return out, err
}

func openItems(ctx context.Context, tx *db.Tx, f OpenFilter) ([]Charge, error) {
	var cs []Charge
	var err error
	switch {
	case f.LeaseID != 0:
		cs, err = charges(ctx, tx, "c.lease_id = $2", f.LeaseID)
	case f.PartyID != 0:
		cs, err = charges(ctx, tx, "c.lease_id IN (SELECT lp.lease_id FROM lease_parties lp WHERE lp.org_id = c.org_id AND lp.role = 'tenant' AND lp.party_id = $2)", f.PartyID)
	default:
		return nil, validation.Errors{"lease_id": "field.required"}
	}
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(cs, func(c Charge) bool { return c.Total <= 0 || c.Open() == 0 }), nil
}

// Payments lists a lease's payments, oldest first.
func (s *Service) Payments(ctx context.Context, a account.Actor, leaseID int64) ([]Payment, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out []Payment
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := leaseExists(ctx, tx, leaseID); err != nil {
			return err
		}
		var err error
		out, err = payments(ctx, tx, "p.lease_id = $2", leaseID)
		return err
	})
	return out, err
}

func payments(ctx context.Context, tx *db.Tx, cond string, arg any) ([]Payment, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.lease_id, l.reference, p.payment_date, p.amount_cents, p.method, p.reference,
		COALESCE(p.reverses_payment_id, 0), COALESCE((SELECT r.id FROM ledger_payments r WHERE r.reverses_payment_id = p.id), 0),
		COALESCE((SELECT SUM(al.amount_cents) FROM ledger_allocations al WHERE al.payment_id = p.id), 0), p.created_at
		FROM ledger_payments p JOIN leases l ON l.id = p.lease_id AND l.org_id = p.org_id
		WHERE p.org_id = $1 AND `+cond+` ORDER BY p.payment_date, p.id`, tx.OrgID(), arg)
	if err != nil {
		return nil, fmt.Errorf("read payments: %w", err)
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		var p Payment
		var amount, alloc int64
		var method, created string
		if err := rows.Scan(&p.ID, &p.LeaseID, &p.LeaseReference, &p.Date, &amount, &method, &p.Reference, &p.ReversesPaymentID,
			&p.ReversedBy, &alloc, &created); err != nil {
			return nil, fmt.Errorf("scan payment: %w", err)
		}
		p.Amount, p.Allocated, p.Method = money.Cents(amount), money.Cents(alloc), PaymentMethod(method)
		p.CreatedAt, _ = db.ParseTS(created)
		out = append(out, p)
	}
	return out, rows.Err()
}

func leaseExists(ctx context.Context, tx *db.Tx, id int64) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM leases WHERE id = $1 AND org_id = $2`, id, tx.OrgID()).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return validation.ErrNotFound
	}
	return err
}

// --- payments ---

const maxReference = 140 // a SEPA remittance line

// RecordPayment books a payment on a lease's account and allocates it:
// to the charges the user chose, or oldest open charge first. What is not
// allocated stays as credit on the account.
func (s *Service) RecordPayment(ctx context.Context, a account.Actor, in PaymentInput) (int64, error) {
	if !a.Can(account.PermFinanceWrite) {
		return 0, validation.ErrForbidden
	}
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		id, err = s.RecordPaymentTx(ctx, tx, a, in)
		return err
	})
	return id, err
}

// RecordPaymentTx is RecordPayment inside the caller's transaction, for
// other capabilities (a deposit set off against arrears). The caller has
// checked the actor's permission.
func (s *Service) RecordPaymentTx(ctx context.Context, tx *db.Tx, a account.Actor, in PaymentInput) (int64, error) {
	fe := validation.Errors{}
	if in.Date.IsZero() {
		fe.Add("date", "field.required")
	} else if in.Date.After(s.today()) {
		fe.Add("date", "ledger.payment.future")
	}
	if in.Amount <= 0 {
		fe.Add("amount_cents", "ledger.amount.positive")
	} else if !in.Amount.InBounds() {
		fe.Add("amount_cents", money.TooLarge)
	}
	for _, v := range in.Allocations {
		if !v.InBounds() {
			fe.Add("allocations", money.TooLarge)
		}
	}
	if !slices.Contains(PaymentMethods, in.Method) {
		fe.Add("method", "field.invalid")
	}
	in.Reference = strings.TrimSpace(in.Reference)
	if !utf8.ValidString(in.Reference) || utf8.RuneCountInString(in.Reference) > maxReference {
		fe.Add("reference", "field.invalid")
	}
	if err := leaseExists(ctx, tx, in.LeaseID); err != nil {
		if errors.Is(err, validation.ErrNotFound) {
			fe.Add("lease_id", "ledger.lease.unknown")
			return 0, fe
		}
		return 0, err
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	open, err := openItems(ctx, tx, OpenFilter{LeaseID: in.LeaseID})
	if err != nil {
		return 0, err
	}
	plan, err := planAllocation(open, in.Amount, in.Allocations)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_payments (org_id, lease_id, payment_date, amount_cents, method, reference, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, tx.OrgID(), in.LeaseID, in.Date, int64(in.Amount), string(in.Method),
		in.Reference, s.now(), a.UserID).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert payment: %w", err)
	}
	for _, al := range plan {
		if err := insertAllocation(ctx, tx, in.LeaseID, al.chargeID, id, 0, al.amount, in.Date, s.now()); err != nil {
			return 0, err
		}
	}
	return id, s.Record(ctx, tx, a, "ledger.payment_recorded", "lease", in.LeaseID, map[string]string{
		"payment_id": fmt.Sprint(id), "amount_cents": fmt.Sprint(int64(in.Amount)), "method": string(in.Method)})
}

// OpenItemsTx is OpenItems inside the caller's transaction, for other
// capabilities. The caller has checked the actor's permission.
func (s *Service) OpenItemsTx(ctx context.Context, tx *db.Tx, f OpenFilter) ([]Charge, error) {
	return openItems(ctx, tx, f)
}

type allocation struct {
	chargeID int64
	amount   money.Cents
}

// planAllocation spreads amount over open charges: as chosen (each at most
// the charge's open amount, together at most amount) or oldest first.
func planAllocation(open []Charge, amount money.Cents, chosen map[int64]money.Cents) ([]allocation, error) {
	var plan []allocation
	if len(chosen) > 0 {
		byID := map[int64]Charge{}
		for _, c := range open {
			byID[c.ID] = c
		}
		var sum money.Cents
		ids := make([]int64, 0, len(chosen))
		for id := range chosen {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			v := chosen[id]
			if v == 0 {
				continue
			}
			c, ok := byID[id]
			switch {
			case !ok:
				return nil, validation.Errors{"allocations": "ledger.allocation.not_open"}
			case v < 0 || v > c.Open():
				return nil, validation.Errors{"allocations": "ledger.allocation.too_much"}
			}
			sum += v
			plan = append(plan, allocation{id, v})
		}
		if sum > amount {
			return nil, validation.Errors{"allocations": "ledger.allocation.exceeds_payment"}
		}
		return plan, nil
	}
	left := amount
	for _, c := range open {
		if left == 0 {
			break
		}
		v := min(left, c.Open())
		plan = append(plan, allocation{c.ID, v})
		left -= v
	}
	return plan, nil
}

func insertAllocation(ctx context.Context, tx *db.Tx, leaseID, chargeID, paymentID, creditChargeID int64, amount money.Cents, on civil.Date, now string) error {
	var pay, credit any
	if paymentID != 0 {
		pay = paymentID
	}
	if creditChargeID != 0 {
		credit = creditChargeID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO ledger_allocations (org_id, lease_id, charge_id, payment_id, credit_charge_id, amount_cents, allocated_on, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, tx.OrgID(), leaseID, chargeID, pay, credit, int64(amount), on, now)
	if err != nil {
		return fmt.Errorf("insert allocation: %w", err)
	}
	return nil
}

// AllocateCredit applies the account's unallocated credit (payments and
// credit-note lines) to open charges, oldest first. It returns how much was
// applied.
func (s *Service) AllocateCredit(ctx context.Context, a account.Actor, leaseID int64) (money.Cents, error) {
	if !a.Can(account.PermFinanceWrite) {
		return 0, validation.ErrForbidden
	}
	var applied money.Cents
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := leaseExists(ctx, tx, leaseID); err != nil {
			return err
		}
		var err error
		applied, err = s.allocateCredit(ctx, tx, leaseID)
		if err != nil || applied == 0 {
			return err
		}
		return s.Record(ctx, tx, a, "ledger.credit_allocated", "lease", leaseID, map[string]string{"amount_cents": fmt.Sprint(int64(applied))})
	})
	return applied, err
}

// AllocateCreditTx is AllocateCredit inside the caller's transaction (a
// settlement refund set off as it is booked); the caller checks permission
// and records the audit event.
func (s *Service) AllocateCreditTx(ctx context.Context, tx *db.Tx, leaseID int64) (money.Cents, error) {
	return s.allocateCredit(ctx, tx, leaseID)
}

func (s *Service) allocateCredit(ctx context.Context, tx *db.Tx, leaseID int64) (money.Cents, error) {
	open, err := openItems(ctx, tx, OpenFilter{LeaseID: leaseID})
	if err != nil || len(open) == 0 {
		return 0, err
	}
	ps, err := payments(ctx, tx, "p.lease_id = $2", leaseID)
	if err != nil {
		return 0, err
	}
	all, err := charges(ctx, tx, "c.lease_id = $2", leaseID)
	if err != nil {
		return 0, err
	}
	type credit struct {
		paymentID, chargeID int64
		left                money.Cents
	}
	var credits []credit
	for _, p := range ps {
		if u := p.Unallocated(); u > 0 {
			credits = append(credits, credit{paymentID: p.ID, left: u})
		}
	}
	for _, c := range all {
		if c.Total < 0 && c.Open() < 0 {
			credits = append(credits, credit{chargeID: c.ID, left: -c.Open()})
		}
	}
	var applied money.Cents
	today := s.today()
	for i := range open {
		for j := range credits {
			need := open[i].Open()
			if need == 0 {
				break
			}
			if credits[j].left == 0 {
				continue
			}
			v := min(need, credits[j].left)
			if err := insertAllocation(ctx, tx, leaseID, open[i].ID, credits[j].paymentID, credits[j].chargeID, v, today, s.now()); err != nil {
				return 0, err
			}
			open[i].Allocated += v
			credits[j].left -= v
			applied += v
		}
	}
	return applied, nil
}

// ReversePayment undoes a payment (a bounced direct debit, a mistake): a
// new payment row with the negative amount, and negative allocations that
// reopen the charges it had settled.
func (s *Service) ReversePayment(ctx context.Context, a account.Actor, paymentID int64, reason string) (int64, error) {
	if !a.Can(account.PermFinanceWrite) {
		return 0, validation.ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > maxReference {
		return 0, validation.Errors{"reason": "ledger.reason.required"}
	}
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ps, err := payments(ctx, tx, "p.id = $2", paymentID)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return validation.ErrNotFound
		}
		p := ps[0]
		if p.Amount < 0 || p.ReversedBy != 0 {
			return validation.Errors{"payment": "ledger.payment.already_reversed"}
		}
		today := s.today()
		if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_payments (org_id, lease_id, payment_date, amount_cents, method, reference, reverses_payment_id, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, tx.OrgID(), p.LeaseID, today, -int64(p.Amount), string(p.Method),
			reason, p.ID, s.now(), a.UserID).Scan(&id); err != nil {
			return fmt.Errorf("insert reversal: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT charge_id, SUM(amount_cents) FROM ledger_allocations WHERE org_id = $1 AND payment_id = $2 GROUP BY charge_id ORDER BY charge_id`,
			tx.OrgID(), p.ID)
		if err != nil {
			return err
		}
		var undo []allocation
		for rows.Next() {
			var al allocation
			var v int64
			if err := rows.Scan(&al.chargeID, &v); err != nil {
				rows.Close()
				return err
			}
			al.amount = money.Cents(v)
			undo = append(undo, al)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, al := range undo {
			if al.amount == 0 {
				continue
			}
			if err := insertAllocation(ctx, tx, p.LeaseID, al.chargeID, p.ID, 0, -al.amount, today, s.now()); err != nil {
				return err
			}
		}
		return s.Record(ctx, tx, a, "ledger.payment_reversed", "lease", p.LeaseID, map[string]string{
			"payment_id": fmt.Sprint(p.ID), "reversal_id": fmt.Sprint(id)})
	})
	return id, err
}

// --- credit notes ---

// Credit posts a credit note for charges of an invoice (all by default),
// with the negative amounts, and settles the credited charges' open part
// with it; credit beyond that (the charge was paid) stays on the account.
func (s *Service) Credit(ctx context.Context, a account.Actor, in CreditInput) (int64, error) {
	if !a.Can(account.PermFinanceWrite) {
		return 0, validation.ErrForbidden
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 500 {
		return 0, validation.Errors{"reason": "ledger.reason.required"}
	}
	if in.Date.IsZero() {
		in.Date = s.today()
	}
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if id, err = s.CreditTx(ctx, tx, in, s.now(), a.UserID); err != nil {
			return err
		}
		return s.Record(ctx, tx, a, "ledger.credit_note_posted", "invoice", in.InvoiceID, map[string]string{"credit_note_id": fmt.Sprint(id)})
	})
	return id, err
}

// CreditTx posts the credit note of Credit in tx (in.Reason and in.Date
// already checked), for callers that credit many invoices in one
// transaction and write their own audit event.
func (s *Service) CreditTx(ctx context.Context, tx *db.Tx, in CreditInput, now string, by int64) (int64, error) {
	inv, err := s.InvoiceTx(ctx, tx, in.InvoiceID)
	if err != nil {
		return 0, err
	}
	if inv.Kind != KindInvoice {
		return 0, validation.Errors{"invoice": "ledger.credit.not_invoice"}
	}
	credited, err := creditedCharges(ctx, tx, in.InvoiceID)
	if err != nil {
		return 0, err
	}
	var lines []Charge
	for _, c := range inv.Charges {
		if len(in.ChargeIDs) > 0 && !slices.Contains(in.ChargeIDs, c.ID) {
			continue
		}
		if credited[c.ID] {
			if len(in.ChargeIDs) > 0 {
				return 0, validation.Errors{"charges": "ledger.credit.already_credited"}
			}
			continue
		}
		lines = append(lines, c)
	}
	if len(lines) == 0 {
		return 0, validation.Errors{"charges": "ledger.credit.nothing"}
	}
	last, err := reserveNumbers(ctx, tx, in.Date.Year, 1)
	if err != nil {
		return 0, err
	}
	number := Number(in.Date.Year, last)
	var net, vat money.Cents
	for _, c := range lines {
		net -= c.Net
		vat -= c.VAT
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_invoices (org_id, number, fiscal_year, kind, lease_id, period, issue_date, due_date,
		kenmerk, net_cents, vat_cents, total_cents, credits_invoice_id, reason, run_id, created_at, created_by)
		VALUES ($1, $2, $3, 'credit_note', $4, $5, $6, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		tx.OrgID(), number, in.Date.Year, inv.LeaseID, inv.Period, in.Date, "C"+number, int64(net), int64(vat), int64(net+vat),
		inv.ID, in.Reason, in.RunID, now, by).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert credit note: %w", err)
	}
	for _, c := range lines {
		var cid int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_charges (org_id, invoice_id, lease_id, period, line, from_date, to_date,
			net_cents, vat_rate, vat_cents, total_cents, due_date, reverses_charge_id, basis)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`, tx.OrgID(), id, c.LeaseID, c.Period, c.Line,
			c.From, c.To, -int64(c.Net), int64(c.VATRate), -int64(c.VAT), -int64(c.Total), in.Date, c.ID,
			EncodeBasis(negated(c.Basis))).Scan(&cid); err != nil {
			return 0, fmt.Errorf("insert credit line: %w", err)
		}
		if open := c.Open(); open > 0 {
			if err := insertAllocation(ctx, tx, c.LeaseID, c.ID, 0, cid, open, in.Date, now); err != nil {
				return 0, err
			}
		}
		if in.Void {
			if _, err := tx.ExecContext(ctx, `UPDATE ledger_charges SET voided_by = $1 WHERE id = $2 AND org_id = $3`, id, c.ID, tx.OrgID()); err != nil {
				return 0, fmt.Errorf("void charge %d: %w", c.ID, err)
			}
		}
	}
	return id, nil
}

func creditedCharges(ctx context.Context, tx *db.Tx, invoiceID int64) (map[int64]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.reverses_charge_id FROM ledger_charges c JOIN ledger_charges o ON o.id = c.reverses_charge_id
		WHERE c.org_id = $1 AND o.invoice_id = $2`, tx.OrgID(), invoiceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// --- balances and statements ---

// BalanceAt is a lease account on a day: invoices and credit notes issued
// and payments received up to and including on.
func (s *Service) BalanceAt(ctx context.Context, a account.Actor, leaseID int64, on civil.Date) (Balance, error) {
	if !a.Can(account.PermFinanceRead) {
		return Balance{}, validation.ErrForbidden
	}
	b := Balance{LeaseID: leaseID, On: on}
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := leaseExists(ctx, tx, leaseID); err != nil {
			return err
		}
		var charged, paid int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(total_cents), 0) FROM ledger_invoices WHERE org_id = $1 AND lease_id = $2 AND issue_date <= $3`,
			tx.OrgID(), leaseID, on).Scan(&charged); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_payments WHERE org_id = $1 AND lease_id = $2 AND payment_date <= $3`,
			tx.OrgID(), leaseID, on).Scan(&paid); err != nil {
			return err
		}
		b.Charged, b.Paid, b.Balance = money.Cents(charged), money.Cents(paid), money.Cents(charged-paid)
		open, err := openItems(ctx, tx, OpenFilter{LeaseID: leaseID})
		if err != nil {
			return err
		}
		for _, c := range open {
			b.OpenRows++
			if c.DueDate.Before(on) {
				b.Overdue += c.Open()
			}
		}
		return nil
	})
	return b, err
}

// StatementOf is a lease account between two dates (inclusive): the
// opening balance, every invoice, credit note and payment, and the running
// balance.
func (s *Service) StatementOf(ctx context.Context, a account.Actor, leaseID int64, from, to civil.Date) (*Statement, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return nil, validation.Errors{"to": "ledger.dates.order"}
	}
	st := &Statement{LeaseID: leaseID, From: from, To: to}
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT reference FROM leases WHERE id = $1 AND org_id = $2`, leaseID, tx.OrgID()).Scan(&st.LeaseReference); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return validation.ErrNotFound
			}
			return err
		}
		var opening int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT SUM(total_cents) FROM ledger_invoices WHERE org_id = $1 AND lease_id = $2 AND issue_date < $3), 0)
			- COALESCE((SELECT SUM(amount_cents) FROM ledger_payments WHERE org_id = $1 AND lease_id = $2 AND payment_date < $3), 0)`,
			tx.OrgID(), leaseID, from).Scan(&opening); err != nil {
			return err
		}
		st.Opening = money.Cents(opening)
		rows, err := tx.QueryContext(ctx, `SELECT issue_date, kind, number, id, total_cents, period FROM ledger_invoices
			WHERE org_id = $1 AND lease_id = $2 AND issue_date BETWEEN $3 AND $4
			UNION ALL
			SELECT payment_date, CASE WHEN amount_cents < 0 THEN 'reversal' ELSE 'payment' END, reference, id, amount_cents, method FROM ledger_payments
			WHERE org_id = $1 AND lease_id = $2 AND payment_date BETWEEN $3 AND $4
			ORDER BY 1, 2, 4`, tx.OrgID(), leaseID, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		bal := st.Opening
		for rows.Next() {
			var l StatementLine
			var amount int64
			if err := rows.Scan(&l.Date, &l.Kind, &l.Reference, &l.ID, &amount, &l.Description); err != nil {
				return err
			}
			switch l.Kind {
			case "invoice", "credit_note":
				if amount >= 0 {
					l.Debit = money.Cents(amount)
				} else {
					l.Credit = money.Cents(-amount)
				}
			default:
				if amount >= 0 {
					l.Credit = money.Cents(amount)
				} else {
					l.Debit = money.Cents(-amount)
				}
			}
			bal += l.Debit - l.Credit
			l.Balance = bal
			st.Lines = append(st.Lines, l)
		}
		st.Closing = bal
		return rows.Err()
	})
	return st, err
}

// LeaseBalance is one debtor in the receivables overview.
type LeaseBalance struct {
	LeaseID   int64
	Reference string
	Charged   money.Cents
	Paid      money.Cents
	Balance   money.Cents
}

// Debtors lists lease accounts with a balance other than zero, largest
// debt first by default; search matches the lease reference.
func (s *Service) Debtors(ctx context.Context, a account.Actor, q listing.Query) (listing.Page[LeaseBalance], error) {
	if !a.Can(account.PermFinanceRead) {
		return listing.Page[LeaseBalance]{}, validation.ErrForbidden
	}
	if q.Sort == "" {
		q.Sort, q.Desc = "balance", true
	}
	q = q.Normalize("balance", "lease")
	page := listing.Page[LeaseBalance]{}
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		base := `SELECT l.id, l.reference,
			COALESCE((SELECT SUM(i.total_cents) FROM ledger_invoices i WHERE i.org_id = l.org_id AND i.lease_id = l.id), 0) AS charged,
			COALESCE((SELECT SUM(p.amount_cents) FROM ledger_payments p WHERE p.org_id = l.org_id AND p.lease_id = l.id), 0) AS paid
			FROM leases l WHERE l.org_id = $1 AND LOWER(l.reference) LIKE $2 ESCAPE '\'`
		sub := `SELECT * FROM (SELECT id, reference, charged, paid, charged - paid AS balance FROM (` + base + `) b) d WHERE balance <> 0`
		args := []any{tx.OrgID(), "%" + strings.ToLower(listing.EscapeLike(q.Search)) + "%"}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+sub+`) c`, args...).Scan(&page.Total); err != nil {
			return fmt.Errorf("count debtors: %w", err)
		}
		order := map[string]string{"balance": "balance", "lease": "reference"}[q.Sort]
		rows, err := tx.QueryContext(ctx, sub+fmt.Sprintf(" ORDER BY %s %s, id LIMIT %d OFFSET %d", order, q.Direction(), limitOf(q), q.Offset), args...)
		if err != nil {
			return fmt.Errorf("list debtors: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var b LeaseBalance
			var charged, paid, bal int64
			if err := rows.Scan(&b.LeaseID, &b.Reference, &charged, &paid, &bal); err != nil {
				return err
			}
			b.Charged, b.Paid, b.Balance = money.Cents(charged), money.Cents(paid), money.Cents(bal)
			page.Items = append(page.Items, b)
		}
		return rows.Err()
	})
	return page, err
}

// exportCap bounds a CSV export of a list.
const exportCap = 100_000

func limitOf(q listing.Query) int {
	if q.All {
		return exportCap
	}
	return q.Limit
}
