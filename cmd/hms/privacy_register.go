package main

import (
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"time"

	"hms/internal/platform/csvfile"
	"hms/internal/privacy"
)

const privacyRegisterUsage = "usage: hms privacy register [--format csv|pdf|json] [--lang nl|en] [--out FILE]"

// privacyRegister prints HMS's register of processing activities (GDPR
// art. 30) as the console shows it; it needs no database: the register is
// made from the declarations in internal/privacy.
func privacyRegister(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("privacy register", flag.ContinueOnError)
	format := fs.String("format", "csv", "csv, pdf or json")
	lang := fs.String("lang", "nl", "the language of the words: nl or en")
	out := fs.String("out", "", "the file to write (default: stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New(privacyRegisterUsage)
	}
	if *format != "csv" && *format != "pdf" && *format != "json" {
		return &exitError{code: 2, err: errors.New("--format: csv, pdf or json")}
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
		pdf, err := privacy.RegisterPDF(*lang, "", time.Now())
		if err != nil {
			return err
		}
		_, err = w.Write(pdf)
		return err
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(privacy.RegisterEntries(*lang))
	}
	header, rows := privacy.RegisterCSV(*lang)
	return csvfile.Write(w, header, rows)
}
