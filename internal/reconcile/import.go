package reconcile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"hms/internal/account"
	"hms/internal/bank"
	"hms/internal/bankfile"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// importer stores one parsed file in one transaction.
type importer struct {
	s     *Service
	tx    *db.Tx
	a     account.Actor
	opt   ImportOptions
	today civil.Date
	res   Result
	fee   feeRule
	total int // entries in the file, for progress
}

const (
	fieldDetails = "bank_lines.details"
	fieldPayer   = "bank.payer_iban"
)

func (im *importer) run(ctx context.Context, f *bankfile.File, sum string) (Result, error) {
	im.res.Format = string(f.Format)
	for _, st := range f.Statements {
		im.total += len(st.Entries)
	}
	st, err := bank.SettingsTx(ctx, im.tx)
	if err != nil {
		return Result{}, err
	}
	im.fee = feeRule{amount: st.StornoFee}
	importID, err := insertImport(ctx, im.tx, im.opt.FileName, sum, string(f.Format), im.s.now(), im.a.UserID)
	if err != nil {
		return Result{}, err
	}
	im.res.ImportID = importID
	accounts := map[string]bank.Account{}
	for _, stmt := range f.Statements {
		ac, ok := accounts[bank.StatementNumber(stmt.Account)]
		if !ok {
			if ac, err = im.account(ctx, stmt); err != nil {
				return Result{}, err
			}
			accounts[bank.StatementNumber(stmt.Account)] = ac
		}
		if err := im.statement(ctx, importID, ac, stmt); err != nil {
			return Result{}, err
		}
	}
	if err := finishImport(ctx, im.tx, importID, im.res); err != nil {
		return Result{}, err
	}
	return im.res, im.s.record(ctx, im.tx, im.a, "bank.statements_imported", "bank_import", importID, map[string]string{
		"format": im.res.Format, "entries": fmt.Sprint(im.res.Entries), "new": fmt.Sprint(im.res.New),
		"matched": fmt.Sprint(im.res.Matched), "review": fmt.Sprint(im.res.Review)})
}

// account finds the organisation's account of a statement, or adds it
// when the caller asked to; otherwise the file is refused.
func (im *importer) account(ctx context.Context, stmt bankfile.Statement) (bank.Account, error) {
	ac, err := bank.AccountOfStatementTx(ctx, im.tx, stmt.Account)
	if err == nil || !errors.Is(err, validation.ErrNotFound) {
		return ac, err
	}
	if !im.opt.AddAccount {
		return bank.Account{}, &Refused{MsgID: "bank.import.unknown_account", Account: stmt.Account}
	}
	in := bank.AccountInput{Purpose: bank.PurposeGeneral, BIC: stmt.BIC}
	number := bank.StatementNumber(stmt.Account)
	if nl.ValidateIBAN(number) == nil {
		in.IBAN = number
		in.Name = "Rekening " + nl.FormatIBAN(number)
	} else {
		in.StatementNumber = number
		in.Name = "Rekening " + number
	}
	if nl.ValidateBIC(in.BIC) != nil {
		in.BIC = ""
	}
	id, err := im.s.bank.AddAccountTx(ctx, im.tx, im.a, in)
	var fe validation.Errors
	if errors.As(err, &fe) {
		return bank.Account{}, &Refused{MsgID: "bank.import.account_not_added", Account: stmt.Account}
	}
	if err != nil {
		return bank.Account{}, err
	}
	im.res.AddedAccounts = append(im.res.AddedAccounts, stmt.Account)
	return bank.Account{ID: id, IBAN: in.IBAN, StatementNumber: in.StatementNumber, Name: in.Name}, nil
}

func (im *importer) statement(ctx context.Context, importID int64, ac bank.Account, stmt bankfile.Statement) error {
	im.res.Statements++
	for _, w := range stmt.Warnings {
		im.res.Warnings = append(im.res.Warnings, Warning{Account: stmt.Account, MsgID: w.MsgID, Line: w.Line, Path: w.Path, Detail: w.Detail})
	}
	warnings, _ := json.Marshal(stmt.Warnings) // a slice of plain structs always marshals
	row := statementRow{accountID: ac.ID, importID: importID, bankRef: stmt.ID, sequence: stmt.Sequence, from: stmt.From, to: stmt.To,
		entries: len(stmt.Entries), warnings: string(warnings)}
	if stmt.Opening.Present {
		v := int64(stmt.Opening.Amount)
		row.opening = &v
	}
	if stmt.Closing.Present {
		v := int64(stmt.Closing.Amount)
		row.closing = &v
	}
	row.fingerprint = fingerprint(stmt.Account, stmt.ID, stmt.Sequence, stmt.From.String(), stmt.To.String(),
		fmt.Sprint(stmt.Opening.Present, int64(stmt.Opening.Amount), stmt.Closing.Present, int64(stmt.Closing.Amount), len(stmt.Entries)))
	stmtID, err := insertStatement(ctx, im.tx, row, im.s.now())
	if err != nil {
		return err
	}
	seen := map[string]int{}
	for i := range stmt.Entries {
		if err := im.entry(ctx, ac, stmtID, &stmt.Entries[i], seen); err != nil {
			return err
		}
	}
	return nil
}

// entry stores an entry unless it was stored before, and matches its lines.
// Its fingerprint is what the bank says of it, plus its position among
// entries of the statement that say the same, so two equal payments on one
// day stay two and a re-import finds both again.
func (im *importer) entry(ctx context.Context, ac bank.Account, stmtID int64, e *bankfile.Entry, seen map[string]int) error {
	im.res.Entries++
	if im.opt.Progress != nil && (im.res.Entries%100 == 0 || im.res.Entries == im.total) {
		im.opt.Progress(im.res.Entries, im.total)
	}
	first := e.Details[0]
	base := strings.Join([]string{e.BookingDate.String(), e.ValueDate.String(), fmt.Sprint(int64(e.Amount), e.Reversal),
		e.AccountServicerRef, e.BankRef, e.BatchRef, first.EndToEndID, first.MandateID, first.CreditorRef.Ref,
		first.Remittance, first.Counterparty.IBAN, first.Counterparty.Account, first.Counterparty.Name, e.BankTxCode.Proprietary}, "|")
	seen[base]++
	row := entryRow{accountID: ac.ID, statementID: stmtID, fingerprint: fingerprint(base, fmt.Sprint(seen[base])), e: e}
	entryID, isNew, err := insertEntry(ctx, im.tx, row)
	if err != nil {
		return err
	}
	if !isNew {
		im.res.Duplicates++
		return nil
	}
	im.res.New++
	return im.lines(ctx, ac, entryID, e)
}

func fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:40]
}
