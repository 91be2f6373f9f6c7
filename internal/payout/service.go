package payout

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
	"hms/internal/privacy/guard"
	"hms/internal/relation"
)

// Deps are what the service needs.
type Deps struct {
	DB        *db.DB
	Audit     *audit.Log
	Vault     *vault.Vault
	Clock     clock.Clock
	Leases    *lease.Service
	Ledger    *ledger.Service
	Relations *relation.Service
}

// Service is the face of the payout capability.
type Service struct {
	db        *db.DB
	audit     *audit.Log
	vault     *vault.Vault
	clk       clock.Clock
	leases    *lease.Service
	ledger    *ledger.Service
	relations *relation.Service
}

// New builds the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	return &Service{db: d.DB, audit: d.Audit, vault: d.Vault, clk: d.Clock, leases: d.Leases, ledger: d.Ledger, relations: d.Relations}
}

const maxNote = 140

func (s *Service) today() civil.Date { return civil.Today(s.clk.Now()) }
func (s *Service) now() string       { return db.TS(s.clk.Now()) }

func (s *Service) record(ctx context.Context, tx *db.Tx, a account.Actor, action, targetType string, id int64,
	details map[string]string) error {
	kind := a.Kind
	if kind == "" {
		kind = audit.ActorUser
	}
	return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: kind, Action: action,
		TargetType: targetType, TargetID: fmt.Sprint(id), Details: details})
}

// --- settings ---

// Settings reads the organisation's payout settings.
func (s *Service) Settings(ctx context.Context, a account.Actor) (Settings, error) {
	if !a.Can(account.PermFinanceRead) {
		return Settings{}, validation.ErrForbidden
	}
	var st Settings
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		st, err = loadSettings(ctx, tx)
		return err
	})
	return st, err
}

// SaveSettings changes the payout settings. Four eyes is a control over the
// people who keep the books, so only who manages the organisation's members
// (the owner) may turn it on or off. Turning it off leaves open payouts
// open: someone approves them.
func (s *Service) SaveSettings(ctx context.Context, a account.Actor, st Settings) error {
	if !a.Can(account.PermMembersManage) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := saveSettings(ctx, tx, st, s.now(), a.UserID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "payout.settings_saved", "organisation", a.OrgID, map[string]string{"four_eyes": fmt.Sprint(st.FourEyes)})
	})
}

// --- creating ---

// NewPayout is a payout another capability creates in its transaction.
type NewPayout struct {
	Kind    Kind
	LeaseID int64
	PayeeID int64 // 0: the lease's first tenant
	Amount  money.Cents
	DueDate civil.Date
	// Sources (see Payout).
	StatementID     int64
	LevyID          int64
	PaymentID       int64
	LedgerInvoiceID int64
	Note            string
	// PaidOn records the payout as paid at once (a deposit settled with
	// nothing left to pay back: the settlement is recorded all the same).
	PaidOn civil.Date
}

// CreateTx creates a payout in the caller's transaction: open when the
// organisation asks for four eyes, approved by its creator otherwise. The
// caller has checked the actor's permission and posted what the ledger
// needs (the payout debit of a credit). A second deposit payout of a lease
// that is not cancelled is refused (a problem "payout.deposit.exists").
func (s *Service) CreateTx(ctx context.Context, tx *db.Tx, a account.Actor, in NewPayout) (Payout, error) {
	if !slices.Contains(Kinds, in.Kind) {
		return Payout{}, fmt.Errorf("payout: kind %q", in.Kind)
	}
	if in.Amount < 0 || (in.Amount == 0 && in.PaidOn.IsZero()) {
		return Payout{}, fmt.Errorf("payout: amount %d cents", int64(in.Amount))
	}
	if in.PayeeID == 0 {
		l, err := s.leases.GetTx(ctx, tx, in.LeaseID)
		if err != nil {
			return Payout{}, err
		}
		if ts := l.TenantIDs(); len(ts) > 0 {
			in.PayeeID = ts[0]
		}
	}
	st, err := loadSettings(ctx, tx)
	if err != nil {
		return Payout{}, err
	}
	r := row{kind: in.Kind, leaseID: in.LeaseID, payeeID: in.PayeeID, amount: in.Amount, due: in.DueDate, state: StateApproved,
		statementID: in.StatementID, levyID: in.LevyID, paymentID: in.PaymentID, invoiceID: in.LedgerInvoiceID, by: a.UserID, note: in.Note,
		approved: true, approvedBy: a.UserID, now: s.now()}
	switch {
	case !in.PaidOn.IsZero():
		r.state, r.paidOn = StatePaid, in.PaidOn
	case st.FourEyes:
		r.state, r.approved, r.approvedBy = StateOpen, false, 0
	}
	id, err := insertPayout(ctx, tx, r)
	if err != nil {
		return Payout{}, err
	}
	if err := s.record(ctx, tx, a, "payout.created", "payout", id, map[string]string{"kind": string(in.Kind),
		"lease_id":     fmt.Sprint(in.LeaseID),
		"amount_cents": fmt.Sprint(int64(in.Amount)), "state": string(r.state)}); err != nil {
		return Payout{}, err
	}
	return payoutByID(ctx, tx, id)
}

