package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"hms/internal/app"
	"hms/internal/subscription"
)

const outcomeUsage = "usage: hms subscription returned --invoice NUMBER --reason CODE, hms subscription paid --invoice NUMBER, " +
	"or hms subscription collected --batch ID"

// collectionOutcome records what the bank did with HMS's own collections,
// as staff do in the console: an item returned with its R-code (retried
// once, the customer mailed), an invoice paid by transfer, or a batch the
// bank booked (every item not returned collected).
func collectionOutcome(ctx context.Context, cmd string, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("subscription "+cmd, flag.ContinueOnError)
	commonFlags(fs, &cfg)
	number := fs.String("invoice", "", "the invoice number (HMS0000001)")
	reason := fs.String("reason", "", "the R-code the bank gave: "+strings.Join(subscription.ReturnReasons, ", "))
	batch := fs.Int64("batch", 0, "the batch's number (the console's collections page)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || (cmd == "collected") != (*batch > 0) || (cmd != "returned" && *reason != "") {
		return errors.New(outcomeUsage)
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	flags := map[string]string{"number": "--invoice", "reason": "--reason"}
	switch cmd {
	case "returned":
		if err := a.Subscriptions.Returned(ctx, 0, *number, *reason); err != nil {
			return explainFlags(a, err, flags)
		}
		fmt.Fprintf(stdout, "%s: returned (%s); the customer is mailed\n", strings.ToUpper(*number),
			a.Texts.T("en", "bank.return."+strings.ToUpper(strings.TrimSpace(*reason)), nil))
	case "paid":
		if err := a.Subscriptions.MarkPaid(ctx, 0, *number); err != nil {
			return explainFlags(a, err, flags)
		}
		fmt.Fprintf(stdout, "%s: paid\n", strings.ToUpper(*number))
	default:
		n, err := a.Subscriptions.MarkCollected(ctx, 0, *batch)
		if err != nil {
			return explain(a, err)
		}
		fmt.Fprintf(stdout, "batch %d: %d invoices collected\n", *batch, n)
	}
	return nil
}

// invoiceState is an invoice's state for the command line: open,
// collecting, paid, or returned with its last R-code and the retry date.
func invoiceState(inv subscription.Invoice) string {
	st := inv.Status()
	if st != subscription.InvoiceReturned {
		return st
	}
	st += " " + inv.Reason
	if inv.Retried() {
		return st + ", retry from " + inv.RetryOn.String()
	}
	return st + ", not retried"
}
