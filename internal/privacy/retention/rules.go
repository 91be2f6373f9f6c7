package retention

import (
	"hms/internal/privacy"
)

// Category is what a retention rule is about: a kind of record the daily
// job erases, destroys or prunes when its period has passed.
type Category string

// The categories, in the order the page shows them.
const (
	// FormerTenants: a former tenant's (or guarantor's) personal data, erased
	// (privacy.Rights.Erase) a period after their last obligation ended: the
	// last lease's end or the last payment on it, whichever is later.
	FormerTenants Category = "former_tenants"
	// Bookkeeping: the fiscal archive of a year (debtor snapshots, invoice
	// documents), destroyed a number of full years after the fiscal year.
	Bookkeeping Category = "bookkeeping"
	// AuditLog: audit events, pruned behind a signed checkpoint.
	AuditLog Category = "audit_log"
	// MailAndJobs: the organisation's sent mail and finished jobs.
	MailAndJobs Category = "mail_jobs"
)

// Categories lists every category.
var Categories = []Category{FormerTenants, Bookkeeping, AuditLog, MailAndJobs}

// Unit is what a rule's period counts.
type Unit string

// Units.
const (
	Days   Unit = "days"
	Months Unit = "months"
	Years  Unit = "years"
)

// Units lists the units.
var Units = []Unit{Days, Months, Years}

// Bounds is a category's default period and the range an organisation may
// choose from.
type Bounds struct {
	Unit    Unit
	Default int
	Min     int // the law's minimum (fiscal records) or a floor that keeps the job sane
	Max     int // the most HMS lets an organisation keep (storage limitation, art. 5(1)(e) AVG)
	// Covers are the register's categories of personal data the rule ends.
	Covers []privacy.Category
}

// Limits are the bounds per category (DOMAIN.md §8.1, §9.8):
//   - former tenants: 24 months after the last obligation by default (the
//     corporations' "2 years after lease end", whose scope for other
//     landlords DOMAIN §10.16 calls uncertain: a parameter), from 1 to 84
//     months (seven years: the longest claim a tenant file still serves);
//   - bookkeeping: 7 full years after the fiscal year (AWR art. 52 lid 4,
//     the law's minimum), at most 10 (the VAT revision period of immovable
//     property);
//   - audit log: 84 months (the books' period: the log proves who changed
//     them), from 12 to 120;
//   - mail and jobs: 30 days, from 1 to 90.
var Limits = map[Category]Bounds{
	FormerTenants: {Unit: Months, Default: 24, Min: 1, Max: 84,
		Covers: []privacy.Category{privacy.Identity, privacy.Contact, privacy.Address, privacy.FreeText}},
	Bookkeeping: {Unit: Years, Default: 7, Min: 7, Max: 10, Covers: []privacy.Category{privacy.Financial, privacy.Document}},
	AuditLog:    {Unit: Months, Default: 84, Min: 12, Max: 120, Covers: []privacy.Category{privacy.Technical}},
	MailAndJobs: {Unit: Days, Default: 30, Min: 1, Max: 90, Covers: []privacy.Category{privacy.Contact, privacy.Document}},
}

// Valid reports whether c is a category.
func (c Category) Valid() bool { _, ok := Limits[c]; return ok }

// Rule is an organisation's period for a category.
type Rule struct {
	Category Category
	Period   int
	Bounds
	Changed bool // the organisation set it (false: the default)
}

// HoldKind is what a legal hold covers.
type HoldKind string

// Hold kinds.
const (
	HoldPerson HoldKind = "person" // a person (relation)
	HoldLease  HoldKind = "lease"  // a lease, and so its parties and its invoices' years
)

// HoldKinds lists the kinds.
var HoldKinds = []HoldKind{HoldPerson, HoldLease}
