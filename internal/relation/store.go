package relation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

// Sealed field names: the vault binds each ciphertext to its field.
const (
	fieldName    = "relation.name"
	fieldAddress = "relation.address"
	fieldContact = "relation.contact"
	fieldBirth   = "relation.birth"
	fieldIBANs   = "relation.ibans"
	fieldList    = "relation.list"
)

// row is a relations row as stored.
type row struct {
	id                     int64
	kind                   Kind
	subject                vault.SubjectID
	ref                    sql.NullString
	roles                  Roles
	lang                   string
	company, legalForm     sql.NullString
	kvk, btw               sql.NullString
	categories             string
	nameS, addrS, contactS []byte
	birthS, ibansS, listS  []byte
	fingerprint            string
	createdAt, updatedAt   string
	erasedAt               sql.NullString // the person was erased (PRIVACY.md P20)
	restrictedAt, ground   sql.NullString // processing restricted (art. 18 GDPR), on which ground
	restrictedBy           int64
}

const rowColumns = `id, kind, subject_id, ref, roles, lang, company_name, legal_form, kvk, btw_id, supplier_categories,
	name_sealed, address_sealed, contact_sealed, birth_sealed, ibans_sealed, list_sealed, fingerprint, created_at, updated_at, erased_at,
	restricted_at, restriction_ground, restricted_by`

type scanner interface{ Scan(...any) error }

func scanRow(sc scanner) (*row, error) {
	var r row
	var subject, roles int64
	if err := sc.Scan(&r.id, &r.kind, &subject, &r.ref, &roles, &r.lang, &r.company, &r.legalForm, &r.kvk, &r.btw, &r.categories,
		&r.nameS, &r.addrS, &r.contactS, &r.birthS, &r.ibansS, &r.listS, &r.fingerprint, &r.createdAt, &r.updatedAt, &r.erasedAt,
		&r.restrictedAt, &r.ground, &r.restrictedBy); err != nil {
		return nil, err
	}
	r.subject, r.roles = vault.SubjectID(subject), Roles(roles)
	return &r, nil
}

// getRow reads one relation of the transaction's organisation; another
// organisation's id is not found.
func getRow(ctx context.Context, tx *db.Tx, id int64) (*row, error) {
	r, err := scanRow(tx.QueryRowContext(ctx, `SELECT `+rowColumns+` FROM relations WHERE org_id = $1 AND id = $2`, tx.OrgID(), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read relation %d: %w", id, err)
	}
	return r, nil
}

// getRows reads relations by id, in the order of ids; ids of another
// organisation are left out.
func getRows(ctx context.Context, tx *db.Tx, ids []int64) ([]*row, error) {
	rs, _, err := readRows(ctx, tx, ids, false)
	return rs, err
}

// getRowsKeyed is getRows with each row's subject keyset read in the same
// statement (nil when shredded), for vault.PreloadWrapped: a list's page
// costs one round trip, not two.
func getRowsKeyed(ctx context.Context, tx *db.Tx, ids []int64) ([]*row, map[vault.SubjectID][]byte, error) {
	return readRows(ctx, tx, ids, true)
}

// rowColumnsR is rowColumns of "relations r".
var rowColumnsR = func() string {
	cs := strings.Split(rowColumns, ",")
	for i, c := range cs {
		cs[i] = "r." + strings.TrimSpace(c)
	}
	return strings.Join(cs, ", ")
}()

// withExtra scans a row's columns and then extra.
type withExtra struct {
	sc    scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.sc.Scan(append(dest, w.extra...)...) }

// scanRows runs q and keeps its rows in byID, and with keyed their
// subjects' wrapped keysets (the last column) in keysets.
func scanRows(ctx context.Context, tx *db.Tx, q string, args []any, keyed bool, byID map[int64]*row,
	keysets map[vault.SubjectID][]byte) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read relations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ksw []byte
		sc := scanner(rows)
		if keyed {
			sc = withExtra{rows, []any{&ksw}}
		}
		r, err := scanRow(sc)
		if err != nil {
			return err
		}
		byID[r.id] = r
		if keyed && ksw != nil {
			keysets[r.subject] = ksw
		}
	}
	return rows.Err()
}

