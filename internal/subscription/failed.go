package subscription

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	hmsmail "hms/internal/platform/mail"
	"hms/internal/platform/validation"
	"hms/internal/sepa"
)

// Failed collections of HMS's own invoices (issue 14, DOMAIN §5.4). Staff
// record an item the bank returned with its R-code: the invoice is open
// again and taken along once more by the first batch on or after its retry
// date (RetryNoticeDays on); a second failure is not retried. The owners and
// the billing address get a mail in their language. An invoice failed twice,
// or still unpaid the grace period after its first failure, makes the
// subscription past due: read-only (StatePastDue) until staff record the
// payment by transfer (or a batch collected it) and nothing is overdue.

// StatePastDue: an invoice of HMS is overdue after a failed collection;
// read-only until it is paid.
const StatePastDue State = "past_due"

// ReturnReasons are the R-codes staff choose from (words in the catalog:
// bank.return.<code>).
var ReturnReasons = []string{"AC01", "AC04", "AC06", "AC13", "AG01", "AG02", "AM04", "AM05", "BE05", "MD01", "MD02", "MD06",
	"MD07", "MS02", "MS03", "SL01"}

// MaxCollectAttempts: an invoice whose collection failed this often is not
// collected again.
const MaxCollectAttempts = 2

// RetryNoticeDays: a failed collection is retried from this many days after
// it was recorded (the reminder mail is its notice), on a business day.
const RetryNoticeDays = 7

// DefaultPastDueGraceDays: days after an invoice's first failed collection
// until, still unpaid, it makes the subscription past due
// (HMS_PAST_DUE_GRACE_DAYS).
const DefaultPastDueGraceDays = 14

// ErrNotCollected: the invoice is not in a batch waiting for the bank.
var ErrNotCollected = &validation.Problem{Status: 409, Code: "subscription.not_collected"}

// ErrAlreadyPaid: the invoice is paid.
var ErrAlreadyPaid = &validation.Problem{Status: 409, Code: "subscription.already_paid"}

// The states of an invoice as the console shows them (InvoiceStatus).
const (
	InvoiceOpen       = "open"       // issued, not collected yet
	InvoiceCollecting = "collecting" // in a batch, the bank not heard from
	InvoiceReturned   = "returned"   // the collection failed; to retry, or to pay by transfer
	InvoicePaid       = "paid"
)

// Status is the invoice's state in the console's words (InvoiceOpen, …).
func (inv Invoice) Status() string {
	switch {
	case inv.State == "paid":
		return InvoicePaid
	case inv.Collecting:
		return InvoiceCollecting
	case inv.Failures > 0:
		return InvoiceReturned
	}
	return InvoiceOpen
}

// Retried reports whether a returned invoice is collected once more.
func (inv Invoice) Retried() bool {
	return inv.State == "open" && inv.Failures > 0 && inv.Failures < MaxCollectAttempts
}

func (s *Service) graceDays() int {
	if s.graceDaysN > 0 {
		return s.graceDaysN
	}
	return DefaultPastDueGraceDays
}

// GraceDays is the past-due grace period in days.
func (s *Service) GraceDays() int { return s.graceDays() }

// Returned records that the bank returned invoice number's collection with
// reason (an R-code of ReturnReasons) on today's date; bad input is a field
// error (number, reason) and changes nothing.
func (s *Service) Returned(ctx context.Context, staffID int64, number, reason string) error {
	number, reason = strings.ToUpper(strings.TrimSpace(number)), strings.ToUpper(strings.TrimSpace(reason))
	fe := validation.Errors{}
	if number == "" {
		fe.Add("number", "field.required")
	}
	if !slices.Contains(ReturnReasons, reason) {
		fe.Add("reason", "subscription.return_reason_unknown")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	today := s.Today()
	return s.db.System(ctx, func(tx *db.Tx) error {
		ref, err := invoiceByNumberTx(ctx, tx, number)
		if err != nil {
			return err
		}
		// A collected debit can still come back (SEPA Core: up to 8 weeks,
		// unauthorised up to 13 months): the invoice is open again. One
		// paid by transfer has nothing the bank could return.
		if ref.State == "paid" && !ref.Collected {
			return ErrAlreadyPaid
		}
		if ref.BatchID == 0 {
			return ErrNotCollected
		}
		failures := ref.Failures + 1
		first := ref.FirstFailed
		if first.IsZero() {
			first = today
		}
		retry := civil.Date{}
		if failures < MaxCollectAttempts {
			if retry = today.AddDays(RetryNoticeDays); !sepa.IsBusinessDay(retry) {
				retry = sepa.NextBusinessDay(retry)
			}
		}
		if err := returnItemTx(ctx, tx, ref.BatchID, ref.ID, reason, today, failures, first, retry); err != nil {
			return err
		}
		list, err := s.invoicesTx(ctx, tx, ref.OrgID, number)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return validation.ErrNotFound
		}
		owners, err := s.owners.OwnerContacts(ctx, tx, ref.OrgID)
		if err != nil {
			return err
		}
		if err := s.mailReturned(ctx, tx, list[0], owners, reason, retry); err != nil {
			return err
		}
		if failures >= MaxCollectAttempts {
			if err := s.updatePastDueTx(ctx, tx, ref.OrgID, today); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, staffID, "staff", "subscription.collection_returned", "subscription_invoice", ref.ID,
			map[string]string{"number": number, "reason": reason, "attempt": fmt.Sprint(failures)})
	})
}

