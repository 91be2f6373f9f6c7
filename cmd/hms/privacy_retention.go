package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"hms/internal/app"
	"hms/internal/privacy/retention"
)

const retentionUsage = "usage: hms privacy retention --org SLUG [--dry-run]"

// privacyRetention runs the organisation's retention now (what the daily
// privacy.retention job does), or with --dry-run says what it would do.
func privacyRetention(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("privacy retention", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	dry := fs.Bool("dry-run", false, "say what the run would do, change nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *slug == "" || fs.NArg() > 0 {
		return errors.New(retentionUsage)
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
	actor := retention.SystemActor(org.ID)
	actor.OrgSlug = org.Slug
	var p *retention.Plan
	if *dry {
		p, err = a.Keeping.Preview(ctx, actor)
	} else {
		p, err = a.Keeping.Run(ctx, actor)
	}
	if err != nil {
		return explain(a, err)
	}
	t := func(id string) string { return a.Texts.T("en", id, nil) }
	what := "done"
	if *dry {
		what = "dry run"
	}
	fmt.Fprintf(stdout, "retention of %s on %s (%s)\n", org.Slug, p.Day.Long("en"), what)
	for _, r := range p.Rules {
		fmt.Fprintf(stdout, "  rule %s: %d %s\n", r.Category, r.Period, r.Unit)
	}
	fmt.Fprintf(stdout, "former tenants erased: %d\n", len(p.Erased()))
	for _, x := range p.Erased() {
		fmt.Fprintf(stdout, "  %s (obligations ended %s, due %s)\n", x.Name, x.Since.Long("en"), x.Due.Long("en"))
	}
	fmt.Fprintf(stdout, "former tenants refused: %d\n", len(p.Refused()))
	for _, x := range p.Refused() {
		fmt.Fprintf(stdout, "  %s: %s\n", x.Name, t(x.Refusal))
	}
	fmt.Fprintf(stdout, "former tenants under a legal hold: %d\n", len(p.Held))
	for _, x := range p.Held {
		fmt.Fprintf(stdout, "  %s\n", x.Name)
	}
	fmt.Fprintf(stdout, "fiscal years destroyed: %v (held: %v)\n", p.FiscalYears, p.HeldYears)
	fmt.Fprintf(stdout, "audit events pruned: %d\n", p.AuditEvents)
	fmt.Fprintf(stdout, "sent mail pruned: %d\n", p.Mail)
	fmt.Fprintf(stdout, "finished jobs pruned: %d\n", p.Jobs)
	return nil
}
