package subscription

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	hmsmail "hms/internal/platform/mail"
	"hms/internal/platform/pdfdoc"
	"hms/internal/platform/validation"
)

// JobInvoice is the monthly job that issues HMS's own invoices: on the
// first of each month (Amsterdam, dailyHour) for that month.
const JobInvoice = "subscription.invoice"

// PreNotificationDays is how long after the invoice date HMS collects it
// by direct debit: the invoice is the pre-notification (at least 14
// calendar days, the SEPA Core default).
const PreNotificationDays = 14

// VATRate is the VAT rate from a date on.
type VATRate struct {
	From civil.Date
	Rate money.Rate
}

// VATRates are the Dutch general VAT rates by date, newest last: HMS's fee
// is a service at the general rate.
var VATRates = []VATRate{{From: civil.New(2012, time.October, 1), Rate: 21 * money.Percent}}

// VATRateOn is the general rate on day d.
func VATRateOn(d civil.Date) money.Rate {
	r := VATRates[0].Rate
	for _, v := range VATRates {
		if !d.Before(v.From) {
			r = v.Rate
		}
	}
	return r
}

// Seller is HMS as it prints on its own invoices (HMS_CREDITOR_NAME and
// HMS_SELLER_ADDRESS, HMS_SELLER_KVK, HMS_SELLER_VATID).
type Seller struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	KvK     string `json:"kvk"`
	VATID   string `json:"vat_id"`
	// IBAN and BIC are HMS's account its collections go to
	// (HMS_CREDITOR_IBAN, HMS_CREDITOR_BIC); not printed.
	IBAN string `json:"-"`
	BIC  string `json:"-"`
}

// Invoice is one of HMS's invoices to a customer, as issued: the amounts,
// the plan and the parties are the snapshot printed on it.
type Invoice struct {
	ID        int64
	OrgID     int64
	Number    string
	Month     civil.Month
	IssuedOn  civil.Date
	From, To  civil.Date // the period invoiced (From after the 1st: the start month, prorated)
	PlanNL    string
	PlanEN    string
	Units     int
	Net       money.Cents
	VATRate   money.Rate
	VAT       money.Cents
	Total     money.Cents
	CollectOn civil.Date
	Mandate   string // the mandate reference
	Creditor  string // HMS's Incassant-ID
	Seller    Seller
	Buyer     Details
	Lang      string
	State     string // open, paid
	// The collections (failed.go): in a batch the bank has not answered
	// yet; how often the collection failed, the last reason, the retry.
	Collecting bool
	Failures   int
	Reason     string
	RetryOn    civil.Date
}

// Plan is the plan's name in lang.
func (inv Invoice) Plan(lang string) string {
	if lang == "en" {
		return inv.PlanEN
	}
	return inv.PlanNL
}

// Period is the period in words in lang: "mei 2027", or "10 mei 2027 tot
// en met 31 mei 2027" for part of a month.
func (inv Invoice) Period(lang string) string {
	if inv.Prorated() {
		return pdfdoc.TextsIn(lang).T("doc.hms_invoice.part", "From", inv.From.Long(lang), "To", inv.To.Long(lang))
	}
	return inv.Month.Long(lang)
}

// Prorated reports whether the invoice is for part of its month.
func (inv Invoice) Prorated() bool { return inv.From.Day != 1 || inv.To != inv.Month.Last() }

// invoiceAmounts is the net, VAT and total of monthly for the days from
// to the end of month m (a whole month when from is on or before its
// first): the net prorated by days, the VAT rounded once per invoice.
func invoiceAmounts(monthly money.Cents, m civil.Month, from civil.Date, rate money.Rate) (net, vat, total money.Cents, err error) {
	net = monthly
	if from.After(m.First()) {
		days := int64(from.DaysUntil(m.Last()) + 1)
		if net, err = money.MulDiv(monthly, days, int64(civil.DaysIn(m.Year, m.Month))); err != nil {
			return 0, 0, 0, err
		}
	}
	vat = money.ApplyRate(net, rate)
	total, err = money.Add(net, vat)
	return net, vat, total, err
}

// invoiceNumber is the n-th number of HMS's one series.
func invoiceNumber(n int64) string { return fmt.Sprintf("HMS%07d", n) }

// IssueMonth issues, for every active subscription, the invoice for month
// m, and, for a subscription that started in the month before m, that
// start month's invoice if it has none yet (its start fell after that
// month's run). The start month is invoiced prorated by days from the
// subscription's first day; later months whole. Months before the start
// are never invoiced. It is idempotent: one invoice per organisation and
// month; each invoice, its number and its mail are one transaction. It
// returns how many invoices it issued.
func (s *Service) IssueMonth(ctx context.Context, m civil.Month) (int, error) {
	var subs []activeSub
	if err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		subs, err = activeSubsTx(ctx, tx)
		return err
	}); err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, sub := range subs {
		start := civil.MonthOf(sub.StartedOn)
		for _, month := range []civil.Month{m.Add(-1), m} {
			if month.Compare(start) < 0 || (month != m && month != start) {
				continue
			}
			ok, err := s.issue(ctx, sub.OrgID, month)
			if err != nil {
				errs = append(errs, fmt.Errorf("organisation %d, %s: %w", sub.OrgID, month, err))
				continue
			}
			if ok {
				n++
			}
		}
	}
	return n, errors.Join(errs...)
}

