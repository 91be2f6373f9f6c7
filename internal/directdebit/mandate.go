package directdebit

import (
	"strings"
	"time"
	"unicode/utf8"

	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/sepa"
)

// Kind says whether a mandate is for recurring debits or for one.
type Kind string

// The kinds of mandate (DOMAIN §5.3: one-off vs recurrent remains).
const (
	Recurrent Kind = "recurrent"
	OneOff    Kind = "one_off"
)

// Kinds in form order.
var Kinds = []Kind{Recurrent, OneOff}

// Status is where a mandate stands.
type Status string

// The statuses of a mandate. Active and suspended mandates are current (one
// per lease at most); a suspended one is not collected until resumed (a
// return with AC04, MD01 or MD07 suspends it, DOMAIN §5.4); revoked and
// expired ones are history.
const (
	Active    Status = "active"
	Suspended Status = "suspended"
	Revoked   Status = "revoked"
	Expired   Status = "expired"
)

// Statuses in filter order.
var Statuses = []Status{Active, Suspended, Revoked, Expired}

// ExpiryMonths is how long a mandate may go unused: a mandate not collected
// for 36 months (from the last collection, or from signing when it was never
// used) has expired (DOMAIN §5.2).
const ExpiryMonths = 36

// Mandate is a debtor's SEPA Core mandate for a lease's rent.
type Mandate struct {
	ID             int64
	LeaseID        int64
	LeaseReference string
	// PartyID is the tenant (relation) the debtor is; 0 when the debtor is
	// someone else (a parent who pays, say).
	PartyID   int64
	Reference string // machtigingskenmerk
	Kind      Kind
	Status    Status
	SignedOn  civil.Date
	// The debtor's data is personal data: sealed, and filled only where the
	// service opened it (not by the …Tx functions of the statement matching).
	SignedPlace string
	DebtorName  string
	IBAN        string
	// LastCollectedOn is the date of the last collection (zero: never).
	LastCollectedOn civil.Date
	// Amended says the reference or the IBAN changed since the last
	// collection: the next one tells the bank (AmdmntInd) and then clears it.
	Amended           bool
	OriginalReference string // the reference before the amendment ("" if unchanged)
	OriginalIBAN      string // the IBAN before the amendment ("" if unchanged; opened only with the debtor)
	// StatusReason is why a mandate was suspended (a return reason code such
	// as AC04) or ended; StatusOn when.
	StatusReason string
	StatusOn     civil.Date
	CreatedAt    time.Time
}

// Current reports whether the mandate is the lease's mandate now (active or
// suspended).
func (m Mandate) Current() bool { return m.Status == Active || m.Status == Suspended }

// ExpiresOn is the last day the mandate can be collected on before it
// expires for want of use: 36 months after the last collection, or after
// signing when it was never used.
func (m Mandate) ExpiresOn() civil.Date {
	from := m.SignedOn
	if !m.LastCollectedOn.IsZero() {
		from = m.LastCollectedOn
	}
	return from.AddMonths(ExpiryMonths)
}

// ExpiredOn reports whether the mandate has expired by day d.
func (m Mandate) ExpiredOn(d civil.Date) bool { return d.After(m.ExpiresOn()) }

// Used reports whether the mandate was ever collected.
func (m Mandate) Used() bool { return !m.LastCollectedOn.IsZero() }

// NextSequence is the sequence type of the mandate's next debit, derived,
// never typed: a one-off mandate is OOFF (and "" once used: it cannot be
// collected again), a recurrent one FRST on its first use and RCUR after.
func (m Mandate) NextSequence() sepa.Sequence {
	switch {
	case m.Kind == OneOff && m.Used():
		return ""
	case m.Kind == OneOff:
		return sepa.OneOff
	case m.Used():
		return sepa.Recurrent
	}
	return sepa.First
}

// MandateInput is a new mandate. Empty fields are filled from the lease:
// the debtor is its first tenant (name and first IBAN from relations), the
// reference is made from the lease's reference.
type MandateInput struct {
	LeaseID     int64
	Reference   string // empty: "HMS-<lease reference>-<n>"
	Kind        Kind   // empty: recurrent
	SignedOn    civil.Date
	SignedPlace string
	PartyID     int64 // a tenant of the lease; 0: the first tenant
	DebtorName  string
	IBAN        string
	// LastCollectedOn is, for a mandate taken over from an earlier
	// administration, when it was last collected there: it keeps the
	// mandate from expiring and makes its next debit RCUR. Zero: never.
	LastCollectedOn civil.Date
}

// AmendInput changes a current mandate. An empty field keeps its value. A
// new reference or IBAN is an amendment the next collection reports;
// a new name is not.
type AmendInput struct {
	Reference  string
	DebtorName string
	IBAN       string
}

// Limits of a mandate's fields.
const (
	maxReference = 35 // a SEPA identifier
	maxName      = 70 // a SEPA name
	maxPlace     = 70
)

// validReference reports whether s can be a machtigingskenmerk: 1 to 35
// characters of the SEPA set, not starting or ending with "/" or a space and
// without "//" (the EPC rule for identifiers; sepa refuses the same).
func validReference(s string) bool {
	if s == "" || len(s) > maxReference || sepa.Text(s, maxReference) != s {
		return false
	}
	return !strings.HasPrefix(s, "/") && !strings.HasSuffix(s, "/") && !strings.Contains(s, "//")
}

// checkName checks a debtor's name: something a bank can carry, at most 70
// characters.
func checkName(fe validation.Errors, field, name string) string {
	name = strings.Join(strings.Fields(name), " ")
	switch {
	case name == "":
		fe.Add(field, "field.required")
	case utf8.RuneCountInString(name) > maxName:
		fe.Add(field, "directdebit.mandate.name_too_long")
	case sepa.Text(name, maxName) == "":
		fe.Add(field, "directdebit.mandate.name_invalid")
	}
	return name
}

// checkIBAN checks and normalises an IBAN.
func checkIBAN(fe validation.Errors, field, iban string) string {
	iban = nl.NormalizeIBAN(iban)
	switch {
	case iban == "":
		fe.Add(field, "field.required")
	case nl.ValidateIBAN(iban) != nil:
		fe.Add(field, "relation.iban_invalid")
	}
	return iban
}

// checkReference checks a given reference (the caller makes one when empty).
func checkReference(fe validation.Errors, field, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref != "" && !validReference(ref) {
		fe.Add(field, "directdebit.mandate.reference_invalid")
	}
	return ref
}

// generatedReference is the reference of a lease's n-th mandate:
// "HMS-<lease reference>-<n>", in the SEPA character set, at most 35 long.
func generatedReference(leaseRef string, n int) string {
	base := strings.ReplaceAll(sepa.Text(leaseRef, maxReference), " ", "-")
	base = strings.Trim(strings.ReplaceAll(base, "//", "/"), "/")
	suffix := "-" + itoa(n)
	base = "HMS-" + base
	if len(base)+len(suffix) > maxReference {
		base = strings.TrimRight(base[:maxReference-len(suffix)], "/ ")
	}
	return base + suffix
}
