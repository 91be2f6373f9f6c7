package requests

import (
	"context"
	"fmt"
	"strings"

	"hms/internal/account"
	"hms/internal/platform/i18n"
	"hms/internal/platform/validation"
	"hms/internal/relation"
)

// ProposedFields are the person's fields a rectification or completion
// request may propose new values for, in form order.
var ProposedFields = []string{"first_names", "surname", "street", "house_number", "postcode", "city", "email", "phone", "iban"}

// AccountFields are the fields a request about the requester's own HMS
// account may propose besides the name and e-mail address: the language of
// its pages and mails ("nl" or "en"), applied by account.RectifyUser.
var AccountFields = []string{"language"}

// MaxProposedLength bounds one proposed value.
const MaxProposedLength = 200

// checkProposed trims p, drops empty values and unknown fields and reports
// overlong values at their field ("proposed_" + field); a language is for a
// request about an account (about) and must be one HMS speaks.
func checkProposed(errs validation.Errors, p map[string]string, about About) map[string]string {
	out := map[string]string{}
	for _, f := range ProposedFields {
		v := strings.TrimSpace(p[f])
		if v == "" {
			continue
		}
		if len(v) > MaxProposedLength {
			errs.Add("proposed_"+f, "subject_request.too_long")
		}
		out[f] = v
	}
	if v := strings.TrimSpace(p["language"]); v != "" {
		switch {
		case about != AboutAccount:
			errs.Add("proposed_language", "subject_request.language_account_only")
		case i18n.Supported(v) != v:
			errs.Add("proposed_language", "subject_request.language_invalid")
		default:
			out["language"] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Change is one field of a reviewed change: what the person's record holds
// and what the requester proposes.
type Change struct {
	Field string // one of ProposedFields
	Old   string
	New   string
}

func currentValue(in *relation.PersonInput, field string) string {
	switch field {
	case "first_names":
		return in.FirstNames
	case "surname":
		return in.Surname
	case "street":
		return in.Street
	case "house_number":
		return in.HouseNumber
	case "postcode":
		return in.Postcode
	case "city":
		return in.City
	case "email":
		return in.Email
	case "phone":
		if len(in.Phones) > 0 {
			return in.Phones[0]
		}
	case "iban":
		if len(in.IBANs) > 0 {
			return in.IBANs[0]
		}
	}
	return ""
}

func setValue(in *relation.PersonInput, field, v string) {
	switch field {
	case "first_names":
		in.FirstNames = v
	case "surname":
		in.Surname = v
	case "street":
		in.Street = v
	case "house_number":
		in.HouseNumber = v
	case "postcode":
		in.Postcode = v
	case "city":
		in.City = v
	case "email":
		in.Email = v
	case "phone":
		in.Phones = append([]string{v}, rest(in.Phones)...)
	case "iban":
		in.IBANs = append([]string{v}, rest(in.IBANs)...)
	}
}

func rest(s []string) []string {
	if len(s) <= 1 {
		return nil
	}
	return append([]string(nil), s[1:]...)
}

// proposedField maps the relation service's field of an error to the
// proposed field it came from.
func proposedField(f string) string {
	switch f {
	case "phones[0]", "phones":
		return "phone"
	case "ibans[0]", "ibans":
		return "iban"
	}
	return f
}

// Changes shows request id's proposed values next to person's current ones
// (the request's page, before the handler approves).
func (s *Service) Changes(ctx context.Context, a account.Actor, id, person int64) ([]Change, error) {
	r, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	var in *relation.PersonInput
	if person != 0 && s.persons != nil {
		rel, err := s.persons.Get(ctx, a, person, "web")
		if err != nil {
			return nil, err
		}
		if rel.Kind == relation.Person {
			pi := rel.PersonInput()
			in = &pi
		}
	}
	fields := ProposedFields
	if r.About == AboutAccount && r.OrgID == 0 {
		fields = append(append([]string(nil), ProposedFields...), AccountFields...)
	}
	var out []Change
	for _, f := range fields {
		v, ok := r.Personal.Proposed[f]
		if !ok {
			continue
		}
		c := Change{Field: f, New: v}
		if in != nil {
			c.Old = currentValue(in, f)
		}
		out = append(out, c)
	}
	return out, nil
}

// Rectify approves a rectification or completion request: the proposed
// values are written to person through the relation service's update (in
// the handler's name, audited there), the request completed and the
// requester mailed what was changed. A value the person's record does not
// accept is reported at its field ("proposed_" + field); nothing changes.
// In the console it corrects the requester's own account (account.go).
func (s *Service) Rectify(ctx context.Context, a account.Actor, id, person int64) error {
	return s.RectifyWithLanguage(ctx, a, id, person, "")
}

// RectifyWithLanguage is Rectify where staff also set the language of the
// requester's account (a console request; "" keeps the proposed one or
// the account's). A language on another request is refused at its field.
func (s *Service) RectifyWithLanguage(ctx context.Context, a account.Actor, id, person int64, language string) error {
	if a.OrgID == 0 && CanHandle(a) {
		return s.rectifyAccount(ctx, a, id, language)
	}
	if strings.TrimSpace(language) != "" {
		return validation.Errors{"language": "subject_request.language_account_only"}
	}
	r, err := s.personStep(ctx, a, id, person, Rectification, Completion)
	if err != nil {
		return err
	}
	if len(r.Personal.Proposed) == 0 {
		return validation.Errors{"person": "subject_request.nothing_proposed"}
	}
	rel, err := s.persons.Get(ctx, a, person, "web")
	if err != nil {
		return err
	}
	if rel.Kind != relation.Person {
		return validation.Errors{"person": "subject_request.not_a_person"}
	}
	in := rel.PersonInput()
	var lines []string
	for _, f := range ProposedFields {
		if v, ok := r.Personal.Proposed[f]; ok {
			setValue(&in, f, v)
			lines = append(lines, fmt.Sprintf("- %s: %s", s.texts.T(r.Lang, "subject_request.field."+f, nil), v))
		}
	}
	if err := s.persons.UpdatePerson(ctx, a, person, in); err != nil {
		if fe, ok := validation.AsFields(err); ok {
			out := validation.Errors{}
			for k, v := range fe {
				out["proposed_"+proposedField(k)] = v
			}
			return out
		}
		return err
	}
	done := s.texts.T(r.Lang, "subject_request.done_text.rectified", map[string]any{"Lines": strings.Join(lines, "\n")})
	return s.completeWith(ctx, a, id, person, "subject_request.rectified", "subject_request.outcome.rectified", done)
}
