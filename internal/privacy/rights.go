package privacy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/i18n"
	"hms/internal/platform/validation"
)

// The subject rights of access, portability and erasure (PRIVACY.md P20;
// DESIGN.md §4). Every capability that holds data about a person offers a
// Source; the app lists them once (app.build) and Rights asks each in turn,
// inside one transaction, so an export is one consistent picture and an
// erasure happens whole or not at all.

// Value is one cell of an exported record: text as stored (a name, an
// address, a reference), a word from the catalogs (a status, a kind), an
// amount, a day or a moment. The report prints it in the requester's
// language; the JSON keeps the raw value.
type Value struct {
	Text   string
	Word   string // message id
	Amount *money.Cents
	Day    civil.Date
	At     time.Time
	// Name is the raw name a Word stands for (an audit action): the JSON
	// keeps it beside the words.
	Name string
}

// Text is a Value shown as is.
func Text(s string) Value { return Value{Text: s} }

// Word is a Value from the catalogs (message id).
func Word(id string) Value { return Value{Word: id} }

// Named is a Value in words (message id) for a raw name, which the JSON
// keeps beside them.
func Named(id, name string) Value { return Value{Word: id, Name: name} }

// Amount is a money Value.
func Amount(c money.Cents) Value { return Value{Amount: &c} }

// Day is a calendar-day Value.
func Day(d civil.Date) Value { return Value{Day: d} }

// At is a moment Value.
func At(t time.Time) Value { return Value{At: t} }

// Section is one kind of records a source holds about the person, with why
// it is held (purpose, legal basis), how long, who receives it and where
// it came from. Title, Purpose, Basis, Retention, Recipients, Origin and
// the column labels are message ids; Key names the section's files in the
// export ("lease.documents").
type Section struct {
	Key        string
	Title      string
	Purpose    string
	Basis      string
	Retention  string
	Recipients string
	Origin     string
	Columns    []string
	Records    [][]Value
	// Activity, when set, is the register's activity (Register) whose own
	// words give the section's purpose, legal basis, recipients and
	// retention instead of the message ids (HMS's own data, account.go).
	Activity string
}

// Erased is what a source erased: a description (message id) and how many.
type Erased struct {
	What  string `json:"what"`
	Count int    `json:"count"`
}

// Kept is what a source keeps although the person asked for erasure, until
// when (zero: as long as the record it belongs to) and why (message id).
type Kept struct {
	What  string     `json:"what"`
	Count int        `json:"count"`
	Until civil.Date `json:"until,omitzero"`
	Why   string     `json:"why"`
}

// Outcome is one source's part of an erasure.
type Outcome struct {
	Source string   `json:"source"`
	Erased []Erased `json:"erased,omitempty"`
	Kept   []Kept   `json:"kept,omitempty"`
}

// Source is a capability's data about a person. Export returns at least
// one section (an empty one when it holds nothing about the person: the
// report then says so). Erase removes or makes unreadable what the
// source holds about the person and may lawfully let go of, and says what
// it keeps; a person who cannot be erased yet (a running lease) is
// refused with a validation.Problem, which undoes the whole erasure. Both
// run in the caller's transaction of the person's organisation; Erase runs
// again harmlessly on a person erased before.
type Source interface {
	Name() string
	Export(ctx context.Context, tx *db.Tx, actor account.Actor, person int64) ([]Section, error)
	Erase(ctx context.Context, tx *db.Tx, actor account.Actor, person int64) (Outcome, error)
}

// Person is the source that holds the person's own record (relation). Its
// Erase runs last, after every other source still could read what it
// needed (an invoice document rendered before the keys go).
type Person interface {
	Source
	// Subject is the person's display name for the report's heading, ""
	// for an erased person; validation.ErrNotFound for no such relation.
	Subject(ctx context.Context, tx *db.Tx, person int64) (name string, isPerson bool, err error)
}

// Problems of the subject rights.
var (
	// ErrNotAPerson: erasure is a right of natural persons; a company's
	// record is not personal data (its contact persons are persons).
	ErrNotAPerson = &validation.Problem{Status: 422, Code: "privacy.erase_not_a_person"}
)

// RightsDeps are what Rights needs.
type RightsDeps struct {
	DB      *db.DB
	Audit   *audit.Log
	Clock   clock.Clock
	Texts   *i18n.Catalog
	Person  Person   // the relation's own record, erased last
	Sources []Source // every other capability's data about persons
	// Accounts is the account capability (HMS as controller: a user's own
	// account, account.go); nil answers no account requests.
	Accounts AccountData
	// Billing is HMS's subscription side (the billing details and invoices
	// in an account's export); nil leaves them out.
	Billing AccountBilling
}

// Rights answers subject requests: export (access and portability) and
// erasure.
type Rights struct {
	db       *db.DB
	audit    *audit.Log
	clk      clock.Clock
	texts    *i18n.Catalog
	person   Person
	sources  []Source
	accounts AccountData
	billing  AccountBilling
}

// NewRights checks that every source has its own name.
func NewRights(d RightsDeps) (*Rights, error) {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	if d.Person == nil {
		return nil, errors.New("privacy: rights need the person source")
	}
	seen := map[string]bool{d.Person.Name(): true}
	for _, s := range d.Sources {
		if seen[s.Name()] || s.Name() == "" || strings.ContainsAny(s.Name(), "/\\. ") {
			return nil, fmt.Errorf("privacy: source name %q is empty, not a plain word or taken", s.Name())
		}
		seen[s.Name()] = true
	}
	return &Rights{db: d.DB, audit: d.Audit, clk: d.Clock, texts: d.Texts, person: d.Person, sources: d.Sources,
		accounts: d.Accounts, billing: d.Billing}, nil
}