// rowsByToken reads, with their keysets, up to limit relations that have
// search token tok of kind (an exact value: an IBAN, an e-mail address) in
// one statement, finding and reading them at once.
func rowsByToken(ctx context.Context, tx *db.Tx, kind string, tok []byte, limit int) (map[int64]*row, map[vault.SubjectID][]byte, error) {
	byID := map[int64]*row{}
	keysets := map[vault.SubjectID][]byte{}
	err := scanRows(ctx, tx, `SELECT `+rowColumnsR+`, v.keyset_wrapped FROM relation_search s
		JOIN relations r ON r.org_id = s.org_id AND r.id = s.relation_id
		LEFT JOIN vault_subjects v ON v.id = r.subject_id AND v.org_id = r.org_id AND v.shredded_at IS NULL
		WHERE s.org_id = $1 AND s.kind = $2 AND s.token = $3
		ORDER BY s.relation_id LIMIT $4`, []any{tx.OrgID(), kind, tok, limit}, true, byID, keysets)
	return byID, keysets, err
}

func readRows(ctx context.Context, tx *db.Tx, ids []int64, keyed bool) ([]*row, map[vault.SubjectID][]byte, error) {
	byID := make(map[int64]*row, len(ids))
	var keysets map[vault.SubjectID][]byte
	if keyed {
		keysets = make(map[vault.SubjectID][]byte, len(ids))
	}
	for rest := ids; len(rest) > 0; {
		chunk := rest[:min(len(rest), 500)]
		rest = rest[len(chunk):]
		args := []any{tx.OrgID()}
		in := marks(&args, chunk)
		q := `SELECT ` + rowColumns + ` FROM relations WHERE org_id = $1 AND id IN (` + in + `)`
		if keyed {
			q = `SELECT ` + rowColumnsR + `, v.keyset_wrapped FROM relations r
				LEFT JOIN vault_subjects v ON v.id = r.subject_id AND v.org_id = r.org_id AND v.shredded_at IS NULL
				WHERE r.org_id = $1 AND r.id IN (` + in + `)`
		}
		if err := scanRows(ctx, tx, q, args, keyed, byID, keysets); err != nil {
			return nil, nil, err
		}
	}
	out := make([]*row, 0, len(ids))
	for _, id := range ids {
		if r := byID[id]; r != nil {
			out = append(out, r)
		}
	}
	return out, keysets, nil
}

