package importer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/importer"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/portfolio"
	"hms/internal/relation"
	"hms/internal/settlement"
)

func cellErrs(errs []importer.CellError) string {
	var out []string
	for _, e := range errs {
		out = append(out, fmt.Sprintf("%d/%s/%s", e.Line, e.Column, e.Reason))
	}
	return strings.Join(out, " ")
}

// Opening balances: errors per line and column and nothing stored; a good
// file books each item as an "opening" charge with its own dates, which the
// ageing list shows by its due date; the same file again changes nothing.
func TestOpeningBalancesImport(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, o *apptest.Org) {
		ctx := context.Background()
		id := o.Lease(o.Owner, lease.Input{Start: civil.New(2025, 1, 1)})
		l, err := o.Leases.Get(ctx, o.Owner, id)
		if err != nil {
			t.Fatal(err)
		}
		head := "contractnummer;omschrijving;documentdatum;vervaldatum;bedrag\n"
		bad := head + l.Reference + ";Huur januari 2026;2026-01-01;2026-01-01;812,50\n" +
			"ONBEKEND;Huur;2026-01-01;2026-01-15;10,00\n" +
			l.Reference + ";;31-02-2026;2026-01-01;-5\n"
		_, errs, err := o.Importer.ImportOpeningBalances(ctx, o.Bookkeeper, strings.NewReader(bad))
		want := "3/contractnummer/import.moving.lease_unknown 4/bedrag/import.moving.amount_invalid " +
			"4/documentdatum/import.moving.date_invalid 4/omschrijving/field.required"
		if !errors.Is(err, importer.ErrRows) || cellErrs(errs) != want {
			t.Fatalf("bad file: %v\n got %s\nwant %s", err, cellErrs(errs), want)
		}
		if n := o.Count(`SELECT COUNT(*) FROM ledger_charges`); n != 0 {
			t.Fatalf("%d charges after a bad file", n)
		}
		good := head + l.Reference + ";Huur januari 2026;2026-01-01;2026-01-01;812,50\n" +
			l.Reference + ";Huur februari 2026;01-02-2026;01-02-2026;812,50\n"
		res, errs, err := o.Importer.ImportOpeningBalances(ctx, o.Bookkeeper, strings.NewReader(good))
		if err != nil || res.Added != 2 || res.Total != 162500 {
			t.Fatalf("good file: %+v %v %v", res, err, errs)
		}
		res, _, err = o.Importer.ImportOpeningBalances(ctx, o.Bookkeeper, strings.NewReader(good))
		if err != nil || res.Added != 0 || res.Unchanged != 2 {
			t.Fatalf("again: %+v %v", res, err)
		}
		if n := o.Count(`SELECT COUNT(*) FROM ledger_charges WHERE line LIKE 'opening|%'`); n != 2 {
			t.Fatalf("%d opening charges", n)
		}
		ag, err := o.Dunning.Arrears(ctx, o.Owner, civil.New(2026, 3, 10), listing.Query{Limit: 50})
		if err != nil || len(ag.Rows) != 1 {
			t.Fatalf("ageing: %+v %v", ag, err)
		}
		r := ag.Rows[0]
		// 1 January is 68 days overdue on 10 March (61–90), 1 February 37 (31–60).
		if r.LeaseID != id || r.Overdue != 162500 || r.OldestDue != civil.New(2026, 1, 1) || r.DaysOverdue != 68 ||
			r.Buckets[1] != 81250 || r.Buckets[2] != 81250 {
			t.Fatalf("ageing row: %+v", r)
		}
		if _, _, err := o.Importer.ImportOpeningBalances(ctx, o.Viewer, strings.NewReader(good)); err == nil {
			t.Fatal("a viewer imported")
		}
		// Beta knows no such lease.
		if _, errs, _ := o.Importer.ImportOpeningBalances(ctx, o.OwnerB, strings.NewReader(good)); len(errs) != 2 {
			t.Fatalf("beta: %s", cellErrs(errs))
		}
	})
}

// Advances of before HMS: errors per line and column and nothing stored; a
// good file is counted by the settlement run, to the cent; again, nothing
// changes.
func TestPriorAdvancesCountInTheSettlement(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, o *apptest.Org) {
		ctx := context.Background()
		a := o.Owner
		cx := o.Complex(a, "De Linde")
		unit := o.Unit(a, portfolio.UnitInput{ComplexID: cx})
		id := o.Lease(a, lease.Input{UnitIDs: []int64{unit}, Start: civil.New(2024, 1, 1)})
		l, err := o.Leases.Get(ctx, a, id)
		if err != nil {
			t.Fatal(err)
		}
		head := "contractnummer;jaar;van_maand;tot_en_met_maand;in_rekening_gebracht;ontvangen\n"
		bad := head + l.Reference + ";2025;2025-01;;600,00;550,00\n" +
			l.Reference + ";;2025-07;2025-03;10;x\n"
		_, errs, err := o.Importer.ImportAdvances(ctx, a, strings.NewReader(bad))
		want := "2/jaar/import.moving.year_or_months 3/ontvangen/import.moving.amount_invalid 3/tot_en_met_maand/import.moving.months_order"
		if !errors.Is(err, importer.ErrRows) || cellErrs(errs) != want {
			t.Fatalf("bad file: %v\n got %s\nwant %s", err, cellErrs(errs), want)
		}
		if n := o.Count(`SELECT COUNT(*) FROM settlement_prior_advances`); n != 0 {
			t.Fatalf("%d rows after a bad file", n)
		}
		// 2025 whole, and January–June 2024 (outside the settled year).
		good := head + l.Reference + ";2025;;;600,00;550,00\n" + l.Reference + ";;2024-01;2024-06;300;300\n"
		res, errs, err := o.Importer.ImportAdvances(ctx, a, strings.NewReader(good))
		if err != nil || res.Added != 2 {
			t.Fatalf("good file: %+v %v %v", res, err, errs)
		}
		if res, _, err = o.Importer.ImportAdvances(ctx, a, strings.NewReader(good)); err != nil || res.Unchanged != 2 || res.Added != 0 {
			t.Fatalf("again: %+v %v", res, err)
		}
		sup, err := o.Relations.CreateCompany(ctx, a, relation.CompanyInput{Name: "Schoon BV", KvK: "12345678",
			Address: relation.Address{Street: "Industrieweg", HouseNumber: "1", Postcode: "3542 AD", City: "Utrecht"},
			IBANs:   []string{"NL91ABNA0417164300"}, Roles: relation.RolesOf(relation.RoleSupplier)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.Settlement.CreateCost(ctx, a, settlement.CostInput{ComplexID: cx, SupplierID: sup, InvoiceNumber: "S-1",
			InvoiceDate: "2025-12-31", PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31", Amount: "1.000,01",
			Category: "schoonmaak"}); err != nil {
			t.Fatal(err)
		}
		if err := o.Settlement.SetKey(ctx, a, cx, 2025, settlement.CategoryKey{Category: "schoonmaak", Key: "equal"}); err != nil {
			t.Fatal(err)
		}
		run, err := o.Settlement.Run(ctx, a, cx, 2025)
		if err != nil || len(run.Occupancies) != 1 {
			t.Fatalf("run: %+v %v", run, err)
		}
		// Charged (the default basis): 1,000.01 − 600.00 = 400.01 to pay.
		if occ := run.Occupancies[0]; occ.Advances != 60000 || occ.Total != 100001 || occ.Balance != money.Cents(40001) {
			t.Fatalf("occupancy: advances %s total %s balance %s", occ.Advances, occ.Total, occ.Balance)
		}
	})
}
