package importer_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/demo"
	"hms/internal/importer"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/listing"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

func setupB(b *testing.B, e *apptest.Env, slug string) (account.Actor, *importer.Service) {
	return setup(b, e, slug, true)
}

func setup(t testing.TB, e *apptest.Env, slug string, accept bool) (account.Actor, *importer.Service) {
	t.Helper()
	ctx := context.Background()
	_, id, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: slug, Email: "owner@" + slug + ".nl", Role: account.Owner})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.Accounts.ActorFor(ctx, id, slug)
	if err != nil {
		t.Fatal(err)
	}
	if accept {
		if err := e.Privacy.AcceptProcessorAgreement(ctx, a, e.Privacy.Current().Version); err != nil {
			t.Fatal(err)
		}
	}
	return a, importer.New(importer.Deps{DB: e.DB, Audit: e.Audit, Portfolio: e.Portfolio, Relations: e.Relations, Leases: e.Leases})
}

type counts struct{ units, persons, leases, components int }

func count(t *testing.T, e *apptest.Env, a account.Actor) counts {
	t.Helper()
	ctx := context.Background()
	u, err := e.Portfolio.ListUnits(ctx, a, portfolio.UnitFilter{}, listing.Query{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.Relations.List(ctx, a, listing.Query{Limit: 1}, relation.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := e.Leases.List(ctx, a, listing.Query{Limit: 500}, lease.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	c := counts{units: u.Total, persons: p.Total, leases: l.Total}
	for _, s := range l.Items {
		comps, err := e.Leases.Components(ctx, a, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		c.components += len(comps)
	}
	return c
}

func rentRoll(t *testing.T, units int) string {
	var buf bytes.Buffer
	if err := demo.WriteCSV(&buf, demo.RentRoll(demo.Options{Seed: 3, Units: units, Today: civil.MustParse("2026-11-25")})); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// A clean rent roll imports whole; the same file again changes nothing; a
// second organisation sees none of it.
func TestImportIsCompleteAndIdempotent(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{NoServer: true})
			ctx := context.Background()
			a, imp := setup(t, e, "rol", true)
			file := rentRoll(t, 60)
			res, cellErrs, err := imp.Import(ctx, a, strings.NewReader(file), nil)
			if err != nil {
				t.Fatalf("import: %v %v", err, cellErrs)
			}
			if res.Units != 60 || res.Leases == 0 || res.Tenants != res.Leases {
				t.Fatalf("result %+v", res)
			}
			first := count(t, e, a)
			if first.units != 60 || first.persons != res.Tenants || first.leases != res.Leases || first.components < first.leases {
				t.Fatalf("after import %+v (result %+v)", first, res)
			}
			if _, _, err := imp.Import(ctx, a, strings.NewReader(file), nil); err != nil {
				t.Fatalf("second import: %v", err)
			}
			if again := count(t, e, a); again != first {
				t.Fatalf("second import changed the books: %+v → %+v", first, again)
			}
			b, _ := setup(t, e, "ander", true)
			if c := count(t, e, b); c != (counts{}) {
				t.Fatalf("another organisation sees %+v", c)
			}
		})
	}
}

// A file with bad rows names line, column and reason, and imports nothing,
// not even its good rows.
func TestImportRefusesBadRows(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{NoServer: true})
			ctx := context.Background()
			a, imp := setup(t, e, "fout", true)
			lines := strings.Split(strings.TrimSpace(rentRoll(t, 8)), "\n")
			header := strings.Split(lines[0], ";")
			idx := func(name string) int {
				for i, h := range header {
					if h == name {
						return i
					}
				}
				t.Fatalf("no column %s", name)
				return -1
			}
			// Line 3: a postcode that cannot be; then a rent that is no
			// amount, and a rent beyond what HMS takes (€100 million).
			row := strings.Split(lines[2], ";")
			row[idx("postcode")] = "0123 XY"
			lines[2] = strings.Join(row, ";")
			bad := []string{"veel", "90.000.000.000.000.000,00"}
			for i := 4; i < len(lines) && len(bad) > 0; i++ {
				row = strings.Split(lines[i], ";")
				if row[idx("contractnummer")] != "" {
					row[idx("kale_huur")] = bad[0]
					bad = bad[1:]
					lines[i] = strings.Join(row, ";")
				}
			}
			_, cellErrs, err := imp.Import(ctx, a, strings.NewReader(strings.Join(lines, "\n")), nil)
			if !errors.Is(err, importer.ErrRows) {
				t.Fatalf("err = %v", err)
			}
			var sawPostcode, sawRent, sawHuge bool
			for _, ce := range cellErrs {
				if ce.Line == 3 && ce.Column == "postcode" && ce.Reason != "" {
					sawPostcode = true
				}
				if ce.Column == "kale_huur" && ce.Reason == "import.amount_invalid" {
					sawRent = true
				}
				if ce.Column == "kale_huur" && ce.Reason == "amount.too_large" {
					sawHuge = true
				}
			}
			if !sawPostcode || !sawRent || !sawHuge {
				t.Fatalf("errors %+v", cellErrs)
			}
			if c := count(t, e, a); c != (counts{}) {
				t.Fatalf("a bad file imported %+v", c)
			}
		})
	}
}