func (s *Service) sealJSON(ctx context.Context, tx *db.Tx, subject vault.SubjectID, field string, v any, empty bool) ([]byte, error) {
	if empty {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return s.vault.Seal(ctx, tx, subject, field, b)
}

func (s *Service) openJSON(ctx context.Context, tx *db.Tx, subject vault.SubjectID, field string, sealed []byte, v any) error {
	if sealed == nil {
		return nil
	}
	b, err := s.vault.Open(ctx, tx, subject, field, sealed)
	if err != nil {
		return fmt.Errorf("open %s: %w", field, err)
	}
	return json.Unmarshal(b, v)
}

func (s *Service) openName(ctx context.Context, tx *db.Tx, r *row) (personName, error) {
	var n personName
	err := s.openJSON(ctx, tx, r.subject, fieldName, r.nameS, &n)
	return n, err
}

// sealed are the ciphertexts of a clean input.
type sealed struct{ name, addr, contact, birth, ibans, list []byte }

// listEntry is what a list row shows, sealed once more on its own so that
// a row costs one Open.
type listEntry struct {
	Name string `json:"n,omitempty"` // "Vries, J. de"; companies' names are plain
	City string `json:"c,omitempty"`
}

func (s *Service) seal(ctx context.Context, tx *db.Tx, subject vault.SubjectID, c *clean) (*sealed, error) {
	var out sealed
	var err error
	if out.name, err = s.sealJSON(ctx, tx, subject, fieldName, c.name, c.kind != Person); err != nil {
		return nil, err
	}
	if out.addr, err = s.sealJSON(ctx, tx, subject, fieldAddress, c.address, c.address.IsZero()); err != nil {
		return nil, err
	}
	if out.contact, err = s.sealJSON(ctx, tx, subject, fieldContact, c.contact, c.contact.Email == "" &&
		len(c.contact.Phones) == 0); err != nil {
		return nil, err
	}
	if out.birth, err = s.sealJSON(ctx, tx, subject, fieldBirth, c.birth, c.birth == sealedBirth{}); err != nil {
		return nil, err
	}
	if out.ibans, err = s.sealJSON(ctx, tx, subject, fieldIBANs, c.ibans, len(c.ibans) == 0); err != nil {
		return nil, err
	}
	le := listEntry{City: c.address.City}
	if c.kind == Person {
		le.Name = c.name.listName()
	}
	if out.list, err = s.sealJSON(ctx, tx, subject, fieldList, le, le == listEntry{}); err != nil {
		return nil, err
	}
	return &out, nil
}

// fingerprint is a keyed hash of everything an input stores except roles
// and links, so an unchanged record is recognised without decrypting it.
func (c *clean) fingerprint(t *tokenizer) (string, error) {
	b, err := json.Marshal([]any{c.kind, c.ref, c.name, c.company, c.legalForm, c.kvk, c.btw, c.address, c.contact, c.birth,
		c.ibans, c.lang, c.categories})
	if err != nil {
		return "", err
	}
	tok, err := t.token(tokPrint, string(b))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", tok), nil
}

func nullable(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func categoriesString(cs []string) string { return strings.Join(cs, ",") }

func categoriesList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// stmts are statements prepared once per operation or import: SQLite
// parses every statement it is not given prepared, and parsing was a third
// of an import's time.
type stmts struct {
	tx       *db.Tx
	tokens   map[int]*sql.Stmt // INSERT of n search tokens
	relation *sql.Stmt         // INSERT of a relation
}

func prepare(tx *db.Tx) *stmts { return &stmts{tx: tx, tokens: map[int]*sql.Stmt{}} }

func (st *stmts) close() {
	for _, s := range st.tokens {
		s.Close()
	}
	if st.relation != nil {
		st.relation.Close()
	}
}

// tokenInsert is an INSERT of n search tokens of one relation: one round
// trip per relation instead of one per token (a person has some 25).
func (st *stmts) tokenInsert(ctx context.Context, n int) (*sql.Stmt, error) {
	if s, ok := st.tokens[n]; ok {
		return s, nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO relation_search (org_id, kind, token, relation_id) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "($1, $%d, $%d, $2)", 3+2*i, 4+2*i)
	}
	s, err := st.tx.PrepareContext(ctx, b.String())
	if err != nil {
		return nil, fmt.Errorf("prepare token insert: %w", err)
	}
	st.tokens[n] = s
	return s, nil
}

func (st *stmts) relationInsert(ctx context.Context) (*sql.Stmt, error) {
	if st.relation != nil {
		return st.relation, nil
	}
	s, err := st.tx.PrepareContext(ctx,
		`INSERT INTO relations (org_id, kind, subject_id, ref, roles, lang, company_name, legal_form, kvk, btw_id,
		supplier_categories, name_sealed, address_sealed, contact_sealed, birth_sealed, ibans_sealed, list_sealed, fingerprint, created_at,
		updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19) RETURNING id`)
	if err != nil {
		return nil, fmt.Errorf("prepare relation insert: %w", err)
	}
	st.relation = s
	return s, nil
}

// writeTokens replaces a relation's search tokens.
func (s *Service) writeTokens(ctx context.Context, tx *db.Tx, t *tokenizer, st *stmts, id int64, c *clean, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM relation_search WHERE org_id = $1 AND relation_id = $2`, tx.OrgID(), id); err != nil {
			return fmt.Errorf("clear search tokens: %w", err)
		}
	}
	toks := c.searchTokens()
	for len(toks) > 0 {
		chunk := toks[:min(len(toks), 100)]
		toks = toks[len(chunk):]
		args := make([]any, 0, 2+2*len(chunk))
		args = append(args, tx.OrgID(), id)
		for _, stok := range chunk {
			tok, err := t.token(stok.kind, stok.value)
			if err != nil {
				return err
			}
			args = append(args, stok.kind, tok)
		}
		ins, err := st.tokenInsert(ctx, len(chunk))
		if err != nil {
			return err
		}
		if _, err := ins.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert search tokens: %w", err)
		}
	}
	return nil
}

// idByRef finds a relation by the customer's reference; 0 when none.
func idByRef(ctx context.Context, tx *db.Tx, ref string) (int64, error) {
	if ref == "" {
		return 0, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM relations WHERE org_id = $1 AND ref = $2`, tx.OrgID(), ref).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("relation by ref: %w", err)
	}
	return id, nil
}

// contactIDs lists a company's contact persons (or, for a person, the
// companies it is a contact of).
func contactIDs(ctx context.Context, tx *db.Tx, id int64, kind Kind) ([]int64, error) {
	q := `SELECT person_id FROM relation_contacts WHERE org_id = $1 AND company_id = $2 ORDER BY person_id`
	if kind == Person {
		q = `SELECT company_id FROM relation_contacts WHERE org_id = $1 AND person_id = $2 ORDER BY company_id`
	}
	rows, err := tx.QueryContext(ctx, q, tx.OrgID(), id)
	if err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var x int64
		if err := rows.Scan(&x); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// kindOf returns a relation's kind, or ErrNotFound.
func kindOf(ctx context.Context, tx *db.Tx, id int64) (Kind, error) {
	var k Kind
	err := tx.QueryRowContext(ctx, `SELECT kind FROM relations WHERE org_id = $1 AND id = $2`, tx.OrgID(), id).Scan(&k)
	if errors.Is(err, sql.ErrNoRows) {
		return "", validation.ErrNotFound
	}
	return k, err
}
