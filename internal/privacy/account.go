package privacy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/i18n"
	"hms/internal/platform/validation"
	"hms/internal/subscription"
)

// The account source: subject requests where HMS is controller (a user's
// own account, PRIVACY.md P20). Unlike the sources of an organisation's
// persons, an account spans organisations, so it is not a Source run in one
// organisation's transaction: the account capability reads and erases it
// (account.SubjectData, account.EraseUser) and this file turns that into
// the same export (Rights.WriteZip) and the same receipt. Each section
// names the register's activity (Section.Activity) it belongs to, so its
// purpose, legal basis, recipients and retention are the register's own
// words (AccountActivities, TestAccountSectionsAreRegistered).

// AccountData is the account capability's side (account.Service).
type AccountData interface {
	SubjectData(ctx context.Context, id int64) (*account.SubjectData, error)
	EraseUser(ctx context.Context, staffID, id int64) (*account.UserErasure, error)
}

// AccountBilling is HMS's subscription side (subscription.Service): the
// billing details and HMS's invoices of the organisations a user is the
// billing contact or an owner of.
type AccountBilling interface {
	BilledTo(ctx context.Context, email string, owned []int64) ([]subscription.Billed, error)
}

// AccountSourceName names the account source's files in the export.
const AccountSourceName = "account"

// AccountActivities are the register's activities (all Controller) the
// account source's sections belong to, by section key.
var AccountActivities = map[string]string{
	"account.user":         "accounts",
	"account.memberships":  "accounts",
	"account.tokens":       "accounts",
	"account.sessions":     "accounts",
	"account.agreements":   "accounts",
	"account.dismissals":   "accounts",
	"account.grants":       "security",
	"account.events":       "security",
	"account.requests":     "hms_subject_requests",
	"account.billing":      "hms_billing",
	"account.hms_invoices": "hms_billing",
}

// activity is the register's activity with key, or nil.
func activity(key string) *Activity {
	for i := range Register {
		if Register[i].Key == key {
			return &Register[i]
		}
	}
	return nil
}

// canAct reports whether a acts for HMS as controller: staff in the
// console (no organisation).
func canAct(a account.Actor) bool {
	return a.OrgID == 0 && a.Kind == audit.ActorStaff && a.UserID != 0
}

