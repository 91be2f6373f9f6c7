package settlement

import (
	"context"
	"fmt"
	"strings"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/payout"
	"hms/internal/platform/db"
)

// Booking a statement's balance (once per occupancy; the statement row
// remembers the ledger invoice, so sending again books nothing):
//   - balance > 0: an invoice with the line "settlement|<year>|<complex>"
//     (one per VAT rate on a commercial statement), due after the
//     settings' due days;
//   - balance < 0: a credit note with the negative line(s), correcting no
//     single invoice. With refund "set_off" its credit is set off against
//     open charges at once (ledger AllocateCreditTx) and what is left is paid
//     back when the lease has ended; with "pay_back" all of it becomes a
//     payout of kind settlement (package payout).
//
// A payout is backed in the ledger by a debit "payout|settlement|<year>"
// that the credit-note line settles at once (ledger.PayoutTx): the account's
// balance is 0 for the refund and AllocateCredit finds no credit to set off
// a second time. The payout package approves it (four eyes), pays it in a
// pain.001 file and marks it paid; cancelling it credits the debit again.
//
// The ledger invoice has no period (""): it is no rent period, and the rent
// run's "posted through" reads only month and quarter periods.

// SettlementLine is the ledger line of a settlement balance.
func SettlementLine(year int, complexID int64) string {
	return fmt.Sprintf("settlement|%d|%d", year, complexID)
}

// LevyLine is the ledger line of a levy share.
func LevyLine(year int, name string) string { return fmt.Sprintf("levy|%d|%s", year, name) }

type booked struct {
	invoiceID int64
	number    string
	kenmerk   string
	amount    money.Cents
	setOff    money.Cents
	payout    money.Cents
	refund    string
}

// book posts s's balance in tx (the caller knows it is not booked yet) and
// records it on statement row id.
func (st *Statements) book(ctx context.Context, tx *db.Tx, s *Statement, id int64, a account.Actor, leaseEnded bool) (booked, error) {
	b := booked{}
	by := a.UserID
	// First, so that a refund's set-off below cannot close the advance
	// charges that this credit note is for.
	if s.AdvancesBasis == AdvancesReceived && s.AdvancesOpen > 0 {
		if err := st.creditOpenAdvances(ctx, tx, s, by); err != nil {
			return b, err
		}
	}
	var lines []ledger.DraftLine
	for _, bl := range s.BalanceLines {
		if bl.Net == 0 {
			continue
		}
		lines = append(lines,
			ledger.DraftLine{Line: SettlementLine(s.Year, s.ComplexID), From: s.Start, To: s.End, Net: bl.Net, VATRate: bl.Rate})
	}
	var total money.Cents
	for _, l := range lines {
		total += l.Net + l.VAT()
	}
	if len(lines) > 0 && total != 0 {
		d := ledger.Draft{LeaseID: s.LeaseID, IssueDate: s.IssueDate, DueDate: s.DueDate, Lines: lines}
		if total < 0 {
			d.Kind = ledger.KindCreditNote
			d.Reason = fmt.Sprintf("servicekosten %d", s.Year)
			d.DueDate = s.IssueDate
		}
		posted, err := ledger.PostTx(ctx, tx, []ledger.Draft{d}, st.s.now(), by)
		if err != nil {
			return b, fmt.Errorf("book statement of lease %d: %w", s.LeaseID, err)
		}
		b.invoiceID, b.number, b.kenmerk, b.amount = posted[0].InvoiceID, posted[0].Number, posted[0].Kenmerk, posted[0].Total
	}
	if b.amount < 0 {
		b.refund = s.Refund
		left := -b.amount
		if s.Refund == RefundSetOff {
			applied, err := st.s.ledger.AllocateCreditTx(ctx, tx, s.LeaseID)
			if err != nil {
				return b, err
			}
			b.setOff = min(applied, left)
			left -= b.setOff
			if !leaseEnded {
				left = 0 // stays as credit for the next charges
			}
		}
		if left > 0 {
			b.payout = left
			// The debit that uses the credit up, so it is not set off again
			// while the payout waits for the bank.
			debit, err := ledger.PayoutTx(ctx, tx, s.LeaseID, b.invoiceID, left, ledger.PayoutLine("settlement", fmt.Sprint(s.Year)), s.IssueDate,
				st.s.now(), by)
			if err != nil {
				return b, err
			}
			if _, err := st.s.payouts.CreateTx(ctx, tx, a, payout.NewPayout{Kind: payout.KindSettlement, LeaseID: s.LeaseID, Amount: left,
				DueDate: s.IssueDate.AddDays(st.refundDays(s)), StatementID: id, LedgerInvoiceID: debit.InvoiceID}); err != nil {
				return b, fmt.Errorf("settlement payout of lease %d: %w", s.LeaseID, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE settlement_statements SET invoice_id = $1, booked_cents = $2, booked_at = $3, refund = $4,
		set_off_cents = $5 WHERE id = $6 AND org_id = $7 AND booked_at IS NULL`, b.invoiceID, int64(b.amount), st.s.now(), b.refund,
		int64(b.setOff), id, tx.OrgID()); err != nil {
		return b, fmt.Errorf("mark statement %d booked: %w", id, err)
	}
	return b, nil
}

// creditOpenAdvances takes the advance that a statement settled against
// the advances received out of the arrears: the statement's balance already
// holds the advance still open, so a credit note for it (one line per open
// advance charge of the tenant's days, the same line and dates) is set off
// against those charges at once. What the tenant paid on them after the run
// was made is credited too (a line for the settlement), and AllocateCredit
// sets it off like any credit: the advance is owed once.
func (st *Statements) creditOpenAdvances(ctx context.Context, tx *db.Tx, s *Statement, by int64) error {
	open, err := st.s.ledger.OpenItemsTx(ctx, tx, ledger.OpenFilter{LeaseID: s.LeaseID})
	if err != nil {
		return err
	}
	left := s.AdvancesOpen
	var lines []ledger.DraftLine
	var ids []int64
	for _, c := range open {
		if left == 0 {
			break
		}
		if !strings.HasPrefix(c.Line, "service_costs|") || c.Total <= 0 || c.VATRate != 0 || c.To.Before(s.Start) || c.From.After(s.End) {
			continue
		}
		v := min(left, c.Open())
		lines = append(lines, ledger.DraftLine{Line: c.Line, From: c.From, To: c.To, Net: -v})
		ids = append(ids, c.ID)
		left -= v
	}
	if left > 0 {
		line := ledger.Line("service_costs", "", fmt.Sprintf("afrekening %d", s.Year))
		lines = append(lines, ledger.DraftLine{Line: line, From: s.Start, To: s.End, Net: -left})
	}
	posted, err := ledger.PostTx(ctx, tx, []ledger.Draft{{Kind: ledger.KindCreditNote, LeaseID: s.LeaseID, IssueDate: s.IssueDate,
		DueDate: s.IssueDate, Reason: fmt.Sprintf("voorschot servicekosten %d in de afrekening", s.Year), Lines: lines}}, st.s.now(), by)
	if err != nil {
		return fmt.Errorf("credit the open advances of lease %d: %w", s.LeaseID, err)
	}
	if _, err := ledger.SetOffTx(ctx, tx, s.LeaseID, posted[0].InvoiceID, ids, s.IssueDate, st.s.now()); err != nil {
		return err
	}
	return nil
}

// refundDays: a refund is paid within the due days too (DOMAIN.md §7.9: a
// parameter, no statutory term).
func (st *Statements) refundDays(s *Statement) int { return s.IssueDate.DaysUntil(s.DueDate) }
