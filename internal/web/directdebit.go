package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"hms/internal/account"
	"hms/internal/directdebit"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/overview"
	"hms/internal/platform/civil"
)

// Direct debit: the mandates on a lease's account page, and the Incasso
// tab: a collection date → the preview → confirm → the batch with its file.

// IBAN groups an IBAN in fours, as on a bank card.
func (f financeFmt) IBAN(s string) string { return nl.FormatIBAN(s) }

// --- mandates (on the lease's account page) ---

// mandateOfLease finds mandate mid among the lease's, or answers not found.
func (s *Server) mandateOfLease(w http.ResponseWriter, r *http.Request, p *page) (int64, int64, bool) {
	id, mid := pathID(r, "id"), pathID(r, "mid")
	ms, err := s.DirectDebit.Mandates(r.Context(), actorOf(r), id)
	if err != nil {
		s.fail(w, r, err, p)
		return 0, 0, false
	}
	if !slices.ContainsFunc(ms, func(m directdebit.Mandate) bool { return m.ID == mid }) {
		s.notFound(w, r)
		return 0, 0, false
	}
	return id, mid, true
}

func (s *Server) mandateCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("lease")
	p := s.newPage(r, "finance.account.title")
	id := pathID(r, "id")
	in := directdebit.MandateInput{LeaseID: id, Reference: f.String("mandate.reference"), Kind: directdebit.Kind(f.String("mandate.kind")),
		SignedPlace: f.String("mandate.signed_place"), DebtorName: f.String("mandate.debtor_name"), IBAN: f.String("mandate.iban")}
	in.SignedOn = f.Date("mandate.signed_on")
	in.LastCollectedOn = f.Date("mandate.last_collected_on")
	err := f.Err()
	if err == nil {
		_, err = s.DirectDebit.CreateMandate(r.Context(), actorOf(r), in)
	}
	if err != nil {
		s.fail(w, r, formErrors(err, "mandate", nil), p, onPage(func(status int) { s.renderLeaseAccount(w, r, p, status) }, pageProblems))
		return
	}
	s.accountBack(w, r, id, "directdebit.mandate.created")
}

func (s *Server) mandateAmend(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "finance.account.title")
	id, mid, ok := s.mandateOfLease(w, r, p)
	if !ok {
		return
	}
	prefix := fmt.Sprintf("amend%d", mid)
	err := f.Err()
	if err == nil {
		err = s.DirectDebit.AmendMandate(r.Context(), actorOf(r), mid, directdebit.AmendInput{Reference: f.String(prefix + ".reference"),
			DebtorName: f.String(prefix + ".debtor_name"), IBAN: f.String(prefix + ".iban")})
	}
	if err != nil {
		s.fail(w, r, formErrors(err, prefix, nil), p, onPage(func(status int) { s.renderLeaseAccount(w, r, p, status) }, pageProblems))
		return
	}
	s.accountBack(w, r, id, "directdebit.mandate.amended")
}

func (s *Server) mandateRevoke(w http.ResponseWriter, r *http.Request) {
	s.mandateStatus(w, r, s.DirectDebit.RevokeMandate, "directdebit.mandate.revoked")
}

func (s *Server) mandateResume(w http.ResponseWriter, r *http.Request) {
	s.mandateStatus(w, r, s.DirectDebit.ResumeMandate, "directdebit.mandate.resumed")
}

func (s *Server) mandateStatus(w http.ResponseWriter, r *http.Request, change func(context.Context, account.Actor, int64) error,
	flash string) {
	f := readForm(r)
	p := s.newPage(r, "finance.account.title")
	id, mid, ok := s.mandateOfLease(w, r, p)
	if !ok {
		return
	}
	err := f.Err()
	if err == nil {
		err = change(r.Context(), actorOf(r), mid)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderLeaseAccount(w, r, p, status) }, pageProblems))
		return
	}
	s.accountBack(w, r, id, flash)
}

