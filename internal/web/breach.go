package web

import (
	"net/http"
	"strconv"
	"time"

	"hms/internal/privacy"
)

// The breach register in the staff console (GDPR art. 33(5); PRIVACY.md
// P16): record a breach, assess it, find the affected customers, notify
// them and record the notification to the Autoriteit Persoonsgegevens.

type breachView struct {
	Breaches []privacy.Breach
	Breach   *privacy.Breach
	Now      time.Time
	Tables   []string
	Risks    []privacy.Risk
}

// Chosen reports whether the breach's impact query used table t.
func (v breachView) Chosen(t string) bool {
	if v.Breach == nil {
		return false
	}
	for _, x := range v.Breach.Tables {
		if x == t {
			return true
		}
	}
	return false
}

// dateTimeLayout is an <input type="datetime-local"> value.
const dateTimeLayout = "2006-01-02T15:04"

// formTime reads a datetime-local field as Amsterdam time; a value that is
// not one is a field error.
func formTime(f *form, name string) time.Time {
	v := f.String(name)
	if v == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(dateTimeLayout, v, amsterdam)
	if err != nil {
		f.Add(name, "breach.time_invalid")
	}
	return t
}

// DateTime formats an instant as date and time in the page language.
func (p *page) DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return p.Date(t) + " " + t.In(amsterdam).Format("15:04")
}

func (s *Server) consoleBreaches(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "breach.title")
	p.Nav = "console"
	list, err := s.Privacy.Breaches(r.Context())
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = breachView{Breaches: list, Now: s.Clock.Now()}
	s.render(w, r, http.StatusOK, "console_breaches", p)
}

func (s *Server) consoleBreachNew(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "breach.new")
	p.Nav = "console"
	s.render(w, r, http.StatusOK, "console_breach_new", p)
}

func (s *Server) consoleBreachCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "breach.new")
	p.Nav = "console"
	in := privacy.BreachInput{
		DiscoveredAt: formTime(f, "discovered_at"),
		Description:  f.String("description"),
		Categories:   f.String("categories"),
		Subjects:     f.Int("subjects"),
		Records:      f.Int("records"),
		Consequences: f.String("consequences"),
		Measures:     f.String("measures"),
	}
	err := f.Err()
	var id int64
	if err == nil {
		id, err = s.Privacy.RecordBreach(r.Context(), userOf(r).ID, in)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.render(w, r, status, "console_breach_new", p) }, nil))
		return
	}
	s.flash(r, "breach.recorded")
	http.Redirect(w, r, "/console/privacy/breaches/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (s *Server) consoleBreach(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "breach.title")
	p.Nav = "console"
	s.renderBreach(w, r, http.StatusOK, p)
}

func (s *Server) renderBreach(w http.ResponseWriter, r *http.Request, status int, p *page) {
	b, err := s.Privacy.Breach(r.Context(), pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = breachView{Breach: b, Now: s.Clock.Now(), Tables: privacy.ImpactTables(),
		Risks: []privacy.Risk{privacy.RiskLow, privacy.RiskSome, privacy.RiskHigh}}
	s.render(w, r, status, "console_breach", p)
}

// breachStep runs one step on the breach page: its field errors and state
// conflicts are shown on the page, otherwise back to it with flash.
func (s *Server) breachStep(w http.ResponseWriter, r *http.Request, f *form, flash string, step func(id int64) error) {
	p := s.newPage(r, "breach.title")
	p.Nav = "console"
	id := pathID(r, "id")
	err := f.Err()
	if err == nil {
		err = step(id)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderBreach(w, r, status, p) }, conflicts))
		return
	}
	s.flash(r, flash)
	http.Redirect(w, r, "/console/privacy/breaches/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (s *Server) consoleBreachAssess(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	s.breachStep(w, r, f, "breach.assessed", func(id int64) error {
		return s.Privacy.Assess(r.Context(), userOf(r).ID, id, privacy.Risk(f.String("risk")), f.String("reason"))
	})
}

func (s *Server) consoleBreachImpact(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	s.breachStep(w, r, f, "breach.impact_done", func(id int64) error {
		return s.Privacy.RunImpact(r.Context(), userOf(r).ID, id, f.Strings("tables"))
	})
}

func (s *Server) consoleBreachNotifyCustomers(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	s.breachStep(w, r, f, "breach.customers_notified", func(id int64) error {
		_, err := s.Privacy.NotifyCustomers(r.Context(), userOf(r).ID, id, s.Texts.T)
		return err
	})
}

func (s *Server) consoleBreachAP(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	at := formTime(f, "notified_at")
	s.breachStep(w, r, f, "breach.ap_recorded", func(id int64) error {
		return s.Privacy.RecordAPNotification(r.Context(), userOf(r).ID, id, at, f.String("late_reason"))
	})
}

func (s *Server) consoleBreachSubjects(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	at := formTime(f, "subjects_at")
	s.breachStep(w, r, f, "breach.subjects_recorded", func(id int64) error {
		return s.Privacy.RecordSubjectsNotified(r.Context(), userOf(r).ID, id, at)
	})
}

func (s *Server) consoleBreachClose(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	s.breachStep(w, r, f, "breach.closed", func(id int64) error {
		return s.Privacy.CloseBreach(r.Context(), userOf(r).ID, id)
	})
}
