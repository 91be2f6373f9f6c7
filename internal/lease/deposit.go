package lease

import "hms/internal/platform/civil"

// StatutoryReturnDays is the term within which a deposit is returned after
// the lease ends when nothing is deducted (art. 7:261b BW, DOMAIN.md §2.5).
// An organisation may promise less (Settings.DepositReturnDays), never more.
const StatutoryReturnDays = 14

// DepositReturnDays is the return term in days: the term without
// deductions, or the longer term (default 30 days, a setting because its
// legal status is not settled) once any deduction is recorded.
//
// This and DepositReturnDeadline are the one rule the deposit service, the
// deadline list (web, API, `hms deposits due`), the tenant information sheet
// and the deduction specification all use.
func DepositReturnDays(st Settings, withDeductions bool) int {
	if withDeductions {
		return st.DepositDeductionDays
	}
	return st.DepositReturnDays
}

// DepositReturnDeadline is the last day to return the deposit: the term
// counts from the end of the lease (endsOn, its last day), so a lease that
// ends on 30 April is settled by 14 May, or by 30 May with deductions. Zero
// while the lease has no end.
func DepositReturnDeadline(st Settings, endsOn civil.Date, withDeductions bool) civil.Date {
	if endsOn.IsZero() {
		return civil.Date{}
	}
	return endsOn.AddDays(DepositReturnDays(st, withDeductions))
}
