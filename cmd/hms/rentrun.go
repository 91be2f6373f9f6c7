package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/money"
)

// rentRun previews or posts a month's rent: the same service the rent-run
// page and POST /api/v1/rent-runs use, run in this process.
func rentRun(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("rentrun", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	period := fs.String("period", "", "the month to charge, e.g. 2026-01")
	preview := fs.Bool("preview", false, "show what would be posted; write nothing")
	var scope lease.BillingScope
	fs.Int64Var(&scope.ComplexID, "complex", 0, "only the leases of this complex (id)")
	fs.Int64Var(&scope.UnitID, "unit", 0, "only the leases of this unit (id)")
	fs.Int64Var(&scope.LeaseID, "lease", 0, "only this lease (id)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *slug == "" || *period == "" || fs.NArg() > 0 {
		return errors.New("usage: hms rentrun --org SLUG --period YYYY-MM [--preview] [--complex ID | --unit ID | --lease ID]")
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
	in := billing.RunInput{Period: *period, Scope: scope}
	eur := func(c money.Cents) string { return money.Format(c, "en") }
	if *preview {
		p, err := a.Billing.Preview(ctx, actor, in, billing.PreviewWindow{Limit: 500})
		if err != nil {
			return explain(a, err)
		}
		for _, c := range p.Charges {
			var total money.Cents
			for _, l := range c.Lines {
				total += l.Net + l.VAT()
			}
			fmt.Fprintf(stdout, "%s\t%s\tdue %s\t%s\n", c.Reference, c.Period.Key, c.DueDate, eur(total))
		}
		if p.Invoices > len(p.Charges) {
			fmt.Fprintf(stdout, "… and %d more\n", p.Invoices-len(p.Charges))
		}
		for _, w := range p.Warnings {
			fmt.Fprintf(stdout, "warning: %s: %s\n", w.Reference, a.Texts.T("en", w.Message, nil))
		}
		fmt.Fprintf(stdout, "preview %s: %d invoices, %d lines, %s (VAT %s); %d leases already charged; nothing was posted\n",
			p.Period, p.Invoices, p.Lines, eur(p.Total), eur(p.VAT), p.Skipped)
		return nil
	}
	run, err := a.Billing.PostRun(ctx, actor, in, func(done, total int) {
		fmt.Fprintf(stdout, "\r%d / %d leases", done, total)
	})
	fmt.Fprintln(stdout)
	if err != nil {
		return explain(a, err)
	}
	fmt.Fprintf(stdout, "run %d for %s: %d invoices posted, %d lines, %s\n", run.ID, run.Period, run.Invoices, run.Charges, eur(run.Total))
	return nil
}
