package reconcile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"

	"hms/internal/account"
	"hms/internal/bank"
	"hms/internal/bankfile"
	"hms/internal/ledger"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
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

	// A chunk of entries is stored with a few multi-row statements: its
	// lines wait in lines, their payments to invoices in pay (written by
	// flush), the betalingskenmerken its lines carry are looked up at once.
	pay       *ledger.PaymentBatch
	lines     []lineRow
	kenmerken map[string]int64

	importID int64
	accounts map[string]bank.Account // by statement number
	cur      *openStatement
	read     *countingReader
	sealer   *vault.OrgSealer // the reader's goroutine seals with it (pipeline)
}

const (
	fieldDetails = "bank_lines.details"
	fieldPayer   = "bank.payer_iban"
)

func (im *importer) run(ctx context.Context, r io.Reader) (Result, error) {
	if err := im.tx.BulkPlans(ctx); err != nil { // the ledger tables grow as the import writes
		return Result{}, err
	}
	st, err := bank.SettingsTx(ctx, im.tx)
	if err != nil {
		return Result{}, err
	}
	im.fee = feeRule{amount: st.StornoFee}
	if im.sealer, err = im.s.vault.OrgSealer(ctx, im.tx); err != nil {
		return Result{}, err
	}
	if im.importID, err = insertImport(ctx, im.tx, im.opt.FileName, im.s.now(), im.a.UserID); err != nil {
		return Result{}, err
	}
	im.res.ImportID = im.importID
	im.accounts = map[string]bank.Account{}
	sum := sha256.New()
	im.read = &countingReader{r: io.TeeReader(io.LimitReader(r, MaxFileBytes+1), sum)}
	f, err := im.pipeline(ctx)
	var pe *bankfile.ParseError
	if errors.As(err, &pe) {
		return Result{}, &Refused{MsgID: pe.MsgID, Line: pe.Line, Path: pe.Path, Detail: pe.Detail}
	}
	if err != nil {
		return Result{}, err
	}
	im.res.Format = string(f.Format)
	if err := finishImport(ctx, im.tx, im.importID, im.res, hex.EncodeToString(sum.Sum(nil))); err != nil {
		return Result{}, err
	}
	if im.opt.Progress != nil && im.opt.Size > 0 {
		im.opt.Progress(int(im.opt.Size), int(im.opt.Size))
	}
	return im.res, im.s.record(ctx, im.tx, im.a, "bank.statements_imported", "bank_import", im.importID, map[string]string{
		"format": im.res.Format, "entries": fmt.Sprint(im.res.Entries), "new": fmt.Sprint(im.res.New),
		"matched": fmt.Sprint(im.res.Matched), "review": fmt.Sprint(im.res.Review)})
}

// pipeline reads the file in a goroutine of its own, which parses each
// chunk of entries, fingerprints it and seals its lines (prepare) while
// this goroutine stores and matches the chunk before in the transaction:
// on PostgreSQL the reading and sealing then overlap the server's work.
// Chunks are taken in the file's order, at most pipelineDepth ahead, so
// memory stays flat. The transaction is used by this goroutine only; the
// reader seals with the keys the transaction read (vault.OrgSealer). A
// failure on either side stops both; the first in the file's order wins,
// as when the file was read and stored one chunk after the other.
func (im *importer) pipeline(ctx context.Context) (*bankfile.File, error) {
	rctx, stop := context.WithCancel(ctx)
	defer stop()
	chunks := make(chan *preparedChunk, pipelineDepth)
	var f *bankfile.File
	var readErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(chunks)
		defer func() {
			if p := recover(); p != nil {
				readErr = fmt.Errorf("reconcile: reading the file: %v\n%s", p, debug.Stack())
			}
		}()
		var seen map[[32]byte]int // how often each entry text came in the statement, to tell equal entries apart
		f, readErr = bankfile.Parse(im.read, bankfile.Options{Today: im.today, MaxBytes: MaxFileBytes,
			Entries: func(_ *bankfile.File, stmt *bankfile.Statement, entries []bankfile.Entry, last bool) error {
				if seen == nil {
					seen = map[[32]byte]int{}
				}
				c, err := im.prepare(*stmt, entries, last, seen)
				if err != nil {
					return err
				}
				if last {
					seen = nil
				}
				if !pipelined {
					return im.store(ctx, c)
				}
				select {
				case chunks <- c:
					return nil
				case <-rctx.Done():
					return rctx.Err()
				}
			}})
	}()
	var err error
	for c := range chunks {
		if err = im.store(ctx, c); err != nil {
			break
		}
	}
	stop()
	for range chunks { // let the reader see the stop and end
	}
	<-done
	if err != nil {
		return nil, err
	}
	return f, readErr
}

