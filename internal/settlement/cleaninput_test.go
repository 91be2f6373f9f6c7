package settlement_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/settlement"
)

// Clean input at the cost CSV import (hardening issue, "clean input"): a NUL
// in an invoice number and a right-to-left override in a description are
// refused at their line and column, and nothing is written; the same
// characters typed in the cost form are refused at the field.
func TestCostImportRefusesNULAndBidi(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		cx := e.complex(e.Owner, "De Linde")
		sup := e.supplier(e.Owner, "Schoon BV")
		csv := "supplier;invoice_number;invoice_date;period_start;period_end;amount;vat;category;complex;units;description\n" +
			fmt.Sprintf("%d;F-\x001;2025-06-30;2025-01-01;2025-06-30;99,95;;lift;%d;;\n", sup, cx) +
			fmt.Sprintf("%d;F-2;2025-06-30;2025-01-01;2025-06-30;99,95;;lift;%d;;onderhoud\u202eexe.pdf\n", sup, cx)
		_, err := e.Settlement.ImportCosts(ctx, e.Owner, strings.NewReader(csv))
		var ie settlement.ImportErrors
		if !errors.As(err, &ie) || len(ie) != 2 ||
			ie[0] != (settlement.CellError{Line: 2, Column: "invoice_number", Reason: validation.MsgText}) ||
			ie[1] != (settlement.CellError{Line: 3, Column: "description", Reason: validation.MsgText}) {
			t.Fatalf("import: %v", err)
		}
		if p, _ := e.Settlement.Costs(ctx, e.Owner, listing.Query{}, settlement.CostFilter{}); p.Total != 0 {
			t.Fatalf("a refused file wrote %d entries", p.Total)
		}
		_, err = e.Settlement.CreateCost(ctx, e.Owner, settlement.CostInput{ComplexID: cx, SupplierID: sup, InvoiceNumber: "F-3",
			InvoiceDate: "2025-06-30", PeriodStart: "2025-01-01", PeriodEnd: "2025-06-30", Amount: "10,00", Category: "lift", Description: "a\x00b"})
		if fe, _ := validation.AsFields(err); fe["description"] != validation.MsgText {
			t.Fatalf("form: %v", err)
		}
	})
}
