package settlement_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/relation"
	"hms/internal/settlement"
)

// seedComplex writes a complex of n units straight into the tables, 500
// rows a statement: every unit let from 2024 on, one in ten changing tenant
// on a day of 2025, one in fifty of those empty for a month in between.
func seedComplex(b *testing.B, e *apptest.Env, a account.Actor, n int) int64 {
	ctx := context.Background()
	now := db.TS(time.Now())
	var cx int64
	err := e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx,
			`INSERT INTO complexes (org_id, name, name_key, city, created_at, updated_at) VALUES ($1, 'Bench', 'bench', 'Utrecht', $2, $2)
				RETURNING id`, tx.OrgID(), now).Scan(&cx)
	})
	if err != nil {
		b.Fatal(err)
	}
	const batch = 500
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		err := e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			var us strings.Builder
			var args []any
			us.WriteString(`INSERT INTO units (org_id, complex_id, street, house_number, postcode, city, type, floor_area_tenths, segment,
				created_at, updated_at) VALUES `)
			for i := start; i < end; i++ {
				if i > start {
					us.WriteString(",")
				}
				us.WriteString(tx.Tuple(len(args)+1, 11))
				args = append(args, tx.OrgID(), cx, "Benchlaan", i+1, "3521 CD", "Utrecht", "zelfstandig", 400+i%900, "vrije_sector", now, now)
			}
			rows, err := tx.QueryContext(ctx, us.String()+" RETURNING id", args...)
			if err != nil {
				return err
			}
			var units []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				units = append(units, id)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			// Leases: one per unit, and a second for every tenth.
			type let struct {
				unit       int64
				start, end string
			}
			var lets []let
			for k, u := range units {
				i := start + k
				if i%10 != 0 {
					lets = append(lets, let{u, "2024-01-01", ""})
					continue
				}
				day := time.Date(2025, time.January, 1+(i*37)%360, 0, 0, 0, 0, time.UTC)
				next := day.AddDate(0, 0, 1)
				if i%50 == 0 {
					next = day.AddDate(0, 1, 0)
				}
				lets = append(lets, let{u, "2024-01-01", day.Format(time.DateOnly)}, let{u, next.Format(time.DateOnly), ""})
			}
			var ls strings.Builder
			args = args[:0]
			ls.WriteString(`INSERT INTO leases (org_id, reference, start_date, end_date, ends_on, created_at, updated_at, kind, billing_frequency,
				due_day, payment_method) VALUES `)
			for k, l := range lets {
				if k > 0 {
					ls.WriteString(",")
				}
				ls.WriteString(tx.Tuple(len(args)+1, 11))
				var endv any
				if l.end != "" {
					endv = l.end
				}
				args = append(args, tx.OrgID(), fmt.Sprintf("S-%d-%d", l.unit, k), l.start, endv, endv, now, now,
					"residential", "monthly", 1, "transfer")
			}
			rows, err = tx.QueryContext(ctx, ls.String()+" RETURNING id", args...)
			if err != nil {
				return err
			}
			var leases []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				leases = append(leases, id)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			var lu strings.Builder
			args = args[:0]
			lu.WriteString(`INSERT INTO lease_units (org_id, lease_id, unit_id, complex_id) VALUES `)
			for k, l := range lets {
				if k > 0 {
					lu.WriteString(",")
				}
				lu.WriteString(tx.Tuple(len(args)+1, 4))
				args = append(args, tx.OrgID(), leases[k], l.unit, cx)
			}
			_, err = tx.ExecContext(ctx, lu.String(), args...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return cx
}

// runRows are the rows a stored run wrote: its own row's JSON, and its
// occupancies and landlord lines, each row its values in column order.
type runRows struct {
	input, output string
	occs, lines   [][]any
}

