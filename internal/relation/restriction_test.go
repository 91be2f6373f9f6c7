package relation_test

import (
	"fmt"
	"slices"
	"testing"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/privacy"
	"hms/internal/relation"
)

func listed(t *testing.T, e *apptest.Org, a account.Actor, search string, id int64) (bool, bool) {
	t.Helper()
	page, err := e.Relations.List(ctx, a, listing.Query{Search: search, Limit: 50}, relation.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range page.Items {
		if it.ID == id {
			return true, it.Restricted
		}
	}
	return false, false
}

// A restricted person is hidden from every role's lists and search but the
// owner's, who sees them marked; lifting shows them again. Each change is
// audited, and the person's page (Get) still opens for the manager.
func TestRestrictionHidesThePersonButFromOwners(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, e *apptest.Org) {
		p := e.Person(e.Owner, relation.PersonInput{Surname: "Beperktmans"})
		other := e.Person(e.Owner, relation.PersonInput{Surname: "Vrijmans"})
		if err := e.Relations.Restrict(ctx, e.Viewer, p, relation.GroundAccuracy); err != validation.ErrForbidden {
			t.Fatalf("viewer restricted: %v", err)
		}
		fieldErr(t, e.Relations.Restrict(ctx, e.Manager, p, "whim"), "ground", "field.invalid")
		if err := e.Relations.Restrict(ctx, e.Manager, p, relation.GroundAccuracy); err != nil {
			t.Fatal(err)
		}
		if err := e.Relations.Restrict(ctx, e.OwnerB, p, relation.GroundAccuracy); err != validation.ErrNotFound {
			t.Fatalf("another organisation restricted: %v", err)
		}
		for _, a := range []account.Actor{e.Manager, e.Viewer} {
			for _, q := range []string{"", "Beperktmans", "beperk"} {
				if in, _ := listed(t, e, a, q, p); in {
					t.Errorf("%s sees the restricted person in the list %q", a.Role, q)
				}
			}
			if in, _ := listed(t, e, a, "", other); !in {
				t.Errorf("%s lost the other person", a.Role)
			}
			res, err := e.Overview.Search(ctx, a, "Beperktmans")
			if err != nil || len(res) != 0 {
				t.Errorf("%s finds the restricted person: %+v %v", a.Role, res, err)
			}
		}
		page, err := e.Relations.List(ctx, e.Viewer, listing.Query{Limit: 50}, relation.Filter{})
		if err != nil || page.Total != 1 {
			t.Errorf("viewer's total %d (%v), want 1", page.Total, err)
		}
		if in, marked := listed(t, e, e.Owner, "Beperktmans", p); !in || !marked {
			t.Errorf("owner: listed %v, marked %v", in, marked)
		}
		if in, marked := listed(t, e, e.Owner, "", p); !in || !marked {
			t.Errorf("owner's whole list: listed %v, marked %v", in, marked)
		}
		rel, err := e.Relations.Get(ctx, e.Manager, p, relation.ViaWeb)
		if err != nil || rel.Restriction == nil || rel.Restriction.Ground != relation.GroundAccuracy || !rel.Restriction.Since.Equal(now) {
			t.Fatalf("manager's view: %+v %v", rel, err)
		}
		if err := e.Relations.LiftRestriction(ctx, e.Manager, p); err != nil {
			t.Fatal(err)
		}
		if in, _ := listed(t, e, e.Viewer, "Beperktmans", p); !in {
			t.Error("lifted, still hidden from the viewer")
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE action IN ('relation.restricted', 'relation.restriction_lifted')
			AND target_id = $1`, fmt.Sprint(p)); n != 2 {
			t.Errorf("%d audit events, want 2", n)
		}
	})
}

// An objection upheld restricts the person; a rejection needs its reasons;
// both show and are exported with the restriction.
func TestObjectionUpheldRestrictsAndIsExported(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, e *apptest.Org) {
		p := e.Person(e.Owner, relation.PersonInput{Surname: "Bezwaarder"})
		day := civil.Today(now)
		_, err := e.Relations.RecordObjection(ctx, e.Manager, p, relation.ObjectionInput{Processing: relation.ProcessingDunning,
			Grounds: "Ik wil geen aanmaningen per e-mail", ReceivedOn: day, Decision: relation.DecisionRejected})
		fieldErr(t, err, "reason", "relation.objection.reason_required")
		_, err = e.Relations.RecordObjection(ctx, e.Manager, p, relation.ObjectionInput{Processing: relation.ProcessingDunning,
			Grounds: "Ik wil geen aanmaningen per e-mail", ReceivedOn: day.AddDays(1)})
		fieldErr(t, err, "received_on", "relation.objection.future")
		rejected, err := e.Relations.RecordObjection(ctx, e.Manager, p, relation.ObjectionInput{Processing: relation.ProcessingDunning,
			Grounds: "Ik wil geen aanmaningen per e-mail", ReceivedOn: day, Decision: relation.DecisionRejected,
			Reason: "De huurachterstand moet worden geïnd"})
		if err != nil || rejected == 0 {
			t.Fatal(err)
		}
		rel, _ := e.Relations.Get(ctx, e.Owner, p, relation.ViaWeb)
		if rel.Restriction != nil {
			t.Fatal("a rejected objection restricted the person")
		}
		pending, err := e.Relations.RecordObjection(ctx, e.Manager, p, relation.ObjectionInput{Processing: relation.ProcessingMail,
			Grounds: "Stuur mij geen e-mail meer", ReceivedOn: day})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Relations.DecideObjection(ctx, e.Manager, p, rejected, relation.DecisionUpheld, ""); err != relation.ErrObjectionDecided {
			t.Fatalf("decided twice: %v", err)
		}
		if err := e.Relations.DecideObjection(ctx, e.Manager, p, pending, relation.DecisionUpheld, ""); err != nil {
			t.Fatal(err)
		}
		rel, _ = e.Relations.Get(ctx, e.Owner, p, relation.ViaWeb)
		if rel.Restriction == nil || rel.Restriction.Ground != relation.GroundObjection {
			t.Fatalf("upheld objection: restriction %+v", rel.Restriction)
		}
		obs, err := e.Relations.Objections(ctx, e.Viewer, p)
		if err != nil || len(obs) != 2 || obs[0].Reason != "De huurachterstand moet worden geïnd" ||
			obs[1].Decision != relation.DecisionUpheld || obs[1].Grounds != "Stuur mij geen e-mail meer" {
			t.Fatalf("objections: %+v %v", obs, err)
		}
		if hits := apptest.FindPlaintext(t, e.DB, "Stuur mij geen e-mail meer", "De huurachterstand moet"); len(hits) > 0 {
			t.Fatalf("plaintext in the database: %v", hits)
		}
		rep, err := e.Rights.Collect(ctx, e.Owner, p)
		if err != nil {
			t.Fatal(err)
		}
		var fields, texts []string
		var keys []string
		for _, src := range rep.Sections {
			if src.Source != "relation" {
				continue
			}
			for _, sec := range src.Sections {
				keys = append(keys, sec.Key)
				for _, rec := range sec.Records {
					for _, v := range rec {
						fields = append(fields, v.Word)
						texts = append(texts, v.Text)
					}
				}
			}
		}
		for _, w := range []string{"privacy.field.restricted_since", "relation.ground.objection", "relation.processing.mail",
			"relation.decision.rejected"} {
			if !slices.Contains(fields, w) {
				t.Errorf("export lacks %s: %v", w, fields)
			}
		}
		if !slices.Contains(keys, "relation.objections") || !slices.Contains(texts, "Stuur mij geen e-mail meer") ||
			!slices.Contains(texts, "De huurachterstand moet worden geïnd") {
			t.Errorf("export: sections %v, texts %v", keys, texts)
		}
		_ = privacy.Section{}
	})
}

// A guarded objection text is refused at its field until a reason is given.
func TestObjectionGroundsAreGuarded(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, e *apptest.Org) {
		p := e.Person(e.Owner, relation.PersonInput{Surname: "Bewaakt"})
		in := relation.ObjectionInput{Processing: relation.ProcessingAll, ReceivedOn: civil.Today(now),
			Grounds: "Ik ben ziek en heb een depressie"}
		_, err := e.Relations.RecordObjection(ctx, e.Manager, p, in)
		fe, ok := validation.AsFields(err)
		if !ok || fe["grounds"] == "" {
			t.Fatalf("guard let it through: %v", err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM relation_objections`); n != 0 {
			t.Fatalf("%d objections stored", n)
		}
	})
}
