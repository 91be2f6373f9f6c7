package requests

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/i18n"
	"hms/internal/platform/jobs"
	pmail "hms/internal/platform/mail"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
	"hms/internal/privacy"
	"hms/internal/privacy/guard"
	"hms/internal/relation"
)

// Problems of the process.
var (
	// ErrLinkInvalid: a code form's or download's link is unknown, used or expired.
	ErrLinkInvalid = &validation.Problem{Status: 410, Code: "subject_request.link_invalid"}
	// ErrState: the step does not fit where the request stands.
	ErrState = &validation.Problem{Status: 409, Code: "subject_request.state_conflict"}
)

// Rights is the export and erasure of a person (privacy.Rights).
type Rights interface {
	Export(ctx context.Context, actor account.Actor, person int64, lang string, w io.Writer) error
	Erase(ctx context.Context, actor account.Actor, person int64) (*privacy.Receipt, error)
}

// Owners finds an organisation's owners for a reminder (account does, in a
// System transaction).
type Owners interface {
	OwnerContacts(ctx context.Context, tx *db.Tx, orgID int64) ([]account.OwnerContact, error)
}

// Deps are what the service needs.
type Deps struct {
	DB      *db.DB
	Vault   *vault.Vault
	Audit   *audit.Log
	Clock   clock.Clock
	Outbox  *pmail.Outbox
	Texts   *i18n.Catalog
	Rights  Rights
	Owners  Owners
	Persons Persons     // nil: restriction and objection are only completed by hand
	Jobs    *jobs.Queue // nil: no daily reminders (tests of the rest)
	BaseURL func() string
	// AccountRights and Accounts answer the console's requests about a
	// person's own HMS account (account.go); nil: staff complete those by
	// hand. Staff lists the platform's staff, whom the console's reminders
	// reach.
	AccountRights AccountRights
	Accounts      Accounts
	Staff         StaffContacts
}

// Service is the face of the subject-request process.
type Service struct {
	db      *db.DB
	vault   *vault.Vault
	audit   *audit.Log
	clk     clock.Clock
	outbox  *pmail.Outbox
	texts   *i18n.Catalog
	rights  Rights
	owners  Owners
	persons Persons
	jobs    *jobs.Queue
	baseURL func() string

	accountRights AccountRights
	accounts      Accounts
	staff         StaffContacts
}

// New returns the service and registers its daily job.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	if d.BaseURL == nil {
		d.BaseURL = func() string { return "" }
	}
	s := &Service{db: d.DB, vault: d.Vault, audit: d.Audit, clk: d.Clock, outbox: d.Outbox, texts: d.Texts, rights: d.Rights,
		owners: d.Owners, persons: d.Persons, jobs: d.Jobs, baseURL: d.BaseURL,
		accountRights: d.AccountRights, accounts: d.Accounts, staff: d.Staff}
	if d.Jobs != nil {
		s.registerJobs(d.Jobs)
	}
	return s
}

// Staff is the actor of HMS staff in the console: no organisation.
func Staff(userID int64) account.Actor { return account.Actor{UserID: userID, Kind: audit.ActorStaff} }

// CanHandle reports whether the actor answers subject requests: owners and
// managers of the organisation (they may export a person's data), or staff
// in the console for HMS's own.
func CanHandle(a account.Actor) bool {
	if a.OrgID == 0 {
		return a.Kind == audit.ActorStaff && a.UserID != 0
	}
	return privacy.CanExport(a) && a.Can(account.PermPortfolioWrite)
}

// in runs fn in the actor's place: the console's System transaction or the
// organisation's.
func (s *Service) in(ctx context.Context, a account.Actor, fn func(*db.Tx) error) error {
	if !CanHandle(a) {
		return validation.ErrForbidden
	}
	return s.at(ctx, a.OrgID, fn)
}

// at runs fn in organisation org's transaction, or the platform's for 0.
func (s *Service) at(ctx context.Context, org int64, fn func(*db.Tx) error) error {
	if org == 0 {
		return s.db.System(ctx, fn)
	}
	return s.db.InOrg(ctx, org, fn)
}

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }

// Today is the service clock's day (what is overdue).
func (s *Service) Today() civil.Date { return s.today() }

// SubmitInput is a request as the website's form (or the API) takes it.
type SubmitInput struct {
	Kind     Kind
	About    About
	Landlord string // the landlord's name when About is AboutLandlord
	Name     string
	Email    string
	Details  string
	Proposed map[string]string // rectification, completion: field (ProposedFields) → the right value
	Lang     string
}

