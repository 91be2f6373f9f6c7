package overview

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// Kind is what a search result is.
type Kind string

// Kinds of results, in the order they are shown within a rank.
const (
	KindPerson  Kind = "person"
	KindCompany Kind = "company"
	KindUnit    Kind = "unit"
	KindLease   Kind = "lease"
	KindInvoice Kind = "invoice"
	KindComplex Kind = "complex"
)

// Kinds are the kinds in display order.
var Kinds = []Kind{KindPerson, KindCompany, KindUnit, KindLease, KindInvoice, KindComplex}

// Ranks of a result: how its label (or number, postcode, kenmerk) matches.
const (
	RankExact    = 0
	RankPrefix   = 1
	RankContains = 2
)

// PerKind caps the results of each kind.
const PerKind = 10

// MaxQuery is the longest search text taken.
const MaxQuery = 100

// Result is one thing found.
type Result struct {
	Kind   Kind
	ID     int64
	Label  string // a name, an address, a reference or an invoice number
	Detail string // a line of context: place, complex, address, lease
	URL    string // its page in the back office
	Rank   int
	// An invoice's open amount and due date (Detail adds them in words).
	Open    money.Cents
	DueDate civil.Date
}

// DetailIn is the line of context in a language: an invoice adds what is
// open and when it falls due.
func (r Result) DetailIn(lang string) string {
	if r.Kind != KindInvoice {
		return r.Detail
	}
	open, due := "open", "vervalt"
	if lang == "en" {
		due = "due"
	}
	return fmt.Sprintf("%s · %s %s · %s %s", r.Detail, open, money.Format(r.Open, lang), due, r.DueDate.Long(lang))
}

// Search finds q among the organisation's persons and companies, units,
// leases, invoices and complexes that the actor may read, at most PerKind
// of each, exact matches first, then those starting with q, then those
// containing it. An empty q finds nothing; a longer one than MaxQuery is a
// field error.
func (s *Service) Search(ctx context.Context, a account.Actor, q string) ([]Result, error) {
	if !a.Can(account.PermOrgRead) {
		return nil, validation.ErrForbidden
	}
	q = strings.Join(strings.Fields(q), " ")
	if len([]rune(q)) > MaxQuery {
		return nil, validation.Errors{"q": "field.invalid"}
	}
	if q == "" {
		return nil, nil
	}
	base := "/o/" + a.OrgSlug
	lq := listing.Query{Search: q, Limit: PerKind}
	var out []Result
	if a.Can(account.PermPortfolioRead) {
		rs, err := s.relations.List(ctx, a, lq, relation.Filter{})
		if err != nil {
			return nil, err
		}
		for _, r := range rs.Items {
			k := KindPerson
			if r.Kind == relation.Company {
				k = KindCompany
			}
			out = append(out, Result{Kind: k, ID: r.ID, Label: r.Name, Detail: r.City,
				URL: fmt.Sprintf("%s/relations/%d", base, r.ID), Rank: rank(q, wordsOf(r.Name)...)})
		}
		us, err := s.portfolio.ListUnits(ctx, a, portfolio.UnitFilter{}, lq)
		if err != nil {
			return nil, err
		}
		for _, u := range us.Items {
			detail := u.ComplexName
			if detail == "" {
				detail = u.City
			}
			out = append(out, Result{Kind: KindUnit, ID: u.ID, Label: u.Line(), Detail: detail,
				URL:  fmt.Sprintf("%s/units/%d", base, u.ID),
				Rank: rank(q, u.Postcode, u.StreetLine(), u.Street, u.Line())})
		}
		ls, err := s.leases.List(ctx, a, lq, lease.ListFilter{})
		if err != nil {
			return nil, err
		}
		for _, l := range ls.Items {
			var parts []string
			for _, u := range l.Units {
				parts = append(parts, u.Address)
			}
			for _, t := range l.Tenants {
				parts = append(parts, t.Name)
			}
			out = append(out, Result{Kind: KindLease, ID: l.ID, Label: l.Reference, Detail: strings.Join(parts, " · "),
				URL: fmt.Sprintf("%s/leases/%d", base, l.ID), Rank: rank(q, l.Reference)})
		}
		cs, err := s.portfolio.ListComplexes(ctx, a, portfolio.ComplexFilter{}, lq)
		if err != nil {
			return nil, err
		}
		for _, c := range cs.Items {
			out = append(out, Result{Kind: KindComplex, ID: c.ID, Label: c.Name, Detail: c.Line(),
				URL: fmt.Sprintf("%s/complexes/%d", base, c.ID), Rank: rank(q, c.Name)})
		}
	}
	if a.Can(account.PermFinanceRead) {
		is, err := s.ledger.Invoices(ctx, a, lq, ledger.InvoiceFilter{})
		if err != nil {
			return nil, err
		}
		for _, inv := range is.Items {
			if inv.Kind != ledger.KindInvoice {
				continue
			}
			out = append(out, Result{Kind: KindInvoice, ID: inv.ID, Label: inv.Number, Detail: inv.LeaseReference,
				URL: fmt.Sprintf("%s/finance/invoices/%d", base, inv.ID), Open: inv.Open, DueDate: inv.DueDate,
				Rank: rank(q, inv.Number, inv.Kenmerk)})
		}
	}
	slices.SortStableFunc(out, func(x, y Result) int {
		return cmp.Or(cmp.Compare(x.Rank, y.Rank), cmp.Compare(slices.Index(Kinds, x.Kind), slices.Index(Kinds, y.Kind)),
			strings.Compare(strings.ToLower(x.Label), strings.ToLower(y.Label)), cmp.Compare(x.ID, y.ID))
	})
	return out, nil
}

// rank is how q matches the best of keys, compared without case and
// without spaces ("3521cd" is "3521 CD").
func rank(q string, keys ...string) int {
	nq := norm(q)
	best := RankContains
	for _, k := range keys {
		nk := norm(k)
		switch {
		case nk == "":
		case nk == nq:
			return RankExact
		case strings.HasPrefix(nk, nq):
			best = RankPrefix
		}
	}
	return best
}

func norm(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

// wordsOf are a name and each of its words ("Vries, J. de": the name,
// "Vries", "J.", "de"), so a surname typed whole is an exact match.
func wordsOf(name string) []string {
	return append([]string{name}, strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == ',' })...)
}
