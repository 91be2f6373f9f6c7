package api

import (
	"context"
	"net/http"
	"strconv"

	"hms/internal/account"
	"hms/internal/overview"
)

func init() {
	areas = append(areas, func(a *API) {
		op(a, http.MethodGet, "/search", "search",
			"Find persons and companies, units, leases, invoices and complexes the token may read: exact matches first, then "+
				"prefixes, then the rest; at most 10 of each kind", account.PermOrgRead, a.search)
	})
}

// SearchInput is a search text.
type SearchInput struct {
	Q    string `query:"q" maxLength:"100" doc:"A name, address, postcode, lease reference, invoice number or betalingskenmerk"`
	Lang string `query:"lang" enum:"nl,en" default:"en" doc:"The language of detail (amounts and dates)"`
	PageInput
}

// SearchResultJSON is one thing found.
type SearchResultJSON struct {
	Kind   overview.Kind `json:"kind"`
	ID     int64         `json:"id"`
	Label  string        `json:"label" doc:"A name, an address, a lease reference or an invoice number"`
	Detail string        `json:"detail" doc:"A line of context: place, complex, address, lease; an invoice's open amount and due date"`
	URL    string        `json:"url" doc:"Its page in the back office (a path on this site)"`
	Rank   int           `json:"rank" doc:"0: exact match, 1: starts with the text, 2: contains it"`
}

// SearchOutput is what was found, best first.
type SearchOutput struct {
	Body Page[SearchResultJSON]
}

func (a *API) search(ctx context.Context, act account.Actor, in *SearchInput) (*SearchOutput, error) {
	rs, err := a.Overview.Search(ctx, act, in.Q)
	if err != nil {
		return nil, err
	}
	items := make([]SearchResultJSON, len(rs))
	for i, r := range rs {
		items[i] = SearchResultJSON{Kind: r.Kind, ID: r.ID, Label: r.Label, Detail: r.DetailIn(in.Lang), URL: r.URL, Rank: r.Rank}
	}
	page, err := pageOf(items, in.PageInput, func(r SearchResultJSON) string { return string(r.Kind) + ":" + strconv.FormatInt(r.ID, 10) })
	if err != nil {
		return nil, err
	}
	return &SearchOutput{Body: page}, nil
}
