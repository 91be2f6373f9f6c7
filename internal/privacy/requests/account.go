package requests

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"hms/internal/account"
	"hms/internal/platform/db"
	"hms/internal/platform/i18n"
	"hms/internal/platform/validation"
	"hms/internal/privacy"
)

// Console requests about a person's own HMS account (HMS is controller):
// staff answer them with the account's export, erasure or rectification.
// The account is the user whose e-mail address the requester gave, and
// whose identity the code mailed to that address (or a note of staff)
// verified.

// AccountRights are the export and erasure of a user's account
// (privacy.Rights).
type AccountRights interface {
	ExportAccount(ctx context.Context, staff account.Actor, user int64, lang string, w io.Writer, extra ...privacy.Section) error
	EraseAccount(ctx context.Context, staff account.Actor, user int64) (*privacy.Receipt, error)
}

// Accounts finds and corrects a user (account.Service).
type Accounts interface {
	UserByEmail(ctx context.Context, email string) (int64, error)
	RectifyUser(ctx context.Context, staffID, id int64, name, lang string) ([]string, error)
	ProposeEmailChange(ctx context.Context, staffID, id int64, newEmail string) error
}

// ErrNoAccount: no HMS account has the requester's e-mail address.
var ErrNoAccount = &validation.Problem{Status: 422, Code: "subject_request.no_account"}

// consoleStep checks that the console's request id is open, of one of
// kinds and verified, and finds the requester's account.
func (s *Service) consoleStep(ctx context.Context, staff account.Actor, id int64, kinds ...Kind) (*Request, int64, error) {
	if staff.OrgID != 0 || !CanHandle(staff) || s.accounts == nil || s.accountRights == nil {
		return nil, 0, validation.ErrForbidden
	}
	r, err := s.Get(ctx, staff, id)
	if err != nil {
		return nil, 0, err
	}
	if !r.Open() || r.State == AwaitingController || !kindIn(r.Kind, kinds) {
		return nil, 0, ErrState
	}
	if !r.Verified() {
		return nil, 0, &validation.Problem{Status: 409, Code: "subject_request.not_verified"}
	}
	user, err := s.accounts.UserByEmail(ctx, r.Personal.Email)
	if errors.Is(err, validation.ErrNotFound) {
		return nil, 0, ErrNoAccount
	}
	if err != nil {
		return nil, 0, err
	}
	return r, user, nil
}

// history is the requester's requests to HMS (the console's, by the same
// e-mail address), a section of the account's export.
func (s *Service) history(ctx context.Context, staff account.Actor, email string) (privacy.Section, error) {
	sec := privacy.Section{Key: "account.requests", Title: "privacy.src.requests", Origin: "privacy.origin.requests",
		Columns: []string{"privacy.col.received", "privacy.col.kind", "privacy.col.status", "privacy.col.due"}}
	all, err := s.List(ctx, staff, Filter{})
	if err != nil {
		return sec, err
	}
	for _, r := range all {
		if !strings.EqualFold(r.Personal.Email, email) {
			continue
		}
		sec.Records = append(sec.Records, []privacy.Value{privacy.At(r.ReceivedAt), privacy.Word("subject_request.kind." + string(r.Kind)),
			privacy.Word("subject_request.state." + string(r.State)), privacy.Day(r.DueOn)})
	}
	return sec, nil
}

// sendAccountExport answers a console access or portability request with
// the export of the requester's account: the same zip, sealed with the
// request, and the same single-use link mailed to the requester.
func (s *Service) sendAccountExport(ctx context.Context, staff account.Actor, id int64) error {
	r, user, err := s.consoleStep(ctx, staff, id, Access, Portability)
	if err != nil {
		return err
	}
	hist, err := s.history(ctx, staff, r.Personal.Email)
	if err != nil {
		return err
	}
	var zip bytes.Buffer
	if err := s.accountRights.ExportAccount(ctx, staff, user, r.Lang, &zip, hist); err != nil {
		return err
	}
	return s.deliverExport(ctx, staff, id, user, zip.Bytes())
}

