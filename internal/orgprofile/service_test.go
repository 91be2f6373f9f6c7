package orgprofile_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/orgprofile"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

func logoPNG(t *testing.T) []byte {
	img := image.NewRGBA64(image.Rect(0, 0, 40, 20)) // 16-bit: written again as 8-bit
	for x := range 40 {
		img.Set(x, x/2, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The details are checked (KvK, btw-id, postcode by internal/nl), kept per
// organisation, changed by owners and managers only, and every document's
// issuer is built from them.
func TestDetailsAreCheckedKeptAndMakeTheIssuer(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, o *apptest.Org) {
		ctx := context.Background()
		p, err := o.OrgProfile.Get(ctx, o.Viewer)
		if err != nil || p.PaymentTermDays != 14 || strings.Join(p.Missing(), ",") != "legal_name,street,house_number,postcode,city,kvk,email" {
			t.Fatalf("defaults: %+v %v", p, err)
		}
		bad := orgprofile.Input{LegalName: "Alfa Vastgoed BV", KvK: "1234567", VATID: "NL000099998B58", Postcode: "0123 AB",
			Email: "geen-adres", PaymentTermDays: 400, Logo: []byte("GIF89a not a logo")}
		err = o.OrgProfile.Save(ctx, o.Owner, bad)
		fe, ok := validation.AsFields(err)
		if !ok || fe["kvk"] != "orgprofile.kvk_invalid" || fe["vat_id"] != "orgprofile.vat_id_invalid" ||
			fe["postcode"] != "orgprofile.postcode_invalid" || fe["email"] != "email.invalid" ||
			fe["payment_term_days"] != "orgprofile.payment_term_invalid" || fe["logo"] != "orgprofile.logo_type" {
			t.Fatalf("bad input: %v", err)
		}
		if n := o.Count(`SELECT COUNT(*) FROM org_profiles`); n != 0 {
			t.Fatalf("%d rows after refused input", n)
		}
		in := orgprofile.Input{LegalName: "Alfa Vastgoed BV", Street: "Stationsplein", HouseNumber: "1", Postcode: "3511ed",
			City: "Utrecht", Email: "info@alfa.example", Phone: "030 123 4567", KvK: "40536533", VATID: "nl000099998b57",
			PaymentTermDays: 21, Logo: logoPNG(t)}
		if err := o.OrgProfile.Save(ctx, o.Bookkeeper, in); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("a bookkeeper saves: %v", err)
		}
		if err := o.OrgProfile.Save(ctx, o.Manager, in); err != nil {
			t.Fatal(err)
		}
		p, err = o.OrgProfile.Get(ctx, o.Viewer)
		if err != nil || p.Postcode != "3511 ED" || p.VATID != "NL000099998B57" || p.PaymentTermDays != 21 ||
			p.LogoType != "image/png" || len(p.Missing()) != 0 || p.Address() != "Stationsplein 1\n3511 ED Utrecht" {
			t.Fatalf("saved: %+v %v", p, err)
		}
		logo, kind, err := o.OrgProfile.Logo(ctx, o.Viewer)
		if err != nil || kind != "image/png" {
			t.Fatalf("logo: %v %v", kind, err)
		}
		if cfg, err := png.DecodeConfig(bytes.NewReader(logo)); err != nil || cfg.ColorModel != color.NRGBAModel {
			t.Fatalf("logo not 8-bit: %v %v", cfg.ColorModel, err)
		}
		var is struct{ name, addr, kvk, vat, mail string }
		err = o.DB.ReadOrg(ctx, o.Owner.OrgID, func(tx *db.Tx) error {
			i, err := orgprofile.IssuerTx(ctx, tx, "NL91ABNA0417164300")
			is.name, is.addr, is.kvk, is.vat, is.mail = i.Name, i.Address, i.KvK, i.VATID, i.Email
			if len(i.Logo) == 0 || i.IBAN != "NL91ABNA0417164300" {
				t.Errorf("issuer without logo or IBAN: %+v", i.IBAN)
			}
			return err
		})
		if err != nil || is.name != "Alfa Vastgoed BV" || is.addr != "Stationsplein 1\n3511 ED Utrecht" || is.kvk != "40536533" ||
			is.vat != "NL000099998B57" || is.mail != "info@alfa.example" {
			t.Fatalf("issuer: %+v %v", is, err)
		}
		// Saving again without a logo keeps it; removing drops it.
		in.Logo = nil
		if err := o.OrgProfile.Save(ctx, o.Owner, in); err != nil {
			t.Fatal(err)
		}
		if p, _ := o.OrgProfile.Get(ctx, o.Owner); p.LogoType != "image/png" {
			t.Fatal("logo lost on a save without one")
		}
		in.RemoveLogo = true
		if err := o.OrgProfile.Save(ctx, o.Owner, in); err != nil {
			t.Fatal(err)
		}
		if logo, _, _ := o.OrgProfile.Logo(ctx, o.Owner); logo != nil {
			t.Fatal("logo not removed")
		}
		// Beta sees none of it; its issuer is its name in HMS.
		if p, err := o.OrgProfile.Get(ctx, o.OwnerB); err != nil || p.LegalName != "" || p.KvK != "" {
			t.Fatalf("beta sees %+v %v", p, err)
		}
		if n := o.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'organisation.details_changed'`); n != 3 {
			t.Fatalf("%d audit events", n)
		}
	})
}
