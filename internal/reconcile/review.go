package reconcile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/privacy/guard"
)

// LineFilter narrows the lines list.
type LineFilter struct {
	State     State // "": every state
	AccountID int64
}

// LineSorts are the sort keys of Lines.
var LineSorts = []string{"date", "amount"}

// Lines lists statement lines, newest first, with their counterparty and
// texts (read from the seal); search matches those.
func (s *Service) Lines(ctx context.Context, a account.Actor, f LineFilter, q listing.Query) (listing.Page[Line], error) {
	if !a.Can(account.PermFinanceRead) {
		return listing.Page[Line]{}, validation.ErrForbidden
	}
	if f.State != "" && !slices.Contains(States, f.State) {
		return listing.Page[Line]{}, validation.Errors{"state": "field.invalid"}
	}
	if q.Sort == "" {
		q.Sort, q.Desc = "date", true
	}
	q = q.Normalize(LineSorts...)
	var page listing.Page[Line]
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		cond, args := "b.org_id = $1", []any{tx.OrgID()}
		if f.State != "" {
			args = append(args, string(f.State))
			cond += fmt.Sprintf(" AND b.state = $%d", len(args))
		}
		if f.AccountID != 0 {
			args = append(args, f.AccountID)
			cond += fmt.Sprintf(" AND b.account_id = $%d", len(args))
		}
		order := "b.booking_date " + q.Direction() + ", b.id " + q.Direction()
		if q.Sort == "amount" {
			order = "b.amount_cents " + q.Direction() + ", b.id"
		}
		type sealedLine struct {
			l      Line
			sealed []byte
		}
		var all []sealedLine
		rows, err := tx.QueryContext(ctx, `SELECT `+lineColumns+lineFrom+` WHERE `+cond+` ORDER BY `+order, args...)
		if err != nil {
			return fmt.Errorf("reconcile: list lines: %w", err)
		}
		for rows.Next() {
			l, sealed, _, err := scanLine(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("reconcile: list lines: %w", err)
			}
			all = append(all, sealedLine{l, sealed})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("reconcile: list lines: %w", err)
		}
		// The texts are sealed, so a search opens every line; without one only
		// the page's lines are opened.
		needle := strings.ToLower(q.Search)
		for _, sl := range all {
			l := sl.l
			inPage := page.Total >= q.Offset && len(page.Items) < limitOf(q)
			if needle != "" || inPage {
				if l.Details, err = s.open(ctx, tx, sl.sealed); err != nil {
					return err
				}
			}
			if needle != "" && !l.matches(needle) {
				continue
			}
			if inPage {
				page.Items = append(page.Items, l)
			}
			page.Total++
		}
		return nil
	})
	return page, err
}

func limitOf(q listing.Query) int {
	if q.All {
		return 100_000
	}
	return q.Limit
}

func (l Line) matches(needle string) bool {
	for _, v := range []string{l.Details.Name, l.Details.IBAN, l.Details.Remittance, l.EndToEndID, l.CreditorRef, l.LeaseRef,
		l.MandateRef, money.Format(l.Amount, "nl")} {
		if strings.Contains(strings.ToLower(v), needle) {
			return true
		}
	}
	return false
}

func (s *Service) open(ctx context.Context, tx *db.Tx, sealed []byte) (Details, error) {
	var d Details
	if len(sealed) == 0 {
		return d, nil
	}
	b, err := s.vault.OpenOrg(ctx, tx, fieldDetails, sealed)
	if err != nil {
		return d, fmt.Errorf("reconcile: open line: %w", err)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return d, fmt.Errorf("reconcile: open line: %w", err)
	}
	return d, nil
}

// LineDetail is one line with, for a line in review, ranked suggestions.
func (s *Service) LineDetail(ctx context.Context, a account.Actor, id int64) (Line, error) {
	if !a.Can(account.PermFinanceRead) {
		return Line{}, validation.ErrForbidden
	}
	var l Line
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var sealed []byte
		var token string
		var err error
		if l, sealed, token, err = readLine(ctx, tx, id); err != nil {
			return err
		}
		if l.Details, err = s.open(ctx, tx, sealed); err != nil {
			return err
		}
		if l.State == Review && l.Amount > 0 {
			l.Suggestions, err = s.suggest(ctx, tx, l, token)
		}
		return err
	})
	return l, err
}