// eraseAccount answers a console erasure request (P12 included) by
// erasing the requester's account; an account that is the only owner of an
// organisation is refused with what to do first. The requester is mailed
// the receipt or the refusal.
func (s *Service) eraseAccount(ctx context.Context, staff account.Actor, id int64) error {
	_, user, err := s.consoleStep(ctx, staff, id, Erasure, Unlawful)
	if err != nil {
		return err
	}
	receipt, err := s.accountRights.EraseAccount(ctx, staff, user)
	orgs, sole := privacy.IsSoleOwner(err)
	if err != nil && !sole {
		return err
	}
	_, err = s.change(ctx, staff, id, "subject_request.erased", func(tx *db.Tx, r *Request) error {
		r.PersonID = user
		if sole {
			reason := s.texts.T(r.Lang, account.ErrSoleOwner.Code, map[string]any{"Orgs": strings.Join(orgs, ", ")})
			return s.refuse(ctx, tx, r, reason, "")
		}
		return s.erased(ctx, tx, r, receipt)
	})
	return err
}

// erased completes r with the receipt's lines mailed to the requester.
func (s *Service) erased(ctx context.Context, tx *db.Tx, r *Request, receipt *privacy.Receipt) error {
	erased, kept := receipt.Totals()
	var lines []string
	for _, e := range erased {
		lines = append(lines, fmt.Sprintf("- %s: %d", s.texts.T(r.Lang, e.What, nil), e.Count))
	}
	for _, k := range kept {
		why := s.texts.T(r.Lang, k.Why, nil)
		if !k.Until.IsZero() {
			why += " (" + k.Until.Long(r.Lang) + ")"
		}
		lines = append(lines, fmt.Sprintf("- %s: %d (%s)", s.texts.T(r.Lang, k.What, nil), k.Count, why))
	}
	r.State, r.ClosedAt, r.Outcome = Completed, s.clk.Now(), "subject_request.outcome.erased"
	return s.mail(ctx, tx, r, r.Personal.Email, "subject_request.mail.erased", map[string]any{"Lines": strings.Join(lines, "\n")})
}

// rectifyAccount approves a console rectification or completion request:
// a proposed name (first names and surname) and language are written to
// the account (the language staff chose, else the proposed one); a
// proposed e-mail address gets the verified flow (a link to the new
// address, which changes it when followed); the request is completed and
// the requester mailed what was done.
func (s *Service) rectifyAccount(ctx context.Context, staff account.Actor, id int64, language string) error {
	r, user, err := s.consoleStep(ctx, staff, id, Rectification, Completion)
	if err != nil {
		return err
	}
	p := r.Personal.Proposed
	name := strings.TrimSpace(p["first_names"] + " " + p["surname"])
	lang := strings.TrimSpace(language)
	if lang == "" {
		lang = p["language"]
	} else if i18n.Supported(lang) != lang {
		return validation.Errors{"language": "subject_request.language_invalid"}
	}
	if name == "" && p["email"] == "" && lang == "" {
		return validation.Errors{"language": "subject_request.nothing_proposed_account"}
	}
	var lines []string
	if name != "" || lang != "" {
		if _, err := s.accounts.RectifyUser(ctx, staff.UserID, user, name, lang); err != nil {
			if fe, ok := validation.AsFields(err); ok && fe["lang"] != "" {
				return validation.Errors{"language": "subject_request.language_invalid"}
			}
			return err
		}
	}
	if name != "" {
		lines = append(lines, fmt.Sprintf("- %s: %s", s.texts.T(r.Lang, "privacy.field.name", nil), name))
	}
	if lang != "" {
		lines = append(lines, fmt.Sprintf("- %s: %s", s.texts.T(r.Lang, "privacy.field.language", nil),
			s.texts.T(r.Lang, "privacy.lang."+lang, nil)))
	}
	if e := p["email"]; e != "" {
		if err := s.accounts.ProposeEmailChange(ctx, staff.UserID, user, e); err != nil {
			if fe, ok := validation.AsFields(err); ok && fe["email"] != "" {
				return validation.Errors{"proposed_email": fe["email"]}
			}
			return err
		}
		lines = append(lines, s.texts.T(r.Lang, "subject_request.done_text.email_link", map[string]any{"Email": e}))
	}
	done := s.texts.T(r.Lang, "subject_request.done_text.rectified", map[string]any{"Lines": strings.Join(lines, "\n")})
	return s.completeWith(ctx, staff, id, user, "subject_request.rectified", "subject_request.outcome.rectified", done)
}

// AccountOf is the user whose account a console request concerns (the
// requester's e-mail address), 0 when there is none: the console shows
// whether there is an account to act on.
func (s *Service) AccountOf(ctx context.Context, staff account.Actor, r *Request) int64 {
	if staff.OrgID != 0 || s.accounts == nil || r.OrgID != 0 {
		return 0
	}
	id, err := s.accounts.UserByEmail(ctx, r.Personal.Email)
	if err != nil {
		return 0
	}
	return id
}
