package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"hms/internal/app"
	"hms/internal/overview"
)

const searchUsage = "usage: hms search --org SLUG [--json] QUERY"

// searchJSON is one result as --json writes it (the API's item).
type searchJSON struct {
	Kind   overview.Kind `json:"kind"`
	ID     int64         `json:"id"`
	Label  string        `json:"label"`
	Detail string        `json:"detail"`
	URL    string        `json:"url"`
	Rank   int           `json:"rank"`
}

// searchCommand is the back office's search: the same service as the
// search box and the API, as the organisation's owner.
func searchCommand(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	slug := fs.String("org", "", "organisation slug")
	asJSON := fs.Bool("json", false, "write {\"items\": […]} as JSON")
	// Flags may come before or after the query.
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		words, args = append(words, fs.Arg(0)), fs.Args()[1:]
	}
	query := strings.Join(words, " ")
	if *slug == "" || strings.TrimSpace(query) == "" {
		return errors.New(searchUsage)
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
	rs, err := a.Overview.Search(ctx, actor, query)
	if err != nil {
		return explain(a, err)
	}
	if *asJSON {
		items := make([]searchJSON, len(rs))
		for i, r := range rs {
			items[i] = searchJSON{Kind: r.Kind, ID: r.ID, Label: r.Label, Detail: r.DetailIn("en"), URL: r.URL, Rank: r.Rank}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"items": items})
	}
	for _, r := range rs {
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", r.Kind, r.Label, r.DetailIn("en"), r.URL)
	}
	fmt.Fprintf(stdout, "%d found\n", len(rs))
	return nil
}
