package lease

import "hms/internal/platform/civil"

// StatutoryLandlordNotice is art. 7:271 lid 5 sub a BW: three months plus
// one month for every full year the lease has lasted on the day notice is
// given, at most six months. Commercial leases have no statutory period in
// this sense; they use the same default until a lease sets its own. A
// lease's own landlord notice period (when set) wins over the rule.
func StatutoryLandlordNotice(_ Kind, start, noticeDate civil.Date) int {
	years := max(start.YearsOn(noticeDate), 0)
	return min(3+years, 6)
}

// NoticeEnd is the last day of a lease after months of notice given on
// noticeDate. With wholeMonths (the default policy) the notice period is made
// of whole calendar months and starts on the first day of the month after
// the notice, so the lease never ends mid-month and notice given late in a
// month rolls on to the next one: 14 March with one month ends 30 April.
// Without it the period runs from the day after the notice for months
// calendar months: 14 March with one month ends 14 April (31 January ends
// on the last day of February).
//
// Whole calendar months are manager practice, not law (DOMAIN.md §2.6): the
// organisation chooses in its lease settings (Settings.NoticeWholeMonths).
func NoticeEnd(noticeDate civil.Date, months int, wholeMonths bool) civil.Date {
	if months < 1 {
		months = 1
	}
	if !wholeMonths {
		return noticeDate.AddMonths(months)
	}
	first := noticeDate.FirstOfMonth().AddMonths(1)
	return first.AddMonths(months - 1).LastOfMonth()
}

// MaxTenantNoticeMonths is the longest notice a tenant of a dwelling can be
// held to (art. 7:271 lid 5 sub b BW).
const MaxTenantNoticeMonths = 3

// PaymentPeriodMonths is the time between two rent payment days.
func PaymentPeriodMonths(f Frequency) int {
	if f == Quarterly {
		return 3
	}
	return 1
}

// TenantNoticeMonths is the tenant's notice period (art. 7:271 lid 5 sub b
// BW): at least the time between two payment days, never less than one
// month and never more than three. A quarterly payer gives three months, a
// monthly payer one, unless the lease agreed a longer period up to three.
func TenantNoticeMonths(f Frequency, agreed int) int {
	return min(max(agreed, PaymentPeriodMonths(f), 1), MaxTenantNoticeMonths)
}

// TenantNotice is the tenant's notice period of l in months.
func (l *Lease) TenantNotice() int {
	return TenantNoticeMonths(l.BillingFrequency, l.NoticeMonthsTenant)
}

// noticeMonths is the period that applies when by gives notice on day d.
func (s *Service) noticeMonths(l *Lease, by By, d civil.Date) int {
	if by == ByTenant {
		return l.TenantNotice()
	}
	if l.NoticeMonthsLandlord > 0 {
		return l.NoticeMonthsLandlord
	}
	return max(StatutoryLandlordNotice(l.Kind, l.Start, d), 1)
}
