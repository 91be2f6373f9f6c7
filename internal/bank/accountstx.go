package bank

import (
	"context"

	"hms/internal/platform/db"
)

// AccountsTx lists the organisation's accounts in the caller's transaction,
// archived ones last (a collection picks its account by purpose); the caller
// checked permission.
func AccountsTx(ctx context.Context, tx *db.Tx) ([]Account, error) { return listAccounts(ctx, tx) }
