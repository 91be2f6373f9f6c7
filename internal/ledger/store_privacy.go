package ledger

import (
	"context"
	"errors"
	"fmt"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
)

// InvoicesOfLeaseTx are a lease's invoices and credit notes in id order,
// with what is still open (subject requests read every one).
func InvoicesOfLeaseTx(ctx context.Context, tx *db.Tx, leaseID int64) ([]Invoice, error) {
	page, err := listInvoices(ctx, tx, listing.Query{Sort: "id", All: true}.Normalize(InvoiceSorts...), InvoiceFilter{LeaseID: leaseID})
	return page.Items, err
}

// PaymentsOfLeaseTx are a lease's payments, oldest first, their references
// opened.
func (s *Service) PaymentsOfLeaseTx(ctx context.Context, tx *db.Tx, leaseID int64) ([]Payment, error) {
	ps, err := payments(ctx, tx, "p.lease_id = $2", leaseID)
	if err != nil {
		return nil, err
	}
	return ps, s.openReferences(ctx, tx, ps)
}

// RetainedUntil is the last day the records of fiscal year year must be
// kept: 31 December, RetentionYears after the year.
func RetainedUntil(year int) civil.Date { return civil.New(year+RetentionYears, 12, 31) }

// ErasePaymentReferencesTx empties the free text of a lease's payments
// (what the payer wrote on a transfer, copied from the bank statement, or
// what a person typed): it may name the payer. Amounts, dates and methods
// stay. It returns how many payments it changed.
func ErasePaymentReferencesTx(ctx context.Context, tx *db.Tx, leaseID int64) (int, error) {
	return ErasePaymentReferencesThroughTx(ctx, tx, leaseID, "")
}

// ErasePaymentReferencesThroughTx is ErasePaymentReferencesTx for the
// payments recorded at or before through (db.TS; "" for all): replaying an
// erasure after a restore (vault.OnReplay) empties what the erasure emptied,
// and leaves the references of payments a co-tenant made on the lease after
// it. Rows already empty are left alone, so it can run again.
func ErasePaymentReferencesThroughTx(ctx context.Context, tx *db.Tx, leaseID int64, through string) (int, error) {
	q := `UPDATE ledger_payments SET reference = '', reference_sealed = NULL WHERE org_id = $1 AND lease_id = $2
		AND (reference <> '' OR reference_sealed IS NOT NULL)`
	args := []any{tx.OrgID(), leaseID}
	if through != "" {
		q += ` AND created_at <= $3`
		args = append(args, through)
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("erase payment references of lease %d: %w", leaseID, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// legacyReferences finds payments whose reference is still in the plain
// column (written before migration 00048), through the partial index
// ledger_payments_plain_reference.
const legacyReferences = `SELECT id FROM ledger_payments WHERE org_id = $1 AND reference <> '' LIMIT 1`

// SealLegacyReferences seals the references written before migration 00048
// (plain text) under the organisation key and empties the plain column, a
// transaction per organisation. The application runs it at every start;
// once done it only looks, one query per organisation with payments. It
// returns how many references it sealed.
func (s *Service) SealLegacyReferences(ctx context.Context) (int, error) {
	orgs, err := db.OrgsWith(ctx, s.db, legacyReferences)
	if err != nil {
		return 0, fmt.Errorf("ledger: payment references to seal: %w", err)
	}
	n := 0
	for _, org := range orgs {
		err := s.db.InOrg(ctx, org, func(tx *db.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id, reference FROM ledger_payments WHERE org_id = $1 AND reference <> ''
				ORDER BY id`, tx.OrgID())
			if err != nil {
				return err
			}
			type legacy struct {
				id  int64
				ref string
			}
			var todo []legacy
			for rows.Next() {
				var l legacy
				if err := rows.Scan(&l.id, &l.ref); err != nil {
					rows.Close()
					return err
				}
				todo = append(todo, l)
			}
			if err := errors.Join(rows.Err(), rows.Close()); err != nil {
				return err
			}
			for _, l := range todo {
				sealed, err := s.sealReference(ctx, tx, l.ref)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE ledger_payments SET reference = '', reference_sealed = $1
					WHERE org_id = $2 AND id = $3`, sealed, tx.OrgID(), l.id); err != nil {
					return fmt.Errorf("payment %d: %w", l.id, err)
				}
				n++
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("ledger: seal the payment references of organisation %d: %w", org, err)
		}
	}
	return n, nil
}