// pipelined: when false the reader stores each chunk itself (for measuring).
var pipelined = true

// pipelineDepth is how many prepared chunks wait for the transaction.
const pipelineDepth = 1

// preparedChunk is a chunk of a statement's entries as the reader hands it
// over: fingerprinted, each transaction's details sealed.
type preparedChunk struct {
	stmt         bankfile.Statement // as read so far; complete when last
	entries      []bankfile.Entry
	fingerprints []string
	lines        [][]preparedLine // by entry, by transaction
	last         bool
}

// preparedLine is what the reader made of one transaction of an entry.
type preparedLine struct {
	details    Details
	sealed     []byte
	payerToken string
}

// prepare fingerprints a chunk's entries and seals their lines. An entry's
// fingerprint is what the bank says of it, plus its position among entries
// of the statement that say the same (seen), so two equal payments on one
// day stay two and a re-import finds both again.
func (im *importer) prepare(stmt bankfile.Statement, entries []bankfile.Entry, last bool, seen map[[32]byte]int) (*preparedChunk, error) {
	stmt.Entries = nil
	c := &preparedChunk{stmt: stmt, entries: entries, last: last, fingerprints: make([]string, len(entries)),
		lines: make([][]preparedLine, len(entries))}
	for i := range entries {
		e := &entries[i]
		first := e.Details[0]
		base := strings.Join([]string{e.BookingDate.String(), e.ValueDate.String(), fmt.Sprint(int64(e.Amount), e.Reversal),
			e.AccountServicerRef, e.BankRef, e.BatchRef, first.EndToEndID, first.MandateID, first.CreditorRef.Ref,
			first.Remittance, first.Counterparty.IBAN, first.Counterparty.Account, first.Counterparty.Name, e.BankTxCode.Proprietary}, "|")
		key := sha256.Sum256([]byte(base))
		seen[key]++
		c.fingerprints[i] = fingerprint(base, fmt.Sprint(seen[key]))
		c.lines[i] = make([]preparedLine, len(e.Details))
		for j, d := range e.Details {
			p := &c.lines[i][j]
			p.details = Details{Name: d.Counterparty.Name, IBAN: d.Counterparty.IBAN, BIC: d.Counterparty.BIC,
				Account: d.Counterparty.Account, City: d.Counterparty.City, Remittance: d.Remittance,
				Info: strings.TrimSpace(d.Info + " " + e.Info), Kind: d.Kind, TxCode: txCode(e.BankTxCode), BatchRef: e.BatchRef}
			b, err := json.Marshal(p.details)
			if err != nil {
				return nil, fmt.Errorf("reconcile: details: %w", err)
			}
			if p.sealed, err = im.sealer.SealOrg(fieldDetails, b); err != nil {
				return nil, err
			}
			if p.details.IBAN != "" {
				if p.payerToken, err = im.sealer.BlindIndex(fieldPayer, nl.NormalizeIBAN(p.details.IBAN)); err != nil {
					return nil, err
				}
			}
		}
	}
	return c, nil
}

// store opens the chunk's statement when it is its first, stores and
// matches its entries, and completes the statement after its last.
func (im *importer) store(ctx context.Context, c *preparedChunk) error {
	if im.cur == nil {
		if err := im.openStatement(ctx, &c.stmt); err != nil {
			return err
		}
	}
	if len(c.entries) > 0 {
		if err := im.chunk(ctx, im.cur.account, im.cur.id, c); err != nil {
			return err
		}
	}
	if im.opt.Progress != nil && im.opt.Size > 0 {
		im.opt.Progress(int(min(im.read.n.Load(), im.opt.Size)), int(im.opt.Size))
	}
	if !c.last {
		return nil
	}
	err := im.closeStatement(ctx, &c.stmt)
	im.cur = nil
	return err
}

