// Command hmsload measures how fast HMS answers its list and detail
// requests under load, beside a plain Go server answering the very same
// bytes, in the same run (issue 16):
//
//	go run ./cmd/hmsload [-engine sqlite|postgres|both] [-units 400] [-c 32] [-d 10s] [-only a,b] [-pgdb name]
//
// For each engine it seeds the demo organisation once (the same path as
// `hms demo`; the database is kept under -data and reused by later runs),
// starts HMS in this process on a free port, logs in for a session and makes
// an API token, fetches every measured URL once to capture its bytes, serves
// those bytes from a plain Go server as the baseline, and loads each URL on
// both servers with its own load generator (-c connections for -d each). The
// table it prints is Markdown, for docs/PERFORMANCE.md. Nothing else has to be
// installed: PostgreSQL is the one of HMS_TEST_POSTGRES_URL (or -pg).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "hmsload:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var o Options
	var engine, cpuprofile string
	fs := flag.NewFlagSet("hmsload", flag.ContinueOnError)
	fs.StringVar(&engine, "engine", "both", "sqlite, postgres or both")
	fs.IntVar(&o.Units, "units", 400, "units in the demo portfolio")
	fs.IntVar(&o.Conns, "c", 32, "connections kept busy at once")
	fs.DurationVar(&o.Duration, "d", 10*time.Second, "how long each URL is loaded, on each server")
	fs.StringVar(&o.DataDir, "data", "hms-load-data", "where seeded databases (SQLite) and their master keys are kept for the next run")
	fs.StringVar(&o.PostgresURL, "pg", os.Getenv("HMS_TEST_POSTGRES_URL"),
		"PostgreSQL server URL of a user that may create databases (default HMS_TEST_POSTGRES_URL)")
	fs.StringVar(&o.Only, "only", "", "measure only the URLs containing this text (several: comma-separated)")
	fs.StringVar(&o.PostgresDB, "pgdb", "", "PostgreSQL database to seed and reuse (default hms_load_<units>)")
	fs.StringVar(&cpuprofile, "cpuprofile", "", "write a CPU profile of the whole run (seeding, HMS and the static server) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch engine {
	case "sqlite":
		o.Engines = []string{"sqlite"}
	case "postgres":
		o.Engines = []string{"postgres"}
	case "both":
		o.Engines = []string{"sqlite", "postgres"}
	default:
		return fmt.Errorf("-engine: %q is not sqlite, postgres or both", engine)
	}
	if o.Units < 1 || o.Conns < 1 || o.Duration <= 0 {
		return errors.New("-units, -c and -d must be positive")
	}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	o.Log = func(format string, a ...any) { fmt.Fprintf(os.Stderr, format+"\n", a...) }
	res, err := Run(ctx, o)
	if len(res) > 0 {
		fmt.Fprint(stdout, Markdown(res))
	}
	return err
}

// Markdown is the results as the table docs/PERFORMANCE.md keeps, with the
// machine's load average at the end of the run.
func Markdown(res []Result) string {
	var b strings.Builder
	b.WriteString("| engine | units | request | bytes | HMS req/s | p50 | p99 | CPU/req | static req/s | static p99 | static CPU/req " +
		"| ratio | errors |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range res {
		ratio := 0.0
		if r.Static.PerSec > 0 {
			ratio = r.HMS.PerSec / r.Static.PerSec
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %d | %.0f | %s | %s | %s | %.0f | %s | %s | %.1f%% | %d |\n",
			r.Engine, r.Units, r.Name, r.Bytes, r.HMS.PerSec, ms(r.HMS.P50), ms(r.HMS.P99), ms(r.HMS.CPU),
			r.Static.PerSec, ms(r.Static.P99), ms(r.Static.CPU), 100*ratio, r.HMS.Errors+r.Static.Errors)
	}
	if la, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(la))
		if len(f) >= 3 {
			fmt.Fprintf(&b, "\nLoad average at the end: %s %s %s\n", f[0], f[1], f[2])
		}
	}
	return b.String()
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}
