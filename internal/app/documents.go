package app

import (
	"context"

	"hms/internal/platform/db"
)

// sealLegacyDocuments seals the documents about persons written before
// migration 00040 (the tenant information and deposit documents sealed per
// organisation, rent-increase letters plain) under subjects of their own,
// so that erasure reaches every document alike (docs/ARCHITECTURE.md,
// "Documents and where they are sealed"). Start runs it (the server, not
// each command); once everything is sealed it only looks, one read per
// organisation and kind. A failure is logged: the documents
// stay readable as they were, and it is tried again at the next start.
func (a *App) sealLegacyDocuments(ctx context.Context) {
	for _, step := range []struct {
		what string
		fn   func(context.Context) (int, error)
	}{
		{"lease documents", a.Leases.SealLegacyDocuments},
		{"deposit documents", a.Deposits.SealLegacyDocuments},
		{"rent increase letters", a.RentIncreases.SealLegacyLetters},
	} {
		n, err := step.fn(ctx)
		if err != nil {
			a.Log.Error("seal documents under their own subjects", "documents", step.what, "err", err)
		}
		if n > 0 {
			a.Log.Info("documents sealed under their own subjects", "documents", step.what, "count", n)
		}
	}
}

// sealLegacyReferences seals the payment references written before
// migration 00048 (plain text) under the organisation key and empties the
// plain column (ledger.SealLegacyReferences). Start runs it; a failure is
// logged, the references stay readable as they were and it is tried again
// at the next start.
func (a *App) sealLegacyReferences(ctx context.Context) {
	n, err := a.Ledger.SealLegacyReferences(ctx)
	if err != nil {
		a.Log.Error("seal the payment references", "err", err)
	}
	if n > 0 {
		a.Log.Info("payment references sealed", "count", n)
		if a.DB.Dialect == db.SQLite {
			// The plain text just emptied must not linger in the write-ahead
			// log (freed pages are zeroed: secure_delete). Best effort, as
			// after an erasure.
			_, _ = a.DB.Raw().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
		}
	}
}
