package web

import (
	"fmt"
	"hms/internal/portfolio"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hms/internal/account"
	"hms/internal/deposit"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

// Deposits: the list of deposits to return (a finance tab) and a lease's
// deposit page (status, deadline, deductions with evidence, settle, payout).

func (s *Server) depositPath(r *http.Request, leaseID int64) string {
	return fmt.Sprintf("/o/%s/finance/deposits/%d", actorOf(r).OrgSlug, leaseID)
}

// --- the list ---

type depositDueView struct {
	financeFmt
	List    *ListView
	Items   []deposit.DueItem
	Payouts []deposit.Payout
	Complex *portfolio.Complex // the complex the list is narrowed to, if any
}

// Abs is the absolute value of a day count (overdue days are negative).
func (depositDueView) Abs(n int) int { return max(n, -n) }

func (s *Server) depositDue(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "deposit.due.title")
	p.Nav = "finance"
	a := actorOf(r)
	fm := s.financeFmt(p)
	var f deposit.DueFilter
	var cx *portfolio.Complex
	if id, _ := strconv.ParseInt(r.URL.Query().Get("complex"), 10, 64); id > 0 {
		var err error
		if cx, err = s.Portfolio.Complex(r.Context(), a, id); err != nil {
			s.fail(w, r, err, p)
			return
		}
		f.ComplexID = id
	}
	serveList(s, w, r, p, listSpec[deposit.DueItem]{
		Sorts: deposit.DueSorts,
		Fetch: func(q listing.Query) (listing.Page[deposit.DueItem], error) {
			return s.Deposits.Due(r.Context(), a, q, f)
		},
		CSV: func(items []deposit.DueItem) csvFile {
			rows := make([][]string, 0, len(items))
			for _, it := range items {
				rows = append(rows, []string{it.Reference, it.EndsOn.String(), it.Deadline.String(), fmt.Sprint(it.DaysLeft), fm.Amount(it.Held),
					p.T("deposit.state." + string(it.State))})
			}
			return csvFile{"waarborgsommen.csv", []string{p.T("lease.field.reference"), p.T("deposit.ends_on"), p.T("deposit.deadline"), "days",
				p.T("deposit.held"), p.T("deposit.state")}, rows}
		},
		Show: func(list *ListView, items []deposit.DueItem) error {
			payouts, err := s.Deposits.OpenPayouts(r.Context(), a)
			p.Data = depositDueView{financeFmt: fm, List: list, Items: items, Payouts: payouts, Complex: cx}
			return err
		},
		Template: "deposit_due",
	})
}

// --- a lease's deposit ---

type depositView struct {
	financeFmt
	Status   *deposit.Status
	Reasons  []string
	Payee    string
	CanWrite bool
}

// Abs is the absolute value of a day count.
func (depositView) Abs(n int) int { return max(n, -n) }

func (s *Server) depositPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "deposit.title")
	s.renderDeposit(w, r, p, http.StatusOK)
}

func (s *Server) renderDeposit(w http.ResponseWriter, r *http.Request, p *page, status int) {
	p.Nav = "finance"
	a := actorOf(r)
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	st, err := s.Deposits.Status(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := depositView{financeFmt: s.financeFmt(p), Status: st, Reasons: deposit.Reasons, CanWrite: a.Can(account.PermFinanceWrite)}
	// The payee's name heads the payout like a list row (no access-log
	// event, as on the tenant's open items).
	if st.PayeeID != 0 {
		names, err := s.Relations.Names(r.Context(), a, st.PayeeID)
		if err != nil {
			s.fail(w, r, err, p)
			return
		}
		v.Payee = names[st.PayeeID]
	}
	if p.Form == nil {
		p.Form = url.Values{}
	}
	if p.Form.Get("deduct.date") == "" {
		p.Form.Set("deduct.date", st.Today.String())
	}
	if p.Form.Get("paid.date") == "" {
		p.Form.Set("paid.date", st.Today.String())
	}
	p.Data = v
	s.render(w, r, status, "deposit", p)
}

// depositAgain shows the deposit page again with a form's errors (the
// caller names them with the form's prefix) and a conflict above it.
func (s *Server) depositAgain(w http.ResponseWriter, r *http.Request, p *page) again {
	return onPage(func(status int) { s.renderDeposit(w, r, p, status) }, conflicts)
}

// maxUpload bounds a request with evidence files: every file at its
// largest, and room for the other fields.
const maxUpload = deposit.MaxEvidenceFiles*deposit.MaxEvidenceSize + 1<<20

// parseUpload reads a multipart form (or a plain one) before the page is
// made, so the page refills the form from PostForm.
func parseUpload(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return r.ParseMultipartForm(8 << 20)
	}
	return r.ParseForm()
}

func readFiles(hs []*multipart.FileHeader) ([]deposit.File, error) {
	var out []deposit.File
	for _, h := range hs {
		if h.Size == 0 && h.Filename == "" {
			continue // an empty file input
		}
		if h.Size > deposit.MaxEvidenceSize {
			return nil, validation.Errors{"evidence": "deposit.evidence.too_large"}
		}
		f, err := h.Open()
		if err != nil {
			return nil, fmt.Errorf("open upload: %w", err)
		}
		data, err := io.ReadAll(io.LimitReader(f, deposit.MaxEvidenceSize+1))
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read upload: %w", err)
		}
		out = append(out, deposit.File{Name: h.Filename, Data: data})
	}
	return out, nil
}

func uploadedFiles(r *http.Request, field string) []*multipart.FileHeader {
	if r.MultipartForm == nil {
		return nil
	}
	return r.MultipartForm.File[field]
}