// Sources are the registered sources, the person's own record first.
func (r *Rights) Sources() []Source { return append([]Source{r.person}, r.sources...) }

// CanExport reports whether a may export a person's data: owners and
// managers, who handle the organisation's subject requests (viewers and
// bookkeepers see only part of the record).
func CanExport(a account.Actor) bool {
	return (a.Role == account.Owner || a.Role == account.Manager) && a.Can(account.PermPortfolioRead) && a.Can(account.PermFinanceRead)
}

// CanErase reports whether a may erase a person: an owner (through the API
// a token with the admin and write scopes), since erasure cannot be undone.
func CanErase(a account.Actor) bool { return isOwner(a) && a.Can(account.PermPortfolioWrite) }

// Report is everything the sources hold about one person.
type Report struct {
	PersonID int64
	Name     string // "" once erased
	Erased   bool
	Made     time.Time
	Sections []SourceSections
}

// SourceSections are one source's sections.
type SourceSections struct {
	Source   string
	Sections []Section
}

// Collect gathers every source's sections about person, and records the
// export in the audit log (ids only).
func (r *Rights) Collect(ctx context.Context, actor account.Actor, person int64) (*Report, error) {
	if !CanExport(actor) {
		return nil, validation.ErrForbidden
	}
	rep := &Report{PersonID: person, Made: r.clk.Now()}
	err := r.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		name, _, err := r.person.Subject(ctx, tx, person)
		if err != nil {
			return err
		}
		rep.Name, rep.Erased = name, name == ""
		for _, s := range r.Sources() {
			secs, err := s.Export(ctx, tx, actor, person)
			if err != nil {
				return fmt.Errorf("export %s: %w", s.Name(), err)
			}
			rep.Sections = append(rep.Sections, SourceSections{Source: s.Name(), Sections: secs})
		}
		return r.audit.Record(ctx, tx, audit.Event{ActorUserID: actor.UserID, ActorKind: actorKind(actor), Action: "privacy.exported",
			TargetType: "relation", TargetID: fmt.Sprint(person), Details: map[string]string{"sources": fmt.Sprint(len(rep.Sections))}})
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// Receipt says what an erasure erased and what it kept, until when and
// why. It holds ids and message ids only, never the person's data.
type Receipt struct {
	PersonID      int64     `json:"person_id"`
	At            time.Time `json:"at"`
	AlreadyErased bool      `json:"already_erased"`
	Outcomes      []Outcome `json:"outcomes"`
}

// errPreview rolls a previewed erasure back.
var errPreview = errors.New("privacy: preview")

// PreviewErase says what Erase would erase and keep, or why it would be
// refused, and changes nothing: it runs the erasure and rolls it back.
func (r *Rights) PreviewErase(ctx context.Context, actor account.Actor, person int64) (*Receipt, error) {
	return r.erase(ctx, actor, person, true)
}

// Erase erases person: every source removes or makes unreadable what it
// may let go of, the person's own record last (its keys are shredded and
// its search tokens deleted), in one transaction. The receipt is returned
// and recorded in the audit log as counts per source. Erasing an erased
// person again changes nothing but is recorded.
func (r *Rights) Erase(ctx context.Context, actor account.Actor, person int64) (*Receipt, error) {
	return r.erase(ctx, actor, person, false)
}

func (r *Rights) erase(ctx context.Context, actor account.Actor, person int64, preview bool) (*Receipt, error) {
	if !CanErase(actor) {
		return nil, validation.ErrForbidden
	}
	var rc *Receipt
	err := r.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		rc = &Receipt{PersonID: person, At: r.clk.Now()}
		name, isPerson, err := r.person.Subject(ctx, tx, person)
		if err != nil {
			return err
		}
		if !isPerson {
			return ErrNotAPerson
		}
		rc.AlreadyErased = name == ""
		for _, s := range append(append([]Source{}, r.sources...), r.person) {
			o, err := s.Erase(ctx, tx, actor, person)
			if err != nil {
				return fmt.Errorf("erase %s: %w", s.Name(), err)
			}
			o.Source = s.Name()
			rc.Outcomes = append(rc.Outcomes, o)
		}
		if preview {
			return errPreview
		}
		details := map[string]string{"already_erased": fmt.Sprint(rc.AlreadyErased)}
		for _, o := range rc.Outcomes {
			for _, e := range o.Erased {
				details["erased."+e.What] = fmt.Sprint(e.Count)
			}
			for _, k := range o.Kept {
				details["kept."+k.What] = fmt.Sprint(k.Count)
			}
		}
		return r.audit.Record(ctx, tx, audit.Event{ActorUserID: actor.UserID, ActorKind: actorKind(actor), Action: "privacy.erased",
			TargetType: "relation", TargetID: fmt.Sprint(person), Details: details})
	})
	if errors.Is(err, errPreview) {
		return rc, nil
	}
	if err != nil {
		return nil, err
	}
	if r.db.Dialect == db.SQLite {
		// The embedded database keeps earlier versions of changed pages in
		// its write-ahead log until a checkpoint; plain text a source just
		// emptied (a payment's description) must not linger there. Best
		// effort: a busy reader only delays it to the next checkpoint.
		_, _ = r.db.Raw().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	return rc, nil
}

// Totals sums a receipt's lines by description, for a short summary.
func (rc *Receipt) Totals() (erased []Erased, kept []Kept) {
	for _, o := range rc.Outcomes {
		for _, e := range o.Erased {
			if e.Count > 0 {
				erased = append(erased, e)
			}
		}
		for _, k := range o.Kept {
			if k.Count > 0 {
				kept = append(kept, k)
			}
		}
	}
	return erased, kept
}

func actorKind(a account.Actor) string {
	if a.Kind == "" {
		return audit.ActorUser
	}
	return a.Kind
}
