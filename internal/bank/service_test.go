package bank_test

import (
	"context"
	"errors"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/bank"
	"hms/internal/platform/validation"
	"hms/internal/sepa"
)

func TestAccountsAreCheckedKeptPerOrganisationAndGetTheirBIC(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		ctx := context.Background()
		id, err := o.Bank.AddAccount(ctx, o.Owner, bank.AccountInput{IBAN: "nl91 abna 0417 1643 00", Name: "Alpha Vastgoed BV"})
		if err != nil {
			t.Fatal(err)
		}
		ac, err := o.Bank.Account(ctx, o.Viewer, id)
		if err != nil {
			t.Fatal(err)
		}
		if ac.IBAN != "NL91ABNA0417164300" || ac.BIC != "ABNANL2A" || ac.Purpose != bank.PurposeRent ||
			ac.DirectDebitVersion != sepa.Pain008V02 || ac.TransferVersion != sepa.Pain001V03 {
			t.Errorf("account = %+v", ac)
		}
		_, err = o.Bank.AddAccount(ctx, o.Owner, bank.AccountInput{IBAN: "NL91ABNA0417164300", Name: "Twice"})
		if fe, ok := err.(validation.Errors); !ok || fe["iban"] != "bank.account.iban_exists" {
			t.Errorf("the same IBAN twice: %v", err)
		}
		_, err = o.Bank.AddAccount(ctx, o.Owner, bank.AccountInput{IBAN: "NL91ABNA0417164301", BIC: "XX", Purpose: "savings"})
		fe, ok := err.(validation.Errors)
		if !ok || fe["iban"] != "relation.iban_invalid" || fe["bic"] != "bank.account.bic_invalid" || fe["name"] != "field.required" ||
			fe["purpose"] != "field.invalid" {
			t.Errorf("bad input: %v", err)
		}
		if _, err := o.Bank.AddAccount(ctx, o.Viewer, bank.AccountInput{IBAN: "NL86INGB0002445588", Name: "V"}); !errors.Is(err,
			validation.ErrForbidden) {
			t.Errorf("a viewer adds an account: %v", err)
		}
		// The other organisation neither sees it nor collides with it.
		if list, err := o.Bank.Accounts(ctx, o.OwnerB); err != nil || len(list) != 0 {
			t.Errorf("beta's accounts = %v, %v", list, err)
		}
		if _, err := o.Bank.Account(ctx, o.OwnerB, id); !errors.Is(err, validation.ErrNotFound) {
			t.Errorf("beta reads alpha's account: %v", err)
		}
		if _, err := o.Bank.AddAccount(ctx, o.OwnerB, bank.AccountInput{IBAN: "NL91ABNA0417164300", Name: "Beta"}); err != nil {
			t.Errorf("beta adds the same IBAN: %v", err)
		}
		if err := o.Bank.UpdateAccount(ctx, o.Owner, id, bank.AccountInput{IBAN: ac.IBAN, Name: "Alpha", Purpose: bank.PurposeDeposits,
			DirectDebitVersion: sepa.Pain008V08}, true); err != nil {
			t.Fatal(err)
		}
		list, err := o.Bank.Accounts(ctx, o.Owner)
		if err != nil || len(list) != 1 || !list[0].Archived || list[0].Purpose != bank.PurposeDeposits ||
			list[0].DirectDebitVersion != sepa.Pain008V08 {
			t.Errorf("after the change: %+v, %v", list, err)
		}
	})
}

func TestCreditorSettingsCheckTheIncassantID(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, o *apptest.Org) {
		ctx := context.Background()
		st, err := o.Bank.Settings(ctx, o.Viewer)
		if err != nil || st.PrenoticeDays != 14 || st.LeadBusinessDays != 2 || st.CreditorID != "" {
			t.Fatalf("defaults = %+v, %v", st, err)
		}
		err = o.Bank.SaveSettings(ctx, o.Owner, bank.Settings{CreditorID: "NL52ZZZ405365330000", PrenoticeDays: 90})
		fe, ok := err.(validation.Errors)
		if !ok || fe["creditor_id"] != "bank.settings.creditor_id_invalid" || fe["prenotice_days"] == "" {
			t.Errorf("a wrong check digit and 90 days: %v", err)
		}
		if err := o.Bank.SaveSettings(ctx, o.Owner, bank.Settings{CreditorID: "nl51 zzz 4053 6533 0000"}); err != nil {
			t.Fatal(err)
		}
		if st, _ := o.Bank.Settings(ctx, o.Owner); st.CreditorID != "NL51ZZZ405365330000" || st.PrenoticeDays != 14 {
			t.Errorf("saved = %+v", st)
		}
		if st, _ := o.Bank.Settings(ctx, o.OwnerB); st.CreditorID != "" {
			t.Errorf("beta sees alpha's creditor id: %+v", st)
		}
	})
}
