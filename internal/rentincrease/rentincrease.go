package rentincrease

import (
	"context"
	"math/big"
	"slices"
	"time"

	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/portfolio"
)

// Status of a proposal.
type Status string

const (
	StatusDraft     Status = "draft"     // proposed; the user may lower it or exclude the lease
	StatusExcluded  Status = "excluded"  // the user left this lease out
	StatusSkipped   Status = "skipped"   // a rule stops it: see the notes
	StatusConfirmed Status = "confirmed" // the letter is made
	StatusApplied   Status = "applied"   // the new bare rent is in the lease's rent history
)

// Statuses in filter order.
var Statuses = []Status{StatusDraft, StatusConfirmed, StatusApplied, StatusExcluded, StatusSkipped}

// Basis says where the new rent comes from.
type Basis string

const (
	BasisCap         Basis = "cap"          // the legal maximum
	BasisClause      Basis = "clause"       // the lease's clause, below the legal maximum
	BasisClipped     Basis = "clipped"      // the clause was higher than the legal maximum
	BasisIndexation  Basis = "indexation"   // commercial: CPI method
	BasisFixed       Basis = "fixed"        // commercial: fixed percentage
	BasisNotComputed Basis = "not_computed" // skipped
)

// Method is a lease's contractual increase method.
type Method string

const (
	MethodNone  Method = "none"  // no yearly increase agreed
	MethodFixed Method = "fixed" // a fixed percentage
	MethodCPI   Method = "cpi"   // CPI (plus points), ROZ style
)

// Methods in form order.
var Methods = []Method{MethodCPI, MethodFixed, MethodNone}

// DefaultLagMonths is the ROZ lag: the index 4 months before the adjustment
// date against the one 16 months before (DOMAIN.md §4.3).
const DefaultLagMonths = 4

// Clause is a lease's increase or indexation clause.
type Clause struct {
	LeaseID int64
	Method  Method
	// Percent is the fixed percentage (fixed) or the points added to the
	// CPI change (cpi: "CPI + 1").
	Percent   money.Rate
	Series    string // CPI series name (cpi)
	BaseYear  int    // the series' base year (2015 = 100); informative
	LagMonths int
	FloorZero bool        // increase only: a falling index keeps the rent
	Cap       *money.Rate // at most this increase, if set
	FirstDate civil.Date  // first indexation date (commercial); zero: any
	Frequency string      // "yearly"
	UpdatedAt time.Time
}

// ClauseInput is a clause as typed in a form or a JSON body.
type ClauseInput struct {
	Method    Method
	Percent   string // "1,5" or "1.5"; "" is 0
	Series    string
	BaseYear  int
	LagMonths *int // nil: DefaultLagMonths
	FloorZero bool
	Cap       string // "" for none
	FirstDate civil.Date
}

// Note is a warning or remark on a proposal. Blocking notes stop it.
type Note struct {
	Code     string            `json:"code"` // message id
	Args     map[string]string `json:"args,omitempty"`
	Blocking bool              `json:"blocking,omitempty"`
}

// Proposal is the increase HMS proposes (or made) for one lease and date.
type Proposal struct {
	ID             int64
	LeaseID        int64
	LeaseReference string
	Address        string
	EffectiveDate  civil.Date
	Status         Status
	Kind           lease.Kind
	Segment        portfolio.Segment
	Basis          Basis
	OldCents       money.Cents
	MaxCents       money.Cents // the most HMS would propose
	NewCents       money.Cents // the proposal (the user may lower it)
	Adjusted       bool
	CapRate        *money.Rate // the legal maximum that applied
	Notes          []Note
	LetterSHA256   string
	DeliveredOn    civil.Date
	DeliveryMethod lease.DeliveryMethod
	ComponentID    int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
	ConfirmedAt    time.Time
	AppliedAt      time.Time
}

// IncreaseCents is new minus old.
func (p Proposal) IncreaseCents() money.Cents {
	if p.NewCents == 0 {
		return 0
	}
	return p.NewCents - p.OldCents
}

// Rate is the change as a percentage of the old bare rent.
func (p Proposal) Rate() money.Rate {
	if p.NewCents == 0 {
		return 0
	}
	return rateOf(p.OldCents, p.NewCents)
}

// HasLetter reports whether the letter was made.
func (p Proposal) HasLetter() bool { return p.LetterSHA256 != "" }

// Blocked reports whether a note stops the proposal.
func (p Proposal) Blocked() bool {
	return slices.ContainsFunc(p.Notes, func(n Note) bool { return n.Blocking })
}

