package api

import (
	"context"
	"net/http"
	"time"

	"hms/internal/account"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/relation"
)

// The relation operations (persons and companies) and the processor
// agreement they depend on.

func init() {
	areas = append(areas, func(a *API) {
		read, write := account.PermPortfolioRead, account.PermPortfolioWrite
		op(a, http.MethodGet, "/relations", "list-relations", "List or search relations", read, a.relationList)
		op(a, http.MethodPost, "/relations", "create-relation", "Create a person or company", write, a.relationCreate)
		op(a, http.MethodGet, "/relations/{id}", "get-relation", "Get a relation (the access is logged)", read, a.relationGet)
		op(a, http.MethodPut, "/relations/{id}", "update-relation", "Replace a relation", write, a.relationUpdate)
		op(a, http.MethodGet, "/privacy/processor-agreement", "get-processor-agreement", "The processor agreement and whether it is accepted",
			account.PermOrgRead, a.agreementStatus)
		op(a, http.MethodPost, "/privacy/processor-agreement", "accept-processor-agreement", "Accept the current processor agreement (owners)",
			account.PermMembersManage, a.agreementAccept)
	})
}

// RelationBody is a person or company as sent. Which fields apply depends
// on kind; an update replaces every field.
type RelationBody struct {
	Kind                string    `json:"kind" enum:"person,company"`
	Ref                 string    `json:"ref,omitempty" maxLength:"64" doc:"Your own reference, e.g. a debtor number; unique per organisation"`
	Initials            string    `json:"initials,omitempty" doc:"Person: initials, stored as J.P."`
	FirstNames          string    `json:"first_names,omitempty" doc:"Person"`
	SurnamePrefix       string    `json:"surname_prefix,omitempty" doc:"Person: tussenvoegsel, e.g. van der"`
	Surname             string    `json:"surname,omitempty" doc:"Person: required"`
	BirthDate           string    `json:"birth_date,omitempty" doc:"Person: ISO date; a tenant must be 16 or older"`
	BirthPlace          string    `json:"birth_place,omitempty" doc:"Person: only when the organisation turned it on in the privacy settings"`
	Nationality         string    `json:"nationality,omitempty" doc:"Person: only when the organisation turned it on in the privacy settings"`
	Name                string    `json:"name,omitempty" doc:"Company: required"`
	LegalForm           legalForm `json:"legal_form,omitempty" doc:"Company; empty when unknown"`
	KvK                 string    `json:"kvk,omitempty" doc:"Company: 8 digits"`
	BTW                 string    `json:"btw_id,omitempty" doc:"Company: Dutch VAT id; an old sole trader's id containing a BSN is refused"`
	Street              string    `json:"street,omitempty"`
	HouseNumber         string    `json:"house_number,omitempty"`
	HouseNumberAddition string    `json:"house_number_addition,omitempty"`
	Postcode            string    `json:"postcode,omitempty" doc:"Stored as 1234 AB for Dutch addresses"`
	City                string    `json:"city,omitempty"`
	Country             string    `json:"country,omitempty" doc:"ISO 3166 code; NL when absent"`
	Email               string    `json:"email,omitempty"`
	Phones              []string  `json:"phones,omitempty" maxItems:"3" doc:"A company has one"`
	IBANs               []string  `json:"ibans,omitempty" maxItems:"5" doc:"The first is the account payments go to; required for a supplier"`
	Language            string    `json:"language,omitempty" enum:"nl,en," doc:"nl when absent"`
	Roles               []string  `json:"roles,omitempty" doc:"tenant, guarantor, contact, supplier, owner; tenant needs processor agreement"`
	SupplierCategories  []string  `json:"supplier_categories,omitempty" doc:"Supplier's cost category codes, e.g. schoonmaak"`
	ContactPersonIDs    []int64   `json:"contact_person_ids,omitempty" doc:"Company: person ids; absent leaves them as they are on an update"`
}

func relationRoles(rs []string) relation.Roles {
	var out []relation.Role
	for _, r := range rs {
		out = append(out, relation.Role(r))
	}
	return relation.RolesOf(out...)
}

func (b RelationBody) badRoles() validation.Errors {
	for _, r := range b.Roles {
		if !relation.Role(r).Valid() {
			return validation.Errors{"roles": "field.invalid"}
		}
	}
	return nil
}

func (b RelationBody) address() relation.Address {
	return relation.Address{Street: b.Street, HouseNumber: b.HouseNumber, HouseNumberAddition: b.HouseNumberAddition,
		Postcode: b.Postcode, City: b.City, Country: b.Country}
}

func (b RelationBody) person() relation.PersonInput {
	return relation.PersonInput{Ref: b.Ref, Initials: b.Initials, FirstNames: b.FirstNames, SurnamePrefix: b.SurnamePrefix, Surname: b.Surname,
		Address: b.address(), Email: b.Email, Phones: b.Phones, BirthDate: b.BirthDate, BirthPlace: b.BirthPlace, Nationality: b.Nationality,
		IBANs: b.IBANs, Language: b.Language, Roles: relationRoles(b.Roles), SupplierCategories: b.SupplierCategories}
}

