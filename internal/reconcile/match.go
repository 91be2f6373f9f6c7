package reconcile

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"hms/internal/bank"
	"hms/internal/bankfile"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
)

// feeRule is the storno fee of the organisation (0: none).
type feeRule struct{ amount money.Cents }

// outcome is what matching made of a line.
type outcome struct {
	state     State
	rule      Rule
	leaseID   int64
	invoiceID int64
	paymentID int64
	pending   int    // a payment still in the importer's batch: its place + 1 (0: none)
	note      string // i18n message id, or a reason code
}

// payRef is a payment the importer booked: stored (id), or still in its
// payment batch (pending, the place + 1) until the batch is written.
type payRef struct {
	id      int64
	pending int
}

// paidBy records the payment that booked the outcome.
func (o outcome) paidBy(p payRef) outcome {
	o.paymentID, o.pending = p.id, p.pending
	return o
}

// addLines matches the transactions of a new entry and keeps them for the
// chunk's multi-row INSERT. A booking that is not final (camt PDNG, INFO) is
// kept but not booked.
func (im *importer) addLines(ctx context.Context, ac bank.Account, entryID int64, e *bankfile.Entry, prepared []preparedLine) error {
	for i, d := range e.Details {
		amount := d.Amount
		if len(e.Details) == 1 && amount == 0 {
			amount = e.Amount
		}
		det := prepared[i].details
		l := lineRow{accountID: ac.ID, entryID: entryID, date: e.BookingDate, amount: amount, e2e: d.EndToEndID, mandate: d.MandateID,
			creditorID: d.CreditorID, creditorRef: compactDigits(d.CreditorRef.Ref), returnReason: d.ReturnReason,
			details: prepared[i].sealed, payerToken: prepared[i].payerToken}
		var err error
		var out outcome
		switch {
		case e.Status != "" && e.Status != "BOOK":
			out = outcome{state: Ignored, note: "bank.line.not_booked"}
		case amount > 0 && !e.Reversal:
			out, err = im.matchCredit(ctx, l, det, e, len(e.Details) == 1 && i == 0)
		default:
			out, err = im.matchDebit(ctx, l)
		}
		if err != nil {
			return fmt.Errorf("reconcile: match entry at %d%s: %w", e.Line, e.Path, err)
		}
		l.outcome = out
		if amount > 0 && !e.Reversal && out.state != Ignored {
			if out.state == Matched {
				im.res.Matched++
			} else {
				im.res.Review++
			}
		}
		im.lines = append(im.lines, l)
	}
	return nil
}

func txCode(c bankfile.TxCode) string {
	parts := slices.DeleteFunc([]string{c.Domain, c.Family, c.SubFamily}, func(s string) bool { return s == "" })
	code := strings.Join(parts, "/")
	if c.Proprietary != "" {
		code = strings.TrimPrefix(code+" "+c.Proprietary, " ")
	}
	return code
}

func compactDigits(s string) string { return strings.Join(strings.Fields(s), "") }

var (
	kenmerkInText = regexp.MustCompile(`\b\d{4} ?\d{4} ?\d{4} ?\d{4}\b`)
	numberInText  = regexp.MustCompile(`\b(?:19|20|21)\d{9}\b`)
)

