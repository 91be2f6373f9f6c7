package settlement_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/settlement"
)

func TestCostEntriesImportAndEvidence(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cx := e.complex(e.Owner, "De Linde")
		ua := e.unit(e.Owner, cx, "50")
		other := e.complex(e.Owner, "Elders")
		uo := e.unit(e.Owner, other, "50")
		sup := e.supplier(e.Owner, "Schoon BV")

		// Form errors name the field and write nothing.
		_, err := e.Settlement.CreateCost(ctx, e.Owner, settlement.CostInput{ComplexID: cx, SupplierID: sup, InvoiceNumber: "X",
			InvoiceDate: "2025-13-01", PeriodStart: "2025-02-01", PeriodEnd: "2025-01-01", Amount: "12,345", Category: "a|b", UnitIDs: []int64{uo}})
		fe, _ := validation.AsFields(err)
		if fe["invoice_date"] != "settlement.bad_date" || fe["period_end"] != "settlement.end_before_start" ||
			fe["amount"] != "settlement.bad_amount" ||
			fe["category"] != "settlement.bad_category" || fe["unit_ids"] != "settlement.unit_not_in_complex" {
			t.Fatalf("errors: %v", err)
		}
		tenant := e.lease(e.Owner, ua, "2025-01-01", "") // its tenant is no supplier
		_ = tenant
		if _, err := e.Settlement.CreateCost(ctx, e.Viewer, settlement.CostInput{}); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("viewer: %v", err)
		}

		csv := "supplier;invoice_number;invoice_date;period_start;period_end;amount;vat;category;complex;units;description\n" +
			"12345678;F-1;31-12-2025;2025-01-01;2025-12-31;1.234,56;;Schoonmaak;de linde;;trappenhuis\n" +
			fmt.Sprintf("%d;F-2;2025-06-30;2025-01-01;2025-06-30;99.95;17.35;lift;%d;%d;\n", sup, cx, ua)
		bad := csv + "99999999;F-3;2025-06-30;2025-01-01;2025-06-30;abc;;lift;Nergens;;\n" +
			fmt.Sprintf("%d;F-1;2025-06-30;2025-01-01;2025-06-30;1,00;;schoonmaak;%d;%d;\n", sup, cx, uo)
		_, err = e.Settlement.ImportCosts(ctx, e.Owner, strings.NewReader(bad))
		var ie settlement.ImportErrors
		if !errors.As(err, &ie) {
			t.Fatalf("bad import: %v", err)
		}
		got := map[string]string{}
		for _, c := range ie {
			got[fmt.Sprintf("%d:%s", c.Line, c.Column)] = c.Reason
		}
		if got["4:supplier"] != "settlement.unknown_supplier" || got["4:amount"] != "settlement.bad_amount" ||
			got["4:complex"] != "settlement.unknown_complex" ||
			got["5:units"] != "settlement.unit_not_in_complex" || got["5:invoice_number"] != "settlement.csv_duplicate_row" || len(ie) != 5 {
			t.Fatalf("cell errors: %v", ie)
		}
		if p, _ := e.Settlement.Costs(ctx, e.Owner, listing.Query{}, settlement.CostFilter{}); p.Total != 0 {
			t.Fatalf("a bad file wrote %d entries", p.Total)
		}
		res, err := e.Settlement.ImportCosts(ctx, e.Owner, strings.NewReader(csv))
		if err != nil || res.Created != 2 {
			t.Fatalf("import: %+v %v", res, err)
		}
		res, err = e.Settlement.ImportCosts(ctx, e.Owner, strings.NewReader(csv))
		if err != nil || res.Unchanged != 2 || res.Created+res.Updated != 0 {
			t.Fatalf("second import: %+v %v", res, err)
		}
		page, err := e.Settlement.Costs(ctx, e.Viewer, listing.Query{Search: "f-1", Sort: "amount"}, settlement.CostFilter{Year: 2025})
		if err != nil || page.Total != 1 || page.Items[0].Amount != 123456 || page.Items[0].Category != "schoonmaak" ||
			page.Items[0].SupplierName != "Schoon BV" {
			t.Fatalf("search: %+v %v", page, err)
		}

		// Evidence: PDFs only, sealed, readable by the organisation only.
		id := page.Items[0].ID
		if err := e.Settlement.SetEvidence(ctx, e.Owner, id, "f.pdf", []byte("GIF89a not a pdf")); err == nil {
			t.Fatal("a GIF was accepted")
		}
		if err := e.Settlement.SetEvidence(ctx, e.Owner, id, "f.pdf", make([]byte, settlement.MaxEvidenceSize+1)); err == nil {
			t.Fatal("11 MB accepted")
		}
		pdf := []byte("%PDF-1.4\n% Factuur Schoonmaak geheimkenmerk-QX7\n%%EOF\n")
		if err := e.Settlement.SetEvidence(ctx, e.Owner, id, "factuur.pdf", pdf); err != nil {
			t.Fatal(err)
		}
		if found := apptest.FindPlaintext(t, e.DB, "geheimkenmerk-QX7"); len(found) > 0 {
			t.Fatalf("evidence in plain text: %v", found)
		}
		name, data, err := e.Settlement.Evidence(ctx, e.Viewer, id)
		if err != nil || name != "factuur.pdf" || !bytes.Equal(data, pdf) {
			t.Fatalf("evidence: %q %v", name, err)
		}
		if _, _, err := e.Settlement.Evidence(ctx, e.OwnerB, id); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other org evidence: %v", err)
		}
		if err := e.Settlement.DeleteCost(ctx, e.OwnerB, id); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other org delete: %v", err)
		}
		if err := e.Settlement.DeleteCost(ctx, e.Owner, id); err != nil {
			t.Fatal(err)
		}
	})
}