// Credit is the lease's unallocated credit: what an overpayment can pay back.
func (s *Service) Credit(ctx context.Context, a account.Actor, leaseID int64) (money.Cents, error) {
	if !a.Can(account.PermFinanceRead) {
		return 0, validation.ErrForbidden
	}
	var c money.Cents
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		c, err = ledger.UnallocatedCreditTx(ctx, tx, leaseID)
		return err
	})
	return c, err
}

// ProposeOverpayment proposes to pay back a lease's unallocated credit
// (all of it when in.Amount is 0), to the lease's first tenant, due today.
// The payout debit takes the credit at once, so it cannot also be set off
// against rent; cancelling the payout gives it back.
func (s *Service) ProposeOverpayment(ctx context.Context, a account.Actor, in OverpaymentInput) (Payout, error) {
	if !a.Can(account.PermFinanceWrite) {
		return Payout{}, validation.ErrForbidden
	}
	fe := validation.Errors{}
	in.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > maxNote {
		fe.Add("note", "payout.note.too_long")
	} else {
		fe.CheckText("note", in.Note, false)
	}
	if in.Amount < 0 {
		fe.Add("amount_cents", "payout.amount.positive")
	} else if !in.Amount.InBounds() {
		fe.Add("amount_cents", money.TooLarge)
	}
	in.LeaseReference = strings.TrimSpace(in.LeaseReference)
	if in.LeaseID == 0 && in.LeaseReference == "" {
		fe.Add("lease", "field.required")
	}
	var p Payout
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if in.LeaseID == 0 && in.LeaseReference != "" {
			id, err := leaseByReference(ctx, tx, in.LeaseReference)
			if errors.Is(err, validation.ErrNotFound) {
				fe.Add("lease", "payout.lease.unknown")
			} else if err != nil {
				return err
			}
			in.LeaseID = id
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "note", Value: in.Note}); err != nil {
			return err
		}
		l, err := s.leases.GetTx(ctx, tx, in.LeaseID)
		if err != nil {
			return err
		}
		credit, err := ledger.UnallocatedCreditTx(ctx, tx, in.LeaseID)
		if err != nil {
			return err
		}
		if credit <= 0 {
			return ErrNoCredit
		}
		if in.Amount == 0 {
			in.Amount = credit
		} else if in.Amount > credit {
			return validation.Errors{"amount_cents": "payout.amount.exceeds_credit"}
		}
		if len(l.TenantIDs()) == 0 {
			return validation.Errors{"lease": "payout.lease.no_tenant"}
		}
		today := s.today()
		debit, payment, err := ledger.PayoutOfCreditTx(ctx, tx, in.LeaseID, in.Amount, ledger.PayoutLine(string(KindOverpayment), today.String()),
			today, s.now(), a.UserID)
		if err != nil {
			return err
		}
		p, err = s.CreateTx(ctx, tx, a, NewPayout{Kind: KindOverpayment, LeaseID: in.LeaseID, Amount: in.Amount, DueDate: today,
			PaymentID: payment, LedgerInvoiceID: debit.InvoiceID, Note: in.Note})
		return err
	})
	return p, err
}

// --- reading ---

// names fills the payees' names as a list shows them (not logged per row,
// like relation.Names); a payee whose record is gone keeps an empty name.
func (s *Service) names(ctx context.Context, tx *db.Tx, ps []Payout) error {
	cache := map[int64]string{}
	for i := range ps {
		id := ps[i].PayeeID
		if id == 0 {
			continue
		}
		name, ok := cache[id]
		if !ok {
			m, err := s.relations.DisplayNames(ctx, tx, id)
			if err != nil && !errors.Is(err, validation.ErrNotFound) {
				return err
			}
			name = m[id]
			cache[id] = name
		}
		ps[i].PayeeName = name
	}
	return nil
}

// List is a page of payouts in the query's order (Sorts; the default is
// the due date), searched by lease reference, with the payees' names.
func (s *Service) List(ctx context.Context, a account.Actor, q listing.Query, f Filter) (listing.Page[Payout], error) {
	if !a.Can(account.PermFinanceRead) {
		return listing.Page[Payout]{}, validation.ErrForbidden
	}
	if err := checkFilter(f); err != nil {
		return listing.Page[Payout]{}, err
	}
	q = q.Normalize(Sorts...)
	var page listing.Page[Payout]
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if page.Items, page.Total, err = listPayouts(ctx, tx, q, f); err != nil {
			return err
		}
		return s.names(ctx, tx, page.Items)
	})
	return page, err
}

