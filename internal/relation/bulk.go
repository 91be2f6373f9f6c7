package relation

import (
	"context"
	"database/sql"
	"errors"

	"hms/internal/account"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// RowErrors are the field errors of an import, by row index.
type RowErrors map[int]validation.Errors

// UpsertPersonsTx imports persons in the caller's transaction (the CSV
// importer's path), keyed by their Ref (required, unique per organisation):
// a row whose Ref is new creates a person, a known Ref updates that person,
// and a row that changes nothing writes nothing, so importing the same file
// twice changes nothing. Roles are only added, never taken away (a tenant
// stays a tenant when the file does not say so).
//
// ids[i] is the id of row i (0 for a row with errors). Rows with errors are
// skipped and reported in RowErrors, and the others are written; a caller
// that wants all or nothing returns an error from its transaction when
// RowErrors is not empty. A problem that concerns the whole import (no
// processor agreement for new tenants) is returned as the error.
//
// Cost: each new person costs a vault subject, up to five seals and its
// search tokens; name order is computed once for the whole batch.
func (s *Service) UpsertPersonsTx(ctx context.Context, tx *db.Tx, actor account.Actor, rows []PersonInput) ([]int64, RowErrors, error) {
	if !actor.Can(account.PermPortfolioWrite) {
		return nil, nil, validation.ErrForbidden
	}
	opt, err := s.optional(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	today := s.today()
	ids := make([]int64, len(rows))
	rerrs := RowErrors{}
	cleans := make([]*clean, len(rows))
	seen := map[string]bool{}
	for i, in := range rows {
		c, fe := s.validatePerson(in, opt, today)
		if c.ref == "" {
			fe.Add("ref", "field.required")
		} else if seen[c.ref] {
			fe.Add("ref", "relation.ref_duplicate")
		}
		seen[c.ref] = true
		if len(fe) > 0 {
			rerrs[i] = fe
			continue
		}
		cleans[i] = c
	}
	byRef, err := tx.PrepareContext(ctx, `SELECT id FROM relations WHERE org_id = $1 AND ref = $2`)
	if err != nil {
		return nil, nil, err
	}
	defer byRef.Close()
	t := s.tokenizer(ctx, tx)
	st := prepare(tx)
	defer st.close()
	details := map[string]string{"via": "import"}
	var toPlace []entry
	for i, c := range cleans {
		if c == nil {
			continue
		}
		var id int64
		switch err := byRef.QueryRowContext(ctx, tx.OrgID(), c.ref).Scan(&id); {
		case err == nil:
			coll, err := s.update(ctx, tx, actor, id, c, true, t, st, details)
			if fe, ok := validation.AsFields(err); ok {
				rerrs[i] = fe
				continue
			}
			if errors.Is(err, ErrKindMismatch) {
				rerrs[i] = validation.Errors{"ref": "relation.kind_mismatch"}
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			if coll != "" {
				toPlace = append(toPlace, entry{id: id, coll: coll, has: true})
			}
		case isNoRows(err):
			if err := s.check(ctx, tx, c, 0, c.roles.Has(RoleTenant), false); err != nil {
				if fe, ok := validation.AsFields(err); ok {
					rerrs[i] = fe
					continue
				}
				return nil, nil, err
			}
			if id, err = s.insert(ctx, tx, actor, c, t, st, details); err != nil {
				return nil, nil, err
			}
			toPlace = append(toPlace, entry{id: id, coll: c.collationKey(), has: true})
		default:
			return nil, nil, err
		}
		ids[i] = id
	}
	if err := s.placeMany(ctx, tx, toPlace); err != nil {
		return nil, nil, err
	}
	return ids, rerrs, nil
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
