package importer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/importer"
	"hms/internal/platform/dbtest"
)

const capHeader = "straat;huisnummer;postcode;plaats;type;oppervlakte;segment;huurder_nummer;voorletters;achternaam;" +
	"contractnummer;ingangsdatum;kale_huur;waarborgsom;betaalwijze;vervaldag\n"

// The rent-roll import applies the deposit cap by the lease's start date
// (art. 7:261b BW, DOMAIN.md §2.5): a 2019 lease with a €2,850 deposit on
// €950 bare rent imports; the same terms from 2024 are refused at the
// deposit column and nothing is imported.
func TestImportDepositCapByStartDate(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{NoServer: true})
			ctx := context.Background()
			a, imp := setup(t, e, "borg", true)
			old := "Kerkstraat;1;3511 AB;Utrecht;zelfstandig;60;vrije_sector;T1;A.;Jansen;HC-2019;2019-03-01;950,00;2.850,00;overboeking;1\n"
			recent := "Kerkstraat;2;3511 AB;Utrecht;zelfstandig;60;vrije_sector;T2;B.;Bakker;HC-2024;2024-01-01;950,00;2.850,00;overboeking;1\n"
			_, cellErrs, err := imp.Import(ctx, a, strings.NewReader(capHeader+old+recent), nil)
			if !errors.Is(err, importer.ErrRows) || len(cellErrs) != 1 || cellErrs[0].Line != 3 || cellErrs[0].Column != "waarborgsom" ||
				cellErrs[0].Reason != "lease.deposit.above_cap" {
				t.Fatalf("2024 row: %v %+v", err, cellErrs)
			}
			if c := count(t, e, a); c != (counts{}) {
				t.Fatalf("a refused file imported %+v", c)
			}
			res, cellErrs, err := imp.Import(ctx, a, strings.NewReader(capHeader+old), nil)
			if err != nil || res.Leases != 1 {
				t.Fatalf("2019 row: %v %+v %+v", err, cellErrs, res)
			}
			if c := count(t, e, a); c.leases != 1 {
				t.Fatalf("after import: %+v", c)
			}
		})
	}
}
