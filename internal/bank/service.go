package bank

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"hms/internal/account"
	"hms/internal/nl"
	"hms/internal/platform/audit"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/sepa"
)

// Purpose says what an account is for; a statement's credits are matched
// whatever the purpose, collections and payouts pick an account by it.
type Purpose string

// The purposes of an account.
const (
	PurposeRent         Purpose = "rent"
	PurposeDeposits     Purpose = "deposits"
	PurposeServiceCosts Purpose = "service_costs"
	PurposeGeneral      Purpose = "general"
)

// Purposes lists the purposes in the order the settings page offers them.
var Purposes = []Purpose{PurposeRent, PurposeDeposits, PurposeServiceCosts, PurposeGeneral}

// DirectDebitVersions and TransferVersions are the pain versions a bank can
// be set to (DOMAIN §5.1, §5.9: .02 and .03 by default, the 2019 versions
// per bank).
var (
	DirectDebitVersions = []sepa.DirectDebitVersion{sepa.Pain008V02, sepa.Pain008V08}
	TransferVersions    = []sepa.TransferVersion{sepa.Pain001V03, sepa.Pain001V09}
)

// Account is one of the organisation's bank accounts.
type Account struct {
	ID                 int64
	IBAN               string // normalised, without spaces
	BIC                string // may be empty: derived for Dutch banks where known
	Name               string // account holder's name, as on the bank's contract
	Purpose            Purpose
	DirectDebitVersion sepa.DirectDebitVersion
	TransferVersion    sepa.TransferVersion
	Archived           bool
}

// AccountInput adds or changes an account.
type AccountInput struct {
	IBAN               string
	BIC                string
	Name               string
	Purpose            Purpose
	DirectDebitVersion sepa.DirectDebitVersion
	TransferVersion    sepa.TransferVersion
}

// Settings are the organisation's SEPA creditor settings.
type Settings struct {
	CreditorID   string // Incassant-ID, e.g. NL51ZZZ405365330000; empty until the bank issued one
	CreditorName string // the name collections are made in; empty: the organisation's name
	// PrenoticeDays is how many calendar days before a collection the
	// debtor is told (DOMAIN §5.3: at least 14 unless agreed otherwise).
	PrenoticeDays int
	// LeadBusinessDays is how many TARGET2 business days before the
	// collection date the bank wants the file (Rabobank: 2).
	LeadBusinessDays int
}

// Defaults of Settings.
const (
	DefaultPrenoticeDays    = 14
	DefaultLeadBusinessDays = 2
	maxName                 = 70 // a SEPA name
)

// Deps are what the service needs.
type Deps struct {
	DB    *db.DB
	Audit *audit.Log
	Clock clock.Clock
}

// Service is the face of the bank capability.
type Service struct {
	db    *db.DB
	audit *audit.Log
	clk   clock.Clock
}

// New builds the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	return &Service{db: d.DB, audit: d.Audit, clk: d.Clock}
}

func (s *Service) now() string { return db.TS(s.clk.Now()) }

func (s *Service) record(ctx context.Context, tx *db.Tx, a account.Actor, action string, id int64, details map[string]string) error {
	kind := a.Kind
	if kind == "" {
		kind = audit.ActorUser
	}
	return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: kind, Action: action,
		TargetType: "bank_account", TargetID: fmt.Sprint(id), Details: details})
}

// Accounts lists the organisation's accounts, archived ones last.
func (s *Service) Accounts(ctx context.Context, a account.Actor) ([]Account, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out []Account
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = listAccounts(ctx, tx)
		return err
	})
	return out, err
}

// Account reads one account.
func (s *Service) Account(ctx context.Context, a account.Actor, id int64) (Account, error) {
	if !a.Can(account.PermFinanceRead) {
		return Account{}, validation.ErrForbidden
	}
	var out Account
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = readAccount(ctx, tx, "id = $2", id)
		return err
	})
	return out, err
}

// AccountsTx lists the organisation's accounts in tx, archived ones last,
// for a capability that makes a file from one of them (payouts). The caller
// has checked the actor's permission.
func AccountsTx(ctx context.Context, tx *db.Tx) ([]Account, error) { return listAccounts(ctx, tx) }

// AccountByIBANTx finds the organisation's account with iban (in any
// notation), for the statement import; validation.ErrNotFound when the
// organisation has none.
func AccountByIBANTx(ctx context.Context, tx *db.Tx, iban string) (Account, error) {
	return readAccount(ctx, tx, "iban = $2", nl.NormalizeIBAN(iban))
}

// AddAccount adds an account; the same IBAN twice is refused at the field.
func (s *Service) AddAccount(ctx context.Context, a account.Actor, in AccountInput) (int64, error) {
	if !a.Can(account.PermFinanceWrite) {
		return 0, validation.ErrForbidden
	}
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		id, err = s.AddAccountTx(ctx, tx, a, in)
		return err
	})
	return id, err
}

