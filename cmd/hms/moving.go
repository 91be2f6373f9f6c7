package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/importer"
)

// importMoving imports opening balances or pre-HMS advances (kind
// "opening-balances" or "advances") for an organisation: every row is
// checked, nothing is written unless all pass, a second import changes
// nothing.
func importMoving(ctx context.Context, kind string, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("import "+kind, flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	if err := fs.Parse(args); err != nil {
		return err
	}
	file := fs.Arg(0)
	if file == "" || fs.NArg() > 1 {
		return fmt.Errorf("usage: hms import %s --org SLUG FILE.csv", kind)
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	org, err := a.Accounts.OrgBySlug(ctx, *slug)
	if err != nil {
		return fmt.Errorf("no organisation %q", *slug)
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	// The operator acts for the organisation as the system, with an owner's rights.
	actor := account.Actor{OrgID: org.ID, OrgSlug: org.Slug, Role: account.Owner, Kind: "system"}
	if err := mayWrite(ctx, a, org); err != nil {
		return err
	}
	run := a.Importer.ImportOpeningBalances
	if kind == "advances" {
		run = a.Importer.ImportAdvances
	}
	res, cellErrs, err := run(ctx, actor, f)
	if len(cellErrs) > 0 {
		for _, ce := range cellErrs {
			col := ce.Column
			if col == "" {
				col = "(line)"
			}
			fmt.Fprintf(stdout, "line %d, %s: %s\n", ce.Line, col, a.Texts.T("en", ce.Reason, nil))
		}
		return fmt.Errorf("%d errors; nothing was imported", len(cellErrs))
	}
	var fe *importer.FormatError
	if errors.As(err, &fe) {
		args := map[string]any{}
		for k, v := range fe.Args {
			args[k] = v
		}
		return errors.New(a.Texts.T("en", fe.ID, args))
	}
	if err != nil {
		return explain(a, err)
	}
	fmt.Fprintf(stdout, "imported %d lines: %d new, %d updated, %d unchanged\n", res.Rows, res.Added, res.Changed, res.Unchanged)
	return nil
}