func (s *Server) depositDeduct(w http.ResponseWriter, r *http.Request) {
	perr := parseUpload(w, r)
	r = withGuardReasons(r)
	f := readForm(r).Messages("lease")
	p := s.newPage(r, "deposit.title")
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	if perr != nil {
		s.fail(w, r, validation.Errors{"deduct.evidence": "deposit.evidence.too_large"}, p, s.depositAgain(w, r, p))
		return
	}
	in := deposit.DeductionInput{Reason: f.String("deduct.reason"), Note: f.String("deduct.note")}
	in.AmountCents = f.Money("deduct.amount")
	in.Date = f.Date("deduct.date")
	f.Require("deduct.amount")
	files, err := readFiles(uploadedFiles(r, "deduct.evidence"))
	if err != nil {
		s.fail(w, r, formErrors(err, "deduct", nil), p, s.depositAgain(w, r, p))
		return
	}
	in.Evidence = files
	// Bad numbers stay at their field; showing the page again reads the
	// deposit, so another organisation's lease is 404 whatever was typed.
	err = f.Err()
	if err == nil {
		_, err = s.Deposits.Deduct(r.Context(), actorOf(r), id, in)
		err = formErrors(err, "deduct", nil)
	}
	if err != nil {
		s.fail(w, r, err, p, s.depositAgain(w, r, p))
		return
	}
	s.flash(r, "deposit.deduct.saved")
	http.Redirect(w, r, s.depositPath(r, id)+"#deductions", http.StatusSeeOther)
}

func (s *Server) depositAddEvidence(w http.ResponseWriter, r *http.Request) {
	perr := parseUpload(w, r)
	r = withGuardReasons(r)
	f := readForm(r)
	p := s.newPage(r, "deposit.title")
	id, entry := pathID(r, "id"), pathID(r, "entry")
	if id == 0 || entry == 0 {
		s.notFound(w, r)
		return
	}
	prefix := fmt.Sprintf("evidence%d", entry)
	err := f.Err()
	if err == nil && perr != nil {
		err = formErrors(validation.Errors{"file": "deposit.evidence.too_large"}, prefix, nil)
	}
	if err == nil {
		var files []deposit.File
		files, err = readFiles(uploadedFiles(r, "file"))
		if err == nil && len(files) != 1 {
			err = validation.Errors{"evidence": "deposit.evidence.empty"}
		}
		if err == nil {
			_, err = s.Deposits.AddEvidence(r.Context(), actorOf(r), id, entry, files[0])
		}
		err = formErrors(err, prefix, nil)
	}
	if err != nil {
		s.fail(w, r, err, p, s.depositAgain(w, r, p))
		return
	}
	s.flash(r, "deposit.evidence.saved")
	http.Redirect(w, r, s.depositPath(r, id)+"#deductions", http.StatusSeeOther)
}

func (s *Server) depositEvidence(w http.ResponseWriter, r *http.Request) {
	id, ev := pathID(r, "id"), pathID(r, "ev")
	if id == 0 || ev == 0 {
		s.notFound(w, r)
		return
	}
	meta, data, err := s.Deposits.EvidenceFile(r.Context(), actorOf(r), id, ev)
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "deposit.title"))
		return
	}
	w.Header().Set("Content-Type", meta.ContentType)
	// The name was cleaned on upload (no quotes or control characters).
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, meta.FileName))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(data)
}

func (s *Server) depositSettle(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "deposit.title")
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	err := f.Err()
	if err == nil {
		_, err = s.Deposits.Settle(r.Context(), actorOf(r), id)
		err = formErrors(err, "settle", nil)
	}
	if err != nil {
		s.fail(w, r, err, p, s.depositAgain(w, r, p))
		return
	}
	s.flash(r, "deposit.settle.done")
	http.Redirect(w, r, s.depositPath(r, id)+"#payout", http.StatusSeeOther)
}

func (s *Server) depositPaid(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("lease")
	p := s.newPage(r, "deposit.title")
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	if err := f.Err(); err != nil {
		s.fail(w, r, err, p, s.depositAgain(w, r, p))
		return
	}
	a := actorOf(r)
	st, err := s.Deposits.Status(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	if st.Payout == nil {
		s.notFound(w, r)
		return
	}
	date := f.Date("paid.date")
	err = f.Err()
	if err == nil {
		err = formErrors(s.Deposits.MarkPaid(r.Context(), a, st.Payout.ID, date), "paid", nil)
	}
	if err != nil {
		s.fail(w, r, err, p, s.depositAgain(w, r, p))
		return
	}
	s.flash(r, "deposit.payout.paid_saved")
	http.Redirect(w, r, s.depositPath(r, id)+"#payout", http.StatusSeeOther)
}

// depositSpecify makes the written specification of the deductions.
func (s *Server) depositSpecify(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "deposit.title")
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	err := f.Err()
	if err == nil {
		_, err = s.Deposits.GenerateSpecification(r.Context(), actorOf(r), id)
		err = formErrors(err, "specification", nil)
	}
	if err != nil {
		s.fail(w, r, err, p, s.depositAgain(w, r, p))
		return
	}
	s.flash(r, "deposit.specification.done")
	http.Redirect(w, r, s.depositPath(r, id)+"#specification", http.StatusSeeOther)
}

func (s *Server) depositSpecification(w http.ResponseWriter, r *http.Request) {
	id, spec := pathID(r, "id"), pathID(r, "spec")
	if id == 0 || spec == 0 {
		s.notFound(w, r)
		return
	}
	pdf, err := s.Deposits.SpecificationFile(r.Context(), actorOf(r), id, spec)
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "deposit.title"))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="specificatie-waarborgsom-%d.pdf"`, spec))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(pdf)
}
