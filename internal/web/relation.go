package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/nl"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/privacy"
	"hms/internal/relation"
)

// --- list ---

type relationListView struct {
	List        *ListView
	Items       []relation.ListItem
	Filters     []relationFilterLink
	CanWrite    bool
	NeedsAgreem bool
}

type relationFilterLink struct {
	Label   string // message id
	URL     string
	Current bool
	ID      string
}

func (s *Server) relationList(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "relation.list_title")
	p.Nav = "relations"
	a := actorOf(r)
	f := relation.Filter{Role: relation.Role(r.URL.Query().Get("role")), Kind: relation.Kind(r.URL.Query().Get("kind"))}
	if !f.Role.Valid() {
		f.Role = ""
	}
	if f.Kind != relation.Person && f.Kind != relation.Company {
		f.Kind = ""
	}
	serveList(s, w, r, p, listSpec[relation.ListItem]{
		Sorts: []string{"name", "ref", "created"},
		Fetch: func(q listing.Query) (listing.Page[relation.ListItem], error) {
			return s.Relations.List(r.Context(), a, q, f)
		},
		CSV: func(items []relation.ListItem) csvFile {
			rows := make([][]string, 0, len(items))
			for _, it := range items {
				rows = append(rows, []string{it.Name, p.T("relation.kind." + string(it.Kind)), s.roleNames(p, it.Roles), it.City, it.Ref})
			}
			return csvFile{"relaties.csv", []string{p.T("relation.col_name"), p.T("relation.col_kind"), p.T("relation.col_roles"),
				p.T("relation.col_city"), p.T("relation.col_ref")}, rows}
		},
		Show: func(lv *ListView, items []relation.ListItem) error {
			v := relationListView{List: lv, Items: items, CanWrite: a.Can(account.PermPortfolioWrite)}
			v.Filters = append(v.Filters, relationFilterLink{Label: "relation.filter_all", URL: lv.url(map[string]string{"role": "", "kind": ""}),
				Current: f.Role == "" && f.Kind == "", ID: "filter-all"})
			for _, role := range relation.AllRoles {
				v.Filters = append(v.Filters, relationFilterLink{Label: "relation.roles." + string(role),
					URL: lv.url(map[string]string{"role": string(role), "kind": ""}), Current: f.Role == role, ID: "filter-" + string(role)})
			}
			v.Filters = append(v.Filters, relationFilterLink{Label: "relation.filter_companies",
				URL: lv.url(map[string]string{"role": "", "kind": "company"}), Current: f.Kind == relation.Company, ID: "filter-company"})
			if st, err := s.Privacy.ProcessorAgreementStatus(r.Context(), a); err == nil {
				v.NeedsAgreem = st.Accepted == nil
			}
			p.Data = v
			return nil
		},
		Template: "relation_list",
	})
}

func (s *Server) roleNames(p *page, roles relation.Roles) string {
	var out []string
	for _, r := range roles.List() {
		out = append(out, p.T("relation.roles."+string(r)))
	}
	return strings.Join(out, ", ")
}

// --- form ---

type relationFormView struct {
	Kind       relation.Kind
	ID         int64 // 0 for a new relation
	Action     string
	Roles      []relation.Role
	LegalForms []string
	Optional   privacy.Settings
	Phones     []int // indexes of the phone inputs
	IBANs      []int
}

// relField is what the "rel_input" template needs for one input.
type relField struct {
	P        *page
	Name     string
	Label    string
	Type     string
	Hint     string
	Required bool
	Auto     string // autocomplete token
}

// F describes an input for the "rel_input" template.
func (v relationFormView) F(p *page, name, label, typ string) relField {
	return relField{P: p, Name: name, Label: label, Type: typ}
}

// R is F for a required input.
func (v relationFormView) R(p *page, name, label, typ string) relField {
	return relField{P: p, Name: name, Label: label, Type: typ, Required: true}
}

// Checked reports whether a checkbox value is in the form.
func (v relationFormView) Checked(p *page, field, value string) bool {
	return slices.Contains(p.Form[field], value)
}

