package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/reconcile"
)

func init() {
	areas = append(areas, func(a *API) {
		read, write := account.PermFinanceRead, account.PermFinanceWrite
		op(a, http.MethodPost, "/bank-statements", "import-bank-statement",
			"Import a camt.053 or MT940 statement file (base64) and match its credits: all or nothing; a refusal names the line or element",
			write, a.importBankStatement, statementBody)
		op(a, http.MethodGet, "/bank-lines", "list-bank-lines", "Statement lines and what became of each (state review: the queue)", read,
			a.listBankLines)
		op(a, http.MethodGet, "/bank-lines/{id}", "get-bank-line", "A statement line with, in review, ranked suggestions", read, a.getBankLine)
		op(a, http.MethodPost, "/bank-lines/{id}/match", "match-bank-line",
			"Book a line in review on a lease (amounts per invoice, or oldest open first); the payer's IBAN is learned", write, a.matchBankLine)
		op(a, http.MethodPost, "/bank-lines/{id}/ignore", "ignore-bank-line", "Put a line in review aside, with the reason", write,
			a.ignoreBankLine)
	})
}

// statementBody lets the import carry a whole statement file (base64 makes
// it a third larger).
func statementBody(o *huma.Operation) { o.MaxBodyBytes = int64(reconcile.MaxFileBytes)*4/3 + 1<<20 }

// ImportBankStatementInput is a statement file.
type ImportBankStatementInput struct {
	GuardReasons
	Body struct {
		FileName   string `json:"file_name,omitempty" maxLength:"200"`
		Content    []byte `json:"content" doc:"The file, base64: camt.053 (.02, .04, .08) or MT940"`
		AddAccount bool   `json:"add_account,omitempty" doc:"Add the file's accounts the organisation does not have, instead of refusing"`
	}
}

// BankImportJSON is what an import did.
type BankImportJSON struct {
	Statements    int      `json:"statements"`
	Entries       int      `json:"entries" doc:"In the file"`
	New           int      `json:"new" doc:"Stored now"`
	Duplicates    int      `json:"duplicates" doc:"Stored before"`
	Matched       int      `json:"matched" doc:"New credits booked to open items automatically"`
	Review        int      `json:"review" doc:"New credits left for a person"`
	Warnings      []string `json:"warnings"`
	AddedAccounts []string `json:"added_accounts"`
}

// BankImportOutput is the result of an import.
type BankImportOutput struct {
	Body BankImportJSON
}

func (a *API) importBankStatement(ctx context.Context, act account.Actor, in *ImportBankStatementInput) (*BankImportOutput, error) {
	res, err := a.Reconcile.Import(ctx, act, bytes.NewReader(in.Body.Content), reconcile.ImportOptions{FileName: in.Body.FileName,
		AddAccount: in.Body.AddAccount})
	if r, ok := errors.AsType[*reconcile.Refused](err); ok {
		// Nothing is stored; the message names the account, or the line
		// (MT940) or element (camt) that is wrong.
		lang := langFrom(ctx)
		msg := a.Texts.T(lang, r.MsgID, map[string]any{"Account": r.Account}) + refusalPlace(r)
		return nil, huma.NewError(http.StatusUnprocessableEntity, a.Texts.T(lang, "api.invalid", nil),
			&huma.ErrorDetail{Location: "body.content", Message: msg})
	}
	if err != nil {
		return nil, err
	}
	out := &BankImportOutput{Body: BankImportJSON{Statements: res.Statements, Entries: res.Entries, New: res.New, Duplicates: res.Duplicates,
		Matched: res.Matched, Review: res.Review, Warnings: []string{}, AddedAccounts: append([]string{}, res.AddedAccounts...)}}
	for _, w := range res.Warnings {
		out.Body.Warnings = append(out.Body.Warnings, a.Texts.T("en", w.MsgID, nil)+" ("+w.Account+refusalPlace(&reconcile.Refused{Line: w.Line,
			Path: w.Path})+")")
	}
	return out, nil
}

// refusalPlace is where in the file a refusal or warning is: " (line 12)",
// " (at Document/…/Amt)" or "".
func refusalPlace(r *reconcile.Refused) string {
	switch {
	case r.Line > 0:
		return fmt.Sprintf(" (line %d)", r.Line)
	case r.Path != "":
		return " (at " + r.Path + ")"
	}
	return ""
}

// ListBankLinesInput pages through statement lines, newest first.
type ListBankLinesInput struct {
	State reconcile.State `query:"state" doc:"Only lines in this state (review: the queue)"`
	PageInput
}

