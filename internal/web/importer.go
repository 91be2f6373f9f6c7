package web

import (
	"io"
	"net/http"
	"strconv"

	"hms/internal/importer"
	"hms/internal/platform/jobs"
	"hms/internal/platform/validation"
)

type importView struct {
	Columns []importer.Column
	Upload  *importer.Upload
	Job     *jobs.Status
	Problem string // the upload's whole-file problem in the page's language
	Uploads []uploadItem
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "import.title")
	p.Nav = "import"
	ups, err := s.Importer.RecentUploads(r.Context(), actorOf(r), recentUploadsShown)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := importView{Columns: importer.Columns}
	for _, u := range ups {
		v.Uploads = append(v.Uploads, uploadItem{Href: "/o/" + actorOf(r).OrgSlug + "/import/" + strconv.FormatInt(u.ID, 10),
			FileName: u.FileName, State: p.T("import.state." + u.State), At: u.CreatedAt})
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "import", p)
}

func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "import.title")
	p.Nav = "import"
	p.Data = importView{Columns: importer.Columns}
	r.Body = http.MaxBytesReader(w, r.Body, importer.MaxFileSize+1<<20)
	file, header, err := r.FormFile("file")
	if err != nil {
		s.fail(w, r, validation.Errors{"file": "import.no_file"}, p, s.onForm(w, r, "import", p))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		s.fail(w, r, validation.Errors{"file": "import.too_large"}, p, s.onForm(w, r, "import", p))
		return
	}
	r = withGuardReasons(r)
	id, err := s.Importer.Submit(r.Context(), actorOf(r), header.Filename, data)
	if err != nil {
		s.fail(w, r, err, p, s.onForm(w, r, "import", p))
		return
	}
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/import/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// importStatus shows the upload's job while it runs (the page polls it) and
// the outcome when it is done: counts, or every bad cell with its line.
func (s *Server) importStatus(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "import.title")
	p.Nav = "import"
	a := actorOf(r)
	u, err := s.Importer.GetUpload(r.Context(), a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := importView{Upload: u, Columns: importer.Columns, Job: u.Job}
	if u.Problem != "" {
		args := map[string]any{}
		for k, a := range u.ProblemArgs {
			args[k] = a
		}
		v.Problem = s.Texts.T(p.Lang, u.Problem, args)
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "import_status", p)
}
