package pdfdoc

import (
	"strings"
	"testing"
)

func TestIssuerLines(t *testing.T) {
	l := Labels{KvK: "KvK", VATID: "Btw", IBAN: "IBAN"}
	full := Issuer{Name: "Woonstichting", Address: "Stationsplein 1\n3511 ED Utrecht", KvK: "40536533",
		VATID: "NL000099998B57", IBAN: "NL91ABNA0417164300"}
	if got := strings.Join(full.Lines(l), "|"); got != "Stationsplein 1\n3511 ED Utrecht|KvK 40536533|"+
		"Btw NL000099998B57|IBAN NL91 ABNA 0417 1643 00" {
		t.Fatalf("lines %q", got)
	}
	if got := full.Footer(l, "Factuur 1", "pagina 1"); got != "Woonstichting · KvK 40536533 · Btw NL000099998B57 · Factuur 1 · pagina 1" {
		t.Fatalf("footer %q", got)
	}
	if got := (Issuer{Name: "Jan"}).Footer(l, "p. 1"); got != "Jan · p. 1" {
		t.Fatalf("bare footer %q", got)
	}
	if got := (Issuer{Name: "Jan"}).Lines(l); len(got) != 0 {
		t.Fatalf("bare lines %q", got)
	}
}
