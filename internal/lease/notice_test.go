package lease

import (
	"testing"

	"hms/internal/platform/civil"
)

func TestNoticeEnd(t *testing.T) {
	cases := []struct {
		notice string
		months int
		want   string
	}{
		{"2026-03-14", 1, "2026-04-30"}, // the brief's example: a full calendar month from 1 April
		{"2026-03-01", 1, "2026-04-30"}, // the period never starts on the day of notice
		{"2026-03-31", 1, "2026-04-30"}, // late in the month: still the whole of April
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"}, // leap year
		{"2028-01-15", 1, "2028-02-29"},
		{"2027-01-20", 1, "2027-02-28"},
		{"2026-12-31", 1, "2027-01-31"}, // over the year end
		{"2026-11-15", 3, "2027-02-28"},
		{"2026-02-28", 1, "2026-03-31"},
		{"2026-03-14", 6, "2026-09-30"},
		{"2026-03-14", 0, "2026-04-30"}, // no period is one month
	}
	for _, c := range cases {
		if got := NoticeEnd(civil.MustParse(c.notice), c.months, true); got.String() != c.want {
			t.Errorf("NoticeEnd(%s, %d) = %s, want %s", c.notice, c.months, got, c.want)
		}
	}
}

func TestStatutoryLandlordNotice(t *testing.T) {
	cases := []struct {
		start, notice string
		want          int
	}{
		{"2026-01-01", "2026-03-14", 3}, // less than a year
		{"2025-03-15", "2026-03-14", 3}, // one day short of a full year
		{"2025-03-14", "2026-03-14", 4}, // one full year
		{"2023-01-01", "2026-03-14", 6}, // three full years: 3 + 3
		{"2024-06-01", "2026-03-14", 4},
		{"2010-01-01", "2026-03-14", 6}, // at most six
		{"2027-01-01", "2026-03-14", 3}, // not started: no years
	}
	for _, c := range cases {
		if got := StatutoryLandlordNotice(Residential, civil.MustParse(c.start), civil.MustParse(c.notice)); got != c.want {
			t.Errorf("StatutoryLandlordNotice(%s, %s) = %d, want %d", c.start, c.notice, got, c.want)
		}
	}
}

func TestNoticeMonthsAndEnd(t *testing.T) {
	s := New(Deps{})
	l := &Lease{Kind: Residential, Start: civil.MustParse("2023-01-01"), NoticeMonthsTenant: 1}
	notice := civil.MustParse("2026-03-14")
	if m := s.noticeMonths(l, ByTenant, notice); m != 1 {
		t.Fatalf("tenant: %d months", m)
	}
	// A landlord's notice after three years' lease: six months, ending 30 September.
	m := s.noticeMonths(l, ByLandlord, notice)
	if end := NoticeEnd(notice, m, true); m != 6 || end.String() != "2026-09-30" {
		t.Fatalf("landlord after 3 years: %d months, end %s", m, end)
	}
	l.NoticeMonthsLandlord = 4 // the lease's own period wins
	if m := s.noticeMonths(l, ByLandlord, notice); m != 4 {
		t.Fatalf("lease's landlord period: %d", m)
	}
}

func TestComponentsOn(t *testing.T) {
	d := civil.MustParse
	l := &Lease{Components: []Component{
		{ID: 1, Kind: BareRent, AmountCents: 100000, ValidFrom: d("2026-01-01")},
		{ID: 2, Kind: ServiceCosts, Category: "cleaning", AmountCents: 2000, ValidFrom: d("2026-01-01")},
		{ID: 3, Kind: BareRent, AmountCents: 104000, ValidFrom: d("2026-07-01")},
		{ID: 4, Kind: ServiceCosts, Category: "cleaning", AmountCents: 0, ValidFrom: d("2026-09-01")}, // stopped
		{ID: 5, Kind: Other, Label: "Tuinonderhoud", AmountCents: 1500, ValidFrom: d("2026-03-01")},
	}}
	ids := func(cs []Component) []int64 {
		var out []int64
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	for _, c := range []struct {
		on   string
		want []int64
		rent int64
	}{
		{"2025-12-31", nil, 0},
		{"2026-01-01", []int64{1, 2}, 100000},
		{"2026-06-30", []int64{1, 2, 5}, 100000},
		{"2026-07-01", []int64{3, 2, 5}, 104000},
		{"2026-09-01", []int64{3, 5}, 104000},
	} {
		got := ids(l.ComponentsOn(d(c.on)))
		if len(got) != len(c.want) {
			t.Errorf("on %s: %v, want %v", c.on, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("on %s: %v, want %v", c.on, got, c.want)
				break
			}
		}
		if r := l.BareRentOn(d(c.on)); int64(r) != c.rent {
			t.Errorf("bare rent on %s: %d, want %d", c.on, r, c.rent)
		}
	}
}
