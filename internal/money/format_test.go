package money

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		c         Cents
		lang      string
		want      string
		wantPlain string
	}{
		{123456, "nl", "€ 1.234,56", "1.234,56"},
		{-123456, "nl", "€ -1.234,56", "-1.234,56"},
		{0, "nl", "€ 0,00", "0,00"},
		{5, "nl", "€ 0,05", "0,05"},
		{-5, "nl", "€ -0,05", "-0,05"},
		{100, "nl", "€ 1,00", "1,00"},
		{99999, "nl", "€ 999,99", "999,99"},
		{100000, "nl", "€ 1.000,00", "1.000,00"},
		{123456789, "nl", "€ 1.234.567,89", "1.234.567,89"},
		{12345678, "nl-NL", "€ 123.456,78", "123.456,78"},
		{123456, "en", "€1,234.56", "1,234.56"},
		{-123456, "en", "-€1,234.56", "-1,234.56"},
		{123456, "en-GB", "€1,234.56", "1,234.56"},
		{123456, "EN_us", "€1,234.56", "1,234.56"},
		{-5, "en", "-€0.05", "-0.05"},
		{123456, "", "€ 1.234,56", "1.234,56"},   // default: Dutch
		{123456, "de", "€ 1.234,56", "1.234,56"}, // non-English: Dutch
		{math.MaxInt64, "nl", "€ 92.233.720.368.547.758,07", "92.233.720.368.547.758,07"},
		{math.MinInt64, "en", "-€92,233,720,368,547,758.08", "-92,233,720,368,547,758.08"},
	}
	for _, tt := range tests {
		if got := Format(tt.c, tt.lang); got != tt.want {
			t.Errorf("Format(%d, %q) = %q, want %q", tt.c, tt.lang, got, tt.want)
		}
		if got := FormatPlain(tt.c, tt.lang); got != tt.wantPlain {
			t.Errorf("FormatPlain(%d, %q) = %q, want %q", tt.c, tt.lang, got, tt.wantPlain)
		}
	}
}

// TestFormatParseRoundTrip checks that every formatted amount parses back to itself.
func TestFormatParseRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	values := []Cents{0, 1, -1, 99, 100, 999_99, 1000_00, -1000_00, 1234_56, math.MaxInt64, math.MinInt64}
	for range 5000 {
		// a spread of magnitudes, not just huge numbers
		values = append(values, Cents(r.Int64N(int64(1)<<r.IntN(63))-r.Int64N(int64(1)<<r.IntN(63))))
	}
	for _, c := range values {
		for _, lang := range []string{"nl", "en"} {
			for _, s := range []string{Format(c, lang), FormatPlain(c, lang), c.String()} {
				got, err := Parse(s)
				if err != nil || got != c {
					t.Fatalf("Parse(%q) = %d, %v; want %d", s, got, err, c)
				}
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.234,56", "1,234.56", "€ -1.234,56", "-€1,234.56", "0,05", "1.234", "12.50", "€ 24,-", "", "-",
		"1.2.3", "92233720368547758.08"} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(math.MinInt64))
	f.Add("", int64(math.MaxInt64))
	f.Add("", int64(-5))
	f.Fuzz(func(t *testing.T, s string, n int64) {
		if c, err := Parse(s); err == nil {
			// whatever parses must survive a round trip through the canonical forms
			for _, lang := range []string{"nl", "en"} {
				if back, err := Parse(FormatPlain(c, lang)); err != nil || back != c {
					t.Fatalf("Parse(%q) = %d, but Parse(FormatPlain(%d, %q)) = %d, %v", s, c, c, lang, back, err)
				}
			}
		}
		c := Cents(n)
		for _, lang := range []string{"nl", "en"} {
			for _, s := range []string{FormatPlain(c, lang), Format(c, lang)} {
				if back, err := Parse(s); err != nil || back != c {
					t.Fatalf("Parse(%q) = %d, %v; want %d", s, back, err, c)
				}
			}
		}
	})
}
