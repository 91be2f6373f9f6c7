// Package payout is money paid back to tenants: deposit refunds (created by
// deposit.Settle), settlement credits paid back (created when a statement's
// credit is booked with "pay back") and overpayments (a lease's unallocated
// credit, proposed by a user). They share one table, one life and one way to
// the bank (DOMAIN.md §5.9):
//
//	open ──approve──▶ approved ──batch──▶ in_batch ──statement / by hand──▶ paid
//	  └───────────────────┴──cancel──▶ cancelled
//
// A payout is created open when the organisation asks for four eyes
// (Settings.FourEyes): a second user, not the one who created it, approves
// it. Without four eyes creating it approves it. Approved payouts are paid
// by a batch: a pain.001 file (.03 or .09, the bank account's
// TransferVersion) from the account with purpose "deposits" for deposit
// refunds and "rent" for the others (or the account chosen), one payment per
// payout with its own end-to-end id and a remittance text naming what it is
// ("Terugbetaling waarborgsom 2027-0001"). The file is stored sealed (it
// names tenants and their IBANs), so a download gives the same bytes. A
// statement debit that carries a payout's end-to-end id and amount marks it
// paid (MarkPaidByEndToEndTx, for the statement import); so does a person
// (MarkPaid).
//
// Money in the ledger: a settlement refund or an overpayment is credit on
// the lease account. The moment its payout is created a payout debit uses
// that credit up (ledger.PayoutTx, ledger.PayoutOfCreditTx), so the credit
// cannot also be set off against rent; cancelling the payout credits that
// debit again, and the credit is back on the account. A deposit refund is no
// ledger credit: deposit.Settle moves it from the deposit (a "returned"
// deposit entry) to the payout, and it cannot be cancelled here.
//
// The payee is a relation id (the lease's first tenant); the name and IBAN
// stay sealed in relation and are read (relation.PayeesTx, logged as access
// with purpose "payout.batch") only when a file is made.
package payout

import (
	"net/http"
	"strings"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/sepa"
)

// Kind says what a payout pays back.
type Kind string

// The kinds of payout.
const (
	KindDeposit     Kind = "deposit"     // a deposit refund at lease end
	KindSettlement  Kind = "settlement"  // a service-cost settlement credit paid back
	KindOverpayment Kind = "overpayment" // a lease's unallocated credit paid back
)

// Kinds lists the kinds in the order pages show them.
var Kinds = []Kind{KindDeposit, KindSettlement, KindOverpayment}

// State is where a payout stands.
type State string

// The states of a payout.
const (
	StateOpen      State = "open"      // waiting for a second user's approval (four eyes)
	StateApproved  State = "approved"  // to be paid
	StateInBatch   State = "in_batch"  // in a payment file, waiting for the bank
	StatePaid      State = "paid"      // the bank paid it
	StateCancelled State = "cancelled" // it will not be paid
)

// States lists the states in their order of life.
var States = []State{StateOpen, StateApproved, StateInBatch, StatePaid, StateCancelled}

// Unpaid reports whether the payout may still be paid: open, approved or in
// a batch.
func (s State) Unpaid() bool { return s == StateOpen || s == StateApproved || s == StateInBatch }

// Payout is one payment to a tenant.
type Payout struct {
	ID             int64
	Kind           Kind
	LeaseID        int64
	LeaseReference string
	PayeeID        int64  // a relation (the lease's first tenant)
	PayeeName      string // filled by the lists; "" elsewhere
	Amount         money.Cents
	DueDate        civil.Date
	State          State
	// Sources: the statement (and levy) of a settlement refund, the payment
	// whose credit an overpayment pays back (0: credit-note credit), and the
	// ledger's payout debit (0 for deposits).
	StatementID     int64
	LevyID          int64
	PaymentID       int64
	LedgerInvoiceID int64
	Note            string // why an overpayment is paid back
	CreatedAt       time.Time
	CreatedBy       int64 // 0: the system (a job, a command)
	ApprovedAt      time.Time
	ApprovedBy      int64
	BatchID         int64
	EndToEndID      string
	PaidOn          civil.Date
}

// Remittance is the text the payee's bank shows with the payment: what is
// paid back, and the lease's reference. Dutch, as the files are for Dutch
// banks and tenants.
func (p Payout) Remittance() string {
	switch p.Kind {
	case KindDeposit:
		return "Terugbetaling waarborgsom " + p.LeaseReference
	case KindSettlement:
		return "Terugbetaling servicekosten " + p.LeaseReference
	}
	return "Terugbetaling te veel betaald " + p.LeaseReference
}

// Settings are the organisation's payout settings.
type Settings struct {
	// FourEyes asks that every payout be approved by a second user: the one
	// who created it cannot approve it.
	FourEyes bool
}

// Filter narrows a list of payouts; zero values: all.
type Filter struct {
	States   []State
	Kind     Kind
	LeaseID  int64
	BatchID  int64
	DueUntil civil.Date
}

// Sorts are the sort keys of List; the first is the default.
var Sorts = []string{"due_date", "lease", "amount", "state", "created"}

// OverpaymentInput proposes to pay back a lease's unallocated credit.
type OverpaymentInput struct {
	LeaseID        int64
	LeaseReference string      // another way to name the lease, as people know it
	Amount         money.Cents // 0: all of the lease's credit
	Note           string
}