// matchCredit tries the rules in order. whole says the line is the entry's
// only transaction (a batch without details is split by its items).
func (im *importer) matchCredit(ctx context.Context, l lineRow, d Details, e *bankfile.Entry, whole bool) (outcome, error) {
	if l.date.After(im.today) {
		return outcome{state: Review, note: "bank.line.dated_after_today"}, nil
	}
	ref := bankRef(l, d)
	if im.s.collections != nil && l.e2e != "" {
		item, err := im.s.collections.ItemByEndToEnd(ctx, im.tx, l.e2e)
		switch {
		case err == nil:
			p, err := im.book(ctx, item.LeaseID, item.InvoiceID, l.amount, l.date, ledger.DirectDebit, ref)
			if err != nil {
				return outcome{}, err
			}
			out := outcome{state: Matched, rule: RuleEndToEnd, leaseID: item.LeaseID, invoiceID: item.InvoiceID}
			return out.paidBy(p), im.s.collections.MarkPaid(ctx, im.tx, item.ID, l.date)
		case !errors.Is(err, validation.ErrNotFound):
			return outcome{}, err
		}
	}
	if im.s.collections != nil && whole && l.e2e == "" && e.BatchRef != "" {
		if out, ok, err := im.matchBatch(ctx, l, e.BatchRef, ref); err != nil || ok {
			return out, err
		}
	}
	for _, k := range kenmerken(l.creditorRef, d.Remittance) {
		if id, ok := im.kenmerken[k]; ok {
			return im.bookInvoice(ctx, id, l, ref, RuleKenmerk, false)
		}
	}
	if im.s.collections != nil && l.mandate != "" {
		leaseID, err := im.s.collections.MandateLease(ctx, im.tx, l.mandate)
		switch {
		case err == nil:
			p, err := im.book(ctx, leaseID, 0, l.amount, l.date, ledger.DirectDebit, ref)
			return outcome{state: Matched, rule: RuleMandate, leaseID: leaseID}.paidBy(p), err
		case !errors.Is(err, validation.ErrNotFound):
			return outcome{}, err
		}
	}
	candidates := numberInText.FindAllString(d.Remittance, 5)
	numbers, err := ledger.InvoiceNumbersTx(ctx, im.tx, candidates)
	if err != nil {
		return outcome{}, err
	}
	for _, c := range candidates { // in the order the payer wrote them
		id, ok := numbers[c]
		if !ok {
			continue
		}
		out, err := im.bookInvoice(ctx, id, l, ref, RuleInvoiceNumber, true)
		if err != nil || out.state == Matched {
			return out, err
		}
	}
	if l.payerToken != "" {
		if err := im.flush(ctx); err != nil { // matchPayer reads the ledger
			return outcome{}, err
		}
		if out, ok, err := im.matchPayer(ctx, l, ref); err != nil || ok {
			return out, err
		}
	}
	return outcome{state: Review}, nil
}

