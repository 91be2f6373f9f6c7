package billing

import (
	"context"
	"fmt"
	"net/http"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// A rent run booked in error (the wrong scope, the wrong month) can be
// undone while none of its invoices has reached a tenant or been paid: each
// invoice gets a credit note that settles it, and its period is free to be
// charged again. Once an invoice was sent or paid, corrections go one by
// one (a credit note per invoice), because the tenant has seen it.

// UndoPlan is what undoing a run would book, shown before it is booked.
type UndoPlan struct {
	Run      *Run
	Credits  []UndoCredit // one credit note per invoice, in invoice order
	Total    money.Cents  // of the credit notes (negative)
	Blockers []UndoBlocker
}

// UndoCredit is one credit note an undo would post.
type UndoCredit struct {
	InvoiceID     int64
	InvoiceNumber string
	LeaseID       int64
	Reference     string
	Period        string
	Total         money.Cents // of the credit note (negative)
}

// UndoBlocker is an invoice that keeps the run from being undone.
type UndoBlocker struct {
	InvoiceID     int64
	InvoiceNumber string
	Reference     string
	Reason        string // message id: billing.undo.sent, .paid, .credited
}

// CanUndo tells whether the plan may be booked.
func (p *UndoPlan) CanUndo() bool {
	return len(p.Blockers) == 0 && len(p.Credits) > 0 && p.Run.UndoneAt.IsZero()
}

// UndoPlan reads what undoing run id would book, or why it cannot be undone.
func (s *Service) UndoPlan(ctx context.Context, a account.Actor, id int64) (*UndoPlan, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var p *UndoPlan
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		p, err = undoPlan(ctx, tx, id, false)
		return err
	})
	return p, err
}

func undoPlan(ctx context.Context, tx *db.Tx, id int64, lock bool) (*UndoPlan, error) {
	rs, err := runs(ctx, tx, "id = $2", id, 1)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, validation.ErrNotFound
	}
	p := &UndoPlan{Run: &rs[0]}
	// On PostgreSQL the invoices are locked, so the documents job cannot
	// mail one between this check and the credit notes (it takes the same
	// row lock before it decides to send).
	invoices, err := runInvoicesToUndo(ctx, tx, id, lock)
	if err != nil {
		return nil, err
	}
	for _, inv := range invoices {
		c := inv.credit
		c.Total = -money.Cents(inv.total)
		block := func(reason string) {
			p.Blockers = append(p.Blockers,
				UndoBlocker{InvoiceID: c.InvoiceID, InvoiceNumber: c.InvoiceNumber, Reference: c.Reference, Reason: reason})
		}
		switch {
		case inv.sent:
			block("billing.undo.sent")
		case inv.credited:
			block("billing.undo.credited")
		case inv.paid: // by a payment or by credit already on the account
			block("billing.undo.paid")
		default:
			p.Credits = append(p.Credits, c)
			p.Total += c.Total
		}
	}
	return p, nil
}

// UndoRun books the plan: a credit note for every invoice of run id, which
// voids its charges so the period can be charged again. expect is the
// number of credit notes and their total the person saw; if anything
// changed since, nothing is booked. The run must be finished.
func (s *Service) UndoRun(ctx context.Context, a account.Actor, id int64, expect Expectation) (*UndoPlan, error) {
	if !a.Can(account.PermFinanceWrite) {
		return nil, validation.ErrForbidden
	}
	var p *UndoPlan
	undo := func(tx *db.Tx) error {
		var err error
		if p, err = undoPlan(ctx, tx, id, true); err != nil {
			return err
		}
		switch {
		case !p.Run.UndoneAt.IsZero():
			return conflict("billing.undo.already")
		case p.Run.State == "queued" || p.Run.State == "running":
			return conflict("billing.undo.running")
		case len(p.Blockers) > 0:
			return conflict("billing.undo.blocked")
		case len(p.Credits) == 0:
			return conflict("billing.undo.nothing")
		case len(p.Credits) != expect.Invoices || p.Total != expect.Total:
			return conflict("billing.run.changed")
		}
		today, now := s.today(), s.now()
		reason := fmt.Sprintf("Rent run %d (%s) undone", p.Run.ID, p.Run.Period)
		for _, c := range p.Credits {
			if _, err := s.ledger.CreditTx(ctx, tx, ledger.CreditInput{InvoiceID: c.InvoiceID, Reason: reason, Date: today, Void: true, RunID: id},
				now, a.UserID); err != nil {
				return fmt.Errorf("billing: undo run %d, invoice %s: %w", id, c.InvoiceNumber, err)
			}
		}
		if err := markRunUndone(ctx, tx, id, now, a.UserID, len(p.Credits)); err != nil {
			return err
		}
		return s.ledger.Record(ctx, tx, a, "billing.run_undone", "run", id, map[string]string{
			"credit_notes": fmt.Sprint(len(p.Credits)), "total_cents": fmt.Sprint(int64(p.Total))})
	}
	// The undo locks every invoice of the run while the documents and mail
	// jobs may be writing some of them: PostgreSQL can end it to break a
	// deadlock. It was rolled back whole, and it checks the plan again.
	err := s.db.InOrg(ctx, a.OrgID, undo)
	for attempt := 1; attempt < 3 && db.IsDeadlock(err); attempt++ {
		err = s.db.InOrg(ctx, a.OrgID, undo)
	}
	if err != nil {
		return nil, err
	}
	return s.UndoPlan(ctx, a, id)
}

// conflict is a refusal because of the state things are in (409): the
// books changed since they were shown, or the run cannot be undone.
func conflict(code string) error { return &validation.Problem{Status: http.StatusConflict, Code: code} }
