package dunning

import (
	"testing"

	"hms/internal/ledger"
	"hms/internal/platform/civil"
)

// No collection costs over collection costs: a 14-day letter asks for the
// costs charged before with the rest, but computes its own costs over the
// other charges only; a charge covered by a plan or a hand-over is left out,
// as is one that reached the letter's stage before.
func TestLetterForLeavesCostsOutOfThePrincipal(t *testing.T) {
	d := civil.MustParse
	rent := ledger.Charge{ID: 1, LeaseID: 7, Line: ledger.Line("bare_rent", "", ""), DueDate: d("2026-01-01"), Total: 100000}
	costs := ledger.Charge{ID: 2, LeaseID: 7, Line: ledger.Line(ledger.CollectionCostsKind, "", "brief 2025-11-02"), DueDate: d("2026-01-05"),
		Total: 15000}
	covered := ledger.Charge{ID: 3, LeaseID: 7, Line: ledger.Line("bare_rent", "", ""), DueDate: d("2025-12-01"), Total: 100000}
	held := ledger.Charge{ID: 4, LeaseID: 7, Line: ledger.Line("bare_rent", "", ""), DueDate: d("2025-11-01"), Total: 100000}
	before := ledger.Charge{ID: 5, LeaseID: 7, Line: ledger.Line("parking", "", ""), DueDate: d("2025-10-01"), Total: 5000}
	b := &books{today: d("2026-02-10"), st: DefaultSettings(), open: map[int64][]ledger.Charge{7: {before, held, covered, rent, costs}},
		covered: map[int64]int64{3: 1}, held: map[int64]int64{4: 9}, reached: map[int64]reached{5: {stage: StageWIK, letterID: 3}}}
	lp, err := b.letterFor(7, StageWIK, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(lp.charges) != 2 || lp.principal != 115000 || lp.base != 100000 || lp.costs != 15000 || lp.oldest != d("2026-01-01") {
		t.Fatalf("letter %+v", lp)
	}
	// A company's sommatie names no costs unless the setting says so.
	if lp, _ := b.letterFor(7, StageDemand, false); lp.costs != 0 {
		t.Fatalf("sommatie costs %s", lp.costs)
	}
	b.st.CompanyCosts = true
	if lp, _ := b.letterFor(7, StageDemand, false); lp.costs != 15000 {
		t.Fatalf("sommatie costs with the setting %s", lp.costs)
	}
}
