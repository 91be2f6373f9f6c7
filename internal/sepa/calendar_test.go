package sepa

import (
	"testing"
	"time"

	"hms/internal/platform/civil"
)

// Easter dates from published tables, the earliest (22 March) and latest
// (25 April) possible among them.
func TestEaster(t *testing.T) {
	for year, want := range map[int]string{
		2000: "2000-04-23", 2008: "2008-03-23", 2011: "2011-04-24", 2019: "2019-04-21", 2024: "2024-03-31",
		2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2028: "2028-04-16", 2038: "2038-04-25",
		2285: "2285-03-22",
	} {
		if got := easter(year).String(); got != want {
			t.Errorf("easter(%d) = %s, want %s", year, got, want)
		}
	}
	for y := 1900; y <= 2200; y++ {
		e := easter(y)
		if e.Weekday() != time.Sunday || e.Before(civil.New(y, 3, 22)) || e.After(civil.New(y, 4, 25)) {
			t.Errorf("easter(%d) = %s (%s), not a Sunday from 22 March to 25 April", y, e, e.Weekday())
		}
	}
}

func TestHolidays(t *testing.T) {
	want := []string{"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01", "2026-12-25", "2026-12-26"}
	got := Holidays(2026)
	if len(got) != len(want) {
		t.Fatalf("Holidays(2026) = %v", got)
	}
	for i, h := range got {
		if h.Date.String() != want[i] || h.Name == "" {
			t.Errorf("holiday %d = %v, want %s", i, h, want[i])
		}
	}
	if gf := Holidays(2027)[1]; gf.Date != civil.New(2027, 3, 26) || gf.Name != "Good Friday" {
		t.Errorf("Good Friday 2027 = %v", gf)
	}
}

func TestIsBusinessDay(t *testing.T) {
	for d, want := range map[string]bool{
		"2026-01-01": false, // New Year, a Thursday
		"2026-01-02": true,
		"2026-04-02": true,  // Maundy Thursday is open
		"2026-04-03": false, // Good Friday
		"2026-04-05": false, // Easter Sunday
		"2026-04-06": false, // Easter Monday
		"2026-04-27": true,  // King's Day is a Dutch holiday, not a TARGET2 one
		"2026-05-01": false,
		"2026-05-05": true, // Liberation Day: open
		"2026-05-14": true, // Ascension Day: open
		"2026-05-25": true, // Whit Monday: open
		"2026-12-24": true,
		"2026-12-25": false,
		"2026-12-28": true,
		"2026-12-31": true,
		"2026-03-21": false, // Saturday
		"2026-03-22": false, // Sunday
		"2027-03-26": false, // Good Friday 2027
		"2027-03-29": false, // Easter Monday 2027
		"2027-04-06": true,
	} {
		if got := IsBusinessDay(civil.MustParse(d)); got != want {
			t.Errorf("IsBusinessDay(%s) = %v, want %v", d, got, want)
		}
	}
}

func TestBusinessDayArithmetic(t *testing.T) {
	d := civil.MustParse
	for _, c := range []struct {
		name string
		got  civil.Date
		want string
	}{
		{"over Easter", NextBusinessDay(d("2026-04-02")), "2026-04-07"},
		{"over Christmas and a weekend", NextBusinessDay(d("2026-12-24")), "2026-12-28"},
		{"over New Year", NextBusinessDay(d("2026-12-31")), "2027-01-04"},
		{"from a Saturday", NextBusinessDay(d("2026-03-21")), "2026-03-23"},
		{"two forward over Easter", AddBusinessDays(d("2026-04-01"), 2), "2026-04-07"},
		{"five forward", AddBusinessDays(d("2026-03-16"), 5), "2026-03-23"},
		{"two back over Easter", AddBusinessDays(d("2026-04-07"), -2), "2026-04-01"},
		{"zero keeps a closed day", AddBusinessDays(d("2026-04-03"), 0), "2026-04-03"},
		{"D-1 on a Thursday before Easter", EarliestCollectionDate(d("2026-04-02"), 1), "2026-04-07"},
		{"lead 0 counts as 1", EarliestCollectionDate(d("2026-03-30"), 0), "2026-03-31"},
		{"Rabobank's two days", EarliestCollectionDate(d("2026-03-30"), 2), "2026-04-01"},
		{"submitted on a Saturday", EarliestCollectionDate(d("2026-04-04"), 1), "2026-04-08"},
		{"submitted on Christmas Eve, lead 2", EarliestCollectionDate(d("2026-12-24"), 2), "2026-12-29"},
	} {
		if c.got.String() != c.want {
			t.Errorf("%s: got %s, want %s", c.name, c.got, c.want)
		}
	}
}
