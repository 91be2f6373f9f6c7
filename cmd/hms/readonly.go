package main

import (
	"context"
	"errors"
	"fmt"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/subscription"
)

// mayWrite refuses a command that changes an organisation which may only
// read (its trial ended without a subscription), as the back office and the
// API refuse it: the operator's command line is no way around the
// subscription. Privacy duties (erasure, subject requests, restriction,
// retention) do not call it, as their pages and endpoints are not refused.
func mayWrite(ctx context.Context, a *app.App, org *account.Organisation) error {
	err := a.Subscriptions.CheckWrite(ctx, org.ID)
	if errors.Is(err, subscription.ErrReadOnly) {
		key := "subscription.read_only_cli"
		if st, err := a.Subscriptions.StandingOf(ctx, org.ID); err == nil && st.State == subscription.StatePastDue {
			key = "subscription.read_only_past_due_cli"
		}
		return errors.New(a.Texts.T("en", key, map[string]any{
			"Org": org.Name, "Link": "/o/" + org.Slug + "/settings/subscription"}))
	}
	if err != nil {
		return fmt.Errorf("the organisation's subscription: %w", err)
	}
	return nil
}

// systemOwner finds the organisation a command names by its slug and the
// actor the command acts as in it: the system, with an owner's rights (the
// operator at the command line stands for the organisation's owner).
func systemOwner(ctx context.Context, a *app.App, slug string) (*account.Organisation, account.Actor, error) {
	org, err := a.Accounts.OrgBySlug(ctx, slug)
	if err != nil {
		return nil, account.Actor{}, fmt.Errorf("no organisation %q", slug)
	}
	return org, account.Actor{OrgID: org.ID, OrgSlug: org.Slug, Role: account.Owner, Kind: "system"}, nil
}