// kenmerken are the betalingskenmerken a line carries: the structured
// reference, then 16-digit numbers in the text that pass the check (Dutch
// banks also write "BETALINGSKENM. 1000 0020 2500 0123" in the text).
func kenmerken(structured, text string) []string {
	var out []string
	if structured != "" {
		out = append(out, structured)
	}
	for _, m := range kenmerkInText.FindAllString(text, 3) {
		if k := compactDigits(m); nl.ValidateKenmerk(k) == nil && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// bookInvoice books a line to an invoice; exact asks for the invoice's open
// amount to the cent (a match by invoice number), else a part leaves the
// rest open and a surplus becomes credit on the lease's account.
func (im *importer) bookInvoice(ctx context.Context, invoiceID int64, l lineRow, ref string, rule Rule, exact bool) (outcome, error) {
	leaseID, open, known, err := im.pay.Open(ctx, invoiceID)
	if err != nil {
		return outcome{}, err
	}
	if !known {
		return outcome{}, fmt.Errorf("reconcile: invoice %d is not an invoice of the organisation", invoiceID)
	}
	if exact && open != l.amount {
		return outcome{state: Review}, nil
	}
	p, err := im.book(ctx, leaseID, invoiceID, l.amount, l.date, ledger.Transfer, ref)
	return outcome{state: Matched, rule: rule, leaseID: leaseID, invoiceID: invoiceID}.paidBy(p), err
}

// matchBatch splits a collection booked as one entry over its items, when
// they add up to the amount.
func (im *importer) matchBatch(ctx context.Context, l lineRow, batchRef, ref string) (outcome, bool, error) {
	items, err := im.s.collections.ItemsOfBatch(ctx, im.tx, batchRef)
	if err != nil && !errors.Is(err, validation.ErrNotFound) {
		return outcome{}, false, err
	}
	var sum money.Cents
	for _, it := range items {
		sum += it.Amount
	}
	if len(items) == 0 || sum != l.amount {
		return outcome{}, false, nil
	}
	var first payRef
	for i, it := range items {
		p, err := im.book(ctx, it.LeaseID, it.InvoiceID, it.Amount, l.date, ledger.DirectDebit, ref)
		if err != nil {
			return outcome{}, false, err
		}
		if i == 0 {
			first = p
		}
		if err := im.s.collections.MarkPaid(ctx, im.tx, it.ID, l.date); err != nil {
			return outcome{}, false, err
		}
	}
	return outcome{state: Matched, rule: RuleBatch, note: fmt.Sprint(len(items))}.paidBy(first), true, nil
}

// matchPayer books a line from a payer HMS learned when exactly one open
// invoice of the payer's leases has the amount.
func (im *importer) matchPayer(ctx context.Context, l lineRow, ref string) (outcome, bool, error) {
	leases, err := payerLeases(ctx, im.tx, l.payerToken)
	if err != nil || len(leases) == 0 {
		return outcome{}, false, err
	}
	var hits []int64
	for _, leaseID := range leases {
		open, err := im.s.ledger.OpenItemsTx(ctx, im.tx, ledger.OpenFilter{LeaseID: leaseID})
		if err != nil {
			return outcome{}, false, err
		}
		for invoiceID, amount := range openByInvoice(open) {
			if amount == l.amount {
				hits = append(hits, invoiceID)
			}
		}
	}
	if len(hits) != 1 {
		return outcome{}, false, nil
	}
	out, err := im.bookInvoice(ctx, hits[0], l, ref, RulePayer, true)
	return out, err == nil, err
}

func openByInvoice(open []ledger.Charge) map[int64]money.Cents {
	m := map[int64]money.Cents{}
	for _, c := range open {
		m[c.InvoiceID] += c.Open()
	}
	return m
}

// book records a payment on a lease, allocated to an invoice's open
// charges first when one is named; what is left is credit on the account.
// A payment to an invoice with something open waits in the payment batch;
// any other is booked at once, as bookPayment does for a person's match,
// after the batch is written (the ledger then allocates oldest first over
// the account, which the batch cannot see).
func (im *importer) book(ctx context.Context, leaseID, invoiceID int64, amount money.Cents, on civil.Date, method ledger.PaymentMethod,
	ref string) (payRef, error) {
	if invoiceID != 0 {
		i, err := im.pay.AddToInvoice(ctx, invoiceID, on, amount, method, ref)
		if err != nil || i >= 0 {
			return payRef{pending: i + 1}, err
		}
	}
	if err := im.flush(ctx); err != nil {
		return payRef{}, err
	}
	id, err := bookPayment(ctx, im.s, im.tx, im.a, leaseID, invoiceID, amount, on, method, ref)
	im.pay.Forget()
	return payRef{id: id}, err
}

// bankRef is the reference a booked payment carries: what the payer wrote,
// else the bank's ids.
func bankRef(l lineRow, d Details) string {
	ref := strings.TrimSpace(d.Remittance)
	if ref == "" {
		ref = l.e2e
	}
	if ref == "" {
		ref = l.creditorRef
	}
	if r := []rune(ref); len(r) > 140 {
		ref = string(r[:140])
	}
	return ref
}

// matchDebit books a returned direct debit, marks a payout paid, or lists
// the debit as not HMS's.
func (im *importer) matchDebit(ctx context.Context, l lineRow) (outcome, error) {
	if im.s.collections != nil && l.e2e != "" {
		item, err := im.s.collections.ItemByEndToEnd(ctx, im.tx, l.e2e)
		switch {
		case err == nil:
			// A return reverses a payment the ledger must see stored, and
			// changes what is open on charges the batch may have read.
			if err := im.flush(ctx); err != nil {
				return outcome{}, err
			}
			defer im.pay.Forget()
			return im.returned(ctx, l, item)
		case !errors.Is(err, validation.ErrNotFound):
			return outcome{}, err
		}
	}
	if im.s.payouts != nil && l.e2e != "" {
		ok, err := im.s.payouts.MarkPaidByEndToEnd(ctx, im.tx, l.e2e, -l.amount, l.date)
		if err != nil {
			return outcome{}, err
		}
		if ok {
			return outcome{state: Matched, rule: RulePayout}, nil
		}
	}
	if l.returnReason != "" {
		// A return of something HMS did not collect: a person looks.
		return outcome{state: Review, note: l.returnReason}, nil
	}
	return outcome{state: NotOurs}, nil
}
