package privacy

import (
	"archive/zip"
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"time"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/csvfile"
	"hms/internal/platform/i18n"
)

//go:embed templates/export.html
var templates embed.FS

var exportPage = template.Must(template.New("export.html").ParseFS(templates, "templates/export.html"))

// Export writes the person's data as a zip: report.html (readable, in
// lang), and per source a JSON file (json/<source>.json) and per section a
// CSV file (csv/<section>.csv), each with purposes, legal basis, retention,
// recipients and origin. It is recorded in the audit log.
func (r *Rights) Export(ctx context.Context, actor account.Actor, person int64, lang string, w io.Writer) error {
	rep, err := r.Collect(ctx, actor, person)
	if err != nil {
		return err
	}
	return r.WriteZip(rep, i18n.Supported(lang), w)
}

// WriteZip writes a collected report as the export's zip.
func (r *Rights) WriteZip(rep *Report, lang string, w io.Writer) error {
	zw := zip.NewWriter(w)
	modified := rep.Made.UTC()
	add := func(name string, data []byte) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
		_, err = f.Write(data)
		return err
	}
	html, err := r.html(rep, lang)
	if err != nil {
		return err
	}
	if err := add("report.html", html); err != nil {
		return err
	}
	for _, ss := range rep.Sections {
		js, err := json.MarshalIndent(r.jsonOf(rep, ss, lang), "", " ")
		if err != nil {
			return fmt.Errorf("export %s: %w", ss.Source, err)
		}
		if err := add("json/"+ss.Source+".json", append(js, '\n')); err != nil {
			return err
		}
		for _, sec := range ss.Sections {
			var b bytes.Buffer
			header := make([]string, len(sec.Columns))
			for i, c := range sec.Columns {
				header[i] = r.texts.T(lang, c, nil)
			}
			rows := make([][]string, len(sec.Records))
			for i, rec := range sec.Records {
				for _, v := range rec {
					rows[i] = append(rows[i], r.show(v, lang))
				}
			}
			if err := csvfile.Write(&b, header, rows); err != nil {
				return err
			}
			if err := add("csv/"+sec.Key+".csv", b.Bytes()); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

// show prints a value for people, in lang.
func (r *Rights) show(v Value, lang string) string {
	switch {
	case v.Word != "":
		return r.texts.T(lang, v.Word, nil)
	case v.Amount != nil:
		return money.Format(*v.Amount, lang)
	case !v.Day.IsZero():
		return v.Day.Long(lang)
	case !v.At.IsZero():
		return v.At.In(amsterdam).Format("2006-01-02 15:04")
	}
	return v.Text
}

var amsterdam = func() *time.Location {
	l, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.UTC
	}
	return l
}()

// jsonSection is a section as the JSON file holds it: the words in lang
// beside their raw values, for a machine and a person alike.
type jsonSection struct {
	Section    string           `json:"section"`
	Title      string           `json:"title"`
	Purpose    string           `json:"purpose"`
	LegalBasis string           `json:"legal_basis"`
	Retention  string           `json:"retention"`
	Recipients string           `json:"recipients"`
	Origin     string           `json:"origin"`
	Records    []map[string]any `json:"records"`
}

type jsonSource struct {
	Source   string        `json:"source"`
	PersonID int64         `json:"person_id"`
	Made     time.Time     `json:"made"`
	Sections []jsonSection `json:"sections"`
}

func (r *Rights) jsonOf(rep *Report, ss SourceSections, lang string) jsonSource {
	out := jsonSource{Source: ss.Source, PersonID: rep.PersonID, Made: rep.Made.UTC(), Sections: []jsonSection{}}
	t := func(id string) string { return r.texts.T(lang, id, nil) }
	for _, sec := range ss.Sections {
		w := r.why(sec, lang)
		js := jsonSection{Section: sec.Key, Title: t(sec.Title), Purpose: w.Purpose, LegalBasis: w.Basis,
			Retention: w.Retention, Recipients: w.Recipients, Origin: t(sec.Origin), Records: []map[string]any{}}
		for _, rec := range sec.Records {
			m := map[string]any{}
			for i, v := range rec {
				if i >= len(sec.Columns) {
					break
				}
				m[jsonKey(sec.Columns[i])] = r.raw(v, lang)
			}
			js.Records = append(js.Records, m)
		}
		out.Sections = append(out.Sections, js)
	}
	return out
}

// jsonKey is a column's message id's last part ("privacy.col.amount" →
// "amount").
func jsonKey(id string) string {
	for i := len(id) - 1; i >= 0; i-- {
		if id[i] == '.' {
			return id[i+1:]
		}
	}
	return id
}

// raw is a value for the JSON file: cents as a number, days as ISO dates,
// words in lang (beside the raw name of a Named value).
func (r *Rights) raw(v Value, lang string) any {
	switch {
	case v.Word != "" && v.Name != "":
		return map[string]any{"name": v.Name, "text": r.texts.T(lang, v.Word, nil)}
	case v.Word != "":
		return r.texts.T(lang, v.Word, nil)
	case v.Amount != nil:
		return map[string]any{"cents": int64(*v.Amount), "text": money.Format(*v.Amount, lang)}
	case !v.Day.IsZero():
		return v.Day.String()
	case !v.At.IsZero():
		return v.At.UTC().Format(time.RFC3339)
	}
	return v.Text
}

// htmlSection is a section ready for the template.
type htmlSection struct {
	Title, Purpose, Basis, Retention, Recipients, Origin string
	Columns                                              []string
	Rows                                                 [][]string
}

func (r *Rights) html(rep *Report, lang string) ([]byte, error) {
	t := func(id string) string { return r.texts.T(lang, id, nil) }
	var secs []htmlSection
	for _, ss := range rep.Sections {
		for _, sec := range ss.Sections {
			w := r.why(sec, lang)
			h := htmlSection{Title: t(sec.Title), Purpose: w.Purpose, Basis: w.Basis, Retention: w.Retention,
				Recipients: w.Recipients, Origin: t(sec.Origin)}
			for _, c := range sec.Columns {
				h.Columns = append(h.Columns, t(c))
			}
			for _, rec := range sec.Records {
				var row []string
				for _, v := range rec {
					row = append(row, r.show(v, lang))
				}
				h.Rows = append(h.Rows, row)
			}
			secs = append(secs, h)
		}
	}
	name := rep.Name
	if rep.Erased {
		name = t("privacy.export.erased_person")
	}
	data := map[string]any{
		"Lang":     lang,
		"Title":    r.texts.T(lang, "privacy.export.title", map[string]any{"Name": name}),
		"Intro":    r.texts.T(lang, "privacy.export.intro", map[string]any{"Date": r.show(At(rep.Made), lang)}),
		"Sections": secs,
		"Empty":    t("privacy.export.none"),
		"L": map[string]string{"Purpose": t("privacy.export.purpose"), "Basis": t("privacy.export.basis"),
			"Retention": t("privacy.export.retention"), "Recipients": t("privacy.export.recipients"), "Origin": t("privacy.export.origin"),
			"Rights": t("privacy.export.rights")},
	}
	var b bytes.Buffer
	if err := exportPage.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("export report: %w", err)
	}
	return b.Bytes(), nil
}

// sectionWhy is why a section is held, in words.
type sectionWhy struct{ Purpose, Basis, Retention, Recipients string }

// why is a section's purpose, legal basis, retention and recipients in
// lang: the register's own words for a section that names its activity
// (HMS's own data, account.go), else the catalog's for its message ids.
func (r *Rights) why(sec Section, lang string) sectionWhy {
	if a := activity(sec.Activity); a != nil {
		return sectionWhy{a.Purpose.In(lang), a.Basis.In(lang), a.Retention.In(lang), a.Recipients.In(lang)}
	}
	t := func(id string) string { return r.texts.T(lang, id, nil) }
	return sectionWhy{t(sec.Purpose), t(sec.Basis), t(sec.Retention), t(sec.Recipients)}
}
