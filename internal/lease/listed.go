package lease

import (
	"context"

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
		ls, err := leaseHeads(ctx, tx, chunk)
		if err != nil {
			return nil, err
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
		if err := tenantIDs(ctx, tx, chunk, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ForRentTx reads, inside the caller's transaction, the leases ids of tx's
// organisation with what a rent computation uses (the rent-increase
// proposals): the head of each lease, its units and parties (ids and
// roles) and its rent components, with a few queries per 500 leases; not
// its deposit or notices, nor anyone's name. Ids of another organisation
// are left out. The caller has checked the actor's permission.
func (s *Service) ForRentTx(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]*Lease, error) {
	out := make(map[int64]*Lease, len(ids))
	for rest := ids; len(rest) > 0; {
		chunk := rest[:min(len(rest), 500)]
		rest = rest[len(chunk):]
		ls, err := leaseHeads(ctx, tx, chunk)
		if err != nil {
			return nil, err
		}
		if err := loadUnits(ctx, tx, ls); err != nil {
			return nil, err
		}
		if err := loadParties(ctx, tx, ls); err != nil {
			return nil, err
		}
		if err := loadComponents(ctx, tx, ls); err != nil {
			return nil, err
		}
		for _, l := range ls {
			out[l.ID] = l
		}
	}
	return out, nil
}