func storedRows(b *testing.B, e *apptest.Env, a account.Actor, id int64) *runRows {
	ctx := context.Background()
	r := &runRows{}
	err := e.DB.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT input_json, output_json FROM settlement_runs WHERE id = $1 AND org_id = $2`,
			id, tx.OrgID()).Scan(&r.input, &r.output); err != nil {
			return err
		}
		for _, q := range []struct {
			sql  string
			into *[][]any
		}{
			{`SELECT org_id, run_id, occupancy_ref, lease_id, unit_id, start_date, end_date, subtotal_cents, admin_fee_cents, total_cents,
				advances_cents, paid_cents, balance_cents, lines_json FROM settlement_run_occupancies WHERE run_id = $1 AND org_id = $2`, &r.occs},
			{`SELECT org_id, run_id, occupancy_ref, unit_id, cost_id, amount_cents FROM settlement_run_lines WHERE run_id = $1 AND org_id = $2`,
				&r.lines},
		} {
			rows, err := tx.QueryContext(ctx, q.sql, id, tx.OrgID())
			if err != nil {
				return err
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				v := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range v {
					ptrs[i] = &v[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return err
				}
				*q.into = append(*q.into, v)
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range []string{
		`CREATE TABLE bench_runs (input_json TEXT, output_json TEXT)`,
		`CREATE TABLE bench_occupancies (org_id BIGINT, run_id BIGINT, occupancy_ref TEXT, lease_id BIGINT, unit_id BIGINT,
			start_date TEXT, end_date TEXT, subtotal_cents BIGINT, admin_fee_cents BIGINT, total_cents BIGINT, advances_cents BIGINT,
			paid_cents BIGINT, balance_cents BIGINT, lines_json TEXT)`,
		`CREATE TABLE bench_lines (org_id BIGINT, run_id BIGINT, occupancy_ref TEXT, unit_id BIGINT, cost_id TEXT, amount_cents BIGINT)`,
	} {
		if _, err := e.DB.Raw().Exec(t); err != nil {
			b.Fatal(err)
		}
	}
	return r
}

// insertRaw is the floor under storing a run: the same rows, replacing the
// ones before, in one transaction into tables without keys, indexes or
// row-level security, 500 rows a statement.
func (r *runRows) insertRaw(b *testing.B, e *apptest.Env) {
	tx, err := e.DB.Raw().Begin()
	if err != nil {
		b.Fatal(err)
	}
	param := func(k int) string {
		if e.DB.Dialect == db.SQLite {
			return "?"
		}
		return "$" + strconv.Itoa(k)
	}
	for _, t := range []string{"bench_runs", "bench_occupancies", "bench_lines"} {
		if _, err := tx.Exec(`DELETE FROM ` + t); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := tx.Exec(`INSERT INTO bench_runs VALUES (`+param(1)+`, `+param(2)+`)`, r.input, r.output); err != nil {
		b.Fatal(err)
	}
	for _, t := range []struct {
		table string
		rows  [][]any
	}{{"bench_occupancies", r.occs}, {"bench_lines", r.lines}} {
		for start := 0; start < len(t.rows); start += 500 {
			var sb strings.Builder
			sb.WriteString(`INSERT INTO ` + t.table + ` VALUES `)
			var args []any
			for i, row := range t.rows[start:min(start+500, len(t.rows))] {
				if i > 0 {
					sb.WriteByte(',')
				}
				sb.WriteByte('(')
				for j := range row {
					if j > 0 {
						sb.WriteByte(',')
					}
					sb.WriteString(param(len(args) + j + 1))
				}
				sb.WriteByte(')')
				args = append(args, row...)
			}
			if _, err := tx.Exec(sb.String(), args...); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSettlementRun settles a complex of benchUnits() units (10,000)
// with 30 cost lines (equal, area, occupants, heating by gas_35_65 and by
// days with degree days) and tenant changes, from the database ("run":
// Settle, which builds the input in batched queries, computes, and replaces
// the stored draft with every line), beside baselines in the same run: the
// raw multi-row insert of the rows it stores ("insert", runRows.insertRaw),
// Compute alone on the same input ("compute"), and a raw read of the rows
// the run reads ("read"); "run+read" is Run, which also reads the whole run
// back (11,000 occupancies) as the CLI prints it.
func BenchmarkSettlementRun(b *testing.B) {
	n := benchUnits()
	for _, engine := range dbtest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			e := apptest.Start(b, engine, apptest.Options{NoServer: true, Clock: clock.NewFixed(now)})
			_, uid, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "bench", Email: "owner@bench.nl", Role: account.Owner})
			if err != nil {
				b.Fatal(err)
			}
			owner, _ := e.Accounts.ActorFor(ctx, uid, "bench")
			if err := e.Privacy.AcceptProcessorAgreement(ctx, owner, e.Privacy.Current().Version); err != nil {
				b.Fatal(err)
			}
			cx := seedComplex(b, e, owner, n)
			sup, err := e.Relations.CreateCompany(ctx, owner, relation.CompanyInput{Name: "Bench BV", KvK: "12345678",
				Address: relation.Address{Street: "Industrieweg", HouseNumber: "1", Postcode: "3542 AD", City: "Utrecht"},
				IBANs:   []string{"NL91ABNA0417164300"}, Roles: relation.RolesOf(relation.RoleSupplier)})
			if err != nil {
				b.Fatal(err)
			}
			keys := []settlement.CategoryKey{{Key: settlement.KeyEqual, AdminFee: true}, {Key: settlement.KeyArea, AdminFee: true},
				{Key: settlement.KeyOccupants}, {Key: settlement.KeyGas3565}, {Key: settlement.KeyArea, Heating: true, FixedPercent: "30"}}
			for c := range 30 {
				cat := fmt.Sprintf("kosten%02d", c)
				k := keys[c%len(keys)]
				k.Category = cat
				if err := e.Settlement.SetKey(ctx, owner, cx, 2025, k); err != nil {
					b.Fatal(err)
				}
				// Half the categories have an invoice that crosses the year.
				from, to := "2025-01-01", "2025-12-31"
				if c%2 == 1 {
					from, to = "2024-07-01", "2025-06-30"
				}
				if _, err := e.Settlement.CreateCost(ctx, owner,
					settlement.CostInput{ComplexID: cx, SupplierID: sup, InvoiceNumber: fmt.Sprintf("F-%d", c),
						InvoiceDate: "2025-12-31", PeriodStart: from, PeriodEnd: to,
						Amount: fmt.Sprintf("%d.%02d", 10_000+c*1_237, c), Category: cat}); err != nil {
					b.Fatal(err)
				}
			}
			var dd []settlement.DegreeDay
			for m, v := range []string{"412.3", "365.0", "330.8", "198.4", "96.0", "40.2", "30.1", "33.0", "80.5", "190.7", "300.2", "398.6"} {
				dd = append(dd, settlement.DegreeDay{Month: fmt.Sprintf("2025-%02d", m+1), Value: v})
			}
			if err := e.Settlement.SetDegreeDays(ctx, owner, dd); err != nil {
				b.Fatal(err)
			}
			first, err := e.Settlement.Run(ctx, owner, cx, 2025)
			if err != nil {
				b.Fatal(err)
			}
			if len(first.WarningList) > 0 || len(first.Costs) != 30 || len(first.Occupancies) < n {
				b.Fatalf("seeded run: %d warnings %v, %d costs, %d occupancies", len(first.WarningList), first.WarningList,
					len(first.Costs), len(first.Occupancies))
			}
			input := first.Input
			stored := storedRows(b, e, owner, first.ID)
			b.Run("run", func(b *testing.B) {
				for b.Loop() {
					if _, err := e.Settlement.Settle(ctx, owner, cx, 2025); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n), "units")
			})
			b.Run("insert", func(b *testing.B) {
				for b.Loop() {
					stored.insertRaw(b, e)
				}
			})
			b.Run("run+read", func(b *testing.B) {
				for b.Loop() {
					if _, err := e.Settlement.Run(ctx, owner, cx, 2025); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("compute", func(b *testing.B) {
				for b.Loop() {
					in, err := settlement.Decode(bytes.NewReader(input))
					if err != nil {
						b.Fatal(err)
					}
					if _, err := settlement.Compute(in); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("read", func(b *testing.B) {
				for b.Loop() {
					err := e.DB.ReadOrg(ctx, owner.OrgID, func(tx *db.Tx) error {
						for _, q := range []string{
							`SELECT id, floor_area_tenths FROM units WHERE org_id = $1 AND complex_id = $2`,
							`SELECT lu.lease_id, lu.unit_id, l.start_date, l.ends_on FROM lease_units lu
								JOIN leases l ON l.id = lu.lease_id AND l.org_id = lu.org_id
								JOIN units u ON u.id = lu.unit_id AND u.org_id = lu.org_id WHERE lu.org_id = $1 AND u.complex_id = $2`,
						} {
							rows, err := tx.QueryContext(ctx, q, tx.OrgID(), cx)
							if err != nil {
								return err
							}
							for rows.Next() {
								var a, b2 any
								var c, d any
								if strings.Contains(q, "lease_id") {
									if err := rows.Scan(&a, &b2, &c, &d); err != nil {
										rows.Close()
										return err
									}
								} else if err := rows.Scan(&a, &b2); err != nil {
									rows.Close()
									return err
								}
							}
							if err := rows.Close(); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
