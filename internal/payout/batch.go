package payout

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"hms/internal/account"
	"hms/internal/bank"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/relation"
	"hms/internal/sepa"
)

// fieldFile is the vault field of a sealed batch file.
const fieldFile = "payout_batches.file"

// Reasons a payout in scope is left out of a batch (payout catalog).
const (
	LeftNotApproved = "payout.left.not_approved"
	LeftInBatch     = "payout.left.in_batch"
	LeftClosed      = "payout.left.closed"
	LeftZero        = "payout.left.zero"
	LeftNoPayee     = "payout.left.no_payee"
	LeftNoIBAN      = "payout.left.no_iban"
	LeftNoName      = "payout.left.no_name"
	LeftNoAccount   = "payout.left.no_account"
)

// Preview shows what CreateBatch would make of in: per account the payouts
// it pays, their count and total, and what it leaves out with the reason.
// It reads the payees only to know whether an account is known for them
// (nothing is logged: it shows names, as a list does).
func (s *Service) Preview(ctx context.Context, a account.Actor, in BatchInput) (*Plan, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var p *Plan
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		p, _, err = s.plan(ctx, tx, a, in, "")
		return err
	})
	return p, err
}

// CreateBatch makes the files of in's plan: per account one pain.001 file
// in the account's TransferVersion, one payment per payout with a unique
// end-to-end id and a remittance text naming what it pays back. The files
// are stored sealed and their payouts are in_batch. With in.Expect, a plan
// that differs from what was previewed makes nothing (ErrChanged); an empty
// plan is ErrNothingToPay. Opening the payees' IBANs is logged per payee
// (relation.viewed, via "payout.batch").
func (s *Service) CreateBatch(ctx context.Context, a account.Actor, in BatchInput) ([]Batch, error) {
	if !a.Can(account.PermFinanceWrite) {
		return nil, validation.ErrForbidden
	}
	var out []Batch
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		plan, payees, err := s.plan(ctx, tx, a, in, "payout.batch")
		if err != nil {
			return err
		}
		if in.Expect != nil && (in.Expect.Count != plan.Count || in.Expect.Total != plan.Total) {
			return ErrChanged
		}
		if plan.Count == 0 {
			return ErrNothingToPay
		}
		for _, f := range plan.Files {
			b, err := s.makeFile(ctx, tx, a, plan, f, payees)
			if err != nil {
				return err
			}
			out = append(out, b)
		}
		return nil
	})
	return out, err
}

func (s *Service) makeFile(ctx context.Context, tx *db.Tx, a account.Actor, plan *Plan, f PlanFile,
	payees map[int64]relation.Payee) (Batch, error) {
	now := s.clk.Now()
	id, err := insertBatch(ctx, tx, f.AccountID, f.Version, plan.ExecutionDate, scopeText(plan.Scope), len(f.Payouts), f.Total,
		db.TS(now), a.UserID)
	if err != nil {
		return Batch{}, err
	}
	t := sepa.Transfer{Version: f.Version, MessageID: fmt.Sprintf("HMS-%d-UITB-%d", tx.OrgID(), id), CreatedAt: now, Debtor: f.Account,
		ExecutionDate: plan.ExecutionDate}
	for _, p := range f.Payouts {
		e2e := fmt.Sprintf("HMS-UITB-%d-%d", id, p.ID)
		pe := payees[p.PayeeID]
		t.Payments = append(t.Payments, sepa.Payment{EndToEndID: e2e, Amount: p.Amount, Creditor: sepa.Party{Name: pe.Name, IBAN: pe.IBAN},
			Remittance: p.Remittance()})
		moved, err := setState(ctx, tx, p.ID, []State{StateApproved}, StateInBatch, db.TS(now), a.UserID,
			"batch_id = $6, end_to_end_id = $7", id, e2e)
		if err != nil {
			return Batch{}, err
		}
		if !moved {
			return Batch{}, ErrChanged
		}
	}
	file, err := sepa.CreditTransfer(t)
	if err != nil {
		// The plan checked the payees and the account; what sepa refuses
		// still (a name of no SEPA characters at all) is named here.
		return Batch{}, fmt.Errorf("payout: batch %d: %w", id, err)
	}
	data := file.Bytes()
	sealed, err := s.vault.SealOrg(ctx, tx, fieldFile, data)
	if err != nil {
		return Batch{}, fmt.Errorf("payout: seal batch %d: %w", id, err)
	}
	sum := sha256.Sum256(data)
	if err := storeBatchFile(ctx, tx, id, t.MessageID, sealed, hex.EncodeToString(sum[:]), len(data)); err != nil {
		return Batch{}, err
	}
	if err := s.record(ctx, tx, a, "payout.batch_created", "payout_batch", id, map[string]string{"account_id": fmt.Sprint(f.AccountID),
		"payouts": fmt.Sprint(len(f.Payouts)), "total_cents": fmt.Sprint(int64(f.Total)), "version": string(f.Version),
		"scope": scopeText(plan.Scope)}); err != nil {
		return Batch{}, err
	}
	return batchByID(ctx, tx, id)
}

