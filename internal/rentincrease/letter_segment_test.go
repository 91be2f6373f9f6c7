package rentincrease_test

import (
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/portfolio"
	"hms/internal/rentincrease"
)

// DOMAIN §2.1 (segment table) and §7.1: the Huurcommissie rules on social
// and middenhuur rents, not on liberalised ones; a free-sector tenant's
// letter points to the kantonrechter, a social tenant's to the
// Huurcommissie. Both texts are settings with those defaults.
func TestIncreaseLetterObjectionFollowsTheSegmentDOMAIN21(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		on := d("2026-07-01")
		social := e.lease(e.Owner, portfolio.SegmentSociaal, "2020-01-01", 80000)
		free := e.lease(e.Owner, portfolio.SegmentVrij, "2021-03-01", 150000)
		if _, err := e.svc.Propose(ctx, e.Owner, on); err != nil {
			t.Fatal(err)
		}
		plan, err := e.svc.PlanConfirm(ctx, e.Owner, on)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Confirm(ctx, e.Owner, on, plan); err != nil {
			t.Fatal(err)
		}
		letter := func(leaseID int64) string {
			t.Helper()
			ps, err := e.svc.Propose(ctx, e.Owner, on)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				if p.LeaseID == leaseID {
					pdf, err := e.svc.Letter(ctx, e.Owner, p.ID)
					if err != nil {
						t.Fatal(err)
					}
					return strings.Join(strings.Fields(apptest.PDFText(t, pdf)), " ")
				}
			}
			t.Fatalf("no proposal for lease %d", leaseID)
			return ""
		}
		s, f := letter(social), letter(free)
		if !strings.Contains(s, "Huurcommissie") || strings.Contains(s, "kantonrechter") {
			t.Errorf("social letter:\n%s", s)
		}
		if !strings.Contains(f, "kantonrechter") || !strings.Contains(f, "de Huurcommissie doet over deze huurverhoging geen uitspraak") ||
			strings.Contains(f, "Huurcommissie vragen") {
			t.Errorf("free-sector letter:\n%s", f)
		}
		st, err := e.svc.Settings(ctx, e.Owner)
		if err != nil || st.ObjectionTextFree != rentincrease.DefaultObjectionTextFree || st.ObjectionText != rentincrease.DefaultObjectionText {
			t.Fatalf("default texts: %+v %v", st, err)
		}
		fieldErr(t, e.svc.UpdateSettings(ctx, e.Owner, rentincrease.Settings{ObjectionText: "Bezwaar: Huurcommissie.",
			ObjectionTextFree: "te lang " + strings.Repeat("x", 3001)}), "objection_text_free", "field.invalid")
		if err := e.svc.UpdateSettings(ctx, e.Owner, rentincrease.Settings{ObjectionText: "Bezwaar: Huurcommissie.",
			ObjectionTextFree: "Bezwaar: kantonrechter Utrecht."}); err != nil {
			t.Fatal(err)
		}
		if st, _ := e.svc.Settings(ctx, e.Owner); st.ObjectionTextFree != "Bezwaar: kantonrechter Utrecht." {
			t.Fatalf("own free-sector text not kept: %+v", st)
		}
	})
}
