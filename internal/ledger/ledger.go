// Package ledger is the open-item receivables ledger: invoices and credit
// notes that group charges, payments, and allocations that match credits to
// charges. A lease is the debtor account (its tenants are jointly and
// severally liable). Posted rows are never changed: corrections are credit
// notes and reversals, so the books at any date can be read back.
package ledger

import (
	"fmt"
	"strings"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
)

// InvoiceKind tells an invoice from a credit note.
type InvoiceKind string

const (
	KindInvoice    InvoiceKind = "invoice"
	KindCreditNote InvoiceKind = "credit_note"
)

// PaymentMethod is how money came in.
type PaymentMethod string

const (
	Cash        PaymentMethod = "cash"
	Transfer    PaymentMethod = "transfer"
	DirectDebit PaymentMethod = "direct_debit"
	OtherMethod PaymentMethod = "other"
)

// PaymentMethods in form order.
var PaymentMethods = []PaymentMethod{Transfer, Cash, DirectDebit, OtherMethod}

// Invoice is a posted invoice or credit note.
type Invoice struct {
	ID               int64
	Number           string
	FiscalYear       int
	Kind             InvoiceKind
	LeaseID          int64
	LeaseReference   string
	Period           string // "2026-01", "2026-Q1"; "" outside the rent run
	IssueDate        civil.Date
	DueDate          civil.Date
	Kenmerk          string // 16-digit betalingskenmerk
	Net, VAT, Total  money.Cents
	Open             money.Cents // what is still owed on its charges (invoices only)
	CreditsInvoiceID int64       // credit notes: the invoice they correct
	Reason           string      // credit notes: why
	RunID            int64
	Proration        string // how partial periods were computed (Draft.Proration)
	HasDocument      bool
	SentAt           time.Time
	CreatedAt        time.Time
	Charges          []Charge
}

// Charge is one line of an invoice: a lease component for part of a period.
type Charge struct {
	ID               int64
	InvoiceID        int64
	InvoiceNumber    string
	LeaseID          int64
	Period           string
	Line             string // "kind|category|label" of the lease component
	From, To         civil.Date
	Net              money.Cents
	VATRate          money.Rate
	VAT              money.Cents
	Total            money.Cents
	DueDate          civil.Date
	ReversesChargeID int64
	Basis            []Basis     // quantity and unit price, when the line has them
	Allocated        money.Cents // settled by payments and credit notes (for a credit line: used)
}

// Open is what is still owed on a charge (for a credit-note line, the
// credit not yet used, as a negative amount).
func (c Charge) Open() money.Cents {
	if c.Total < 0 {
		return c.Total + c.Allocated
	}
	return c.Total - c.Allocated
}

// Kind, Category and Label split Line.
func (c Charge) Kind() string     { return part(c.Line, 0) }
func (c Charge) Category() string { return part(c.Line, 1) }
func (c Charge) Label() string    { return part(c.Line, 2) }

func part(line string, i int) string {
	ps := strings.SplitN(line, "|", 3)
	if i < len(ps) {
		return ps[i]
	}
	return ""
}

// Payment is money received for a lease, or the reversal of such a payment.
type Payment struct {
	ID                int64
	LeaseID           int64
	LeaseReference    string
	Date              civil.Date
	Amount            money.Cents
	Method            PaymentMethod
	Reference         string
	ReversesPaymentID int64
	ReversedBy        int64
	Allocated         money.Cents
	CreatedAt         time.Time
	// sealedRef is Reference as stored (sealed under the organisation
	// key); openReferences fills Reference from it.
	sealedRef []byte
}

// Unallocated is the part of a payment that is credit on the account.
func (p Payment) Unallocated() money.Cents {
	if p.Amount < 0 || p.ReversedBy != 0 {
		return 0
	}
	return p.Amount - p.Allocated
}

// PaymentInput is a payment entered by hand.
type PaymentInput struct {
	LeaseID   int64
	Date      civil.Date
	Amount    money.Cents
	Method    PaymentMethod
	Reference string
	// Allocations chosen by the user (charge id → amount); empty: oldest
	// open charge first. What is left stays as credit on the account.
	Allocations map[int64]money.Cents
}

// CreditInput corrects a posted invoice with a credit note.
type CreditInput struct {
	InvoiceID int64
	ChargeIDs []int64 // empty: every charge of the invoice
	Reason    string
	Date      civil.Date // zero: today
	// Void frees the credited charges' rent periods to be charged again (an
	// undone rent run); a plain correction leaves them charged.
	Void  bool
	RunID int64 // the rent run being undone, kept on the credit note
}

// Balance is a lease account at a date: what was charged minus what was
// paid. Positive: the tenant owes; negative: credit.
type Balance struct {
	LeaseID  int64
	On       civil.Date
	Charged  money.Cents
	Paid     money.Cents
	Balance  money.Cents
	Overdue  money.Cents // open charges due before On
	OpenRows int
}

// StatementLine is one row of a statement of account.
type StatementLine struct {
	Date        civil.Date
	Kind        string // "invoice", "credit_note", "payment", "reversal"
	Reference   string // invoice number or payment reference
	ID          int64
	Debit       money.Cents
	Credit      money.Cents
	Balance     money.Cents
	Description string
}

// Statement is a lease account from one date to another.
type Statement struct {
	LeaseID        int64
	From, To       civil.Date
	Opening        money.Cents
	Lines          []StatementLine
	Closing        money.Cents
	LeaseReference string
}

// Line builds the charge line code of a lease component.
func Line(kind, category, label string) string { return kind + "|" + category + "|" + label }

// Number is an invoice number: the fiscal year and a 7-digit sequence,
// "2026000123"-style ("20260000123"). It doubles as the betalingskenmerk's
// payload, so a payment's reference leads back to its invoice.
func Number(year int, seq int64) string { return fmt.Sprintf("%04d%07d", year, seq) }