// AddAccountTx is AddAccount in the caller's transaction (a statement
// import that adds the account it is for); the caller checked permission.
func (s *Service) AddAccountTx(ctx context.Context, tx *db.Tx, a account.Actor, in AccountInput) (int64, error) {
	in, err := checkAccount(in)
	if err != nil {
		return 0, err
	}
	id, err := insertAccount(ctx, tx, in, s.now(), a.UserID)
	if db.IsUniqueViolation(err) {
		return 0, validation.Errors{"iban": "bank.account.iban_exists"}
	}
	if err != nil {
		return 0, err
	}
	return id, s.record(ctx, tx, a, "bank.account_added", id, map[string]string{"account": maskIBAN(in.IBAN), "purpose": string(in.Purpose)})
}

// UpdateAccount changes an account's details; archived accounts keep their
// statements but are not offered for new collections or payouts.
func (s *Service) UpdateAccount(ctx context.Context, a account.Actor, id int64, in AccountInput, archived bool) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	in, err := checkAccount(in)
	if err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if _, err := readAccount(ctx, tx, "id = $2", id); err != nil {
			return err
		}
		err := updateAccount(ctx, tx, id, in, archived, s.now())
		if db.IsUniqueViolation(err) {
			return validation.Errors{"iban": "bank.account.iban_exists"}
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, "bank.account_changed", id, map[string]string{"account": maskIBAN(in.IBAN), "archived": fmt.Sprint(archived)})
	})
}

func checkAccount(in AccountInput) (AccountInput, error) {
	fe := validation.Errors{}
	in.IBAN = nl.NormalizeIBAN(in.IBAN)
	switch {
	case in.IBAN == "":
		fe.Add("iban", "field.required")
	case nl.ValidateIBAN(in.IBAN) != nil:
		fe.Add("iban", "relation.iban_invalid")
	}
	in.BIC = nl.NormalizeBIC(in.BIC)
	if in.BIC == "" && fe["iban"] == "" {
		in.BIC = nl.BICOfIBAN(in.IBAN)
	}
	if in.BIC != "" && nl.ValidateBIC(in.BIC) != nil {
		fe.Add("bic", "bank.account.bic_invalid")
	}
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		fe.Add("name", "field.required")
	case utf8.RuneCountInString(in.Name) > maxName:
		fe.Add("name", "bank.account.name_too_long")
	}
	if in.Purpose == "" {
		in.Purpose = PurposeRent
	}
	if !slices.Contains(Purposes, in.Purpose) {
		fe.Add("purpose", "field.invalid")
	}
	if in.DirectDebitVersion == "" {
		in.DirectDebitVersion = sepa.Pain008V02
	}
	if !slices.Contains(DirectDebitVersions, in.DirectDebitVersion) {
		fe.Add("direct_debit_version", "field.invalid")
	}
	if in.TransferVersion == "" {
		in.TransferVersion = sepa.Pain001V03
	}
	if !slices.Contains(TransferVersions, in.TransferVersion) {
		fe.Add("transfer_version", "field.invalid")
	}
	return in, fe.Err()
}

// Settings reads the creditor settings (defaults when never saved).
func (s *Service) Settings(ctx context.Context, a account.Actor) (Settings, error) {
	if !a.Can(account.PermFinanceRead) {
		return Settings{}, validation.ErrForbidden
	}
	var st Settings
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		st, err = SettingsTx(ctx, tx)
		return err
	})
	return st, err
}

// SettingsTx reads the settings in the caller's transaction.
func SettingsTx(ctx context.Context, tx *db.Tx) (Settings, error) { return loadSettings(ctx, tx) }

// SaveSettings replaces the creditor settings. The Incassant-ID is checked
// (ISO 7064 MOD 97-10, DOMAIN §5.5).
func (s *Service) SaveSettings(ctx context.Context, a account.Actor, st Settings) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	fe := validation.Errors{}
	st.CreditorID = nl.NormalizeCreditorID(st.CreditorID)
	if st.CreditorID != "" && nl.ValidateCreditorID(st.CreditorID) != nil {
		fe.Add("creditor_id", "bank.settings.creditor_id_invalid")
	}
	st.CreditorName = strings.TrimSpace(st.CreditorName)
	if utf8.RuneCountInString(st.CreditorName) > maxName {
		fe.Add("creditor_name", "bank.account.name_too_long")
	}
	if st.PrenoticeDays == 0 {
		st.PrenoticeDays = DefaultPrenoticeDays
	}
	if st.PrenoticeDays < 1 || st.PrenoticeDays > 60 {
		fe.Add("prenotice_days", "bank.settings.prenotice_days_invalid")
	}
	if st.LeadBusinessDays == 0 {
		st.LeadBusinessDays = DefaultLeadBusinessDays
	}
	if st.LeadBusinessDays < 1 || st.LeadBusinessDays > 10 {
		fe.Add("lead_business_days", "bank.settings.lead_days_invalid")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := saveSettings(ctx, tx, st, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "bank.settings_changed", 0, map[string]string{"creditor_id_set": fmt.Sprint(st.CreditorID != "")})
	})
}

// ErrNoAccount is returned where an action needs an account and the
// organisation has none (for that purpose).
var ErrNoAccount = errors.New("bank: no account")

// maskIBAN is the bank code and last four digits of an account, which names
// it in the audit log without being an account number (the audit log keeps
// no IBANs: a landlord who is a person has a personal account).
func maskIBAN(iban string) string {
	if len(iban) < 12 {
		return "…"
	}
	return iban[4:8] + " …" + iban[len(iban)-4:]
}
