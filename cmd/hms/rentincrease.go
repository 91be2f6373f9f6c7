package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/rentincrease"
)

// operatorActor acts for an organisation as the system, with an owner's
// rights, to change it (refused while it may only read).
func operatorActor(ctx context.Context, a *app.App, slug string) (account.Actor, error) {
	org, err := a.Accounts.OrgBySlug(ctx, slug)
	if err != nil {
		return account.Actor{}, fmt.Errorf("no organisation %q", slug)
	}
	if err := mayWrite(ctx, a, org); err != nil {
		return account.Actor{}, err
	}
	return account.Actor{OrgID: org.ID, OrgSlug: org.Slug, Role: account.Owner, Kind: "system"}, nil
}

// rentIncreaseCommand runs `hms rentincrease propose --org SLUG --date D [--confirm]`.
func rentIncreaseCommand(ctx context.Context, args []string, stdout io.Writer) error {
	const use = "usage: hms rentincrease propose --org SLUG --date YYYY-MM-DD [--confirm] | hms rentincrease caps import --org SLUG FILE.csv"
	if len(args) >= 2 && args[0] == "caps" && args[1] == "import" {
		return capsImportCommand(ctx, args[2:], stdout)
	}
	if len(args) < 1 || args[0] != "propose" {
		return errors.New(use)
	}
	var slug, date string
	var confirm bool
	a, err := openApp(ctx, "rentincrease propose", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", "organisation slug")
		fs.StringVar(&date, "date", "", "effective date of the increase (YYYY-MM-DD)")
		fs.BoolVar(&confirm, "confirm", false, "confirm the drafts and make the letters")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	on, err := civil.Parse(date)
	if err != nil {
		return fmt.Errorf("--date: %s (%s)", a.Texts.T("en", "rentincrease.date.invalid", nil), use)
	}
	actor, err := operatorActor(ctx, a, slug)
	if err != nil {
		return err
	}
	ps, err := a.RentIncreases.Propose(ctx, actor, on)
	if err != nil {
		return explain(a, err)
	}
	slices.SortFunc(ps, func(x, y rentincrease.Proposal) int { return strings.Compare(x.LeaseReference, y.LeaseReference) })
	w := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "LEASE\tADDRESS\tSTATUS\tOLD\tNEW\tCHANGE\tNOTES")
	for _, p := range ps {
		newRent, change := "-", "-"
		if p.NewCents > 0 {
			newRent, change = money.FormatPlain(p.NewCents, "en"), money.FormatRate(p.Rate(), "en")
		}
		var notes []string
		for _, n := range p.Notes {
			args := map[string]any{}
			for k, v := range n.Args {
				args[k] = v
				if k == "segment" {
					args[k] = strings.ToLower(a.Texts.T("en", "rentincrease.segment."+v, nil))
				}
			}
			notes = append(notes, a.Texts.T("en", n.Code, args))
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.LeaseReference, p.Address, p.Status, money.FormatPlain(p.OldCents, "en"),
			newRent, change, strings.Join(notes, " "))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d leases; letters must reach residential tenants by %s\n", len(ps), rentincrease.LastDeliveryDay(on))
	plan, err := a.RentIncreases.PlanConfirm(ctx, actor, on)
	if err != nil {
		return explain(a, err)
	}
	fmt.Fprintf(stdout, "to confirm: %d draft proposals, together %s a month more\n", plan.Proposals, money.Format(plan.Increase, "en"))
	if !confirm {
		return nil
	}
	n, err := a.RentIncreases.Confirm(ctx, actor, on, plan)
	if err != nil {
		return explain(a, err)
	}
	fmt.Fprintf(stdout, "confirmed %d proposals; their letters are stored with them\n", n)
	return nil
}

// capsImportCommand runs `hms rentincrease caps import --org SLUG FILE.csv`:
// the organisation's own maximums, as on the caps page.
func capsImportCommand(ctx context.Context, args []string, stdout io.Writer) error {
	return rentIncreaseImport(ctx, "rentincrease caps import", "maximums", args, stdout, (*rentincrease.Service).ImportCaps)
}

// rentIncreaseImport opens the app, reads FILE.csv for --org with imp (all
// lines or none) and reports what changed, or every bad cell.
func rentIncreaseImport(ctx context.Context, name, what string, args []string, stdout io.Writer,
	imp func(*rentincrease.Service, context.Context, account.Actor,
		io.Reader) (rentincrease.ImportResult, []rentincrease.CellError, error)) error {
	use := "usage: hms " + name + " --org SLUG FILE.csv"
	var slug string
	var fs *flag.FlagSet
	a, err := openApp(ctx, name, args, func(f *flag.FlagSet) {
		fs = f
		f.StringVar(&slug, "org", "", "organisation slug")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if fs.NArg() != 1 {
		return errors.New(use)
	}
	actor, err := operatorActor(ctx, a, slug)
	if err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	res, cellErrs, err := imp(a.RentIncreases, ctx, actor, f)
	if len(cellErrs) > 0 {
		printCellErrors(a, stdout, cellErrs)
		return fmt.Errorf("%d errors; nothing was imported", len(cellErrs))
	}
	if err != nil {
		return explain(a, err)
	}
	fmt.Fprintf(stdout, "read %d %s: %d added, %d changed, %d unchanged\n", res.Lines, what, res.Added, res.Changed, res.Unchanged)
	return nil
}

func printCellErrors(a *app.App, stdout io.Writer, cellErrs []rentincrease.CellError) {
	for _, ce := range cellErrs {
		col := ce.Column
		if col == "" {
			col = "(line)"
		}
		fmt.Fprintf(stdout, "line %d, %s: %s\n", ce.Line, col, a.Texts.T("en", ce.Reason, nil))
	}
}

// cpiCommand runs `hms cpi import --org SLUG FILE.csv`.
func cpiCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) < 1 || args[0] != "import" {
		return errors.New("usage: hms cpi import --org SLUG FILE.csv")
	}
	return rentIncreaseImport(ctx, "cpi import", "figures", args[1:], stdout, (*rentincrease.Service).ImportCPI)
}