func (in *SubmitInput) check() error {
	errs := validation.Errors{}
	in.Name, in.Email, in.Landlord = strings.TrimSpace(in.Name), strings.TrimSpace(in.Email), strings.TrimSpace(in.Landlord)
	if !validKind(in.Kind) {
		errs.Add("kind", "subject_request.kind_required")
	}
	if in.About != AboutAccount && in.About != AboutLandlord {
		errs.Add("about", "subject_request.about_required")
	}
	if in.About == AboutLandlord && in.Landlord == "" {
		errs.Add("landlord", "subject_request.landlord_required")
	}
	if in.Name == "" {
		errs.Add("name", "subject_request.name_required")
	}
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || a.Name != "" {
		errs.Add("email", "subject_request.email_invalid")
	}
	if in.Kind == Rectification || in.Kind == Completion {
		in.Proposed = checkProposed(errs, in.Proposed, in.About)
	} else {
		in.Proposed = nil
	}
	if (in.Kind == Rectification || in.Kind == Completion) && strings.TrimSpace(in.Details) == "" && len(in.Proposed) == 0 {
		errs.Add("details", "subject_request.details_required")
	}
	for f, v := range map[string]string{"name": in.Name, "landlord": in.Landlord, "details": in.Details} {
		if len(v) > MaxNoteLength {
			errs.Add(f, "subject_request.too_long")
		}
	}
	if in.Lang != "en" {
		in.Lang = "nl"
	}
	return errs.Err()
}

func validKind(k Kind) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Submitted is what the website shows after a submission: the code form's
// link secret.
type Submitted struct{ Token string }

// Submit takes a request from the website: it is routed to its controller
// (HMS, or the one organisation whose name the landlord's name matches,
// else the console), and a six-digit code is mailed to the requester. The
// token opens the code form.
func (s *Service) Submit(ctx context.Context, in SubmitInput) (*Submitted, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	org := int64(0)
	if in.About == AboutLandlord {
		var ids []int64
		if err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
			var err error
			ids, err = orgsByName(ctx, tx, in.Landlord)
			return err
		}); err != nil {
			return nil, err
		}
		if len(ids) == 1 {
			org = ids[0]
		}
	}
	now := s.clk.Now()
	r := &Request{Kind: in.Kind, About: in.About, Channel: Website, State: Verifying, Priority: in.Kind == Unlawful, Lang: in.Lang,
		ReceivedAt: now, DueOn: DueOn(now), FirstDueOn: DueOn(now)}
	p := Personal{Name: in.Name, Email: in.Email, Landlord: in.Landlord, Details: strings.TrimSpace(in.Details), Proposed: in.Proposed}
	token, hash := newSecret("v_")
	err := s.at(ctx, org, func(tx *db.Tx) error {
		if err := s.create(ctx, tx, r, p, audit.ActorSystem, 0); err != nil {
			return err
		}
		return s.sendCode(ctx, tx, r, p)
	})
	if err != nil {
		return nil, err
	}
	if err := s.db.System(ctx, func(tx *db.Tx) error {
		return insertToken(ctx, tx, hash, org, r.ID, "verify", now.Add(VerifyTTL))
	}); err != nil {
		return nil, err
	}
	return &Submitted{Token: token}, nil
}

// create seals the personal document under a new subject and inserts r.
func (s *Service) create(ctx context.Context, tx *db.Tx, r *Request, p Personal, actorKind string, actorID int64) error {
	subject, err := s.vault.NewSubject(ctx, tx, "subject_request")
	if err != nil {
		return err
	}
	r.subject = int64(subject)
	sealed, err := s.seal(ctx, tx, r, p)
	if err != nil {
		return err
	}
	if r.ID, err = insertRequest(ctx, tx, r, r.subject, sealed); err != nil {
		return err
	}
	r.OrgID = tx.OrgID()
	r.Personal = p
	return s.record(ctx, tx, actorKind, actorID, r, "subject_request.received",
		map[string]string{"kind": string(r.Kind), "channel": string(r.Channel)})
}

func (s *Service) seal(ctx context.Context, tx *db.Tx, r *Request, p Personal) ([]byte, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("subject requests: seal: %w", err)
	}
	return s.vault.Seal(ctx, tx, vault.SubjectID(r.subject), "privacy_requests.data_sealed", b)
}

func (s *Service) open(ctx context.Context, tx *db.Tx, r *Request, sealed []byte) error {
	b, err := s.vault.Open(ctx, tx, vault.SubjectID(r.subject), "privacy_requests.data_sealed", sealed)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, &r.Personal)
}

func (s *Service) record(ctx context.Context, tx *db.Tx, kind string, user int64, r *Request, action string,
	details map[string]string) error {
	return s.audit.Record(ctx, tx, audit.Event{ActorUserID: user, ActorKind: kind, Action: action,
		TargetType: "subject_request", TargetID: fmt.Sprint(r.ID), Details: details})
}

