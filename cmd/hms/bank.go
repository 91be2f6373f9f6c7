package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"hms/internal/app"
	"hms/internal/reconcile"
)

const bankUsage = "usage: hms bank import --org SLUG [--add-account] [--json] FILE"

// bankCommand imports a statement file: the same service as the upload page
// and the API use. Exit 0 when imported (with or without warnings), 2 when
// refused (then nothing of the file is stored).
func bankCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return errors.New(bankUsage)
	}
	var cfg app.Config
	fs := flag.NewFlagSet("bank import", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	add := fs.Bool("add-account", false, "add the accounts of the file the organisation does not have")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *slug == "" || fs.NArg() != 1 {
		return errors.New(bankUsage)
	}
	fh, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer fh.Close()
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	org, actor, err := systemOwner(ctx, a, *slug)
	if err != nil {
		return err
	}
	if err := mayWrite(ctx, a, org); err != nil {
		return err
	}
	res, err := a.Reconcile.Import(ctx, actor, fh, reconcile.ImportOptions{FileName: filepath.Base(fs.Arg(0)), AddAccount: *add})
	if r, ok := errors.AsType[*reconcile.Refused](err); ok {
		return &exitError{code: 2, err: errors.New(refusedText(a, r))}
	}
	if err != nil {
		return explain(a, err)
	}
	warnings := make([]string, 0, len(res.Warnings))
	for _, w := range res.Warnings {
		warnings = append(warnings, warningText(a, w))
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(struct {
			reconcile.Result
			Warnings []string `json:"warnings"`
		}{res, warnings})
	}
	fmt.Fprintf(stdout, "%d statements, %d entries: %d new, %d stored before; %d credits matched, %d left for review\n",
		res.Statements, res.Entries, res.New, res.Duplicates, res.Matched, res.Review)
	for _, acc := range res.AddedAccounts {
		fmt.Fprintf(stdout, "account added: %s\n", acc)
	}
	for _, w := range warnings {
		fmt.Fprintln(stdout, "warning:", w)
	}
	return nil
}

// refusedText says in English why a file was refused and where.
func refusedText(a *app.App, r *reconcile.Refused) string {
	msg := a.Texts.T("en", r.MsgID, map[string]any{"Account": r.Account})
	switch {
	case r.Line > 0:
		return fmt.Sprintf("line %d: %s (%s)", r.Line, msg, r.Detail)
	case r.Path != "":
		return fmt.Sprintf("at %s: %s (%s)", r.Path, msg, r.Detail)
	}
	return msg
}

func warningText(a *app.App, w reconcile.Warning) string {
	msg := w.Account + ": " + a.Texts.T("en", w.MsgID, nil)
	switch {
	case w.Line > 0:
		msg = fmt.Sprintf("%s (line %d)", msg, w.Line)
	case w.Path != "":
		msg = fmt.Sprintf("%s (at %s)", msg, w.Path)
	}
	if w.Detail != "" {
		msg += ": " + w.Detail
	}
	return msg
}
