package ledger

import (
	"context"
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
	"hms/internal/privacy/guard"
)

// Deps are what the service needs.
type Deps struct {
	DB    *db.DB
	Audit *audit.Log
	Vault *vault.Vault
	Clock clock.Clock
	// Accounts names lease accounts in the debtors list (the lease service,
	// adapted in app); nil leaves names and addresses empty.
	Accounts Accounts
}

// Service is the face of the ledger.
type Service struct {
	db    *db.DB
	audit *audit.Log
	vault *vault.Vault
	clk   clock.Clock
	accts Accounts
}

// New builds the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	return &Service{db: d.DB, audit: d.Audit, vault: d.Vault, clk: d.Clock, accts: d.Accounts}
}

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }
func (s *Service) now() string       { return db.TS(s.clk.Now()) }

// Record writes an audit event for a ledger change in tx.
func (s *Service) Record(ctx context.Context, tx *db.Tx, a account.Actor, action, targetType string, id int64,
	details map[string]string) error {
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
	PartyID  int64 // a tenant: the invoices of every lease they are a tenant on
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
	var page listing.Page[Invoice]
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		page, err = listInvoices(ctx, tx, q, f)
		return err
	})
	return page, err
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
	inv, err := readInvoice(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if inv.Charges, err = chargesByKey(ctx, tx, "c.invoice_id = $2", id); err != nil {
		return nil, err
	}
	for _, c := range inv.Charges {
		if inv.Kind == KindInvoice {
			inv.Open += c.Open()
		}
	}
	return &inv, nil
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
		cs, err = chargesOfParty(ctx, tx, f.PartyID)
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
		if out, err = payments(ctx, tx, "p.lease_id = $2", leaseID); err != nil {
			return err
		}
		return s.openReferences(ctx, tx, out)
	})
	return out, err
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
	ref, err := s.sealReference(ctx, tx, in.Reference)
	if err != nil {
		return 0, err
	}
	id, err := insertPayment(ctx, tx, paymentRow{leaseID: in.LeaseID, date: in.Date, amount: in.Amount, method: in.Method,
		reference: ref, now: s.now(), by: a.UserID})
	if err != nil {
		return 0, err
	}
	for _, al := range plan {
		if err := insertAllocation(ctx, tx, in.LeaseID, al.chargeID, id, 0, al.amount, in.Date, s.now()); err != nil {
			return 0, err
		}
	}
	return id, s.Record(ctx, tx, a, "ledger.payment_recorded", "lease", in.LeaseID, map[string]string{
		"payment_id": fmt.Sprint(id), "amount_cents": fmt.Sprint(int64(in.Amount)), "method": string(in.Method)})
}

// OpenInvoices are a lease's invoices with something open, oldest due
// first, each with what is open on it: what a person may share a payment
// over.
func (s *Service) OpenInvoices(ctx context.Context, a account.Actor, leaseID int64) ([]OpenInvoice, error) {
	open, err := s.OpenItems(ctx, a, OpenFilter{LeaseID: leaseID})
	if err != nil {
		return nil, err
	}
	var out []OpenInvoice
	at := map[int64]int{}
	for _, c := range open {
		if c.Open() <= 0 {
			continue
		}
		i, ok := at[c.InvoiceID]
		if !ok {
			i = len(out)
			at[c.InvoiceID] = i
			out = append(out, OpenInvoice{ID: c.InvoiceID, Number: c.InvoiceNumber, LeaseID: c.LeaseID, DueDate: c.DueDate})
		}
		out[i].Open += c.Open()
	}
	return out, nil
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
		if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "reason", Value: reason}); err != nil {
			return err
		}
		var err error
		id, err = s.ReversePaymentTx(ctx, tx, a, paymentID, reason, s.today())
		return err
	})
	return id, err
}

