package pdfdoctest

import "testing"

// Words side by side or on lines that touch do not overlap; an amount
// printed into a text does.
func TestOverlaps(t *testing.T) {
	words := []Word{
		{Page: 1, Text: "Kale", XMin: 10, YMin: 10, XMax: 30, YMax: 20},
		{Page: 1, Text: "huur", XMin: 32, YMin: 10, XMax: 50, YMax: 20},
		{Page: 1, Text: "onder", XMin: 10, YMin: 19, XMax: 30, YMax: 29}, // the next line, touching
		{Page: 2, Text: "elders", XMin: 10, YMin: 10, XMax: 30, YMax: 20},
	}
	if o := Overlaps(words); len(o) != 0 {
		t.Fatalf("overlaps found where there are none: %v", o)
	}
	words = append(words, Word{Page: 1, Text: "€ 987,65", XMin: 45, YMin: 11, XMax: 70, YMax: 21})
	if o := Overlaps(words); len(o) != 1 {
		t.Fatalf("want the amount over %q, got %v", "huur", o)
	}
}
