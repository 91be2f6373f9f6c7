package civil

import (
	"fmt"
	"testing"
	"time"
)

func TestParseAndFormat(t *testing.T) {
	for in, want := range map[string]string{"2026-03-01": "2026-03-01", "1-3-2026": "2026-03-01", "29/02/2024": "2024-02-29",
		" 31-12-2025 ": "2025-12-31"} {
		d, err := Parse(in)
		if err != nil || d.String() != want {
			t.Errorf("Parse(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, bad := range []string{"", "2026-02-30", "29-02-2025", "2026-13-01", "1-3-26", "gisteren", "2026/3/1x"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if New(2026, 3, 1).Dutch() != "1-3-2026" {
		t.Error("Dutch format")
	}
}

func TestArithmetic(t *testing.T) {
	d := MustParse("2026-01-31")
	if got := d.AddMonths(1).String(); got != "2026-02-28" {
		t.Errorf("31 Jan + 1 month = %s", got)
	}
	if got := MustParse("2024-01-31").AddMonths(1).String(); got != "2024-02-29" {
		t.Errorf("leap: %s", got)
	}
	if got := MustParse("2026-03-15").AddMonths(-3).String(); got != "2025-12-15" {
		t.Errorf("back over the year: %s", got)
	}
	if got := MustParse("2026-12-31").AddDays(1).String(); got != "2027-01-01" {
		t.Errorf("new year: %s", got)
	}
	if n := MustParse("2026-03-01").DaysUntil(MustParse("2026-03-31")); n != 30 {
		t.Errorf("days until = %d", n)
	}
	// Across the DST change in Europe, days stay days.
	if n := MustParse("2026-03-28").DaysUntil(MustParse("2026-03-30")); n != 2 {
		t.Errorf("across DST = %d", n)
	}
	b := MustParse("2010-06-15")
	if b.YearsOn(MustParse("2026-06-14")) != 15 || b.YearsOn(MustParse("2026-06-15")) != 16 {
		t.Error("age on birthday")
	}
	if !MustParse("2026-01-01").Before(MustParse("2026-01-02")) || MustParse("2026-02-01").LastOfMonth().Day != 28 {
		t.Error("compare / last of month")
	}
	// 23:30 UTC on 31 Dec is already 1 Jan in Amsterdam.
	if got := Today(time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)).String(); got != "2026-01-01" {
		t.Errorf("today in Amsterdam = %s", got)
	}
}

func TestSQLAndJSON(t *testing.T) {
	var d Date
	if err := d.Scan("2026-05-04"); err != nil || d != New(2026, 5, 4) {
		t.Fatal(d, err)
	}
	if v, _ := (Date{}).Value(); v != nil {
		t.Fatal("zero date is not NULL")
	}
	b, _ := d.MarshalText()
	var e Date
	if err := e.UnmarshalText(b); err != nil || e != d {
		t.Fatal(e, err)
	}
}

// The ISO form is read and written without fmt; both must say what fmt
// says, for every day and for what is not a date.
func TestISOFormMatchesFmt(t *testing.T) {
	for _, y := range []int{1, 9, 10, 99, 100, 999, 1000, 1999, 2024, 2026, 2100, 9999} {
		for m := time.January; m <= time.December; m++ {
			for day := 1; day <= DaysIn(y, m); day++ {
				d := New(y, m, day)
				want := fmt.Sprintf("%04d-%02d-%02d", y, m, day)
				if d.String() != want {
					t.Fatalf("%v.String() = %q, want %q", d, d.String(), want)
				}
				if back, err := Parse(want); err != nil || back != d {
					t.Fatalf("Parse(%q) = %v, %v", want, back, err)
				}
			}
		}
	}
	if got := (Date{Year: 12345, Month: 1, Day: 2}).String(); got != "12345-01-02" {
		t.Errorf("a year of five digits: %q", got)
	}
	for in, ok := range map[string]bool{"0000-01-01": false, "2026-00-01": false, "2026-01-32": false, "+026-01-01": true,
		"2026-+1-01": true, "2o26-01-01": false, "2026-01-0x": false} {
		_, err := Parse(in)
		if (err == nil) != ok {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
}
