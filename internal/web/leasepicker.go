package web

import (
	"html/template"
	"net/http"
	"strconv"

	"hms/internal/platform/listing"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// The lease form's selects list the first leaseChoiceLimit units and
// relations; a search field above each asks this endpoint (htmx) for the
// options matching what was typed, keeping what is already chosen, so a
// portfolio of any size can be picked from.

// leasePickerLimit is how many matches the search offers at a time.
const leasePickerLimit = 50

var leaseOptionsHTML = template.Must(template.New("options").Parse(
	`{{range .}}<option value="{{.ID}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}`))

type pickedOption struct {
	ID       int64
	Label    string
	Selected bool
}

func (s *Server) leaseOptions(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	ctx := r.Context()
	v := r.URL.Query()
	q := listing.Query{Search: v.Get("q"), Limit: leasePickerLimit}
	kind := r.PathValue("kind")
	field := map[string]string{"units": "unit_ids", "tenants": "tenant_ids", "guarantors": "guarantor_ids"}[kind]
	if field == "" {
		s.notFound(w, r)
		return
	}
	var chosen []int64
	for _, sid := range v[field] {
		if id, err := strconv.ParseInt(sid, 10, 64); err == nil && id > 0 && len(chosen) < 50 {
			chosen = append(chosen, id)
		}
	}
	var out []pickedOption
	seen := map[int64]bool{}
	if kind == "units" {
		// What is chosen stays first and selected (read in one go). An id
		// that is not this organisation's unit drops them all: the error is
		// not shown, the search below still answers.
		var names map[int64]string
		if len(chosen) > 0 {
			names, _ = s.Portfolio.UnitNames(ctx, a, chosen...)
		}
		for _, id := range chosen {
			if name, ok := names[id]; ok && !seen[id] {
				seen[id] = true
				out = append(out, pickedOption{ID: id, Label: name, Selected: true})
			}
		}
		page, err := s.Portfolio.ListUnits(ctx, a, portfolio.UnitFilter{}, q)
		if err != nil {
			s.fail(w, r, err, s.newPage(r, "lease.new.title"))
			return
		}
		for _, u := range page.Items {
			if !seen[u.ID] {
				seen[u.ID] = true
				label := u.Line()
				if u.Status != "" && u.Status != portfolio.StatusVacant {
					label += " (" + s.Texts.T(langOf(r), "lease.form.unit_"+string(u.Status), nil) + ")"
				}
				out = append(out, pickedOption{ID: u.ID, Label: label})
			}
		}
	} else {
		if len(chosen) > 0 {
			// Names as in a list: the picker is not a record being opened.
			names, err := s.Relations.Names(ctx, a, chosen...)
			if err == nil {
				for _, id := range chosen {
					if !seen[id] {
						seen[id] = true
						out = append(out, pickedOption{ID: id, Label: names[id], Selected: true})
					}
				}
			}
		}
		page, err := s.Relations.List(ctx, a, q, relation.Filter{})
		if err != nil {
			s.fail(w, r, err, s.newPage(r, "lease.new.title"))
			return
		}
		for _, it := range page.Items {
			if !seen[it.ID] {
				seen[it.ID] = true
				label := it.Name
				if it.City != "" {
					label += ", " + it.City
				}
				out = append(out, pickedOption{ID: it.ID, Label: label})
			}
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = leaseOptionsHTML.Execute(w, out)
}