// mailReturned tells the billing address and the owners that the
// collection failed: the amount, the reason in words, and the retry date
// (zero: no retry) or the transfer to HMS's account with the number.
func (s *Service) mailReturned(ctx context.Context, tx *db.Tx, inv Invoice, owners []account.OwnerContact, reason string,
	retry civil.Date) error {
	for _, r := range invoiceRecipients(inv, owners) {
		t := func(key string, data map[string]any) string { return s.texts.T(r.lang, key, data) }
		data := map[string]any{"Number": inv.Number, "Total": money.Format(inv.Total, r.lang), "Customer": inv.Buyer.Name,
			"Reason": t("bank.return."+reason, nil), "IBAN": nl.FormatIBAN(s.seller.IBAN), "Seller": inv.Seller.Name,
			"Grace": s.graceDays()}
		body := "mail.subscription_returned.final"
		if !retry.IsZero() {
			data["Date"] = retry.Long(r.lang)
			body = "mail.subscription_returned.retry"
		}
		data["Next"] = t(body, data)
		if _, err := s.outbox.Send(ctx, tx, hmsmail.Message{To: r.email,
			Subject: t("mail.subscription_returned.subject", data), Text: t("mail.subscription_returned.body", data)}); err != nil {
			return fmt.Errorf("subscription: mail returned %s: %w", inv.Number, err)
		}
	}
	return nil
}

// MarkPaid records that invoice number was paid by transfer; the
// subscription is no longer past due when nothing else is overdue.
func (s *Service) MarkPaid(ctx context.Context, staffID int64, number string) error {
	number = strings.ToUpper(strings.TrimSpace(number))
	if number == "" {
		return validation.Errors{"number": "field.required"}
	}
	today := s.Today()
	return s.db.System(ctx, func(tx *db.Tx) error {
		ref, err := invoiceByNumberTx(ctx, tx, number)
		if err != nil {
			return err
		}
		if ref.State == "paid" {
			return ErrAlreadyPaid
		}
		if err := setInvoicePaidTx(ctx, tx, ref.ID); err != nil {
			return err
		}
		if err := s.updatePastDueTx(ctx, tx, ref.OrgID, today); err != nil {
			return err
		}
		return s.record(ctx, tx, staffID, "staff", "subscription.paid_by_transfer", "subscription_invoice", ref.ID,
			map[string]string{"number": number})
	})
}

// MarkCollected records that the bank booked batch id: every item not
// returned is collected and its invoice paid. It returns how many items it
// marked; a batch with nothing left to mark is ErrNotCollected.
func (s *Service) MarkCollected(ctx context.Context, staffID, batchID int64) (int, error) {
	today := s.Today()
	var n int
	err := s.db.System(ctx, func(tx *db.Tx) error {
		orgs, err := collectBatchTx(ctx, tx, batchID)
		if err != nil {
			return err
		}
		if n = len(orgs); n == 0 {
			return ErrNotCollected
		}
		for _, org := range orgs {
			if err := s.updatePastDueTx(ctx, tx, org, today); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, staffID, "staff", "subscription.batch_collected", "subscription_batch", batchID,
			map[string]string{"items": fmt.Sprint(n)})
	})
	return n, err
}

// updatePastDueTx sets organisation orgID's subscription past due from
// today when an invoice is overdue (failed MaxCollectAttempts times, or
// still open the grace period after its first failure), and lifts it when
// none is.
func (s *Service) updatePastDueTx(ctx context.Context, tx *db.Tx, orgID int64, today civil.Date) error {
	overdue, err := overdueInvoicesTx(ctx, tx, orgID, today.AddDays(-s.graceDays()))
	if err != nil {
		return err
	}
	changed, err := setPastDueTx(ctx, tx, orgID, overdue > 0, today)
	if err != nil || !changed {
		return err
	}
	action := "subscription.past_due_lifted"
	if overdue > 0 {
		action = "subscription.past_due"
		// Once per transition: setPastDueTx changed the row only now.
		if err := s.mailPastDue(ctx, tx, orgID); err != nil {
			return err
		}
	}
	return s.record(ctx, tx, 0, "system", action, "organisation", orgID, map[string]string{"overdue": fmt.Sprint(overdue)})
}

