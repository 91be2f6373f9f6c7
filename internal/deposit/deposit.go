// Package deposit treats the deposit (waarborgsom, art. 7:261b BW) as a
// liability per lease: received, held, and at lease end returned within the
// return term (lease.DepositReturnDeadline: longer once anything is deducted), minus deductions that carry
// their evidence. Settling creates the refund as a payout of kind deposit
// (package payout), which approves, pays and marks it paid.
//
// The movements themselves are the lease's deposit entries; a deduction for
// arrears is also booked in the receivables ledger as a payment, so the
// tenant's open items close.
package deposit

import (
	"net/http"
	"slices"
	"time"

	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/payout"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
)

// State is where a lease's deposit stands today.
type State string

const (
	StateNone    State = "none"    // nothing held
	StateHeld    State = "held"    // the lease runs
	StateDue     State = "due"     // the lease ended, to be settled before the deadline
	StateOverdue State = "overdue" // the deadline passed without settlement
	StateSettled State = "settled" // the refund is a payout
)

// Reasons a deduction may have: those of lease.DeductionReasons.
var Reasons = lease.DeductionReasons

// SetOffReference is the payment reference of a deposit set off against
// arrears in the ledger.
const SetOffReference = "Verrekend met waarborgsom"

// Limits of evidence files.
const (
	MaxEvidenceSize  = 10 << 20 // per file
	MaxEvidenceFiles = 10       // per deduction
	maxFileName      = 200
)

// EvidenceTypes are the content types accepted as evidence, as sniffed.
var EvidenceTypes = []string{"application/pdf", "image/jpeg", "image/png"}

// Status is a lease's deposit on a day.
type Status struct {
	LeaseID   int64
	Reference string
	Today     civil.Date

	Agreed   money.Cents // in the lease
	Received money.Cents
	Deducted money.Cents
	Returned money.Cents
	Held     money.Cents // received − deducted − returned

	EndsOn         civil.Date // zero: the lease has no end yet
	Ended          bool       // EndsOn is before today
	WithDeductions bool       // a deduction is recorded: the longer term applies
	TermDays       int        // the return term that applies
	Deadline       civil.Date // EndsOn + TermDays; zero without an end
	State          State
	PayeeID        int64 // the first tenant
	Deductions     []Deduction
	Payout         *Payout // nil until settled
	// Specifications are the written specifications given so far, newest first.
	Specifications []Specification
	SettleAmount   money.Cents
}

// CanSettle reports whether Settle would be accepted now.
func (s *Status) CanSettle() bool {
	return s.Payout == nil && s.Ended && s.Received > 0 && s.PayeeID != 0
}

// DaysLeft is the number of days to the deadline (negative when overdue).
func (s *Status) DaysLeft() int {
	if s.Deadline.IsZero() {
		return 0
	}
	return s.Today.DaysUntil(s.Deadline)
}

// Deduction is a deducted deposit entry with its evidence.
type Deduction struct {
	lease.DepositEntry
	Evidence []Evidence
}

// Evidence is a file that supports a deduction (without its bytes).
type Evidence struct {
	ID          int64
	LeaseID     int64
	EntryID     int64
	FileName    string
	ContentType string
	Size        int64
	SHA256      string
	CreatedAt   time.Time
	CreatedBy   int64
}

// File is an uploaded evidence file.
type File struct {
	Name string
	Data []byte
}

// DeductionInput is a deduction to record, with optional evidence files.
type DeductionInput struct {
	Date        civil.Date // zero: today
	AmountCents money.Cents
	Reason      string // one of Reasons
	Note        string
	Evidence    []File
}

// PayoutState is where a refund stands, as the deposit sees it: still to
// pay, paid or cancelled. The payout capability's own state (waiting for
// approval, approved, in a payment file) is Payout.Stage.
type PayoutState string

const (
	PayoutOpen      PayoutState = "open"
	PayoutPaid      PayoutState = "paid"
	PayoutCancelled PayoutState = "cancelled"
)

