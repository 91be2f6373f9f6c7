package web

import (
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
	Customer subscription.Customer
	Invoices []subscription.Invoice
}

// consoleCustomer is one customer in the console: its plan, trial and
// HMS's invoices to it (never its tenants).
func (s *Server) consoleCustomer(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "subscription.invoices_title")
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
	if v.Invoices, err = s.Subscriptions.CustomerInvoices(r.Context(), id); err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "console_customer", p)
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