// Problems of this capability (message ids in payout.<lang>.json).
var (
	ErrSameUser      = &validation.Problem{Status: http.StatusConflict, Code: "payout.approve.same_user"}
	ErrNeedsUser     = &validation.Problem{Status: http.StatusConflict, Code: "payout.approve.needs_user"}
	ErrNotOpen       = &validation.Problem{Status: http.StatusConflict, Code: "payout.approve.not_open"}
	ErrNotApproved   = &validation.Problem{Status: http.StatusConflict, Code: "payout.paid.not_approved"}
	ErrClosed        = &validation.Problem{Status: http.StatusConflict, Code: "payout.closed"}
	ErrInBatch       = &validation.Problem{Status: http.StatusConflict, Code: "payout.cancel.in_batch"}
	ErrCancelDeposit = &validation.Problem{Status: http.StatusConflict, Code: "payout.cancel.deposit"}
	ErrNoCredit      = &validation.Problem{Status: http.StatusConflict, Code: "payout.overpayment.no_credit"}
	ErrChanged       = &validation.Problem{Status: http.StatusConflict, Code: "payout.batch.changed"}
	ErrNothingToPay  = &validation.Problem{Status: http.StatusConflict, Code: "payout.batch.nothing"}
)

// --- batches ---

// Scope is what a batch pays: the payouts chosen (IDs), or every approved
// payout due on or before DueUntil (zero: every approved payout).
type Scope struct {
	IDs      []int64
	DueUntil civil.Date
}

// ScopeKind says what a batch was asked to pay.
type ScopeKind string

// The kinds of scope.
const (
	ScopeChosen ScopeKind = "chosen" // the payouts named
	ScopeDue    ScopeKind = "due"    // every approved payout due on or before a day
	ScopeAll    ScopeKind = "all"    // every approved payout
)

// ScopeKinds lists the kinds of scope.
var ScopeKinds = []ScopeKind{ScopeChosen, ScopeDue, ScopeAll}

// Kind is what the scope asks for.
func (s Scope) Kind() ScopeKind {
	switch {
	case len(s.IDs) > 0:
		return ScopeChosen
	case !s.DueUntil.IsZero():
		return ScopeDue
	}
	return ScopeAll
}

// BatchInput asks for a batch: its scope, the account to pay from (0: the
// account whose purpose fits each payout, so deposit refunds and the others
// may become two files) and the requested execution date (zero: today, or
// the next TARGET2 business day).
type BatchInput struct {
	Scope         Scope
	AccountID     int64
	ExecutionDate civil.Date
	// Expect repeats the preview's counts when confirming: if the payouts
	// changed since, nothing is made (ErrChanged). Nil: no check (the CLI
	// previews and makes in one step).
	Expect *Expect
}

// Expect is what the person saw in the preview.
type Expect struct {
	Count int
	Total money.Cents
}

// Plan is what a batch would make: one file per account, and the payouts in
// scope that it leaves out, each with the reason.
type Plan struct {
	Scope         Scope
	ExecutionDate civil.Date
	Files         []PlanFile
	Left          []LeftOut
	Count         int         // payments in all files
	Total         money.Cents // their sum
}

// PlanFile is one pain.001 file of a plan.
type PlanFile struct {
	Account sepa.Party
	// AccountID is the bank account (bank.Account.ID) paid from.
	AccountID int64
	Version   sepa.TransferVersion
	Payouts   []Payout
	Total     money.Cents
}

// LeftOut is a payout in scope that a batch does not pay, and why (a
// message id of the payout catalog, such as "payout.left.no_iban").
type LeftOut struct {
	Payout Payout
	Reason string
}

// Batch is a payment file made.
type Batch struct {
	ID            int64
	AccountID     int64
	AccountIBAN   string
	AccountName   string
	Version       sepa.TransferVersion
	MessageID     string
	ExecutionDate civil.Date
	Scope         string // "chosen", "due:YYYY-MM-DD" or "all"
	Count         int
	Total         money.Cents
	SHA256        string
	Size          int64
	CreatedAt     time.Time
	CreatedBy     int64
	Payouts       []Payout // in Batch (one), not in Batches (the list)
	Paid          int      // of its payouts, how many are paid
}

// ScopeKind is what the batch was asked to pay.
func (b Batch) ScopeKind() ScopeKind {
	k, _, _ := cut(b.Scope)
	return ScopeKind(k)
}

// ScopeDate is the due date of a "due" scope, zero otherwise.
func (b Batch) ScopeDate() civil.Date {
	_, d, ok := cut(b.Scope)
	if !ok {
		return civil.Date{}
	}
	day, err := civil.Parse(d)
	if err != nil {
		return civil.Date{}
	}
	return day
}

// FileName is the name a download gets.
func (b Batch) FileName() string { return "uitbetalingen-" + b.MessageID + ".xml" }

func cut(s string) (string, string, bool) { return strings.Cut(s, ":") }

func scopeText(s Scope) string {
	if s.Kind() == ScopeDue {
		return string(ScopeDue) + ":" + s.DueUntil.String()
	}
	return string(s.Kind())
}
