package address

import "testing"

func TestFormats(t *testing.T) {
	for _, c := range []struct {
		name                string
		in                  Parts
		number, line, lines string
	}{
		{"letter", Parts{"Kerkstraat", "12", "A", "1234 AB", "Utrecht"}, "12-A",
			"Kerkstraat 12-A, 1234 AB Utrecht", "Kerkstraat 12-A\n1234 AB Utrecht"},
		{"lower-case letter", Parts{"Kerkstraat", "12", "a", "1234 AB", "Utrecht"}, "12-A",
			"Kerkstraat 12-A, 1234 AB Utrecht", "Kerkstraat 12-A\n1234 AB Utrecht"},
		{"bis", Parts{"Kerkstraat", "12", "bis", "1234 AB", "Utrecht"}, "12-bis",
			"Kerkstraat 12-bis, 1234 AB Utrecht", "Kerkstraat 12-bis\n1234 AB Utrecht"},
		{"digit", Parts{"Kerkstraat", "12", "1", "1234 AB", "Utrecht"}, "12-1",
			"Kerkstraat 12-1, 1234 AB Utrecht", "Kerkstraat 12-1\n1234 AB Utrecht"},
		{"no addition", Parts{"Kerkstraat", "12", "", "1234 AB", "Utrecht"}, "12",
			"Kerkstraat 12, 1234 AB Utrecht", "Kerkstraat 12\n1234 AB Utrecht"},
		{"postcode without space", Parts{"Kerkstraat", "12", "A", "1234AB", "Utrecht"}, "12-A",
			"Kerkstraat 12-A, 1234 AB Utrecht", "Kerkstraat 12-A\n1234 AB Utrecht"},
		{"postcode lower case", Parts{"Kerkstraat", "12", "", " 1234  ab ", "Utrecht"}, "12",
			"Kerkstraat 12, 1234 AB Utrecht", "Kerkstraat 12\n1234 AB Utrecht"},
		{"addition typed with space", Parts{"Kerkstraat", "12", " - b ", "1234 ab", "Utrecht"}, "12-B",
			"Kerkstraat 12-B, 1234 AB Utrecht", "Kerkstraat 12-B\n1234 AB Utrecht"},
		{"addition inside number", Parts{"Kerkstraat", "12a", "", "1234AB", "Utrecht"}, "12-A",
			"Kerkstraat 12-A, 1234 AB Utrecht", "Kerkstraat 12-A\n1234 AB Utrecht"},
		{"addition after space inside number", Parts{"Kerkstraat", "12 bis", "", "1234AB", "Utrecht"}, "12-bis",
			"Kerkstraat 12-bis, 1234 AB Utrecht", "Kerkstraat 12-bis\n1234 AB Utrecht"},
		{"foreign postcode kept", Parts{"Rue Haute", "5", "", "1000", "Brussel"}, "5",
			"Rue Haute 5, 1000 Brussel", "Rue Haute 5\n1000 Brussel"},
		{"street only", Parts{Street: "Kerkstraat", Number: "12"}, "12", "Kerkstraat 12", "Kerkstraat 12"},
		{"place only", Parts{Postcode: "1234ab", City: "Utrecht"}, "", "1234 AB Utrecht", "1234 AB Utrecht"},
		{"empty", Parts{}, "", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Number(c.in.Number, c.in.Addition); got != c.number {
				t.Errorf("Number = %q, want %q", got, c.number)
			}
			if got := c.in.Line(); got != c.line {
				t.Errorf("Line = %q, want %q", got, c.line)
			}
			if got := c.in.Lines(); got != c.lines {
				t.Errorf("Lines = %q, want %q", got, c.lines)
			}
		})
	}
}