// issue issues organisation orgID's invoice for month m; false when it has
// one.
func (s *Service) issue(ctx context.Context, orgID int64, m civil.Month) (bool, error) {
	units, err := s.units(ctx, orgID)
	if err != nil {
		return false, err
	}
	plans, err := s.PublicPlans(ctx)
	if err != nil {
		return false, err
	}
	now := s.clk.Now()
	today := civil.Today(now)
	issued := false
	err = s.db.System(ctx, func(tx *db.Tx) error {
		if exists, err := invoiceExistsTx(ctx, tx, orgID, m); err != nil || exists {
			return err
		}
		// A cancellation in effect from the month's start: nothing to
		// invoice (a cancellation takes effect at a month's end).
		first := m.First()
		if gone, err := cancelledBy(ctx, tx, orgID, time.Date(first.Year, first.Month, 1, 0, 0, 0, 0, amsterdam())); err != nil || gone {
			return err
		}
		row, err := readSubscriptionTx(ctx, tx, orgID)
		if err != nil {
			return err
		}
		sub, err := s.open(ctx, tx, orgID)
		if err != nil {
			return err
		}
		inv := Invoice{OrgID: orgID, Month: m, IssuedOn: today, From: m.First(), To: m.Last(), Units: units,
			Mandate: sub.Mandate.Reference, Creditor: sub.Mandate.CreditorID, Seller: s.seller, Buyer: sub.Details, Lang: "nl"}
		if sub.StartedOn.After(inv.From) {
			inv.From = sub.StartedOn
		}
		monthly := sub.Monthly
		if p, ok := PlanFor(plans, units); ok {
			inv.PlanNL, inv.PlanEN, monthly = p.NameNL, p.NameEN, p.Price(units)
		} else {
			// No active plan holds the units now: the plan subscribed to, at
			// its price then.
			inv.PlanNL, inv.PlanEN, inv.Units = sub.PlanName, sub.PlanName, sub.Units
		}
		inv.VATRate = VATRateOn(today)
		if inv.Net, inv.VAT, inv.Total, err = invoiceAmounts(monthly, m, inv.From, inv.VATRate); err != nil {
			return err
		}
		inv.CollectOn = today.AddDays(PreNotificationDays)
		owners, err := s.owners.OwnerContacts(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if len(owners) > 0 {
			inv.Lang = langOf(owners[0].Lang)
		}
		seq, err := reserveInvoiceNumberTx(ctx, tx)
		if err != nil {
			return err
		}
		inv.Number = invoiceNumber(seq)
		buyer, err := json.Marshal(inv.Buyer)
		if err != nil {
			return fmt.Errorf("subscription: invoice buyer: %w", err)
		}
		sealed, err := s.vault.Seal(ctx, tx, row.Subject, "subscription_invoices.buyer_sealed", buyer)
		if err != nil {
			return err
		}
		if inv.ID, err = insertInvoiceTx(ctx, tx, inv, row.Subject, sealed, now); err != nil {
			return err
		}
		pdf, err := renderInvoice(inv, now)
		if err != nil {
			return err
		}
		if err := s.mailInvoice(ctx, tx, inv, owners, pdf); err != nil {
			return err
		}
		issued = true
		return s.record(ctx, tx, 0, "system", "subscription.invoiced", "organisation", orgID,
			map[string]string{"number": inv.Number, "month": m.String(), "total": inv.Total.String()})
	})
	return issued, err
}

func langOf(l string) string {
	if strings.HasPrefix(l, "en") {
		return "en"
	}
	return "nl"
}

type recipient struct{ email, lang string }

// invoiceRecipients are the billing address (in the invoice's language) and
// every owner whose address differs (in theirs).
func invoiceRecipients(inv Invoice, owners []account.OwnerContact) []recipient {
	to := []recipient{{inv.Buyer.Email, inv.Lang}}
	seen := map[string]bool{strings.ToLower(inv.Buyer.Email): true}
	for _, o := range owners {
		if !seen[strings.ToLower(o.Email)] {
			seen[strings.ToLower(o.Email)] = true
			to = append(to, recipient{o.Email, langOf(o.Lang)})
		}
	}
	return to
}

// mailInvoice sends the invoice with its PDF to the billing address (in the
// invoice's language) and to every owner whose address differs (in theirs).
func (s *Service) mailInvoice(ctx context.Context, tx *db.Tx, inv Invoice, owners []account.OwnerContact, pdf []byte) error {
	to := invoiceRecipients(inv, owners)
	name := s.texts.T(inv.Lang, "subscription.invoice.file", map[string]any{"Number": inv.Number}) + ".pdf"
	for _, r := range to {
		data := map[string]any{"Number": inv.Number, "Period": inv.Month.Long(r.lang), "Total": money.Format(inv.Total, r.lang),
			"Date": inv.CollectOn.Long(r.lang), "Mandate": inv.Mandate, "Seller": inv.Seller.Name, "Customer": inv.Buyer.Name}
		if _, err := s.outbox.Send(ctx, tx, hmsmail.Message{To: r.email,
			Subject:     s.texts.T(r.lang, "mail.subscription_invoice.subject", data),
			Text:        s.texts.T(r.lang, "mail.subscription_invoice.body", data),
			Attachments: []hmsmail.Attachment{{Name: name, ContentType: "application/pdf", Data: pdf}}}); err != nil {
			return fmt.Errorf("subscription: mail invoice %s: %w", inv.Number, err)
		}
	}
	return nil
}

// Invoices are the actor's organisation's invoices, newest first (owners).
func (s *Service) Invoices(ctx context.Context, a account.Actor) ([]Invoice, error) {
	if !a.Can(account.PermMembersManage) {
		return nil, validation.ErrForbidden
	}
	return s.invoicesOf(ctx, a.OrgID)
}

// CustomerInvoices are organisation orgID's invoices for staff (console).
func (s *Service) CustomerInvoices(ctx context.Context, orgID int64) ([]Invoice, error) {
	return s.invoicesOf(ctx, orgID)
}

func (s *Service) invoicesOf(ctx context.Context, orgID int64) ([]Invoice, error) {
	var out []Invoice
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		out, err = s.invoicesTx(ctx, tx, orgID, "")
		return err
	})
	return out, err
}

