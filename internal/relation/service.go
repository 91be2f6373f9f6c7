package relation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
	"hms/internal/privacy"
)

// Deps are what the service needs.
type Deps struct {
	DB      *db.DB
	Vault   *vault.Vault
	Audit   *audit.Log
	Clock   clock.Clock
	Privacy *privacy.Service
	// Access records the openings of records (Get) in batches; nil: one
	// of its own.
	Access *audit.Appender
}

// Service is the face of the relation capability.
type Service struct {
	db      *db.DB
	vault   *vault.Vault
	audit   *audit.Log
	access  *audit.Appender
	clk     clock.Clock
	privacy *privacy.Service
}

// New returns the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	if d.Access == nil {
		d.Access = audit.NewAppender(d.DB, d.Audit)
	}
	return &Service{db: d.DB, vault: d.Vault, audit: d.Audit, access: d.Access, clk: d.Clock, privacy: d.Privacy}
}

// Problems of this capability.
var (
	// ErrTenantUnder16: a tenant must be 16 or older (PRIVACY.md P11).
	ErrTenantUnder16 = &validation.Problem{Status: 422, Code: "relation.tenant_under_16"}
	// ErrKindMismatch: a person's operation on a company or the other way round.
	ErrKindMismatch = &validation.Problem{Status: 409, Code: "relation.kind_mismatch"}
	// ErrAgreementRequired: no tenant before an owner accepted the current
	// processor agreement (PRIVACY.md P9); its message links to the page.
	ErrAgreementRequired = privacy.ErrAgreementNotAccepted
)

// How a record was opened, for the access log.
const (
	ViaWeb = "web"
	ViaAPI = "api"
)

// exportCap bounds a CSV export: every row is decrypted.
const exportCap = 10000

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }

func actorKind(a account.Actor) string {
	if a.Kind == "" {
		return audit.ActorUser
	}
	return a.Kind
}

func (s *Service) record(ctx context.Context, tx *db.Tx, a account.Actor, action string, id int64, details map[string]string) error {
	return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: actorKind(a), Action: action,
		TargetType: "relation", TargetID: fmt.Sprint(id), Details: details})
}

// optional reads which optional fields the organisation turned on.
func (s *Service) optional(ctx context.Context, tx *db.Tx) (optional, error) {
	st, err := s.privacy.SettingsTx(ctx, tx)
	if err != nil {
		return optional{}, err
	}
	return optional{birthPlace: st.Enabled(privacy.FieldBirthPlace), nationality: st.Enabled(privacy.FieldNationality)}, nil
}

// --- create and update ---

// CreatePerson stores a person and returns its id.
func (s *Service) CreatePerson(ctx context.Context, actor account.Actor, in PersonInput) (int64, error) {
	if !actor.Can(account.PermPortfolioWrite) {
		return 0, validation.ErrForbidden
	}
	var id int64
	err := s.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		opt, err := s.optional(ctx, tx)
		if err != nil {
			return err
		}
		c, fe := s.validatePerson(in, opt, s.today())
		if err := fe.Err(); err != nil {
			return err
		}
		id, err = s.createTx(ctx, tx, actor, c)
		return err
	})
	return id, err
}

// CreateCompany stores a company and returns its id.
func (s *Service) CreateCompany(ctx context.Context, actor account.Actor, in CompanyInput) (int64, error) {
	if !actor.Can(account.PermPortfolioWrite) {
		return 0, validation.ErrForbidden
	}
	c, fe := s.validateCompany(in)
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		var err error
		id, err = s.createTx(ctx, tx, actor, c)
		return err
	})
	return id, err
}

// UpdatePerson replaces every field of a person.
func (s *Service) UpdatePerson(ctx context.Context, actor account.Actor, id int64, in PersonInput) error {
	if !actor.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		opt, err := s.optional(ctx, tx)
		if err != nil {
			return err
		}
		c, fe := s.validatePerson(in, opt, s.today())
		if err := fe.Err(); err != nil {
			return err
		}
		return s.updateTx(ctx, tx, actor, id, c, false)
	})
}

