package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"hms/internal/app"
	"hms/internal/money"
	"hms/internal/payout"
	"hms/internal/platform/civil"
)

const payoutsUsage = "usage: hms payouts export --org SLUG [--due-until YYYY-MM-DD] [--account ID] [--execution-date YYYY-MM-DD] --out FILE"

// payoutsCommand makes the payment files of the approved payouts: the same
// preview and batch as the Uitbetalingen page and the API.
func payoutsCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "export" {
		return errors.New(payoutsUsage)
	}
	var cfg app.Config
	fs := flag.NewFlagSet("payouts export", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	dueUntil := fs.String("due-until", "", "only payouts due on or before this day (default: every approved payout)")
	accountID := fs.Int64("account", 0, "the bank account to pay from (default: by purpose)")
	execDate := fs.String("execution-date", "", "the day the bank should pay (default: today or the next business day)")
	out := fs.String("out", "", "the file to write (a second account's file gets -2 before the extension)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *slug == "" || *out == "" || fs.NArg() > 0 {
		return errors.New(payoutsUsage)
	}
	in := payout.BatchInput{AccountID: *accountID}
	for _, d := range []struct {
		flag, value string
		into        *civil.Date
	}{{"--due-until", *dueUntil, &in.Scope.DueUntil}, {"--execution-date", *execDate, &in.ExecutionDate}} {
		if d.value == "" {
			continue
		}
		day, err := civil.Parse(d.value)
		if err != nil {
			return &exitError{code: 2, err: fmt.Errorf("%s: not a date (YYYY-MM-DD)", d.flag)}
		}
		*d.into = day
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
	flags := map[string]string{"account_id": "--account", "execution_date": "--execution-date", "due_until": "--due-until"}
	plan, err := a.Payouts.Preview(ctx, actor, in)
	if err != nil {
		return explainFlags(a, err, flags)
	}
	for _, l := range plan.Left {
		fmt.Fprintf(stdout, "left out: %s %s %s: %s\n", l.Payout.LeaseReference, a.Texts.T("en", "payout.kind."+string(l.Payout.Kind), nil),
			money.Format(l.Payout.Amount, "en"), a.Texts.T("en", l.Reason, nil))
	}
	if plan.Count == 0 {
		fmt.Fprintln(stdout, "nothing to pay: no approved payout with a known account; no file written")
		return nil
	}
	in.Expect = &payout.Expect{Count: plan.Count, Total: plan.Total}
	batches, err := a.Payouts.CreateBatch(ctx, actor, in)
	if err != nil {
		return explainFlags(a, err, flags)
	}
	for i, b := range batches {
		_, data, err := a.Payouts.BatchFile(ctx, actor, b.ID)
		if err != nil {
			return err
		}
		path := numbered(*out, i)
		// The file names tenants and their IBANs: readable by its owner only.
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return fmt.Errorf("write %s: %w (the batch is made: download it again from the Uitbetalingen page)", path, err)
		}
		fmt.Fprintf(stdout, "%s: %s, %s from %s (%s)\n", path, payments(b.Count), money.Format(b.Total, "en"), b.AccountIBAN, b.Version)
	}
	fmt.Fprintf(stdout, "%s, %s\n", payments(plan.Count), money.Format(plan.Total, "en"))
	return nil
}

func payments(n int) string {
	if n == 1 {
		return "1 payment"
	}
	return fmt.Sprintf("%d payments", n)
}

// numbered is path for the first file and path with -2, -3 … before the
// extension for the next.
func numbered(path string, i int) string {
	if i == 0 {
		return path
	}
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s-%d%s", strings.TrimSuffix(path, ext), i+1, ext)
}
