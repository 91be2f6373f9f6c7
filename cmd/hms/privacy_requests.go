package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/privacy/requests"
)

// privacyRequests lists an organisation's subject requests (P20), overdue
// first, or only the overdue ones: the same service as the inbox and the
// API, acting as the organisation's owner.
func privacyRequests(ctx context.Context, args []string, stdout io.Writer) error {
	var slug string
	var overdue bool
	a, err := openApp(ctx, "privacy requests", args, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", "organisation slug")
		fs.BoolVar(&overdue, "overdue", false, "only open requests past their due day")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if slug == "" {
		return errors.New("usage: hms privacy requests --org SLUG [--overdue]")
	}
	org, err := a.Accounts.OrgBySlug(ctx, slug)
	if err != nil {
		return fmt.Errorf("no organisation %q", slug)
	}
	actor := account.Actor{OrgID: org.ID, OrgSlug: org.Slug, Role: account.Owner, Kind: "system"}
	today := a.Requests.Today()
	f := requests.Filter{}
	if overdue {
		f.Overdue = today
	}
	list, err := a.Requests.List(ctx, actor, f)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "no subject requests")
		return nil
	}
	for _, r := range list {
		due := "due " + r.DueOn.String()
		switch {
		case !r.Open():
			due = "closed " + civil.Today(r.ClosedAt).String()
		case r.Overdue(today):
			due = "OVERDUE since " + r.DueOn.String()
		}
		fmt.Fprintf(stdout, "#%d  received %s  %s  %s  %s  %s\n", r.ID, civil.Today(r.ReceivedAt), r.Kind, r.State, due,
			r.Personal.Name)
	}
	return nil
}