// UpdateCompany replaces every field of a company, its contact persons too.
func (s *Service) UpdateCompany(ctx context.Context, actor account.Actor, id int64, in CompanyInput) error {
	if !actor.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	c, fe := s.validateCompany(in)
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		return s.updateTx(ctx, tx, actor, id, c, false)
	})
}

func (s *Service) createTx(ctx context.Context, tx *db.Tx, actor account.Actor, c *clean) (int64, error) {
	if err := s.check(ctx, tx, c, 0, c.roles.Has(RoleTenant), true); err != nil {
		return 0, err
	}
	st := prepare(tx)
	defer st.close()
	id, err := s.insert(ctx, tx, actor, c, s.tokenizer(ctx, tx), st, nil)
	if err != nil {
		return 0, err
	}
	return id, s.place(ctx, tx, id, c.collationKey())
}

// check does the validation that needs the database, before anything is
// written: the reference is free, contact persons are persons of this
// organisation, and a new tenant waits for the processor agreement.
func (s *Service) check(ctx context.Context, tx *db.Tx, c *clean, self int64, newTenant, checkRef bool) error {
	fe := validation.Errors{}
	if checkRef {
		if other, err := idByRef(ctx, tx, c.ref); err != nil {
			return err
		} else if other != 0 && other != self {
			fe.Add("ref", "relation.ref_taken")
		}
	}
	for _, pid := range c.contacts {
		k, err := kindOf(ctx, tx, pid)
		if err != nil && !errors.Is(err, validation.ErrNotFound) {
			return err
		}
		if k != Person {
			fe.Add("contact_person_ids", "relation.contact_not_person")
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if newTenant {
		return s.privacy.RequireAccepted(ctx, tx)
	}
	return nil
}

// insert writes a new relation with its own vault subject, its tokens, its
// contact persons and the audit event; the caller places it in name order.
func (s *Service) insert(ctx context.Context, tx *db.Tx, actor account.Actor, c *clean, t *tokenizer, st *stmts,
	details map[string]string) (int64, error) {
	subject, err := s.vault.NewSubject(ctx, tx, string(c.kind))
	if err != nil {
		return 0, err
	}
	sl, err := s.seal(ctx, tx, subject, c)
	if err != nil {
		return 0, err
	}
	fp, err := c.fingerprint(t)
	if err != nil {
		return 0, err
	}
	now := db.TS(s.clk.Now())
	var id int64
	ins, err := st.relationInsert(ctx)
	if err != nil {
		return 0, err
	}
	err = ins.QueryRowContext(ctx, tx.OrgID(), string(c.kind), int64(subject), nullable(c.ref), int64(c.roles), c.lang, nullable(c.company),
		nullable(c.legalForm), nullable(c.kvk), nullable(c.btw), categoriesString(c.categories), sl.name, sl.addr, sl.contact, sl.birth,
		sl.ibans, sl.list, fp, now).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, validation.Errors{"ref": "relation.ref_taken"}
	}
	if err != nil {
		return 0, fmt.Errorf("insert relation: %w", err)
	}
	if err := s.writeTokens(ctx, tx, t, st, id, c, false); err != nil {
		return 0, err
	}
	if err := s.writeContacts(ctx, tx, id, c.contacts); err != nil {
		return 0, err
	}
	d := map[string]string{"kind": string(c.kind)}
	for k, v := range details {
		d[k] = v
	}
	if r := c.roles.List(); len(r) > 0 {
		d["roles"] = joinRoles(r)
	}
	return id, s.record(ctx, tx, actor, "relation.created", id, d)
}

func joinRoles(rs []Role) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return strings.Join(out, ",")
}

func (s *Service) writeContacts(ctx context.Context, tx *db.Tx, company int64, persons []int64) error {
	for _, p := range persons {
		if _, err := tx.ExecContext(ctx, `INSERT INTO relation_contacts (org_id, company_id, person_id, created_at) VALUES ($1, $2, $3, $4)`,
			tx.OrgID(), company, p, db.TS(s.clk.Now())); err != nil {
			return fmt.Errorf("link contact person: %w", err)
		}
	}
	return nil
}

