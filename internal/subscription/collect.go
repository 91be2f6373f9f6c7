package subscription

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/sepa"
)

// ErrNoCreditorAccount: HMS's own account to collect to is not configured
// (HMS_CREDITOR_IBAN).
var ErrNoCreditorAccount = &validation.Problem{Status: 503, Code: "subscription.no_creditor_account"}

// ErrScopeChanged: the invoices to collect are no longer those shown.
var ErrScopeChanged = &validation.Problem{Status: 409, Code: "subscription.collect_scope_changed"}

// CollectionLeadDays are the business days a collection needs at the bank
// (the SEPA Core D-1).
const CollectionLeadDays = 1

// CollectScope is what a collection made now would hold.
type CollectScope struct {
	Date     civil.Date // the collection date of the file
	Invoices int
	Total    money.Cents
}

// Batch is one of HMS's own pain.008 batches.
type Batch struct {
	ID        int64
	MessageID string
	CollectOn civil.Date
	Items     int
	Total     money.Cents
	CreatedAt time.Time
}

// collectDate is the earliest date a file made now can collect on.
func (s *Service) collectDate() civil.Date {
	return sepa.EarliestCollectionDate(s.Today(), CollectionLeadDays)
}

// CollectScope counts the open, uncollected invoices whose collection date
// (the pre-notified one) falls on or before the earliest date a file made
// now can collect on.
func (s *Service) CollectScope(ctx context.Context) (CollectScope, error) {
	sc := CollectScope{Date: s.collectDate()}
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		list, err := dueInvoicesTx(ctx, tx, sc.Date)
		if err != nil {
			return err
		}
		for _, d := range list {
			sc.Invoices++
			if sc.Total, err = money.Add(sc.Total, d.Total); err != nil {
				return err
			}
		}
		return nil
	})
	return sc, err
}

// Collect writes one pain.008.001.02 file of every invoice CollectScope
// counts (FRST under a mandate not collected before, RCUR after), records the
// batch, its items and the file (sealed), and marks the invoices collected.
// expect, when not negative, is the number of invoices the caller showed:
// another number refuses (ErrScopeChanged) and changes nothing. Nothing
// due: validation.ErrNotFound.
func (s *Service) Collect(ctx context.Context, staffID int64, expect int) (*Batch, []byte, error) {
	cred, ok := s.Creditor()
	if !ok {
		return nil, nil, ErrNoCreditor
	}
	if s.seller.IBAN == "" {
		return nil, nil, ErrNoCreditorAccount
	}
	now := s.clk.Now()
	date := s.collectDate()
	var b Batch
	var file []byte
	err := s.db.System(ctx, func(tx *db.Tx) error {
		due, err := dueInvoicesTx(ctx, tx, date)
		if err != nil {
			return err
		}
		if expect >= 0 && len(due) != expect {
			return ErrScopeChanged
		}
		if len(due) == 0 {
			return validation.ErrNotFound
		}
		b = Batch{MessageID: fmt.Sprintf("HMS-SUB-%s-%d", now.UTC().Format("20060102150405"), len(due)), CollectOn: date,
			CreatedAt: now}
		c := sepa.Collection{Version: sepa.Pain008V02, MessageID: b.MessageID, CreatedAt: now, CollectionDate: date,
			Creditor: sepa.Creditor{Name: cred.Name, IBAN: s.seller.IBAN, BIC: s.seller.BIC, CreditorID: cred.ID}}
		// One sequence type per mandate: FRST while no batch collected under
		// it, for every invoice of the mandate in this file; else RCUR.
		seqs := make([]sepa.Sequence, len(due))
		seqOf := map[string]sepa.Sequence{}
		for i, d := range due {
			sub, err := s.open(ctx, tx, d.OrgID)
			if err != nil {
				return err
			}
			if _, ok := seqOf[d.Mandate]; !ok {
				collected, err := mandateCollectedTx(ctx, tx, d.Mandate)
				if err != nil {
					return err
				}
				seqOf[d.Mandate] = sepa.Recurrent
				if !collected {
					seqOf[d.Mandate] = sepa.First
				}
			}
			seqs[i] = seqOf[d.Mandate]
			name := sub.Details.Name
			if sub.Details.AccountName != "" {
				name = sub.Details.AccountName
			}
			c.Debits = append(c.Debits, sepa.Debit{EndToEndID: d.Number, Amount: d.Total, Sequence: seqs[i],
				Mandate:    sepa.Mandate{ID: d.Mandate, SignedOn: civil.Today(sub.Mandate.SignedAt)},
				Debtor:     sepa.Party{Name: name, IBAN: sub.IBAN, BIC: sub.BIC},
				Remittance: "HMS " + d.Number})
			b.Items++
			if b.Total, err = money.Add(b.Total, d.Total); err != nil {
				return err
			}
		}
		f, err := sepa.DirectDebit(c)
		if err != nil {
			return err
		}
		file = f.Bytes()
		subject, err := s.vault.NewSubject(ctx, tx, "subscription_batch")
		if err != nil {
			return err
		}
		sealed, err := s.vault.Seal(ctx, tx, subject, "subscription_batches.file_sealed", file)
		if err != nil {
			return err
		}
		if b.ID, err = insertBatchTx(ctx, tx, b, subject, sealed, staffID); err != nil {
			return err
		}
		for i, d := range due {
			if err := insertBatchItemTx(ctx, tx, b.ID, d.ID, seqs[i], d.Total); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, staffID, "staff", "subscription.collected", "subscription_batch", b.ID,
			map[string]string{"items": strconv.Itoa(b.Items), "total": b.Total.String(), "date": date.String()})
	})
	if err != nil {
		return nil, nil, err
	}
	return &b, file, nil
}

// Batches lists HMS's own batches, newest first (console).
func (s *Service) Batches(ctx context.Context) ([]Batch, error) {
	var out []Batch
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		out, err = batchesTx(ctx, tx)
		return err
	})
	return out, err
}

// BatchFile is a batch's pain.008 file again, as it was made.
func (s *Service) BatchFile(ctx context.Context, id int64) ([]byte, error) {
	var file []byte
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		subject, sealed, err := batchFileTx(ctx, tx, id)
		if err != nil {
			return err
		}
		file, err = s.vault.Open(ctx, tx, subject, "subscription_batches.file_sealed", sealed)
		return err
	})
	return file, err
}
