package web

import (
	"net/http"

	"hms/internal/orgexport"
	"hms/internal/platform/validation"
)

// orgExportPage offers the owner the whole organisation as one zip (issue
// 14): the download streams it directly (no background job yet).
func (s *Server) orgExportPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "orgexport.title")
	if !orgexport.CanExport(actorOf(r)) {
		s.fail(w, r, validation.ErrForbidden, p)
		return
	}
	s.render(w, r, http.StatusOK, "org_export", p)
}

// orgExportZip streams the zip as it is written.
func (s *Server) orgExportZip(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	if !orgexport.CanExport(a) {
		s.fail(w, r, validation.ErrForbidden, s.newPage(r, "orgexport.title"))
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="hms-`+a.OrgSlug+`-export.zip"`)
	w.Header().Set("Cache-Control", "private, no-store")
	if _, err := s.OrgExport.Export(r.Context(), a, w); err != nil {
		// The headers are sent: a broken zip is what the client gets, and
		// the log says why.
		s.Log.Error("organisation export", "err", err)
	}
}
