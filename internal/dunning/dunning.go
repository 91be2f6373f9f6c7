// Package dunning follows up arrears (DOMAIN.md §6): from the ledger's open,
// overdue charges per lease (the lease is the debtor account) a daily run
// proposes the next stage of each lease (herinnering, aanmaning, the 14-day
// letter the Wet incassokosten requires before a consumer owes collection
// costs, or a company's sommatie; then a hand-over to a bailiff or collection
// agency), and a person sends the letters (PDF, e-mailed through the outbox),
// charges the collection costs once the 14 days have passed unpaid, and
// approves or rejects a hand-over: automation only proposes (PRIVACY.md P13).
// Payment plans (betalingsregelingen) suspend dunning for the charges they
// cover until a term is missed. The arrears ageing list buckets what is
// overdue at a date.
package dunning

import (
	"slices"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
)

// Stage is a step of dunning. The letter stages are sent as letters; the
// hand-over and the collection costs are proposals a person decides on.
type Stage string

const (
	StageReminder Stage = "reminder" // herinnering
	StageNotice   Stage = "notice"   // aanmaning
	StageWIK      Stage = "wik"      // 14-dagenbrief (veertiendagenbrief) to a consumer, art. 6:96 lid 6 BW
	StageDemand   Stage = "demand"   // sommatie: a company's final demand (the B2B route)
	StageHandover Stage = "handover" // hand the case to a bailiff or collection agency (deurwaarder, incassobureau)
	StageCosts    Stage = "costs"    // charge the collection costs a 14-day letter named
)

// Stages in the order of dunning.
var Stages = []Stage{StageReminder, StageNotice, StageWIK, StageDemand, StageHandover, StageCosts}

// LetterStages are the stages sent as a letter.
var LetterStages = []Stage{StageReminder, StageNotice, StageWIK, StageDemand}

// Letter reports whether a stage is sent as a letter.
func (s Stage) Letter() bool { return slices.Contains(LetterStages, s) }

// Final reports whether a stage is the final letter (the 14-day letter or
// the sommatie), after which a hand-over may follow.
func (s Stage) Final() bool { return s == StageWIK || s == StageDemand }

// rank orders the letter stages and the hand-over: 0 is none.
func (s Stage) rank() int {
	switch s {
	case StageReminder:
		return 1
	case StageNotice:
		return 2
	case StageWIK, StageDemand:
		return 3
	case StageHandover:
		return 4
	}
	return 0
}

// State is where a proposal stands.
type State string

const (
	StateProposed  State = "proposed"  // waiting for a person
	StateSent      State = "sent"      // a letter: sent
	StateApproved  State = "approved"  // a hand-over: approved by a named user
	StateRejected  State = "rejected"  // a hand-over: rejected
	StateCharged   State = "charged"   // collection costs: posted on the lease
	StateDismissed State = "dismissed" // a person chose not to act on it
	StateWithdrawn State = "withdrawn" // no longer applies (paid, covered by a plan)
)

// States in display order.
var States = []State{StateProposed, StateSent, StateApproved, StateRejected, StateCharged, StateDismissed, StateWithdrawn}

// Proposal is what the daily run proposes for a lease: a letter of a stage,
// a hand-over, or charging collection costs.
type Proposal struct {
	ID             int64
	LeaseID        int64
	LeaseReference string
	Stage          Stage
	State          State
	Consumer       bool        // a person is a tenant: the 14-day letter and the WIK apply
	Overdue        money.Cents // the overdue amount it is about
	Costs          money.Cents // a 14-day letter: the collection costs it names; costs: the amount to charge
	OldestDue      civil.Date
	Items          int   // charges it covers
	LetterID       int64 // a hand-over or costs: the final letter it follows; a sent letter: the letter
	ProposedOn     civil.Date
	UpdatedOn      civil.Date // the last run that changed it
	DecidedAt      time.Time
	DecidedBy      int64
	Reason         string
	InvoiceID      int64 // costs: the invoice that charged them
	// Filled by the lists, as a list shows them (not logged per row).
	Tenants []string
	Address string
}

