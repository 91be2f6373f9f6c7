package deposit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/payout"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
	"hms/internal/privacy/guard"
)

// Deps are what the service needs.
type Deps struct {
	DB     *db.DB
	Audit  *audit.Log
	Vault  *vault.Vault
	Clock  clock.Clock
	Leases *lease.Service
	Ledger *ledger.Service
	// Payouts pays the refunds (kind deposit).
	Payouts *payout.Service
}

// Service is the face of the deposit capability.
type Service struct {
	db      *db.DB
	audit   *audit.Log
	vault   *vault.Vault
	clk     clock.Clock
	leases  *lease.Service
	ledger  *ledger.Service
	payouts *payout.Service
}

// New returns the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	return &Service{db: d.DB, audit: d.Audit, vault: d.Vault, clk: d.Clock, leases: d.Leases, ledger: d.Ledger, payouts: d.Payouts}
}

// Vault fields of sealed evidence.
const (
	fieldContent = "deposit_evidence.content"
	fieldName    = "deposit_evidence.name"
)

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

// --- status ---

// Status returns where a lease's deposit stands today: amounts, the return
// deadline, deductions with their evidence and the payout once settled.
func (s *Service) Status(ctx context.Context, a account.Actor, leaseID int64) (*Status, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var st *Status
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		st, err = s.status(ctx, tx, leaseID)
		return err
	})
	return st, err
}

func (s *Service) status(ctx context.Context, tx *db.Tx, leaseID int64) (*Status, error) {
	l, err := s.leases.GetTx(ctx, tx, leaseID)
	if err != nil {
		return nil, err
	}
	set, err := s.leases.DocumentSettingsTx(ctx, tx)
	if err != nil {
		return nil, err
	}
	refund, err := s.payoutOfLease(ctx, tx, leaseID)
	if err != nil {
		return nil, err
	}
	ev, err := evidenceOfLease(ctx, tx, leaseID)
	if err != nil {
		return nil, err
	}
	specs, err := specificationsOfLease(ctx, tx, leaseID)
	if err != nil {
		return nil, err
	}
	st := &Status{LeaseID: l.ID, Reference: l.Reference, Today: s.today(), Agreed: l.DepositCents, EndsOn: l.EndsOn, Payout: refund,
		Specifications: specs}
	if ts := l.TenantIDs(); len(ts) > 0 {
		st.PayeeID = ts[0]
	}
	for _, e := range l.Deposit {
		switch e.Kind {
		case lease.DepositReceived:
			st.Received += e.AmountCents
		case lease.DepositReturned:
			st.Returned += e.AmountCents
		case lease.DepositDeducted:
			st.Deducted += e.AmountCents
			st.WithDeductions = true
			st.Deductions = append(st.Deductions, Deduction{DepositEntry: e, Evidence: ev[e.ID]})
		}
	}
	st.Held = l.DepositHeld()
	st.SettleAmount = st.Held
	st.Ended = !l.EndsOn.IsZero() && l.EndsOn.Before(st.Today)
	st.TermDays = lease.DepositReturnDays(set, st.WithDeductions)
	st.Deadline = lease.DepositReturnDeadline(set, l.EndsOn, st.WithDeductions)
	st.State = stateOf(st.Today, st.Held, st.Ended, st.Deadline, refund != nil)
	return st, nil
}

func stateOf(today civil.Date, held money.Cents, ended bool, deadline civil.Date, settled bool) State {
	switch {
	case settled:
		return StateSettled
	case held <= 0:
		return StateNone
	case !ended:
		return StateHeld
	case today.After(deadline):
		return StateOverdue
	}
	return StateDue
}

// --- deductions and evidence ---

