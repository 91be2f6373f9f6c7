package lease

import (
	"context"
	"fmt"

	"hms/internal/account"
	"hms/internal/platform/db"
)

// ListedTx reads, inside the caller's transaction, the leases ids of tx's
// organisation as a list shows them: the head of each lease, its units with
// their addresses and its tenants with their names (guarantors are left
// out). Like List it is not logged per row: a list shows names only. Other
// capabilities' lists use it (the dunning proposals, the arrears ageing);
// ids of another organisation are left out. The caller has checked the
// actor's permission (a list reads names without an actor's purpose).
func (s *Service) ListedTx(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]*Lease, error) {
	out := make(map[int64]*Lease, len(ids))
	for rest := ids; len(rest) > 0; {
		chunk := rest[:min(len(rest), 500)]
		rest = rest[len(chunk):]
		rows, err := tx.QueryContext(ctx, `SELECT `+leaseColumns+` FROM leases WHERE org_id = $1 AND id IN (`+tx.Params(2, len(chunk))+`)`,
			append([]any{tx.OrgID()}, idArgs(chunk)...)...)
		if err != nil {
			return nil, fmt.Errorf("listed leases: %w", err)
		}
		var ls []*Lease
		for rows.Next() {
			l, err := scanLease(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("listed leases: %w", err)
			}
			ls = append(ls, l)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("listed leases: %w", err)
		}
		if err := loadUnits(ctx, tx, ls); err != nil {
			return nil, err
		}
		if err := loadParties(ctx, tx, ls); err != nil {
			return nil, err
		}
		for _, l := range ls {
			l.Parties = l.Tenants()
		}
		if err := s.fillFacts(ctx, tx, account.Actor{}, PurposeList, ls); err != nil {
			return nil, err
		}
		for _, l := range ls {
			out[l.ID] = l
		}
	}
	return out, nil
}

// TenantIDsTx gives the tenants (relation ids, in the lease's order) of each
// of leaseIDs inside the caller's transaction, without reading anyone's
// data. The caller has checked the actor's permission.
func (s *Service) TenantIDsTx(ctx context.Context, tx *db.Tx, leaseIDs []int64) (map[int64][]int64, error) {
	out := make(map[int64][]int64, len(leaseIDs))
	for rest := leaseIDs; len(rest) > 0; {
		chunk := rest[:min(len(rest), 500)]
		rest = rest[len(chunk):]
		rows, err := tx.QueryContext(ctx, `SELECT lease_id, party_id FROM lease_parties WHERE org_id = $1 AND role = 'tenant'
			AND lease_id IN (`+tx.Params(2, len(chunk))+`) ORDER BY lease_id, position`, append([]any{tx.OrgID()}, idArgs(chunk)...)...)
		if err != nil {
			return nil, fmt.Errorf("lease tenants: %w", err)
		}
		for rows.Next() {
			var l, p int64
			if err := rows.Scan(&l, &p); err != nil {
				rows.Close()
				return nil, fmt.Errorf("lease tenants: %w", err)
			}
			out[l] = append(out[l], p)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("lease tenants: %w", err)
		}
	}
	return out, nil
}