func (s *Server) relationFormView(r *http.Request, kind relation.Kind, id int64) relationFormView {
	v := relationFormView{Kind: kind, ID: id, Roles: relation.AllRoles, LegalForms: relation.LegalForms,
		Phones: []int{0, 1, 2}, IBANs: []int{0, 1, 2}}
	if kind == relation.Company {
		v.Phones = []int{0}
	}
	a := actorOf(r)
	v.Action = "/o/" + a.OrgSlug + "/relations"
	if id != 0 {
		v.Action += "/" + strconv.FormatInt(id, 10)
	}
	v.Optional, _ = s.Privacy.Settings(r.Context(), a)
	return v
}

func relFormKind(k string) relation.Kind {
	if k == string(relation.Company) {
		return relation.Company
	}
	return relation.Person
}

func (s *Server) relationNew(w http.ResponseWriter, r *http.Request) {
	kind := relFormKind(r.URL.Query().Get("kind"))
	p := s.newPage(r, "relation.title_new_"+string(kind))
	p.Nav = "relations"
	p.Form = url.Values{"country": {"NL"}, "language": {"nl"}}
	p.Data = s.relationFormView(r, kind, 0)
	s.render(w, r, http.StatusOK, "relation_form", p)
}

func (s *Server) relationCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	kind := relFormKind(f.String("kind"))
	p := s.newPage(r, "relation.title_new_"+string(kind))
	p.Nav = "relations"
	p.Data = s.relationFormView(r, kind, 0)
	err := f.Err()
	var id int64
	switch {
	case err != nil:
	case kind == relation.Company:
		id, err = s.Relations.CreateCompany(r.Context(), actorOf(r), relCompanyFromForm(f))
	default:
		id, err = s.Relations.CreatePerson(r.Context(), actorOf(r), relPersonFromForm(f))
	}
	if err != nil {
		s.fail(w, r, relationFormErr(err), p, s.onForm(w, r, "relation_form", p))
		return
	}
	s.flash(r, "relation.saved")
	http.Redirect(w, r, fmt.Sprintf("/o/%s/relations/%d", actorOf(r).OrgSlug, id), http.StatusSeeOther)
}

func (s *Server) relationEdit(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "relation.title_edit")
	p.Nav = "relations"
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	rel, err := s.Relations.Get(r.Context(), actorOf(r), id, relation.ViaWeb)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Form = relFormFromRelation(rel)
	p.Data = s.relationFormView(r, rel.Kind, id)
	s.render(w, r, http.StatusOK, "relation_form", p)
}

func (s *Server) relationUpdate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "relation.title_edit")
	p.Nav = "relations"
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	kind := relFormKind(f.String("kind"))
	p.Data = s.relationFormView(r, kind, id)
	err := f.Err()
	switch {
	case err != nil:
	case kind == relation.Company:
		err = s.Relations.UpdateCompany(r.Context(), actorOf(r), id, relCompanyFromForm(f))
	default:
		err = s.Relations.UpdatePerson(r.Context(), actorOf(r), id, relPersonFromForm(f))
	}
	if err != nil {
		s.fail(w, r, relationFormErr(err), p, s.onForm(w, r, "relation_form", p))
		return
	}
	s.flash(r, "relation.saved")
	http.Redirect(w, r, fmt.Sprintf("/o/%s/relations/%d", actorOf(r).OrgSlug, id), http.StatusSeeOther)
}

// relFormList reads the inputs name[0], name[1], … of a form.
func relFormList(f *form, name string, n int) []string {
	var out []string
	for i := range n {
		out = append(out, f.String(fmt.Sprintf("%s[%d]", name, i)))
	}
	return out
}

func relRolesFromForm(f *form) relation.Roles {
	var rs []relation.Role
	for _, v := range f.Strings("roles") {
		rs = append(rs, relation.Role(v))
	}
	return relation.RolesOf(rs...)
}

func relAddressFromForm(f *form) relation.Address {
	return relation.Address{Street: f.String("street"), HouseNumber: f.String("house_number"),
		HouseNumberAddition: f.String("house_number_addition"), Postcode: f.String("postcode"), City: f.String("city"),
		Country: f.String("country")}
}

