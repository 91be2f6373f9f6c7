package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"hms/internal/app"
	"hms/internal/billing"
	"hms/internal/money"
)

const rentRunUsage = "usage: hms rentrun --org SLUG --period YYYY-MM|YYYY-Qn [--complex NAME | --unit ADDRESS | --lease REFERENCE] " +
	"[--confirm]\n" +
	"       hms rentrun undo --org SLUG --run ID [--confirm]"

// rentRun previews a month's rent and, with --confirm, posts it: the same
// service the rent-run page and POST /api/v1/rent-runs use, run in this
// process. The scope is said in words before anything is booked.
func rentRun(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "undo" {
		return rentRunUndo(ctx, args[1:], stdout)
	}
	var cfg app.Config
	fs := flag.NewFlagSet("rentrun", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	period := fs.String("period", "", "the month to charge, e.g. 2026-01 (or a quarter: 2026-Q1)")
	confirm := fs.Bool("confirm", false, "post what the preview shows; without it nothing is written")
	fs.Bool("preview", false, "show what would be posted (the default without --confirm)")
	complexName := fs.String("complex", "", "only the leases of this complex (its name)")
	unitAddress := fs.String("unit", "", "only the leases of this unit (its address, e.g. 'Havenkade 8-2')")
	leaseRef := fs.String("lease", "", "only this lease (its reference, e.g. 2027-0001)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *slug == "" || *period == "" || fs.NArg() > 0 {
		return errors.New(rentRunUsage)
	}
	var scope billing.Scope
	for _, f := range []struct {
		kind billing.ScopeKind
		text string
	}{{billing.ScopeComplex, *complexName}, {billing.ScopeUnit, *unitAddress}, {billing.ScopeLease, *leaseRef}} {
		if f.text == "" {
			continue
		}
		if scope.Kind != "" {
			return &exitError{code: 2, err: errors.New("give one of --complex, --unit and --lease")}
		}
		scope = billing.Scope{Kind: f.kind, Text: f.text}
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
	in := billing.RunInput{Period: *period, Scope: scope}
	eur := func(c money.Cents) string { return money.Format(c, "en") }
	flags := map[string]string{"scope": "--" + string(scope.Kind)}
	if scope.Kind == billing.ScopeAll {
		flags["scope"] = "--complex/--unit/--lease"
	}
	p, err := a.Billing.Preview(ctx, actor, in, billing.PreviewWindow{Limit: 500})
	if err != nil {
		return explainFlags(a, err, flags)
	}
	fmt.Fprintf(stdout, "scope: %s\n", scopeWords(p.Scope))
	for _, c := range p.Charges {
		var total money.Cents
		for _, l := range c.Lines {
			total += l.Net + l.VAT()
		}
		fmt.Fprintf(stdout, "%s\t%s\tdue %s\t%s\n", c.Reference, c.Period.Key, c.DueDate, eur(total))
		if c.Reason != "" {
			fmt.Fprintf(stdout, "  %s: %s\n", c.Kind, c.Reason)
		}
	}
	if p.Invoices > len(p.Charges) {
		fmt.Fprintf(stdout, "… and %d more\n", p.Invoices-len(p.Charges))
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(stdout, "warning: %s: %s\n", w.Reference, a.Texts.T("en", w.Message, nil))
	}
	if len(p.VATBlocked) > 0 {
		fmt.Fprintf(stdout, "blocked: %s\n", a.Texts.T("en", "finance.run.vat_blocked", nil))
		for _, m := range p.VATBlocked {
			fmt.Fprintf(stdout, "  - %s: /o/%s/%s\n", a.Texts.T("en", "orgprofile.field."+m.Field, nil), org.Slug, m.Page)
		}
	}
	if !*confirm {
		fmt.Fprintf(stdout, "preview %s: %d invoices, %d lines, %s (VAT %s); %d leases already charged; nothing was posted (--confirm posts)\n",
			p.Period, p.Invoices, p.Lines, eur(p.Total), eur(p.VAT), p.Skipped)
		return nil
	}
	in.Expect = &billing.Expectation{Invoices: p.Invoices, Total: p.Total}
	run, err := a.Billing.PostRun(ctx, actor, in, func(done, total int) {
		fmt.Fprintf(stdout, "\r%d / %d leases", done, total)
	})
	fmt.Fprintln(stdout)
	if err != nil {
		return explainFlags(a, err, flags)
	}
	fmt.Fprintf(stdout, "run %d for %s: %d invoices posted, %d lines, %s\n", run.ID, run.Period, run.Invoices, run.Charges, eur(run.Total))
	return nil
}

// scopeWords says a scope as the confirmation shows it.
func scopeWords(s billing.ResolvedScope) string {
	switch s.Kind {
	case billing.ScopeComplex:
		return fmt.Sprintf("complex %s (%d leases)", s.Name, s.Leases)
	case billing.ScopeUnit:
		return fmt.Sprintf("unit %s (%d leases)", s.Name, s.Leases)
	case billing.ScopeLease:
		return fmt.Sprintf("1 lease: %s", s.Name)
	}
	return fmt.Sprintf("the whole organisation (%d leases)", s.Leases)
}

// rentRunUndo shows the credit notes that would undo a run and, with
// --confirm, books them.
func rentRunUndo(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("rentrun undo", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	runArg := fs.String("run", "", "the run to undo (its number)")
	confirm := fs.Bool("confirm", false, "book the credit notes the plan shows")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *slug == "" || *runArg == "" || fs.NArg() > 0 {
		return errors.New(rentRunUsage)
	}
	runID, err := strconv.ParseInt(*runArg, 10, 64)
	if err != nil || runID <= 0 {
		return &exitError{code: 2, err: errors.New("--run: give the run's number")}
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
	eur := func(c money.Cents) string { return money.Format(c, "en") }
	p, err := a.Billing.UndoPlan(ctx, actor, runID)
	if err != nil {
		return explain(a, err)
	}
	fmt.Fprintf(stdout, "run %d for %s, %s\n", p.Run.ID, p.Run.Period, runScopeWords(p.Run))
	for _, c := range p.Credits {
		fmt.Fprintf(stdout, "credit note for %s\t%s\t%s\t%s\n", c.InvoiceNumber, c.Reference, c.Period, eur(c.Total))
	}
	for _, b := range p.Blockers {
		fmt.Fprintf(stdout, "cannot undo: %s (%s): %s\n", b.InvoiceNumber, b.Reference, a.Texts.T("en", b.Reason, nil))
	}
	if !p.Run.UndoneAt.IsZero() {
		return &exitError{code: 2, err: fmt.Errorf("run %d was undone on %s", p.Run.ID, p.Run.UndoneAt.Format("2006-01-02"))}
	}
	if !p.CanUndo() {
		return &exitError{code: 2, err: fmt.Errorf("run %d cannot be undone", p.Run.ID)}
	}
	if !*confirm {
		fmt.Fprintf(stdout, "undo run %d: %d credit notes, %s; nothing was booked (--confirm books them)\n",
			p.Run.ID, len(p.Credits), eur(p.Total))
		return nil
	}
	done, err := a.Billing.UndoRun(ctx, actor, runID, billing.Expectation{Invoices: len(p.Credits), Total: p.Total})
	if err != nil {
		return explain(a, err)
	}
	fmt.Fprintf(stdout, "run %d undone: %d credit notes booked, %s\n", runID, done.Run.UndoCreditNotes, eur(p.Total))
	return nil
}

// runScopeWords says a stored run's scope.
func runScopeWords(r *billing.Run) string {
	if r.Scope == "" {
		return "the whole organisation"
	}
	return r.ScopeName
}
