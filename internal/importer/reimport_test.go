package importer_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/importer"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// A re-import reports what was new and what was unchanged (hardening
// issue): the first import of two lines makes 2 units, 2 tenants and 2
// leases, all new; the same file again finds all six unchanged; then a file
// with one unit's floor area and one lease's start and rent changed and a third line
// added says 1 new, 1 updated unit, 1 updated lease, and the rest unchanged.
func TestReimportReportsNewChangedAndUnchanged(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{NoServer: true, Clock: clk})
			a, imp := setup(t, e, "twee", true)
			one := "Kerkstraat;1;3511 AB;Utrecht;zelfstandig;60;vrije_sector;T1;A.;Jansen;HC-1;2026-01-01;950,00;;overboeking;1\n"
			two := "Kerkstraat;2;3511 AB;Utrecht;zelfstandig;70;vrije_sector;T2;B.;Bakker;HC-2;2026-01-01;1.050,00;;overboeking;1\n"
			three := "Kerkstraat;3;3511 AB;Utrecht;zelfstandig;80;vrije_sector;T3;C.;Smit;HC-3;2026-02-01;1.150,00;;overboeking;1\n"
			imports := []struct {
				file                    string
				new, changed, unchanged importer.Counts
			}{
				{capHeader + one + two, importer.Counts{Units: 2, Tenants: 2, Leases: 2}, importer.Counts{}, importer.Counts{}},
				{capHeader + one + two, importer.Counts{}, importer.Counts{}, importer.Counts{Units: 2, Tenants: 2, Leases: 2}},
				{capHeader + strings.Replace(one, ";60;", ";65;", 1) + strings.Replace(two, ";2026-01-01;1.050,00;",
					";2026-03-01;1.100,00;", 1) + three,
					importer.Counts{Units: 1, Tenants: 1, Leases: 1}, importer.Counts{Units: 1, Leases: 1},
					importer.Counts{Units: 1, Tenants: 2, Leases: 1}},
			}
			for i, c := range imports {
				clk.Advance(time.Minute)
				res, cellErrs, err := imp.Import(context.Background(), a, strings.NewReader(c.file), nil)
				if err != nil {
					t.Fatalf("import %d: %v %+v", i+1, err, cellErrs)
				}
				if res.New != c.new || res.Changed != c.changed || res.Unchanged != c.unchanged {
					t.Errorf("import %d: new %+v changed %+v unchanged %+v, want %+v %+v %+v", i+1, res.New, res.Changed, res.Unchanged,
						c.new, c.changed, c.unchanged)
				}
			}
		})
	}
}
