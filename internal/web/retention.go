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
	persons := f.IDs("person")
	reason := f.String("reason")
	err := f.Err()
	if err == nil {
		var person int64
		if len(persons) > 0 {
			person = persons[0]
		}
		_, err = s.Keeping.PlaceHold(r.Context(), actorOf(r), retention.HoldInput{Kind: retention.HoldPerson, TargetID: person,
			Reason: reason})
		if fe, ok := validation.AsFields(err); ok && fe["target"] != "" {
			// The service names the hold's target; the form's field is the person.
			fe["person"] = fe["target"]
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
