package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/privacy/requests"
)

// privacyRequests lists an organisation's subject requests (P20), overdue
// first, or only the overdue ones: the same service as the inbox and the
// API, acting as the organisation's owner.
func privacyRequests(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && requestActions[args[0]] {
		return privacyRequestAction(ctx, args[0], args[1:], stdout)
	}
	var slug string
	var overdue bool
	a, err := openApp(ctx, "privacy requests", args, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", "organisation slug")
		fs.BoolVar(&overdue, "overdue", false, "only open requests past their due day")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if slug == "" {
		return errors.New("usage: hms privacy requests --org SLUG [--overdue]")
	}
	org, err := a.Accounts.OrgBySlug(ctx, slug)
	if err != nil {
		return fmt.Errorf("no organisation %q", slug)
	}
	actor := account.Actor{OrgID: org.ID, OrgSlug: org.Slug, Role: account.Owner, Kind: "system"}
	today := a.Requests.Today()
	f := requests.Filter{}
	if overdue {
		f.Overdue = today
	}
	list, err := a.Requests.List(ctx, actor, f)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "no subject requests")
		return nil
	}
	for _, r := range list {
		due := "due " + r.DueOn.String()
		switch {
		case !r.Open():
			due = "closed " + civil.Today(r.ClosedAt).String()
		case r.Overdue(today):
			due = "OVERDUE since " + r.DueOn.String()
		}
		fmt.Fprintf(stdout, "#%d  received %s  %s  %s  %s  %s\n", r.ID, civil.Today(r.ReceivedAt), r.Kind, r.State, due,
			r.Personal.Name)
	}
	return nil
}

// requestUsage is the usage of the request actions.
const requestUsage = "usage: hms privacy requests show|verify|extend|export|erase|rectify|refuse|complete|forward ID " +
	"[--org SLUG | --staff EMAIL] [--note TEXT] [--months N] [--reason TEXT] [--done TEXT] [--person ID] [--to SLUG] [--language nl|en]\n" +
	"  --org SLUG: a request in that organisation's inbox (acting as its owner; export, erase and rectify need --person)\n" +
	"  without --org: a request in the console (HMS is controller), acting as the staff member --staff EMAIL (default: the " +
	"only staff member); export, erase and rectify act on the requester's own account; forward --to SLUG"

var requestActions = map[string]bool{"show": true, "verify": true, "extend": true, "export": true, "erase": true, "rectify": true,
	"refuse": true, "complete": true, "forward": true}

// privacyRequestAction runs one step on a subject request: the same service
// calls as the inbox, the console and the API.
func privacyRequestAction(ctx context.Context, action string, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(requestUsage)
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return errors.New(requestUsage)
	}
	var slug, staffEmail, note, reason, done, to, language string
	var months int
	var person int64
	a, err := openApp(ctx, "privacy requests "+action, args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", "the organisation whose inbox holds the request (none: the console)")
		fs.StringVar(&staffEmail, "staff", "", "console: the staff member acting (default: the only one)")
		fs.StringVar(&note, "note", "", "verify: what was seen to check the requester's identity")
		fs.IntVar(&months, "months", 0, "extend: by 1 or 2 months")
		fs.StringVar(&reason, "reason", "", "extend, refuse: the reason")
		fs.StringVar(&done, "done", "", "complete: what was done")
		fs.Int64Var(&person, "person", 0, "organisation's export, erase, rectify: the person's relation id")
		fs.StringVar(&to, "to", "", "forward: the organisation that is controller")
		fs.StringVar(&language, "language", "", "console rectify: the account's language, nl or en (default: the proposed one)")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	var actor account.Actor
	if slug != "" {
		org, err := a.Accounts.OrgBySlug(ctx, slug)
		if err != nil {
			return fmt.Errorf("no organisation %q", slug)
		}
		actor = account.Actor{OrgID: org.ID, OrgSlug: org.Slug, Role: account.Owner, Kind: "system"}
	} else {
		uid, err := staffMember(ctx, a, staffEmail)
		if err != nil {
			return err
		}
		actor = requests.Staff(uid)
	}
	s := a.Requests
	switch action {
	case "show":
		r, err := s.Get(ctx, actor, id)
		if err != nil {
			return err
		}
		printRequest(stdout, r, s.Today())
		return nil
	case "verify":
		err = s.VerifyManually(ctx, actor, id, note)
	case "extend":
		err = s.Extend(ctx, actor, id, months, reason)
	case "export":
		err = s.SendExport(ctx, actor, id, person)
	case "erase":
		err = s.Erase(ctx, actor, id, person)
	case "rectify":
		err = s.RectifyWithLanguage(ctx, actor, id, person, language)
	case "refuse":
		err = s.Refuse(ctx, actor, id, reason)
	case "complete":
		err = s.Complete(ctx, actor, id, done)
	case "forward":
		if slug != "" || to == "" {
			return errors.New("usage: hms privacy requests forward ID --to SLUG (a console request)")
		}
		org, oerr := a.Accounts.OrgBySlug(ctx, to)
		if oerr != nil {
			return fmt.Errorf("no organisation %q", to)
		}
		err = s.Forward(ctx, actor, id, org.ID)
	}
	if err != nil {
		return requestProblem(a, err)
	}
	r, err := s.Get(ctx, actor, id)
	if err != nil {
		return err
	}
	printRequest(stdout, r, s.Today())
	return nil
}

