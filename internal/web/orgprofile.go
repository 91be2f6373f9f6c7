package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"hms/internal/account"
	"hms/internal/orgprofile"
	"hms/internal/platform/validation"
)

// The organisation's details: one page every document's issuer block comes
// from (orgprofile). Owners and managers change them, every member reads.

type orgProfileView struct {
	Profile  orgprofile.Profile
	CanWrite bool
	Fields   []string // the text fields in order
}

// orgProfileTextFields are the page's text inputs, in order.
var orgProfileTextFields = []string{"legal_name", "street", "house_number", "postcode", "city", "email", "phone", "kvk", "vat_id"}

func (s *Server) orgProfilePath(r *http.Request) string {
	return "/o/" + actorOf(r).OrgSlug + "/settings/organisation"
}

func (s *Server) orgProfile(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "orgprofile.title")
	p.Form = nil
	s.renderOrgProfile(w, r, http.StatusOK, p)
}

func (s *Server) renderOrgProfile(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "organisation"
	a := actorOf(r)
	pr, err := s.OrgProfile.Get(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	if len(p.Form) == 0 {
		p.Form = url.Values{"legal_name": {pr.LegalName}, "street": {pr.Street}, "house_number": {pr.HouseNumber},
			"postcode": {pr.Postcode}, "city": {pr.City}, "email": {pr.Email}, "phone": {pr.Phone}, "kvk": {pr.KvK},
			"vat_id": {pr.VATID}, "payment_term_days": {fmt.Sprint(pr.PaymentTermDays)}}
	}
	p.Data = orgProfileView{Profile: pr, CanWrite: a.Can(account.PermPortfolioWrite), Fields: orgProfileTextFields}
	s.render(w, r, status, "org_settings", p)
}

// orgProfileLogoUpload reads the optional logo of the multipart form.
func orgProfileLogoUpload(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, orgprofile.MaxLogoBytes+1<<20)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return nil, r.ParseForm()
	}
	if err := r.ParseMultipartForm(2 << 20); err != nil {
		return nil, validation.Errors{"logo": "orgprofile.logo_too_large"}
	}
	file, h, err := r.FormFile("logo")
	if err != nil {
		return nil, nil // no file chosen
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, orgprofile.MaxLogoBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read logo: %w", err)
	}
	if len(data) == 0 && h.Filename == "" {
		return nil, nil
	}
	return data, nil
}

func (s *Server) orgProfileSave(w http.ResponseWriter, r *http.Request) {
	logo, uerr := orgProfileLogoUpload(w, r)
	f := readForm(r)
	p := s.newPage(r, "orgprofile.title")
	again := onPage(func(status int) { s.renderOrgProfile(w, r, status, p) }, nil)
	if uerr != nil {
		s.fail(w, r, uerr, p, again)
		return
	}
	in := orgprofile.Input{LegalName: f.String("legal_name"), Street: f.String("street"), HouseNumber: f.String("house_number"),
		Postcode: f.String("postcode"), City: f.String("city"), Email: f.String("email"), Phone: f.String("phone"),
		KvK: f.String("kvk"), VATID: f.String("vat_id"), Logo: logo, RemoveLogo: f.Bool("remove_logo")}
	if f.Filled("payment_term_days") {
		if in.PaymentTermDays = f.Int("payment_term_days"); in.PaymentTermDays <= 0 {
			in.PaymentTermDays = -1 // not a number of days: the service names the field
		}
	}
	err := f.Err()
	if err == nil {
		err = s.OrgProfile.Save(r.Context(), actorOf(r), in)
	}
	if err != nil {
		s.fail(w, r, err, p, again)
		return
	}
	s.flash(r, "orgprofile.saved")
	http.Redirect(w, r, s.orgProfilePath(r), http.StatusSeeOther)
}

// orgProfileLogo serves the logo the page shows.
func (s *Server) orgProfileLogo(w http.ResponseWriter, r *http.Request) {
	logo, kind, err := s.OrgProfile.Logo(r.Context(), actorOf(r))
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "orgprofile.title"))
		return
	}
	if logo == nil {
		w.WriteHeader(http.StatusNoContent) // no logo set: nothing to show
		return
	}
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Cache-Control", "private, no-cache")
	_, _ = w.Write(logo) // a client that went away needs no answer
}

// orgDetailsMissing is the warning before a run when the details every
// document prints are incomplete: the missing fields' labels, or nil.
func (s *Server) orgDetailsMissing(r *http.Request) []string {
	missing, err := s.OrgProfile.Missing(r.Context(), actorOf(r))
	if err != nil {
		return nil // the warning is a courtesy; the run's own checks stand
	}
	return missing
}