// ListAfter reads up to limit payouts with an id above after, in id order
// (the API's pages), with the payees' names.
func (s *Service) ListAfter(ctx context.Context, a account.Actor, f Filter, after int64, limit int) ([]Payout, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	if err := checkFilter(f); err != nil {
		return nil, err
	}
	var out []Payout
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if out, err = payoutsAfter(ctx, tx, f, after, limit); err != nil {
			return err
		}
		return s.names(ctx, tx, out)
	})
	return out, err
}

func checkFilter(f Filter) error {
	fe := validation.Errors{}
	for _, st := range f.States {
		if !slices.Contains(States, st) {
			fe.Add("state", "field.invalid")
		}
	}
	if f.Kind != "" && !slices.Contains(Kinds, f.Kind) {
		fe.Add("kind", "field.invalid")
	}
	return fe.Err()
}

// Get reads one payout with its payee's name.
func (s *Service) Get(ctx context.Context, a account.Actor, id int64) (Payout, error) {
	if !a.Can(account.PermFinanceRead) {
		return Payout{}, validation.ErrForbidden
	}
	var p Payout
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if p, err = payoutByID(ctx, tx, id); err != nil {
			return err
		}
		ps := []Payout{p}
		err = s.names(ctx, tx, ps)
		p = ps[0]
		return err
	})
	return p, err
}

// GetTx reads payout id in the caller's transaction (for deposit and
// settlement); validation.ErrNotFound when the organisation has none.
func (s *Service) GetTx(ctx context.Context, tx *db.Tx, id int64) (Payout, error) {
	return payoutByID(ctx, tx, id)
}

// ListTx reads every payout the filter selects, earliest due first, in the
// caller's transaction (for deposit and settlement, which read their own
// kind). The caller has checked the actor's permission.
func (s *Service) ListTx(ctx context.Context, tx *db.Tx, f Filter) ([]Payout, error) {
	if err := checkFilter(f); err != nil {
		return nil, err
	}
	return filtered(ctx, tx, f)
}

// DepositOfLeaseTx is the lease's deposit payout that is not cancelled, or
// nil: a lease is settled once.
func (s *Service) DepositOfLeaseTx(ctx context.Context, tx *db.Tx, leaseID int64) (*Payout, error) {
	ps, err := filtered(ctx, tx, Filter{Kind: KindDeposit, LeaseID: leaseID,
		States: []State{StateOpen, StateApproved, StateInBatch, StatePaid}})
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return &ps[0], nil
}