// plan works out in's files in tx. purpose says why the payees are opened
// (logged when not ""); the payees come back for the file.
func (s *Service) plan(ctx context.Context, tx *db.Tx, a account.Actor, in BatchInput, purpose string) (*Plan,
	map[int64]relation.Payee, error) {
	fe := validation.Errors{}
	today := s.today()
	exec := in.ExecutionDate
	switch {
	case exec.IsZero():
		exec = today
		if !sepa.IsBusinessDay(exec) {
			exec = sepa.NextBusinessDay(exec)
		}
	case exec.Before(today):
		fe.Add("execution_date", "payout.batch.date_past")
	}
	accounts, err := bank.AccountsTx(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	accounts = slices.DeleteFunc(accounts, func(ac bank.Account) bool { return ac.Archived })
	var chosen *bank.Account
	if in.AccountID != 0 {
		i := slices.IndexFunc(accounts, func(ac bank.Account) bool { return ac.ID == in.AccountID })
		if i < 0 {
			fe.Add("account_id", "payout.batch.account_unknown")
		} else {
			chosen = &accounts[i]
		}
	}
	var ps []Payout
	if len(in.Scope.IDs) > 0 {
		if ps, err = byIDs(ctx, tx, in.Scope.IDs); err != nil {
			return nil, nil, err
		}
	} else {
		if ps, err = filtered(ctx, tx, Filter{States: []State{StateApproved}, DueUntil: in.Scope.DueUntil}); err != nil {
			return nil, nil, err
		}
	}
	if err := fe.Err(); err != nil {
		return nil, nil, err
	}
	var ids []int64
	for _, p := range ps {
		if p.State == StateApproved && p.PayeeID != 0 && !slices.Contains(ids, p.PayeeID) {
			ids = append(ids, p.PayeeID)
		}
	}
	payees, err := s.relations.PayeesTx(ctx, tx, a, purpose, ids...)
	if err != nil {
		return nil, nil, err
	}
	if err := s.names(ctx, tx, ps); err != nil {
		return nil, nil, err
	}
	plan := &Plan{Scope: in.Scope, ExecutionDate: exec}
	files := map[int64]*PlanFile{}
	for _, p := range ps {
		ac := chosen
		if ac == nil {
			ac = accountFor(accounts, p.Kind)
		}
		pe := payees[p.PayeeID]
		reason := ""
		switch {
		case p.State == StateOpen:
			reason = LeftNotApproved
		case p.State == StateInBatch:
			reason = LeftInBatch
		case p.State != StateApproved:
			reason = LeftClosed
		case p.Amount <= 0:
			reason = LeftZero
		case p.PayeeID == 0:
			reason = LeftNoPayee
		case pe.IBAN == "" || nl.ValidateIBAN(pe.IBAN) != nil:
			reason = LeftNoIBAN
		case sepa.Text(pe.Name, 70) == "":
			reason = LeftNoName
		case ac == nil:
			reason = LeftNoAccount
		}
		if reason != "" {
			plan.Left = append(plan.Left, LeftOut{Payout: p, Reason: reason})
			continue
		}
		f := files[ac.ID]
		if f == nil {
			f = &PlanFile{AccountID: ac.ID, Account: sepa.Party{Name: ac.Name, IBAN: ac.IBAN, BIC: ac.BIC},
				Version: cmp.Or(ac.TransferVersion, sepa.Pain001V03)}
			files[ac.ID] = f
		}
		f.Payouts = append(f.Payouts, p)
		if f.Total, err = money.Add(f.Total, p.Amount); err != nil {
			return nil, nil, err
		}
		plan.Count++
		if plan.Total, err = money.Add(plan.Total, p.Amount); err != nil {
			return nil, nil, err
		}
	}
	for _, f := range files {
		plan.Files = append(plan.Files, *f)
	}
	slices.SortFunc(plan.Files, func(x, y PlanFile) int { return cmp.Compare(x.AccountID, y.AccountID) })
	return plan, payees, nil
}

// accountFor picks the account a payout of kind is paid from: deposit
// refunds from the deposits account, the others from the rent account; an
// organisation without one pays from its general account. The first such
// account (by id) that is not archived.
func accountFor(accounts []bank.Account, k Kind) *bank.Account {
	want := bank.PurposeRent
	if k == KindDeposit {
		want = bank.PurposeDeposits
	}
	for _, purpose := range []bank.Purpose{want, bank.PurposeGeneral} {
		for i := range accounts {
			if accounts[i].Purpose == purpose {
				return &accounts[i]
			}
		}
	}
	return nil
}

// Batches lists up to limit batches with an id above after, oldest first
// (0: all).
func (s *Service) Batches(ctx context.Context, a account.Actor, after int64, limit int) ([]Batch, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out []Batch
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = batchesAfter(ctx, tx, after, limit)
		return err
	})
	return out, err
}

// Batch reads one batch with its payouts (and their payees' names).
func (s *Service) Batch(ctx context.Context, a account.Actor, id int64) (*Batch, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var b Batch
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if b, err = batchByID(ctx, tx, id); err != nil {
			return err
		}
		if b.Payouts, err = filtered(ctx, tx, Filter{BatchID: id}); err != nil {
			return err
		}
		return s.names(ctx, tx, b.Payouts)
	})
	return &b, err
}

// BatchFile is the stored pain.001 file of batch id, byte for byte as it
// was made. It names tenants and their IBANs: each download is recorded
// (payout.batch_downloaded).
func (s *Service) BatchFile(ctx context.Context, a account.Actor, id int64) (Batch, []byte, error) {
	if !a.Can(account.PermFinanceRead) {
		return Batch{}, nil, validation.ErrForbidden
	}
	var b Batch
	var data []byte
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if b, err = batchByID(ctx, tx, id); err != nil {
			return err
		}
		sealed, err := batchFile(ctx, tx, id)
		if err != nil {
			return err
		}
		if data, err = s.vault.OpenOrg(ctx, tx, fieldFile, sealed); err != nil {
			return fmt.Errorf("payout: open batch %d: %w", id, err)
		}
		return s.record(ctx, tx, a, "payout.batch_downloaded", "payout_batch", id, nil)
	})
	return b, data, err
}
