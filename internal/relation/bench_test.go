package relation_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/nl"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/listing"
	"hms/internal/relation"
)

// benchPersons is the organisation size of the speed target; -short uses
// benchPersonsShort.
const (
	benchPersons      = 100_000
	benchPersonsShort = 5_000
	benchBatch        = 2_000
)

// benchIBAN is a valid Dutch IBAN for person i.
func benchIBAN(i int) string {
	bban := fmt.Sprintf("ABNA%010d", 1_000_000+i)
	return "NL" + nl.IBANCheckDigits("NL", bban) + bban
}

// seed starts HMS on engine with one organisation of n persons with
// realistic Dutch names, addresses, e-mail addresses, phone numbers and an
// IBAN each, imported in batches; it reports how long that took. On
// PostgreSQL it then runs VACUUM ANALYZE, as autovacuum would.
func seed(b *testing.B, engine db.Dialect, n int) (*apptest.Env, account.Actor) {
	return seedT(b, engine, n)
}

func seedT(b testing.TB, engine db.Dialect, n int) (*apptest.Env, account.Actor) {
	b.Helper()
	e := apptest.Start(b, engine, apptest.Options{NoServer: true})
	a := actor2(b, e, "bench", "owner@bench.nl", account.Owner)
	r := rand.New(rand.NewPCG(7, 11))
	start := time.Now()
	for from := 0; from < n; from += benchBatch {
		rows := make([]relation.PersonInput, 0, benchBatch)
		for i := from; i < min(n, from+benchBatch); i++ {
			p := randomPerson(r, i)
			p.Street, p.HouseNumber, p.Postcode, p.City = "Kerkstraat", fmt.Sprint(1+r.IntN(200)), fmt.Sprintf("%04d %s", 1000+r.IntN(8999), "AB"), "Utrecht"
			p.Email = fmt.Sprintf("p%d@voorbeeld.nl", i)
			p.Phones = []string{fmt.Sprintf("06%08d", i)}
			p.IBANs = []string{benchIBAN(i)}
			rows = append(rows, p)
		}
		err := e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			_, rerrs, err := e.Relations.UpsertPersonsTx(ctx, tx, a, rows)
			if len(rerrs) > 0 {
				return fmt.Errorf("row errors: %v", rerrs)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	el := time.Since(start)
	b.Logf("%s: imported %d persons in %s (%.2f ms per person)", engine, n, el.Round(time.Millisecond), float64(el.Microseconds())/1000/float64(n))
	if engine == db.Postgres {
		// A settled database, as autovacuum keeps it after a large import:
		// without statistics PostgreSQL sorts a whole organisation's ranks
		// where an ordered index scan would stop after one page, and until
		// the visibility map is set an index-only scan of search tokens
		// reads a heap page per match.
		if _, err := e.DB.Raw().ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	return e, a
}

func actor2(b testing.TB, e *apptest.Env, slug, email string, role account.Role) account.Actor {
	b.Helper()
	_, id, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: slug, Email: email, Role: role})
	if err != nil {
		b.Fatal(err)
	}
	a, err := e.Accounts.ActorFor(ctx, id, slug)
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// benchSize is the organisation's size: 100,000, 5,000 with -short, or
// HMS_BENCH_PERSONS.
func benchSize() int {
	if n, err := strconv.Atoi(os.Getenv("HMS_BENCH_PERSONS")); err == nil && n > 0 {
		return n
	}
	if testing.Short() {
		return benchPersonsShort
	}
	return benchPersons
}

// BenchmarkSearchByNamePrefix: the first page (50 rows, names and places
// decrypted) of a name-prefix search in an organisation of 100,000
// persons: "jans" (a few per cent match) and "j" (a tenth or more).
func BenchmarkSearchByNamePrefix(b *testing.B) {
	for _, engine := range dbtest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			e, a := seed(b, engine, benchSize())
			for _, q := range []string{"jans", "j", "van d"} {
				b.Run(q, func(b *testing.B) {
					p, err := e.Relations.List(ctx, a, listing.Query{Search: q}, relation.Filter{})
					if err != nil || len(p.Items) != 50 {
						b.Fatalf("search %q: %d items of %d, %v", q, len(p.Items), p.Total, err)
					}
					b.Logf("%q: %d matches", q, p.Total)
					for b.Loop() {
						if _, err := e.Relations.List(ctx, a, listing.Query{Search: q}, relation.Filter{}); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// BenchmarkIBANLookup: finding the one person with a given IBAN (written
// with spaces, as people type it) among 100,000, and decrypting its row.
func BenchmarkIBANLookup(b *testing.B) {
	for _, engine := range dbtest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			n := benchSize()
			e, a := seed(b, engine, n)
			r := rand.New(rand.NewPCG(1, 1))
			for b.Loop() {
				iban := nl.FormatIBAN(benchIBAN(r.IntN(n)))
				p, err := e.Relations.List(ctx, a, listing.Query{Search: iban}, relation.Filter{})
				if err != nil || p.Total != 1 {
					b.Fatalf("IBAN %s: %d found, %v", iban, p.Total, err)
				}
			}
		})
	}
}
