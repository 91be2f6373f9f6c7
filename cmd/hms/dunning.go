package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"hms/internal/app"
	"hms/internal/dunning"
	"hms/internal/money"
)

// dunningCommand runs the daily dunning proposal now and prints what waits
// for a person: the same service as the daily job, the Aanmaningen page and
// the API use. It only proposes; letters are sent and hand-overs approved
// by a person in the back office.
func dunningCommand(ctx context.Context, args []string, stdout io.Writer) error {
	const use = "usage: hms dunning propose --org SLUG"
	if len(args) == 0 || args[0] != "propose" {
		return errors.New(use)
	}
	var cfg app.Config
	fs := flag.NewFlagSet("dunning propose", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *slug == "" || fs.NArg() > 0 {
		return errors.New(use)
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
	actor := dunning.SystemActor(org.ID)
	actor.OrgSlug = org.Slug
	run, err := a.Dunning.Propose(ctx, actor, a.Dunning.Today())
	if err != nil {
		return explain(a, err)
	}
	ps, err := a.Dunning.Proposals(ctx, actor, dunning.ProposalFilter{})
	if err != nil {
		return explain(a, err)
	}
	var letters, handovers, costs int
	var overdue, costsTotal money.Cents
	for _, p := range ps {
		amount := p.Overdue
		switch {
		case p.Stage.Letter():
			letters++
			overdue += p.Overdue
		case p.Stage == dunning.StageHandover:
			handovers++
		default:
			costs++
			amount = p.Costs
			costsTotal += p.Costs
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\toldest due %s (%d days)\n", p.LeaseReference, strings.Join(p.Tenants, ", "), p.Stage,
			money.Format(amount, "en"), p.OldestDue, p.DaysOverdue(run.Today))
	}
	fmt.Fprintf(stdout, "%d proposals waiting on %s: %d letters (%s overdue), %d hand-overs, %d collection costs (%s)\n", len(ps), run.Today,
		letters, money.Format(overdue, "en"), handovers, costs, money.Format(costsTotal, "en"))
	if run.PlansBroken+run.PlansCompleted > 0 {
		fmt.Fprintf(stdout, "payment plans: %d completed, %d broken\n", run.PlansCompleted, run.PlansBroken)
	}
	return nil
}
