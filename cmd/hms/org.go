package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"hms/internal/app"
	"hms/internal/orgprofile"
)

const orgUsage = "usage: hms org show --org SLUG | hms org set --org SLUG [--legal-name X] [--street X] [--house-number X] " +
	"[--postcode X] [--city X] [--email X] [--phone X] [--kvk X] [--vat-id X] [--payment-term-days N] | " +
	"hms org export --org SLUG --out FILE.zip"

// orgCommand shows or changes the organisation's details every document
// prints: the same service as the settings page and the API.
func orgCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "export" {
		return orgExport(ctx, args[1:], stdout)
	}
	if len(args) == 0 || (args[0] != "show" && args[0] != "set") {
		return errors.New(orgUsage)
	}
	var cfg app.Config
	fs := flag.NewFlagSet("org "+args[0], flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	set := map[string]*string{}
	for _, f := range []string{"legal-name", "street", "house-number", "postcode", "city", "email", "phone", "kvk", "vat-id",
		"payment-term-days"} {
		set[f] = fs.String(f, "\x00", "new value (absent: unchanged)")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *slug == "" || fs.NArg() > 0 {
		return errors.New(orgUsage)
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	org, actor, err := systemOwner(ctx, a, *slug)
	if err != nil {
		return err
	}
	p, err := a.OrgProfile.Get(ctx, actor)
	if err != nil {
		return explain(a, err)
	}
	if args[0] == "set" {
		if err := mayWrite(ctx, a, org); err != nil {
			return err
		}
		in := orgprofile.Input{LegalName: p.LegalName, Street: p.Street, HouseNumber: p.HouseNumber, Postcode: p.Postcode, City: p.City,
			Email: p.Email, Phone: p.Phone, KvK: p.KvK, VATID: p.VATID, PaymentTermDays: p.PaymentTermDays}
		for f, v := range map[string]*string{"legal-name": &in.LegalName, "street": &in.Street, "house-number": &in.HouseNumber,
			"postcode": &in.Postcode, "city": &in.City, "email": &in.Email, "phone": &in.Phone, "kvk": &in.KvK, "vat-id": &in.VATID} {
			if *set[f] != "\x00" {
				*v = *set[f]
			}
		}
		if v := *set["payment-term-days"]; v != "\x00" {
			if in.PaymentTermDays, err = strconv.Atoi(v); err != nil || in.PaymentTermDays <= 0 {
				in.PaymentTermDays = -1 // the service names the field
			}
		}
		if err := a.OrgProfile.Save(ctx, actor, in); err != nil {
			return explain(a, err)
		}
		if p, err = a.OrgProfile.Get(ctx, actor); err != nil {
			return explain(a, err)
		}
	}
	for _, row := range [][2]string{{"legal name", p.LegalName}, {"street", p.Street}, {"house number", p.HouseNumber},
		{"postcode", p.Postcode}, {"city", p.City}, {"e-mail", p.Email}, {"phone", p.Phone}, {"KvK", p.KvK}, {"VAT id", p.VATID},
		{"payment term", fmt.Sprintf("%d days", p.PaymentTermDays)},
		{"logo", map[bool]string{true: p.LogoType, false: "none"}[p.LogoType != ""]}} {
		fmt.Fprintf(stdout, "%-13s %s\n", row[0]+":", row[1])
	}
	if m := p.Missing(); len(m) > 0 {
		fmt.Fprintf(stdout, "missing:      %v\n", m)
	}
	return nil
}

// orgExport writes the whole organisation as one zip (issue 14): the same
// service as the settings page and GET /export.
func orgExport(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("org export", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	out := fs.String("out", "", "the zip to write (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *slug == "" || *out == "" || fs.NArg() > 0 {
		return errors.New(orgUsage)
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	_, actor, err := systemOwner(ctx, a, *slug)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	sum, err := a.OrgExport.Export(ctx, actor, f)
	if err != nil {
		f.Close()
		os.Remove(*out)
		return explain(a, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	rows := 0
	for _, t := range sum.Tables {
		rows += t.Rows
	}
	fmt.Fprintf(stdout, "wrote %s: %d tables, %d rows\n", *out, len(sum.Tables), rows)
	return nil
}