func relPersonFromForm(f *form) relation.PersonInput {
	return relation.PersonInput{Ref: f.String("ref"), Initials: f.String("initials"), FirstNames: f.String("first_names"),
		SurnamePrefix: f.String("surname_prefix"), Surname: f.String("surname"), Address: relAddressFromForm(f), Email: f.String("email"),
		Phones: relFormList(f, "phones", 3), BirthDate: f.String("birth_date"), BirthPlace: f.String("birth_place"),
		Nationality: f.String("nationality"), IBANs: relFormList(f, "ibans", 3), Language: f.String("language"),
		Roles: relRolesFromForm(f), SupplierCategories: []string{f.String("supplier_categories")}}
}

func relCompanyFromForm(f *form) relation.CompanyInput {
	return relation.CompanyInput{Ref: f.String("ref"), Name: f.String("name"), LegalForm: f.String("legal_form"), KvK: f.String("kvk"),
		BTW: f.String("btw_id"), Address: relAddressFromForm(f), Email: f.String("email"), Phone: f.String("phones[0]"),
		IBANs: relFormList(f, "ibans", 3), Language: f.String("language"), Roles: relRolesFromForm(f),
		SupplierCategories: []string{f.String("supplier_categories")}}
}

// relFormFromRelation fills the edit form with a relation's values.
func relFormFromRelation(rel *relation.Relation) url.Values {
	f := url.Values{}
	set := func(k, v string) {
		if v != "" {
			f.Set(k, v)
		}
	}
	set("kind", string(rel.Kind))
	set("ref", rel.Ref)
	set("initials", rel.Initials)
	set("first_names", rel.FirstNames)
	set("surname_prefix", rel.SurnamePrefix)
	set("surname", rel.Surname)
	set("name", rel.Name)
	set("legal_form", rel.LegalForm)
	set("kvk", rel.KvK)
	set("btw_id", rel.BTW)
	set("street", rel.Address.Street)
	set("house_number", rel.Address.HouseNumber)
	set("house_number_addition", rel.Address.HouseNumberAddition)
	set("postcode", rel.Address.Postcode)
	set("city", rel.Address.City)
	set("country", rel.Address.Country)
	if f.Get("country") == "" {
		f.Set("country", "NL")
	}
	set("email", rel.Email)
	for i, ph := range rel.Phones {
		set(fmt.Sprintf("phones[%d]", i), ph)
	}
	set("birth_date", rel.BirthDate.Dutch())
	set("birth_place", rel.BirthPlace)
	set("nationality", rel.Nationality)
	for i, iban := range rel.IBANs {
		set(fmt.Sprintf("ibans[%d]", i), nl.FormatIBAN(iban))
	}
	set("language", rel.Language)
	for _, r := range rel.Roles.List() {
		f.Add("roles", string(r))
	}
	set("supplier_categories", strings.Join(rel.SupplierCategories, ", "))
	return f
}

// --- detail ---

type relationShowView struct {
	Rel        *relation.Relation
	Links      *recordLinks
	IBANs      []string // formatted
	Access     []relAccessRow
	CanWrite   bool
	CanExport  bool // owners and managers: the person's data as a zip
	CanErase   bool // owners
	ContactQ   string
	Candidates []relation.ListItem // persons found to link as contact
	Searched   bool
	Rights     relationRightsView // restriction and objections (persons)
}

type relAccessRow struct {
	At  time.Time
	Who string
	Via string
}

func (s *Server) relationShow(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "relation.title_show")
	p.Nav = "relations"
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	s.renderRelation(w, r, http.StatusOK, p, id)
}

