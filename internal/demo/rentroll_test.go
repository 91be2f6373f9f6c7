package demo

import (
	"bytes"
	"testing"

	"hms/internal/importer"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
)

func TestRentRollIsRealisticAndParses(t *testing.T) {
	today := civil.MustParse("2026-11-25")
	rows := RentRoll(Options{Seed: 7, Units: 500, Today: today})
	// Addresses stay unique in a large portfolio.
	seen := map[string]bool{}
	for _, r := range RentRoll(Options{Seed: 1, Units: 100_000, Today: today}) {
		key := r["postcode"] + "|" + r["house_number"] + "|" + r["addition"]
		if seen[key] && r["lease_ref"] == "" {
			t.Fatalf("address %s used twice", key)
		}
		seen[key] = true
	}
	if len(seen) != 100_000 {
		t.Fatalf("%d distinct addresses for 100,000 units", len(seen))
	}
	units := map[string]bool{}
	vacant, changed, transfer := 0, 0, 0
	leasesPerUnit := map[string]int{}
	for _, r := range rows {
		key := r["postcode"] + r["house_number"] + r["addition"]
		units[key] = true
		if r["lease_ref"] == "" {
			vacant++
			continue
		}
		leasesPerUnit[key]++
		if err := nl.ValidateIBAN(r["tenant_iban"]); err != nil {
			t.Fatalf("invalid IBAN %s: %v", r["tenant_iban"], err)
		}
		if _, err := nl.NormalizePostcode(r["postcode"]); err != nil {
			t.Fatalf("invalid postcode %s", r["postcode"])
		}
		rent, err := money.Parse(r["bare_rent"])
		if err != nil || rent <= 0 {
			t.Fatalf("rent %q: %v", r["bare_rent"], err)
		}
		if d := r["deposit"]; d != "" {
			dep, _ := money.Parse(d)
			if dep > 2*rent {
				t.Fatalf("deposit %s above twice the rent %s", d, r["bare_rent"])
			}
		}
		start := civil.MustParse(r["lease_start"])
		if !start.Before(today) {
			t.Fatalf("lease starts %s, not before today", start)
		}
		if e := r["lease_end"]; e != "" && civil.MustParse(e).Before(start) {
			t.Fatalf("lease ends %s before it starts %s", e, start)
		}
		if r["payment_method"] == "overboeking" {
			transfer++
		}
	}
	for _, n := range leasesPerUnit {
		if n == 2 {
			changed++
		}
	}
	if len(units) != 500 || vacant == 0 || changed == 0 || transfer == 0 || transfer == len(rows)-vacant {
		t.Fatalf("units %d, vacant %d, changed %d, transfer %d", len(units), vacant, changed, transfer)
	}
	// Same seed, same portfolio.
	again := RentRoll(Options{Seed: 7, Units: 500, Today: today})
	if len(again) != len(rows) || again[len(rows)-1]["tenant_iban"] != rows[len(rows)-1]["tenant_iban"] {
		t.Fatal("not deterministic")
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	recs, _, err := importer.Parse(&buf)
	if err != nil || len(recs) != len(rows) {
		t.Fatalf("parse back: %d records, %v", len(recs), err)
	}
}