// LastDeliveryDay is the last day a proposal may reach the tenant for an
// increase from effective: at least two months before (1 July → 30 April,
// DOMAIN.md §4.2). The rule is the statutory proposal procedure for housing;
// commercial leases are indexed by their contract (often late, once the CPI
// month is published), so HMS does not apply it to them.
func LastDeliveryDay(effective civil.Date) civil.Date {
	return effective.AddMonths(-2).AddDays(-1)
}

// Adjustment changes a draft: a lower amount, or leaving the lease out.
type Adjustment struct {
	NewCents *money.Cents
	Excluded *bool
}

// Delivery records that the letter reached the tenant.
type Delivery struct {
	On     civil.Date
	Method lease.DeliveryMethod
}

// Settings are an organisation's letter texts.
type Settings struct {
	SenderName    string // "" prints the organisation's name
	ObjectionText string // how a regulated tenant objects; "" prints DefaultObjectionText
	// ObjectionTextFree is how a free-sector tenant objects: before the
	// kantonrechter, not the Huurcommissie (DOMAIN §2.1); "" prints
	// DefaultObjectionTextFree.
	ObjectionTextFree string
}

// objectionText is the text for a residential lease of segment seg.
func (st Settings) objectionText(seg portfolio.Segment) string {
	if seg == portfolio.SegmentVrij {
		if st.ObjectionTextFree == "" {
			return DefaultObjectionTextFree
		}
		return st.ObjectionTextFree
	}
	if st.ObjectionText == "" {
		return DefaultObjectionText
	}
	return st.ObjectionText
}

// DefaultObjectionText tells a residential tenant how to object. The 7:253
// BW deadlines are not settled (DOMAIN.md §4.2), so the text is an
// organisation setting.
const DefaultObjectionText = "Gaat u niet akkoord met dit voorstel? Laat het ons dan vóór de ingangsdatum schriftelijk weten, met de " +
	"reden. " +
	"Betaalt u de nieuwe huur niet en maakt u geen bezwaar, dan geldt de verhoging als aanvaard. " +
	"Houden wij het voorstel na uw bezwaar aan, dan kunnen wij of u de Huurcommissie vragen een uitspraak te doen " +
	"(www.huurcommissie.nl, binnen de termijnen van artikel 7:253 BW). Voor gratis advies kunt u terecht bij het Juridisch Loket " +
	"(www.juridischloket.nl)."

// DefaultObjectionTextFree tells a free-sector tenant how to object: the
// Huurcommissie does not rule on liberalised rents, the kantonrechter does
// (DOMAIN §2.1 table, §7.1).
const DefaultObjectionTextFree = "Gaat u niet akkoord met dit voorstel? " +
	"Laat het ons dan vóór de ingangsdatum schriftelijk weten, met de reden. " +
	"Uw woning valt in de vrije sector (geliberaliseerde huur): de Huurcommissie doet over deze huurverhoging geen uitspraak. " +
	"Komen wij er samen niet uit, dan kunnen wij of u de kantonrechter vragen erover te oordelen; ook dan geldt de wettelijke " +
	"maximale verhoging voor de vrije sector. Voor gratis advies kunt u terecht bij het Juridisch Loket (www.juridischloket.nl)."

// ImportResult counts what a CPI import changed.
type ImportResult struct {
	Lines     int
	Added     int
	Changed   int
	Unchanged int
}

// PostedThrough tells the last day of the last posted rent period of a
// lease (zero: nothing posted). The ledger implements it; an increase may
// only start after that day, because posted charges are never changed.
type PostedThrough interface {
	PostedThrough(ctx context.Context, tx *db.Tx, leaseID int64) (civil.Date, error)
}

// cpiRatio is CPI[t−lag] / CPI[t−lag−12] for effective date d, or the
// month that is missing.
func cpiRatio(lookup func(series string, m civil.Month) (string, bool), series string, lag int,
	d civil.Date) (*big.Rat, civil.Month, bool) {
	newM := civil.MonthOf(d).Add(-lag)
	oldM := newM.Add(-12)
	nv, ok := lookup(series, newM)
	if !ok {
		return nil, newM, false
	}
	ov, ok := lookup(series, oldM)
	if !ok {
		return nil, oldM, false
	}
	n, o := ratOf(nv), ratOf(ov)
	if n == nil || o == nil || o.Sign() == 0 {
		return nil, oldM, false
	}
	return new(big.Rat).Quo(n, o), civil.Month{}, true
}
