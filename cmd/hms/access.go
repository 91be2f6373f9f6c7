package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"hms/internal/account"
	"hms/internal/app"
)

const accessUsage = "usage: hms access request --staff EMAIL --org SLUG --hours N --reason TEXT [--guard-reason reason=WHY] | " +
	"hms access list [--org SLUG] | hms access approve|refuse|end --id N --by EMAIL"

// accessCommand handles staff access grants (PRIVACY.md P14) from the
// command line with the account service's methods the console and the
// owners' access page call: a staff member asks, an owner of the
// organisation approves, refuses or ends, and the staff member may end
// their own grant.
func accessCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(accessUsage)
	}
	sub := args[0]
	switch sub {
	case "request", "list", "approve", "refuse", "end":
	default:
		return errors.New(accessUsage)
	}
	var cfg app.Config
	fs := flag.NewFlagSet("access "+sub, flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	staffEmail := fs.String("staff", "", "request: the staff member's e-mail address")
	hours := fs.Int("hours", 0, "request: how long the grant lasts (1 to 72)")
	reason := fs.String("reason", "", "request: why access is needed (the owners read it)")
	id := fs.Int64("id", 0, "approve, refuse, end: the grant")
	by := fs.String("by", "", "approve, refuse, end: the owner's (or, to end, the staff member's) e-mail address")
	reasons := guardReasonFlag(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 || (sub == "request" && (*staffEmail == "" || *slug == "")) ||
		(sub != "request" && sub != "list" && (*id <= 0 || *by == "")) {
		return errors.New(accessUsage)
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	switch sub {
	case "request":
		staff, err := a.Accounts.UserIDByEmail(ctx, *staffEmail)
		if err != nil {
			return fmt.Errorf("no user %q", *staffEmail)
		}
		gid, err := a.Accounts.RequestGrant(reasons.with(ctx), staff, *slug, *reason, *hours)
		if err != nil {
			return explain(a, err)
		}
		fmt.Fprintf(stdout, "%s (%d)\n", a.Texts.T("en", "grant.requested", nil), gid)
		return nil
	case "list":
		return accessList(ctx, a, *slug, stdout)
	}
	user, err := a.Accounts.UserIDByEmail(ctx, *by)
	if err != nil {
		return fmt.Errorf("no user %q", *by)
	}
	g, actor, err := grantFor(ctx, a, user, *id)
	if err != nil {
		return err
	}
	switch {
	case sub == "end" && actor.UserID == 0:
		err = a.Accounts.EndOwnGrant(ctx, user, g.OrgID, g.ID)
	case sub == "end":
		err = a.Accounts.EndGrant(ctx, actor, g.ID)
	case actor.UserID == 0:
		return errors.New("only an owner of the organisation approves or refuses a grant")
	default:
		err = a.Accounts.DecideGrant(ctx, actor, g.ID, sub == "approve")
	}
	if err != nil {
		return explain(a, err)
	}
	fmt.Fprintf(stdout, "grant %d: %s\n", g.ID, map[string]string{"approve": "approved", "refuse": "refused", "end": "ended"}[sub])
	return nil
}

// grantFor finds grant id among those user may decide as an owner (actor
// set) or, failing that, among the user's own grants as staff (actor zero).
func grantFor(ctx context.Context, a *app.App, user, id int64) (account.Grant, account.Actor, error) {
	ms, err := a.Accounts.Memberships(ctx, user)
	if err != nil {
		return account.Grant{}, account.Actor{}, err
	}
	for _, m := range ms {
		if m.Role != account.Owner {
			continue
		}
		actor, err := a.Accounts.ActorIn(ctx, user, m.Org.ID)
		if err != nil {
			return account.Grant{}, account.Actor{}, err
		}
		gs, err := a.Accounts.Grants(ctx, actor)
		if err != nil {
			return account.Grant{}, account.Actor{}, err
		}
		for _, g := range gs {
			if g.ID == id {
				return g, actor, nil
			}
		}
	}
	own, err := a.Accounts.StaffGrants(ctx, user)
	if err != nil {
		return account.Grant{}, account.Actor{}, err
	}
	for _, g := range own {
		if g.ID == id {
			return g, account.Actor{}, nil
		}
	}
	return account.Grant{}, account.Actor{}, fmt.Errorf("no grant %d that this user may decide or end", id)
}

// accessList prints the grants of one organisation, or of every one.
func accessList(ctx context.Context, a *app.App, slug string, stdout io.Writer) error {
	orgs, err := a.Accounts.ConsoleOrganisations(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tORGANISATION\tSTAFF\tHOURS\tSTATE\tREQUESTED\tREASON")
	found := slug == ""
	for _, o := range orgs {
		if slug != "" && o.Slug != slug {
			continue
		}
		found = true
		gs, err := a.Accounts.Grants(ctx, account.Actor{OrgID: o.ID, OrgSlug: o.Slug, Role: account.Owner, Kind: "system"})
		if err != nil {
			return err
		}
		for _, g := range gs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\n", g.ID, o.Slug, g.StaffName, g.Hours, g.Shown(),
				g.RequestedAt.UTC().Format("2006-01-02 15:04"), g.Reason)
		}
	}
	if !found {
		return fmt.Errorf("no organisation %q", slug)
	}
	return tw.Flush()
}
