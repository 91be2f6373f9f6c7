package relation

import (
	"context"
	"fmt"
	"strings"

	"hms/internal/account"
	"hms/internal/platform/db"
	"hms/internal/privacy"
)

// PrivacySource is the relation's own record for subject requests
// (privacy.Rights): the person's fields in an export, and the erasure that
// shreds the person's keys.
func (s *Service) PrivacySource() privacy.Person { return privacySource{s} }

type privacySource struct{ s *Service }

func (privacySource) Name() string { return "relation" }

func (p privacySource) Subject(ctx context.Context, tx *db.Tx, id int64) (string, bool, error) {
	r, err := getRow(ctx, tx, id)
	if err != nil {
		return "", false, err
	}
	if r.erasedAt.Valid {
		return "", r.kind == Person, nil
	}
	rel, err := p.s.open(ctx, tx, r, false)
	if err != nil {
		return "", false, err
	}
	return rel.DisplayName(), r.kind == Person, nil
}

func (p privacySource) Export(ctx context.Context, tx *db.Tx, _ account.Actor, id int64) ([]privacy.Section, error) {
	sec := privacy.Section{Key: "relation", Title: "privacy.src.relation", Purpose: "privacy.purpose.relation",
		Basis: "privacy.basis.contract", Retention: "privacy.retention.relation", Recipients: "privacy.recipients.organisation",
		Origin: "privacy.origin.relation", Columns: []string{"privacy.col.field", "privacy.col.value"}}
	r, err := getRow(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	add := func(field string, v privacy.Value) {
		sec.Records = append(sec.Records, []privacy.Value{privacy.Word(field), v})
	}
	if r.erasedAt.Valid {
		at, _ := db.ParseTS(r.erasedAt.String)
		add("privacy.field.erased_at", privacy.At(at))
		return []privacy.Section{sec}, nil
	}
	rel, err := p.s.open(ctx, tx, r, true)
	if err != nil {
		return nil, err
	}
	text := func(field, v string) {
		if v != "" {
			add(field, privacy.Text(v))
		}
	}
	if rel.Kind == Person {
		text("privacy.field.initials", rel.Initials)
		text("privacy.field.first_names", rel.FirstNames)
		text("privacy.field.surname", strings.TrimSpace(rel.SurnamePrefix+" "+rel.Surname))
		if !rel.BirthDate.IsZero() {
			add("privacy.field.birth_date", privacy.Day(rel.BirthDate))
		}
		text("privacy.field.birth_place", rel.BirthPlace)
		text("privacy.field.nationality", rel.Nationality)
	} else {
		text("privacy.field.company", rel.Name)
		text("privacy.field.kvk", rel.KvK)
		text("privacy.field.btw", rel.BTW)
	}
	text("privacy.field.address", rel.Address.Line())
	text("privacy.field.email", rel.Email)
	for _, ph := range rel.Phones {
		text("privacy.field.phone", ph)
	}
	for _, ib := range rel.IBANs {
		text("privacy.field.iban", ib)
	}
	text("privacy.field.reference", rel.Ref)
	for _, role := range rel.Roles.List() {
		add("privacy.field.role", privacy.Word("privacy.role."+string(role)))
	}
	add("privacy.field.language", privacy.Word("privacy.lang."+rel.Language))
	for _, l := range rel.Links {
		text("privacy.field.link", l.Name)
	}
	add("privacy.field.created_at", privacy.At(rel.CreatedAt))
	if rs := rel.Restriction; rs != nil {
		add("privacy.field.restricted_since", privacy.At(rs.Since))
		add("privacy.field.restriction_ground", privacy.Word("relation.ground."+string(rs.Ground)))
	}
	obs, err := p.s.objectionsTx(ctx, tx, id)
	if err != nil || len(obs) == 0 {
		return []privacy.Section{sec}, err
	}
	osec := privacy.Section{Key: "relation.objections", Title: "privacy.src.objections", Purpose: "privacy.purpose.objections",
		Basis: "privacy.basis.legal", Retention: "privacy.retention.relation", Recipients: "privacy.recipients.organisation",
		Origin: "privacy.origin.objections", Columns: []string{"privacy.col.date", "privacy.col.kind", "privacy.col.description",
			"privacy.col.status", "privacy.col.reason"}}
	for _, o := range obs {
		osec.Records = append(osec.Records, []privacy.Value{privacy.Day(o.ReceivedOn),
			privacy.Word("relation.processing." + string(o.Processing)), privacy.Text(o.Grounds),
			privacy.Word("relation.decision." + string(o.Decision)), privacy.Text(o.Reason)})
	}
	return []privacy.Section{sec, osec}, nil
}

// Erase shreds the person's keys (every copy of their sealed fields,
// wherever it lives, stops opening), deletes the sealed fields, the
// customer's reference, the search tokens, the name-order rank and the
// links to companies, and marks the row erased. The row stays as an id
// without data: leases and the books refer to it.
func (p privacySource) Erase(ctx context.Context, tx *db.Tx, _ account.Actor, id int64) (privacy.Outcome, error) {
	var o privacy.Outcome
	r, err := getRow(ctx, tx, id)
	if err != nil {
		return o, err
	}
	if r.kind != Person {
		return o, privacy.ErrNotAPerson
	}
	stub := privacy.Kept{What: "privacy.what.relation_stub", Count: 1, Why: "privacy.why.relation_stub"}
	if r.erasedAt.Valid {
		o.Kept = []privacy.Kept{stub}
		return o, nil
	}
	if err := p.s.vault.Shred(ctx, tx, r.subject); err != nil {
		return o, fmt.Errorf("erase relation %d: %w", id, err)
	}
	tokens, objections, err := forgetTx(ctx, tx, id, db.TS(p.s.clk.Now()))
	if err != nil {
		return o, err
	}
	o.Erased = []privacy.Erased{{What: "privacy.what.personal_fields", Count: 1}, {What: "privacy.what.keys", Count: 1},
		{What: "privacy.what.search_tokens", Count: tokens}}
	if objections > 0 {
		o.Erased = append(o.Erased, privacy.Erased{What: "privacy.what.objections", Count: objections})
	}
	o.Kept = []privacy.Kept{stub}
	return o, nil
}

// forgetTx deletes what relation id keeps besides its shredded keys: the
// sealed fields, the customer's reference, the search tokens, the
// name-order rank, the objections and the links to companies, and marks
// the row erased at at (an erased row keeps its first time). Erase runs it
// after the shred, and the replay of an erasure after a restore again
// (ReplayErasureTx). It returns the search tokens and objections deleted.
func forgetTx(ctx context.Context, tx *db.Tx, id int64, at string) (tokens, objections int, err error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM relation_search WHERE org_id = $1 AND relation_id = $2`, tx.OrgID(), id)
	if err != nil {
		return 0, 0, fmt.Errorf("erase relation %d tokens: %w", id, err)
	}
	n, _ := res.RowsAffected()
	if objections, err = deleteObjections(ctx, tx, id); err != nil {
		return 0, 0, err
	}
	for _, q := range []string{
		`DELETE FROM relation_order WHERE org_id = $1 AND relation_id = $2`,
		`DELETE FROM relation_contacts WHERE org_id = $1 AND person_id = $2`,
	} {
		if _, err := tx.ExecContext(ctx, q, tx.OrgID(), id); err != nil {
			return 0, 0, fmt.Errorf("erase relation %d: %w", id, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE relations SET ref = NULL, name_sealed = NULL, address_sealed = NULL, contact_sealed = NULL,
		birth_sealed = NULL, ibans_sealed = NULL, list_sealed = NULL, fingerprint = '', updated_at = COALESCE(erased_at, $1),
		erased_at = COALESCE(erased_at, $1), restricted_at = NULL, restriction_ground = NULL, restricted_by = 0
		WHERE org_id = $2 AND id = $3`, at, tx.OrgID(), id); err != nil {
		return 0, 0, fmt.Errorf("erase relation %d: %w", id, err)
	}
	return int(n), objections, nil
}