func (s *Server) mandateForm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "finance.account.title")
	_, mid, ok := s.mandateOfLease(w, r, p)
	if !ok {
		return
	}
	pdf, err := s.DirectDebit.MandateForm(r.Context(), actorOf(r), mid)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="machtiging-%d.pdf"`, mid))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(pdf)
}

// --- the mandates of the organisation ---

type mandateListView struct {
	financeFmt
	Mandates []directdebit.Mandate
	Expiring bool // only the mandates expiring within Window days
	Window   int
}

// mandateList lists the organisation's mandates; ?expiring=1 keeps those
// that expire for want of use within the overview's window, soonest first.
func (s *Server) mandateList(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "directdebit.mandates.title")
	p.Nav = "finance"
	v := mandateListView{financeFmt: s.financeFmt(p), Expiring: r.URL.Query().Get("expiring") != "", Window: overview.MandateDays}
	f := directdebit.MandateFilter{}
	if v.Expiring {
		f.ExpiringWithin = v.Window
	}
	ms, err := s.DirectDebit.ListMandates(r.Context(), actorOf(r), f)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v.Mandates = ms
	p.Data = v
	s.render(w, r, http.StatusOK, "finance_mandates", p)
}

// --- collections (the Incasso tab) ---

type collectionsView struct {
	financeFmt
	Defaults directdebit.Defaults
	Preview  *directdebit.Preview
	Batches  []directdebit.Batch
	CanWrite bool
}

// ReasonCounts are a preview's left-out invoices per reason, for the
// summary above the list.
func (v collectionsView) ReasonCounts() []reasonCount {
	if v.Preview == nil {
		return nil
	}
	var out []reasonCount
	for _, l := range v.Preview.LeftOut {
		i := slices.IndexFunc(out, func(c reasonCount) bool { return c.Reason == l.Reason })
		if i < 0 {
			out = append(out, reasonCount{Reason: l.Reason})
			i = len(out) - 1
		}
		out[i].Count++
		out[i].Total += l.Amount
	}
	return out
}

type reasonCount struct {
	Reason string
	Count  int
	Total  money.Cents
}

func (s *Server) collections(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "directdebit.title")
	v := r.URL.Query()
	p.Form = url.Values{"collection_date": {v.Get("collection_date")}, "due_until": {v.Get("due_until")}, "account_id": {v.Get("account_id")}}
	if v.Get("preview") == "" {
		s.renderCollections(w, r, p, http.StatusOK, nil)
		return
	}
	f := &form{values: p.Form, errs: map[string]string{}, date: "lease.date.invalid", amount: "field.invalid"}
	in := directdebit.CollectionInput{CollectionDate: f.Date("collection_date"), DueUntil: f.Date("due_until"),
		AccountID: f.Number("account_id")}
	if v.Get("collection_date") == "" {
		f.Add("collection_date", "field.required")
	}
	err := f.Err()
	var pv *directdebit.Preview
	if err == nil {
		pv, err = s.DirectDebit.Preview(r.Context(), actorOf(r), in)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderCollections(w, r, p, status, nil) }, pageProblems))
		return
	}
	p.Form.Set("due_until", pv.DueUntil.String())
	s.renderCollections(w, r, p, http.StatusOK, pv)
}

func (s *Server) renderCollections(w http.ResponseWriter, r *http.Request, p *page, status int, pv *directdebit.Preview) {
	p.Nav = "finance"
	a := actorOf(r)
	view := collectionsView{financeFmt: s.financeFmt(p), Preview: pv, CanWrite: a.Can(account.PermFinanceWrite)}
	var err error
	if view.Defaults, err = s.DirectDebit.Defaults(r.Context(), a); err != nil {
		s.fail(w, r, err, p)
		return
	}
	if view.Batches, err = s.DirectDebit.Batches(r.Context(), a, 20); err != nil {
		s.fail(w, r, err, p)
		return
	}
	if p.Form == nil {
		p.Form = url.Values{}
	}
	if p.Form.Get("collection_date") == "" {
		p.Form.Set("collection_date", view.Defaults.Suggested.String())
	}
	p.OrgMissing = s.orgDetailsMissing(r)
	p.Data = view
	s.render(w, r, status, "finance_collections", p)
}

func (s *Server) collectionCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("lease")
	p := s.newPage(r, "directdebit.title")
	in := directdebit.CollectionInput{CollectionDate: f.Date("collection_date"), DueUntil: f.Date("due_until"),
		AccountID: f.Number("account_id")}
	expect := directdebit.Expectation{Count: int(f.Number("expect_count")), Total: money.Cents(f.Number("expect_total"))}
	err := f.Err()
	var b *directdebit.Batch
	if err == nil {
		b, err = s.DirectDebit.Create(r.Context(), actorOf(r), in, expect)
	}
	if err != nil {
		p.Form = url.Values{"collection_date": {f.String("collection_date")}, "due_until": {f.String("due_until")},
			"account_id": {f.String("account_id")}}
		s.fail(w, r, err, p, onPage(func(status int) { s.renderCollections(w, r, p, status, nil) }, pageProblems))
		return
	}
	s.flash(r, "directdebit.collection.created")
	http.Redirect(w, r, fmt.Sprintf("%s/collections/%d", s.financePath(r), b.ID), http.StatusSeeOther)
}

type collectionView struct {
	financeFmt
	Batch *directdebit.Batch
	// Today is for the note that the file is due at the bank.
	Today civil.Date
}

func (s *Server) collection(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "directdebit.batch.title")
	p.Nav = "finance"
	b, err := s.DirectDebit.Batch(r.Context(), actorOf(r), pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = collectionView{financeFmt: s.financeFmt(p), Batch: b, Today: civil.Today(s.Clock.Now())}
	s.render(w, r, http.StatusOK, "finance_collection", p)
}

func (s *Server) collectionFile(w http.ResponseWriter, r *http.Request) {
	file, b, err := s.DirectDebit.File(r.Context(), actorOf(r), pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "directdebit.batch.title"))
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename=%q`, b.FileName()))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(file)
}