// sendCode mails a fresh code and stores its hash.
func (s *Service) sendCode(ctx context.Context, tx *db.Tx, r *Request, p Personal) error {
	if r.sends >= CodeSends {
		return validation.Errors{"code": "subject_request.code_sends"}
	}
	code := newCode()
	r.codeHash = hashOf(fmt.Sprint(r.subject), code)
	r.codeExpiry = s.clk.Now().Add(CodeTTL)
	r.attempts = 0
	r.sends++
	r.State = Verifying
	if err := updateRequest(ctx, tx, r, nil); err != nil {
		return err
	}
	return s.mail(ctx, tx, r, p.Email, "subject_request.mail.code", map[string]any{"Code": code, "Minutes": int(CodeTTL.Minutes())})
}

// mail sends the requester one message in their language.
func (s *Service) mail(ctx context.Context, tx *db.Tx, r *Request, to, id string, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	data["Kind"] = s.texts.T(r.Lang, "subject_request.kind."+string(r.Kind), nil)
	data["Received"] = civil.Today(r.ReceivedAt).Long(r.Lang)
	data["Due"] = r.DueOn.Long(r.Lang)
	_, err := s.outbox.Send(ctx, tx, pmail.Message{To: to, Subject: s.texts.T(r.Lang, id+".subject", data),
		Text: s.texts.T(r.Lang, id+".body", data)})
	return err
}

// byToken finds the request a link opens.
func (s *Service) byToken(ctx context.Context, token, purpose string, use bool) (org, id int64, err error) {
	if token == "" {
		return 0, 0, ErrLinkInvalid
	}
	err = s.db.System(ctx, func(tx *db.Tx) error {
		var err error
		org, id, err = findToken(ctx, tx, hashOf(token), purpose, s.clk.Now(), use)
		return err
	})
	return org, id, err
}

// Verify takes the code the requester typed. A wrong code counts; after
// three, or ten minutes, the code is spent and a new one may be sent.
func (s *Service) Verify(ctx context.Context, token, code string) error {
	org, id, err := s.byToken(ctx, token, "verify", false)
	if err != nil {
		return err
	}
	var wrong error
	err = s.at(ctx, org, func(tx *db.Tx) error {
		r, _, err := getRequest(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if r.State != Verifying {
			return ErrLinkInvalid
		}
		now := s.clk.Now()
		switch {
		case r.attempts >= CodeAttempts:
			return validation.Errors{"code": "subject_request.code_spent"}
		case !now.Before(r.codeExpiry):
			return validation.Errors{"code": "subject_request.code_expired"}
		case hashOf(fmt.Sprint(r.subject), strings.TrimSpace(code)) != r.codeHash:
			r.attempts++
			wrong = validation.Errors{"code": "subject_request.code_wrong"}
			if r.attempts >= CodeAttempts {
				wrong = validation.Errors{"code": "subject_request.code_spent"}
			}
			return updateRequest(ctx, tx, r, nil) // the attempt counts: committed
		}
		r.codeHash, r.State, r.VerifiedAt, r.VerifiedBy = "", InProgress, now, "code"
		if err := updateRequest(ctx, tx, r, nil); err != nil {
			return err
		}
		return s.record(ctx, tx, audit.ActorSystem, 0, r, "subject_request.verified", map[string]string{"how": "code"})
	})
	if err != nil {
		return err
	}
	if wrong != nil {
		return wrong
	}
	_, _, err = s.byToken(ctx, token, "verify", true)
	return err
}

// Resend mails a new code (at most three per request).
func (s *Service) Resend(ctx context.Context, token string) error {
	org, id, err := s.byToken(ctx, token, "verify", false)
	if err != nil {
		return err
	}
	return s.at(ctx, org, func(tx *db.Tx) error {
		r, sealed, err := getRequest(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if r.State != Verifying {
			return ErrLinkInvalid
		}
		if err := s.open(ctx, tx, r, sealed); err != nil {
			return err
		}
		return s.sendCode(ctx, tx, r, r.Personal)
	})
}

// Download answers a download link once: the export zip.
func (s *Service) Download(ctx context.Context, token string) ([]byte, error) {
	org, id, err := s.byToken(ctx, token, "download", true)
	if err != nil {
		return nil, err
	}
	var zip []byte
	err = s.at(ctx, org, func(tx *db.Tx) error {
		subject, sealed, err := readExport(ctx, tx, id)
		if err != nil {
			return err
		}
		zip, err = s.vault.Open(ctx, tx, vault.SubjectID(subject), "privacy_requests.export_sealed", sealed)
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorKind: audit.ActorSystem, Action: "subject_request.downloaded",
			TargetType: "subject_request", TargetID: fmt.Sprint(id)})
	})
	return zip, err
}

// RecordInput is a request the landlord records on a person's behalf (the
// back office, the API).
type RecordInput struct {
	PersonID int64 // the person it is about (0: to be matched later)
	Kind     Kind
	Name     string
	Email    string
	Details  string
	Proposed map[string]string // rectification, completion: field (ProposedFields) → the right value
	Note     string            // what the landlord saw to verify the identity; empty: not yet verified
	Channel  Channel
	Lang     string
}