func (s *Server) renderRelation(w http.ResponseWriter, r *http.Request, status int, p *page, id int64) {
	a := actorOf(r)
	rel, err := s.Relations.Get(r.Context(), a, id, relation.ViaWeb)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := relationShowView{Rel: rel, CanWrite: a.Can(account.PermPortfolioWrite), CanExport: privacy.CanExport(a),
		CanErase: privacy.CanErase(a) && rel.Kind == relation.Person}
	if v.Links, err = s.tenantLinks(r, p, id); err != nil {
		s.fail(w, r, err, p)
		return
	}
	for _, iban := range rel.IBANs {
		v.IBANs = append(v.IBANs, nl.FormatIBAN(iban))
	}
	if rel.Kind == relation.Person {
		v.Rights = relationRights()
		if v.Rights.Objections, err = s.Relations.Objections(r.Context(), a, id); err != nil {
			s.fail(w, r, err, p)
			return
		}
	}
	evs, err := s.Relations.AccessLog(r.Context(), a, id, 10)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	names := map[int64]string{}
	for _, ev := range evs {
		name, ok := names[ev.ActorUserID]
		if !ok {
			if u, err := s.Accounts.User(r.Context(), ev.ActorUserID); err == nil {
				name = u.Name
			}
			names[ev.ActorUserID] = name
		}
		v.Access = append(v.Access, relAccessRow{At: ev.At, Who: name, Via: s.viaWords(p, ev.Details["via"])})
	}
	if rel.Kind == relation.Company && v.CanWrite {
		v.ContactQ = strings.TrimSpace(r.URL.Query().Get("contact_q"))
		if v.ContactQ != "" {
			v.Searched = true
			found, err := s.Relations.List(r.Context(), a, listing.Query{Search: v.ContactQ, Limit: 10}, relation.Filter{Kind: relation.Person})
			if err != nil {
				s.fail(w, r, err, p)
				return
			}
			v.Candidates = found.Items
		}
	}
	p.Title = "relation.title_show"
	p.Data = v
	s.render(w, r, status, "relation_show", p)
}

// Time formats an access time with the hour.
func (v relationShowView) Time(p *page, t time.Time) string {
	return p.Date(t) + " " + t.In(amsterdam).Format("15:04")
}

func (s *Server) relationLinkContact(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "relation.title_show")
	p.Nav = "relations"
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	err := f.Err()
	if err == nil {
		err = s.Relations.LinkContact(r.Context(), actorOf(r), id, f.Number("person_id"))
		if fe, ok := validation.AsFields(err); ok {
			// The person is chosen from a list: its error heads the page.
			err = validation.Errors{"_": fe["person_id"]}
		}
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderRelation(w, r, status, p, id) }, nil))
		return
	}
	s.flash(r, "relation.contact_linked")
	http.Redirect(w, r, fmt.Sprintf("/o/%s/relations/%d", actorOf(r).OrgSlug, id), http.StatusSeeOther)
}

func (s *Server) relationUnlinkContact(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "relation.title_show")
	id, person := pathID(r, "id"), pathID(r, "person")
	if id == 0 || person == 0 {
		s.notFound(w, r)
		return
	}
	err := f.Err()
	if err == nil {
		err = s.Relations.UnlinkContact(r.Context(), actorOf(r), id, person)
	}
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	s.flash(r, "relation.contact_unlinked")
	http.Redirect(w, r, fmt.Sprintf("/o/%s/relations/%d", actorOf(r).OrgSlug, id), http.StatusSeeOther)
}

// AgreementMissing reports whether the form's error is the missing
// processor agreement, so the form can link to it.
func (v relationFormView) AgreementMissing(p *page) bool {
	return p.Errors["_"] == "relation.agreement_notice"
}

// relationFormErr says the missing processor agreement (409) in words for
// people, which the form shows with a link to it.
func relationFormErr(err error) error {
	if errors.Is(err, privacy.ErrAgreementNotAccepted) {
		return &validation.Problem{Status: http.StatusConflict, Code: "relation.agreement_notice"}
	}
	return err
}

// viaWords says in words why a relation was opened: the web, the API, an
// import or the document that needed the tenant's details.
func (s *Server) viaWords(p *page, via string) string {
	if id := "relation.via." + via; via != "" && s.Texts.Has(p.Lang, id) {
		return p.T(id)
	}
	return p.T("relation.via.other")
}
