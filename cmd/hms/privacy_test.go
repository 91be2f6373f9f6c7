package main

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// hms privacy export writes the person's zip; hms privacy erase prints the
// receipt, refuses a running lease's tenant with the reason, and a second
// erase says nothing changed; the export afterwards names no one.
func TestPrivacyCommands(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			today := civil.Today(cliClock.Now())
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			_, uid, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "alpha", Email: "owner@alpha.nl", Role: account.Owner})
			if err != nil {
				t.Fatal(err)
			}
			owner, _ := a.Accounts.ActorFor(ctx, uid, "alpha")
			if err := a.Privacy.AcceptProcessorAgreement(ctx, owner, a.Privacy.Current().Version); err != nil {
				t.Fatal(err)
			}
			people := map[string]int64{}
			for i, end := range map[string]civil.Date{"Vertrokken": today.AddMonths(-1), "Blijvend": {}} {
				u, err := a.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: fmt.Sprint(len(people) + 1),
					Postcode: "3521 CD", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "60", Segment: portfolio.SegmentVrij})
				if err != nil {
					t.Fatal(err)
				}
				p, err := a.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Anna", Surname: i,
					Email: strings.ToLower(i) + "@voorbeeld.nl"})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := a.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{p}, Start: today.AddMonths(-12),
					End: end, PaymentMethod: lease.Transfer,
					Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 100000}}}); err != nil {
					t.Fatal(err)
				}
				people[i] = p
			}
			a.Close()
			cmd := func(args ...string) (string, error) {
				var out bytes.Buffer
				err := run(ctx, append(append([]string{"privacy"}, args...), storage...), &out, io.Discard)
				return out.String(), err
			}
			zipText := func(path string) string {
				zr, err := zip.OpenReader(path)
				if err != nil {
					t.Fatal(err)
				}
				defer zr.Close()
				var all strings.Builder
				for _, f := range zr.File {
					rc, _ := f.Open()
					b, _ := io.ReadAll(rc)
					rc.Close()
					all.Write(b)
				}
				return all.String()
			}
			gone := fmt.Sprint(people["Vertrokken"])
			out1 := filepath.Join(t.TempDir(), "gegevens.zip")
			if out, err := cmd("export", "--org", "alpha", "--person", gone, "--out", out1, "--lang", "en"); err != nil ||
				!strings.Contains(out, "wrote") {
				t.Fatalf("export: %q %v", out, err)
			}
			if txt := zipText(out1); !strings.Contains(txt, "vertrokken@voorbeeld.nl") || !strings.Contains(txt, "Data about A. Vertrokken") {
				t.Fatalf("the export lacks the person:\n%s", txt)
			}
			if _, err := cmd("export", "--org", "alpha", "--person", gone); err == nil {
				t.Errorf("export without --out ran")
			}
			if out, err := cmd("erase", "--org", "alpha", "--person", fmt.Sprint(people["Blijvend"])); err == nil ||
				!strings.Contains(err.Error(), "still running") {
				t.Fatalf("erase a running lease's tenant: %q %v", out, err)
			}
			out, err := cmd("erase", "--org", "alpha", "--person", gone)
			if err != nil || !strings.Contains(out, "The person has been erased.") || !strings.Contains(out, "The personal key") ||
				!strings.Contains(out, "Kept:") || !strings.Contains(out, "Leases (dates, amounts") {
				t.Fatalf("erase: %q %v", out, err)
			}
			if out, err := cmd("erase", "--org", "alpha", "--person", gone); err != nil || !strings.Contains(out, "erased already") {
				t.Fatalf("erase again: %q %v", out, err)
			}
			out2 := filepath.Join(t.TempDir(), "na.zip")
			if _, err := cmd("export", "--org", "alpha", "--person", gone, "--out", out2); err != nil {
				t.Fatal(err)
			}
			if txt := zipText(out2); strings.Contains(txt, "Vertrokken") || strings.Contains(txt, "vertrokken@") {
				t.Errorf("the export after erasure names the person")
			}
		})
	}
}
