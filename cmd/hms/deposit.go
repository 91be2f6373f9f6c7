package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"hms/internal/app"
	"hms/internal/deposit"
	"hms/internal/money"
	"hms/internal/platform/listing"
)

// depositCommand lists the deposits to return: the same service as the
// Waarborgsommen page and the API use.
func depositCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "due" {
		return errors.New("usage: hms deposits due --org SLUG")
	}
	var cfg app.Config
	fs := flag.NewFlagSet("deposits due", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *slug == "" || fs.NArg() > 0 {
		return errors.New("usage: hms deposits due --org SLUG")
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
	page, err := a.Deposits.Due(ctx, actor, listing.Query{All: true}, deposit.DueFilter{})
	if err != nil {
		return explain(a, err)
	}
	var total money.Cents
	for _, it := range page.Items {
		when := fmt.Sprintf("%d days left", it.DaysLeft)
		if it.Overdue() {
			when = fmt.Sprintf("OVERDUE by %d days", -it.DaysLeft)
		} else if it.State == deposit.StateHeld {
			when = "lease still running"
		}
		fmt.Fprintf(stdout, "%s\tends %s\treturn by %s\t%s\t%s\n", it.Reference, it.EndsOn, it.Deadline, money.Format(it.Held, "en"), when)
		total += it.Held
	}
	fmt.Fprintf(stdout, "%d deposits to return, %s held\n", page.Total, money.Format(total, "en"))
	return nil
}
