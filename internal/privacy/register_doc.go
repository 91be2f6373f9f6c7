package privacy

import (
	"fmt"
	"slices"
	"time"

	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc"
)

// RegisterEntry is one activity of the register in a language, as the page,
// the CSV, the PDF and the API show it.
type RegisterEntry struct {
	Key        string   `json:"key"`
	Role       Role     `json:"role"`
	Name       string   `json:"name"`
	Purpose    string   `json:"purpose"`
	Basis      string   `json:"legal_basis"`
	Subjects   string   `json:"data_subjects"`
	Categories []string `json:"data_categories"`
	Recipients string   `json:"recipients"`
	Retention  string   `json:"retention"`
	Transfers  string   `json:"transfers"`
	Security   string   `json:"security"`
}

// RegisterEntries is the register in lang: the activities HMS carries out
// as processor for its customers (art. 30(2)), then its own as controller
// (art. 30(1)). Each lists its categories of personal data once, in the
// order of Categories.
func RegisterEntries(lang string) []RegisterEntry {
	out := make([]RegisterEntry, 0, len(Register))
	for _, role := range []Role{Processor, Controller} {
		for _, a := range Register {
			if a.Role != role {
				continue
			}
			e := RegisterEntry{Key: a.Key, Role: a.Role, Name: a.Name.In(lang), Purpose: a.Purpose.In(lang), Basis: a.Basis.In(lang),
				Subjects: a.Subjects.In(lang), Recipients: a.Recipients.In(lang), Retention: a.Retention.In(lang),
				Transfers: Transfers.In(lang), Security: Security.In(lang)}
			for _, c := range Categories {
				if slices.ContainsFunc(a.Data, func(d Columns) bool { return d.Category == c.Category }) {
					e.Categories = append(e.Categories, c.Words.In(lang))
				}
			}
			out = append(out, e)
		}
	}
	return out
}

// RoleWords is a role in words.
func RoleWords(r Role, lang string) string {
	if r == Controller {
		return Words{"HMS is verwerkingsverantwoordelijke (art. 30 lid 1 AVG)", "HMS is controller (art. 30(1) GDPR)"}.In(lang)
	}
	return Words{"HMS is verwerker namens de verhuurder (art. 30 lid 2 AVG)", "HMS is processor for the landlord (art. 30(2) GDPR)"}.In(lang)
}

// registerLabels are the register's column heads.
func registerLabels(lang string) []string {
	w := []Words{{"Rol", "Role"}, {"Verwerking", "Processing activity"}, {"Doel", "Purpose"}, {"Grondslag", "Legal basis"},
		{"Betrokkenen", "Data subjects"}, {"Persoonsgegevens", "Personal data"}, {"Ontvangers", "Recipients"},
		{"Bewaartermijn", "Retention"}, {"Doorgifte", "Transfers"}, {"Beveiliging", "Security"}}
	out := make([]string, len(w))
	for i, x := range w {
		out[i] = x.In(lang)
	}
	return out
}

// RegisterCSV is the register as CSV rows, one an activity.
func RegisterCSV(lang string) (header []string, rows [][]string) {
	for _, e := range RegisterEntries(lang) {
		rows = append(rows, []string{RoleWords(e.Role, lang), e.Name, e.Purpose, e.Basis, e.Subjects, joinList(e.Categories),
			e.Recipients, e.Retention, e.Transfers, e.Security})
	}
	return registerLabels(lang), rows
}

func joinList(xs []string) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += "; "
		}
		s += x
	}
	return s
}

// RegisterTitle is the register's title; controller, when given, is the
// organisation on whose behalf HMS processes (art. 30(2)(a)).
func RegisterTitle(lang string) string {
	return Words{"Register van verwerkingsactiviteiten", "Record of processing activities"}.In(lang)
}

// RegisterPDF is the register as a document: per activity its facts as a
// two-column table. controller names the organisation it is made for ("":
// HMS's own register, made for its staff).
func RegisterPDF(lang, controller string, made time.Time) ([]byte, error) {
	title := RegisterTitle(lang)
	doc := pdfdoc.New(pdfdoc.Meta{Title: title, Author: "HMS", Lang: lang, Created: made, Layout: pdfdoc.SheetLayout, Paged: true,
		Footer: []string{"HMS", title, civil.Today(made).Long(lang)}})
	doc.SetFont("dejavu", "B", 15)
	doc.MultiCell(0, 7, title, "", "L", false)
	doc.SetFont("dejavu", "", 10)
	intro := Words{"Housing Management Systems (HMS) houdt dit register bij volgens artikel 30 van de AVG.",
		"Housing Management Systems (HMS) keeps this record under article 30 of the GDPR."}.In(lang)
	if controller != "" {
		intro += " " + fmt.Sprintf(Words{"Verwerkingsverantwoordelijke voor de verwerkingen als verwerker: %s.",
			"Controller of the processing HMS carries out as processor: %s."}.In(lang), controller)
	}
	doc.MultiCell(0, 5, intro, "", "L", false)
	labels := registerLabels(lang)
	cols := []float64{doc.TextWidth * 0.25, doc.TextWidth * 0.75}
	var role Role
	for _, e := range RegisterEntries(lang) {
		if e.Role != role {
			role = e.Role
			doc.Ln(4)
			doc.SetFont("dejavu", "B", 12)
			doc.MultiCell(0, 6, RoleWords(role, lang), "", "L", false)
		}
		doc.Ln(2)
		doc.SetFont("dejavu", "B", 10.5)
		doc.MultiCell(0, 5.5, e.Name, "", "L", false)
		doc.SetFont("dejavu", "", 8.5)
		for i, v := range []string{e.Purpose, e.Basis, e.Subjects, joinList(e.Categories), e.Recipients, e.Retention, e.Transfers,
			e.Security} {
			doc.Row(4, cols, "LL", []string{labels[i+2], v}, "B", false)
		}
	}
	return doc.Bytes()
}
