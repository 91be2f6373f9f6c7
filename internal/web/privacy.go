package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"hms/internal/privacy"
	"hms/internal/privacy/guard"
)

type agreementView struct {
	Status     *privacy.AgreementStatus
	Text       template.HTML
	CanAccept  bool
	AcceptedBy string
	History    []agreementRow
}

type agreementRow struct {
	privacy.Acceptance
	Name string
}

func (s *Server) agreementPage(w http.ResponseWriter, r *http.Request) {
	s.renderAgreement(w, r, http.StatusOK, s.newPage(r, "privacy.agreement_title"))
}

func (s *Server) renderAgreement(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "relations"
	a := actorOf(r)
	st, err := s.Privacy.ProcessorAgreementStatus(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := agreementView{Status: st, Text: privacyMarkdown(st.Current.Text()), CanAccept: privacy.CanDecide(a)}
	names := map[int64]string{}
	for _, h := range st.History {
		if _, ok := names[h.UserID]; !ok {
			if u, err := s.Accounts.User(r.Context(), h.UserID); err == nil {
				names[h.UserID] = u.Name
			}
		}
		v.History = append(v.History, agreementRow{Acceptance: h, Name: names[h.UserID]})
	}
	if st.Accepted != nil {
		v.AcceptedBy = names[st.Accepted.UserID]
	}
	p.Data = v
	s.render(w, r, status, "privacy_agreement", p)
}

func (s *Server) agreementAccept(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "privacy.agreement_title")
	err := f.Err()
	if err == nil {
		err = s.Privacy.AcceptProcessorAgreement(r.Context(), actorOf(r), f.String("version"))
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderAgreement(w, r, status, p) }, nil))
		return
	}
	s.flash(r, "privacy.agreement_accepted")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/privacy/processor-agreement", http.StatusSeeOther)
}

type privacySettingsView struct {
	Settings  privacy.Settings
	Fields    []string
	Modes     []guard.Mode
	CanChange bool
}

// Mode is the guard mode to show checked in the form.
func (v privacySettingsView) Mode(p *page) guard.Mode {
	if p.Form != nil {
		return guard.Mode(p.Form.Get("guard_mode"))
	}
	return v.Settings.GuardMode
}

// On reports whether an optional field is on in the form (or, before any
// post, in the settings).
func (v privacySettingsView) On(p *page, field string) bool {
	if p.Form != nil {
		return p.Form.Get(field) == "on"
	}
	return v.Settings.Enabled(field)
}

// Purpose is the purpose text to show in the form.
func (v privacySettingsView) Purpose(p *page, field string) string {
	if p.Form != nil {
		return p.Form.Get(field + "_purpose")
	}
	return v.Settings.Fields[field].Purpose
}

func (s *Server) privacySettings(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "privacy.settings_title")
	p.Form = nil
	s.renderPrivacySettings(w, r, http.StatusOK, p)
}

func (s *Server) renderPrivacySettings(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "relations"
	a := actorOf(r)
	st, err := s.Privacy.Settings(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = privacySettingsView{Settings: st, Fields: privacy.OptionalFields, Modes: guard.Modes, CanChange: privacy.CanDecide(a)}
	s.render(w, r, status, "privacy_settings", p)
}

func (s *Server) privacySettingsSave(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "privacy.settings_title")
	in := privacy.SettingsInput{Enabled: map[string]bool{}, Purposes: map[string]string{},
		GuardMode: guard.Mode(f.String("guard_mode"))}
	for _, field := range privacy.OptionalFields {
		in.Enabled[field] = f.String(field) == "on"
		in.Purposes[field] = f.String(field + "_purpose")
	}
	err := f.Err()
	if err == nil {
		err = s.Privacy.UpdateSettings(r.Context(), actorOf(r), in)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderPrivacySettings(w, r, status, p) }, nil))
		return
	}
	s.flash(r, "privacy.settings_saved")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/privacy/settings", http.StatusSeeOther)
}

