package lease

import (
	"context"
	"strings"

	"hms/internal/account"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// Settings are an organisation's texts and terms for lease documents.
type Settings struct {
	// The landlord's contact point for the dwelling (Wgv art. 2). An empty
	// name prints the organisation's name.
	LandlordName    string
	LandlordAddress string
	LandlordPhone   string
	LandlordEmail   string
	// Meldpunt is the municipal complaints point (meldpunt goed
	// verhuurderschap) as it should be printed: name and how to reach it.
	Meldpunt string
	// Deposit return terms in days after the lease ends: without and with
	// deductions (art. 7:261b BW: 14 days; 30 with deductions: make
	// configurable, DOMAIN.md §2.5).
	DepositReturnDays    int
	DepositDeductionDays int
	// NoticeWholeMonths makes notice periods whole calendar months ending
	// on the last day of a month (manager policy, not law: DOMAIN.md §2.6);
	// off, a period ends the same day of the month months later.
	NoticeWholeMonths bool
	// ExtraInformation is printed as a last section: items the Regeling
	// goed verhuurderschap may add later, or the organisation's own.
	ExtraInformation string
}

// DefaultMeldpunt is printed until an organisation sets its municipality's
// meldpunt.
const DefaultMeldpunt = "Het meldpunt goed verhuurderschap van de gemeente waarin de woning ligt. " +
	"De contactgegevens vindt u op de website van uw gemeente."

// DefaultSettings are the settings of an organisation that set none.
func DefaultSettings() Settings {
	return Settings{Meldpunt: DefaultMeldpunt, DepositReturnDays: 14, DepositDeductionDays: 30, NoticeWholeMonths: true}
}

// Settings returns the organisation's lease settings (defaults when unset).
func (s *Service) Settings(ctx context.Context, a account.Actor) (Settings, error) {
	if !a.Can(account.PermPortfolioRead) {
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

// UpdateSettings stores the organisation's lease settings.
func (s *Service) UpdateSettings(ctx context.Context, a account.Actor, st Settings) error {
	if !a.Can(account.PermPortfolioWrite) {
		return validation.ErrForbidden
	}
	fe := validation.Errors{}
	var ok bool
	for _, f := range []struct {
		field string
		v     *string
		max   int
		multi bool
	}{
		{"landlord_name", &st.LandlordName, 120, false},
		{"landlord_address", &st.LandlordAddress, 300, true},
		{"landlord_phone", &st.LandlordPhone, 40, false},
		{"landlord_email", &st.LandlordEmail, 254, false},
		{"meldpunt", &st.Meldpunt, 600, true},
		{"extra_information", &st.ExtraInformation, 4000, true},
	} {
		if *f.v, ok = cleanText(*f.v, f.max); !ok || (!f.multi && strings.ContainsAny(*f.v, "\r\n")) {
			fe.Add(f.field, "field.invalid")
		}
	}
	if st.LandlordEmail != "" && (!strings.Contains(st.LandlordEmail, "@") || strings.ContainsAny(st.LandlordEmail, " ,;<>")) {
		fe.Add("landlord_email", "email.invalid")
	}
	if st.Meldpunt == "" {
		fe.Add("meldpunt", "field.required")
	}
	if st.DepositReturnDays < 1 || st.DepositReturnDays > StatutoryReturnDays {
		fe.Add("deposit_return_days", "lease.settings.return_days_invalid")
	}
	if st.DepositDeductionDays < st.DepositReturnDays || st.DepositDeductionDays > 90 {
		fe.Add("deposit_deduction_days", "lease.settings.days_invalid")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := saveSettings(ctx, tx, st, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "lease.settings_updated", "organisation", tx.OrgID(), nil)
	})
}
