package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"hms/internal/app"
	"hms/internal/money"
	"hms/internal/platform/validation"
	"hms/internal/settlement"
)

const settlementSendUsage = "usage: hms settlement send --org SLUG --run ID [--confirm]\n" +
	"       hms settlement deadlines --org SLUG [--year YYYY]"

// settlementSend runs `hms settlement send` (a final run's statements:
// booked, stored and mailed now, with progress; sending again sends nothing
// twice) and `hms settlement deadlines` (complexes and the state of their
// settlement against 30 June).
func settlementSend(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("settlement "+args[0], flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	runID := fs.Int64("run", 0, "the final run (id)")
	year := fs.Int("year", 0, "the year to settle (default: last year)")
	confirm := fs.Bool("confirm", false, "send what the plan shows; without it nothing is sent")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	sending := args[0] == "send"
	if *slug == "" || fs.NArg() > 0 || (sending && *runID <= 0) || (!sending && *runID != 0) {
		return errors.New(settlementSendUsage)
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
	if sending {
		rev, err := a.Statements.Review(ctx, actor, *runID)
		if err != nil {
			return problemText(a, err)
		}
		if rev.Run.State != settlement.StateFinal {
			return problemText(a, settlement.ErrNotFinal)
		}
		plan := rev.Unsent()
		fmt.Fprintf(stdout, "%s %d: %d statements to send, to pay %s, to refund %s\n", rev.Run.ComplexName, rev.Run.Year, plan.Statements,
			eur(plan.ToPay), eur(plan.ToRefund))
		if !*confirm {
			fmt.Fprintln(stdout, "nothing was sent (--confirm sends)")
			return nil
		}
		res, err := a.Statements.Send(ctx, actor, *runID, func(done, total int) {
			fmt.Fprintf(stdout, "\r%d / %d statements", done, total)
		})
		fmt.Fprintln(stdout)
		if err != nil {
			return problemText(a, err)
		}
		fmt.Fprintf(stdout, "run %d: %d statements sent, %d balances booked, %d mails queued, %d sent before\n", *runID, res.Statements,
			res.Invoices, res.Mails, res.Skipped)
		if rev, err = a.Statements.Review(ctx, actor, *runID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "to pay %s, to refund %s\n", eur(rev.ToPay), eur(rev.ToRefund))
		return nil
	}
	y := *year
	if y == 0 {
		y = a.Settlement.Today().Year - 1
	}
	if y < 2000 || y > 2100 {
		return &exitError{code: 2, err: fmt.Errorf("--year: %s", a.Texts.T("en", "settlement.bad_year", nil))}
	}
	rows, err := a.Statements.Deadlines(ctx, actor, y)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		fmt.Fprintf(stdout, "no complex had leases in %d\n", y)
		return nil
	}
	fmt.Fprintf(stdout, "settlement %d, due %s\n", y, rows[0].Due)
	for _, r := range rows {
		state := r.State
		if r.State == settlement.DeadlineFinal {
			state = fmt.Sprintf("final, %d of %d sent", r.Sent, r.Total)
		}
		line := fmt.Sprintf("%d\t%s\t%d leases\t%s", r.ComplexID, r.ComplexName, r.Leases, state)
		switch r.Warning {
		case settlement.WarnOverdue:
			line += fmt.Sprintf("\tOVERDUE by %d days", -r.DaysLeft)
		case settlement.Warn30, settlement.Warn60:
			line += fmt.Sprintf("\t%d days left", r.DaysLeft)
		}
		fmt.Fprintln(stdout, line)
	}
	return nil
}

// problemText gives a service problem its English text (a run that is not
// final: "…not final"; another organisation's run: not found).
func problemText(a *app.App, err error) error {
	if pr, ok := validation.AsProblem(err); ok {
		return fmt.Errorf("%s", a.Texts.T("en", pr.Code, nil))
	}
	return err
}
