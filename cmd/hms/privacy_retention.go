package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"hms/internal/app"
	"hms/internal/lease"
	"hms/internal/platform/listing"
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

const holdUsage = `usage: hms privacy hold --org SLUG (--person ID | --lease REFERENCE) --reason TEXT [--guard-reason reason=WHY] | ` +
	`hms privacy hold lift --org SLUG --id N`

// privacyHold places a legal hold on a person or a lease (by its reference),
// or with "lift" lifts one, as the organisation's owner: the same service
// methods as the retention page.
func privacyHold(ctx context.Context, args []string, stdout io.Writer) error {
	lift := len(args) > 0 && args[0] == "lift"
	if lift {
		args = args[1:]
	}
	var cfg app.Config
	fs := flag.NewFlagSet("privacy hold", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	person := fs.Int64("person", 0, "the person's relation id")
	leaseRef := fs.String("lease", "", "the lease's reference, e.g. 2027-0001")
	reason := fs.String("reason", "", "why the hold is placed")
	id := fs.Int64("id", 0, "lift: the hold's number")
	reasons := guardReasonFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *slug == "" || fs.NArg() > 0 {
		return errors.New(holdUsage)
	}
	if lift != (*id > 0) || (!lift && ((*person > 0) == (*leaseRef != "") || *reason == "")) {
		return errors.New(holdUsage)
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
	ctx = reasons.with(ctx)
	if lift {
		if err := a.Keeping.LiftHold(ctx, actor, *id); err != nil {
			return explain(a, err)
		}
		fmt.Fprintf(stdout, "%s (%d)\n", a.Texts.T("en", "retention.hold_lifted", nil), *id)
		return nil
	}
	in := retention.HoldInput{Kind: retention.HoldPerson, TargetID: *person, Reason: *reason}
	flags := map[string]string{"target": "--person"}
	if *leaseRef != "" {
		in.Kind, flags["target"] = retention.HoldLease, "--lease"
		page, err := a.Leases.List(ctx, actor, listing.Query{Search: *leaseRef, Limit: 25}, lease.ListFilter{})
		if err != nil {
			return explain(a, err)
		}
		for _, l := range page.Items {
			if strings.EqualFold(l.Reference, *leaseRef) {
				in.TargetID = l.ID
			}
		}
		if in.TargetID == 0 {
			return &exitError{code: 2, err: fmt.Errorf("--lease: no lease %q in %s", *leaseRef, org.Slug)}
		}
	}
	hold, err := a.Keeping.PlaceHold(ctx, actor, in)
	if err != nil {
		return explainFlags(a, err, flags)
	}
	fmt.Fprintf(stdout, "%s (%d)\n", a.Texts.T("en", "retention.hold_placed_flash", nil), hold)
	return nil
}
