package lease

import (
	"context"
	"fmt"

	"hms/internal/account"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// UpsertLeasesTx creates or updates leases keyed by their reference, inside
// the caller's transaction (the CSV import). A row that is wrong is skipped
// with its field errors and changes nothing; the others are saved. Running
// the same rows twice changes nothing the second time: unchanged terms are
// not rewritten and a component row that already exists is not added again
// (a different amount on an existing day is a row error). ids[i] is the
// lease of row i, 0 when the row failed.
func (s *Service) UpsertLeasesTx(ctx context.Context, tx *db.Tx, a account.Actor, rows []LeaseInput) ([]int64, RowErrors, error) {
	if !a.Can(account.PermPortfolioWrite) || tx.OrgID() != a.OrgID {
		return nil, nil, validation.ErrForbidden
	}
	ids := make([]int64, len(rows))
	errs := RowErrors{}
	for first := 0; first < len(rows); first += importChunk {
		if err := s.upsertChunk(ctx, tx, a, rows, first, min(first+importChunk, len(rows)), ids, errs); err != nil {
			return nil, nil, err
		}
	}
	return ids, errs, nil
}

// upsertChunk saves rows[first:end], reading ahead for them (leaseBatch).
func (s *Service) upsertChunk(ctx context.Context, tx *db.Tx, a account.Actor, rows []LeaseInput, first, end int,
	ids []int64, errs RowErrors) error {
	norm := make([]Input, end-first) // the rows normalized
	ins := make([]Input, 0, end-first)
	for i := first; i < end; i++ {
		in := rows[i]
		fe := validation.Errors{}
		in.normalize(fe)
		if in.Reference == "" {
			fe.Add("reference", "field.required")
		}
		if len(fe) > 0 {
			errs[i] = fe
			continue
		}
		norm[i-first] = in
		ins = append(ins, in)
	}
	b, err := s.readBatch(ctx, tx, ins)
	if err != nil {
		return fmt.Errorf("import leases: %w", err)
	}
	for i := first; i < end; i++ {
		if _, bad := errs[i]; bad {
			continue
		}
		in := norm[i-first]
		if err := rowSavepoint(ctx, tx); err != nil {
			return fmt.Errorf("import lease row %d: %w", i, err)
		}
		id, err := s.upsertRow(ctx, tx, a, in, b)
		if err != nil {
			if rerr := rollbackRowSavepoint(ctx, tx); rerr != nil {
				return fmt.Errorf("import lease row %d: %w", i, rerr)
			}
		}
		if rerr := releaseRowSavepoint(ctx, tx); rerr != nil {
			return fmt.Errorf("import lease row %d: %w", i, rerr)
		}
		if err != nil {
			if fe, ok := validation.AsFields(err); ok {
				errs[i] = fe
				continue
			}
			if p, ok := validation.AsProblem(err); ok && p.Status < 500 {
				errs[i] = validation.Errors{"_": p.Code}
				continue
			}
			return fmt.Errorf("import lease row %d: %w", i, err)
		}
		ids[i] = id
	}
	return nil
}

func (s *Service) upsertRow(ctx context.Context, tx *db.Tx, a account.Actor, in Input, b *leaseBatch) (int64, error) {
	var oldID int64
	if b.refs[in.Reference] {
		oldID = b.ids[in.Reference]
	} else {
		var err error
		if oldID, err = leaseIDByReference(ctx, tx, in.Reference); err != nil {
			return 0, err
		}
	}
	var old *Lease
	var oldUnits []int64
	var term *Termination
	if oldID > 0 {
		var err error
		if old, err = loadLease(ctx, tx, oldID); err != nil {
			return 0, err
		}
		oldUnits, term = old.UnitIDs(), old.Termination
	}
	id, _, err := s.save(ctx, tx, a, old, in, b)
	if err != nil {
		return 0, err
	}
	b.saved(id, in.Reference, oldUnits, in.UnitIDs, in.Start, effectiveEnd(in.End, term))
	return id, nil
}