func (b RelationBody) company() relation.CompanyInput {
	in := relation.CompanyInput{Ref: b.Ref, Name: b.Name, LegalForm: string(b.LegalForm), KvK: b.KvK, BTW: b.BTW, Address: b.address(),
		Email: b.Email, IBANs: b.IBANs, Language: b.Language, Roles: relationRoles(b.Roles), SupplierCategories: b.SupplierCategories,
		ContactPersonIDs: b.ContactPersonIDs}
	if len(b.Phones) > 0 {
		in.Phone = b.Phones[0]
	}
	return in
}

// RelationJSON is a relation as read; opening one is logged.
type RelationJSON struct {
	ID                  int64       `json:"id"`
	Kind                string      `json:"kind" enum:"person,company"`
	DisplayName         string      `json:"display_name" doc:"J. de Vries, or the company name"`
	Ref                 string      `json:"ref"`
	Roles               []string    `json:"roles"`
	Initials            string      `json:"initials,omitempty"`
	FirstNames          string      `json:"first_names,omitempty"`
	SurnamePrefix       string      `json:"surname_prefix,omitempty"`
	Surname             string      `json:"surname,omitempty"`
	BirthDate           *civil.Date `json:"birth_date,omitempty"`
	BirthPlace          string      `json:"birth_place,omitempty"`
	Nationality         string      `json:"nationality,omitempty"`
	Minor               bool        `json:"minor" doc:"A person younger than 16 today"`
	Name                string      `json:"name,omitempty"`
	LegalForm           string      `json:"legal_form,omitempty"`
	KvK                 string      `json:"kvk,omitempty"`
	BTW                 string      `json:"btw_id,omitempty"`
	Street              string      `json:"street"`
	HouseNumber         string      `json:"house_number"`
	HouseNumberAddition string      `json:"house_number_addition"`
	Postcode            string      `json:"postcode"`
	City                string      `json:"city"`
	Country             string      `json:"country"`
	Email               string      `json:"email"`
	Phones              []string    `json:"phones"`
	IBANs               []string    `json:"ibans"`
	Language            string      `json:"language"`
	SupplierCategories  []string    `json:"supplier_categories"`
	LinkedIDs           []int64     `json:"linked_ids" doc:"Company: its contact persons; person: the companies it is a contact of"`
	CreatedAt           time.Time   `json:"created_at"`
	UpdatedAt           time.Time   `json:"updated_at"`
	// Restriction is set while processing is restricted (art. 18 GDPR).
	Restriction *RestrictionJSON `json:"restriction,omitempty"`
}

func relationJSON(r *relation.Relation) RelationJSON {
	j := RelationJSON{ID: r.ID, Kind: string(r.Kind), DisplayName: r.DisplayName(), Ref: r.Ref, Roles: []string{},
		Initials: r.Initials, FirstNames: r.FirstNames, SurnamePrefix: r.SurnamePrefix, Surname: r.Surname, BirthPlace: r.BirthPlace,
		Nationality: r.Nationality, Minor: r.Minor, Name: r.Name, LegalForm: r.LegalForm, KvK: r.KvK, BTW: r.BTW,
		Street: r.Address.Street, HouseNumber: r.Address.HouseNumber, HouseNumberAddition: r.Address.HouseNumberAddition,
		Postcode: r.Address.Postcode, City: r.Address.City, Country: r.Address.Country, Email: r.Email, Phones: []string{}, IBANs: []string{},
		Language: r.Language, SupplierCategories: []string{}, LinkedIDs: []int64{}, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Restriction: restrictionJSON(r.Restriction)}
	for _, role := range r.Roles.List() {
		j.Roles = append(j.Roles, string(role))
	}
	if !r.BirthDate.IsZero() {
		d := r.BirthDate
		j.BirthDate = &d
	}
	j.Phones = append(j.Phones, r.Phones...)
	for _, i := range r.IBANs {
		j.IBANs = append(j.IBANs, nl.NormalizeIBAN(i))
	}
	j.SupplierCategories = append(j.SupplierCategories, r.SupplierCategories...)
	for _, l := range r.Links {
		j.LinkedIDs = append(j.LinkedIDs, l.ID)
	}
	return j
}

// RelationItemJSON is one row of a relation list.
type RelationItemJSON struct {
	ID    int64    `json:"id"`
	Kind  string   `json:"kind" enum:"person,company"`
	Name  string   `json:"name" doc:"Vries, J. de — or the company name"`
	City  string   `json:"city"`
	Roles []string `json:"roles"`
	Ref   string   `json:"ref"`
	// Restricted persons are listed only to owners.
	Restricted bool `json:"restricted" doc:"Processing restricted (art. 18 GDPR); such persons are listed only to owners"`
}

// ListRelationsInput pages through relations by id.
type ListRelationsInput struct {
	Q    string `query:"q" maxLength:"200" doc:"Starts of name words (all must match), or exact e-mail, IBAN, postcode, phone or KvK number"`
	Role string `query:"role" enum:"tenant,guarantor,contact,supplier,owner," doc:"Only relations with this role"`
	Kind string `query:"kind" enum:"person,company," doc:"Only persons or only companies"`
	PageInput
}

