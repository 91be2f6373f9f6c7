package settlement_test

import (
	"errors"
	"strings"
	"testing"

	"hms/internal/settlement"
)

// The administration fee is capped at 5% (DOMAIN.md §7.5: "in het algemeen
// maximaal 5% van de totale servicekosten"). DOMAIN.md §7.12 example 2 at
// 12% would charge tenant B 12% × 923.66 = 110.8392 → €110.84 instead of at
// most €46.18; the calculator refuses it at the field and the year settings
// refuse it beside the field, on both engines, changing nothing. At 5% the
// fee is 5% × 923.66 = 46.183 → €46.18, the figure of the example.
func TestAdminFeeCappedAt5PercentDOMAIN75(t *testing.T) {
	in := example2()
	in.AdminFeePercent = "12"
	var e *settlement.Error
	if _, err := settlement.Compute(in); !errors.As(err, &e) || e.Field != "admin_fee_percent" || !strings.Contains(e.Message, "at most 5%") {
		t.Fatalf("12%%: %v, want a refusal at admin_fee_percent", err)
	}
	in.AdminFeePercent = "5.01"
	if _, err := settlement.Compute(in); !errors.As(err, &e) || e.Field != "admin_fee_percent" {
		t.Fatalf("5.01%%: %v, want a refusal at admin_fee_percent", err)
	}
	in.AdminFeePercent = "5"
	b := occByID(t, compute(t, in), "lease-12")
	if b.Subtotal.String() != "923.66" || b.AdminFee.String() != "46.18" || b.Total.String() != "969.84" {
		t.Fatalf("5%%: subtotal %s, fee %s, total %s; want 923.66, 46.18, 969.84", b.Subtotal, b.AdminFee, b.Total)
	}

	each(t, func(t *testing.T, e *env) {
		cx := e.complex(e.owner, "Het Hof")
		e.unit(e.owner, cx, "62")
		fieldErr(t, e.Settlement.SetYearSettings(ctx, e.owner, cx, 2025, "12", nil), "admin_fee_percent", "settlement.admin_fee_cap")
		fieldErr(t, e.Settlement.SetYearSettings(ctx, e.owner, cx, 2025, "5,5", nil), "admin_fee_percent", "settlement.admin_fee_cap")
		y := must[*settlement.YearSettings](t)(e.Settlement.Year(ctx, e.owner, cx, 2025))
		if y.AdminFeePercent != settlement.DefaultAdminFeePercent {
			t.Fatalf("a refused percentage was stored: %s", y.AdminFeePercent)
		}
		must[struct{}](t)(struct{}{}, e.Settlement.SetYearSettings(ctx, e.owner, cx, 2025, "5", nil))
		must[struct{}](t)(struct{}{}, e.Settlement.SetYearSettings(ctx, e.owner, cx, 2025, "2,5", nil))
		if y := must[*settlement.YearSettings](t)(e.Settlement.Year(ctx, e.owner, cx, 2025)); y.AdminFeePercent != "2.5" {
			t.Fatalf("2,5%%: stored %s", y.AdminFeePercent)
		}
	})
}
