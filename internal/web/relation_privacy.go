package web

import (
	"bytes"
	"fmt"
	"net/http"

	"hms/internal/platform/civil"
	"hms/internal/privacy"
	"hms/internal/relation"
)

// A person's subject rights on their page (PRIVACY.md P20): the export
// ("Gegevens downloaden (inzage)") for owners and managers, and erasure
// for owners, with a confirm page that says what goes and what stays.

func (s *Server) relationExport(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "relation.title_show")
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	var b bytes.Buffer
	if err := s.Rights.Export(r.Context(), actorOf(r), id, p.Lang, &b); err != nil {
		s.fail(w, r, err, p)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="gegevens-%d.zip"`, id))
	w.Write(b.Bytes())
}

// eraseView is the confirm page and the receipt page.
type eraseView struct {
	ID      int64
	Name    string
	Receipt *privacy.Receipt
	Erased  []privacy.Erased
	Kept    []privacy.Kept
	Done    bool
}

// Until says a kept line's end in words.
func (v eraseView) Until(p *page, d civil.Date) string {
	if d.IsZero() {
		return p.T("privacy.receipt_until_none")
	}
	return longDay(p.Lang, d)
}

func (s *Server) relationEraseConfirm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "privacy.erase_link")
	p.Nav = "relations"
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	s.renderErase(w, r, p, id, false)
}

func (s *Server) relationErase(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "privacy.receipt_title")
	p.Nav = "relations"
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	if err := f.Err(); err != nil {
		s.fail(w, r, err, p)
		return
	}
	s.renderErase(w, r, p, id, true)
}

// renderErase previews (the confirm page) or erases (the receipt page); a
// refusal (a running lease, open items) heads the confirm page without its
// button.
func (s *Server) renderErase(w http.ResponseWriter, r *http.Request, p *page, id int64, erase bool) {
	a := actorOf(r)
	names, err := s.Relations.Names(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := eraseView{ID: id, Name: names[id], Done: erase}
	if v.Name == relation.ErasedName {
		v.Name = p.T("privacy.erased_person")
	}
	p.Data = &v
	again := onPage(func(status int) {
		v.Done = false
		p.Title = "privacy.erase_title"
		if !erase {
			status = http.StatusOK // the confirm page itself is fine: it says why not
		}
		s.render(w, r, status, "privacy_erase", p)
	}, belowServerError)
	if erase {
		v.Receipt, err = s.Rights.Erase(r.Context(), a, id)
	} else {
		v.Receipt, err = s.Rights.PreviewErase(r.Context(), a, id)
	}
	if err != nil {
		s.fail(w, r, err, p, again)
		return
	}
	v.Erased, v.Kept = v.Receipt.Totals()
	p.Title = "privacy.erase_title"
	if erase {
		p.Title = "privacy.receipt_title"
	}
	s.render(w, r, http.StatusOK, "privacy_erase", p)
}
