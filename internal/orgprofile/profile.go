// Package orgprofile keeps the organisation's details that every document
// prints: the legal name, the address, e-mail and phone, the KvK number and
// VAT id, the logo and the payment term. It is one small capability below
// all others (it imports only the platform), so that billing, dunning,
// deposit, settlement, direct debit, rent increase and payout take the
// issuer of their documents from one function, IssuerTx, without importing
// each other. (It is not in account: account is the platform's users and
// memberships, and documents would then pull in logins and sessions.)
package orgprofile

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"unicode/utf8"

	"hms/internal/nl"
	"hms/internal/platform/address"
	"hms/internal/platform/validation"
)

// Profile is the organisation's details.
type Profile struct {
	LegalName   string // empty: the organisation's name in HMS
	Street      string
	HouseNumber string
	Postcode    string // "1234 AB"
	City        string
	Email       string
	Phone       string
	KvK         string // 8 digits
	VATID       string // btw-id, NL000099998B57
	// PaymentTermDays: invoices of a late rent run are due this many days
	// after issue.
	PaymentTermDays int
	LogoType        string // "image/png", "image/jpeg" or "" (none)
	UpdatedAt       string
}

// Input changes the details. Logo nil keeps the logo, RemoveLogo drops it.
type Input struct {
	LegalName, Street, HouseNumber, Postcode, City string
	Email, Phone, KvK, VATID                       string
	PaymentTermDays                                int // 0: the default
	Logo                                           []byte
	RemoveLogo                                     bool
}

// Defaults and limits.
const (
	DefaultPaymentTerm = 14
	MaxPaymentTerm     = 365
	MaxLogoBytes       = 512 << 10 // an upload larger than this is refused
	maxLogoPixels      = 4000
)

// Fields are the details in the order of the settings page.
var Fields = []string{"legal_name", "street", "house_number", "postcode", "city", "email", "phone", "kvk", "vat_id",
	"payment_term_days", "logo"}

// Address is the postal address as printed: street and number, then
// postcode and city on a second line, in the house form ([address.Parts.Lines]).
func (p Profile) Address() string {
	return address.Parts{Street: p.Street, Number: p.HouseNumber, Postcode: p.Postcode, City: p.City}.Lines()
}

// Missing are the details a document should carry that are not set, as
// field names: legal_name, street, house_number, postcode, city, kvk, email.
// The VAT id is not among them: a landlord who lets dwellings only charges
// no VAT (billing refuses VAT lines without it).
func (p Profile) Missing() []string {
	var out []string
	for _, f := range []struct{ name, v string }{{"legal_name", p.LegalName}, {"street", p.Street},
		{"house_number", p.HouseNumber}, {"postcode", p.Postcode}, {"city", p.City}, {"kvk", p.KvK}, {"email", p.Email}} {
		if strings.TrimSpace(f.v) == "" {
			out = append(out, f.name)
		}
	}
	return out
}

// check cleans and checks the input: field errors name the form's fields.
func (in *Input) check() (logoType string, err error) {
	fe := validation.Errors{}
	for _, f := range []struct {
		field string
		v     *string
		max   int
	}{
		{"legal_name", &in.LegalName, 120}, {"street", &in.Street, 120}, {"house_number", &in.HouseNumber, 20},
		{"postcode", &in.Postcode, 10}, {"city", &in.City, 80}, {"email", &in.Email, 254}, {"phone", &in.Phone, 40},
		{"kvk", &in.KvK, 20}, {"vat_id", &in.VATID, 20},
	} {
		*f.v = strings.TrimSpace(*f.v)
		fe.CheckText(f.field, *f.v, false)
		if utf8.RuneCountInString(*f.v) > f.max {
			fe.Add(f.field, "field.invalid")
		}
	}
	if _, bad := fe["postcode"]; in.Postcode != "" && !bad {
		if pc, err := nl.NormalizePostcode(in.Postcode); err != nil {
			fe.Add("postcode", "orgprofile.postcode_invalid")
		} else {
			in.Postcode = pc
		}
	}
	if in.KvK != "" && nl.ValidateKvK(strings.ReplaceAll(in.KvK, " ", "")) != nil {
		fe.Add("kvk", "orgprofile.kvk_invalid")
	}
	in.KvK = strings.ReplaceAll(in.KvK, " ", "")
	if in.VATID != "" {
		if v, err := nl.NormalizeBTW(in.VATID); err != nil {
			fe.Add("vat_id", "orgprofile.vat_id_invalid")
		} else {
			in.VATID = v
		}
	}
	if in.Email != "" && (!strings.Contains(in.Email, "@") || strings.ContainsAny(in.Email, " ,;<>")) {
		fe.Add("email", "email.invalid")
	}
	if in.PaymentTermDays == 0 {
		in.PaymentTermDays = DefaultPaymentTerm
	}
	if in.PaymentTermDays < 1 || in.PaymentTermDays > MaxPaymentTerm {
		fe.Add("payment_term_days", "orgprofile.payment_term_invalid")
	}
	if in.Logo != nil && !in.RemoveLogo {
		var msg string
		in.Logo, logoType, msg = cleanLogo(in.Logo)
		if msg != "" {
			fe.Add("logo", msg)
		}
	}
	return logoType, fe.Err()
}

// cleanLogo checks an uploaded logo: PNG or JPEG, at most MaxLogoBytes and
// maxLogoPixels a side. A PNG is written again as 8-bit RGBA (the PDF
// writer reads neither interlaced nor 16-bit PNGs); a JPEG is kept as sent.
func cleanLogo(b []byte) ([]byte, string, string) {
	if len(b) > MaxLogoBytes {
		return nil, "", "orgprofile.logo_too_large"
	}
	kind := http.DetectContentType(b)
	if kind != "image/png" && kind != "image/jpeg" {
		return nil, "", "orgprofile.logo_type"
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxLogoPixels || cfg.Height > maxLogoPixels {
		return nil, "", "orgprofile.logo_unreadable"
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, "", "orgprofile.logo_unreadable"
	}
	if kind == "image/jpeg" {
		if _, ok := img.(*image.CMYK); ok { // the PDF writer takes RGB and grey JPEGs
			var out bytes.Buffer
			if jpeg.Encode(&out, toRGBA(img), &jpeg.Options{Quality: 90}) != nil {
				return nil, "", "orgprofile.logo_unreadable"
			}
			return out.Bytes(), kind, ""
		}
		return b, kind, ""
	}
	var out bytes.Buffer
	if png.Encode(&out, toRGBA(img)) != nil {
		return nil, "", "orgprofile.logo_unreadable"
	}
	if out.Len() > MaxLogoBytes*2 {
		return nil, "", "orgprofile.logo_too_large"
	}
	return out.Bytes(), kind, ""
}

func toRGBA(img image.Image) *image.NRGBA {
	out := image.NewNRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out
}