// Tenants cannot be imported before the processor agreement is accepted.
func TestImportNeedsProcessorAgreement(t *testing.T) {
	e := apptest.Start(t, "sqlite", apptest.Options{NoServer: true})
	a, imp := setup(t, e, "zonder", false)
	_, _, err := imp.Import(context.Background(), a, strings.NewReader(rentRoll(t, 5)), nil)
	if err == nil {
		t.Fatal("imported tenants without a processor agreement")
	}
	if c := count(t, e, a); c != (counts{}) {
		t.Fatalf("imported %+v", c)
	}
}

// After importing a demo portfolio the database holds none of its tenants'
// e-mail addresses, IBANs, phone numbers or (longer) surnames in plaintext:
// not in any row, and for SQLite not anywhere in the file.
func TestImportedPersonalDataIsSealed(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{NoServer: true})
			a, imp := setup(t, e, "geheim", true)
			rows := demo.RentRoll(demo.Options{Seed: 11, Units: 80, Today: civil.MustParse("2026-11-25")})
			var buf bytes.Buffer
			if err := demo.WriteCSV(&buf, rows); err != nil {
				t.Fatal(err)
			}
			if _, cellErrs, err := imp.Import(context.Background(), a, &buf, nil); err != nil {
				t.Fatalf("%v %v", err, cellErrs)
			}
			var needles []string
			for _, r := range rows {
				for _, k := range []string{"tenant_email", "tenant_iban", "tenant_phone"} {
					if r[k] != "" {
						needles = append(needles, r[k])
					}
				}
				if len(r["tenant_surname"]) >= 7 {
					needles = append(needles, r["tenant_surname"])
				}
			}
			if len(needles) < 100 {
				t.Fatalf("only %d needles", len(needles))
			}
			if hits := apptest.FindPlaintext(t, e.DB, needles...); len(hits) > 0 {
				t.Fatalf("plaintext personal data: %v", hits[:min(5, len(hits))])
			}
			if e.DB.Dialect == "sqlite" {
				if _, err := e.DB.Raw().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
					t.Fatal(err)
				}
				for _, f := range []string{e.DB.Path, e.DB.Path + "-wal"} {
					b, err := os.ReadFile(f)
					if err != nil && !os.IsNotExist(err) {
						t.Fatal(err)
					}
					low := strings.ToLower(string(b))
					for _, n := range needles {
						if strings.Contains(low, strings.ToLower(n)) {
							t.Fatalf("%s holds %q in plaintext", f, n)
						}
					}
				}
			}
		})
	}
}