// updateTx replaces a relation's fields with c and places it again in name
// order when its name changed. With mergeRoles (the import) roles are only
// added, never taken away.
func (s *Service) updateTx(ctx context.Context, tx *db.Tx, actor account.Actor, id int64, c *clean, mergeRoles bool) error {
	st := prepare(tx)
	defer st.close()
	coll, err := s.update(ctx, tx, actor, id, c, mergeRoles, s.tokenizer(ctx, tx), st, nil)
	if err != nil || coll == "" {
		return err
	}
	return s.place(ctx, tx, id, coll)
}

// update does the work of updateTx; it returns the new collation key when
// the relation must be placed again, "" otherwise.
func (s *Service) update(ctx context.Context, tx *db.Tx, actor account.Actor, id int64, c *clean, mergeRoles bool, t *tokenizer, st *stmts,
	details map[string]string) (string, error) {
	r, err := getRow(ctx, tx, id)
	if err != nil {
		return "", err
	}
	if r.erasedAt.Valid {
		return "", validation.ErrNotFound
	}
	if r.kind != c.kind {
		return "", ErrKindMismatch
	}
	if mergeRoles {
		c.roles |= r.roles
		if c.kind == Person && c.roles.Has(RoleTenant) && !c.birthDate.IsZero() && c.birthDate.YearsOn(s.today()) < minTenantAge {
			return "", validation.Errors{"birth_date": "relation.tenant_under_16"}
		}
	}
	if err := s.check(ctx, tx, c, id, c.roles.Has(RoleTenant) && !r.roles.Has(RoleTenant), r.ref.String != c.ref); err != nil {
		return "", err
	}
	fp, err := c.fingerprint(t)
	if err != nil {
		return "", err
	}
	contactsChanged := false
	if c.kind == Company && !c.keepLinks {
		old, err := contactIDs(ctx, tx, id, Company)
		if err != nil {
			return "", err
		}
		want := slices.Clone(c.contacts)
		slices.Sort(want)
		contactsChanged = !slices.Equal(old, want)
	}
	if fp == r.fingerprint && c.roles == r.roles && !contactsChanged {
		return "", nil // nothing changed: nothing written, nothing logged
	}
	now := db.TS(s.clk.Now())
	var newColl string
	if fp != r.fingerprint {
		oldColl, err := s.rowColl(ctx, tx, r)
		if err != nil {
			return "", err
		}
		sl, err := s.seal(ctx, tx, r.subject, c)
		if err != nil {
			return "", err
		}
		_, err = tx.ExecContext(ctx,
			`UPDATE relations SET ref = $1, roles = $2, lang = $3, company_name = $4, legal_form = $5, kvk = $6, btw_id = $7,
			supplier_categories = $8, name_sealed = $9, address_sealed = $10, contact_sealed = $11, birth_sealed = $12, ibans_sealed = $13,
			list_sealed = $14, fingerprint = $15, updated_at = $16 WHERE org_id = $17 AND id = $18`,
			nullable(c.ref), int64(c.roles), c.lang, nullable(c.company), nullable(c.legalForm), nullable(c.kvk), nullable(c.btw),
			categoriesString(c.categories), sl.name, sl.addr, sl.contact, sl.birth, sl.ibans, sl.list, fp, now, tx.OrgID(), id)
		if db.IsUniqueViolation(err) {
			return "", validation.Errors{"ref": "relation.ref_taken"}
		}
		if err != nil {
			return "", fmt.Errorf("update relation: %w", err)
		}
		if err := s.writeTokens(ctx, tx, t, st, id, c, true); err != nil {
			return "", err
		}
		if c.collationKey() != oldColl {
			newColl = c.collationKey()
		}
	} else if _, err := tx.ExecContext(ctx, `UPDATE relations SET roles = $1, updated_at = $2 WHERE org_id = $3 AND id = $4`,
		int64(c.roles), now, tx.OrgID(), id); err != nil {
		return "", fmt.Errorf("update relation roles: %w", err)
	}
	if contactsChanged {
		if _, err := tx.ExecContext(ctx, `DELETE FROM relation_contacts WHERE org_id = $1 AND company_id = $2`, tx.OrgID(), id); err != nil {
			return "", fmt.Errorf("replace contact persons: %w", err)
		}
		if err := s.writeContacts(ctx, tx, id, c.contacts); err != nil {
			return "", err
		}
	}
	d := map[string]string{}
	for k, v := range details {
		d[k] = v
	}
	if c.roles != r.roles {
		d["roles"] = joinRoles(c.roles.List())
	}
	return newColl, s.record(ctx, tx, actor, "relation.updated", id, d)
}

