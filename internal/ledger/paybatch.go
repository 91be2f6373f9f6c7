package ledger

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// PaymentBatch books many payments to invoices inside one transaction with
// a handful of statements instead of several per payment (a bank statement
// of thousands of lines): the charges of the invoices to be paid are read
// at once (Load), each Add plans its allocations in memory against what
// earlier Adds left open, and Flush writes the payments and allocations as
// multi-row INSERTs. Nothing else may book on those charges between an Add
// and Flush: a caller that books another way in between calls Flush first
// and Forget after, so the batch reads the charges again.
type PaymentBatch struct {
	s        *Service
	tx       *db.Tx
	a        account.Actor
	invoices map[int64]*batchInvoice
	pending  []pendingPayment
}

// batchInvoice is an invoice as the batch knows it: its charges by due
// date, Allocated counting the batch's own Adds.
type batchInvoice struct {
	leaseID int64
	charges []Charge
}

type pendingPayment struct {
	in   PaymentInput
	plan []allocation
}

// NewPaymentBatch starts a batch in the caller's transaction. The caller
// has checked the actor's permission.
func (s *Service) NewPaymentBatch(tx *db.Tx, a account.Actor) *PaymentBatch {
	return &PaymentBatch{s: s, tx: tx, a: a, invoices: map[int64]*batchInvoice{}}
}

// Load reads the charges of the invoices (not credit notes) the batch does
// not know yet, in one query; ids that are no invoice of the organisation
// stay unknown.
func (b *PaymentBatch) Load(ctx context.Context, ids []int64) error {
	var todo []int64
	for _, id := range ids {
		if _, ok := b.invoices[id]; !ok && !slices.Contains(todo, id) {
			todo = append(todo, id)
		}
	}
	step := lookupStep(b.tx, len(todo))
	for start := 0; start < len(todo); start += step {
		chunk := todo[start:min(start+step, len(todo))]
		cs, err := chargesOfInvoices(ctx, b.tx, chunk)
		if err != nil {
			return err
		}
		for _, c := range cs {
			inv := b.invoices[c.InvoiceID]
			if inv == nil {
				inv = &batchInvoice{leaseID: c.LeaseID}
				b.invoices[c.InvoiceID] = inv
			}
			inv.charges = append(inv.charges, c)
		}
	}
	return nil
}

// Open is what is still owed on an invoice after the batch's Adds, and the
// lease it is charged to; known is false when it is no invoice of the
// organisation.
func (b *PaymentBatch) Open(ctx context.Context, invoiceID int64) (leaseID int64, open money.Cents, known bool, err error) {
	if err := b.Load(ctx, []int64{invoiceID}); err != nil {
		return 0, 0, false, err
	}
	inv, ok := b.invoices[invoiceID]
	if !ok {
		return 0, 0, false, nil
	}
	for _, c := range inv.charges {
		open += c.Open()
	}
	return inv.leaseID, open, true, nil
}

// AddToInvoice books amount on the invoice's lease, allocated to the
// invoice's open charges oldest first; what is left is credit on the
// account. It answers the payment's place in Flush's ids, or -1 when
// nothing of the invoice is open (or it is unknown): then the caller books
// on the lease as RecordPaymentTx does, oldest first over the account.
func (b *PaymentBatch) AddToInvoice(ctx context.Context, invoiceID int64, on civil.Date, amount money.Cents, method PaymentMethod,
	ref string) (int, error) {
	leaseID, open, known, err := b.Open(ctx, invoiceID)
	if err != nil || !known || open <= 0 {
		return -1, err
	}
	in := PaymentInput{LeaseID: leaseID, Date: on, Amount: amount, Method: method, Reference: strings.TrimSpace(ref)}
	if err := b.check(in); err != nil {
		return -1, err
	}
	var plan []allocation
	left := amount
	inv := b.invoices[invoiceID]
	for i := range inv.charges {
		c := &inv.charges[i]
		if v := min(left, c.Open()); v > 0 {
			plan = append(plan, allocation{c.ID, v})
			c.Allocated += v
			left -= v
		}
	}
	b.pending = append(b.pending, pendingPayment{in: in, plan: plan})
	return len(b.pending) - 1, nil
}

// check holds a batch payment to RecordPaymentTx's rules; the caller built
// it from a bank line, so a breach is an error, not a person's mistake.
func (b *PaymentBatch) check(in PaymentInput) error {
	switch {
	case in.Date.IsZero() || in.Date.After(b.s.today()):
		return fmt.Errorf("ledger: batch payment dated %s", in.Date)
	case in.Amount <= 0 || !in.Amount.InBounds():
		return fmt.Errorf("ledger: batch payment of %d cents", in.Amount)
	case !slices.Contains(PaymentMethods, in.Method):
		return fmt.Errorf("ledger: batch payment by %q", in.Method)
	case !utf8.ValidString(in.Reference) || utf8.RuneCountInString(in.Reference) > maxReference:
		return fmt.Errorf("ledger: batch payment reference too long")
	}
	return nil
}

// Pending is the number of payments added since the last Flush.
func (b *PaymentBatch) Pending() int { return len(b.pending) }

// Flush writes the payments added since the last Flush with their
// allocations, and one audit event for them; ids[i] is the id of the i-th.
func (b *PaymentBatch) Flush(ctx context.Context) (ids []int64, err error) {
	if len(b.pending) == 0 {
		return nil, nil
	}
	now := b.s.now()
	rows := make([]paymentRow, len(b.pending))
	var sum money.Cents
	for i, p := range b.pending {
		// Sealed here, once per payment, with the organisation key the
		// transaction already holds: no statement more.
		ref, err := b.s.sealReference(ctx, b.tx, p.in.Reference)
		if err != nil {
			return nil, err
		}
		rows[i] = paymentRow{leaseID: p.in.LeaseID, date: p.in.Date, amount: p.in.Amount, method: p.in.Method,
			reference: ref, now: now, by: b.a.UserID}
		sum += p.in.Amount
	}
	if ids, err = insertPayments(ctx, b.tx, rows); err != nil {
		return nil, err
	}
	var allocs []allocationRow
	for i, p := range b.pending {
		for _, al := range p.plan {
			allocs = append(allocs, allocationRow{leaseID: p.in.LeaseID, chargeID: al.chargeID, paymentID: ids[i], amount: al.amount,
				on: p.in.Date})
		}
	}
	if err := insertAllocations(ctx, b.tx, allocs, now); err != nil {
		return nil, err
	}
	n := len(b.pending)
	b.pending = b.pending[:0]
	return ids, b.s.Record(ctx, b.tx, b.a, "ledger.payments_recorded", "payment", ids[0], map[string]string{
		"payments": fmt.Sprint(n), "first_id": fmt.Sprint(ids[0]), "last_id": fmt.Sprint(ids[n-1]),
		"amount_cents": fmt.Sprint(int64(sum))})
}

// Forget drops what the batch read, after someone booked on the same
// charges another way; call Flush first.
func (b *PaymentBatch) Forget() {
	clear(b.invoices)
}
