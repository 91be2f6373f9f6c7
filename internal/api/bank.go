package api

import (
	"cmp"
	"context"
	"net/http"
	"slices"

	"hms/internal/account"
	"hms/internal/bank"
	"hms/internal/money"
	"hms/internal/sepa"
)

func init() {
	areas = append(areas, func(a *API) {
		read, write := account.PermFinanceRead, account.PermFinanceWrite
		op(a, http.MethodGet, "/bank-accounts", "list-bank-accounts", "The organisation's bank accounts, archived ones last", read, a.listBankAccounts)
		op(a, http.MethodPost, "/bank-accounts", "add-bank-account", "Add a bank account (the BIC of a Dutch bank is filled in)", write, a.addBankAccount)
		op(a, http.MethodGet, "/bank-accounts/{id}", "get-bank-account", "One bank account", read, a.getBankAccount)
		op(a, http.MethodPut, "/bank-accounts/{id}", "update-bank-account", "Change or archive a bank account", write, a.updateBankAccount)
		op(a, http.MethodGet, "/bank-settings", "get-bank-settings", "The SEPA creditor settings: Incassant-ID and direct-debit timing", read, a.getBankSettings)
		op(a, http.MethodPut, "/bank-settings", "update-bank-settings", "Replace the SEPA creditor settings (the Incassant-ID is checked)", write, a.updateBankSettings)
	})
}

// BankAccountJSON is one of the organisation's bank accounts.
type BankAccountJSON struct {
	ID                 int64                   `json:"id" readOnly:"true"`
	IBAN               string                  `json:"iban" maxLength:"42" doc:"Without spaces; empty for an account known only by statement_number"`
	StatementNumber    string                  `json:"statement_number,omitempty" maxLength:"34" doc:"The account number old MT940 statements carry instead of the IBAN"`
	BIC                string                  `json:"bic" maxLength:"11" doc:"Empty on input: derived for Dutch banks"`
	Name               string                  `json:"name" maxLength:"70" doc:"The account holder's name"`
	Purpose            bank.Purpose            `json:"purpose"`
	DirectDebitVersion sepa.DirectDebitVersion `json:"direct_debit_version,omitempty" doc:"The pain.008 version the bank takes (default .02)"`
	TransferVersion    sepa.TransferVersion    `json:"transfer_version,omitempty" doc:"The pain.001 version the bank takes (default .03)"`
	Archived           bool                    `json:"archived,omitempty" doc:"Kept for its statements; not used for new files"`
}

func bankAccountJSON(ac bank.Account) BankAccountJSON {
	return BankAccountJSON{ID: ac.ID, IBAN: ac.IBAN, StatementNumber: ac.StatementNumber, BIC: ac.BIC, Name: ac.Name, Purpose: ac.Purpose,
		DirectDebitVersion: ac.DirectDebitVersion, TransferVersion: ac.TransferVersion, Archived: ac.Archived}
}

func (b BankAccountJSON) input() bank.AccountInput {
	return bank.AccountInput{IBAN: b.IBAN, StatementNumber: b.StatementNumber, BIC: b.BIC, Name: b.Name, Purpose: b.Purpose,
		DirectDebitVersion: b.DirectDebitVersion, TransferVersion: b.TransferVersion}
}

// ListBankAccountsInput pages through the accounts in id order.
type ListBankAccountsInput struct {
	PageInput
}

// BankAccountsOutput is a page of accounts.
type BankAccountsOutput struct {
	Body Page[BankAccountJSON]
}

func (a *API) listBankAccounts(ctx context.Context, act account.Actor, in *ListBankAccountsInput) (*BankAccountsOutput, error) {
	after, err := in.afterID()
	if err != nil {
		return nil, err
	}
	list, err := a.Bank.Accounts(ctx, act)
	if err != nil {
		return nil, err
	}
	// An organisation has a handful of accounts: read them all, page here.
	list = slices.DeleteFunc(list, func(ac bank.Account) bool { return ac.ID <= after })
	slices.SortFunc(list, func(x, y bank.Account) int { return cmp.Compare(x.ID, y.ID) })
	if len(list) > in.limit()+1 {
		list = list[:in.limit()+1]
	}
	return &BankAccountsOutput{Body: pageByID(list, in.PageInput, func(ac bank.Account) int64 { return ac.ID }, bankAccountJSON)}, nil
}

