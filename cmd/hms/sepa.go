package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"hms/internal/app"
	"hms/internal/directdebit"
	"hms/internal/money"
	"hms/internal/platform/civil"
)

const sepaUsage = `usage: hms sepa export --org SLUG --collection-date YYYY-MM-DD [--due-until YYYY-MM-DD] --out FILE`

// sepaCommand runs `hms sepa export`: the collection the Incasso page makes
// (the same service), made in this process and written to a file.
func sepaCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "export" {
		return errors.New(sepaUsage)
	}
	var cfg app.Config
	fs := flag.NewFlagSet("sepa export", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	dateArg := fs.String("collection-date", "", "the requested collection date (a TARGET2 business day, the bank's lead days ahead)")
	dueArg := fs.String("due-until", "", "collect the open invoices due on or before this day (default: the collection date)")
	out := fs.String("out", "", "the pain.008 file to write")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *slug == "" || *dateArg == "" || *out == "" || fs.NArg() > 0 {
		return errors.New(sepaUsage)
	}
	var in directdebit.CollectionInput
	var err error
	if in.CollectionDate, err = civil.Parse(*dateArg); err != nil {
		return &exitError{code: 2, err: fmt.Errorf("--collection-date: %q is not a date (YYYY-MM-DD)", *dateArg)}
	}
	if *dueArg != "" {
		if in.DueUntil, err = civil.Parse(*dueArg); err != nil {
			return &exitError{code: 2, err: fmt.Errorf("--due-until: %q is not a date (YYYY-MM-DD)", *dueArg)}
		}
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
	if err := mayWrite(ctx, a, org); err != nil {
		return err
	}
	flags := map[string]string{"collection_date": "--collection-date", "due_until": "--due-until", "account_id": "--account"}
	eur := func(c money.Cents) string { return money.Format(c, "en") }
	p, err := a.DirectDebit.Preview(ctx, actor, in)
	if err != nil {
		return explainFlags(a, err, flags)
	}
	left := map[string]int{}
	for _, l := range p.LeftOut {
		left[l.Reason]++
	}
	for reason, n := range left {
		fmt.Fprintf(stdout, "left out: %d invoices: %s\n", n, a.Texts.T("en", reason, nil))
	}
	if p.Count == 0 {
		fmt.Fprintf(stdout, "nothing to collect on %s (invoices due up to %s); no file was written\n", p.CollectionDate, p.DueUntil)
		return nil
	}
	b, err := a.DirectDebit.Create(ctx, actor, in, directdebit.Expectation{Count: p.Count, Total: p.Total})
	if err != nil {
		return explainFlags(a, err, flags)
	}
	file, _, err := a.DirectDebit.File(ctx, actor, b.ID)
	if err != nil {
		return err
	}
	// The file holds debtors' names and IBANs: readable by its owner only.
	if err := os.WriteFile(*out, file, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "collection %s on %s: %d debits, %s (%s); %d pre-notifications mailed; written to %s\n",
		b.MessageID, b.CollectionDate, b.Count, eur(b.Total), b.Version, b.Prenotices, *out)
	return nil
}
