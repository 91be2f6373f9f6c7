package app

import (
	"context"
	"strings"

	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/db"
)

// leaseAccounts names the ledger's lease accounts (ledger.Accounts) from the
// lease capability: the tenants' names and the units' addresses, as a list
// shows them.
type leaseAccounts struct{ leases *lease.Service }

var _ ledger.Accounts = leaseAccounts{}

func (l leaseAccounts) AccountNamesTx(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]ledger.AccountName, error) {
	ls, err := l.leases.ListedTx(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]ledger.AccountName, len(ls))
	for id, x := range ls {
		var n ledger.AccountName
		var addrs []string
		for _, p := range x.Parties {
			n.TenantIDs = append(n.TenantIDs, p.ID)
			n.Tenants = append(n.Tenants, p.Name)
		}
		for _, u := range x.Units {
			n.UnitIDs = append(n.UnitIDs, u.ID)
			n.Units = append(n.Units, u.Address)
			if u.Address != "" {
				addrs = append(addrs, u.Address)
			}
		}
		n.Address = strings.Join(addrs, "; ")
		out[id] = n
	}
	return out, nil
}