// Record records a request on a person's behalf in the organisation's
// inbox; with a note the identity counts as verified by the landlord.
func (s *Service) Record(ctx context.Context, a account.Actor, in RecordInput) (int64, error) {
	if a.OrgID == 0 {
		return 0, validation.ErrForbidden
	}
	sub := SubmitInput{Kind: in.Kind, About: AboutLandlord, Landlord: "-", Name: in.Name, Email: in.Email, Details: in.Details,
		Proposed: in.Proposed, Lang: in.Lang}
	errs := validation.Errors{}
	if err := sub.check(); err != nil {
		errs, _ = validation.AsFields(err)
	}
	if len(in.Note) > MaxNoteLength {
		errs.Add("note", "subject_request.too_long")
	}
	if err := errs.Err(); err != nil {
		return 0, err
	}
	if in.Channel != API {
		in.Channel = Office
	}
	now := s.clk.Now()
	r := &Request{Kind: in.Kind, About: AboutLandlord, Channel: in.Channel, State: Received, Priority: in.Kind == Unlawful,
		Lang: sub.Lang, ReceivedAt: now, DueOn: DueOn(now), FirstDueOn: DueOn(now), PersonID: in.PersonID}
	p := Personal{Name: sub.Name, Email: sub.Email, Details: strings.TrimSpace(in.Details), Note: strings.TrimSpace(in.Note),
		Proposed: sub.Proposed}
	if p.Note != "" {
		r.State, r.VerifiedAt, r.VerifiedBy = InProgress, now, "manual"
	}
	err := s.in(ctx, a, func(tx *db.Tx) error {
		texts := []guard.Text{{Field: "details", Value: p.Details}, {Field: "note", Value: p.Note}}
		for _, f := range ProposedFields {
			if v, ok := p.Proposed[f]; ok {
				texts = append(texts, guard.Text{Field: "proposed_" + f, Value: v})
			}
		}
		if err := guard.Review(ctx, tx, s.audit, a, texts...); err != nil {
			return err
		}
		return s.create(ctx, tx, r, p, kindOf(a), a.UserID)
	})
	if err != nil {
		return 0, err
	}
	return r.ID, nil
}

func kindOf(a account.Actor) string {
	if a.Kind == "" {
		return audit.ActorUser
	}
	return a.Kind
}

// List lists the actor's requests (an organisation's inbox, or the
// console's): overdue first, then open ones by due day, then the closed.
func (s *Service) List(ctx context.Context, a account.Actor, f Filter) ([]*Request, error) {
	var out []*Request
	err := s.in(ctx, a, func(tx *db.Tx) error {
		rs, sealed, err := listRequests(ctx, tx, f, s.today())
		if err != nil {
			return err
		}
		for i, r := range rs {
			if err := s.open(ctx, tx, r, sealed[i]); err != nil {
				return err
			}
		}
		out = rs
		return nil
	})
	return out, err
}

// Get reads one request of the actor's.
func (s *Service) Get(ctx context.Context, a account.Actor, id int64) (*Request, error) {
	var r *Request
	err := s.in(ctx, a, func(tx *db.Tx) error {
		var sealed []byte
		var err error
		if r, sealed, err = getRequest(ctx, tx, id, false); err != nil {
			return err
		}
		return s.open(ctx, tx, r, sealed)
	})
	return r, err
}

// change runs one step on an open request in the actor's place: fn changes
// r (and its document); the request is written back, the step audited.
func (s *Service) change(ctx context.Context, a account.Actor, id int64, action string,
	fn func(tx *db.Tx, r *Request) error) (*Request, error) {
	var r *Request
	err := s.in(ctx, a, func(tx *db.Tx) error {
		var sealed []byte
		var err error
		if r, sealed, err = getRequest(ctx, tx, id, true); err != nil {
			return err
		}
		if err := s.open(ctx, tx, r, sealed); err != nil {
			return err
		}
		if !r.Open() {
			return ErrState
		}
		if err := fn(tx, r); err != nil {
			return err
		}
		if sealed, err = s.seal(ctx, tx, r, r.Personal); err != nil {
			return err
		}
		if err := updateRequest(ctx, tx, r, sealed); err != nil {
			return err
		}
		return s.record(ctx, tx, kindOf(a), a.UserID, r, action, map[string]string{"state": string(r.State)})
	})
	if err != nil {
		return nil, err
	}
	if r.OrgID != 0 && r.Linked != 0 && !r.Open() {
		s.closeLinked(ctx, r)
	}
	return r, nil
}

// closeLinked sets the console's request that was forwarded to r's
// organisation to r's outcome; the console sees that it was answered,
// never how.
func (s *Service) closeLinked(ctx context.Context, r *Request) {
	_ = s.db.System(ctx, func(tx *db.Tx) error { // best effort: the console's copy only mirrors the state
		p, _, err := getRequest(ctx, tx, r.Linked, true)
		if err != nil {
			return err
		}
		p.State, p.ClosedAt = r.State, r.ClosedAt
		return updateRequest(ctx, tx, p, nil)
	})
}