// BankAccountOutput is one account.
type BankAccountOutput struct {
	Status int
	Body   BankAccountJSON
}

// AddBankAccountInput adds an account.
type AddBankAccountInput struct {
	Body BankAccountJSON
}

func (a *API) addBankAccount(ctx context.Context, act account.Actor, in *AddBankAccountInput) (*BankAccountOutput, error) {
	id, err := a.Bank.AddAccount(ctx, act, in.Body.input())
	if err != nil {
		return nil, err
	}
	return a.bankAccountOutput(ctx, act, id, http.StatusCreated)
}

// BankAccountIDInput names an account.
type BankAccountIDInput struct {
	ID int64 `path:"id"`
}

func (a *API) getBankAccount(ctx context.Context, act account.Actor, in *BankAccountIDInput) (*BankAccountOutput, error) {
	return a.bankAccountOutput(ctx, act, in.ID, http.StatusOK)
}

// UpdateBankAccountInput changes an account.
type UpdateBankAccountInput struct {
	ID   int64 `path:"id"`
	Body BankAccountJSON
}

func (a *API) updateBankAccount(ctx context.Context, act account.Actor, in *UpdateBankAccountInput) (*BankAccountOutput, error) {
	if err := a.Bank.UpdateAccount(ctx, act, in.ID, in.Body.input(), in.Body.Archived); err != nil {
		return nil, err
	}
	return a.bankAccountOutput(ctx, act, in.ID, http.StatusOK)
}

func (a *API) bankAccountOutput(ctx context.Context, act account.Actor, id int64, status int) (*BankAccountOutput, error) {
	ac, err := a.Bank.Account(ctx, act, id)
	if err != nil {
		return nil, err
	}
	return &BankAccountOutput{Status: status, Body: bankAccountJSON(ac)}, nil
}

// BankSettingsJSON are the SEPA creditor settings.
type BankSettingsJSON struct {
	CreditorID       string `json:"creditor_id" maxLength:"35" doc:"Incassant-ID, e.g. NL51ZZZ405365330000; empty until the bank issued one"`
	CreditorName     string `json:"creditor_name" maxLength:"70" doc:"Empty: the organisation's name"`
	PrenoticeDays    int    `json:"prenotice_days,omitempty" minimum:"0" maximum:"60" doc:"Days before a collection the debtor is told (0: 14)"`
	LeadBusinessDays int    `json:"lead_business_days,omitempty" minimum:"0" maximum:"10" doc:"Business days the bank wants the file ahead (0: 2)"`
	StornoFeeCents   int64  `json:"storno_fee_cents,omitempty" minimum:"0" maximum:"5000" doc:"Charged for a returned direct debit (never for MD06); 0: none"`
}

// BankSettingsOutput returns the settings.
type BankSettingsOutput struct {
	Body BankSettingsJSON
}

func (a *API) getBankSettings(ctx context.Context, act account.Actor, _ *empty) (*BankSettingsOutput, error) {
	st, err := a.Bank.Settings(ctx, act)
	if err != nil {
		return nil, err
	}
	return &BankSettingsOutput{Body: BankSettingsJSON{CreditorID: st.CreditorID, CreditorName: st.CreditorName,
		PrenoticeDays: st.PrenoticeDays, LeadBusinessDays: st.LeadBusinessDays, StornoFeeCents: int64(st.StornoFee)}}, nil
}

// UpdateBankSettingsInput replaces the settings.
type UpdateBankSettingsInput struct {
	Body BankSettingsJSON
}

func (a *API) updateBankSettings(ctx context.Context, act account.Actor, in *UpdateBankSettingsInput) (*BankSettingsOutput, error) {
	b := in.Body
	if err := a.Bank.SaveSettings(ctx, act, bank.Settings{CreditorID: b.CreditorID, CreditorName: b.CreditorName,
		PrenoticeDays: b.PrenoticeDays, LeadBusinessDays: b.LeadBusinessDays, StornoFee: money.Cents(b.StornoFeeCents)}); err != nil {
		return nil, err
	}
	return a.getBankSettings(ctx, act, nil)
}
