package reconcile

import (
	"context"
	"fmt"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// State is what became of a statement line.
type State string

// The states of a line.
const (
	Matched State = "matched"  // booked: a payment, a return or a payout
	Review  State = "review"   // a person decides
	NotOurs State = "not_ours" // a debit HMS did not cause (bank costs)
	Ignored State = "ignored"  // a person decided it is none of the books' business
)

// States lists the states in the order the page filters them.
var States = []State{Review, Matched, NotOurs, Ignored}

// Rule is why a line was matched, shown beside it.
type Rule string

// The rules, in the order they are tried.
const (
	RuleEndToEnd      Rule = "end_to_end"     // the end-to-end id of HMS's own collection
	RuleBatch         Rule = "batch"          // a collection booked as one entry, split by its items
	RuleKenmerk       Rule = "kenmerk"        // the invoice's betalingskenmerk
	RuleMandate       Rule = "mandate"        // the mandate reference of a lease
	RuleInvoiceNumber Rule = "invoice_number" // the invoice number in the text, with the open amount
	RulePayer         Rule = "payer"          // a payer IBAN learned from a manual match, with an open amount
	RuleManual        Rule = "manual"         // a person matched it
	RuleReturn        Rule = "return"         // a returned direct debit
	RulePayout        Rule = "payout"         // a payout HMS made
)

// Rules lists every rule.
var Rules = []Rule{RuleEndToEnd, RuleBatch, RuleKenmerk, RuleMandate, RuleInvoiceNumber, RulePayer, RuleManual, RuleReturn, RulePayout}

// CollectionItem is one direct debit of a collection, as the direct-debit
// capability gives it to the matching.
type CollectionItem struct {
	ID        int64
	InvoiceID int64
	LeaseID   int64
	Amount    money.Cents
}

// Collections is what matching needs of the direct-debit capability; nil
// leaves its rules out. Each method answers validation.ErrNotFound (or an
// empty list) when nothing fits.
type Collections interface {
	ItemByEndToEnd(ctx context.Context, tx *db.Tx, e2e string) (CollectionItem, error)
	ItemsOfBatch(ctx context.Context, tx *db.Tx, paymentInfoID string) ([]CollectionItem, error)
	MandateLease(ctx context.Context, tx *db.Tx, reference string) (int64, error)
	MarkPaid(ctx context.Context, tx *db.Tx, itemID int64, on civil.Date) error
	MarkReturned(ctx context.Context, tx *db.Tx, itemID int64, reason string, on civil.Date) error
}

// Payouts is what matching needs of the payouts capability; nil leaves the
// rule out.
type Payouts interface {
	MarkPaidByEndToEnd(ctx context.Context, tx *db.Tx, e2e string, amount money.Cents, on civil.Date) (bool, error)
}

// Result is what an import did; the CLI prints it as JSON.
type Result struct {
	ImportID   int64     `json:"-"`
	Format     string    `json:"format"`
	Statements int       `json:"statements"`
	Entries    int       `json:"entries"`    // in the file
	New        int       `json:"new"`        // stored now
	Duplicates int       `json:"duplicates"` // stored before
	Matched    int       `json:"matched"`    // new credits booked to open items automatically
	Review     int       `json:"review"`     // new credits left for a person
	Warnings   []Warning `json:"-"`
	// AddedAccounts are the accounts the import added (AddAccount).
	AddedAccounts []string `json:"added_accounts,omitempty"`
}

// Warning is something odd in a statement that did not stop the import.
type Warning struct {
	Account string
	MsgID   string
	Line    int
	Path    string
	Detail  string
}

// Refused is the error of a file that was not imported: nothing of it is
// stored. MsgID is an i18n message id; Line (MT940) or Path (camt) says
// where, Account which account the organisation does not have.
type Refused struct {
	MsgID   string
	Line    int
	Path    string
	Detail  string
	Account string
}

func (r *Refused) Error() string {
	switch {
	case r.Account != "":
		return fmt.Sprintf("bank import refused: %s: account %s", r.MsgID, r.Account)
	case r.Line > 0:
		return fmt.Sprintf("bank import refused: line %d: %s: %s", r.Line, r.MsgID, r.Detail)
	case r.Path != "":
		return fmt.Sprintf("bank import refused: at %s: %s: %s", r.Path, r.MsgID, r.Detail)
	}
	return fmt.Sprintf("bank import refused: %s: %s", r.MsgID, r.Detail)
}

// Line is a statement line as the review queue shows it.
type Line struct {
	ID           int64
	AccountID    int64
	BookingDate  civil.Date
	Amount       money.Cents
	EndToEndID   string
	MandateRef   string
	CreditorRef  string
	ReturnReason string
	State        State
	Rule         Rule
	LeaseID      int64
	LeaseRef     string
	InvoiceID    int64
	PaymentID    int64
	Note         string
	Details      Details
	Suggestions  []Suggestion
}

// Details are the sealed parts of a line: the counterparty and the texts.
type Details struct {
	Name       string `json:"name,omitempty"`
	IBAN       string `json:"iban,omitempty"`
	BIC        string `json:"bic,omitempty"`
	Account    string `json:"account,omitempty"`
	City       string `json:"city,omitempty"`
	Remittance string `json:"remittance,omitempty"`
	Info       string `json:"info,omitempty"`
	Kind       string `json:"kind,omitempty"`
	TxCode     string `json:"tx_code,omitempty"`
	BatchRef   string `json:"batch_ref,omitempty"`
}

// Suggestion is a ranked guess for a line in review.
type Suggestion struct {
	LeaseID       int64
	LeaseRef      string
	InvoiceID     int64
	InvoiceNumber string
	Open          money.Cents
	Why           string // i18n message id
	Score         int
}