// guarded reviews landlord-entered free text (the console's is staff's).
func (s *Service) guarded(ctx context.Context, tx *db.Tx, a account.Actor, texts ...guard.Text) error {
	if a.OrgID == 0 {
		return nil
	}
	return guard.Review(ctx, tx, s.audit, a, texts...)
}

// VerifyManually records that the handler checked the requester's identity
// and what they saw (never a copy of a document).
func (s *Service) VerifyManually(ctx context.Context, a account.Actor, id int64, note string) error {
	note = strings.TrimSpace(note)
	if note == "" || len(note) > MaxNoteLength {
		return validation.Errors{"note": "subject_request.note_required"}
	}
	_, err := s.change(ctx, a, id, "subject_request.verified", func(tx *db.Tx, r *Request) error {
		if r.Verified() {
			return ErrState
		}
		if err := s.guarded(ctx, tx, a, guard.Text{Field: "note", Value: note}); err != nil {
			return err
		}
		r.Personal.Note, r.VerifiedAt, r.VerifiedBy, r.codeHash = note, s.clk.Now(), "manual", ""
		if r.State == Received || r.State == Verifying {
			r.State = InProgress
		}
		return nil
	})
	return err
}

// Extend extends the term once, by one or two months, within the first
// month, with the reason; the requester is mailed.
func (s *Service) Extend(ctx context.Context, a account.Actor, id int64, months int, reason string) error {
	reason = strings.TrimSpace(reason)
	errs := validation.Errors{}
	if months < 1 || months > MaxExtension {
		errs.Add("months", "subject_request.months_invalid")
	}
	if reason == "" || len(reason) > MaxNoteLength {
		errs.Add("reason", "subject_request.reason_required")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	_, err := s.change(ctx, a, id, "subject_request.extended", func(tx *db.Tx, r *Request) error {
		if !CanExtend(r, s.today()) {
			return &validation.Problem{Status: 409, Code: "subject_request.extend_late"}
		}
		if err := s.guarded(ctx, tx, a, guard.Text{Field: "reason", Value: reason}); err != nil {
			return err
		}
		r.Personal.Extend, r.DueOn, r.State = reason, ExtendedDue(r.FirstDueOn, months), Extended
		return s.mail(ctx, tx, r, r.Personal.Email, "subject_request.mail.extended", map[string]any{"Reason": reason})
	})
	return err
}

// Refuse refuses the request with the reason; the mail names the right to
// complain to the Autoriteit Persoonsgegevens.
func (s *Service) Refuse(ctx context.Context, a account.Actor, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > MaxNoteLength {
		return validation.Errors{"reason": "subject_request.reason_required"}
	}
	_, err := s.change(ctx, a, id, "subject_request.refused", func(tx *db.Tx, r *Request) error {
		if err := s.guarded(ctx, tx, a, guard.Text{Field: "reason", Value: reason}); err != nil {
			return err
		}
		return s.refuse(ctx, tx, r, reason, "")
	})
	return err
}

func (s *Service) refuse(ctx context.Context, tx *db.Tx, r *Request, reason, reasonID string) error {
	r.Personal.Reason, r.RefusalID, r.State, r.ClosedAt = reason, reasonID, Refused, s.clk.Now()
	if reasonID != "" {
		reason = s.texts.T(r.Lang, reasonID, nil)
	}
	return s.mail(ctx, tx, r, r.Personal.Email, "subject_request.mail.refused", map[string]any{"Reason": reason})
}

// Complete marks a request done with what was done (a restriction or an
// objection recorded on the person, a correction made by hand); the
// requester is mailed.
func (s *Service) Complete(ctx context.Context, a account.Actor, id int64, done string) error {
	done = strings.TrimSpace(done)
	if done == "" || len(done) > MaxNoteLength {
		return validation.Errors{"done": "subject_request.done_required"}
	}
	_, err := s.change(ctx, a, id, "subject_request.completed", func(tx *db.Tx, r *Request) error {
		if !r.Verified() {
			return &validation.Problem{Status: 409, Code: "subject_request.not_verified"}
		}
		if err := s.guarded(ctx, tx, a, guard.Text{Field: "done", Value: done}); err != nil {
			return err
		}
		r.Personal.Done, r.State, r.ClosedAt, r.Outcome = done, Completed, s.clk.Now(), "subject_request.outcome.done"
		return s.mail(ctx, tx, r, r.Personal.Email, "subject_request.mail.done", map[string]any{"Done": done})
	})
	return err
}

// SendExport answers an access or portability request with the export of
// person (privacy.Rights): the zip is sealed with the request and the
// requester mailed a link that downloads it once within 14 days.
// In the console (staff) it exports the requester's own account instead
// and person is not used (account.go).
func (s *Service) SendExport(ctx context.Context, a account.Actor, id, person int64) error {
	if a.OrgID == 0 && CanHandle(a) {
		return s.sendAccountExport(ctx, a, id)
	}
	if a.OrgID == 0 || !CanHandle(a) {
		return validation.ErrForbidden
	}
	if person == 0 {
		return validation.Errors{"person": "subject_request.person_required"}
	}
	r, err := s.Get(ctx, a, id)
	if err != nil {
		return err
	}
	if !r.Open() || !r.Exports() {
		return ErrState
	}
	if !r.Verified() {
		return &validation.Problem{Status: 409, Code: "subject_request.not_verified"}
	}
	var zip bytes.Buffer
	if err := s.rights.Export(ctx, a, person, r.Lang, &zip); err != nil {
		if errors.Is(err, validation.ErrNotFound) {
			return validation.Errors{"person": "subject_request.person_required"}
		}
		return err
	}
	return s.deliverExport(ctx, a, id, person, zip.Bytes())
}

// deliverExport seals the export zip with request id, completes it and
// mails the requester a link that downloads it once within 14 days.
func (s *Service) deliverExport(ctx context.Context, a account.Actor, id, person int64, zip []byte) error {
	token, hash := newSecret("d_")
	if err := s.db.System(ctx, func(tx *db.Tx) error {
		return insertToken(ctx, tx, hash, a.OrgID, id, "download", s.clk.Now().Add(DownloadTTL))
	}); err != nil {
		return err
	}
	_, err := s.change(ctx, a, id, "subject_request.exported", func(tx *db.Tx, r *Request) error {
		sealed, err := s.vault.Seal(ctx, tx, vault.SubjectID(r.subject), "privacy_requests.export_sealed", zip)
		if err != nil {
			return err
		}
		if err := setExport(ctx, tx, r.ID, sealed); err != nil {
			return err
		}
		r.PersonID, r.State, r.ClosedAt, r.Outcome = person, Completed, s.clk.Now(), "subject_request.outcome.exported"
		link := s.baseURL() + DownloadPath + "?token=" + token
		return s.mail(ctx, tx, r, r.Personal.Email, "subject_request.mail.download",
			map[string]any{"Link": link, "Days": int(DownloadTTL.Hours() / 24)})
	})
	return err
}

// DownloadPath is the website's download of an export.
const DownloadPath = "/privacy/verzoek/download"

// Erase answers an erasure request (P12 included) by erasing person
// (privacy.Rights.Erase); when the law keeps the person from being erased
// yet (a running lease, open items), the request is refused with that
// reason. The requester is mailed the receipt or the refusal. In the
// console it erases the requester's own account (account.go).
func (s *Service) Erase(ctx context.Context, a account.Actor, id, person int64) error {
	if a.OrgID == 0 && CanHandle(a) {
		return s.eraseAccount(ctx, a, id)
	}
	if a.OrgID == 0 || !CanHandle(a) || !privacy.CanErase(a) {
		return validation.ErrForbidden
	}
	if person == 0 {
		return validation.Errors{"person": "subject_request.person_required"}
	}
	r, err := s.Get(ctx, a, id)
	if err != nil {
		return err
	}
	if !r.Open() || !r.Erases() {
		return ErrState
	}
	if !r.Verified() {
		return &validation.Problem{Status: 409, Code: "subject_request.not_verified"}
	}
	receipt, err := s.rights.Erase(ctx, a, person)
	var refusal *validation.Problem
	if err != nil {
		p, ok := validation.AsProblem(err)
		if !ok || p.Status == 403 || p.Status == 404 {
			return err
		}
		refusal = p
	}
	_, err = s.change(ctx, a, id, "subject_request.erased", func(tx *db.Tx, r *Request) error {
		r.PersonID = person
		if refusal != nil {
			return s.refuse(ctx, tx, r, "", refusal.Code)
		}
		erased, kept := receipt.Totals()
		var lines []string
		for _, e := range erased {
			lines = append(lines, fmt.Sprintf("- %s: %d", s.texts.T(r.Lang, e.What, nil), e.Count))
		}
		for _, k := range kept {
			lines = append(lines, fmt.Sprintf("- %s: %d (%s)", s.texts.T(r.Lang, k.What, nil), k.Count, s.texts.T(r.Lang, k.Why, nil)))
		}
		r.State, r.ClosedAt, r.Outcome = Completed, s.clk.Now(), "subject_request.outcome.erased"
		return s.mail(ctx, tx, r, r.Personal.Email, "subject_request.mail.erased", map[string]any{"Lines": strings.Join(lines, "\n")})
	})
	return err
}

// Forward sends a console request to the organisation that is controller:
// a copy goes into its inbox (sealed under its keys) and the console's
// waits in "awaiting controller" until the organisation answers.
func (s *Service) Forward(ctx context.Context, staff account.Actor, id, org int64) error {
	if staff.OrgID != 0 || !CanHandle(staff) {
		return validation.ErrForbidden
	}
	if org <= 0 {
		return validation.Errors{"org": "subject_request.org_unknown"}
	}
	var src *Request
	err := s.db.System(ctx, func(tx *db.Tx) error {
		if _, err := orgName(ctx, tx, org); err != nil {
			return err
		}
		var sealed []byte
		var err error
		if src, sealed, err = getRequest(ctx, tx, id, false); err != nil {
			return err
		}
		if !src.Open() || src.State == AwaitingController {
			return ErrState
		}
		return s.open(ctx, tx, src, sealed)
	})
	if err != nil {
		return err
	}
	dst := *src
	dst.Channel, dst.Forwarded, dst.Linked, dst.About = src.Channel, 0, src.ID, AboutLandlord
	if dst.State == Verifying || dst.State == Received {
		dst.State = Received
	} else {
		dst.State = InProgress
	}
	err = s.db.InOrg(ctx, org, func(tx *db.Tx) error {
		return s.create(ctx, tx, &dst, src.Personal, audit.ActorStaff, staff.UserID)
	})
	if err != nil {
		return err
	}
	_, err = s.change(ctx, staff, id, "subject_request.forwarded", func(tx *db.Tx, r *Request) error {
		r.State, r.Forwarded, r.Linked = AwaitingController, org, dst.ID
		return nil
	})
	return err
}

// Remind mails the owners of each organisation with open requests due
// within RemindBefore days (or overdue) a reminder, once a day, and the
// platform's staff for the console's own (remindStaff); it returns how many
// organisations (the console counting as one) were reminded.
func (s *Service) Remind(ctx context.Context) (int, error) {
	today := s.today()
	var orgs []int64
	if err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		orgs, err = orgIDs(ctx, tx)
		return err
	}); err != nil {
		return 0, err
	}
	reminded := 0
	for _, org := range orgs {
		var ids []int64
		if err := s.db.InOrg(ctx, org, func(tx *db.Tx) error {
			var err error
			if ids, err = remindable(ctx, tx, today.AddDays(RemindBefore), today); err != nil || len(ids) == 0 {
				return err
			}
			return markReminded(ctx, tx, ids, today)
		}); err != nil {
			return reminded, err
		}
		if len(ids) == 0 {
			continue
		}
		if err := s.db.System(ctx, func(tx *db.Tx) error {
			owners, err := s.owners.OwnerContacts(ctx, tx, org)
			if err != nil {
				return err
			}
			slug, err := orgSlug(ctx, tx, org)
			if err != nil {
				return err
			}
			for _, o := range owners {
				data := map[string]any{"Count": len(ids), "Link": s.baseURL() + "/o/" + slug + "/privacy/requests"}
				if _, err := s.outbox.Send(ctx, tx, pmail.Message{To: o.Email,
					Subject: s.texts.T(o.Lang, "subject_request.mail.reminder.subject", data),
					Text:    s.texts.T(o.Lang, "subject_request.mail.reminder.body", data)}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return reminded, err
		}
		reminded++
	}
	n, err := s.remindStaff(ctx, today)
	return reminded + n, err
}

// StaffContacts lists the platform's staff (account.Service), in a System
// transaction.
type StaffContacts interface {
	StaffContacts(ctx context.Context, tx *db.Tx) ([]account.OwnerContact, error)
}

// remindStaff mails the platform's staff a reminder of the console's open
// requests due within RemindBefore days (or overdue), once a day; those
// forwarded to an organisation are its owners' to answer. It returns 1 when
// staff were reminded.
func (s *Service) remindStaff(ctx context.Context, today civil.Date) (int, error) {
	if s.staff == nil {
		return 0, nil
	}
	sent := 0
	err := s.db.System(ctx, func(tx *db.Tx) error {
		ids, err := remindable(ctx, tx, today.AddDays(RemindBefore), today)
		if err != nil || len(ids) == 0 {
			return err
		}
		var open []int64
		for _, id := range ids {
			r, _, err := getRequest(ctx, tx, id, false)
			if err != nil {
				return err
			}
			if r.State != AwaitingController {
				open = append(open, id)
			}
		}
		if len(open) == 0 {
			return nil
		}
		if err := markReminded(ctx, tx, open, today); err != nil {
			return err
		}
		staff, err := s.staff.StaffContacts(ctx, tx)
		if err != nil {
			return err
		}
		for _, o := range staff {
			data := map[string]any{"Count": len(open), "Link": s.baseURL() + "/console/privacy/requests"}
			if _, err := s.outbox.Send(ctx, tx, pmail.Message{To: o.Email,
				Subject: s.texts.T(o.Lang, "subject_request.mail.reminder.subject", data),
				Text:    s.texts.T(o.Lang, "subject_request.mail.reminder.body", data)}); err != nil {
				return err
			}
		}
		sent = 1
		return nil
	})
	return sent, err
}

// JobRemind is the daily reminder job.
const JobRemind = "privacy.requests.remind"

func (s *Service) registerJobs(q *jobs.Queue) {
	q.Register(JobRemind, func(ctx context.Context, j *jobs.Job) error {
		if _, err := s.Remind(ctx); err != nil {
			return err
		}
		return s.ScheduleRemind(ctx, s.clk.Now().Add(24*time.Hour))
	}, jobs.MaxAttempts(5))
}

// ScheduleRemind queues JobRemind for at, one per day.
func (s *Service) ScheduleRemind(ctx context.Context, at time.Time) error {
	err := s.db.System(ctx, func(tx *db.Tx) error {
		_, err := s.jobs.Enqueue(ctx, tx, JobRemind, nil, jobs.UniqueKey(at.UTC().Format(time.DateOnly)), jobs.RunAt(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("schedule subject-request reminders: %w", err)
	}
	return nil
}

// Persons restricts a person's processing and records objections
// (relation.Service).
type Persons interface {
	Restrict(ctx context.Context, actor account.Actor, id int64, ground relation.Ground) error
	RecordObjection(ctx context.Context, actor account.Actor, id int64, in relation.ObjectionInput) (int64, error)
	Get(ctx context.Context, actor account.Actor, id int64, via string) (*relation.Relation, error)
	UpdatePerson(ctx context.Context, actor account.Actor, id int64, in relation.PersonInput) error
}

// Restrict answers a restriction request: person's processing is
// restricted on ground (relation.Service.Restrict, audited there), the
// request completed and the requester mailed what was done.
func (s *Service) Restrict(ctx context.Context, a account.Actor, id, person int64, ground relation.Ground) error {
	r, err := s.personStep(ctx, a, id, person, Restriction)
	if err != nil {
		return err
	}
	if !ground.Valid() {
		return validation.Errors{"ground": "field.invalid"}
	}
	if err := s.persons.Restrict(ctx, a, person, ground); err != nil {
		return err
	}
	done := s.texts.T(r.Lang, "subject_request.done_text.restricted", map[string]any{
		"Ground": s.texts.T(r.Lang, "relation.ground."+string(ground), nil)})
	return s.completeWith(ctx, a, id, person, "subject_request.restricted", "subject_request.outcome.restricted", done)
}

// Object answers an objection request: the objection against processing is
// recorded on person (pending, in the requester's words; relation.Service),
// the request completed and the requester mailed that it was recorded.
func (s *Service) Object(ctx context.Context, a account.Actor, id, person int64, processing relation.Processing) error {
	r, err := s.personStep(ctx, a, id, person, Objection)
	if err != nil {
		return err
	}
	grounds := strings.TrimSpace(r.Personal.Details)
	if grounds == "" {
		grounds = s.texts.T(r.Lang, "subject_request.kind.objection", nil)
	}
	if _, err := s.persons.RecordObjection(ctx, a, person, relation.ObjectionInput{Processing: processing, Grounds: grounds,
		ReceivedOn: civil.Today(r.ReceivedAt)}); err != nil {
		return err
	}
	done := s.texts.T(r.Lang, "subject_request.done_text.objected", map[string]any{
		"Processing": s.texts.T(r.Lang, "relation.processing."+string(processing), nil)})
	return s.completeWith(ctx, a, id, person, "subject_request.objected", "subject_request.outcome.objected", done)
}

func kindIn(k Kind, kinds []Kind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// personStep checks that the organisation's request id of kind is open and
// verified and a person was picked.
func (s *Service) personStep(ctx context.Context, a account.Actor, id, person int64, kinds ...Kind) (*Request, error) {
	if a.OrgID == 0 || !CanHandle(a) || s.persons == nil {
		return nil, validation.ErrForbidden
	}
	if person == 0 {
		return nil, validation.Errors{"person": "subject_request.person_required"}
	}
	r, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if !r.Open() || !kindIn(r.Kind, kinds) {
		return nil, ErrState
	}
	if !r.Verified() {
		return nil, &validation.Problem{Status: 409, Code: "subject_request.not_verified"}
	}
	return r, nil
}

// completeWith closes the request on person with outcome and mails the
// requester done.
func (s *Service) completeWith(ctx context.Context, a account.Actor, id, person int64, action, outcome, done string) error {
	_, err := s.change(ctx, a, id, action, func(tx *db.Tx, r *Request) error {
		r.PersonID, r.Personal.Done, r.State, r.ClosedAt, r.Outcome = person, done, Completed, s.clk.Now(), outcome
		return s.mail(ctx, tx, r, r.Personal.Email, "subject_request.mail.done", map[string]any{"Done": done})
	})
	return err
}
