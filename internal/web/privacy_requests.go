package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/i18n"
	"hms/internal/platform/validation"
	"hms/internal/privacy"
	"hms/internal/privacy/requests"
	"hms/internal/relation"
)

// Subject requests (PRIVACY.md P12, P20–P22): the website's form in Dutch
// (/privacy/verzoek) and English (/en/privacy/request) with the e-mailed
// code, the download of an export; the organisation's inbox in the back
// office; HMS's own requests in the console, from where staff forward a
// request to the organisation that is controller.

// srPublic are the website's paths in one language.
type srPublic struct {
	Lang string
	Base string
}

var (
	srDutch   = srPublic{Lang: "nl", Base: "/privacy/verzoek"}
	srEnglish = srPublic{Lang: "en", Base: "/en/privacy/request"}
)

// in serves h in the path's language, whatever the browser asks for.
func (sp srPublic) in(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h(w, r.WithContext(context.WithValue(r.Context(), langKey, sp.Lang)))
	}
}

// srPublicView is the website's form and code page.
type srPublicView struct {
	Base   string
	Kinds  []requests.Kind
	Abouts []requests.About
	Token  string
	Done   string   // a message id once verified
	Sent   bool     // a new code was mailed
	Fields []string // a rectification's proposed fields (requests.ProposedFields)
	// Languages an account's proposed language is chosen from (i18n.Languages);
	// the request model takes it on a request about an HMS account only.
	Languages []string
}

func (sp srPublic) view() *srPublicView {
	return &srPublicView{Base: sp.Base, Kinds: requests.Kinds, Abouts: requests.Abouts, Fields: requests.ProposedFields,
		Languages: i18n.Languages}
}

func (s *Server) srForm(sp srPublic) http.HandlerFunc {
	return sp.in(func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(r, "subject_request.title")
		p.Data = sp.view()
		s.render(w, r, http.StatusOK, "subject_request_form", p)
	})
}

func (s *Server) srSubmit(sp srPublic) http.HandlerFunc {
	return sp.in(func(w http.ResponseWriter, r *http.Request) {
		f := readForm(r)
		p := s.newPage(r, "subject_request.title")
		v := sp.view()
		p.Data = v
		again := s.onForm(w, r, "subject_request_form", p)
		if err := f.Err(); err != nil {
			s.fail(w, r, err, p, again)
			return
		}
		if ok, err := s.limiterAllow(r, "subject_request", 10, time.Hour); err != nil || !ok {
			s.fail(w, r, validation.ErrRateLimited, p, again)
			return
		}
		sub, err := s.Requests.Submit(r.Context(), requests.SubmitInput{Kind: requests.Kind(f.String("kind")),
			About: requests.About(f.String("about")), Landlord: f.String("landlord"), Name: f.String("name"),
			Email: f.String("email"), Details: f.String("details"), Proposed: srProposed(f), Lang: sp.Lang})
		if err != nil {
			s.fail(w, r, err, p, again)
			return
		}
		v.Token = sub.Token
		p.Form = nil
		s.render(w, r, http.StatusOK, "subject_request_code", p)
	})
}

// srProposed reads a rectification's proposed values (fields
// "proposed_" + requests.ProposedFields and requests.AccountFields).
func srProposed(f *form) map[string]string {
	out := map[string]string{}
	for _, k := range slices.Concat(requests.ProposedFields, requests.AccountFields) {
		if v := f.String("proposed_" + k); v != "" {
			out[k] = v
		}
	}
	return out
}

func (s *Server) srVerify(sp srPublic) http.HandlerFunc {
	return sp.in(func(w http.ResponseWriter, r *http.Request) {
		f := readForm(r)
		p := s.newPage(r, "subject_request.code_title")
		v := sp.view()
		v.Token = f.String("token")
		p.Data = v
		again := s.onForm(w, r, "subject_request_code", p)
		if err := f.Err(); err != nil {
			s.fail(w, r, err, p, again)
			return
		}
		var err error
		if f.Bool("resend") {
			err = s.Requests.Resend(r.Context(), v.Token)
			if err == nil {
				v.Sent = true
				s.render(w, r, http.StatusOK, "subject_request_code", p)
				return
			}
		} else {
			err = s.Requests.Verify(r.Context(), v.Token, f.String("code"))
		}
		if err != nil {
			s.fail(w, r, err, p, again)
			return
		}
		v.Done = "subject_request.verified"
		s.render(w, r, http.StatusOK, "subject_request_code", p)
	})
}

