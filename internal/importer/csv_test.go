package importer

import (
	"errors"
	"strings"
	"testing"
)

func TestParseDutchSemicolonWithBOM(t *testing.T) {
	in := "\ufeffStraat;Huisnummer;Toevoeging;Postcode;Plaats;Type;Kale huur;Contractnummer;Ingangsdatum\r\n" +
		"Kerkstraat;12;A;1234 ab;Utrecht;zelfstandig;\"812,50\";C-1;1-3-2026\r\n" +
		";;;;;;;;\r\n" +
		"Dorpsweg;3;;9999ZZ;Ee;berging;;;\r\n"
	recs, header, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Line != 2 || recs[1].Line != 4 {
		t.Fatalf("records %+v", recs)
	}
	if recs[0].Fields["bare_rent"] != "812,50" || recs[0].Fields["postcode"] != "1234 ab" || header["bare_rent"] != "Kale huur" {
		t.Fatalf("fields %+v header %v", recs[0].Fields, header)
	}
	if !recs[0].Has("lease") || recs[1].Has("lease") || recs[1].Has("tenant") {
		t.Fatal("groups")
	}
}

func TestParseEnglishComma(t *testing.T) {
	in := "street,house_number,postcode,city,unit_type,tenant_ref,tenant_surname\nMain,1,1234AB,Ede,berging,D1,Jansen\n"
	recs, _, err := Parse(strings.NewReader(in))
	if err != nil || len(recs) != 1 || recs[0].Fields["tenant_surname"] != "Jansen" {
		t.Fatalf("%+v %v", recs, err)
	}
}

func TestParseRefusesBadFiles(t *testing.T) {
	for name, in := range map[string]string{
		"unknown column": "straat;huisnummer;postcode;plaats;type;kleur\n",
		"missing column": "straat;postcode;plaats;type\n",
		"duplicate":      "straat;straat;huisnummer;postcode;plaats;type\n",
		"not utf-8":      "straat;huisnummer;postcode;plaats;type\n\xff\xfe;1;1234AB;X;berging\n",
		"broken quote":   "straat;huisnummer;postcode;plaats;type\n\"Kerk;1;1234AB;X;berging\n",
		"empty":          "",
	} {
		if _, _, err := Parse(strings.NewReader(in)); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("straat;huisnummer;postcode;plaats;type\nA;1;1234AB;X;berging\n")
	f.Add("street,house_number,postcode,city,unit_type\n\"a,b\",2,1234 AB,Y,kamer\n")
	f.Fuzz(func(t *testing.T, s string) {
		recs, _, err := Parse(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, r := range recs {
			if r.Line < 2 {
				t.Fatalf("record on line %d", r.Line)
			}
		}
	})
}