// RelationsOutput is a page of relations.
type RelationsOutput struct {
	Body Page[RelationItemJSON]
}

func (a *API) relationList(ctx context.Context, act account.Actor, in *ListRelationsInput) (*RelationsOutput, error) {
	after, err := in.afterID()
	if err != nil {
		return nil, err
	}
	page, err := a.Relations.List(ctx, act, listing.Query{Search: in.Q, Sort: "created", Limit: in.limit() + 1},
		relation.Filter{Role: relation.Role(in.Role), Kind: relation.Kind(in.Kind), AfterID: after})
	if err != nil {
		return nil, err
	}
	return &RelationsOutput{Body: pageByID(page.Items, in.PageInput, func(it relation.ListItem) int64 { return it.ID },
		func(it relation.ListItem) RelationItemJSON {
			j := RelationItemJSON{ID: it.ID, Kind: string(it.Kind), Name: it.Name, City: it.City, Ref: it.Ref, Roles: []string{},
				Restricted: it.Restricted}
			for _, r := range it.Roles.List() {
				j.Roles = append(j.Roles, string(r))
			}
			return j
		})}, nil
}

// CreateRelationInput creates a relation.
type CreateRelationInput struct {
	Body RelationBody
}

// CreatedRelationOutput names the new relation.
type CreatedRelationOutput struct {
	Status int
	Body   struct {
		ID int64 `json:"id"`
	}
}

func (a *API) relationCreate(ctx context.Context, act account.Actor, in *CreateRelationInput) (*CreatedRelationOutput, error) {
	if fe := in.Body.badRoles(); fe != nil {
		return nil, fe
	}
	var id int64
	var err error
	if in.Body.Kind == string(relation.Company) {
		id, err = a.Relations.CreateCompany(ctx, act, in.Body.company())
	} else {
		id, err = a.Relations.CreatePerson(ctx, act, in.Body.person())
	}
	if err != nil {
		return nil, err
	}
	out := &CreatedRelationOutput{Status: http.StatusCreated}
	out.Body.ID = id
	return out, nil
}

// RelationPathInput names a relation.
type RelationPathInput struct {
	ID int64 `path:"id"`
}

// RelationOutput is one relation.
type RelationOutput struct {
	Body RelationJSON
}

func (a *API) relationGet(ctx context.Context, act account.Actor, in *RelationPathInput) (*RelationOutput, error) {
	r, err := a.Relations.Get(ctx, act, in.ID, relation.ViaAPI)
	if err != nil {
		return nil, err
	}
	return &RelationOutput{Body: relationJSON(r)}, nil
}

// UpdateRelationInput replaces a relation.
type UpdateRelationInput struct {
	ID   int64 `path:"id"`
	Body RelationBody
}

func (a *API) relationUpdate(ctx context.Context, act account.Actor, in *UpdateRelationInput) (*NoContent, error) {
	if fe := in.Body.badRoles(); fe != nil {
		return nil, fe
	}
	var err error
	if in.Body.Kind == string(relation.Company) {
		err = a.Relations.UpdateCompany(ctx, act, in.ID, in.Body.company())
	} else {
		err = a.Relations.UpdatePerson(ctx, act, in.ID, in.Body.person())
	}
	if err != nil {
		return nil, err
	}
	return &NoContent{Status: http.StatusNoContent}, nil
}

// AgreementOutput is the processor agreement's state.
type AgreementOutput struct {
	Body struct {
		CurrentVersion   string     `json:"current_version"`
		EffectiveDate    civil.Date `json:"effective_date"`
		Accepted         bool       `json:"accepted" doc:"Whether an owner accepted the current version; until then no tenant can be created"`
		AcceptedAt       *time.Time `json:"accepted_at,omitempty"`
		AcceptedByUserID int64      `json:"accepted_by_user_id,omitempty"`
		Text             string     `json:"text" doc:"The agreement in Dutch (Markdown)"`
	}
}

func (a *API) agreementStatus(ctx context.Context, act account.Actor, _ *empty) (*AgreementOutput, error) {
	st, err := a.Privacy.ProcessorAgreementStatus(ctx, act)
	if err != nil {
		return nil, err
	}
	out := &AgreementOutput{}
	out.Body.CurrentVersion, out.Body.EffectiveDate, out.Body.Text = st.Current.Version, st.Current.Effective, st.Current.Text()
	if st.Accepted != nil {
		at := st.Accepted.AcceptedAt
		out.Body.Accepted, out.Body.AcceptedAt, out.Body.AcceptedByUserID = true, &at, st.Accepted.UserID
	}
	return out, nil
}

// AcceptAgreementInput accepts a version.
type AcceptAgreementInput struct {
	Body struct {
		Version string `json:"version" doc:"Must be current_version"`
	}
}

func (a *API) agreementAccept(ctx context.Context, act account.Actor, in *AcceptAgreementInput) (*NoContent, error) {
	if err := a.Privacy.AcceptProcessorAgreement(ctx, act, in.Body.Version); err != nil {
		return nil, err
	}
	return &NoContent{Status: http.StatusNoContent}, nil
}
