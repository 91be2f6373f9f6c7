package civil

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParseMonth(t *testing.T) {
	for in, want := range map[string]string{"2026-01": "2026-01", " 2026-1 ": "2026-01", "1900-12": "1900-12", "2200-01": "2200-01"} {
		m, err := ParseMonth(in)
		if err != nil || m.String() != want {
			t.Errorf("ParseMonth(%q) = %v, %v; want %s", in, m, err, want)
		}
	}
	for _, bad := range []string{"", "2026-13", "2026-0", "26-01", "2026-001", "2026-+1", "1899-12", "2201-01",
		"2026/01", "2026-Q1", "januari"} {
		if _, err := ParseMonth(bad); !errors.Is(err, ErrInvalidMonth) {
			t.Errorf("ParseMonth(%q) accepted or wrong error: %v", bad, err)
		}
	}
}

func TestMonthArithmetic(t *testing.T) {
	m := Month{2026, time.February}
	if m.First() != New(2026, 2, 1) || m.Last() != New(2026, 2, 28) || (Month{2024, time.February}).Last().Day != 29 {
		t.Error("first / last day")
	}
	for n, want := range map[int]string{0: "2026-02", 1: "2026-03", 11: "2027-01", -2: "2025-12", -14: "2024-12", -26: "2023-12"} {
		if got := m.Add(n).String(); got != want {
			t.Errorf("2026-02 + %d = %s, want %s", n, got, want)
		}
	}
	if MonthOf(New(2026, 3, 31)) != (Month{2026, time.March}) || m.Compare(m.Add(1)) != -1 || m.Add(1).Compare(m) != 1 || m.Compare(m) != 0 {
		t.Error("month of / compare")
	}
}

func TestMonthSQLAndJSON(t *testing.T) {
	var m Month
	if err := m.Scan([]byte("2025-07")); err != nil || m != (Month{2025, time.July}) {
		t.Fatal(m, err)
	}
	if v, _ := (Month{}).Value(); v != nil {
		t.Fatal("zero month is not NULL")
	}
	if v, _ := m.Value(); v != "2025-07" {
		t.Fatalf("value %v", v)
	}
	if err := m.Scan(nil); err != nil || !m.IsZero() {
		t.Fatal("NULL is not the zero month")
	}
	b, err := json.Marshal(struct{ M Month }{Month{2026, time.January}})
	if err != nil || string(b) != `{"M":"2026-01"}` {
		t.Fatalf("json %s %v", b, err)
	}
	var back struct{ M Month }
	if err := json.Unmarshal(b, &back); err != nil || back.M != (Month{2026, time.January}) {
		t.Fatal(back, err)
	}
	if err := json.Unmarshal([]byte(`{"M":"2026-13"}`), &back); err == nil {
		t.Fatal("bad month accepted from JSON")
	}
}

func TestLong(t *testing.T) {
	d := New(2026, 3, 14)
	for lang, want := range map[string]string{"nl": "14 maart 2026", "en": "14 March 2026", "en-GB": "14 March 2026", "": "14 maart 2026"} {
		if got := d.Long(lang); got != want {
			t.Errorf("Long(%q) = %q, want %q", lang, got, want)
		}
	}
	if (Month{2026, time.January}).Long("nl") != "januari 2026" || (Month{2025, time.December}).Long("en") != "December 2025" {
		t.Error("month long")
	}
	if (Date{}).Long("nl") != "" || (Month{}).Long("en") != "" {
		t.Error("zero is not empty")
	}
}