// ReversePaymentTx is ReversePayment in the caller's transaction, dated on
// (a returned direct debit is reversed on the day the bank booked the
// return). The caller checked the permission and the reason.
func (s *Service) ReversePaymentTx(ctx context.Context, tx *db.Tx, a account.Actor, paymentID int64, reason string,
	on civil.Date) (int64, error) {
	ps, err := payments(ctx, tx, "p.id = $2", paymentID)
	if err != nil {
		return 0, err
	}
	if len(ps) == 0 {
		return 0, validation.ErrNotFound
	}
	p := ps[0]
	if p.Amount < 0 || p.ReversedBy != 0 {
		return 0, validation.Errors{"payment": "ledger.payment.already_reversed"}
	}
	ref, err := s.sealReference(ctx, tx, reason)
	if err != nil {
		return 0, err
	}
	id, err := insertPayment(ctx, tx, paymentRow{leaseID: p.LeaseID, date: on, amount: -p.Amount, method: p.Method,
		reference: ref, reverses: p.ID, now: s.now(), by: a.UserID})
	if err != nil {
		return 0, err
	}
	undo, err := allocationsOfPayment(ctx, tx, p.ID)
	if err != nil {
		return 0, err
	}
	for _, al := range undo {
		if al.amount == 0 {
			continue
		}
		if err := insertAllocation(ctx, tx, p.LeaseID, al.chargeID, p.ID, 0, -al.amount, on, s.now()); err != nil {
			return 0, err
		}
	}
	return id, s.Record(ctx, tx, a, "ledger.payment_reversed", "lease", p.LeaseID, map[string]string{
		"payment_id": fmt.Sprint(p.ID), "reversal_id": fmt.Sprint(id)})
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
		if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "reason", Value: in.Reason}); err != nil {
			return err
		}
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
	id, err := insertCreditNote(ctx, tx, creditNote{number: number, year: in.Date.Year, leaseID: inv.LeaseID, period: inv.Period,
		date: in.Date, net: net, vat: vat, creditsID: inv.ID, reason: in.Reason, runID: in.RunID, now: now, byUser: by})
	if err != nil {
		return 0, err
	}
	for _, c := range lines {
		cid, err := insertCreditLine(ctx, tx, id, c, in.Date)
		if err != nil {
			return 0, err
		}
		if open := c.Open(); open > 0 {
			if err := insertAllocation(ctx, tx, c.LeaseID, c.ID, 0, cid, open, in.Date, now); err != nil {
				return 0, err
			}
		}
		if in.Void {
			if err := voidCharge(ctx, tx, c.ID, id); err != nil {
				return 0, err
			}
		}
	}
	return id, nil
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
		charged, paid, err := balanceTotals(ctx, tx, leaseID, on)
		if err != nil {
			return err
		}
		b.Charged, b.Paid, b.Balance = charged, paid, charged-paid
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
		var err error
		if st.LeaseReference, err = leaseReference(ctx, tx, leaseID); err != nil {
			return err
		}
		if st.Opening, err = openingBalance(ctx, tx, leaseID, from); err != nil {
			return err
		}
		lines, err := statementLines(ctx, tx, leaseID, from, to)
		if err != nil {
			return err
		}
		bal := st.Opening
		for _, sl := range lines {
			l, amount := sl.StatementLine, sl.amount
			if l.Reference, err = s.openReference(ctx, tx, sl.sealedRef, l.Reference); err != nil {
				return err
			}
			switch l.Kind {
			case "invoice", "credit_note":
				if amount >= 0 {
					l.Debit = amount
				} else {
					l.Credit = -amount
				}
			default:
				if amount >= 0 {
					l.Credit = amount
				} else {
					l.Debit = -amount
				}
			}
			bal += l.Debit - l.Credit
			l.Balance = bal
			st.Lines = append(st.Lines, l)
		}
		st.Closing = bal
		return nil
	})
	return st, err
}

// exportCap bounds a CSV export of a list.
const exportCap = 100_000

func limitOf(q listing.Query) int {
	if q.All {
		return exportCap
	}
	return q.Limit
}
