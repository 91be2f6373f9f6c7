package directdebit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/sepa"
)

// --- mandates ---

// storedMandate is a mandate row with its debtor still sealed.
type storedMandate struct {
	Mandate
	sealed []byte
}

const mandateColumns = `m.id, m.lease_id, l.reference, m.party_id, m.reference, m.kind, m.status, m.signed_on, m.debtor_sealed,
	m.last_collected_on, m.amended, m.original_reference, m.status_reason, m.status_on, m.created_at`

func scanMandate(r interface{ Scan(...any) error }) (*storedMandate, error) {
	m := &storedMandate{}
	var kind, status, created string
	err := r.Scan(&m.ID, &m.LeaseID, &m.LeaseReference, &m.PartyID, &m.Reference, &kind, &status, &m.SignedOn, &m.sealed,
		&m.LastCollectedOn, &m.Amended, &m.OriginalReference, &m.StatusReason, &m.StatusOn, &created)
	if err != nil {
		return nil, err
	}
	m.Kind, m.Status, m.CreatedAt = Kind(kind), Status(status), db.ShownTS(created)
	return m, nil
}

// listMandates reads the mandates where cond holds ($1 is the organisation,
// args from $2); cond may end in ORDER BY/LIMIT, else they come in id order.
func listMandates(ctx context.Context, tx *db.Tx, cond string, args ...any) ([]*storedMandate, error) {
	q := `SELECT ` + mandateColumns + ` FROM dd_mandates m JOIN leases l ON l.id = m.lease_id AND l.org_id = m.org_id
		WHERE m.org_id = $1 AND ` + cond
	rows, err := tx.QueryContext(ctx, q, append([]any{tx.OrgID()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("directdebit: list mandates: %w", err)
	}
	defer rows.Close()
	var out []*storedMandate
	for rows.Next() {
		m, err := scanMandate(rows)
		if err != nil {
			return nil, fmt.Errorf("directdebit: list mandates: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("directdebit: list mandates: %w", err)
	}
	return out, nil
}

func readMandate(ctx context.Context, tx *db.Tx, cond string, args ...any) (*storedMandate, error) {
	m, err := scanMandate(tx.QueryRowContext(ctx, `SELECT `+mandateColumns+` FROM dd_mandates m
		JOIN leases l ON l.id = m.lease_id AND l.org_id = m.org_id WHERE m.org_id = $1 AND `+cond, append([]any{tx.OrgID()}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("directdebit: read mandate: %w", err)
	}
	return m, nil
}

func countMandates(ctx context.Context, tx *db.Tx, leaseID int64) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM dd_mandates WHERE org_id = $1 AND lease_id = $2`,
		tx.OrgID(), leaseID).Scan(&n); err != nil {
		return 0, fmt.Errorf("directdebit: count mandates: %w", err)
	}
	return n, nil
}

// referenceTaken reports whether ref is the reference of a mandate other
// than self, now or before an amendment (a bank knows it for that mandate).
func referenceTaken(ctx context.Context, tx *db.Tx, ref string, self int64) (bool, error) {
	var taken bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM dd_mandates WHERE org_id = $1 AND id <> $2
		AND (reference = $3 OR original_reference = $3))
		OR EXISTS (SELECT 1 FROM dd_items WHERE org_id = $1 AND mandate_id <> $2 AND mandate_reference = $3)`,
		tx.OrgID(), self, ref).Scan(&taken)
	if err != nil {
		return false, fmt.Errorf("directdebit: reference in use: %w", err)
	}
	return taken, nil
}

func insertMandate(ctx context.Context, tx *db.Tx, in MandateInput, sealed []byte, token, now string, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO dd_mandates (org_id, lease_id, party_id, reference, kind, status, signed_on,
		debtor_sealed, iban_token, last_collected_on, created_at, created_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $10, $11, $10) RETURNING id`,
		tx.OrgID(), in.LeaseID, in.PartyID, in.Reference, string(in.Kind), in.SignedOn, sealed, token, in.LastCollectedOn,
		now, by).Scan(&id)
	if err != nil && !db.IsUniqueViolation(err) {
		err = fmt.Errorf("directdebit: add mandate: %w", err)
	}
	return id, err
}

func updateMandateDebtor(ctx context.Context, tx *db.Tx, m *storedMandate, sealed []byte, token, now string) error {
	_, err := tx.ExecContext(ctx, `UPDATE dd_mandates SET reference = $3, debtor_sealed = $4, iban_token = $5, amended = $6,
		original_reference = $7, updated_at = $8 WHERE org_id = $1 AND id = $2`,
		tx.OrgID(), m.ID, m.Reference, sealed, token, m.Amended, m.OriginalReference, now)
	if err != nil && !db.IsUniqueViolation(err) {
		err = fmt.Errorf("directdebit: amend mandate %d: %w", m.ID, err)
	}
	return err
}

func setMandateStatus(ctx context.Context, tx *db.Tx, id int64, to Status, reason string, on civil.Date, now string) error {
	_, err := tx.ExecContext(ctx, `UPDATE dd_mandates SET status = $3, status_reason = $4, status_on = $5, updated_at = $6
		WHERE org_id = $1 AND id = $2`, tx.OrgID(), id, string(to), reason, on, now)
	if err != nil {
		return fmt.Errorf("directdebit: mandate %d to %s: %w", id, to, err)
	}
	return nil
}

// markCollected records a collection of mandate id on a date and clears its
// amendment (the debit that reports it is made).
func markCollected(ctx context.Context, tx *db.Tx, id int64, on civil.Date, sealed []byte, now string) error {
	_, err := tx.ExecContext(ctx, `UPDATE dd_mandates SET last_collected_on = CASE WHEN last_collected_on IS NULL
		OR last_collected_on < $3 THEN $3 ELSE last_collected_on END, amended = $4, original_reference = '',
		debtor_sealed = $5, updated_at = $6 WHERE org_id = $1 AND id = $2`, tx.OrgID(), id, on, false, sealed, now)
	if err != nil {
		return fmt.Errorf("directdebit: mark mandate %d collected: %w", id, err)
	}
	return nil
}

// --- candidates of a collection ---

// candidate is an open invoice of a lease that may be collected.
type candidate struct {
	invoiceID int64
	number    string
	leaseID   int64
	dueDate   civil.Date
	kenmerk   string
	sentAt    sql.NullString
	open      money.Cents
}

// openInvoices are the open invoices due on or before dueUntil of leases
// that pay by direct debit or have a mandate, in lease and due-date order.
func openInvoices(ctx context.Context, tx *db.Tx, dueUntil civil.Date) ([]candidate, error) {
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.number, i.lease_id, i.due_date, i.kenmerk, i.sent_at,
		SUM(c.total_cents) - COALESCE(SUM(a.allocated), 0)
		FROM ledger_invoices i
		JOIN ledger_charges c ON c.invoice_id = i.id AND c.org_id = i.org_id AND c.total_cents > 0
		LEFT JOIN (SELECT charge_id, SUM(amount_cents) AS allocated FROM ledger_allocations WHERE org_id = $1 GROUP BY charge_id) a
			ON a.charge_id = c.id
		WHERE i.org_id = $1 AND i.kind = 'invoice' AND i.due_date <= $2
		AND (i.lease_id IN (SELECT lease_id FROM dd_mandates WHERE org_id = $1)
			OR i.lease_id IN (SELECT id FROM leases WHERE org_id = $1 AND payment_method = 'direct_debit'))
		GROUP BY i.id, i.number, i.lease_id, i.due_date, i.kenmerk, i.sent_at
		HAVING SUM(c.total_cents) - COALESCE(SUM(a.allocated), 0) > 0
		ORDER BY i.lease_id, i.due_date, i.number`, tx.OrgID(), dueUntil)
	if err != nil {
		return nil, fmt.Errorf("directdebit: open invoices: %w", err)
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		var open int64
		if err := rows.Scan(&c.invoiceID, &c.number, &c.leaseID, &c.dueDate, &c.kenmerk, &c.sentAt, &open); err != nil {
			return nil, fmt.Errorf("directdebit: open invoices: %w", err)
		}
		c.open = money.Cents(open)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("directdebit: open invoices: %w", err)
	}
	return out, nil
}

// leaseFacts is what a collection shows of a lease.
type leaseFacts struct {
	reference   string
	directDebit bool
	tenantIDs   []int64
	unitIDs     []int64
}

// leasesOf reads the reference, payment method, tenants (in order) and units
// of leases.
func leasesOf(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]*leaseFacts, error) {
	out := make(map[int64]*leaseFacts, len(ids))
	for rest := ids; len(rest) > 0; {
		chunk := rest[:min(len(rest), 500)]
		rest = rest[len(chunk):]
		args := []any{tx.OrgID()}
		for _, id := range chunk {
			args = append(args, id)
		}
		in := tx.Params(2, len(chunk))
		if err := scanRows(ctx, tx, `SELECT id, reference, payment_method FROM leases WHERE org_id = $1 AND id IN (`+in+`)`, args,
			func(r *sql.Rows) error {
				var id int64
				var f leaseFacts
				var method string
				if err := r.Scan(&id, &f.reference, &method); err != nil {
					return err
				}
				f.directDebit = method == "direct_debit"
				out[id] = &f
				return nil
			}); err != nil {
			return nil, fmt.Errorf("directdebit: leases: %w", err)
		}
		if err := scanRows(ctx, tx, `SELECT lease_id, party_id FROM lease_parties WHERE org_id = $1 AND role = 'tenant'
			AND lease_id IN (`+in+`) ORDER BY lease_id, position, party_id`, args, func(r *sql.Rows) error {
			var lid, pid int64
			if err := r.Scan(&lid, &pid); err != nil {
				return err
			}
			if f := out[lid]; f != nil {
				f.tenantIDs = append(f.tenantIDs, pid)
			}
			return nil
		}); err != nil {
			return nil, fmt.Errorf("directdebit: tenants: %w", err)
		}
		if err := scanRows(ctx, tx, `SELECT lease_id, unit_id FROM lease_units WHERE org_id = $1
			AND lease_id IN (`+in+`) ORDER BY lease_id, unit_id`, args, func(r *sql.Rows) error {
			var lid, uid int64
			if err := r.Scan(&lid, &uid); err != nil {
				return err
			}
			if f := out[lid]; f != nil {
				f.unitIDs = append(f.unitIDs, uid)
			}
			return nil
		}); err != nil {
			return nil, fmt.Errorf("directdebit: units: %w", err)
		}
	}
	return out, nil
}

func scanRows(ctx context.Context, tx *db.Tx, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// invoicesInBatches maps the invoices that have a debit not returned or
// cancelled to that debit's collection date.
func invoicesInBatches(ctx context.Context, tx *db.Tx) (map[int64]civil.Date, error) {
	out := map[int64]civil.Date{}
	err := scanRows(ctx, tx, `SELECT it.invoice_id, b.collection_date FROM dd_items it JOIN dd_batches b ON b.id = it.batch_id
		WHERE it.org_id = $1 AND it.state IN ('collected','paid')`, []any{tx.OrgID()}, func(r *sql.Rows) error {
		var id int64
		var d civil.Date
		if err := r.Scan(&id, &d); err != nil {
			return err
		}
		out[id] = d
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("directdebit: invoices in batches: %w", err)
	}
	return out, nil
}

// --- batches and items ---

const batchColumns = `b.id, b.message_id, b.version, b.account_id, b.creditor_id, b.creditor_name, b.creditor_iban, b.creditor_bic,
	b.collection_date, b.due_until, b.items, b.total_cents, b.prenotices, b.created_at, b.created_by`

func scanBatch(r interface{ Scan(...any) error }) (*Batch, error) {
	b := &Batch{}
	var version, created string
	var total int64
	err := r.Scan(&b.ID, &b.MessageID, &version, &b.AccountID, &b.CreditorID, &b.CreditorName, &b.CreditorIBAN, &b.CreditorBIC,
		&b.CollectionDate, &b.DueUntil, &b.Count, &total, &b.Prenotices, &created, &b.CreatedBy)
	if err != nil {
		return nil, err
	}
	b.Version, b.Total = sepa.DirectDebitVersion(version), money.Cents(total)
	if b.CreatedAt, err = db.ParseTS(created); err != nil {
		return nil, err
	}
	return b, nil
}

func readBatch(ctx context.Context, tx *db.Tx, id int64) (*Batch, error) {
	b, err := scanBatch(tx.QueryRowContext(ctx, `SELECT `+batchColumns+` FROM dd_batches b WHERE b.org_id = $1 AND b.id = $2`,
		tx.OrgID(), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("directdebit: read batch: %w", err)
	}
	return b, nil
}

// listBatches reads batches after afterID in id order, or (newestFirst)
// the newest first; limit 0 is all.
func listBatches(ctx context.Context, tx *db.Tx, afterID int64, limit int, newestFirst bool) ([]Batch, error) {
	q := `SELECT ` + batchColumns + ` FROM dd_batches b WHERE b.org_id = $1 AND b.id > $2 ORDER BY b.id`
	if newestFirst {
		q += ` DESC`
	}
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	var out []Batch
	err := scanRows(ctx, tx, q, []any{tx.OrgID(), afterID}, func(r *sql.Rows) error {
		b, err := scanBatch(r)
		if err != nil {
			return err
		}
		out = append(out, *b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("directdebit: list batches: %w", err)
	}
	return out, nil
}

func insertBatch(ctx context.Context, tx *db.Tx, b *Batch) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO dd_batches (org_id, message_id, version, account_id, creditor_id, creditor_name,
		creditor_iban, creditor_bic, collection_date, due_until, items, total_cents, prenotices, created_at, created_by)
		VALUES ($1, '', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		tx.OrgID(), string(b.Version), b.AccountID, b.CreditorID, b.CreditorName, b.CreditorIBAN, b.CreditorBIC, b.CollectionDate,
		b.DueUntil, b.Count, int64(b.Total), b.Prenotices, db.TS(b.CreatedAt), b.CreatedBy).Scan(&b.ID)
	if err != nil {
		return fmt.Errorf("directdebit: add batch: %w", err)
	}
	b.MessageID = messageID(b)
	if _, err := tx.ExecContext(ctx, `UPDATE dd_batches SET message_id = $3 WHERE org_id = $1 AND id = $2`,
		tx.OrgID(), b.ID, b.MessageID); err != nil {
		return fmt.Errorf("directdebit: name batch: %w", err)
	}
	return nil
}

// storedItem is an item row with its debtor still sealed.
type storedItem struct {
	Item
	originalReference string
	signedOn          civil.Date
	sealed            []byte
}

const itemColumns = `it.id, it.batch_id, b.message_id, b.collection_date, it.invoice_id, i.number, it.lease_id, l.reference,
	it.mandate_id, it.mandate_reference, it.signed_on, it.original_reference, it.sequence, it.amount_cents, it.kenmerk,
	it.end_to_end_id, it.payment_info_id, it.debtor_sealed, it.prenotice, it.state, it.return_reason, it.returned_on, it.paid_on`

const itemFrom = ` FROM dd_items it JOIN dd_batches b ON b.id = it.batch_id AND b.org_id = it.org_id
	JOIN ledger_invoices i ON i.id = it.invoice_id AND i.org_id = it.org_id
	JOIN leases l ON l.id = it.lease_id AND l.org_id = it.org_id`

func scanItem(r interface{ Scan(...any) error }) (*storedItem, error) {
	it := &storedItem{}
	var seq, pre, state string
	var amount int64
	err := r.Scan(&it.ID, &it.BatchID, &it.MessageID, &it.CollectionDate, &it.InvoiceID, &it.InvoiceNumber, &it.LeaseID,
		&it.LeaseReference, &it.MandateID, &it.MandateReference, &it.signedOn, &it.originalReference, &seq, &amount, &it.Kenmerk,
		&it.EndToEndID, &it.PaymentInfoID, &it.sealed, &pre, &state, &it.ReturnReason, &it.ReturnedOn, &it.PaidOn)
	if err != nil {
		return nil, err
	}
	it.Sequence, it.Amount, it.Prenotice, it.State = sepa.Sequence(seq), money.Cents(amount), Prenotice(pre), ItemState(state)
	return it, nil
}

// listItems reads the items where cond holds ($1 the organisation, args
// from $2), in id order.
func listItems(ctx context.Context, tx *db.Tx, cond string, args ...any) ([]*storedItem, error) {
	var out []*storedItem
	err := scanRows(ctx, tx, `SELECT `+itemColumns+itemFrom+` WHERE it.org_id = $1 AND `+cond+` ORDER BY it.id`,
		append([]any{tx.OrgID()}, args...), func(r *sql.Rows) error {
			it, err := scanItem(r)
			if err != nil {
				return err
			}
			out = append(out, it)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("directdebit: list items: %w", err)
	}
	return out, nil
}

func insertItem(ctx context.Context, tx *db.Tx, batchID int64, it *storedItem) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO dd_items (org_id, batch_id, invoice_id, lease_id, mandate_id, mandate_reference,
		signed_on, original_reference, sequence, amount_cents, kenmerk, end_to_end_id, payment_info_id, debtor_sealed, prenotice,
		state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'collected') RETURNING id`,
		tx.OrgID(), batchID, it.InvoiceID, it.LeaseID, it.MandateID, it.MandateReference, it.signedOn, it.originalReference,
		string(it.Sequence), int64(it.Amount), it.Kenmerk, it.EndToEndID, it.PaymentInfoID, it.sealed, string(it.Prenotice),
	).Scan(&it.ID)
	if err != nil && !db.IsUniqueViolation(err) {
		err = fmt.Errorf("directdebit: add item: %w", err)
	}
	return err
}