// Deduct records a deduction from the deposit with its evidence files, in
// one transaction. A deduction for arrears is set off against the lease's
// open items in the ledger (a payment, oldest item first) and may not exceed
// them. Administration costs are never deductible.
func (s *Service) Deduct(ctx context.Context, a account.Actor, leaseID int64, in DeductionInput) (int64, error) {
	if !a.Can(account.PermFinanceWrite) {
		return 0, validation.ErrForbidden
	}
	fe := validation.Errors{}
	in.Reason = strings.TrimSpace(in.Reason)
	switch {
	case in.Reason == "":
		fe.Add("reason", "deposit.reason.required")
	case strings.HasPrefix(in.Reason, "admin"):
		fe.Add("reason", "deposit.reason.administration")
	case !slices.Contains(Reasons, in.Reason):
		fe.Add("reason", "deposit.reason.invalid")
	}
	// The web sends this form as multipart, past its input check.
	fe.CheckText("note", in.Note, false)
	if in.Date.IsZero() {
		in.Date = s.today()
	} else if in.Date.After(s.today()) {
		fe.Add("date", "deposit.date.future")
	}
	if in.AmountCents <= 0 {
		fe.Add("amount_cents", "deposit.amount.positive")
	} else if !in.AmountCents.InBounds() {
		fe.Add("amount_cents", money.TooLarge)
	}
	if len(in.Evidence) > MaxEvidenceFiles {
		fe.Add("evidence", "deposit.evidence.too_many")
	}
	types := make([]string, len(in.Evidence))
	for i := range in.Evidence {
		types[i] = checkFile(&in.Evidence[i], fe, "evidence")
	}
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		// Not found before field errors: another organisation's lease says
		// nothing about its input.
		if _, err := s.leases.GetTx(ctx, tx, leaseID); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if p, err := s.payoutOfLease(ctx, tx, leaseID); err != nil {
			return err
		} else if p != nil {
			return ErrSettled
		}
		if in.Reason == "arrears" {
			open, err := s.ledger.OpenItemsTx(ctx, tx, ledger.OpenFilter{LeaseID: leaseID})
			if err != nil {
				return err
			}
			var owed money.Cents
			for _, c := range open {
				owed += c.Open()
			}
			if in.AmountCents > owed {
				return validation.Errors{"amount_cents": "deposit.arrears.exceeds_open"}
			}
		}
		var err error
		id, err = s.leases.AddDepositEntryTx(ctx, tx, a, leaseID, lease.DepositEntryInput{Kind: lease.DepositDeducted, Date: in.Date,
			AmountCents: in.AmountCents, Reason: in.Reason, Note: in.Note})
		if err != nil {
			return err
		}
		details := map[string]string{"entry_id": fmt.Sprint(id), "reason": in.Reason, "amount_cents": fmt.Sprint(int64(in.AmountCents))}
		if in.Reason == "arrears" {
			pid, err := s.ledger.RecordPaymentTx(ctx, tx, a, ledger.PaymentInput{LeaseID: leaseID, Date: in.Date, Amount: in.AmountCents,
				Method: ledger.OtherMethod, Reference: SetOffReference})
			if err != nil {
				return err
			}
			details["payment_id"] = fmt.Sprint(pid)
		}
		for i, f := range in.Evidence {
			if _, err := s.insertEvidence(ctx, tx, a, leaseID, id, f, types[i]); err != nil {
				return err
			}
		}
		details["evidence"] = fmt.Sprint(len(in.Evidence))
		return s.record(ctx, tx, a, "deposit.deducted", "lease", leaseID, details)
	})
	return id, err
}

// AddEvidence adds a file to a deduction of the lease.
func (s *Service) AddEvidence(ctx context.Context, a account.Actor, leaseID, entryID int64, f File) (int64, error) {
	if !a.Can(account.PermFinanceWrite) {
		return 0, validation.ErrForbidden
	}
	fe := validation.Errors{}
	ct := checkFile(&f, fe, "evidence")
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		l, err := s.leases.GetTx(ctx, tx, leaseID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(l.Deposit, func(e lease.DepositEntry) bool { return e.ID == entryID && e.Kind == lease.DepositDeducted }) {
			return validation.ErrNotFound
		}
		if err := fe.Err(); err != nil {
			return err
		}
		n, err := countEvidence(ctx, tx, entryID)
		if err != nil {
			return err
		}
		if n >= MaxEvidenceFiles {
			return validation.Errors{"evidence": "deposit.evidence.too_many"}
		}
		id, err = s.insertEvidence(ctx, tx, a, leaseID, entryID, f, ct)
		return err
	})
	return id, err
}

