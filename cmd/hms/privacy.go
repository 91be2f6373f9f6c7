package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"hms/internal/app"
)

const privacyUsage = "usage: hms privacy export --org SLUG --person ID --out FILE.zip [--lang nl|en] | " +
	"hms privacy erase --org SLUG --person ID | hms privacy register [--format csv|pdf|json] | hms privacy breaches | " +
	"hms privacy retention --org SLUG [--dry-run] | hms privacy requests --org SLUG [--overdue] | " +
	"hms privacy requests show|verify|extend|export|erase|rectify|refuse|complete|forward ID [--org SLUG | --staff EMAIL] …"

// privacyCommand answers a person's subject request from the command line:
// the same service as the person's page and the API (privacy.Rights),
// acting as the organisation's owner.
func privacyCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "register" {
		return privacyRegister(args[1:], stdout)
	}
	if len(args) > 0 && (args[0] == "restrict" || args[0] == "object") {
		return privacyRestrict(ctx, args[0], args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "hold" {
		return privacyHold(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "retention" {
		return privacyRetention(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "breaches" {
		return privacyBreaches(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "requests" {
		return privacyRequests(ctx, args[1:], stdout)
	}
	if len(args) == 0 || (args[0] != "export" && args[0] != "erase") {
		return errors.New(privacyUsage)
	}
	var cfg app.Config
	fs := flag.NewFlagSet("privacy "+args[0], flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	person := fs.Int64("person", 0, "the person's relation id")
	out := fs.String("out", "", "export: the zip file to write")
	lang := fs.String("lang", "nl", "export: language of the report (nl or en)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *slug == "" || *person <= 0 || fs.NArg() > 0 || (args[0] == "export") != (*out != "") {
		return errors.New(privacyUsage)
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
	if args[0] == "export" {
		f, err := os.OpenFile(*out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		if err := a.Rights.Export(ctx, actor, *person, *lang, f); err != nil {
			f.Close()
			os.Remove(*out)
			return explain(a, err)
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", *out)
		return nil
	}
	rc, err := a.Rights.Erase(ctx, actor, *person)
	if err != nil {
		return explain(a, err)
	}
	t := func(id string) string { return a.Texts.T("en", id, nil) }
	if rc.AlreadyErased {
		fmt.Fprintln(stdout, t("privacy.erase_already"))
	} else {
		fmt.Fprintln(stdout, t("privacy.erase_done"))
	}
	erased, kept := rc.Totals()
	fmt.Fprintln(stdout, t("privacy.receipt_erased")+":")
	for _, e := range erased {
		fmt.Fprintf(stdout, "  %s: %d\n", t(e.What), e.Count)
	}
	fmt.Fprintln(stdout, t("privacy.receipt_kept")+":")
	for _, k := range kept {
		until := t("privacy.receipt_until_none")
		if !k.Until.IsZero() {
			until = "until " + k.Until.String()
		}
		fmt.Fprintf(stdout, "  %s: %d, %s. %s\n", t(k.What), k.Count, until, t(k.Why))
	}
	return nil
}
