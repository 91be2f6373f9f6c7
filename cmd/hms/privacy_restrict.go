package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"hms/internal/app"
	"hms/internal/platform/civil"
	"hms/internal/relation"
)

const restrictUsage = "usage: hms privacy restrict --org SLUG --person ID --reason accuracy|unlawful|claims|objection [--lift] | " +
	"hms privacy object --org SLUG --person ID --processing mail|direct_debit|dunning|all --grounds TEXT --received YYYY-MM-DD " +
	"[--decision pending|upheld|rejected] [--reason TEXT] [--guard-reason FIELD=REASON]"

// privacyRestrict sets or lifts a person's restriction of processing (art.
// 18 GDPR), or records an objection (art. 21), as the organisation's owner:
// the same service methods as the person's page and the API.
func privacyRestrict(ctx context.Context, sub string, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("privacy "+sub, flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	person := fs.Int64("person", 0, "the person's relation id")
	reason := fs.String("reason", "", "restrict: the ground of art. 18(1); object: the compelling grounds of a rejection")
	lift := fs.Bool("lift", false, "restrict: lift the restriction")
	processing := fs.String("processing", "", "object: what the person objects to")
	grounds := fs.String("grounds", "", "object: the person's grounds")
	received := fs.String("received", "", "object: the day the objection came in (default today)")
	decision := fs.String("decision", "", "object: pending (default), upheld or rejected")
	reasons := guardReasonFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *slug == "" || *person <= 0 || fs.NArg() > 0 || (sub == "restrict" && (*reason == "") == !*lift) {
		return errors.New(restrictUsage)
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
	ctx = reasons.with(ctx)
	switch {
	case sub == "restrict" && *lift:
		if err := a.Relations.LiftRestriction(ctx, actor, *person); err != nil {
			return explain(a, err)
		}
		fmt.Fprintln(stdout, a.Texts.T("en", "relation.restriction_lifted_done", nil))
	case sub == "restrict":
		if err := a.Relations.Restrict(ctx, actor, *person, relation.Ground(*reason)); err != nil {
			return explainFlags(a, err, map[string]string{"ground": "--reason"})
		}
		fmt.Fprintln(stdout, a.Texts.T("en", "relation.restricted_done", nil))
	default:
		on := civil.Today(a.Clock.Now())
		if *received != "" {
			if on, err = civil.Parse(*received); err != nil {
				return &exitError{code: 2, err: fmt.Errorf("--received: %s", a.Texts.T("en", "field.date", nil))}
			}
		}
		id, err := a.Relations.RecordObjection(ctx, actor, *person, relation.ObjectionInput{Processing: relation.Processing(*processing),
			Grounds: *grounds, ReceivedOn: on, Decision: relation.Decision(*decision), Reason: *reason})
		if err != nil {
			return explainFlags(a, err, map[string]string{"received_on": "--received"})
		}
		fmt.Fprintf(stdout, "%s (%d)\n", a.Texts.T("en", "relation.objection.recorded", nil), id)
	}
	return nil
}