func (s *Service) insertEvidence(ctx context.Context, tx *db.Tx, a account.Actor, leaseID, entryID int64,
	f File, ct string) (int64, error) {
	// The note went through the guard in lease.AddDepositEntryTx; a file's
	// name is free text too.
	if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "evidence", Value: f.Name}); err != nil {
		return 0, err
	}
	// Sealed under a subject of its own, which erasing a tenant of the
	// lease shreds (privacySource.Erase).
	subject, content, err := s.vault.SealDocument(ctx, tx, fieldContent, f.Data)
	if err != nil {
		return 0, fmt.Errorf("seal evidence: %w", err)
	}
	name, err := s.vault.Seal(ctx, tx, subject, fieldName, []byte(f.Name))
	if err != nil {
		return 0, fmt.Errorf("seal evidence name: %w", err)
	}
	id, err := insertEvidence(ctx, tx, leaseID, entryID, name, ct, int64(len(f.Data)), sha256Hex(f.Data), content, subject,
		s.now(), a.UserID)
	if err != nil {
		return 0, err
	}
	return id, s.record(ctx, tx, a, "deposit.evidence_added", "lease", leaseID, map[string]string{
		"evidence_id": fmt.Sprint(id), "entry_id": fmt.Sprint(entryID), "content_type": ct})
}

// EvidenceFile returns an evidence file of the lease with its bytes.
func (s *Service) EvidenceFile(ctx context.Context, a account.Actor, leaseID, evidenceID int64) (Evidence, []byte, error) {
	if !a.Can(account.PermFinanceRead) {
		return Evidence{}, nil, validation.ErrForbidden
	}
	var ev Evidence
	var data []byte
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var nameSealed, content []byte
		var subject vault.SubjectID
		var err error
		if ev, nameSealed, content, subject, err = evidenceRow(ctx, tx, leaseID, evidenceID); err != nil {
			return err
		}
		name, err := s.open(ctx, tx, subject, fieldName, nameSealed)
		if err != nil {
			return fmt.Errorf("open evidence name: %w", err)
		}
		ev.FileName = string(name)
		if data, err = s.open(ctx, tx, subject, fieldContent, content); err != nil {
			return fmt.Errorf("open evidence: %w", err)
		}
		return nil
	})
	return ev, data, err
}

// open opens a document sealed under subject, or under the organisation
// key when subject is 0 (written before migration 00040).
func (s *Service) open(ctx context.Context, tx *db.Tx, subject vault.SubjectID, field string, sealed []byte) ([]byte, error) {
	if subject == 0 {
		return s.vault.OpenOrg(ctx, tx, field, sealed)
	}
	return s.vault.Open(ctx, tx, subject, field, sealed)
}

// --- settlement and payouts ---

// Settle closes the deposit after the lease has ended: the refund (what is
// still held, deductions already taken) becomes a payout to the first
// tenant due on the return deadline (package payout: approved at once, or
// waiting for a second user's approval when the organisation asks for four
// eyes), and a "returned" deposit entry moves the liability from the
// deposit to the payout. A lease is settled once.
func (s *Service) Settle(ctx context.Context, a account.Actor, leaseID int64) (*Payout, error) {
	if !a.Can(account.PermFinanceWrite) {
		return nil, validation.ErrForbidden
	}
	var p *Payout
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		st, err := s.status(ctx, tx, leaseID)
		if err != nil {
			return err
		}
		switch {
		case st.Payout != nil:
			return ErrSettled
		case !st.Ended:
			return ErrNotEnded
		case st.Received <= 0:
			return ErrNothingHeld
		case st.PayeeID == 0:
			return ErrNoTenant
		}
		in := payout.NewPayout{Kind: payout.KindDeposit, LeaseID: leaseID, PayeeID: st.PayeeID, Amount: st.Held, DueDate: st.Deadline}
		details := map[string]string{"amount_cents": fmt.Sprint(int64(st.Held))}
		if st.Held > 0 {
			entry, err := s.leases.AddDepositEntryTx(ctx, tx, a, leaseID, lease.DepositEntryInput{Kind: lease.DepositReturned, Date: st.Today,
				AmountCents: st.Held})
			if err != nil {
				return err
			}
			details["entry_id"] = fmt.Sprint(entry)
		} else {
			// Everything was deducted: nothing to pay, but the settlement
			// is recorded, so the lease leaves the list of deposits to return.
			in.PaidOn = st.Today
		}
		made, err := s.payouts.CreateTx(ctx, tx, a, in)
		if err != nil {
			return err
		}
		p = payoutOf(made)
		details["payout_id"] = fmt.Sprint(p.ID)
		return s.record(ctx, tx, a, "deposit.settled", "lease", leaseID, details)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// payoutOfLease is the lease's refund that is not cancelled, or nil.
func (s *Service) payoutOfLease(ctx context.Context, tx *db.Tx, leaseID int64) (*Payout, error) {
	p, err := s.payouts.DepositOfLeaseTx(ctx, tx, leaseID)
	if err != nil || p == nil {
		return nil, err
	}
	return payoutOf(*p), nil
}

// PayoutFilter narrows Payouts; zero: all.
type PayoutFilter struct {
	State   PayoutState
	LeaseID int64
}

// Payouts lists deposit refunds, earliest due first.
func (s *Service) Payouts(ctx context.Context, a account.Actor, f PayoutFilter) ([]Payout, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	if f.State != "" && !slices.Contains([]PayoutState{PayoutOpen, PayoutPaid, PayoutCancelled}, f.State) {
		return nil, validation.Errors{"state": "field.invalid"}
	}
	var out []Payout
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ps, err := s.payouts.ListTx(ctx, tx, payout.Filter{Kind: payout.KindDeposit, LeaseID: f.LeaseID, States: stages(f.State)})
		for _, p := range ps {
			out = append(out, *payoutOf(p))
		}
		return err
	})
	return out, err
}