// BankLineJSON is a statement line.
type BankLineJSON struct {
	ID             int64            `json:"id"`
	BookingDate    civil.Date       `json:"booking_date"`
	AmountCents    int64            `json:"amount_cents" doc:"Credit positive, debit negative"`
	Counterparty   string           `json:"counterparty"`
	IBAN           string           `json:"iban,omitempty"`
	Remittance     string           `json:"remittance,omitempty"`
	EndToEndID     string           `json:"end_to_end_id,omitempty"`
	MandateRef     string           `json:"mandate_reference,omitempty"`
	CreditorRef    string           `json:"creditor_reference,omitempty" doc:"Betalingskenmerk or RF reference"`
	ReturnReason   string           `json:"return_reason,omitempty" doc:"ISO reason code of a return, e.g. AM04"`
	State          reconcile.State  `json:"state"`
	Rule           reconcile.Rule   `json:"rule,omitempty" doc:"Why it was matched"`
	LeaseID        int64            `json:"lease_id,omitempty"`
	LeaseReference string           `json:"lease_reference,omitempty"`
	Note           string           `json:"note,omitempty"`
	Suggestions    []SuggestionJSON `json:"suggestions,omitempty"`
}

// SuggestionJSON is a ranked guess for a line in review.
type SuggestionJSON struct {
	LeaseID        int64  `json:"lease_id"`
	LeaseReference string `json:"lease_reference"`
	InvoiceID      int64  `json:"invoice_id"`
	InvoiceNumber  string `json:"invoice_number"`
	OpenCents      int64  `json:"open_cents"`
	Why            string `json:"why"`
}

func (a *API) bankLineJSON(ctx context.Context, l reconcile.Line) BankLineJSON {
	lang := langFrom(ctx)
	j := BankLineJSON{ID: l.ID, BookingDate: l.BookingDate, AmountCents: int64(l.Amount), Counterparty: l.Details.Name, IBAN: l.Details.IBAN,
		Remittance: l.Details.Remittance, EndToEndID: l.EndToEndID, MandateRef: l.MandateRef, CreditorRef: l.CreditorRef,
		ReturnReason: l.ReturnReason, State: l.State, Rule: l.Rule, LeaseID: l.LeaseID, LeaseReference: l.LeaseRef, Note: l.Note}
	for _, sg := range l.Suggestions {
		j.Suggestions = append(j.Suggestions, SuggestionJSON{LeaseID: sg.LeaseID, LeaseReference: sg.LeaseRef, InvoiceID: sg.InvoiceID,
			InvoiceNumber: sg.InvoiceNumber, OpenCents: int64(sg.Open), Why: a.Texts.T(lang, sg.Why, nil)})
	}
	return j
}

// BankLinesOutput is a page of lines.
type BankLinesOutput struct {
	Body Page[BankLineJSON]
}

func (a *API) listBankLines(ctx context.Context, act account.Actor, in *ListBankLinesInput) (*BankLinesOutput, error) {
	offset, err := in.offset()
	if err != nil {
		return nil, err
	}
	page, err := a.Reconcile.Lines(ctx, act, reconcile.LineFilter{State: in.State}, listing.Query{Offset: offset, Limit: in.limit() + 1})
	if err != nil {
		return nil, err
	}
	return &BankLinesOutput{Body: pageAt(page.Items, in.PageInput, offset, func(l reconcile.Line) BankLineJSON {
		return a.bankLineJSON(ctx, l)
	})}, nil
}

// BankLineIDInput names a line.
type BankLineIDInput struct {
	ID int64 `path:"id"`
}

// BankLineOutput is one line.
type BankLineOutput struct {
	Body BankLineJSON
}

func (a *API) getBankLine(ctx context.Context, act account.Actor, in *BankLineIDInput) (*BankLineOutput, error) {
	l, err := a.Reconcile.LineDetail(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &BankLineOutput{Body: a.bankLineJSON(ctx, l)}, nil
}

// MatchBankLineInput books a line in review.
type MatchBankLineInput struct {
	ID   int64 `path:"id"`
	Body struct {
		LeaseID  int64               `json:"lease_id"`
		Invoices []InvoiceAmountJSON `json:"invoices,omitempty" doc:"How much goes to which invoice; empty: oldest open first"`
	}
}

// InvoiceAmountJSON is part of a payment given to an invoice.
type InvoiceAmountJSON struct {
	InvoiceID   int64 `json:"invoice_id"`
	AmountCents int64 `json:"amount_cents" minimum:"1"`
}

func (a *API) matchBankLine(ctx context.Context, act account.Actor, in *MatchBankLineInput) (*BankLineOutput, error) {
	m := reconcile.MatchInput{LeaseID: in.Body.LeaseID, Invoices: map[int64]money.Cents{}}
	for _, v := range in.Body.Invoices {
		m.Invoices[v.InvoiceID] += money.Cents(v.AmountCents)
	}
	if err := a.Reconcile.Match(ctx, act, in.ID, m); err != nil {
		return nil, err
	}
	return a.getBankLine(ctx, act, &BankLineIDInput{ID: in.ID})
}

// IgnoreBankLineInput puts a line aside.
type IgnoreBankLineInput struct {
	GuardReasons
	ID   int64 `path:"id"`
	Body struct {
		Note string `json:"note" maxLength:"200" doc:"Why the line is not booked"`
	}
}

func (a *API) ignoreBankLine(ctx context.Context, act account.Actor, in *IgnoreBankLineInput) (*BankLineOutput, error) {
	if err := a.Reconcile.Ignore(ctx, act, in.ID, in.Body.Note); err != nil {
		return nil, err
	}
	return a.getBankLine(ctx, act, &BankLineIDInput{ID: in.ID})
}