// DaysOverdue are the days from the oldest due date to day on.
func (p Proposal) DaysOverdue(on civil.Date) int {
	if p.OldestDue.IsZero() {
		return 0
	}
	return p.OldestDue.DaysUntil(on)
}

// Letter is a dunning letter as sent and kept (its PDF sealed in the
// fiscal archive of its year, like an invoice document).
type Letter struct {
	ID             int64
	LeaseID        int64
	LeaseReference string
	ProposalID     int64
	Stage          Stage
	Consumer       bool
	Date           civil.Date
	Deadline       civil.Date  // final letters: the last day to pay
	Principal      money.Cents // the overdue amount it names
	Costs          money.Cents // the collection costs it names (14-day letter)
	Items          int
	Mailed         int // messages put in the outbox
	SHA256         string
	CreatedAt      time.Time
	CreatedBy      int64
	Tenants        []string // filled by Letters, as a list shows them
}

// Plan is a payment plan (betalingsregeling) on a lease: terms that pay the
// charges it covers. While it is active those charges are not dunned.
type Plan struct {
	ID             int64
	LeaseID        int64
	LeaseReference string
	State          PlanState
	Total          money.Cents // what the covered charges had open when the plan was made
	Paid           money.Cents // how much of that is paid since (read from the ledger)
	Terms          []Term
	Items          []PlanItem
	Note           string
	CreatedAt      time.Time
	CreatedBy      int64
	EndedOn        civil.Date
	Tenants        []string
}

// PlanState is where a plan stands.
type PlanState string

const (
	PlanActive    PlanState = "active"
	PlanCompleted PlanState = "completed" // the covered charges are paid
	PlanBroken    PlanState = "broken"    // a term was missed: the charges returned to dunning
	PlanCancelled PlanState = "cancelled" // ended by a person
)

// PlanStates in display order.
var PlanStates = []PlanState{PlanActive, PlanCompleted, PlanBroken, PlanCancelled}

// Term is one instalment of a plan.
type Term struct {
	Seq    int
	Due    civil.Date
	Amount money.Cents
	// Met: what was paid covers this term and the ones before it.
	Met bool
}

// PlanItem is a charge a plan covers, with what it had open when the plan
// was made and has open now.
type PlanItem struct {
	ChargeID      int64
	InvoiceNumber string
	Line          string
	DueDate       civil.Date
	Amount        money.Cents
	Open          money.Cents
}

// Owed is what the terms due on or before day on add up to.
func (p Plan) Owed(on civil.Date) money.Cents {
	var owed money.Cents
	for _, t := range p.Terms {
		if !t.Due.After(on) {
			owed += t.Amount
		}
	}
	return owed
}

// Behind is how much of the terms due on or before day on is not paid.
func (p Plan) Behind(on civil.Date) money.Cents { return max(p.Owed(on)-p.Paid, 0) }

// TermInput is a term of a plan being made.
type TermInput struct {
	Due    civil.Date
	Amount money.Cents
}

// PlanInput makes a payment plan.
type PlanInput struct {
	LeaseID   int64
	ChargeIDs []int64 // open charges of the lease the plan covers
	Terms     []TermInput
	Note      string
}

// AgeingRow is a lease in the arrears ageing list at a date.
type AgeingRow struct {
	LeaseID     int64
	Reference   string
	Tenants     []string
	Address     string
	TotalOpen   money.Cents // everything open on the day, due or not
	Overdue     money.Cents // open and past its due date
	OldestDue   civil.Date
	DaysOverdue int
	Buckets     [4]money.Cents // days overdue 0–30, 31–60, 61–90, over 90
}

// BucketNames name the ageing buckets, as the list heads them.
var BucketNames = [4]string{"0–30", "31–60", "61–90", "90+"}

// bucket is the ageing bucket of days overdue.
func bucket(days int) int {
	switch {
	case days <= 30:
		return 0
	case days <= 60:
		return 1
	case days <= 90:
		return 2
	}
	return 3
}

// Ageing is the arrears ageing list at a day, with its totals.
type Ageing struct {
	On      civil.Date
	Rows    []AgeingRow
	Total   int // rows matching, over all pages
	Overdue money.Cents
	Buckets [4]money.Cents
}
