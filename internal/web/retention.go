package web

import (
	"net/http"
	"strconv"

	"hms/internal/platform/validation"
	"hms/internal/privacy/retention"
)

// Retention (PRIVACY.md P19): the organisation's rules per category, its
// legal holds and what the next daily run will erase, destroy and prune.

type retentionView struct {
	Rules      []retention.Rule
	Holds      []retention.Hold
	Plan       *retention.Plan
	CanChange  bool
	CanPreview bool
	Person     picker // the person of a new hold
	Lease      picker // or its lease
}

// Value is the period shown in a rule's field: what was typed, or the rule's.
func (v retentionView) Value(p *page, r retention.Rule) string {
	if p.Form != nil && p.Form.Has(string(r.Category)) {
		return p.Val(string(r.Category))
	}
	return strconv.Itoa(r.Period)
}

func (s *Server) retentionPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "retention.title")
	p.Form = nil
	s.serveRetention(w, r, p, http.StatusOK)
}

func (s *Server) serveRetention(w http.ResponseWriter, r *http.Request, p *page, status int) {
	p.Nav = "relations"
	a := actorOf(r)
	v := retentionView{CanChange: retention.CanChange(a), CanPreview: retention.CanPreview(a)}
	var err error
	if v.Rules, err = s.Keeping.Rules(r.Context(), a); err != nil {
		s.fail(w, r, err, p)
		return
	}
	if v.CanPreview {
		if v.Holds, err = s.Keeping.Holds(r.Context(), a); err != nil {
			s.fail(w, r, err, p)
			return
		}
		if v.Plan, err = s.Keeping.Preview(r.Context(), a); err != nil {
			s.fail(w, r, err, p)
			return
		}
	}
	if v.CanChange {
		v.Person = s.newPicker(r, p, "person", pickRelations, false, p.Form)
		v.Person.Label = p.T("retention.hold_person")
		v.Lease = s.newPicker(r, p, "lease", pickLeases, false, p.Form)
		v.Lease.Label, v.Lease.Hint = p.T("retention.hold_lease"), p.T("retention.hold_lease_hint")
	}
	p.Data = v
	s.render(w, r, status, "retention", p)
}

func (s *Server) retentionSave(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "retention.title")
	periods := map[retention.Category]int{}
	for _, c := range retention.Categories {
		if f.Filled(string(c)) {
			periods[c] = f.Int(string(c))
		}
	}
	err := f.Err()
	if err == nil {
		err = s.Keeping.SetRules(r.Context(), actorOf(r), periods)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) {
			p.Form = r.PostForm
			s.serveRetention(w, r, p, status)
		}, nil))
		return
	}
	s.flash(r, "retention.saved")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/privacy/retention", http.StatusSeeOther)
}

func (s *Server) retentionHold(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "retention.title")
	persons, leases := f.IDs("person"), f.IDs("lease")
	reason := f.String("reason")
	err := f.Err()
	if err == nil && len(persons) > 0 && len(leases) > 0 {
		err = validation.Errors{"lease": "retention.hold_one"}
	}
	if err == nil {
		// A hold is on a person or, when one is chosen, on a lease; the
		// service names the target, the form's field is the person or lease.
		in, field := retention.HoldInput{Kind: retention.HoldPerson, Reason: reason}, "person"
		if len(persons) > 0 {
			in.TargetID = persons[0]
		} else if len(leases) > 0 {
			in.Kind, in.TargetID, field = retention.HoldLease, leases[0], "lease"
		}
		_, err = s.Keeping.PlaceHold(r.Context(), actorOf(r), in)
		if fe, ok := validation.AsFields(err); ok && fe["target"] != "" {
			fe[field] = fe["target"]
			delete(fe, "target")
		}
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) {
			p.Form = r.PostForm
			s.serveRetention(w, r, p, status)
		}, nil))
		return
	}
	s.flash(r, "retention.hold_placed_flash")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/privacy/retention", http.StatusSeeOther)
}

func (s *Server) retentionLift(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "retention.title")
	err := f.Err()
	if err == nil {
		err = s.Keeping.LiftHold(r.Context(), actorOf(r), pathID(r, "id"))
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.serveRetention(w, r, p, status) }, nil))
		return
	}
	s.flash(r, "retention.hold_lifted")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/privacy/retention", http.StatusSeeOther)
}
