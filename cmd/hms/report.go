package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"

	"hms/internal/app"
	"hms/internal/platform/civil"
	"hms/internal/platform/csvfile"
	"hms/internal/platform/validation"
	"hms/internal/report"
)

const reportUsage = "usage: hms report rent-roll|arrears|vacancy|income|deposits --org SLUG [--date YYYY-MM-DD | " +
	"--from D --to D | --year YYYY] [--complex NAME] [--format csv|pdf|json] [--lang nl|en] [--out FILE]"

// reportCommand makes a report (package report: the same as the
// Rapportages page, its CSV and PDF, and the API) and writes it to --out or
// to stdout. Vacancy takes a period of days (--from, --to), income months
// (--from 2026-01 --to 2026-12, or --year 2026), the others a day (--date).
func reportCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || !report.Name(args[0]).Valid() {
		return errors.New(reportUsage)
	}
	n := report.Name(args[0])
	var cfg app.Config
	fs := flag.NewFlagSet("report "+args[0], flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	date := fs.String("date", "", "the day (rent-roll, arrears, deposits; default today)")
	from := fs.String("from", "", "the first day (vacancy) or month YYYY-MM (income)")
	to := fs.String("to", "", "the last day (vacancy) or month YYYY-MM (income), included")
	year := fs.Int("year", 0, "income: January to December of this year")
	complexName := fs.String("complex", "", "a complex's name (default: the whole organisation)")
	format := fs.String("format", "csv", "csv, pdf or json")
	lang := fs.String("lang", "nl", "the language of the words: nl or en")
	out := fs.String("out", "", "the file to write (default: stdout)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *slug == "" || fs.NArg() > 0 {
		return errors.New(reportUsage)
	}
	if *format != "csv" && *format != "pdf" && *format != "json" {
		return &exitError{code: 2, err: errors.New("--format: csv, pdf or json")}
	}
	p, err := reportFlags(n, *date, *from, *to, *year)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	_, actor, err := systemOwner(ctx, a, *slug)
	if err != nil {
		return err
	}
	if *complexName != "" {
		if p.ComplexID, err = a.Reports.ComplexByName(ctx, actor, *complexName); err != nil {
			return explain(a, err)
		}
	}
	r, err := a.Reports.Make(ctx, actor, n, p)
	if err != nil {
		return explain(a, err)
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	switch *format {
	case "pdf":
		pdf, err := r.PDF(*lang)
		if err != nil {
			return err
		}
		_, err = w.Write(pdf)
		return err
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(reportJSON(r))
	}
	header, rows := r.CSV(*lang)
	return csvfile.Write(w, header, rows)
}

// reportFlags reads the day or period flags for report n.
func reportFlags(n report.Name, date, from, to string, year int) (report.Params, error) {
	var p report.Params
	fe := validation.Errors{}
	day := func(flag, v string) civil.Date {
		if v == "" {
			return civil.Date{}
		}
		d, err := civil.Parse(v)
		if err != nil {
			fe[flag] = "a date YYYY-MM-DD"
		}
		return d
	}
	month := func(flag, v string) civil.Month {
		if v == "" {
			return civil.Month{}
		}
		m, err := civil.ParseMonth(v)
		if err != nil {
			fe[flag] = "a month YYYY-MM"
		}
		return m
	}
	switch n.PeriodOf() {
	case report.Days:
		p.From, p.To = day("--from", from), day("--to", to)
	case report.Months:
		p.FromMonth, p.ToMonth = month("--from", from), month("--to", to)
		if year != 0 {
			if from != "" || to != "" || year < 1900 || year > 2200 {
				fe["--year"] = "a year 1900–2200, without --from and --to"
			} else {
				p.FromMonth, p.ToMonth = civil.Month{Year: year, Month: 1}, civil.Month{Year: year, Month: 12}
			}
		}
	default:
		p.On = day("--date", date)
	}
	if len(fe) > 0 {
		var msg string
		for _, f := range []string{"--date", "--from", "--to", "--year"} {
			if m, ok := fe[f]; ok {
				msg += f + ": " + m + "; "
			}
		}
		return p, errors.New(msg[:len(msg)-2])
	}
	return p, nil
}

// reportJSON is the report as the command prints it: what it is, and its
// typed rows and totals (amounts in cents).
func reportJSON(r *report.Report) any {
	var rows any
	switch {
	case r.RentRoll != nil:
		rows = r.RentRoll
	case r.Arrears != nil:
		rows = r.Arrears
	case r.Vacancy != nil:
		rows = r.Vacancy
	case r.Income != nil:
		rows = r.Income
	case r.Deposits != nil:
		rows = r.Deposits
	}
	return struct {
		Report  report.Name `json:"report"`
		Complex string      `json:"complex,omitempty"`
		Made    civil.Date  `json:"made"`
		Data    any         `json:"data"`
	}{r.Name, r.Complex, r.Made, rows}
}