// staffMember is the console's acting staff member: by e-mail address, or
// the only one.
func staffMember(ctx context.Context, a *app.App, email string) (int64, error) {
	if email != "" {
		id, err := a.Accounts.UserIDByEmail(ctx, email)
		if err != nil {
			return 0, fmt.Errorf("no user %q", email)
		}
		return id, nil
	}
	var ids []int64
	err := a.DB.ReadSystem(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM users WHERE is_staff = $1 ORDER BY id`, true)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	if len(ids) != 1 {
		return 0, errors.New("a console request: name the staff member acting with --staff EMAIL (or --org SLUG for an inbox)")
	}
	return ids[0], nil
}

// requestProblem says a refusal of the service in words (English, the
// field named), for the operator.
func requestProblem(a *app.App, err error) error {
	if fe, ok := validation.AsFields(err); ok {
		var parts []string
		for f, id := range fe {
			parts = append(parts, f+": "+a.Texts.T("en", id, nil))
		}
		sort.Strings(parts)
		return errors.New(strings.Join(parts, "; "))
	}
	if p, ok := validation.AsProblem(err); ok {
		return fmt.Errorf("%s", a.Texts.T("en", p.Code, nil))
	}
	return err
}

func printRequest(w io.Writer, r *requests.Request, today civil.Date) {
	fmt.Fprintf(w, "#%d  %s  %s\n", r.ID, r.Kind, r.State)
	fmt.Fprintf(w, "requester  %s <%s>\n", r.Personal.Name, r.Personal.Email)
	fmt.Fprintf(w, "received   %s  due %s", civil.Today(r.ReceivedAt), r.DueOn)
	if r.Overdue(today) {
		fmt.Fprint(w, "  OVERDUE")
	}
	fmt.Fprintln(w)
	if r.Verified() {
		fmt.Fprintf(w, "verified   %s by %s\n", civil.Today(r.VerifiedAt), r.VerifiedBy)
	}
	if r.Personal.Landlord != "" {
		fmt.Fprintf(w, "landlord   %s\n", r.Personal.Landlord)
	}
	if r.Personal.Details != "" {
		fmt.Fprintf(w, "details    %s\n", r.Personal.Details)
	}
	for _, f := range append(append([]string(nil), requests.ProposedFields...), requests.AccountFields...) {
		if v, ok := r.Personal.Proposed[f]; ok {
			fmt.Fprintf(w, "proposed   %s = %s\n", f, v)
		}
	}
	if r.Personal.Reason != "" {
		fmt.Fprintf(w, "reason     %s\n", r.Personal.Reason)
	}
	if r.Outcome != "" {
		fmt.Fprintf(w, "outcome    %s\n", r.Outcome)
	}
	if r.Forwarded != 0 {
		fmt.Fprintf(w, "forwarded  to organisation %d\n", r.Forwarded)
	}
}