// countingReader counts the bytes read through it, for progress.
type countingReader struct {
	r io.Reader
	n atomic.Int64 // the reader counts, the transaction's goroutine reports
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// openStatement finds the statement's account and stores the statement as
// far as it is known; closeStatement completes it.
func (im *importer) openStatement(ctx context.Context, stmt *bankfile.Statement) error {
	number := bank.StatementNumber(stmt.Account)
	ac, ok := im.accounts[number]
	if !ok {
		var err error
		if ac, err = im.account(ctx, *stmt); err != nil {
			return err
		}
		im.accounts[number] = ac
	}
	im.res.Statements++
	// A statement's fingerprint needs its closing balance and its number of
	// entries, which come at its end: until then it is stored under one that
	// no other statement has.
	id, err := insertStatement(ctx, im.tx, statementRow{accountID: ac.ID, importID: im.importID,
		fingerprint: fmt.Sprintf("open %d.%d", im.importID, im.res.Statements), warnings: "[]"}, im.s.now())
	if err != nil {
		return err
	}
	im.cur = &openStatement{id: id, account: ac}
	return nil
}

// openStatement is the statement whose entries are being stored.
type openStatement struct {
	id      int64
	account bank.Account
}

// closeStatement completes the statement's row now that its end was read.
// When the same statement was stored before (a file imported again) its
// entries were all found stored too, and the row made for it goes again.
func (im *importer) closeStatement(ctx context.Context, stmt *bankfile.Statement) error {
	for _, w := range stmt.Warnings {
		im.res.Warnings = append(im.res.Warnings, Warning{Account: stmt.Account, MsgID: w.MsgID, Line: w.Line, Path: w.Path,
			Detail: w.Detail})
	}
	warnings, _ := json.Marshal(stmt.Warnings) // a slice of plain structs always marshals
	row := statementRow{accountID: im.cur.account.ID, importID: im.importID, bankRef: stmt.ID, sequence: stmt.Sequence,
		from: stmt.From, to: stmt.To, entries: stmt.Count, warnings: string(warnings)}
	if stmt.Opening.Present {
		v := int64(stmt.Opening.Amount)
		row.opening = &v
	}
	if stmt.Closing.Present {
		v := int64(stmt.Closing.Amount)
		row.closing = &v
	}
	row.fingerprint = fingerprint(stmt.Account, stmt.ID, stmt.Sequence, stmt.From.String(), stmt.To.String(),
		fmt.Sprint(stmt.Opening.Present, int64(stmt.Opening.Amount), stmt.Closing.Present, int64(stmt.Closing.Amount), stmt.Count))
	return completeStatement(ctx, im.tx, im.cur.id, row)
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

// chunk stores the entries that were not stored before, and matches and
// stores their lines.
func (im *importer) chunk(ctx context.Context, ac bank.Account, stmtID int64, c *preparedChunk) error {
	entries := c.entries
	rows := make([]entryRow, len(entries))
	for i := range entries {
		rows[i] = entryRow{accountID: ac.ID, statementID: stmtID, fingerprint: c.fingerprints[i], e: &entries[i]}
	}
	// The chunk's writes keep their plans; its reads are planned for the
	// values they look up.
	if err := im.tx.GenericPlans(ctx); err != nil {
		return err
	}
	ids, err := insertEntries(ctx, im.tx, rows)
	if err != nil {
		return err
	}
	if err := im.tx.CustomPlans(ctx); err != nil {
		return err
	}
	if err := im.lookUpKenmerken(ctx, rows, ids); err != nil {
		return err
	}
	for i, r := range rows {
		im.res.Entries++
		id, isNew := ids[r.fingerprint]
		if !isNew {
			im.res.Duplicates++
			continue
		}
		im.res.New++
		if err := im.addLines(ctx, ac, id, &entries[i], c.lines[i]); err != nil {
			return err
		}
	}
	if err := im.tx.GenericPlans(ctx); err != nil {
		return err
	}
	if err := im.flush(ctx); err != nil {
		return err
	}
	im.pay.Forget() // the next chunk reads its own invoices: memory stays flat
	err = insertLines(ctx, im.tx, im.lines, im.s.now())
	im.lines = im.lines[:0]
	return err
}

// lookUpKenmerken finds the invoices of the betalingskenmerken the new
// entries' lines carry, and reads those invoices' charges, in a few queries.
func (im *importer) lookUpKenmerken(ctx context.Context, rows []entryRow, ids map[string]int64) error {
	var ks []string
	for _, r := range rows {
		if _, isNew := ids[r.fingerprint]; !isNew {
			continue
		}
		for _, d := range r.e.Details {
			ks = append(ks, kenmerken(compactDigits(d.CreditorRef.Ref), d.Remittance)...)
		}
	}
	var err error
	if im.kenmerken, err = ledger.InvoiceIDsByKenmerkTx(ctx, im.tx, ks); err != nil {
		return err
	}
	invoices := make([]int64, 0, len(im.kenmerken))
	for _, id := range im.kenmerken {
		invoices = append(invoices, id)
	}
	slices.Sort(invoices)
	return im.pay.Load(ctx, invoices)
}

// flush writes the payments waiting in the batch, and gives the lines they
// booked their ids.
func (im *importer) flush(ctx context.Context) error {
	ids, err := im.pay.Flush(ctx)
	if err != nil || len(ids) == 0 {
		return err
	}
	for i := range im.lines {
		if l := &im.lines[i]; l.pending > 0 {
			l.paymentID, l.pending = ids[l.pending-1], 0
		}
	}
	return nil
}

func fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:40]
}
