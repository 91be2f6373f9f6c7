package web

import (
	"fmt"
	"net/http"

	"hms/internal/relation"
)

// A person's restriction of processing (art. 18 GDPR) and objections
// (art. 21), set and recorded on the person's page (relation_show.html).

// relationRightsView is what the page's restriction and objection blocks
// show beside the record.
type relationRightsView struct {
	Objections  []relation.Objection
	Grounds     []relation.Ground
	Processings []relation.Processing
	Decisions   []relation.Decision
}

func relationRights() relationRightsView {
	return relationRightsView{Grounds: relation.Grounds, Processings: relation.Processings, Decisions: relation.Decisions}
}

func (s *Server) relationBack(w http.ResponseWriter, r *http.Request, id int64, flash string) {
	s.flash(r, flash)
	http.Redirect(w, r, fmt.Sprintf("/o/%s/relations/%d#restriction", actorOf(r).OrgSlug, id), http.StatusSeeOther)
}

func (s *Server) relationRestrict(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "relation.title_show")
	p.Nav = "relations"
	id := pathID(r, "id")
	f.Require("ground")
	err := f.Err()
	if err == nil {
		err = s.Relations.Restrict(r.Context(), actorOf(r), id, relation.Ground(f.String("ground")))
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) {
			p.Form = r.PostForm
			s.renderRelation(w, r, status, p, id)
		}, nil))
		return
	}
	s.relationBack(w, r, id, "relation.restricted_done")
}

func (s *Server) relationLiftRestriction(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "relation.title_show")
	p.Nav = "relations"
	id := pathID(r, "id")
	err := f.Err()
	if err == nil {
		err = s.Relations.LiftRestriction(r.Context(), actorOf(r), id)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderRelation(w, r, status, p, id) }, nil))
		return
	}
	s.relationBack(w, r, id, "relation.restriction_lifted_done")
}

func (s *Server) relationObjection(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "relation.title_show")
	p.Nav = "relations"
	id := pathID(r, "id")
	f.Require("processing")
	f.Require("grounds")
	f.Require("received_on")
	in := relation.ObjectionInput{Processing: relation.Processing(f.String("processing")), Grounds: f.String("grounds"),
		ReceivedOn: f.Date("received_on"), Decision: relation.Decision(f.String("decision")), Reason: f.String("reason")}
	err := f.Err()
	if err == nil {
		_, err = s.Relations.RecordObjection(r.Context(), actorOf(r), id, in)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) {
			p.Form = r.PostForm
			s.renderRelation(w, r, status, p, id)
		}, nil))
		return
	}
	s.relationBack(w, r, id, "relation.objection.recorded")
}

func (s *Server) relationDecideObjection(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "relation.title_show")
	p.Nav = "relations"
	id, oid := pathID(r, "id"), pathID(r, "objection")
	f.Require("decide.decision")
	err := f.Err()
	if err == nil {
		err = s.Relations.DecideObjection(r.Context(), actorOf(r), id, oid, relation.Decision(f.String("decide.decision")),
			f.String("decide.reason"))
		err = formErrors(err, "decide", nil)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) {
			p.Form = r.PostForm
			s.renderRelation(w, r, status, p, id)
		}, nil))
		return
	}
	s.relationBack(w, r, id, "relation.objection.decided_done")
}