// Payout is the refund of a settled deposit: a payout of kind deposit.
type Payout struct {
	ID             int64
	LeaseID        int64
	LeaseReference string
	PayeeID        int64 // a relation (the first tenant)
	Amount         money.Cents
	DueDate        civil.Date
	State          PayoutState
	Stage          payout.State
	PaidOn         civil.Date
	CreatedAt      time.Time
	CreatedBy      int64
}

// payoutOf is the deposit's view of payout p.
func payoutOf(p payout.Payout) *Payout {
	st := PayoutOpen
	switch p.State {
	case payout.StatePaid:
		st = PayoutPaid
	case payout.StateCancelled:
		st = PayoutCancelled
	}
	return &Payout{ID: p.ID, LeaseID: p.LeaseID, LeaseReference: p.LeaseReference, PayeeID: p.PayeeID, Amount: p.Amount, DueDate: p.DueDate,
		State: st, Stage: p.State, PaidOn: p.PaidOn, CreatedAt: p.CreatedAt, CreatedBy: p.CreatedBy}
}

// stages are the payout states a deposit payout state stands for.
func stages(st PayoutState) []payout.State {
	switch st {
	case PayoutOpen:
		return []payout.State{payout.StateOpen, payout.StateApproved, payout.StateInBatch}
	case PayoutPaid:
		return []payout.State{payout.StatePaid}
	case PayoutCancelled:
		return []payout.State{payout.StateCancelled}
	}
	return nil
}

// DueItem is a deposit to return: a lease ended (or ending soon) with
// something held.
type DueItem struct {
	LeaseID        int64
	Reference      string
	EndsOn         civil.Date
	Held           money.Cents
	WithDeductions bool
	Deadline       civil.Date
	DaysLeft       int // negative: overdue
	State          State
}

// Overdue reports whether the deadline has passed.
func (d DueItem) Overdue() bool { return d.State == StateOverdue }

// DueSorts are the sort keys of Due; the first is the default.
var DueSorts = []string{"deadline", "lease", "ends_on", "held"}

// DueWindow is how far ahead Due looks for leases that end soon.
const DueWindow = 30

// Problems of this capability (message ids in deposit.<lang>.json).
var (
	ErrNotEnded     = &validation.Problem{Status: http.StatusConflict, Code: "deposit.settle.not_ended"}
	ErrSettled      = &validation.Problem{Status: http.StatusConflict, Code: "deposit.settled"}
	ErrNothingHeld  = &validation.Problem{Status: http.StatusConflict, Code: "deposit.settle.nothing_held"}
	ErrNoTenant     = &validation.Problem{Status: http.StatusConflict, Code: "deposit.settle.no_tenant"}
	ErrPayoutClosed = &validation.Problem{Status: http.StatusConflict, Code: "deposit.payout.not_open"}
)

// sniff returns the accepted content type of data, or "" when it is not a
// PDF, JPEG or PNG. The name the browser sent is not trusted.
func sniff(data []byte) string {
	ct := http.DetectContentType(data)
	if slices.Contains(EvidenceTypes, ct) {
		return ct
	}
	return ""
}

// checkFile validates one evidence file; field names the form field.
func checkFile(f *File, fe validation.Errors, field string) string {
	switch {
	case len(f.Data) == 0:
		fe.Add(field, "deposit.evidence.empty")
		return ""
	case len(f.Data) > MaxEvidenceSize:
		fe.Add(field, "deposit.evidence.too_large")
		return ""
	}
	ct := sniff(f.Data)
	if ct == "" {
		fe.Add(field, "deposit.evidence.type")
	}
	f.Name = cleanName(f.Name)
	return ct
}

// cleanName keeps the last path element of an uploaded name, without
// control characters, at most maxFileName bytes.
func cleanName(n string) string {
	for i := len(n) - 1; i >= 0; i-- {
		if n[i] == '/' || n[i] == '\\' {
			n = n[i+1:]
			break
		}
	}
	out := make([]rune, 0, len(n))
	for _, r := range n {
		if r >= 0x20 && r != 0x7f && r != '"' {
			out = append(out, r)
		}
	}
	s := string(out)
	for len(s) > maxFileName {
		r := []rune(s)
		s = string(r[:len(r)-1])
	}
	if s == "" {
		s = "bewijs"
	}
	return s
}
