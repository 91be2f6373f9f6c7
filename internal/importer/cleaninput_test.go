package importer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/importer"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/validation"
)

// Clean input at the rent-roll import (hardening issue, "clean input"): a
// NUL in a tenant's surname (a 500 on PostgreSQL, stored on SQLite before),
// a right-to-left override in a street and a tab in a city are refused at
// their line and column, and nothing is imported.
func TestImportRefusesNULAndBidiCells(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{NoServer: true})
			a, imp := setup(t, e, "schoon", true)
			file := capHeader +
				"Kerkstraat;1;3511 AB;Utrecht;zelfstandig;60;vrije_sector;T1;A.;Jan\x00sen;HC-1;2024-03-01;950,00;;overboeking;1\n" +
				"Kerk\u202estraat;2;3511 AB;Utrecht;zelfstandig;60;vrije_sector;T2;B.;Bakker;HC-2;2024-03-01;950,00;;overboeking;1\n" +
				"Kerkstraat;3;3511 AB;Utr\techt;zelfstandig;60;vrije_sector;T3;C.;Smit;HC-3;2024-03-01;950,00;;overboeking;1\n"
			_, cellErrs, err := imp.Import(context.Background(), a, strings.NewReader(file), nil)
			got := map[string]string{}
			for _, c := range cellErrs {
				got[c.Column+"@"+string(rune('0'+c.Line))] = c.Reason
			}
			if !errors.Is(err, importer.ErrRows) || len(cellErrs) != 3 || got["achternaam@2"] != validation.MsgText ||
				got["straat@3"] != validation.MsgText || got["plaats@4"] != validation.MsgText {
				t.Fatalf("import with NUL, bidi and tab: %v %+v", err, cellErrs)
			}
			if c := count(t, e, a); c != (counts{}) {
				t.Fatalf("a refused file imported %+v", c)
			}
		})
	}
}
