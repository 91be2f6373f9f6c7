package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"hms/internal/app"
	"hms/internal/settlement"
)

const settlementRunUsage = "usage: hms settlement run --org SLUG (--complex ID --year YYYY | --lease ID)\n" +
	"       hms settlement costs import --org SLUG FILE.csv"

// settlementStored runs `hms settlement run` (the stored settlement of a
// complex and year, or of a leaving tenant's lease, as a draft) and `hms
// settlement costs import` (cost entries from CSV, all rows or none).
func settlementStored(ctx context.Context, args []string, stdout io.Writer) error {
	importing := len(args) > 0 && args[0] == "costs"
	if importing {
		if len(args) < 2 || args[1] != "import" {
			return errors.New(settlementRunUsage)
		}
		args = args[1:]
	}
	var cfg app.Config
	fs := flag.NewFlagSet("settlement", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	complexID := fs.Int64("complex", 0, "the complex (id)")
	year := fs.Int("year", 0, "the calendar year")
	leaseID := fs.Int64("lease", 0, "a leaving tenant's lease (id): 1 January to its end")
	// Flags may also follow the file (… FILE.csv --database-url URL): the
	// flag package stops at the first argument that is not a flag.
	var files []string
	for rest := args[1:]; ; {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files, rest = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if *slug == "" || (importing && len(files) != 1) ||
		(!importing && (len(files) > 0 || (*leaseID == 0 && (*complexID == 0 || *year == 0)))) {
		return errors.New(settlementRunUsage)
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
	if importing {
		f, err := os.Open(files[0])
		if err != nil {
			return err
		}
		defer f.Close()
		res, err := a.Settlement.ImportCosts(ctx, actor, f)
		var ie settlement.ImportErrors
		if errors.As(err, &ie) {
			for _, c := range ie {
				fmt.Fprintf(stdout, "line %d, %s: %s\n", c.Line, c.Column, a.Texts.T("en", c.Reason, nil))
			}
			return &exitError{code: 2, err: fmt.Errorf("%d errors; nothing imported", len(ie))}
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "imported: %d new, %d changed, %d unchanged\n", res.Created, res.Updated, res.Unchanged)
		return nil
	}
	var run *settlement.Run
	if *leaseID > 0 {
		run, err = a.Settlement.RunLeaving(ctx, actor, *leaseID)
	} else {
		run, err = a.Settlement.Run(ctx, actor, *complexID, *year)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "run %d (%s): %s to %s, %d occupancies, %d costs, vacancy %s; degree days: %s; settled against advances %s\n",
		run.ID, run.State, run.PeriodStart, run.PeriodEnd, len(run.Occupancies), len(run.Costs), run.LandlordTotal, run.DegreeDaysSource,
		run.AdvancesBasis)
	for _, o := range run.Occupancies {
		fmt.Fprintf(stdout, "  %s lease %s: total %s, advances %s (received %s, open %s), balance %s\n", o.Ref, o.LeaseReference, o.Total,
			o.Advances, o.Paid, o.Advances-o.Paid, o.Balance)
	}
	for _, w := range run.WarningList {
		fmt.Fprintf(stdout, "  warning: %s unit %d: %s %s\n", w.Category, w.UnitID, a.Texts.T("en", w.Message, nil), w.Detail)
	}
	return nil
}
