package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/subscription"
)

const (
	subscriptionUsage = "usage: hms subscription show|invoices --org SLUG, hms subscription cancel --org SLUG [--undo], " +
		"hms subscription subscribe --org SLUG --kind company|person --name --street --house-number --postcode --city --email " +
		"[--kvk] [--vat-id] --iban [--account-name] --signed, " +
		"hms subscription invoice-run [--month YYYY-MM], hms subscription collect --out FILE, " +
		"hms subscription returned --invoice NUMBER --reason CODE, hms subscription paid --invoice NUMBER, " +
		"or hms subscription collected --batch ID"
	plansUsage = "usage: hms plans list"
)

// subscriptionCommand shows an organisation's trial and subscription, as
// its owner's settings page does (the billing e-mail, not the IBAN in full).
func subscriptionCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "cancel" {
		return subscriptionCancelCommand(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "subscribe" {
		return subscriptionSubscribeCommand(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "invoices" {
		return subscriptionInvoices(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "invoice-run" {
		return invoiceRun(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "collect" {
		return collect(ctx, args[1:], stdout)
	}
	if len(args) > 0 && (args[0] == "returned" || args[0] == "paid" || args[0] == "collected") {
		return collectionOutcome(ctx, args[0], args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "show" {
		return errors.New(subscriptionUsage)
	}
	var cfg app.Config
	fs := flag.NewFlagSet("subscription show", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *slug == "" || fs.NArg() > 0 {
		return errors.New(subscriptionUsage)
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
	// The operator reads for the organisation as the system, with an owner's rights.
	actor := account.Actor{OrgID: org.ID, OrgSlug: org.Slug, Role: account.Owner, Kind: "system"}
	sum, err := a.Subscriptions.Summarise(ctx, actor)
	if err != nil {
		return explain(a, err)
	}
	fmt.Fprintf(stdout, "organisation: %s\nstate: %s\n", org.Name, a.Texts.T("en", "subscription.state."+string(sum.State), nil))
	if !sum.TrialEndsAt.IsZero() {
		fmt.Fprintf(stdout, "trial ends: %s\n", sum.TrialEndsAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	fmt.Fprintf(stdout, "units: %d\n", sum.Quote.Units)
	if s := sum.Subscription; s != nil {
		fmt.Fprintf(stdout, "plan: %s\nmonthly: %s excl. VAT\nstarted: %s\npaid through: %s\ninvoices to: %s\n", s.PlanName,
			money.Format(s.Monthly, "en"), s.StartedOn, s.PaidThrough, s.Details.Email)
		fmt.Fprintf(stdout, "mandate: %s signed %s, IBAN ending %s\n", s.Mandate.Reference,
			s.Mandate.SignedAt.UTC().Format("2006-01-02"), last4(nl.NormalizeIBAN(s.IBAN)))
	} else if sum.Quote.Plan.ID != 0 {
		fmt.Fprintf(stdout, "plan by units: %s, %s a month excl. VAT\n", sum.Quote.Plan.NameEN, money.Format(sum.Quote.Monthly, "en"))
	}
	if c := sum.Cancellation; c != nil {
		printCancellation(stdout, c)
	}
	return nil
}

func printCancellation(w io.Writer, c *subscription.Cancellation) {
	fmt.Fprintf(w, "cancelled: usable through %s, export until %s, shred at %s\n", c.LastDay(), c.ExportUntil(),
		c.ShredAt.UTC().Format("2006-01-02 15:04 UTC"))
	if c.Shredded() {
		fmt.Fprintf(w, "shredded: %s\n", c.ShreddedAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
}

// subscriptionCancelCommand cancels an organisation on its owner's behalf
// (at the end of the paid period; the owners are mailed the dates), or
// with --undo withdraws the cancellation before it takes effect.
func subscriptionCancelCommand(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("subscription cancel", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	undo := fs.Bool("undo", false, "withdraw the cancellation before it takes effect")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *slug == "" || fs.NArg() > 0 {
		return errors.New(subscriptionUsage)
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
	if *undo {
		if err := a.Subscriptions.Undo(ctx, actor); err != nil {
			return explain(a, err)
		}
		fmt.Fprintf(stdout, "the cancellation of %s is undone\n", org.Name)
		return nil
	}
	c, err := a.Subscriptions.Cancel(ctx, actor)
	if err != nil {
		return explain(a, err)
	}
	printCancellation(stdout, c)
	return nil
}

// subscriptionSubscribeCommand records an organisation's billing details
// and the SEPA mandate its owner signed (--signed: the owner agreed to the
// mandate text), as the owner's subscription page does. While a
// cancellation is pending it is refused (undo the cancellation); after it
// took effect it starts a new subscription and the shred no longer happens.
func subscriptionSubscribeCommand(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("subscription subscribe", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	var in subscription.Input
	kind := fs.String("kind", "company", "company or person")
	for name, v := range map[string]*string{"name": &in.Name, "street": &in.Street, "house-number": &in.HouseNumber,
		"postcode": &in.Postcode, "city": &in.City, "email": &in.Email, "kvk": &in.KvK, "vat-id": &in.VATID, "iban": &in.IBAN,
		"account-name": &in.AccountName} {
		fs.StringVar(v, name, "", name)
	}
	fs.BoolVar(&in.Sign, "signed", false, "the owner agreed to the mandate text")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *slug == "" || fs.NArg() > 0 {
		return errors.New(subscriptionUsage)
	}
	in.Kind = subscription.Kind(*kind)
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	_, actor, err := systemOwner(ctx, a, *slug)
	if err != nil {
		return err
	}
	sub, err := a.Subscriptions.Subscribe(ctx, actor, in)
	if err != nil {
		return explainFlags(a, err, map[string]string{"house_number": "--house-number", "vat_id": "--vat-id",
			"account_name": "--account-name", "sign": "--signed"})
	}
	fmt.Fprintf(stdout, "subscribed: %s from %s, mandate %s\n", sub.PlanName, sub.StartedOn, sub.Mandate.Reference)
	return nil
}

func last4(s string) string {
	if len(s) < 4 {
		return s
	}
	return s[len(s)-4:]
}

// plansCommand lists the plans staff keep in the console.
func plansCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "list" {
		return errors.New(plansUsage)
	}
	var cfg app.Config
	fs := flag.NewFlagSet("plans list", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New(plansUsage)
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	plans, err := a.Subscriptions.Plans(ctx)
	if err != nil {
		return err
	}
	for _, p := range plans {
		units := fmt.Sprintf("%d-%d", p.UnitsFrom, p.UnitsTo)
		if p.UnitsTo == 0 {
			units = fmt.Sprintf("%d+", p.UnitsFrom)
		}
		active := "active"
		if !p.Active {
			active = "inactive"
		}
		fmt.Fprintf(stdout, "%s\t%s units\t%s + %s per unit a month excl. VAT\t%s\n", p.NameEN, units, money.Format(p.Base, "en"),
			money.Format(p.PerUnit, "en"), active)
	}
	return nil
}