// CollectAccount gathers what HMS holds about user (staff only), with the
// extra sections the caller adds (the subject-request history), and records
// the export in the platform's audit log.
func (r *Rights) CollectAccount(ctx context.Context, staff account.Actor, user int64, extra ...Section) (*Report, error) {
	if !canAct(staff) || r.accounts == nil {
		return nil, validation.ErrForbidden
	}
	d, err := r.accounts.SubjectData(ctx, user)
	if err != nil {
		return nil, err
	}
	rep := &Report{PersonID: user, Name: d.User.Name, Made: r.clk.Now()}
	secs := r.accountSections(d)
	billed, err := r.billedTo(ctx, d)
	if err != nil {
		return nil, err
	}
	secs = append(secs, billingSections(billed)...)
	for _, x := range extra {
		if AccountActivities[x.Key] == "" {
			return nil, fmt.Errorf("privacy: account section %q is not in the register", x.Key)
		}
		x.Activity = AccountActivities[x.Key]
		secs = append(secs, x)
	}
	rep.Sections = []SourceSections{{Source: AccountSourceName, Sections: secs}}
	err = r.db.System(ctx, func(tx *db.Tx) error {
		return r.audit.Record(ctx, tx, audit.Event{ActorUserID: staff.UserID, ActorKind: audit.ActorStaff, Action: "privacy.account_exported",
			TargetType: "user", TargetID: fmt.Sprint(user), Details: map[string]string{"sections": fmt.Sprint(len(secs))}})
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// ExportAccount writes what HMS holds about user as the export's zip
// (report.html, json/account.json, csv/<section>.csv), in lang.
func (r *Rights) ExportAccount(ctx context.Context, staff account.Actor, user int64, lang string, w io.Writer, extra ...Section) error {
	rep, err := r.CollectAccount(ctx, staff, user, extra...)
	if err != nil {
		return err
	}
	return r.WriteZip(rep, i18n.Supported(lang), w)
}

func (r *Rights) accountSections(d *account.SubjectData) []Section {
	// known is id when the catalogs have it, otherwise other: no raw name
	// reaches the report (the JSON keeps it beside the words).
	known := func(id, other string) string {
		if r.texts != nil && r.texts.Has(i18n.Default, id) {
			return id
		}
		return other
	}
	sec := func(key, title, origin string, cols ...string) Section {
		return Section{Key: key, Title: title, Origin: origin, Activity: AccountActivities[key], Columns: cols}
	}
	u := d.User
	user := sec("account.user", "privacy.src.account", "privacy.origin.account", "privacy.col.field", "privacy.col.value")
	yes := func(b bool) Value {
		if b {
			return Word("privacy.yes")
		}
		return Word("privacy.no")
	}
	user.Records = [][]Value{
		{Word("privacy.field.name"), Text(u.Name)},
		{Word("privacy.field.email"), Text(u.Email)},
		{Word("privacy.field.language"), Word("privacy.lang." + u.Lang)},
		{Word("privacy.field.created"), At(u.CreatedAt)},
		{Word("privacy.field.email_confirmed"), yes(u.EmailConfirmed)},
		{Word("privacy.field.totp"), yes(u.TOTPEnabled)},
		{Word("privacy.field.staff"), yes(u.IsStaff)},
	}
	mem := sec("account.memberships", "privacy.src.memberships", "privacy.origin.account", "privacy.col.organisation",
		"privacy.col.role", "privacy.col.start")
	for _, m := range d.Memberships {
		mem.Records = append(mem.Records, []Value{Text(m.OrgName), Word("role." + string(m.Role)), At(m.Since)})
	}
	tok := sec("account.tokens", "privacy.src.tokens", "privacy.origin.account", "privacy.col.organisation", "privacy.col.name",
		"privacy.col.scopes", "privacy.col.created", "privacy.col.last_used", "privacy.col.revoked")
	for _, t := range d.Tokens {
		tok.Records = append(tok.Records, []Value{Text(t.OrgName), Text(t.Name), Text(t.Scopes), At(t.CreatedAt), At(t.LastUsedAt),
			At(t.RevokedAt)})
	}
	ses := sec("account.sessions", "privacy.src.sessions", "privacy.origin.platform", "privacy.col.active", "privacy.col.last_sign_in")
	ses.Records = [][]Value{{Text(fmt.Sprint(d.Sessions.Active)), At(d.Sessions.LastSignIn)}}
	agr := sec("account.agreements", "privacy.src.agreements", "privacy.origin.account", "privacy.col.organisation",
		"privacy.col.version", "privacy.col.when")
	for _, a := range d.Agreements {
		agr.Records = append(agr.Records, []Value{Text(a.OrgName), Text(a.Version), At(a.At)})
	}
	dis := sec("account.dismissals", "privacy.src.dismissals", "privacy.origin.account", "privacy.col.document",
		"privacy.col.version", "privacy.col.when")
	for _, a := range d.Dismissals {
		dis.Records = append(dis.Records, []Value{Word("privacy.document." + a.Document), Text(a.Version), At(a.At)})
	}
	gr := sec("account.grants", "privacy.src.grants", "privacy.origin.platform", "privacy.col.organisation", "privacy.col.role",
		"privacy.col.status", "privacy.col.hours", "privacy.col.created", "privacy.col.decided")
	for _, g := range d.Grants {
		role := "privacy.grant.decided"
		if g.Asked {
			role = "privacy.grant.asked"
		}
		gr.Records = append(gr.Records, []Value{Text(g.OrgName), Word(role), Word("grant.state." + string(g.State)),
			Text(fmt.Sprint(g.Hours)), At(g.RequestedAt), At(g.DecidedAt)})
	}
	ev := sec("account.events", "privacy.src.events", "privacy.origin.platform", "privacy.col.when", "privacy.col.action",
		"privacy.col.by")
	for _, e := range d.Events {
		ev.Records = append(ev.Records, []Value{At(e.At), Named(known("audit.action."+e.Action, "audit.action.other"), e.Action),
			Word(known("privacy.actor."+e.ActorKind, "privacy.actor.other"))})
	}
	return []Section{user, mem, tok, ses, agr, dis, gr, ev}
}

// billedTo is what HMS's subscription side holds about the user as the
// billing contact (by e-mail address) or an owner of a subscribing
// organisation.
func (r *Rights) billedTo(ctx context.Context, d *account.SubjectData) ([]subscription.Billed, error) {
	if r.billing == nil {
		return nil, nil
	}
	var owned []int64
	for _, m := range d.Memberships {
		if m.Role == account.Owner {
			owned = append(owned, m.OrgID)
		}
	}
	return r.billing.BilledTo(ctx, d.User.Email, owned)
}

// billingSections are the billing details (their own data: the IBAN whole)
// and HMS's invoices of the organisations in billed.
func billingSections(billed []subscription.Billed) []Section {
	det := Section{Key: "account.billing", Title: "privacy.src.billing", Origin: "privacy.origin.billing",
		Activity: AccountActivities["account.billing"],
		Columns:  []string{"privacy.col.organisation", "privacy.col.field", "privacy.col.value"}}
	inv := Section{Key: "account.hms_invoices", Title: "privacy.src.hms_invoices", Origin: "privacy.origin.hms_invoices",
		Activity: AccountActivities["account.hms_invoices"],
		Columns: []string{"privacy.col.organisation", "privacy.col.number", "privacy.col.issued", "privacy.col.period_from",
			"privacy.col.period_to", "privacy.col.total", "privacy.col.status"}}
	for _, b := range billed {
		org := Text(b.OrgName)
		role := "privacy.billing.owner"
		if b.Contact {
			role = "privacy.billing.contact"
		}
		det.Records = append(det.Records, []Value{org, Word("privacy.field.role"), Word(role)})
		if s := b.Sub; s != nil {
			d := s.Details
			for _, f := range []struct {
				field string
				v     Value
			}{
				{"privacy.field.name", Text(d.Name)},
				{"privacy.field.address", Text(d.Address())},
				{"privacy.field.email", Text(d.Email)},
				{"privacy.field.kvk", Text(d.KvK)},
				{"privacy.field.btw", Text(d.VATID)},
				{"privacy.field.iban", Text(s.IBAN)},
				{"privacy.field.account_name", Text(d.AccountName)},
				{"privacy.field.mandate", Text(s.Mandate.Reference)},
				{"privacy.field.mandate_signed", At(s.Mandate.SignedAt)},
			} {
				if f.v.Text != "" || !f.v.At.IsZero() {
					det.Records = append(det.Records, []Value{org, Word(f.field), f.v})
				}
			}
		}
		for _, i := range b.Invoices {
			inv.Records = append(inv.Records, []Value{org, Text(i.Number), Day(i.IssuedOn), Day(i.From), Day(i.To), Amount(i.Total),
				Word("subscription.invoice.state_" + i.State)})
		}
	}
	return []Section{det, inv}
}

// EraseAccount erases user's account (staff only; account.EraseUser) and
// returns the receipt: what was erased, what is kept, until when and why.
// An account that is the only owner of an organisation is refused
// (*account.SoleOwner, a validation.Problem).
//
// It is not one transaction, and cannot be: on PostgreSQL an
// organisation's rows are written under that organisation's seal (row-level
// security) and its audit chain is appended in the same transaction, while
// the platform's rows (sessions, links, the user's row and vault subject)
// are written by the system role on a pool of its own. So it runs as steps,
// each safe to repeat, and staff repeat the whole after a failure:
//   - the billing read and EraseUser's sole-owner check read only;
//   - one transaction per organisation deletes the user's membership and
//     API tokens there, with that organisation's audit event; run again it
//     finds nothing, deletes nothing and records nothing;
//   - last, one platform transaction ends the sessions, deletes links,
//     recovery codes and dismissals, shreds the keys and blanks the login;
//     run again it deletes nothing, Shred of a shredded subject keeps it as it is
//     and AlreadyErased is reported.
//
// A failure in between leaves the organisations done so far without the
// member and the account otherwise whole (it can still sign in, to no
// organisation): nothing is half-written, and the next run finishes. The
// receipt of such a next run counts only what that run removed; the
// earlier removals are in their organisations' audit logs.
func (r *Rights) EraseAccount(ctx context.Context, staff account.Actor, user int64) (*Receipt, error) {
	if !canAct(staff) || r.accounts == nil {
		return nil, validation.ErrForbidden
	}
	// What HMS billed the user's organisations stays (fiscal record
	// keeping): read before the erasure, while the address still opens.
	var billed []subscription.Billed
	if d, err := r.accounts.SubjectData(ctx, user); err == nil {
		if billed, err = r.billedTo(ctx, d); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, validation.ErrNotFound) {
		return nil, err
	}
	e, err := r.accounts.EraseUser(ctx, staff.UserID, user)
	if err != nil {
		return nil, err
	}
	auditUntil := r.clk.Now().AddDate(0, 84, 0) // the audit log's default retention (retention.Limits)
	o := Outcome{Source: AccountSourceName,
		Erased: []Erased{
			{What: "privacy.what.account", Count: boolCount(!e.AlreadyErased)},
			{What: "privacy.what.memberships", Count: e.Memberships},
			{What: "privacy.what.tokens", Count: e.Tokens},
			{What: "privacy.what.sessions", Count: e.Sessions},
			{What: "privacy.what.links", Count: e.Links},
			{What: "privacy.what.dismissals", Count: e.Dismissals},
		},
		Kept: []Kept{
			{What: "privacy.what.account_events", Count: e.Events, Until: civil.Today(auditUntil), Why: "privacy.why.account_events"},
			{What: "privacy.what.agreements", Count: e.Agreements, Why: "privacy.why.agreements"},
			{What: "privacy.what.grants", Count: e.Grants, Until: civil.Today(auditUntil), Why: "privacy.why.grants"},
		}}
	o.Kept = append(o.Kept, billingKept(billed)...)
	return &Receipt{PersonID: user, At: r.clk.Now(), AlreadyErased: e.AlreadyErased, Outcomes: []Outcome{o}}, nil
}

// FiscalYears is how long HMS keeps its invoices after the end of the
// year they were issued in (AWR art. 52: seven years).
const FiscalYears = 7

// billingKept says what an account's erasure keeps of billed: the
// subscriptions' billing details while the organisation is a customer,
// HMS's invoices until seven years after the end of the latest one's year.
func billingKept(billed []subscription.Billed) []Kept {
	var subs, invoices, last int
	for _, b := range billed {
		if b.Sub != nil {
			subs++
		}
		for _, i := range b.Invoices {
			invoices++
			last = max(last, i.IssuedOn.Year)
		}
	}
	var out []Kept
	if subs > 0 {
		out = append(out, Kept{What: "privacy.what.billing_details", Count: subs, Why: "privacy.why.billing_details"})
	}
	if invoices > 0 {
		out = append(out, Kept{What: "privacy.what.hms_invoices", Count: invoices, Until: civil.New(last+FiscalYears, time.December, 31),
			Why: "privacy.why.hms_invoices"})
	}
	return out
}

func boolCount(b bool) int {
	if b {
		return 1
	}
	return 0
}

// IsSoleOwner reports whether err refuses an erasure because the account
// is an organisation's only owner, and names the organisations.
func IsSoleOwner(err error) ([]string, bool) {
	var so *account.SoleOwner
	if errors.As(err, &so) {
		return so.Orgs, true
	}
	return nil, false
}