// InvoicePDF is the PDF of the actor's organisation's invoice number
// (owners); ErrNotFound for another organisation's number.
func (s *Service) InvoicePDF(ctx context.Context, a account.Actor, number string) ([]byte, *Invoice, error) {
	if !a.Can(account.PermMembersManage) {
		return nil, nil, validation.ErrForbidden
	}
	return s.invoicePDF(ctx, a.OrgID, number)
}

// CustomerInvoicePDF is an invoice's PDF for staff (console).
func (s *Service) CustomerInvoicePDF(ctx context.Context, orgID int64, number string) ([]byte, *Invoice, error) {
	return s.invoicePDF(ctx, orgID, number)
}

func (s *Service) invoicePDF(ctx context.Context, orgID int64, number string) ([]byte, *Invoice, error) {
	var inv Invoice
	var created time.Time
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		list, err := s.invoicesTx(ctx, tx, orgID, number)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return validation.ErrNotFound
		}
		inv = list[0]
		created, err = invoiceCreatedTx(ctx, tx, inv.ID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	pdf, err := renderInvoice(inv, created)
	return pdf, &inv, err
}

func (s *Service) invoicesTx(ctx context.Context, tx *db.Tx, orgID int64, number string) ([]Invoice, error) {
	rows, err := invoiceRowsTx(ctx, tx, orgID, number)
	if err != nil {
		return nil, err
	}
	out := make([]Invoice, 0, len(rows))
	for _, r := range rows {
		js, err := s.vault.Open(ctx, tx, r.subject, "subscription_invoices.buyer_sealed", r.buyer)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(js, &r.inv.Buyer); err != nil {
			return nil, fmt.Errorf("subscription: invoice buyer: %w", err)
		}
		out = append(out, r.inv)
	}
	return out, nil
}

// --- the monthly job ---

func (s *Service) registerInvoiceJob(q *jobs.Queue) {
	q.Register(JobInvoice, func(ctx context.Context, j *jobs.Job) error {
		if _, err := s.IssueMonth(ctx, civil.MonthOf(s.Today())); err != nil {
			return err
		}
		return s.ScheduleInvoices(ctx, nextInvoiceRun(s.clk.Now()))
	}, jobs.MaxAttempts(5))
}

// nextInvoiceRun is dailyHour on the first of the month after now's, in
// Amsterdam.
func nextInvoiceRun(now time.Time) time.Time {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		loc = time.UTC
	}
	t := now.In(loc)
	return time.Date(t.Year(), t.Month()+1, 1, dailyHour, 0, 0, 0, loc)
}

// ScheduleInvoices queues the invoice run for at, one per month. The app
// schedules the next first of the month at start; a month whose run was
// missed is issued by `hms subscription invoice-run --month`.
func (s *Service) ScheduleInvoices(ctx context.Context, at time.Time) error {
	if s.jobs == nil {
		return nil
	}
	err := s.db.System(ctx, func(tx *db.Tx) error {
		_, err := s.jobs.Enqueue(ctx, tx, JobInvoice, nil, jobs.UniqueKey(civil.MonthOf(civil.Today(at)).String()), jobs.RunAt(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("schedule subscription invoices: %w", err)
	}
	return nil
}

// NextInvoiceRun is when the next monthly run is due after now.
func (s *Service) NextInvoiceRun() time.Time { return nextInvoiceRun(s.clk.Now()) }
