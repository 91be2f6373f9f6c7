package relation_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
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
	a := e.Actor(b, "bench", "owner@bench.nl", account.Owner)
	r := rand.New(rand.NewPCG(7, 11))
	start := time.Now()
	for from := 0; from < n; from += benchBatch {
		rows := make([]relation.PersonInput, 0, benchBatch)
		for i := from; i < min(n, from+benchBatch); i++ {
			p := randomPerson(r, i)
			p.Street, p.HouseNumber, p.Postcode, p.City = "Kerkstraat", fmt.Sprint(1+r.IntN(200)), fmt.Sprintf("%04d %s",
				1000+r.IntN(8999), "AB"), "Utrecht"
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
	b.Logf("%s: imported %d persons in %s (%.2f ms per person)", engine, n, el.Round(time.Millisecond),
		float64(el.Microseconds())/1000/float64(n))
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

// BenchmarkRelationSearch seeds one organisation of 100,000 persons per
// engine and measures, beside a plaintext baseline in the same run:
//   - name/<q>: the first page (50 rows, names and places decrypted) of a
//     name-prefix search: "jans" (a few per cent match), "j" (a tenth or
//     more), "van d" (two words);
//   - iban: finding the one person with a given IBAN (typed with spaces)
//     and decrypting its row; email: the same for an e-mail address (typed
//     with capitals);
//   - plain-name/<q>, plain-iban and plain-email: the same look-ups on a plaintext table
//     of the same persons with ordinary indexes (what they would cost
//     without encryption and blind indexes).
func BenchmarkRelationSearch(b *testing.B) {
	for _, engine := range dbtest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			n := benchSize()
			e, a := seed(b, engine, n)
			plainTable(b, e, n)
			for _, q := range []string{"jans", "j", "van d"} {
				b.Run("name/"+q, func(b *testing.B) {
					p, err := e.Relations.List(ctx, a, listing.Query{Search: q}, relation.Filter{})
					if err != nil || p.Total == 0 || len(p.Items) != min(50, p.Total) { // a small seed may match fewer than a page
						b.Fatalf("search %q: %d items of %d, %v", q, len(p.Items), p.Total, err)
					}
					b.Logf("%q: %d matches", q, p.Total)
					for b.Loop() {
						if _, err := e.Relations.List(ctx, a, listing.Query{Search: q}, relation.Filter{}); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.Run("plain-name/"+q, func(b *testing.B) {
					for b.Loop() {
						plainSearch(b, e, q)
					}
				})
			}
			b.Run("iban", func(b *testing.B) {
				r := rand.New(rand.NewPCG(1, 1))
				loop(b, func() {
					iban := nl.FormatIBAN(benchIBAN(r.IntN(n)))
					p, err := e.Relations.List(ctx, a, listing.Query{Search: iban}, relation.Filter{})
					if err != nil || p.Total != 1 {
						b.Fatalf("IBAN %s: %d found, %v", iban, p.Total, err)
					}
				})
			})
			b.Run("email", func(b *testing.B) {
				r := rand.New(rand.NewPCG(1, 1))
				loop(b, func() {
					email := fmt.Sprintf("P%d@Voorbeeld.nl", r.IntN(n))
					p, err := e.Relations.List(ctx, a, listing.Query{Search: email}, relation.Filter{})
					if err != nil || p.Total != 1 {
						b.Fatalf("e-mail %s: %d found, %v", email, p.Total, err)
					}
				})
			})
			b.Run("plain-email", func(b *testing.B) {
				r := rand.New(rand.NewPCG(1, 1))
				loop(b, func() {
					var id int64
					if err := e.DB.Raw().QueryRowContext(ctx, `SELECT id FROM bench_plain WHERE email = $1`,
						strings.ToLower(fmt.Sprintf("P%d@Voorbeeld.nl", r.IntN(n)))).Scan(&id); err != nil {
						b.Fatal(err)
					}
				})
			})
			b.Run("plain-iban", func(b *testing.B) {
				r := rand.New(rand.NewPCG(1, 1))
				loop(b, func() {
					var id int64
					if err := e.DB.Raw().QueryRowContext(ctx, `SELECT id FROM bench_plain WHERE iban = $1`,
						nl.NormalizeIBAN(nl.FormatIBAN(benchIBAN(r.IntN(n))))).Scan(&id); err != nil {
						b.Fatal(err)
					}
				})
			})
		})
	}
}

// loop runs op as the benchmark's loop and reports, beside the mean, the
// median time of one op (µs-median): on a machine shared with other work
// the mean follows the load, the median less so.
func loop(b *testing.B, op func()) {
	var ds []time.Duration
	for b.Loop() {
		t := time.Now()
		op()
		ds = append(ds, time.Since(t))
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Nanoseconds())/1e3, "µs-median")
}

// plainTable writes the seeded persons' names, places and IBANs as plain
// text into an indexed table: the baseline without encryption.
func plainTable(b *testing.B, e *apptest.Env, n int) {
	raw := e.DB.Raw()
	if _, err := raw.ExecContext(ctx, `CREATE TABLE bench_plain (id BIGINT PRIMARY KEY, surname TEXT NOT NULL, name TEXT NOT NULL,
		city TEXT NOT NULL, iban TEXT NOT NULL, email TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 11))
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		p := randomPerson(r, i)
		r.IntN(200) // the same draws as seedT's address
		r.IntN(8999)
		surname := strings.ToLower(strings.TrimSpace(p.SurnamePrefix + " " + p.Surname))
		if _, err := tx.ExecContext(ctx, `INSERT INTO bench_plain (id, surname, name, city, iban, email)
			VALUES ($1, $2, $3, $4, $5, $6)`, i+1, surname, p.FirstNames+" "+surname, "Utrecht", benchIBAN(i),
			fmt.Sprintf("p%d@voorbeeld.nl", i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	for _, ddl := range []string{`CREATE INDEX bench_plain_surname ON bench_plain(surname)`,
		`CREATE INDEX bench_plain_iban ON bench_plain(iban)`, `CREATE INDEX bench_plain_email ON bench_plain(email)`} {
		if _, err := raw.ExecContext(ctx, ddl); err != nil {
			b.Fatal(err)
		}
	}
	if e.DB.Dialect == db.Postgres {
		if _, err := raw.ExecContext(ctx, `ANALYZE bench_plain`); err != nil {
			b.Fatal(err)
		}
	}
}

// plainSearch is a page of 50 plaintext names by surname prefix, with the
// count, as the relation list returns them.
func plainSearch(b *testing.B, e *apptest.Env, q string) {
	like := listing.EscapeLike(q) + "%"
	var total int
	if err := e.DB.Raw().QueryRowContext(ctx, `SELECT COUNT(*) FROM bench_plain WHERE surname LIKE $1 ESCAPE '\'`,
		like).Scan(&total); err != nil {
		b.Fatal(err)
	}
	rows, err := e.DB.Raw().QueryContext(ctx,
		`SELECT id, name, city FROM bench_plain WHERE surname LIKE $1 ESCAPE '\' ORDER BY surname, id LIMIT 50`, like)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name, city string
		if err := rows.Scan(&id, &name, &city); err != nil {
			b.Fatal(err)
		}
	}
}
