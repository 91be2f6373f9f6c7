package web

import (
	"errors"
	"fmt"
	"net/http"

	"hms/internal/platform/validation"
	"hms/internal/subscription"
)

// HMS's own invoices (package subscription): the owner downloads them from
// the subscription page; staff see a customer's invoices in the console.

func (s *Server) subscriptionInvoicePDF(w http.ResponseWriter, r *http.Request) {
	pdf, inv, err := s.Subscriptions.InvoicePDF(r.Context(), actorOf(r), r.PathValue("number"))
	s.sendSubscriptionInvoice(w, r, pdf, inv, err)
}

func (s *Server) sendSubscriptionInvoice(w http.ResponseWriter, r *http.Request, pdf []byte, inv *subscription.Invoice, err error) {
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "subscription.invoices_title"))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+s.Texts.T(inv.Lang, "subscription.invoice.file",
		map[string]any{"Number": inv.Number})+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(pdf) // a client that went away needs no answer
}

type consoleCustomerView struct {
	Customer    subscription.Customer
	Invoices    []subscription.Invoice
	Collections []subscription.BatchItem
}

// consoleCustomer is one customer in the console: its plan, trial and
// HMS's invoices to it (never its tenants).
func (s *Server) consoleCustomer(w http.ResponseWriter, r *http.Request) {
	s.renderConsoleCustomer(w, r, http.StatusOK, s.newPage(r, "subscription.invoices_title"))
}

func (s *Server) renderConsoleCustomer(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "console"
	id := pathID(r, "id")
	list, err := s.Subscriptions.Customers(r.Context())
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := consoleCustomerView{}
	for _, c := range list {
		if c.OrgID == id {
			v.Customer = c
		}
	}
	if v.Customer.OrgID == 0 {
		s.fail(w, r, validation.ErrNotFound, p)
		return
	}
	if v.Invoices, err = s.Subscriptions.CustomerInvoices(r.Context(), id); err == nil {
		v.Collections, err = s.Subscriptions.CustomerBatchItems(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = v
	s.render(w, r, status, "console_customer", p)
}

func (s *Server) consoleCustomerInvoicePDF(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	if id == 0 {
		s.fail(w, r, validation.ErrNotFound, s.newPage(r, "subscription.invoices_title"))
		return
	}
	pdf, inv, err := s.Subscriptions.CustomerInvoicePDF(r.Context(), id, r.PathValue("number"))
	s.sendSubscriptionInvoice(w, r, pdf, inv, err)
}

type consoleCollectionsView struct {
	Scope    subscription.CollectScope
	Batches  []subscription.Batch
	Returned []subscription.BatchItem // returned, the invoice still open
}

// consoleCollections shows, before anything is made, how many invoices a
// collection now would take, their total and the collection date, and
// lists the batches made with their files.
func (s *Server) consoleCollections(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "subscription.collections_title")
	s.renderConsoleCollections(w, r, http.StatusOK, p)
}

func (s *Server) renderConsoleCollections(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "console"
	var v consoleCollectionsView
	var err error
	if v.Scope, err = s.Subscriptions.CollectScope(r.Context()); err == nil {
		v.Batches, err = s.Subscriptions.Batches(r.Context())
	}
	if err == nil {
		v.Returned, err = s.Subscriptions.BatchItems(r.Context(), 0, true)
	}
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = v
	s.render(w, r, status, "console_collections", p)
}

// consoleCollect makes the batch of the scope the page showed (its number
// of invoices comes back with the form: another scope is refused).
func (s *Server) consoleCollect(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "subscription.collections_title")
	expect := f.Int("invoices")
	err := f.Err()
	if err == nil {
		_, _, err = s.Subscriptions.Collect(r.Context(), userOf(r).ID, expect)
	}
	if errors.Is(err, validation.ErrNotFound) { // nothing due (any more): the page says so
		s.flash(r, "subscription.collect_none")
		http.Redirect(w, r, "/console/collections", http.StatusSeeOther)
		return
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderConsoleCollections(w, r, status, p) }, pageProblems))
		return
	}
	s.flash(r, "subscription.collected")
	http.Redirect(w, r, "/console/collections", http.StatusSeeOther)
}

func (s *Server) consoleCollectionFile(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	file, err := s.Subscriptions.BatchFile(r.Context(), id)
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "subscription.collections_title"))
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="hms-incasso-%d.xml"`, id))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(file) // a client that went away needs no answer
}