// --- reading ---

// Get opens one relation and records that the actor looked at it
// (relation.viewed, via "web" or "api"; PRIVACY.md P14). The record is read
// in a read-only transaction; the opening is then appended to the access
// log in a batch with other openings (audit.Appender), and the record is
// returned only once that is committed.
func (s *Service) Get(ctx context.Context, actor account.Actor, id int64, via string) (*Relation, error) {
	if !actor.Can(account.PermPortfolioRead) {
		return nil, validation.ErrForbidden
	}
	if via != ViaWeb && via != ViaAPI {
		return nil, fmt.Errorf("relation: unknown access path %q", via)
	}
	var rel *Relation
	// The organisation's keys are read with BEGIN (one round trip less on
	// PostgreSQL): opening a relation needs them first.
	err := s.db.ReadOrg(vault.WithOrgKeys(ctx), actor.OrgID, func(tx *db.Tx) error {
		r, err := getRow(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.erasedAt.Valid {
			return validation.ErrNotFound // nothing is left to show (PRIVACY.md P20)
		}
		rel, err = s.open(ctx, tx, r, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := s.access.Append(ctx, actor.OrgID, audit.Event{ActorUserID: actor.UserID, ActorKind: actorKind(actor),
		Action: "relation.viewed", TargetType: "relation", TargetID: fmt.Sprint(id), Details: map[string]string{"via": via}}); err != nil {
		return nil, fmt.Errorf("access log: %w", err)
	}
	return rel, nil
}

// open decrypts a stored relation; with links, also the names of its
// contact persons or companies.
func (s *Service) open(ctx context.Context, tx *db.Tx, r *row, links bool) (*Relation, error) {
	rel := &Relation{ID: r.id, Kind: r.kind, Ref: r.ref.String, Roles: r.roles, Language: r.lang,
		Name: r.company.String, LegalForm: r.legalForm.String, KvK: r.kvk.String, BTW: r.btw.String,
		SupplierCategories: categoriesList(r.categories)}
	rel.CreatedAt = db.ShownTS(r.createdAt)
	rel.UpdatedAt = db.ShownTS(r.updatedAt)
	rel.Erased = r.erasedAt.Valid
	rel.Restriction = restrictionOf(r)
	if r.kind == Person {
		n, err := s.openName(ctx, tx, r)
		if err != nil {
			return nil, err
		}
		rel.Initials, rel.FirstNames, rel.SurnamePrefix, rel.Surname = n.Initials, n.FirstNames, n.Prefix, n.Surname
		var b sealedBirth
		if err := s.openJSON(ctx, tx, r.subject, fieldBirth, r.birthS, &b); err != nil {
			return nil, err
		}
		if b.Date != "" {
			rel.BirthDate, _ = civil.Parse(b.Date)
			rel.Minor = rel.BirthDate.YearsOn(s.today()) < minTenantAge
		}
		rel.BirthPlace, rel.Nationality = b.Place, b.Nationality
	}
	if err := s.openJSON(ctx, tx, r.subject, fieldAddress, r.addrS, &rel.Address); err != nil {
		return nil, err
	}
	var ct sealedContact
	if err := s.openJSON(ctx, tx, r.subject, fieldContact, r.contactS, &ct); err != nil {
		return nil, err
	}
	rel.Email, rel.Phones = ct.Email, ct.Phones
	if err := s.openJSON(ctx, tx, r.subject, fieldIBANs, r.ibansS, &rel.IBANs); err != nil {
		return nil, err
	}
	if !links {
		return rel, nil
	}
	ids, err := contactIDs(ctx, tx, r.id, r.kind)
	if err != nil {
		return nil, err
	}
	for _, lid := range ids {
		lr, err := getRow(ctx, tx, lid)
		if err != nil {
			return nil, err
		}
		name := lr.company.String
		if lr.kind == Person {
			n, err := s.openName(ctx, tx, lr)
			if err != nil {
				return nil, err
			}
			name = n.display()
		}
		rel.Links = append(rel.Links, Link{ID: lid, Name: name})
	}
	return rel, nil
}

// Filter narrows a list.
type Filter struct {
	Role    Role    // only relations with this role
	Kind    Kind    // only persons or only companies
	AfterID int64   // only ids above this (the API's cursor; sort "created")
	hide    []int64 // restricted relations the actor may not list
}

// Sort columns of List.
var sortColumns = []string{"name", "ref", "created"}

// List pages through the organisation's relations, found by q.Search (see
// parseQuery) and sorted by name, reference or creation. Only the page's
// rows are decrypted, one small ciphertext each (name and place). Listing is not
// logged per row: a list shows names, not records. A CSV export (q.All,
// at most 10,000 rows) is logged as one relation.list_exported event.
func (s *Service) List(ctx context.Context, actor account.Actor, q listing.Query, f Filter) (listing.Page[ListItem], error) {
	var page listing.Page[ListItem]
	if !actor.Can(account.PermPortfolioRead) {
		return page, validation.ErrForbidden
	}
	q = q.Normalize(sortColumns...)
	if f.Role != "" && !f.Role.Valid() {
		return page, validation.Errors{"role": "field.invalid"}
	}
	if f.Kind != "" && f.Kind != Person && f.Kind != Company {
		return page, validation.Errors{"kind": "field.invalid"}
	}
	// Finding the ids runs with custom plans (db.Tx.CustomPlans: a name
	// token's probe must be planned for its token), set as the transaction
	// begins. An exact value (an IBAN, an e-mail address) is one range of
	// relation_search's primary key, the same plan whatever the value, so
	// its look-up keeps the plans PostgreSQL keeps and never sets the mode.
	run := s.db.ReadOrgCustomPlans
	if q.All {
		run = s.db.InOrgCustomPlans
		q.Offset, q.Limit = 0, exportCap
	}
	if pq := parseQuery(q.Search); pq.exact != nil && searchesIDs(q, f) {
		run = s.db.ReadOrg
		if q.All {
			run = s.db.InOrg
		}
	}
	// The organisation's keys are read with BEGIN: a search token and the
	// page's names need them first (one round trip less on PostgreSQL).
	err := run(vault.WithOrgKeys(ctx), actor.OrgID, func(tx *db.Tx) error {
		if actor.Role != account.Owner {
			// Restricted persons are hidden from every role but owner (art. 18).
			var err error
			if f.hide, err = restrictedIDs(ctx, tx); err != nil {
				return err
			}
		}
		rs, keysets, total, found, err := s.exactPage(ctx, tx, q, f)
		if !found && err == nil {
			var ids []int64
			if ids, total, err = s.listIDs(ctx, tx, q, f); err == nil {
				// The page's rows and their keysets are key look-ups whose
				// plans PostgreSQL may keep: planning each again (about 0.2 ms
				// a statement under row-level security) cost an IBAN look-up
				// more than finding it.
				if err = tx.GenericPlans(ctx); err == nil {
					rs, keysets, err = getRowsKeyed(ctx, tx, ids)
				}
			}
		}
		if errors.Is(err, vault.ErrNoOrgKey) {
			return nil // nothing was ever indexed here
		}
		if err != nil {
			return err
		}
		page.Total = total
		for _, r := range rs {
			if r.listS == nil {
				delete(keysets, r.subject) // nothing of it is opened
			}
		}
		if err := s.vault.PreloadWrapped(ctx, tx, keysets); err != nil {
			return err
		}
		for _, r := range rs {
			var le listEntry
			if err := s.openJSON(ctx, tx, r.subject, fieldList, r.listS, &le); err != nil {
				return err
			}
			it := ListItem{ID: r.id, Kind: r.kind, Name: le.Name, City: le.City, Roles: r.roles, Ref: r.ref.String,
				Restricted: r.restrictedAt.Valid}
			if r.kind == Company {
				it.Name = r.company.String
			}
			page.Items = append(page.Items, it)
		}
		if q.All {
			return s.audit.Record(ctx, tx, audit.Event{ActorUserID: actor.UserID, ActorKind: actorKind(actor), Action: "relation.list_exported",
				TargetType: "relation_list", Details: map[string]string{"rows": fmt.Sprint(len(rs))}})
		}
		return nil
	})
	return page, err
}

// listIDs returns the ids of a list's page, in order, and the number of
// matches. A search without role or kind filter, sorted by name or
// creation, is computed by searchIDs and pageOf; everything else is one
// query over the ranks.
func (s *Service) listIDs(ctx context.Context, tx *db.Tx, q listing.Query, f Filter) ([]int64, int, error) {
	if pq := parseQuery(q.Search); searchesIDs(q, f) {
		ids, err := s.searchIDs(ctx, tx, pq)
		if err != nil {
			return nil, 0, err
		}
		if f.AfterID > 0 {
			i, _ := slices.BinarySearch(ids, f.AfterID+1)
			ids = ids[i:]
		}
		if len(f.hide) > 0 {
			ids = slices.DeleteFunc(ids, func(id int64) bool { return slices.Contains(f.hide, id) })
		}
		page, err := pageOf(ctx, tx, ids, q)
		return page, len(ids), err
	}
	lq, err := s.listQuery(ctx, tx, q.Search, f, q.Sort)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := tx.QueryRowContext(ctx, lq.count, lq.countArgs...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count relations: %w", err)
	}
	dir := q.Direction()
	order := map[string]string{
		"name":    "k.sort_key " + dir + ", k.relation_id " + dir,
		"ref":     "COALESCE(r.ref, '') " + dir + ", k.sort_key, k.relation_id",
		"created": "k.relation_id " + dir,
	}[q.Sort]
	args := append(lq.args, q.Limit, q.Offset)
	ids, err := queryIDs(ctx, tx, fmt.Sprintf(`SELECT k.relation_id FROM %s WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d`,
		lq.from, lq.where, order, len(args)-1, len(args)), args...)
	return ids, total, err
}

// exactMatchesRead is how many relations with one exact value (an IBAN, an
// e-mail address) exactPage reads at once; beyond it the list finds the
// ids first. A variable for tests.
var exactMatchesRead = 100

// exactPage is the page of a search for an exact value: its matches are
// found and read in one statement (rowsByToken), which on PostgreSQL is one
// round trip instead of two. found is false when q is not such a search or
// has more matches than exactMatchesRead.
func (s *Service) exactPage(ctx context.Context, tx *db.Tx, q listing.Query, f Filter) (
	page []*row, keysets map[vault.SubjectID][]byte, total int, found bool, err error) {
	pq := parseQuery(q.Search)
	if pq.exact == nil || !searchesIDs(q, f) {
		return nil, nil, 0, false, nil
	}
	tok, err := s.tokenizer(ctx, tx).token(pq.exact.kind, pq.exact.value)
	if err != nil {
		return nil, nil, 0, false, err
	}
	byID, all, err := rowsByToken(ctx, tx, pq.exact.kind, tok, exactMatchesRead+1)
	if err != nil || len(byID) > exactMatchesRead {
		return nil, nil, 0, false, err
	}
	var ids []int64 // as listIDs has them: ascending, after AfterID, none hidden
	for id := range byID {
		if id > f.AfterID && !slices.Contains(f.hide, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	pageIDs, err := pageOf(ctx, tx, ids, q)
	if err != nil {
		return nil, nil, 0, false, err
	}
	keysets = map[vault.SubjectID][]byte{}
	for _, id := range pageIDs {
		r := byID[id]
		page = append(page, r)
		if ks, ok := all[r.subject]; ok {
			keysets[r.subject] = ks
		}
	}
	return page, keysets, len(ids), true, nil
}

// searchesIDs reports whether listIDs finds q's matches with searchIDs.
func searchesIDs(q listing.Query, f Filter) bool {
	return q.Search != "" && f.Role == "" && f.Kind == "" && q.Sort != "ref"
}

// listQuery is the SQL of a list: which relations, in which tables.
type listQuery struct {
	from, where string
	args        []any
	count       string // the count of all matches, sometimes cheaper than from/where
	countArgs   []any
}

// listQuery builds a list's FROM and WHERE: organisation, filters and
// search, over relation_order k (the ranks; the page is ordered there and
// only its ids come back) and, when a filter or the sort needs it,
// relations r.
//
// A search is driven by its token: the rows of relation_search s for the
// exact value, or for the longest name word (usually the rarest), are the
// outer loop (CROSS JOIN fixes that order on SQLite; PostgreSQL plans it as
// an ordinary join), and every other word is a primary-key probe; the count
// then needs relation_search alone. So the cost follows the number of
// matches, never the organisation's size. (Left to itself SQLite walked the
// rank index to save the sort and probed the tokens for each of 100,000
// relations, even to find one IBAN; and ordering matches by a rank kept in
// the wide relations rows read a page per match.)
func (s *Service) listQuery(ctx context.Context, tx *db.Tx, search string, f Filter, sort string) (*listQuery, error) {
	args := []any{tx.OrgID()}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	q := parseQuery(search)
	var rconds []string // conditions on relations r
	if f.Role != "" {
		rconds = append(rconds, "(r.roles & "+arg(int64(f.Role.bit()))+") <> 0")
	}
	if f.Kind != "" {
		rconds = append(rconds, "r.kind = "+arg(string(f.Kind)))
	}
	if q.kvk != "" {
		rconds = append(rconds, "r.kvk = "+arg(q.kvk))
	}
	needR := len(rconds) > 0 || sort == "ref"
	kconds := []string{"k.org_id = $1"}
	after := ""
	if f.AfterID > 0 {
		after = arg(f.AfterID)
		kconds = append(kconds, "k.relation_id > "+after)
	}
	hide := ""
	if len(f.hide) > 0 {
		hide = "relation_id NOT IN (" + marks(&args, f.hide) + ")"
		kconds = append(kconds, "k."+hide)
	}
	var drive *searchToken
	var probes []string
	switch {
	case q.exact != nil:
		drive = q.exact
	case len(q.words) > 0:
		longest := 0
		for i, w := range q.words {
			if utf8.RuneCountInString(w) > utf8.RuneCountInString(q.words[longest]) {
				longest = i
			}
		}
		drive = &searchToken{tokName, q.words[longest]}
		for i, w := range q.words {
			if i != longest && w != q.words[longest] && !slices.Contains(probes, w) {
				probes = append(probes, w)
			}
		}
	}
	lq := &listQuery{}
	var conds []string
	switch {
	case drive != nil:
		t := s.tokenizer(ctx, tx)
		tok, err := t.token(drive.kind, drive.value)
		if err != nil {
			return nil, err
		}
		sconds := []string{"s.org_id = $1", "s.kind = " + arg(drive.kind), "s.token = " + arg(tok)}
		for _, w := range probes {
			tok, err := t.token(tokName, w)
			if err != nil {
				return nil, err
			}
			sconds = append(sconds, "EXISTS (SELECT 1 FROM relation_search p WHERE p.org_id = $1 AND p.kind = "+arg(tokName)+
				" AND p.token = "+arg(tok)+" AND p.relation_id = s.relation_id)")
		}
		lq.from = "relation_search s CROSS JOIN relation_order k"
		conds = append(sconds, kconds...)
		conds = append(conds, "k.relation_id = s.relation_id")
		if needR {
			lq.from += " CROSS JOIN relations r"
			conds = append(conds, "r.org_id = $1", "r.id = s.relation_id")
			conds = append(conds, rconds...)
		} else {
			// Every relation with tokens has its rank (both are written in
			// the same transaction), so relation_search alone counts.
			cc := sconds
			if after != "" {
				cc = append(cc, "s.relation_id > "+after)
			}
			if hide != "" {
				cc = append(cc, "s."+hide)
			}
			lq.count = `SELECT count(*) FROM relation_search s WHERE ` + strings.Join(cc, " AND ")
		}
	case q.kvk != "":
		lq.from = "relations r CROSS JOIN relation_order k"
		conds = append([]string{"r.org_id = $1"}, rconds...)
		conds = append(conds, kconds...)
		conds = append(conds, "k.relation_id = r.id")
	case needR:
		lq.from = "relation_order k CROSS JOIN relations r"
		conds = append(kconds, "r.org_id = $1", "r.id = k.relation_id")
		conds = append(conds, rconds...)
	default:
		lq.from = "relation_order k"
		conds = kconds
	}
	lq.where = strings.Join(conds, " AND ")
	lq.args = args
	if lq.count == "" {
		lq.count = `SELECT count(*) FROM ` + lq.from + ` WHERE ` + lq.where
	}
	lq.countArgs = args
	return lq, nil
}

// Contacts

// LinkContact makes a person a contact person of a company.
func (s *Service) LinkContact(ctx context.Context, actor account.Actor, companyID, personID int64) error {
	if !actor.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		ck, err := kindOf(ctx, tx, companyID)
		if err != nil {
			return err
		}
		if ck != Company {
			return ErrKindMismatch
		}
		pk, err := kindOf(ctx, tx, personID)
		if errors.Is(err, validation.ErrNotFound) || (err == nil && pk != Person) {
			return validation.Errors{"person_id": "relation.contact_not_person"}
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO relation_contacts (org_id, company_id, person_id, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (org_id, company_id, person_id) DO NOTHING`, tx.OrgID(), companyID, personID, db.TS(s.clk.Now()))
		if err != nil {
			return fmt.Errorf("link contact person: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.record(ctx, tx, actor, "relation.contact_linked", companyID, map[string]string{"person_id": fmt.Sprint(personID)})
	})
}

// UnlinkContact removes a contact person from a company.
func (s *Service) UnlinkContact(ctx context.Context, actor account.Actor, companyID, personID int64) error {
	if !actor.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM relation_contacts WHERE org_id = $1 AND company_id = $2 AND person_id = $3`,
			tx.OrgID(), companyID, personID)
		if err != nil {
			return fmt.Errorf("unlink contact person: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return validation.ErrNotFound
		}
		return s.record(ctx, tx, actor, "relation.contact_unlinked", companyID, map[string]string{"person_id": fmt.Sprint(personID)})
	})
}

// AccessLog lists the latest openings of a relation's record (who, when,
// how), newest first, for the record's page (PRIVACY.md P14).
func (s *Service) AccessLog(ctx context.Context, actor account.Actor, id int64, limit int) ([]audit.Event, error) {
	if !actor.Can(account.PermPortfolioRead) {
		return nil, validation.ErrForbidden
	}
	var evs []audit.Event
	err := s.db.ReadOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		if _, err := kindOf(ctx, tx, id); err != nil {
			return err
		}
		var err error
		evs, err = s.audit.List(ctx, tx, audit.Filter{Action: "relation.viewed", TargetType: "relation", TargetID: fmt.Sprint(id), Limit: limit})
		return err
	})
	return evs, err
}

// PersonInput returns the relation's fields as input, to fill a form.
func (r *Relation) PersonInput() PersonInput {
	in := PersonInput{Ref: r.Ref, Initials: r.Initials, FirstNames: r.FirstNames, SurnamePrefix: r.SurnamePrefix, Surname: r.Surname,
		Address: r.Address, Email: r.Email, Phones: r.Phones, BirthDate: r.BirthDate.String(), BirthPlace: r.BirthPlace,
		Nationality: r.Nationality, IBANs: r.IBANs, Language: r.Language, Roles: r.Roles, SupplierCategories: r.SupplierCategories}
	return in
}

// CompanyInput returns the relation's fields as input, to fill a form.
func (r *Relation) CompanyInput() CompanyInput {
	in := CompanyInput{Ref: r.Ref, Name: r.Name, LegalForm: r.LegalForm, KvK: r.KvK, BTW: r.BTW, Address: r.Address, Email: r.Email,
		IBANs: r.IBANs, Language: r.Language, Roles: r.Roles, SupplierCategories: r.SupplierCategories}
	if len(r.Phones) > 0 {
		in.Phone = r.Phones[0]
	}
	for _, l := range r.Links {
		in.ContactPersonIDs = append(in.ContactPersonIDs, l.ID)
	}
	return in
}
