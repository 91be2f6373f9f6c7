package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/money"
	"hms/internal/platform/civil"
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
	org, err := a.Accounts.OrgBySlug(ctx, *slug)
	if err != nil {
		return fmt.Errorf("no organisation %q", *slug)
	}
	actor := account.Actor{OrgID: org.ID, OrgSlug: org.Slug, Role: account.Owner, Kind: "system"}
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
			money.Format(inv.Total, "en"), inv.CollectOn, inv.State)
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
