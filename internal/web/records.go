package web

import (
	"fmt"
	"net/http"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/listing"
)

// Links between records: a unit's page and a person's or company's page show
// their leases (the current one with its tenants or units, rent and
// deposit, and the former ones), and, for members who may read the
// finances, a tenant's open balance and invoices; each row links to the
// record it names. The data comes from the services (lease.History,
// ledger.OpenItems and ledger.Invoices), never from SQL here.

// recordInvoices is how many of a tenant's latest invoices their page lists.
const recordInvoices = 20

// recordLinks is the leases (and finances) block of a record page, shown by
// the partial "record_leases".
type recordLinks struct {
	leaseFmt
	Org      string
	Of       string // "unit" or "tenant": the record the page is about
	Leases   lease.History
	NewLease string // the new-lease form with this record chosen; "" without portfolio.write
	Finance  bool   // the actor may read the finances: balance and invoices are shown
	Open     money.Cents
	Invoices []ledger.Invoice
	More     int // invoices beyond those listed
	AllURL   string
}

// Former are the ended and upcoming leases, in that order of showing.
func (l *recordLinks) Others() []lease.Summary {
	return append(append([]lease.Summary{}, l.Leases.Upcoming...), l.Leases.Former...)
}

// Until is the last day of a lease in words, or "" when it runs on.
func (l *recordLinks) Until(s lease.Summary) string {
	switch {
	case !s.EndsOn.IsZero():
		return l.Day(s.EndsOn)
	case !s.End.IsZero():
		return l.Day(s.End)
	}
	return ""
}

// unitLinks is the leases block of a unit's page.
func (s *Server) unitLinks(r *http.Request, p *page, unitID int64) (*recordLinks, error) {
	a := actorOf(r)
	h, err := s.Leases.History(r.Context(), a, lease.ListFilter{UnitID: unitID})
	if err != nil {
		return nil, err
	}
	l := &recordLinks{leaseFmt: leaseFmt{p.Lang}, Org: a.OrgSlug, Of: "unit", Leases: h}
	if a.Can(account.PermPortfolioWrite) {
		l.NewLease = fmt.Sprintf("/o/%s/leases/new?unit=%d", a.OrgSlug, unitID)
	}
	return l, nil
}

// tenantLinks is the leases and finances block of a relation's page.
func (s *Server) tenantLinks(r *http.Request, p *page, partyID int64) (*recordLinks, error) {
	a := actorOf(r)
	ctx := r.Context()
	h, err := s.Leases.History(ctx, a, lease.ListFilter{TenantID: partyID})
	if err != nil {
		return nil, err
	}
	l := &recordLinks{leaseFmt: leaseFmt{p.Lang}, Org: a.OrgSlug, Of: "tenant", Leases: h}
	if a.Can(account.PermPortfolioWrite) {
		l.NewLease = fmt.Sprintf("/o/%s/leases/new?tenant=%d", a.OrgSlug, partyID)
	}
	if a.Can(account.PermFinanceRead) {
		l.Finance = true
		open, err := s.Ledger.OpenItems(ctx, a, ledger.OpenFilter{PartyID: partyID})
		if err != nil {
			return nil, err
		}
		for _, c := range open {
			l.Open += c.Open()
		}
		invs, err := s.Ledger.Invoices(ctx, a, listing.Query{Sort: "number", Desc: true, Limit: recordInvoices},
			ledger.InvoiceFilter{PartyID: partyID})
		if err != nil {
			return nil, err
		}
		l.Invoices, l.More = invs.Items, invs.Total-len(invs.Items)
		l.AllURL = fmt.Sprintf("/o/%s/finance/tenants/%d", a.OrgSlug, partyID)
	}
	return l, nil
}