// StatementAmountsTx is, per settlement statement of ids, the amount of
// its refund payout (cancelled ones included: the statement booked it).
func (s *Service) StatementAmountsTx(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]money.Cents, error) {
	out := map[int64]money.Cents{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{tx.OrgID()}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := tx.QueryContext(ctx, `SELECT statement_id, SUM(amount_cents) FROM payouts WHERE org_id = $1 AND kind = 'settlement'
		AND levy_id = 0 AND statement_id IN (`+tx.Params(2, len(ids))+`) GROUP BY statement_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("payout: statement refunds: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, amount int64
		if err := rows.Scan(&id, &amount); err != nil {
			return nil, fmt.Errorf("payout: statement refunds: %w", err)
		}
		out[id] = money.Cents(amount)
	}
	return out, rows.Err()
}

// --- approving, cancelling, paying ---

// Approve approves open payouts, all or none (one approved already is left
// as it is; one in a batch, paid or cancelled is ErrNotOpen). When the organisation asks
// for four eyes, the user who created a payout cannot approve it
// (ErrSameUser), and neither can the system (ErrNeedsUser: a command or a
// job is no second person).
func (s *Service) Approve(ctx context.Context, a account.Actor, ids ...int64) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	if len(ids) == 0 {
		return validation.Errors{"ids": "payout.ids.none"}
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		ps, err := byIDs(ctx, tx, ids)
		if err != nil {
			return err
		}
		for _, p := range ps {
			switch {
			case p.State == StateApproved:
				continue // approved already: nothing to do (a page may send a mix)
			case p.State != StateOpen:
				return ErrNotOpen
			case st.FourEyes && a.UserID == 0:
				return ErrNeedsUser
			case st.FourEyes && a.UserID == p.CreatedBy:
				return ErrSameUser
			}
			moved, err := setState(ctx, tx, p.ID, []State{StateOpen}, StateApproved, s.now(), a.UserID, "approved_at = $6, approved_by = $7",
				s.now(), a.UserID)
			if err != nil {
				return err
			}
			if !moved {
				return ErrNotOpen
			}
			if err := s.record(ctx, tx, a, "payout.approved", "payout", p.ID, map[string]string{"four_eyes": fmt.Sprint(st.FourEyes)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Cancel cancels an open or approved payout (one in a batch waits for the
// bank: ErrInBatch). The credit a settlement refund or an overpayment paid
// back is credited to the lease account again (a credit note on the payout
// debit). A deposit refund is not cancelled here (ErrCancelDeposit): the
// deposit entry that settled it stays.
func (s *Service) Cancel(ctx context.Context, a account.Actor, id int64) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		p, err := payoutByID(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case p.State == StateInBatch:
			return ErrInBatch
		case !p.State.Unpaid():
			return ErrClosed
		case p.Kind == KindDeposit:
			return ErrCancelDeposit
		}
		moved, err := setState(ctx, tx, id, []State{StateOpen, StateApproved}, StateCancelled, s.now(), a.UserID, "cancelled_at = $6", s.now())
		if err != nil {
			return err
		}
		if !moved {
			return ErrClosed
		}
		details := map[string]string{"kind": string(p.Kind), "amount_cents": fmt.Sprint(int64(p.Amount))}
		if p.LedgerInvoiceID != 0 {
			cn, err := s.ledger.CreditTx(ctx, tx, ledger.CreditInput{InvoiceID: p.LedgerInvoiceID, Reason: "uitbetaling geannuleerd",
				Date: s.today()}, s.now(), a.UserID)
			if err != nil {
				return err
			}
			details["credit_note_id"] = fmt.Sprint(cn)
		}
		return s.record(ctx, tx, a, "payout.cancelled", "payout", id, details)
	})
}

// MarkPaid records that an approved payout, or one in a batch, was paid on
// date (by hand: a transfer made outside HMS, or a statement read by eye).
func (s *Service) MarkPaid(ctx context.Context, a account.Actor, id int64, date civil.Date) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error { return s.MarkPaidTx(ctx, tx, a, id, date) })
}

// MarkPaidTx is MarkPaid in the caller's transaction (the deposit page's
// "paid"). The caller has checked the actor's permission.
func (s *Service) MarkPaidTx(ctx context.Context, tx *db.Tx, a account.Actor, id int64, date civil.Date) error {
	fe := validation.Errors{}
	if date.IsZero() {
		fe.Add("date", "field.required")
	} else if date.After(s.today()) {
		fe.Add("date", "payout.date.future")
	}
	p, err := payoutByID(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := fe.Err(); err != nil {
		return err
	}
	switch p.State {
	case StateOpen:
		return ErrNotApproved
	case StatePaid, StateCancelled:
		return ErrClosed
	}
	moved, err := setState(ctx, tx, id, []State{StateApproved, StateInBatch}, StatePaid, s.now(), a.UserID, "paid_on = $6", date)
	if err != nil {
		return err
	}
	if !moved {
		return ErrClosed
	}
	return s.record(ctx, tx, a, "payout.paid", "payout", id, map[string]string{"lease_id": fmt.Sprint(p.LeaseID), "paid_on": date.String(),
		"via": "hand"})
}

// MarkPaidByEndToEndTx is for the bank statement import: a debit on the
// organisation's account that carries end-to-end id e2e and amount, booked
// on, pays the payout of a batch with that end-to-end id. It marks the
// payout paid (paid_on = on) and reports found = true; a payout already paid
// with that id is found again and left as it is, so importing a statement
// twice changes nothing. No payout with that id in a batch, or another
// amount (the bank paid something else), is found = false and changes
// nothing: the importer leaves the line for a person. It runs in the
// importer's transaction of the organisation and records the event as the
// system.
func (s *Service) MarkPaidByEndToEndTx(ctx context.Context, tx *db.Tx, e2e string, amount money.Cents, on civil.Date) (found bool,
	err error) {
	e2e = strings.TrimSpace(e2e)
	if e2e == "" || on.IsZero() {
		return false, nil
	}
	p, ok, err := byEndToEnd(ctx, tx, e2e)
	if err != nil || !ok || p.Amount != amount {
		return false, err
	}
	switch p.State {
	case StatePaid:
		return true, nil
	case StateInBatch:
	default:
		return false, nil
	}
	moved, err := setState(ctx, tx, p.ID, []State{StateInBatch}, StatePaid, s.now(), 0, "paid_on = $6", on)
	if err != nil || !moved {
		return false, err
	}
	err = s.record(ctx, tx, account.Actor{Kind: audit.ActorSystem}, "payout.paid", "payout", p.ID, map[string]string{
		"lease_id": fmt.Sprint(p.LeaseID), "paid_on": on.String(), "via": "statement", "batch_id": fmt.Sprint(p.BatchID)})
	return err == nil, err
}
