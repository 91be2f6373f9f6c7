package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"hms/internal/importer"
	"hms/internal/platform/validation"
	"hms/internal/privacy/guard"
)

// Moving in from another system: the opening balances and the service-cost
// advances of before HMS, each one CSV file checked whole and imported in
// one request (the files are small: one row per open item or lease).

type movingView struct {
	Kind    string // "opening_balances" or "advances"
	Action  string // the path the form posts to
	Columns []importer.Column
	Result  *importer.MovingResult
	Errors  []importer.CellError
	Problem string // a file that cannot be read, in the page's language
}

var movingKinds = map[string]struct {
	path    string
	columns []importer.Column
}{
	"opening_balances": {"opening-balances", importer.OpeningColumns},
	"advances":         {"advances", importer.AdvanceColumns},
}

func (s *Server) movingPage(r *http.Request, kind string) (*page, movingView) {
	p := s.newPage(r, "import.moving."+kind+".title")
	p.Nav = "import"
	k := movingKinds[kind]
	return p, movingView{Kind: kind, Action: "/o/" + actorOf(r).OrgSlug + "/import/" + k.path, Columns: k.columns}
}

func (s *Server) importOpeningForm(w http.ResponseWriter, r *http.Request) {
	p, v := s.movingPage(r, "opening_balances")
	p.Data = v
	s.render(w, r, http.StatusOK, "import_moving", p)
}

func (s *Server) importAdvancesForm(w http.ResponseWriter, r *http.Request) {
	p, v := s.movingPage(r, "advances")
	p.Data = v
	s.render(w, r, http.StatusOK, "import_moving", p)
}

func (s *Server) importOpening(w http.ResponseWriter, r *http.Request) {
	s.importMoving(w, r, "opening_balances")
}

func (s *Server) importAdvances(w http.ResponseWriter, r *http.Request) {
	s.importMoving(w, r, "advances")
}

// importMoving checks and imports the uploaded file and shows the outcome on
// the same page: the counts, or every bad cell with its line and column.
func (s *Server) importMoving(w http.ResponseWriter, r *http.Request, kind string) {
	r.Body = http.MaxBytesReader(w, r.Body, importer.MaxFileSize+1<<20)
	p, v := s.movingPage(r, kind)
	again := onPage(func(status int) { p.Data = v; s.render(w, r, status, "import_moving", p) }, pageProblems)
	file, _, err := r.FormFile("file")
	if err != nil {
		s.fail(w, r, validation.Errors{"file": "import.no_file"}, p, again)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		s.fail(w, r, validation.Errors{"file": "import.too_large"}, p, again)
		return
	}
	r = withGuardReasons(r)
	run := s.Importer.ImportOpeningBalances
	if kind == "advances" {
		run = s.Importer.ImportAdvances
	}
	res, cellErrs, err := run(r.Context(), actorOf(r), bytes.NewReader(data))
	var fe *importer.FormatError
	switch {
	case errors.As(err, &fe):
		args := map[string]any{}
		for k, a := range fe.Args {
			args[k] = a
		}
		v.Problem = s.Texts.T(p.Lang, fe.ID, args)
		p.Data = v
		s.render(w, r, http.StatusUnprocessableEntity, "import_moving", p)
		return
	case errors.Is(err, importer.ErrRows):
		v.Errors = cellErrs
		for _, c := range cellErrs {
			if _, warn := guard.IsGuard(c.Reason); warn {
				// One reason answers the guard for every row's description.
				p.Errors["description"] = c.Reason
			}
		}
		p.Data = v
		s.render(w, r, http.StatusUnprocessableEntity, "import_moving", p)
		return
	case err != nil:
		s.fail(w, r, err, p, again)
		return
	}
	v.Result = res
	p.Data = v
	s.render(w, r, http.StatusOK, "import_moving", p)
}