// privacyMarkdown renders the small Markdown subset the agreement texts use:
// "#" and "##" headings, paragraphs, "- " lists (continued on indented
// lines) and **bold**. Every piece of text is escaped; the texts are ours,
// embedded in the binary.
func privacyMarkdown(md string) template.HTML { return markdownFrom(md, 2) }

// markdownFrom renders md with its "# " headings at level top and "## " one
// below: a document that is the page itself (the policy) starts at h1, one
// shown inside a page with its own title at h2.
func markdownFrom(md string, top int) template.HTML {
	var b strings.Builder
	var para, items []string
	flush := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + privacyInline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
		if len(items) > 0 {
			b.WriteString("<ul>\n")
			for _, it := range items {
				b.WriteString("<li>" + privacyInline(it) + "</li>\n")
			}
			b.WriteString("</ul>\n")
			items = nil
		}
	}
	for _, line := range strings.Split(md, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
		case strings.HasPrefix(t, "## "):
			flush()
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", top+1, privacyInline(t[3:]), top+1)
		case strings.HasPrefix(t, "# "):
			flush()
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", top, privacyInline(t[2:]), top)
		case strings.HasPrefix(t, "- "):
			if len(para) > 0 {
				flush()
			}
			items = append(items, t[2:])
		case len(items) > 0 && strings.HasPrefix(line, "  "):
			items[len(items)-1] += " " + t
		default:
			if len(items) > 0 {
				flush()
			}
			para = append(para, t)
		}
	}
	flush()
	return template.HTML(b.String())
}

// privacyInline escapes text and turns **bold** into <strong>.
func privacyInline(s string) string {
	s = template.HTMLEscapeString(s)
	for {
		i := strings.Index(s, "**")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i+2:], "**")
		if j < 0 {
			return s
		}
		s = s[:i] + "<strong>" + s[i+2:i+2+j] + "</strong>" + s[i+2+j+2:]
	}
}

// --- the register of processing activities (art. 30; PRIVACY.md P1) ---

type registerView struct {
	Entries    []privacy.RegisterEntry
	Controller string   // the organisation the register is shown to ("" in the console)
	Customers  []string // in the console: the controllers HMS processes for (art. 30(2)(a))
	Base       string   // the page's path, for its downloads
}

// RoleWords is a role in the page's language.
func (registerView) RoleWords(r privacy.Role, lang string) string { return privacy.RoleWords(r, lang) }

// privacyRegister shows an organisation the register: what HMS does with
// the data it enters (as processor), and with its users' (as controller).
func (s *Server) privacyRegister(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "privacy.register.title")
	p.Nav = "relations"
	o, err := s.Accounts.Organisation(r.Context(), actorOf(r))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	s.serveRegister(w, r, p, registerView{Controller: o.Name, Base: r.URL.Path})
}

// consolePrivacyRegister shows staff HMS's whole register with the
// customers it processes for.
func (s *Server) consolePrivacyRegister(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "privacy.register.title")
	p.Nav = "console"
	orgs, err := s.Accounts.ConsoleOrganisations(r.Context())
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := registerView{Base: r.URL.Path}
	for _, o := range orgs {
		v.Customers = append(v.Customers, o.Name)
	}
	s.serveRegister(w, r, p, v)
}

func (s *Server) serveRegister(w http.ResponseWriter, r *http.Request, p *page, v registerView) {
	switch r.URL.Query().Get("format") {
	case "csv":
		header, rows := privacy.RegisterCSV(p.Lang)
		writeCSV(w, "verwerkingsregister.csv", header, rows)
		return
	case "pdf":
		pdf, err := privacy.RegisterPDF(p.Lang, v.Controller, s.Clock.Now())
		if err != nil {
			s.fail(w, r, err, p)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="verwerkingsregister.pdf"`)
		_, _ = w.Write(pdf) // a failed write is a client that went away
		return
	}
	v.Entries = privacy.RegisterEntries(p.Lang)
	p.Data = v
	s.render(w, r, http.StatusOK, "privacy_register", p)
}
