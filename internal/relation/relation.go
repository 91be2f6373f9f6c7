package relation

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"hms/internal/account"
	"hms/internal/nl"
	"hms/internal/platform/address"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
)

// Kind says whether a relation is a natural person or a company.
type Kind string

const (
	Person  Kind = "person"
	Company Kind = "company"
)

// Role is what a relation is to the organisation; a relation may have
// several.
type Role string

const (
	RoleTenant    Role = "tenant"
	RoleGuarantor Role = "guarantor"
	RoleContact   Role = "contact"
	RoleSupplier  Role = "supplier"
	RoleOwner     Role = "owner"
)

// AllRoles in display order; a role's bit in the roles column is 1 << index.
var AllRoles = []Role{RoleTenant, RoleGuarantor, RoleContact, RoleSupplier, RoleOwner}

// Roles is a set of roles.
type Roles uint8

func (r Role) bit() Roles {
	if i := slices.Index(AllRoles, r); i >= 0 {
		return 1 << i
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.bit() != 0 }

// RolesOf makes a set; unknown roles are ignored.
func RolesOf(rs ...Role) Roles {
	var out Roles
	for _, r := range rs {
		out |= r.bit()
	}
	return out
}

// Has reports whether the set holds r.
func (s Roles) Has(r Role) bool { return r.Valid() && s&r.bit() != 0 }

// List returns the roles in display order.
func (s Roles) List() []Role {
	out := []Role{}
	for _, r := range AllRoles {
		if s.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

// Address is a postal address. Country is an ISO 3166 code, NL by default.
type Address struct {
	Street              string `json:"st,omitempty"`
	HouseNumber         string `json:"nr,omitempty"`
	HouseNumberAddition string `json:"ad,omitempty"`
	Postcode            string `json:"pc,omitempty"`
	City                string `json:"ci,omitempty"`
	Country             string `json:"co,omitempty"`
}

// IsZero reports whether no part of the address is filled in.
func (a Address) IsZero() bool {
	return a.Street == "" && a.HouseNumber == "" && a.HouseNumberAddition == "" && a.Postcode == "" && a.City == ""
}

// parts is the address for the house formatter.
func (a Address) parts() address.Parts {
	return address.Parts{Street: a.Street, Number: a.HouseNumber, Addition: a.HouseNumberAddition, Postcode: a.Postcode, City: a.City}
}

// StreetLine is street and number: "Dorpsstraat 12-A".
func (a Address) StreetLine() string { return a.parts().StreetLine() }

// Place is postcode and city: "1234 AB Utrecht".
func (a Address) Place() string { return a.parts().Place() }

// Line is the address on one line: "Dorpsstraat 12-A, 1234 AB Utrecht",
// with the country when not NL.
func (a Address) Line() string {
	if a.Country != "" && a.Country != "NL" {
		return joinNonEmpty(", ", a.parts().Line(), countryName(a.Country))
	}
	return a.parts().Line()
}

// Postal is the address as written on an envelope, one line per line:
// street and number, postcode and city, and the country when not NL.
func (a Address) Postal() string {
	if a.IsZero() {
		return ""
	}
	lines := []string{a.parts().Lines()}
	if a.Country != "" && a.Country != "NL" {
		lines = append(lines, countryName(a.Country))
	}
	return joinNonEmpty("\n", lines...)
}

var countryNames = map[string]string{"BE": "BELGIË", "DE": "DUITSLAND", "FR": "FRANKRIJK", "LU": "LUXEMBURG", "GB": "VERENIGD KONINKRIJK",
	"ES": "SPANJE", "IT": "ITALIË", "PL": "POLEN", "PT": "PORTUGAL", "AT": "OOSTENRIJK", "CH": "ZWITSERLAND", "US": "VERENIGDE STATEN"}

// countryName is the country line of an international address.
func countryName(code string) string {
	if n, ok := countryNames[code]; ok {
		return n
	}
	return code
}

// Limits of the input.
const (
	maxName      = 100
	maxCompany   = 200
	maxRef       = 64
	maxPhones    = 3
	maxIBANs     = 5
	maxCategory  = 40
	maxOptional  = 100
	maxAgeYears  = 130
	minTenantAge = 16
)

// PersonInput is a natural person as entered (forms, API, import). An
// update replaces every field.
type PersonInput struct {
	Ref           string // the customer's own reference, e.g. a debtor number; unique when given
	Initials      string
	FirstNames    string
	SurnamePrefix string // tussenvoegsel: "van der"
	Surname       string
	Address
	Email       string
	Phones      []string
	BirthDate   string // ISO 2006-01-02 or Dutch 2-1-2006; "" when unknown
	BirthPlace  string // only when the organisation turned it on
	Nationality string // only when the organisation turned it on
	IBANs       []string
	Language    string // nl or en; nl when empty
	Roles       Roles
	// SupplierCategories are cost category codes ("schoonmaak", "energie")
	// of a supplier.
	SupplierCategories []string
}

// CompanyInput is a company (or sole trader) as entered.
type CompanyInput struct {
	Ref       string
	Name      string
	LegalForm string // see LegalForms; "" when unknown
	KvK       string
	BTW       string
	Address
	Email              string
	Phone              string
	IBANs              []string
	Language           string
	Roles              Roles
	SupplierCategories []string
	// ContactPersonIDs are the company's contact persons; nil leaves them
	// as they are on an update (forms link them one by one), an empty
	// list removes them all.
	ContactPersonIDs []int64
}

// LegalForms a company may have. A sole trader's (eenmanszaak) old btw-id
// contains the owner's BSN, so for these, and when the form is unknown, a
// btw-id that passes the BSN 11-test is refused (PRIVACY.md P6).
var LegalForms = []string{"eenmanszaak", "vof", "maatschap", "cv", "bv", "nv", "stichting", "vereniging", "cooperatie", "overig"}

func btwMayHoldBSN(legalForm string) bool { return legalForm == "" || legalForm == "eenmanszaak" }

// Relation is a person or company with its personal fields opened.
type Relation struct {
	ID       int64
	Kind     Kind
	Ref      string
	Roles    Roles
	Language string

	// Person
	Initials, FirstNames, SurnamePrefix, Surname string
	BirthDate                                    civil.Date
	BirthPlace, Nationality                      string
	Minor                                        bool // younger than 16 today

	// Company
	Name, LegalForm, KvK, BTW string

	Address            Address
	Email              string
	Phones             []string
	IBANs              []string // normalised; the first is the account payments go to
	SupplierCategories []string
	// Links are a company's contact persons, or the companies a person is a
	// contact of.
	Links []Link

	CreatedAt, UpdatedAt time.Time
	// Erased: the person was erased; only the id, kind and roles remain.
	Erased bool
	// Restriction is set while processing is restricted (art. 18 GDPR).
	Restriction *Restriction
}

// ErasedName stands for an erased person's name wherever a name is shown
// (a lease's tenants, a debtor list): the same in every language.
const ErasedName = "—"

// Link names a related relation.
type Link struct {
	ID   int64
	Name string
}

func (r *Relation) personName() personName {
	return personName{Initials: r.Initials, FirstNames: r.FirstNames, Prefix: r.SurnamePrefix, Surname: r.Surname}
}

// DisplayName is "J. de Vries" for a person, the name for a company.
func (r *Relation) DisplayName() string {
	if r.Erased {
		return ErasedName
	}
	if r.Kind == Company {
		return r.Name
	}
	return r.personName().display()
}

// ListItem is one row of a relation list: only what the list shows.
type ListItem struct {
	ID    int64
	Kind  Kind
	Name  string // "Vries, J. de" or the company name
	City  string
	Roles Roles
	Ref   string
	// Restricted: processing restricted (only owners see such rows).
	Restricted bool
}

// --- validation and normalisation ---

// sealedContact is the contact part of a relation, as sealed.
type sealedContact struct {
	Email  string   `json:"e,omitempty"`
	Phones []string `json:"p,omitempty"`
}

// sealedBirth is a person's birth data, as sealed.
type sealedBirth struct {
	Date        string `json:"d,omitempty"`
	Place       string `json:"p,omitempty"`
	Nationality string `json:"n,omitempty"`
}

// clean is validated, normalised input of either kind: what is stored.
type clean struct {
	kind       Kind
	ref        string
	name       personName // person
	company    string
	legalForm  string
	kvk, btw   string
	address    Address
	contact    sealedContact
	birth      sealedBirth
	birthDate  civil.Date
	ibans      []string
	lang       string
	roles      Roles
	categories []string
	contacts   []int64 // company: contact person ids
	keepLinks  bool    // company update: leave contact persons as they are
}

// optional tells validation which optional fields the organisation allows.
type optional struct{ birthPlace, nationality bool }

func (c *clean) collationKey() string {
	if c.kind == Company {
		return companyCollationKey(c.company)
	}
	return c.name.collationKey()
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// text trims and collapses white space, and refuses control characters.
func text(fe validation.Errors, field, s string, max int, required bool) string {
	s = strings.Join(strings.Fields(s), " ")
	switch {
	case s == "" && required:
		fe.Add(field, "field.required")
	case tooLong(s, max):
		fe.Add(field, "relation.too_long")
	case strings.ContainsFunc(s, unicode.IsControl):
		fe.Add(field, "field.invalid")
	}
	return s
}

func (s *Service) validatePerson(in PersonInput, opt optional, today civil.Date) (*clean, validation.Errors) {
	fe := validation.Errors{}
	c := &clean{kind: Person, roles: in.Roles}
	c.ref = text(fe, "ref", in.Ref, maxRef, false)
	c.name.Surname = text(fe, "surname", in.Surname, maxName, true)
	c.name.Prefix = strings.ToLower(text(fe, "surname_prefix", in.SurnamePrefix, 30, false))
	c.name.FirstNames = text(fe, "first_names", in.FirstNames, maxName, false)
	ini := text(fe, "initials", in.Initials, 30, false)
	if strings.ContainsFunc(ini, func(r rune) bool { return !unicode.IsLetter(r) && !strings.ContainsRune(". -", r) }) {
		fe.Add("initials", "relation.initials_invalid")
	}
	c.name.Initials = NormalizeInitials(ini)
	if c.name.Surname != "" && !strings.ContainsFunc(c.name.Surname, unicode.IsLetter) {
		fe.Add("surname", "field.invalid")
	}
	c.address = cleanAddress(fe, in.Address)
	c.contact.Email = cleanEmail(fe, in.Email)
	if len(in.Phones) > maxPhones {
		fe.Add("phones", "relation.too_many")
	}
	for i, p := range in.Phones {
		if p = strings.TrimSpace(p); p != "" {
			if normalizePhone(p) == "" {
				fe.Add(indexed("phones", i), "relation.phone_invalid")
			}
			c.contact.Phones = append(c.contact.Phones, strings.Join(strings.Fields(p), " "))
		}
	}
	if bd := strings.TrimSpace(in.BirthDate); bd != "" {
		d, err := civil.Parse(bd)
		switch {
		case err != nil:
			fe.Add("birth_date", "relation.date_invalid")
		case d.After(today):
			fe.Add("birth_date", "relation.birth_date_future")
		case d.YearsOn(today) > maxAgeYears:
			fe.Add("birth_date", "relation.birth_date_past")
		default:
			c.birthDate = d
			c.birth.Date = d.String()
		}
	}
	c.birth.Place = text(fe, "birth_place", in.BirthPlace, maxOptional, false)
	if c.birth.Place != "" && !opt.birthPlace {
		fe.Add("birth_place", "relation.field_disabled")
	}
	c.birth.Nationality = text(fe, "nationality", in.Nationality, maxOptional, false)
	if c.birth.Nationality != "" && !opt.nationality {
		fe.Add("nationality", "relation.field_disabled")
	}
	if in.Roles.Has(RoleTenant) && !c.birthDate.IsZero() && c.birthDate.YearsOn(today) < minTenantAge {
		fe.Add("birth_date", "relation.tenant_under_16")
	}
	c.ibans = cleanIBANs(fe, in.IBANs)
	c.lang = cleanLang(fe, in.Language)
	c.categories = cleanCategories(fe, in.SupplierCategories, in.Roles)
	if in.Roles.Has(RoleSupplier) && len(c.ibans) == 0 {
		fe.Add(indexed("ibans", 0), "relation.supplier_iban_required")
	}
	return c, fe
}

func (s *Service) validateCompany(in CompanyInput) (*clean, validation.Errors) {
	fe := validation.Errors{}
	c := &clean{kind: Company, roles: in.Roles}
	c.ref = text(fe, "ref", in.Ref, maxRef, false)
	c.company = text(fe, "name", in.Name, maxCompany, true)
	c.legalForm = strings.TrimSpace(in.LegalForm)
	if c.legalForm != "" && !slices.Contains(LegalForms, c.legalForm) {
		fe.Add("legal_form", "field.invalid")
	}
	if k := strings.Join(strings.Fields(in.KvK), ""); k != "" {
		if nl.ValidateKvK(k) != nil {
			fe.Add("kvk", "relation.kvk_invalid")
		}
		c.kvk = k
	}
	if b := strings.TrimSpace(in.BTW); b != "" {
		n, err := nl.NormalizeBTW(b)
		switch {
		case err != nil:
			fe.Add("btw_id", "relation.btw_invalid")
		case btwMayHoldBSN(c.legalForm) && nl.BTWLooksLikeBSN(n):
			fe.Add("btw_id", "relation.btw_contains_bsn")
		}
		c.btw = n
	}
	c.address = cleanAddress(fe, in.Address)
	c.contact.Email = cleanEmail(fe, in.Email)
	if p := strings.TrimSpace(in.Phone); p != "" {
		if normalizePhone(p) == "" {
			fe.Add(indexed("phones", 0), "relation.phone_invalid")
		}
		c.contact.Phones = []string{strings.Join(strings.Fields(p), " ")}
	}
	c.ibans = cleanIBANs(fe, in.IBANs)
	c.lang = cleanLang(fe, in.Language)
	c.categories = cleanCategories(fe, in.SupplierCategories, in.Roles)
	if in.Roles.Has(RoleSupplier) && len(c.ibans) == 0 {
		fe.Add(indexed("ibans", 0), "relation.supplier_iban_required")
	}
	c.keepLinks = in.ContactPersonIDs == nil
	seen := map[int64]bool{}
	for _, id := range in.ContactPersonIDs {
		if id > 0 && !seen[id] {
			seen[id] = true
			c.contacts = append(c.contacts, id)
		}
	}
	return c, fe
}

// indexed names the i-th element of a list field as forms and the API do:
// "ibans[0]".
func indexed(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

func cleanAddress(fe validation.Errors, a Address) Address {
	out := Address{
		Street:              text(fe, "street", a.Street, maxName, false),
		HouseNumber:         text(fe, "house_number", a.HouseNumber, 10, false),
		HouseNumberAddition: text(fe, "house_number_addition", a.HouseNumberAddition, 10, false),
		City:                text(fe, "city", a.City, maxName, false),
		Country:             strings.ToUpper(strings.TrimSpace(a.Country)),
	}
	if out.Country == "" {
		out.Country = "NL"
	}
	if len(out.Country) != 2 || strings.ContainsFunc(out.Country, func(r rune) bool { return r < 'A' || r > 'Z' }) {
		fe.Add("country", "relation.country_invalid")
	}
	pc := strings.TrimSpace(a.Postcode)
	if out.IsZero() && pc == "" {
		return out
	}
	if out.Country == "NL" {
		if pc != "" {
			n, err := nl.NormalizePostcode(pc)
			if err != nil {
				fe.Add("postcode", "relation.postcode_invalid")
			}
			out.Postcode = n
		} else {
			fe.Add("postcode", "field.required")
		}
		if out.HouseNumber == "" {
			fe.Add("house_number", "field.required")
		} else if strings.ContainsFunc(out.HouseNumber, func(r rune) bool { return r < '0' || r > '9' }) ||
			out.HouseNumber[0] == '0' || len(out.HouseNumber) > 5 {
			fe.Add("house_number", "relation.house_number_invalid")
		}
	} else {
		out.Postcode = foreignPostcode(fe, pc)
	}
	if out.Street == "" {
		fe.Add("street", "field.required")
	}
	if out.City == "" {
		fe.Add("city", "field.required")
	}
	return out
}

func foreignPostcode(fe validation.Errors, pc string) string {
	pc = strings.ToUpper(strings.Join(strings.Fields(pc), " "))
	if len(pc) > 12 || strings.ContainsFunc(pc, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z') && !(r >= '0' && r <= '9') && r != ' ' && r != '-'
	}) {
		fe.Add("postcode", "relation.postcode_invalid")
	}
	return pc
}

// normalizePostcode is the postcode as indexed: the Dutch "1234 AB" form,
// or a foreign one upper-cased.
func normalizePostcode(pc string) string {
	if n, err := nl.NormalizePostcode(pc); err == nil {
		return n
	}
	return strings.ToUpper(strings.Join(strings.Fields(pc), " "))
}

func cleanEmail(fe validation.Errors, e string) string {
	if strings.TrimSpace(e) == "" {
		return ""
	}
	n := account.NormalizeEmail(e)
	if n == "" {
		fe.Add("email", "email.invalid")
	}
	return n
}

func cleanIBANs(fe validation.Errors, in []string) []string {
	var out []string
	if len(in) > maxIBANs {
		fe.Add("ibans", "relation.too_many")
	}
	for i, s := range in {
		if strings.TrimSpace(s) == "" {
			continue
		}
		n := nl.NormalizeIBAN(s)
		switch {
		case nl.ValidateIBAN(n) != nil:
			fe.Add(indexed("ibans", i), "relation.iban_invalid")
		case slices.Contains(out, n):
			fe.Add(indexed("ibans", i), "relation.iban_duplicate")
		default:
			out = append(out, n)
		}
	}
	return out
}

func cleanLang(fe validation.Errors, l string) string {
	switch l = strings.ToLower(strings.TrimSpace(l)); l {
	case "":
		return "nl"
	case "nl", "en":
		return l
	}
	fe.Add("language", "field.invalid")
	return l
}

// cleanCategories checks supplier cost category codes: lower-case letters,
// digits, "-" and "_"; only a supplier has them.
func cleanCategories(fe validation.Errors, in []string, roles Roles) []string {
	var out []string
	for _, c := range in {
		for _, part := range strings.FieldsFunc(c, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
			part = strings.ToLower(part)
			if part == "" || slices.Contains(out, part) {
				continue
			}
			if len(part) > maxCategory || strings.ContainsFunc(part, func(r rune) bool {
				return !(r >= 'a' && r <= 'z') && !(r >= '0' && r <= '9') && r != '-' && r != '_'
			}) {
				fe.Add("supplier_categories", "relation.category_invalid")
				continue
			}
			out = append(out, part)
		}
	}
	if len(out) > 20 {
		fe.Add("supplier_categories", "relation.too_many")
	}
	if len(out) > 0 && !roles.Has(RoleSupplier) {
		fe.Add("supplier_categories", "relation.categories_need_supplier")
	}
	return out
}

// normalizePhone reduces a phone number to the digits that identify it,
// Dutch numbers in national form: "+31 6 1234 5678", "0031 (0)6-12345678"
// and "06 12345678" all give "0612345678"; other countries keep their 00
// prefix. It returns "" when the result is not 8 to 15 digits.
func normalizePhone(s string) string {
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	s = strings.ReplaceAll(s, "(0)", "")
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if strings.ContainsRune(" -./()", r) {
			return -1
		}
		return 'x'
	}, s)
	if plus && strings.HasPrefix(s, "+") {
		d = strings.TrimPrefix(d, "x")
		d = "00" + d
	}
	if strings.Contains(d, "x") {
		return ""
	}
	if rest, ok := strings.CutPrefix(d, "0031"); ok {
		d = "0" + strings.TrimPrefix(rest, "0")
	}
	if len(d) < 8 || len(d) > 15 {
		return ""
	}
	return d
}
