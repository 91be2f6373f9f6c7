package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/demo"
	"hms/internal/importer"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// benchRows is the size of the benchmark rent roll: HMS_BENCH_ROWS, or 2,000
// so that `go test -bench` stays quick; docs/PERFORMANCE.md records a run
// with 100,000.
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("HMS_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 2000
}

func benchFile(b *testing.B, units int) ([]byte, []map[string]string) {
	rows := demo.RentRoll(demo.Options{Seed: 5, Units: units, Today: civil.MustParse("2026-11-25")})
	var buf bytes.Buffer
	if err := demo.WriteCSV(&buf, rows); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), rows
}

// BenchmarkImport imports a fresh rent roll into an empty organisation per
// iteration (units, tenants sealed and indexed, leases with components).
func BenchmarkImport(b *testing.B) {
	for _, engine := range dbtest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			file, rows := benchFile(b, benchRows())
			e := apptest.Start(b, engine, apptest.Options{NoServer: true})
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				a, imp := setupB(b, e, fmt.Sprintf("bench%d", i))
				b.StartTimer()
				if _, cellErrs, err := imp.Import(context.Background(), a, bytes.NewReader(file), nil); err != nil {
					b.Fatalf("%v %v", err, cellErrs[:min(3, len(cellErrs))])
				}
			}
			b.ReportMetric(float64(len(rows)), "rows/op")
		})
	}
}

// BenchmarkRawBulkInsert is the baseline: the same rows' fields inserted as
// plain text into one table in one transaction, with no checks, no sealing
// and no indexes but the key.
func BenchmarkRawBulkInsert(b *testing.B) {
	for _, engine := range dbtest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			_, rows := benchFile(b, benchRows())
			d := dbtest.Open(b, engine)
			cols := make([]string, len(importer.Columns))
			for i, c := range importer.Columns {
				cols[i] = c.Key
			}
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				table := fmt.Sprintf("raw_rows_%d", i)
				ddl := "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY"
				for _, c := range cols {
					ddl += ", " + c + " TEXT"
				}
				if _, err := d.Raw().Exec(ddl + ")"); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				err := d.System(ctx, func(tx *db.Tx) error {
					q := "INSERT INTO " + table + " (" + joinCols(cols) + ") VALUES (" + placeholders(len(cols)) + ")"
					st, err := tx.PrepareContext(ctx, q)
					if err != nil {
						return err
					}
					defer st.Close()
					args := make([]any, len(cols))
					for _, r := range rows {
						for j, c := range cols {
							args[j] = r[c]
						}
						if _, err := st.ExecContext(ctx, args...); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(rows)), "rows/op")
		})
	}
}

func joinCols(cols []string) string {
	var buf bytes.Buffer
	for i, c := range cols {
		if i > 0 {
			buf.WriteString(", ")
		}
		buf.WriteString(c)
	}
	return buf.String()
}

func placeholders(n int) string {
	var buf bytes.Buffer
	for i := 1; i <= n; i++ {
		if i > 1 {
			buf.WriteString(", ")
		}
		fmt.Fprintf(&buf, "$%d", i)
	}
	return buf.String()
}
