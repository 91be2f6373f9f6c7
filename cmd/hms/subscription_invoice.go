package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"hms/internal/app"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
)

const (
	subscriptionInvoicesUsage = "usage: hms subscription invoices --org SLUG"
	invoiceRunUsage           = "usage: hms subscription invoice-run [--month YYYY-MM]"
)

// subscriptionInvoices lists HMS's invoices to an organisation, as its
// owner's settings page does.
func subscriptionInvoices(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("subscription invoices", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *slug == "" || fs.NArg() > 0 {
		return errors.New(subscriptionInvoicesUsage)
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
	list, err := a.Subscriptions.Invoices(ctx, actor)
	if err != nil {
		return explain(a, err)
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "no invoices")
	}
	for _, inv := range list {
		fmt.Fprintf(stdout, "%s\t%s\t%s to %s\t%s\t%d units\tnet %s\tVAT %s\ttotal %s\tcollect %s\t%s\n", inv.Number, inv.IssuedOn,
			inv.From, inv.To, inv.PlanEN, inv.Units, money.Format(inv.Net, "en"), money.Format(inv.VAT, "en"),
			money.Format(inv.Total, "en"), inv.CollectOn, invoiceState(inv))
	}
	return nil
}

// invoiceRun issues the month's invoices (default: this month), as the
// monthly job does on the first; a month already issued issues nothing.
func invoiceRun(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("subscription invoice-run", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	month := fs.String("month", "", "the month to invoice, YYYY-MM (default: this month)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New(invoiceRunUsage)
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	m := civil.MonthOf(a.Subscriptions.Today())
	if *month != "" {
		if m, err = civil.ParseMonth(*month); err != nil {
			return fmt.Errorf("--month: %q is not a month (YYYY-MM)", *month)
		}
	}
	n, err := a.Subscriptions.IssueMonth(ctx, m)
	fmt.Fprintf(stdout, "%s: %d invoices issued\n", m, n)
	return err
}

const collectUsage = "usage: hms subscription collect --out FILE"

// collect writes HMS's pain.008 file of every invoice due for collection
// and records the batch, as the console's collection does.
func collect(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("subscription collect", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	out := fs.String("out", "", "where to write the pain.008 file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return errors.New(collectUsage)
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	b, file, err := a.Subscriptions.Collect(ctx, 0, -1)
	if errors.Is(err, validation.ErrNotFound) {
		fmt.Fprintln(stdout, "no invoices due for collection")
		return nil
	}
	if err != nil {
		return explain(a, err)
	}
	if err := os.WriteFile(*out, file, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d invoices, %s, collected on %s\n", *out, b.Items, money.Format(b.Total, "en"), b.CollectOn)
	return nil
}
