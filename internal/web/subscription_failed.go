package web

import (
	"fmt"
	"net/http"
	"strings"

	"hms/internal/platform/validation"
	"hms/internal/subscription"
)

// What the bank did with HMS's own collections (subscription/failed.go):
// staff record a returned item with its reason on the batch page, mark a
// batch collected, and record an invoice paid by transfer on the customer
// page.

type consoleBatchView struct {
	Batch   subscription.Batch
	Items   []subscription.BatchItem
	Reasons []string
	Sent    int // items the bank has not answered yet
}

// consoleBatch is one batch: its items with their state, a form per item
// waiting for the bank to record it returned, and the batch's "collected".
func (s *Server) consoleBatch(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "subscription.batch_title")
	s.renderConsoleBatch(w, r, http.StatusOK, p)
}

func (s *Server) renderConsoleBatch(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "console"
	id := pathID(r, "id")
	batches, err := s.Subscriptions.Batches(r.Context())
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := consoleBatchView{Reasons: subscription.ReturnReasons}
	for _, b := range batches {
		if b.ID == id {
			v.Batch = b
		}
	}
	if v.Batch.ID == 0 {
		s.fail(w, r, validation.ErrNotFound, p)
		return
	}
	if v.Items, err = s.Subscriptions.BatchItems(r.Context(), id, false); err != nil {
		s.fail(w, r, err, p)
		return
	}
	for _, it := range v.Items {
		if it.State == "sent" {
			v.Sent++
		}
	}
	p.Data = v
	s.render(w, r, status, "console_batch", p)
}

// consoleBatchReturned records one item of the batch returned with the
// reason chosen; a wrong reason is shown at that item's field.
func (s *Server) consoleBatchReturned(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "subscription.batch_title")
	p.Form = r.PostForm
	number := f.String("invoice")
	err := f.Err()
	if err == nil {
		err = s.Subscriptions.Returned(r.Context(), userOf(r).ID, number, f.String("reason"))
	}
	if err != nil {
		prefix := "item-" + strings.ToUpper(strings.TrimSpace(number))
		s.fail(w, r, formErrors(err, prefix, nil), p, onPage(func(status int) { s.renderConsoleBatch(w, r, status, p) }, pageProblems))
		return
	}
	s.flash(r, "subscription.returned_recorded")
	http.Redirect(w, r, fmt.Sprintf("/console/collections/%d", pathID(r, "id")), http.StatusSeeOther)
}

// consoleBatchCollected marks every item of the batch not returned
// collected, its invoice paid.
func (s *Server) consoleBatchCollected(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "subscription.batch_title")
	if _, err := s.Subscriptions.MarkCollected(r.Context(), userOf(r).ID, pathID(r, "id")); err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderConsoleBatch(w, r, status, p) }, pageProblems))
		return
	}
	s.flash(r, "subscription.batch_collected")
	http.Redirect(w, r, fmt.Sprintf("/console/collections/%d", pathID(r, "id")), http.StatusSeeOther)
}

// consoleInvoicePaid records a customer's invoice paid by transfer.
func (s *Server) consoleInvoicePaid(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	number := r.PathValue("number")
	p := s.newPage(r, "subscription.invoices_title")
	// The number must be this customer's.
	list, err := s.Subscriptions.CustomerInvoices(r.Context(), id)
	if err == nil {
		err = validation.ErrNotFound
		for _, inv := range list {
			if inv.Number == number {
				err = nil
			}
		}
	}
	if err == nil {
		err = s.Subscriptions.MarkPaid(r.Context(), userOf(r).ID, number)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderConsoleCustomer(w, r, status, p) }, pageProblems))
		return
	}
	s.flash(r, "subscription.paid_recorded")
	http.Redirect(w, r, fmt.Sprintf("/console/customers/%d", id), http.StatusSeeOther)
}
