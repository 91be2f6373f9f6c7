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
	for i, in := range rows {
		fe := validation.Errors{}
		in.normalize(fe)
		if in.Reference == "" {
			fe.Add("reference", "field.required")
		}
		if len(fe) > 0 {
			errs[i] = fe
			continue
		}
		if err := rowSavepoint(ctx, tx); err != nil {
			return nil, nil, fmt.Errorf("import lease row %d: %w", i, err)
		}
		id, err := s.upsertRow(ctx, tx, a, in)
		if err != nil {
			if rerr := rollbackRowSavepoint(ctx, tx); rerr != nil {
				return nil, nil, fmt.Errorf("import lease row %d: %w", i, rerr)
			}
		}
		if rerr := releaseRowSavepoint(ctx, tx); rerr != nil {
			return nil, nil, fmt.Errorf("import lease row %d: %w", i, rerr)
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
			return nil, nil, fmt.Errorf("import lease row %d: %w", i, err)
		}
		ids[i] = id
	}
	return ids, errs, nil
}

func (s *Service) upsertRow(ctx context.Context, tx *db.Tx, a account.Actor, in Input) (int64, error) {
	oldID, err := leaseIDByReference(ctx, tx, in.Reference)
	if err != nil {
		return 0, err
	}
	var old *Lease
	if oldID > 0 {
		if old, err = loadLease(ctx, tx, oldID); err != nil {
			return 0, err
		}
	}
	id, _, err := s.save(ctx, tx, a, old, in)
	return id, err
}