// suggest ranks open invoices a line in review may pay: those whose number
// is in the text, those of a payer HMS learned, and those open for exactly
// the amount.
func (s *Service) suggest(ctx context.Context, tx *db.Tx, l Line, token string) ([]Suggestion, error) {
	byInvoice := map[int64]*Suggestion{}
	add := func(inv ledger.OpenInvoice, why string, score int) {
		if sg, ok := byInvoice[inv.ID]; ok {
			sg.Score += score
			return
		}
		sc := score
		if inv.Open == l.Amount {
			sc += 30
		}
		byInvoice[inv.ID] = &Suggestion{LeaseID: inv.LeaseID, InvoiceID: inv.ID, InvoiceNumber: inv.Number, Open: inv.Open, Why: why, Score: sc}
	}
	numbers, err := ledger.InvoiceNumbersTx(ctx, tx, numberInText.FindAllString(l.Details.Remittance, 5))
	if err != nil {
		return nil, err
	}
	for _, id := range numbers {
		inv, err := s.ledger.InvoiceTx(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		add(ledger.OpenInvoice{ID: inv.ID, Number: inv.Number, LeaseID: inv.LeaseID, Open: inv.Open}, "bank.suggest.invoice_number", 60)
	}
	if token != "" {
		leases, err := payerLeases(ctx, tx, token)
		if err != nil {
			return nil, err
		}
		for _, leaseID := range leases {
			open, err := s.ledger.OpenItemsTx(ctx, tx, ledger.OpenFilter{LeaseID: leaseID})
			if err != nil {
				return nil, err
			}
			numbersOf := map[int64]string{}
			for _, c := range open {
				numbersOf[c.InvoiceID] = c.InvoiceNumber
			}
			for invoiceID, amount := range openByInvoice(open) {
				add(ledger.OpenInvoice{ID: invoiceID, Number: numbersOf[invoiceID], LeaseID: leaseID, Open: amount}, "bank.suggest.payer", 40)
			}
		}
	}
	same, err := ledger.OpenInvoicesWithAmountTx(ctx, tx, l.Amount, 5)
	if err != nil {
		return nil, err
	}
	for _, inv := range same {
		add(inv, "bank.suggest.amount", 0)
	}
	out := make([]Suggestion, 0, len(byInvoice))
	for _, sg := range byInvoice {
		if sg.Open <= 0 {
			continue
		}
		if sg.LeaseRef, err = leaseRef(ctx, tx, sg.LeaseID); err != nil {
			return nil, err
		}
		out = append(out, *sg)
	}
	slices.SortFunc(out, func(x, y Suggestion) int {
		if x.Score != y.Score {
			return y.Score - x.Score
		}
		return int(x.InvoiceID - y.InvoiceID)
	})
	return out[:min(len(out), 8)], nil
}

func leaseRef(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var ref string
	err := tx.QueryRowContext(ctx, `SELECT reference FROM leases WHERE org_id = $1 AND id = $2`, tx.OrgID(), id).Scan(&ref)
	if err != nil {
		return "", fmt.Errorf("reconcile: lease reference: %w", err)
	}
	return ref, nil
}

// MatchInput is a person's match of a line in review: a lease, and how much
// goes to which of its invoices (empty: oldest open first). What is not
// given to an invoice is credit on the lease's account.
type MatchInput struct {
	LeaseID  int64
	Invoices map[int64]money.Cents
}

// Match books a line in review as a payment as the person said, and
// remembers the payer's IBAN for the lease so the next payment is matched
// by itself.
func (s *Service) Match(ctx context.Context, a account.Actor, id int64, in MatchInput) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		l, _, token, err := readLine(ctx, tx, id)
		if err != nil {
			return err
		}
		if l.State != Review || l.Amount <= 0 {
			return validation.Errors{"line": "bank.line.not_in_review"}
		}
		if l.BookingDate.After(s.today()) {
			return validation.Errors{"line": "bank.line.dated_after_today"}
		}
		if in.LeaseID == 0 {
			return validation.Errors{"lease_id": "field.required"}
		}
		open, err := s.ledger.OpenItemsTx(ctx, tx, ledger.OpenFilter{LeaseID: in.LeaseID})
		if errors.Is(err, validation.ErrNotFound) {
			return validation.Errors{"lease_id": "ledger.lease.unknown"}
		}
		if err != nil {
			return err
		}
		alloc, err := allocate(open, in.Invoices, l.Amount)
		if err != nil {
			return err
		}
		pid, err := s.ledger.RecordPaymentTx(ctx, tx, a, ledger.PaymentInput{LeaseID: in.LeaseID, Date: l.BookingDate, Amount: l.Amount,
			Method: ledger.Transfer, Reference: "bank", Allocations: alloc})
		if err != nil {
			return err
		}
		if token != "" {
			if err := learnPayer(ctx, tx, token, in.LeaseID, s.now()); err != nil {
				return err
			}
		}
		if err := decideLine(ctx, tx, id, outcome{state: Matched, rule: RuleManual, leaseID: in.LeaseID, paymentID: pid},
			s.now(), a.UserID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "bank.line_matched", "lease", in.LeaseID, map[string]string{"line_id": fmt.Sprint(id),
			"payment_id": fmt.Sprint(pid)})
	})
}

// allocate spreads what a person gave each invoice over its open charges;
// no invoice may get more than is open on it, all together no more than
// the line.
func allocate(open []ledger.Charge, invoices map[int64]money.Cents, amount money.Cents) (map[int64]money.Cents, error) {
	alloc := map[int64]money.Cents{}
	openOf := openByInvoice(open)
	var sum money.Cents
	for invoiceID, v := range invoices {
		if v == 0 {
			continue
		}
		if v < 0 || v > openOf[invoiceID] {
			return nil, validation.Errors{"invoices": "bank.match.too_much"}
		}
		sum += v
		left := v
		for _, c := range open {
			if c.InvoiceID != invoiceID || left == 0 {
				continue
			}
			x := min(left, c.Open())
			alloc[c.ID] = x
			left -= x
		}
	}
	if sum > amount {
		return nil, validation.Errors{"invoices": "bank.match.exceeds_line"}
	}
	return alloc, nil
}

// Ignore takes a line out of the review queue: it is none of the books'
// business (a transfer between own accounts, a deposit held elsewhere).
func (s *Service) Ignore(ctx context.Context, a account.Actor, id int64, note string) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	note = strings.TrimSpace(note)
	if note == "" || utf8.RuneCountInString(note) > 200 {
		return validation.Errors{"note": "bank.line.note_required"}
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		l, _, _, err := readLine(ctx, tx, id)
		if err != nil {
			return err
		}
		if l.State != Review && l.State != NotOurs {
			return validation.Errors{"line": "bank.line.not_in_review"}
		}
		if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "note", Value: note}); err != nil {
			return err
		}
		if err := decideLine(ctx, tx, id, outcome{state: Ignored, note: note}, s.now(), a.UserID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "bank.line_ignored", "bank_line", id, nil)
	})
}