func (s *Server) srDownload(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "subject_request.title")
	zip, err := s.Requests.Download(r.Context(), r.URL.Query().Get("token"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="gegevens.zip"`)
	w.Write(zip)
}

// srView is the inbox's (and the console's) list and request page.
type srView struct {
	Console   bool
	Base      string // "/o/{org}/privacy/requests" or "/console/privacy/requests"
	Requests  []*requests.Request
	Request   *requests.Request
	Today     civil.Date
	Overdue   bool
	Person    picker
	PersonTo  string // the matched person's name
	CanErase  bool
	CanExtend bool
	Orgs      []account.OrgSummary
	Kinds     []requests.Kind
	PersonID  int64
	// Grounds and Processings are the choices when a restriction or an
	// objection is set from the request.
	Grounds     []relation.Ground
	Processings []relation.Processing
	// Changes are a rectification's proposed values next to the picked
	// person's (PersonID).
	Changes []requests.Change
	// Account is the user a console request's requester is (by e-mail
	// address), 0 when there is none: HMS answers from their account.
	Account int64
	// Languages are the account's languages staff may set on a console
	// rectification (i18n.Languages).
	Languages []string
}

// Language is the language preselected on a console rectification: the
// one chosen before (a failed approval) or the requester's proposal.
func (v srView) Language(p *page) string {
	if p.Form != nil && p.Form.Get("language") != "" {
		return p.Form.Get("language")
	}
	if v.Request == nil {
		return ""
	}
	return v.Request.Personal.Proposed["language"]
}

// AccountAction is what staff do with the requester's account for a
// console request: export, erase or rectify ("" for another kind).
func (v srView) AccountAction() string {
	switch r := v.Request; {
	case r == nil || !v.Console:
		return ""
	case r.Exports():
		return "export"
	case r.Erases():
		return "erase"
	case r.Corrects():
		return "rectify" // the proposed values, or a language staff choose

	}
	return ""
}

// Due says a request's due day in words.
func (v srView) Due(p *page, r *requests.Request) string { return longDay(p.Lang, r.DueOn) }

// Received says a request's day of receipt in words.
func (v srView) Received(p *page, r *requests.Request) string {
	return longDay(p.Lang, civil.Today(r.ReceivedAt))
}

// Late reports whether a request is overdue.
func (v srView) Late(r *requests.Request) bool { return r.Overdue(v.Today) }

// srActor is who handles the request: the member, or staff in the console.
func srActor(r *http.Request, console bool) account.Actor {
	if console {
		return requests.Staff(userOf(r).ID)
	}
	return actorOf(r)
}

func (s *Server) srBase(r *http.Request, console bool) string {
	if console {
		return "/console/privacy/requests"
	}
	return "/o/" + actorOf(r).OrgSlug + "/privacy/requests"
}

func (s *Server) srList(console bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(r, "subject_request.inbox_title")
		p.Nav = "relations"
		if console {
			p.Nav = "console"
		}
		v := srView{Console: console, Base: s.srBase(r, console), Today: civil.Today(s.Clock.Now()),
			Overdue: r.URL.Query().Get("overdue") != ""}
		f := requests.Filter{}
		if v.Overdue {
			f.Overdue = v.Today
		}
		var err error
		if v.Requests, err = s.Requests.List(r.Context(), srActor(r, console), f); err != nil {
			s.fail(w, r, err, p)
			return
		}
		p.Data = v
		s.render(w, r, http.StatusOK, "subject_requests", p)
	}
}

func (s *Server) srShow(console bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(r, "subject_request.request_title")
		s.srRender(w, r, p, console, http.StatusOK)
	}
}

// srRender draws a request's page (again after a failed action, with its
// errors).
func (s *Server) srRender(w http.ResponseWriter, r *http.Request, p *page, console bool, status int) {
	p.Nav = "relations"
	if console {
		p.Nav = "console"
	}
	id := pathID(r, "id")
	a := srActor(r, console)
	req, err := s.Requests.Get(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := srView{Console: console, Base: s.srBase(r, console), Request: req, Today: civil.Today(s.Clock.Now())}
	v.CanExtend = requests.CanExtend(req, v.Today)
	v.Grounds, v.Processings = relation.Grounds, relation.Processings
	if console {
		if v.Orgs, err = s.Accounts.ConsoleOrganisations(r.Context()); err != nil {
			s.fail(w, r, err, p)
			return
		}
		if req.Open() && req.Verified() && v.AccountAction() != "" {
			v.Account = s.Requests.AccountOf(r.Context(), a, req)
			v.Languages = i18n.Languages
			if req.Corrects() {
				if v.Changes, err = s.Requests.Changes(r.Context(), a, id, 0); err != nil {
					s.fail(w, r, err, p)
					return
				}
			}
		}
	} else {
		v.CanErase = privacy.CanErase(a)
		form := p.Form
		if form == nil || form.Get("person") == "" {
			form = map[string][]string{}
			if q := r.URL.Query().Get("person"); q != "" { // the reviewed change's "compare"
				form["person"] = []string{q}
			} else if req.PersonID != 0 {
				form["person"] = []string{strconv.FormatInt(req.PersonID, 10)}
			}
		}
		v.Person = s.newPicker(r, p, "person", pickRelations, false, form)
		v.Person.Label, v.Person.Hint = p.T("subject_request.person"), p.T("subject_request.person_hint")
		if req.Corrects() && req.Open() {
			v.PersonID, _ = strconv.ParseInt(form.Get("person"), 10, 64)
			if v.Changes, err = s.Requests.Changes(r.Context(), a, id, v.PersonID); err != nil {
				s.fail(w, r, err, p)
				return
			}
		}
		if req.PersonID != 0 {
			if names, err := s.Relations.Names(r.Context(), a, req.PersonID); err == nil {
				v.PersonTo = names[req.PersonID]
			}
		}
	}
	p.Data = v
	s.render(w, r, status, "subject_request", p)
}

// srAct runs one action of a request's page and shows the page again.
func (s *Server) srAct(console bool, action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := readForm(r)
		p := s.newPage(r, "subject_request.request_title")
		id := pathID(r, "id")
		again := onPage(func(status int) { s.srRender(w, r, p, console, status) }, pageProblems)
		if err := f.Err(); err != nil {
			s.fail(w, r, err, p, again)
			return
		}
		ctx, a := r.Context(), srActor(r, console)
		var err error
		switch action {
		case "verify":
			err = s.Requests.VerifyManually(ctx, a, id, f.String("note"))
		case "extend":
			err = s.Requests.Extend(ctx, a, id, f.Int("months"), f.String("reason"))
			if fe, ok := validation.AsFields(err); ok && fe["reason"] != "" {
				fe["extend_reason"] = fe["reason"] // the refusal's reason field is on the same page
				delete(fe, "reason")
			}
		case "refuse":
			err = s.Requests.Refuse(ctx, a, id, f.String("reason"))
		case "complete":
			err = s.Requests.Complete(ctx, a, id, f.String("done"))
		case "export":
			err = s.Requests.SendExport(ctx, a, id, firstID(f.IDs("person")))
		case "erase":
			err = s.Requests.Erase(ctx, a, id, firstID(f.IDs("person")))
		case "rectify":
			err = s.Requests.RectifyWithLanguage(ctx, a, id, f.Number("person"), f.String("language"))
		case "restrict":
			err = s.Requests.Restrict(ctx, a, id, firstID(f.IDs("person")), relation.Ground(f.String("ground")))
		case "object":
			err = s.Requests.Object(ctx, a, id, firstID(f.IDs("person")), relation.Processing(f.String("processing")))
		case "forward":
			err = s.Requests.Forward(ctx, a, id, f.Number("org"))
		}
		if err != nil {
			s.fail(w, r, err, p, again)
			return
		}
		s.flash(r, "subject_request.done."+action)
		http.Redirect(w, r, fmt.Sprintf("%s/%d", s.srBase(r, console), id), http.StatusSeeOther)
	}
}

func firstID(ids []int64) int64 {
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}

// srNew is the back office's form to record a request on a person's behalf
// (linked from the person's page).
func (s *Server) srNew(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "subject_request.new_title")
	s.srNewRender(w, r, p, http.StatusOK)
}

func (s *Server) srNewRender(w http.ResponseWriter, r *http.Request, p *page, status int) {
	p.Nav = "relations"
	v := srView{Base: s.srBase(r, false), Kinds: requests.Kinds}
	v.PersonID, _ = strconv.ParseInt(r.URL.Query().Get("person"), 10, 64)
	if p.Form != nil && p.Form.Get("person") != "" {
		v.PersonID, _ = strconv.ParseInt(p.Form.Get("person"), 10, 64)
	}
	if v.PersonID != 0 {
		names, err := s.Relations.Names(r.Context(), actorOf(r), v.PersonID)
		if err != nil {
			s.fail(w, r, err, p)
			return
		}
		v.PersonTo = names[v.PersonID]
	}
	p.Data = v
	s.render(w, r, status, "subject_request_new", p)
}

func (s *Server) srCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "subject_request.new_title")
	again := onPage(func(status int) { s.srNewRender(w, r, p, status) }, pageProblems)
	if err := f.Err(); err != nil {
		s.fail(w, r, err, p, again)
		return
	}
	id, err := s.Requests.Record(r.Context(), actorOf(r), requests.RecordInput{PersonID: f.Number("person"),
		Kind: requests.Kind(f.String("kind")), Name: f.String("name"), Email: f.String("email"), Details: f.String("details"),
		Note: f.String("note"), Lang: f.String("lang")})
	if err != nil {
		s.fail(w, r, err, p, again)
		return
	}
	s.flash(r, "subject_request.done.recorded")
	http.Redirect(w, r, fmt.Sprintf("%s/%d", s.srBase(r, false), id), http.StatusSeeOther)
}
