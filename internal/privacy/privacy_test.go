package privacy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/validation"
	"hms/internal/privacy"
)

var ctx = context.Background()

// The agreement says what GDPR art. 28(3) requires it to say.
func TestAgreementText(t *testing.T) {
	a := privacy.CurrentProcessorAgreement(civil.New(2026, time.March, 1))
	if a.Version != "2026-01" || a.Effective != civil.New(2026, time.January, 1) {
		t.Fatalf("current agreement %+v", a)
	}
	text := strings.ToLower(strings.Join(strings.Fields(a.Text()), " "))
	for _, must := range []string{
		"artikel 28", "onderwerp", "duur", "aard en doel", "soorten persoonsgegevens", "betrokkenen",
		"alleen op schriftelijke instructie", "geheimhouding", "beveiliging", "subverwerker", "rechten van betrokkenen",
		"zonder onredelijke vertraging", "wist hms", "audit", "buiten de eer",
	} {
		if !strings.Contains(text, must) {
			t.Errorf("the agreement does not mention %q", must)
		}
	}
	// Before any version is in effect, the first one applies.
	if v := privacy.CurrentProcessorAgreement(civil.New(2020, time.January, 1)).Version; v != "2026-01" {
		t.Errorf("early current version %q", v)
	}
}

func TestAcceptanceAndSettings(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{NoServer: true, Clock: clk})
			actor := func(slug, email string, role account.Role) account.Actor {
				_, id, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: slug, Email: email, Role: role})
				if err != nil {
					t.Fatal(err)
				}
				a, err := e.Accounts.ActorFor(ctx, id, slug)
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			owner, manager := actor("a", "owner@a.nl", account.Owner), actor("a", "manager@a.nl", account.Manager)
			ownerB := actor("b", "owner@b.nl", account.Owner)
			accepted := func(org int64) bool {
				var ok bool
				if err := e.DB.ReadOrg(ctx, org, func(tx *db.Tx) error {
					var err error
					ok, err = e.Privacy.Accepted(ctx, tx)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return ok
			}
			if accepted(owner.OrgID) {
				t.Fatal("accepted before anyone did")
			}
			if err := e.Privacy.AcceptProcessorAgreement(ctx, manager, "2026-01"); !errors.Is(err, validation.ErrForbidden) {
				t.Fatalf("manager: %v", err)
			}
			if err := e.Privacy.AcceptProcessorAgreement(ctx, owner, "2026-01"); err != nil {
				t.Fatal(err)
			}
			if !accepted(owner.OrgID) || accepted(ownerB.OrgID) {
				t.Fatal("acceptance not recorded for A only")
			}
			err := e.DB.ReadOrg(ctx, ownerB.OrgID, func(tx *db.Tx) error { return e.Privacy.RequireAccepted(ctx, tx) })
			if !errors.Is(err, privacy.ErrAgreementNotAccepted) {
				t.Fatalf("B: %v", err)
			}

			// Settings: off by default, on only with a purpose, owners only.
			st, err := e.Privacy.Settings(ctx, manager)
			if err != nil || st.Enabled(privacy.FieldBirthPlace) || st.Enabled(privacy.FieldNationality) {
				t.Fatalf("defaults: %+v %v", st, err)
			}
			in := privacy.SettingsInput{Enabled: map[string]bool{privacy.FieldNationality: true},
				Purposes: map[string]string{privacy.FieldNationality: strings.Repeat("x", 501)}}
			if fe, _ := validation.AsFields(e.Privacy.UpdateSettings(ctx, owner, in)); fe["nationality_purpose"] != "privacy.purpose_too_long" {
				t.Fatalf("long purpose: %v", fe)
			}
			in.Purposes[privacy.FieldNationality] = "  Vereist   voor de huurtoeslag.  "
			if err := e.Privacy.UpdateSettings(ctx, owner, in); err != nil {
				t.Fatal(err)
			}
			st, _ = e.Privacy.Settings(ctx, manager)
			if f := st.Fields[privacy.FieldNationality]; !f.Enabled || f.Purpose != "Vereist voor de huurtoeslag." || f.EnabledBy != owner.UserID {
				t.Fatalf("after enabling: %+v", st)
			}
			if st, _ := e.Privacy.Settings(ctx, ownerB); st.Enabled(privacy.FieldNationality) {
				t.Fatal("B sees A's setting")
			}
			// Turning it off again.
			if err := e.Privacy.UpdateSettings(ctx, owner, privacy.SettingsInput{}); err != nil {
				t.Fatal(err)
			}
			if st, _ := e.Privacy.Settings(ctx, manager); st.Enabled(privacy.FieldNationality) {
				t.Fatal("still on")
			}
			var n int
			if err := e.DB.ReadOrg(ctx, owner.OrgID, func(tx *db.Tx) error {
				return tx.QueryRowContext(ctx, `SELECT count(*) FROM audit_events WHERE org_id = $1 AND action LIKE 'privacy.%'`, tx.OrgID()).Scan(&n)
			}); err != nil || n != 3 {
				t.Fatalf("%d privacy events (accept, enable, disable), %v", n, err)
			}
		})
	}
}
