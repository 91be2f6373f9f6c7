package account_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/validation"
)

// Access grants (PRIVACY.md P14), both engines: only staff may ask, with a
// reason of some length and 1–72 hours; the owners are mailed; nothing lets
// staff in until an owner approves; a manager or another organisation's
// owner cannot decide; the grant lets staff in as a viewer until its time is
// up, or until an owner ends it; a refused grant never does; what staff
// open is logged for the owners.
func TestAccessGrants(t *testing.T) {
	each(t, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		_, staffID, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{Email: "support@hms.example", Staff: true, Name: "Sam Support"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Accounts.RequestGrant(ctx, e.Manager.UserID, "alpha", "Een storing in de huurrun bekijken", 4); !errors.Is(err,
			validation.ErrForbidden) {
			t.Fatalf("a member asked for a grant: %v", err)
		}
		if _, err := e.Accounts.RequestGrant(ctx, staffID, "alpha", "kort", 0); err == nil ||
			!strings.Contains(err.Error(), "reason") || !strings.Contains(err.Error(), "hours") {
			t.Fatalf("short reason, no hours: %v", err)
		}
		id, err := e.Accounts.RequestGrant(ctx, staffID, "alpha", "Een storing in de huurrun bekijken", 4)
		if err != nil {
			t.Fatal(err)
		}
		owner, _ := e.Accounts.User(ctx, e.Owner.UserID)
		if m := e.Mail.WaitFor(t, owner.Email, 10*time.Second); !strings.Contains(m.Text, "/o/alpha/settings/access") {
			t.Fatalf("mail to the owner: %s", m.Text)
		}
		if _, err := e.Accounts.StaffActorFor(ctx, staffID, "alpha"); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("staff let in before approval: %v", err)
		}
		if err := e.Accounts.DecideGrant(ctx, e.Manager, id, true); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("a manager approved: %v", err)
		}
		if err := e.Accounts.DecideGrant(ctx, e.OwnerB, id, true); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("another organisation's owner approved: %v", err)
		}
		if err := e.Accounts.DecideGrant(ctx, e.Owner, id, true); err != nil {
			t.Fatal(err)
		}
		if err := e.Accounts.DecideGrant(ctx, e.Owner, id, false); !errors.Is(err, account.ErrGrantDecided) {
			t.Fatalf("decided twice: %v", err)
		}
		a, err := e.Accounts.StaffActorFor(ctx, staffID, "alpha")
		if err != nil || a.Role != account.Viewer || a.Kind != "staff" || a.Can(account.PermPortfolioWrite) || !a.Can(account.PermPortfolioRead) {
			t.Fatalf("staff under the grant: %+v %v", a, err)
		}
		if _, err := e.Accounts.StaffActorFor(ctx, staffID, "beta"); err == nil {
			t.Fatal("the grant let staff into another organisation")
		}
		if err := e.Accounts.RecordStaffRequest(ctx, a, "GET", "/o/alpha/relations"); err != nil {
			t.Fatal(err)
		}
		log, err := e.Accounts.StaffRequests(ctx, e.Owner, 10)
		if err != nil || len(log) != 1 || log[0].TargetID != "GET /o/alpha/relations" || log[0].ActorUserID != staffID {
			t.Fatalf("the owners' log: %+v %v", log, err)
		}
		// Four hours later the grant has ended by itself.
		e.Clock.Advance(4*time.Hour - time.Second)
		if _, err := e.Accounts.StaffActorFor(ctx, staffID, "alpha"); err != nil {
			t.Fatalf("just before the end: %v", err)
		}
		e.Clock.Advance(time.Second)
		if _, err := e.Accounts.StaffActorFor(ctx, staffID, "alpha"); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("after the end: %v", err)
		}
		gs, _ := e.Accounts.Grants(ctx, e.Owner)
		if len(gs) != 1 || gs[0].Shown() != "expired" || gs[0].StaffName != "Sam Support" {
			t.Fatalf("grants: %+v", gs)
		}
		// A second grant, ended early by the owner; a third, refused.
		id2, _ := e.Accounts.RequestGrant(ctx, staffID, "alpha", "De afrekening van 2026 nakijken", 2)
		if err := e.Accounts.DecideGrant(ctx, e.Owner, id2, true); err != nil {
			t.Fatal(err)
		}
		if err := e.Accounts.EndGrant(ctx, e.Owner, id2); err != nil {
			t.Fatal(err)
		}
		id3, _ := e.Accounts.RequestGrant(ctx, staffID, "alpha", "Nog een keer de huurrun bekijken", 2)
		if err := e.Accounts.DecideGrant(ctx, e.Owner, id3, false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Accounts.StaffActorFor(ctx, staffID, "alpha"); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("ended or refused grant let staff in: %v", err)
		}
		mine, err := e.Accounts.StaffGrants(ctx, staffID)
		if err != nil || len(mine) != 3 || mine[0].OrgSlug != "alpha" {
			t.Fatalf("the staff member's grants: %+v %v", mine, err)
		}
	})
}
