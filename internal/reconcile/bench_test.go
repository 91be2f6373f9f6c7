package reconcile_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/bank"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/reconcile"
)

// BenchmarkImportAndMatch imports a camt.053 of N credits, each paying one
// cent of one of N open invoices by its betalingskenmerk (so every line is
// matched and booked, and the invoices stay open for the next round), beside
// the baseline in the same run: a streaming encoding/xml decode of the same
// file and a raw multi-row insert of the same payment rows. N is
// HMS_BENCH_ENTRIES (default 1,000).
func BenchmarkImportAndMatch(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("HMS_BENCH_ENTRIES")); err == nil && v > 0 {
		n = v
	}
	for _, engine := range dbtest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			o := apptest.NewOrg(b, engine, apptest.OrgOptions{})
			ctx := context.Background()
			if _, err := o.Bank.AddAccount(ctx, o.Owner, bankAccount()); err != nil {
				b.Fatal(err)
			}
			today := civil.Today(o.Clock.Now())
			leases := make([]int64, 0, 20)
			for range 20 {
				leases = append(leases, o.Lease(o.Owner, leaseInput()))
			}
			drafts := make([]ledger.Draft, n)
			for i := range drafts {
				due := today.AddDays(-30)
				drafts[i] = ledger.Draft{LeaseID: leases[i%len(leases)], IssueDate: due, DueDate: due,
					Lines: []ledger.DraftLine{{Line: ledger.Line("bare_rent", "", ""), From: due, To: due, Net: 100000}}}
			}
			var posted []ledger.Posted
			if err := o.DB.InOrg(ctx, o.Owner.OrgID, func(tx *db.Tx) error {
				var err error
				posted, err = ledger.PostTx(ctx, tx, drafts, db.TS(o.Clock.Now()), o.Owner.UserID)
				return err
			}); err != nil {
				b.Fatal(err)
			}
			kenmerken := make([]string, len(posted))
			for i, p := range posted {
				kenmerken[i] = p.Kenmerk
			}
			if inv, err := o.Ledger.Invoice(ctx, o.Owner, posted[0].InvoiceID); err != nil || inv.Kenmerk != kenmerken[0] {
				b.Fatalf("posted kenmerk %s, stored %+v %v", kenmerken[0], inv, err)
			}
			if engine == db.Postgres {
				// The invoices were posted before the statement came, and
				// autovacuum (off on some test servers) has counted them:
				// without statistics the import's look-ups read every invoice
				// of the organisation for each chunk.
				if _, err := o.DB.Raw().ExecContext(ctx, `ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			round := 0
			dir := b.TempDir()
			// file writes the next round's statement to disk, so that neither
			// the import nor the baseline holds the file in memory.
			file := func() string {
				round++
				txs := make([]tx, n)
				for i := range txs {
					txs[i] = tx{amount: 1, kenmerk: kenmerken[i], remittance: "huur", iban: "NL44RABO0123456789", name: "J. Jansen",
						day: today.AddDays(-1)}
				}
				name := filepath.Join(dir, fmt.Sprintf("B%d.xml", round))
				if err := os.WriteFile(name, []byte(camt(fmt.Sprintf("B%d", round), txs...)), 0o600); err != nil {
					b.Fatal(err)
				}
				return name
			}
			if _, err := o.DB.Raw().Exec(`CREATE TABLE bench_payments (org_id BIGINT, lease_id BIGINT,
				payment_date TEXT, amount_cents BIGINT, reference TEXT)`); err != nil {
				b.Fatal(err)
			}
			b.Run("import", func(b *testing.B) {
				var peak uint64
				var cpu cpuTimes
				for b.Loop() {
					b.StopTimer()
					fh, err := os.Open(file())
					if err != nil {
						b.Fatal(err)
					}
					runtime.GC()
					stop := sampleHeap(&peak)
					c0 := cpuNow(b, o, engine)
					b.StartTimer()
					res, err := o.Reconcile.Import(ctx, o.Owner, fh, reconcile.ImportOptions{})
					b.StopTimer()
					cpu.add(c0, cpuNow(b, o, engine))
					b.StartTimer()
					stop()
					fh.Close()
					if err != nil || res.Matched != n {
						b.Fatalf("%+v %v", res, err)
					}
				}
				// The largest heap while importing: the same whatever the file's size.
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
				cpu.report(b)
			})
			b.Run("baseline", func(b *testing.B) {
				var cpu cpuTimes
				for b.Loop() {
					b.StopTimer()
					fh, err := os.Open(file())
					if err != nil {
						b.Fatal(err)
					}
					c0 := cpuNow(b, o, engine)
					b.StartTimer()
					insertRaw(b, o, decodeEntries(b, fh))
					b.StopTimer()
					cpu.add(c0, cpuNow(b, o, engine))
					b.StartTimer()
					fh.Close()
				}
				cpu.report(b)
			})
		})
	}
}

// cpuTimes adds up the CPU time of this process (HMS) and of the database
// server's processes serving the test database (PostgreSQL), which say more
// than the clock on a machine shared with other work.
type cpuTimes struct {
	hms, server time.Duration
	n           int
}

type cpuSample struct{ hms, server time.Duration }

func (c *cpuTimes) add(from, to cpuSample) {
	c.hms += to.hms - from.hms
	c.server += to.server - from.server
	c.n++
}

func (c *cpuTimes) report(b *testing.B) {
	if c.n == 0 {
		return
	}
	b.ReportMetric(c.hms.Seconds()*1000/float64(c.n), "hms-cpu-ms/op")
	b.ReportMetric(c.server.Seconds()*1000/float64(c.n), "server-cpu-ms/op")
}

// cpuNow reads the CPU times (Linux /proc; zero elsewhere). The server's are
// those of the backends connected to the test database now: the pool keeps
// its connections, so they are the same before and after an import.
func cpuNow(b *testing.B, o *apptest.Org, engine db.Dialect) cpuSample {
	var s cpuSample
	s.hms = procCPU("self")
	if engine != db.Postgres {
		return s
	}
	rows, err := o.DB.Raw().Query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			b.Fatal(err)
		}
		s.server += procCPU(strconv.Itoa(pid))
	}
	return s
}

// procCPU is the user and system time of a process from /proc/PID/stat.
func procCPU(pid string) time.Duration {
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

// sampleHeap keeps in peak the largest live heap seen until stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			*peak = max(*peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

type benchEntry struct {
	Amt    string `xml:"Amt"`
	BookDt string `xml:"BookgDt>Dt"`
	Ref    string `xml:"NtryDtls>TxDtls>RmtInf>Strd>CdtrRefInf>Ref"`
}

func decodeEntries(b *testing.B, r io.Reader) []benchEntry {
	dec := xml.NewDecoder(r)
	var out []benchEntry
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			b.Fatal(err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Ntry" {
			var e benchEntry
			if err := dec.DecodeElement(&e, &se); err != nil {
				b.Fatal(err)
			}
			out = append(out, e)
		}
	}
}

// insertRaw writes one payment row per entry, 500 rows a statement, in one
// transaction.
func insertRaw(b *testing.B, o *apptest.Org, rows []benchEntry) {
	tx, err := o.DB.Raw().Begin()
	if err != nil {
		b.Fatal(err)
	}
	for start := 0; start < len(rows); start += 500 {
		chunk := rows[start:min(start+500, len(rows))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO bench_payments (org_id, lease_id, payment_date, amount_cents, reference) VALUES `)
		args := make([]any, 0, len(chunk)*5)
		for i, r := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			k := len(args)
			fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5)
			args = append(args, o.Owner.OrgID, int64(1), r.BookDt, int64(1), r.Ref)
		}
		if _, err := tx.Exec(sb.String(), args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

func bankAccount() bank.AccountInput { return bank.AccountInput{IBAN: ownIBAN, Name: "Vastgoed Alfa"} }

func leaseInput() lease.Input { return lease.Input{} }
