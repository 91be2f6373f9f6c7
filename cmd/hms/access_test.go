package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/platform/dbtest"
	"hms/internal/relation"
)

// hms access: a staff member asks (a reason the privacy guard warns about
// is refused until --guard-reason gives one), the list shows the grant, a
// member who is not an owner cannot decide it, the owner approves and ends
// it. hms privacy restrict and lift a person; hms privacy object records an
// upheld objection, which restricts the person.
func TestAccessAndRestrictCommands(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			_, uid, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "alpha", Email: "owner@alpha.nl", Role: account.Owner})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "alpha", Email: "viewer@alpha.nl",
				Role: account.Viewer}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{Email: "staff@hms.nl", Name: "Sam Staf",
				Staff: true}); err != nil {
				t.Fatal(err)
			}
			owner, _ := a.Accounts.ActorFor(ctx, uid, "alpha")
			person, err := a.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Anna", Surname: "Beperkt"})
			if err != nil {
				t.Fatal(err)
			}
			a.Close()
			cmd := func(args ...string) (string, error) {
				var out bytes.Buffer
				err := run(ctx, append(args, storage...), &out, io.Discard)
				return out.String(), err
			}
			req := []string{"access", "request", "--staff", "staff@hms.nl", "--org", "alpha", "--hours", "4",
				"--reason", "De huurder is ziek en heeft een depressie"}
			if out, err := cmd(req...); err == nil || !strings.Contains(err.Error(), "--reason") {
				t.Fatalf("guarded reason: %q %v", out, err)
			}
			out, err := cmd(append(req, "--guard-reason", "reason=De eigenaar vroeg hier zelf om")...)
			m := regexp.MustCompile(`\((\d+)\)`).FindStringSubmatch(out)
			if err != nil || m == nil {
				t.Fatalf("request: %q %v", out, err)
			}
			id := m[1]
			if out, err := cmd("access", "list", "--org", "alpha"); err != nil || !strings.Contains(out, "Sam Staf") ||
				!strings.Contains(out, "requested") {
				t.Fatalf("list: %q %v", out, err)
			}
			if _, err := cmd("access", "approve", "--id", id, "--by", "viewer@alpha.nl"); err == nil {
				t.Fatal("a viewer approved")
			}
			if out, err := cmd("access", "approve", "--id", id, "--by", "owner@alpha.nl"); err != nil || !strings.Contains(out, "approved") {
				t.Fatalf("approve: %q %v", out, err)
			}
			if out, err := cmd("access", "end", "--id", id, "--by", "owner@alpha.nl"); err != nil || !strings.Contains(out, "ended") {
				t.Fatalf("end: %q %v", out, err)
			}
			if out, err := cmd("access", "list"); err != nil || !strings.Contains(out, "ended") {
				t.Fatalf("list all: %q %v", out, err)
			}

			p := fmt.Sprint(person)
			if _, err := cmd("privacy", "restrict", "--org", "alpha", "--person", p, "--reason", "whim"); err == nil ||
				!strings.Contains(err.Error(), "--reason") {
				t.Fatalf("bad ground: %v", err)
			}
			if out, err := cmd("privacy", "restrict", "--org", "alpha", "--person", p, "--reason", "accuracy"); err != nil ||
				!strings.Contains(out, "restricted") {
				t.Fatalf("restrict: %q %v", out, err)
			}
			restricted := func() *relation.Restriction {
				t.Helper()
				a, err := app.Open(ctx, appConfig(cfg, key))
				if err != nil {
					t.Fatal(err)
				}
				defer a.Close()
				r, err := a.Relations.Get(ctx, owner, person, relation.ViaWeb)
				if err != nil {
					t.Fatal(err)
				}
				return r.Restriction
			}
			if r := restricted(); r == nil || r.Ground != relation.GroundAccuracy {
				t.Fatalf("after restrict: %+v", r)
			}
			if _, err := cmd("privacy", "restrict", "--org", "alpha", "--person", p, "--lift"); err != nil {
				t.Fatal(err)
			}
			if r := restricted(); r != nil {
				t.Fatalf("after lift: %+v", r)
			}
			obj := []string{"privacy", "object", "--org", "alpha", "--person", p, "--processing", "mail",
				"--grounds", "Ik ben ziek en wil geen post", "--decision", "upheld"}
			if _, err := cmd(obj...); err == nil || !strings.Contains(err.Error(), "--grounds") {
				t.Fatalf("guarded grounds: %v", err)
			}
			if out, err := cmd(append(obj, "--guard-reason", "grounds=Zo door de huurder geschreven")...); err != nil ||
				!strings.Contains(out, "recorded") {
				t.Fatalf("object: %q %v", out, err)
			}
			if r := restricted(); r == nil || r.Ground != relation.GroundObjection {
				t.Fatalf("after an upheld objection: %+v", r)
			}
		})
	}
}
