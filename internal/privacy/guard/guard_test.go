package guard

import (
	"slices"
	"strings"
	"testing"
)

func cats(text string) []Category { return CategoriesOf(Check(text)) }

func TestCheckFindsEachCategoryInBothLanguages(t *testing.T) {
	for _, c := range []struct {
		text string
		want Category
	}{
		{"Huurder is al weken ziek en kan niet betalen.", Health},
		{"Huurder ligt in het Ziekenhuis", Health},
		{"Betalingsregeling wegens een burn-out", Health},
		{"Aanpassing badkamer via de Wmo, huurder is rolstoelgebonden", Health},
		{"Tenant was hospitalised in March", Health},
		{"tenant suffers from depression", Health},
		{"Huurder is moslim, betaalt na de ramadan", Religion},
		{"Huurster draagt een hoofddoek", Religion},
		{"The tenant is Jewish", Religion},
		{"buren klagen over huurders van Marokkaanse afkomst", Ethnicity},
		{"Huurder van Surinaamse afkomst", Ethnicity},
		{"neighbours mention his ethnic background", Ethnicity},
		{"Huurder is homoseksueel en voelt zich onveilig", SexualLife},
		{"Zij is lesbisch", SexualLife},
		{"The tenant is gay", SexualLife},
		{"Huurder is actief lid van de PVV", Political},
		{"Partijlid van GroenLinks", Political},
		{"tenant is a Labour Party member", Political},
		{"Huurder is lid van de FNV en wil een gesprek", Union},
		{"Vakbondslid, komt met een jurist", Union},
		{"tenant is a trade union representative", Union},
		{"Huurder heeft een strafblad", Criminal},
		{"Hennepkwekerij aangetroffen op zolder", Criminal},
		{"Huurder is veroordeeld voor fraude", Criminal},
		{"tenant was convicted last year", Criminal},
		{"tenant is on parole", Criminal},
		{"Geïnde huur na ZIEKTE van huurster", Health}, // case and diacritics
		{"Huurder is gereformeerd", Religion},
		{"ethnicity of the tenant", Ethnicity},
	} {
		if got := cats(c.text); !slices.Contains(got, c.want) {
			t.Errorf("Check(%q) = %v, want %s", c.text, got, c.want)
		}
	}
}

func TestCheckLeavesOrdinaryRentalTextAlone(t *testing.T) {
	for _, text := range []string{
		"Huur over maart ontvangen, restant volgt volgende week.",
		"Schoonmaak trappenhuis januari t/m maart 2026",
		"Ziekenhuislaan 12, 6525 GA Nijmegen",                     // compound street name
		"Kerkstraat 4-A, 3511 LK Utrecht; bij de kerk om de hoek", // church only as a place
		"Ik geloof dat de huurder al betaald heeft",
		"Borg ingehouden voor schade aan de keukendeur",
		"Herkomst van de kosten: factuur Eneco 2025",
		"Meteropname 14 maart: 12345 kWh",
		"Overboeking naar NL91ABNA0417164300 van € 1.234,56",
		"IBAN NL91 ABNA 0417 1643 00, bedrag 845,00",
		"Bel huurder op 06-12345678 of 0612345678",
		"Telefoon +31 6 1234 5678",
		"Betaald op 14-03-2026, kenmerk 1000002025000298",
		"Factuurnummer 123456789 van de leverancier",          // fails the 11-test
		"Partij: de huurder; de verhuurder betaalt de kosten", // party to the contract
		"Onderhoud cv-ketel en dakgoot, 2 uur à € 65,00",
		"Repair of the boiler; tenant paid the invoice",
		"Inbraakschade aan de voordeur hersteld",
		"Parkeerplaats bij het station, volt meter vervangen",
		"Cleaning of the stairwell, European Union tender",
		"huurder heeft de sleutels ingeleverd op 1 juli",
		"Direct debit disabled until the new mandate is signed",
	} {
		if fs := Check(text); len(fs) != 0 {
			var spans []string
			for _, f := range fs {
				spans = append(spans, string(f.Category)+":"+text[f.Start:f.End])
			}
			t.Errorf("Check(%q) = %v, want nothing", text, spans)
		}
	}
}

func TestCheckBSN(t *testing.T) {
	for _, c := range []struct {
		text string
		n    int
		weak bool
	}{
		{"BSN 123456782", 1, false},
		{"burgerservicenummer van huurder: 1234.56.782", 1, false},
		{"sofinummer 111 222 333", 1, false},
		{"citizen service number 123-456-782", 1, false},
		{"123456782 is zijn bsn", 1, false},
		{"nummer 123456782", 1, true}, // passes the 11-test, no context word
		{"BSN 123456789", 0, false},   // fails the 11-test
		{"BSN 12345678", 0, false},    // 8 digits
		{"BSN 1234567820", 0, false},  // 10 digits
		{"bsn 000000000", 0, false},
	} {
		fs := Check(c.text)
		if len(fs) != c.n {
			t.Errorf("Check(%q) = %v, want %d findings", c.text, fs, c.n)
			continue
		}
		if c.n == 1 && (fs[0].Category != BSN || fs[0].Weak != c.weak) {
			t.Errorf("Check(%q) = %+v, want bsn weak=%v", c.text, fs[0], c.weak)
		}
	}
	// A context word far away does not make a number a BSN.
	far := "bsn niet vastleggen. " + strings.Repeat("x", 60) + " referentie 123456782"
	if fs := Check(far); len(fs) != 1 || !fs[0].Weak {
		t.Errorf("far context: %+v", fs)
	}
}

func TestFindingsPointAtTheMatch(t *testing.T) {
	text := "Geïnde huur; huurder is Ziek. BSN 123456782."
	fs := Check(text)
	if len(fs) != 2 {
		t.Fatalf("%+v", fs)
	}
	if got := text[fs[0].Start:fs[0].End]; got != "Ziek" {
		t.Errorf("first span %q", got)
	}
	if got := text[fs[1].Start:fs[1].End]; got != "123456782" {
		t.Errorf("second span %q", got)
	}
}

func TestPhrasesAndInflections(t *testing.T) {
	for text, want := range map[string]Category{
		"op grond van de Opiumwet":      Criminal,
		"een verklaring omtrent gedrag": Criminal,
		"proces-verbaal opgemaakt":      Criminal,
		"ziektes in de familie":         Health,
		"zwangerschapsverlof":           Health,
		"Christelijke gemeente":         Religion,
		"her sexual orientation":        SexualLife,
		"members of the labour union":   Union,
		"partij voor de dieren":         Political,
	} {
		if got := cats(text); len(got) != 1 || got[0] != want {
			t.Errorf("Check(%q) = %v, want [%s]", text, got, want)
		}
	}
	// An open term goes on only at its end: "ras" is closed, "rasp" is not it.
	if got := cats("rasp en schuurpapier"); len(got) != 0 {
		t.Errorf("rasp: %v", got)
	}
}

func TestMessageNamesTheCategories(t *testing.T) {
	got := Message(MsgWarn, []Category{BSN, Health})
	if got != "privacy.guard.warn|privacy.guard.category.bsn,privacy.guard.category.health" {
		t.Fatal(got)
	}
	if g, w := IsGuard(got); !g || !w {
		t.Fatal("IsGuard(warn)")
	}
	if g, w := IsGuard(Message(MsgRefused, []Category{Health})); !g || w {
		t.Fatal("IsGuard(refused)")
	}
	if g, _ := IsGuard("field.required"); g {
		t.Fatal("IsGuard(other)")
	}
}
