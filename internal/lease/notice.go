package lease

import "hms/internal/platform/civil"

// LandlordNoticeRule gives the landlord's notice period in months for a
// lease of kind that started on start, when notice is given on noticeDate.
// Replace it with Service.SetLandlordNoticeRule; a lease's own landlord
// notice period (when set) wins over the rule.
type LandlordNoticeRule func(kind Kind, start, noticeDate civil.Date) int

// StatutoryLandlordNotice is art. 7:271 lid 5 sub a BW: three months plus
// one month for every full year the lease has lasted on the day notice is
// given, at most six months. Commercial leases have no statutory period in
// this sense; they use the same default until a lease sets its own.
func StatutoryLandlordNotice(_ Kind, start, noticeDate civil.Date) int {
	years := max(start.YearsOn(noticeDate), 0)
	return min(3+years, 6)
}

// NoticeEnd is the last day of a lease after months of notice given on
// noticeDate under the default policy: the notice period is made of whole
// calendar months and starts on the first day of the month after the
// notice, so the lease never ends mid-month and notice given late in a
// month rolls on to the next one. 14 March with one month ends 30 April.
//
// This is manager practice, not law (DOMAIN.md §2.6): change it here, in
// one place, if an organisation needs another policy.
func NoticeEnd(noticeDate civil.Date, months int) civil.Date {
	if months < 1 {
		months = 1
	}
	first := noticeDate.FirstOfMonth().AddMonths(1)
	return first.AddMonths(months - 1).LastOfMonth()
}

// noticeMonths is the period that applies when by gives notice on day d.
func (s *Service) noticeMonths(l *Lease, by By, d civil.Date) int {
	if by == ByTenant {
		return max(l.NoticeMonthsTenant, 1)
	}
	if l.NoticeMonthsLandlord > 0 {
		return l.NoticeMonthsLandlord
	}
	return max(s.landlordRule(l.Kind, l.Start, d), 1)
}
