package money

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestCentsString(t *testing.T) {
	tests := []struct {
		c    Cents
		want string
	}{
		{0, "0.00"},
		{5, "0.05"},
		{-5, "-0.05"},
		{100, "1.00"},
		{123456, "1234.56"},
		{-123456, "-1234.56"},
		{math.MaxInt64, "92233720368547758.07"},
		{math.MinInt64, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("Cents(%d).String() = %q, want %q", int64(tt.c), got, tt.want)
		}
	}
}

func TestAbs(t *testing.T) {
	for _, tt := range []struct{ in, want Cents }{{0, 0}, {5, 5}, {-5, 5}, {math.MaxInt64, math.MaxInt64}, {-math.MaxInt64, math.MaxInt64}} {
		if got := tt.in.Abs(); got != tt.want {
			t.Errorf("Cents(%d).Abs() = %d, want %d", tt.in, got, tt.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Abs(MinInt64) did not panic")
		}
	}()
	_ = Cents(math.MinInt64).Abs()
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Cents
	}{
		{"1.234,56", 123456},
		{"1234,56", 123456},
		{"1234.56", 123456},
		{"1,234.56", 123456},
		{"€ 1.234,56", 123456},
		{"€1.234,56", 123456},
		{"€\u00a01.234,56", 123456}, // no-break space
		{"  € 1.234,56  ", 123456},
		{"-12,5", -1250},
		{"12", 1200},
		{"0,05", 5},
		{"0.05", 5},
		{",50", 50},
		{".5", 50},
		{"12.5", 1250},
		{"12.50", 1250},
		{"1.234", 123400},     // single '.' + 3 digits: Dutch thousands separator
		{"12.345", 1234500},   // idem
		{"123.456", 12345600}, // idem
		{"1.234.567", 123456700},
		{"1,234,567", 123456700},
		{"1.234.567,89", 123456789},
		{"1,234,567.89", 123456789},
		{"0", 0},
		{"-0", 0},
		{"+7", 700},
		{"007", 700},
		{"€ -1.234,56", -123456},
		{"-€ 1.234,56", -123456},
		{"- € 1.234,56", -123456},
		{"–€ 5", -500},  // en dash
		{"−5,00", -500}, // U+2212 minus sign
		{"-€1,234.56", -123456},
		{"€1,234.56", 123456},
		{"12,50 €", 1250},
		{"12,50€", 1250},
		{"EUR 12,50", 1250},
		{"eur12,50", 1250},
		{"12,50 EUR", 1250},
		{"€ 24,-", 2400},
		{"1.234,-", 123400},
		{"€ 5,–", 500},
		{"92233720368547758.07", math.MaxInt64},
		{"-92233720368547758.08", math.MinInt64},
		{"92.233.720.368.547.758,07", math.MaxInt64},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q) error: %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, reason string
	}{
		{"", "empty"},
		{"   ", "empty"},
		{"€", "no digits"},
		{"-", "no digits"},
		{"abc", "unexpected character"},
		{"12a", "unexpected character"},
		{"1 234,56", "unexpected character"}, // space grouping is not accepted
		{"1,234", "more than 2 decimals"},    // ',' once is always decimal
		{"0,125", "more than 2 decimals"},
		{"12.345,678", "more than 2 decimals"},
		{"0.125", "more than 2 decimals"},    // leading 0 group: not thousands
		{"1234.567", "more than 2 decimals"}, // 4-digit lead group: not thousands
		{"1.2345", "more than 2 decimals"},
		{"12,", "no digits after the decimal separator"},
		{"12.", "no digits after the decimal separator"},
		{".", "no digits"},
		{",", "no digits"},
		{"1.23.456", "thousands groups must have 3 digits"},
		{"1.2345.678", "thousands groups must have 3 digits"},
		{"1234.567.890", "badly placed thousands separator"},
		{"0.123.456", "badly placed thousands separator"},
		{".123.456", "badly placed thousands separator"},
		{"1.234,56,78", "decimal separator occurs more than once"},
		{"1,234.567,8", "decimal separator occurs more than once"},
		{"1.234.567,891", "more than 2 decimals"},
		{"12.50,-", "both decimals"},
		{"--5", "more than one sign"},
		{"-€ -5", "more than one sign"},
		{"92233720368547758.08", "out of range"},
		{"-92233720368547758.09", "out of range"},
		{"99999999999999999999999", "out of range"},
		{"€ 5 €", "unexpected character"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %d, want error", tt.in, got)
			continue
		}
		if !errors.Is(err, ErrInvalidAmount) {
			t.Errorf("Parse(%q) error %v does not wrap ErrInvalidAmount", tt.in, err)
		}
		if !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("Parse(%q) error %q, want it to mention %q", tt.in, err, tt.reason)
		}
	}
}

func TestParseErrorQuotesShortInput(t *testing.T) {
	_, err := Parse(strings.Repeat("x", 1000))
	if err == nil || len(err.Error()) > 200 {
		t.Errorf("error for long input is %d bytes, want it shortened: %v", len(err.Error()), err)
	}
}