// mailPastDue tells the billing address and the owners that the
// organisation can only read from now: why (a collection failed twice, or
// the invoice is unpaid the grace period after the first failure), the
// amount open, how to pay (HMS's account and the invoice numbers), and that
// its data stays.
func (s *Service) mailPastDue(ctx context.Context, tx *db.Tx, orgID int64) error {
	list, err := s.invoicesTx(ctx, tx, orgID, "")
	if err != nil {
		return err
	}
	var open []Invoice
	var total money.Cents
	twice := false
	for _, inv := range list {
		// One in a batch is on its way from the bank: not to transfer too.
		if inv.State != "open" || inv.Collecting {
			continue
		}
		open = append(open, inv)
		if total, err = money.Add(total, inv.Total); err != nil {
			return err
		}
		twice = twice || inv.Failures >= MaxCollectAttempts
	}
	if len(open) == 0 {
		return nil
	}
	slices.SortFunc(open, func(a, b Invoice) int { return strings.Compare(a.Number, b.Number) })
	numbers := make([]string, len(open))
	for i, inv := range open {
		numbers[i] = inv.Number
	}
	owners, err := s.owners.OwnerContacts(ctx, tx, orgID)
	if err != nil {
		return err
	}
	name, slug, err := orgNameTx(ctx, tx, orgID)
	if err != nil {
		return err
	}
	// The billing address and language of the newest open invoice.
	for _, r := range invoiceRecipients(open[len(open)-1], owners) {
		data := map[string]any{"Organisation": name, "Total": money.Format(total, r.lang), "Numbers": strings.Join(numbers, ", "),
			"IBAN": nl.FormatIBAN(s.seller.IBAN), "Seller": s.seller.Name, "Grace": s.graceDays(), "Count": len(open),
			"Link": s.baseURL() + "/o/" + slug + "/settings/subscription"}
		why := "mail.subscription_past_due.grace"
		if twice {
			why = "mail.subscription_past_due.twice"
		}
		data["Why"] = s.texts.T(r.lang, why, data)
		if _, err := s.outbox.Send(ctx, tx, hmsmail.Message{To: r.email,
			Subject: s.texts.T(r.lang, "mail.subscription_past_due.subject", data),
			Text:    s.texts.T(r.lang, "mail.subscription_past_due.body", data)}); err != nil {
			return fmt.Errorf("subscription: past-due mail of %d: %w", orgID, err)
		}
	}
	return nil
}

// UpdatePastDue moves every subscription with a failed collection into or
// out of past due (the daily job); it returns how many it set past due.
func (s *Service) UpdatePastDue(ctx context.Context) (int, error) {
	var n int
	err := s.db.System(ctx, func(tx *db.Tx) error {
		// Today is read once the transaction holds the writer: a run that
		// waited behind another must not undo it with the day it began on.
		today := s.Today()
		orgs, err := orgsWithFailuresTx(ctx, tx)
		if err != nil {
			return err
		}
		for _, org := range orgs {
			if err := s.updatePastDueTx(ctx, tx, org, today); err != nil {
				return err
			}
		}
		n, err = countPastDueTx(ctx, tx)
		return err
	})
	return n, err
}

// BatchItem is one invoice in one of HMS's batches (console).
type BatchItem struct {
	BatchID     int64
	CollectOn   civil.Date
	InvoiceID   int64
	Number      string
	OrgID       int64
	Customer    string // the organisation's name
	Sequence    string
	Amount      money.Cents
	State       string // sent, collected, returned
	Reason      string // the R-code of a returned item
	ReturnedOn  civil.Date
	Failures    int        // the invoice's failed collections so far
	RetryOn     civil.Date // a returned invoice's retry (zero: none)
	InvoicePaid bool
}

// BatchItems lists batch id's items by number (0: every batch), or with
// returned, the returned items whose invoice is still open, oldest first.
func (s *Service) BatchItems(ctx context.Context, batchID int64, returned bool) ([]BatchItem, error) {
	var out []BatchItem
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		out, err = batchItemsTx(ctx, tx, batchID, returned)
		return err
	})
	return out, err
}

// CustomerBatchItems are organisation orgID's collection items, newest
// batch first (console customer page).
func (s *Service) CustomerBatchItems(ctx context.Context, orgID int64) ([]BatchItem, error) {
	var out []BatchItem
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		out, err = orgBatchItemsTx(ctx, tx, orgID)
		return err
	})
	return out, err
}
