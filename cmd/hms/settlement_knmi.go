package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"hms/internal/app"
	"hms/internal/settlement"
)

const degreeDaysUsage = "usage: hms settlement degreedays import --org SLUG --station N FILE (a KNMI daily-data file, etmgeg_NNN.txt)"

// settlementDegreeDays runs `hms settlement degreedays import`: a KNMI
// station's daily mean temperatures, from which runs weigh degree days
// (DOMAIN.md §7.6). A bad file prints line and column and exits with 2.
func settlementDegreeDays(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) < 2 || args[1] != "import" {
		return errors.New(degreeDaysUsage)
	}
	var cfg app.Config
	fs := flag.NewFlagSet("settlement degreedays import", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	station := fs.Int("station", 0, "the KNMI station number (260 is De Bilt)")
	// Flags may also follow the file: the flag package stops at the first
	// argument that is not a flag.
	var files []string
	for rest := args[2:]; ; {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files, rest = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if *slug == "" || *station == 0 || len(files) != 1 {
		return errors.New(degreeDaysUsage)
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	org, actor, err := systemOwner(ctx, a, *slug)
	if err != nil {
		return err
	}
	if err := mayWrite(ctx, a, org); err != nil {
		return err
	}
	f, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := a.Settlement.ImportKNMI(ctx, actor, *station, f)
	var ie settlement.ImportErrors
	if errors.As(err, &ie) {
		for _, c := range ie {
			fmt.Fprintf(stdout, "line %d, %s: %s\n", c.Line, c.Column, a.Texts.T("en", c.Reason, nil))
		}
		return &exitError{code: 2, err: fmt.Errorf("%d errors; nothing imported", len(ie))}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "station %d: %d days imported, %s to %s\n", res.Station, res.Days, res.First, res.Last)
	dd, err := a.Settlement.KNMIDegreeDays(ctx, actor, res.Station, res.Last.Year)
	if err != nil {
		return err
	}
	for _, d := range dd {
		fmt.Fprintf(stdout, "  %s  %s weighted degree days\n", d.Month, d.Value)
	}
	return nil
}