// OpenPayouts are the refunds still to pay, earliest due first (the
// payouts page approves and pays them).
func (s *Service) OpenPayouts(ctx context.Context, a account.Actor) ([]Payout, error) {
	return s.Payouts(ctx, a, PayoutFilter{State: PayoutOpen})
}

// MarkPaid records that a refund still to pay was paid on date (through
// payout.Service.MarkPaidTx: it must be approved).
func (s *Service) MarkPaid(ctx context.Context, a account.Actor, payoutID int64, date civil.Date) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	fe := validation.Errors{}
	if date.IsZero() {
		fe.Add("date", "field.required")
	} else if date.After(s.today()) {
		fe.Add("date", "deposit.date.future")
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		p, err := s.payouts.GetTx(ctx, tx, payoutID)
		if err != nil {
			return err
		}
		if p.Kind != payout.KindDeposit {
			return validation.ErrNotFound
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if !p.State.Unpaid() {
			return ErrPayoutClosed
		}
		return s.payouts.MarkPaidTx(ctx, tx, a, payoutID, date)
	})
}

// --- deposits to return ---

// DueFilter narrows the deposits due.
type DueFilter struct {
	ComplexID int64 // only leases of a unit in this complex
}

// Due lists the deposits to return: leases that ended, or end within
// DueWindow days, with something held; with the deadline and days left.
// Search matches the lease reference; the default order is the deadline.
func (s *Service) Due(ctx context.Context, a account.Actor, q listing.Query, f DueFilter) (listing.Page[DueItem], error) {
	if !a.Can(account.PermFinanceRead) {
		return listing.Page[DueItem]{}, validation.ErrForbidden
	}
	q = q.Normalize(DueSorts...)
	today := s.today()
	var page listing.Page[DueItem]
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		set, err := s.leases.DocumentSettingsTx(ctx, tx)
		if err != nil {
			return err
		}
		items, err := dueLeases(ctx, tx, today.AddDays(DueWindow), q.Search, f.ComplexID)
		if err != nil {
			return err
		}
		for i := range items {
			it := &items[i]
			it.Deadline = lease.DepositReturnDeadline(set, it.EndsOn, it.WithDeductions)
			it.DaysLeft = today.DaysUntil(it.Deadline)
			it.State = stateOf(today, it.Held, it.EndsOn.Before(today), it.Deadline, false)
		}
		// The set is small (ended leases still holding money), and the
		// deadline depends on the organisation's terms: sort here.
		slices.SortStableFunc(items, func(x, y DueItem) int {
			var c int
			switch q.Sort {
			case "lease":
				c = strings.Compare(x.Reference, y.Reference)
			case "ends_on":
				c = x.EndsOn.Compare(y.EndsOn)
			case "held":
				c = cmp.Compare(x.Held, y.Held)
			default:
				c = x.Deadline.Compare(y.Deadline)
			}
			if q.Desc {
				c = -c
			}
			return cmp.Or(c, cmp.Compare(x.LeaseID, y.LeaseID))
		})
		page.Total = len(items)
		if !q.All {
			lo := min(q.Offset, len(items))
			items = items[lo:min(lo+q.Limit, len(items))]
		}
		page.Items = items
		return nil
	})
	return page, err
}
