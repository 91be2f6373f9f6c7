package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hms/internal/lease"
	"hms/internal/platform/listing"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// The search picker: every form field that takes other records (a lease's
// units and tenants, a settlement key's units with their shares, a cost's
// units) is a search field above a list of checkboxes (or radio buttons for
// one record). Typing asks /o/{org}/pick/{kind} (htmx) for the matching
// records; what is chosen stays on top, checked, so nothing needs Ctrl and a
// portfolio of any size can be picked from. The chosen ids are submitted
// under the field's name, as a multi-select's were.

// Picker kinds: what a picker finds.
const (
	pickUnits     = "units"     // units by address (of one complex with Complex)
	pickRelations = "relations" // persons and companies by name
	pickSuppliers = "suppliers" // relations with the supplier role
	pickLeases    = "leases"    // leases by reference
)

// pickFirst is how many records a picker offers before anything is typed,
// pickMatches how many matches a search offers, pickChosen how many chosen
// ids it keeps.
const (
	pickFirst   = 8
	pickMatches = 25
	pickChosen  = 200
)

// picker is one search-picker field of a form.
type picker struct {
	Org      string
	Name     string // the form field of the chosen ids
	Kind     string
	Multiple bool
	Shares   bool  // a share input (share.<id>) beside each unit: settlement keys
	Complex  int64 // units: only this complex's
	Label    string
	Search   string // the search field's placeholder
	Hint     string
	Share    string // the share input's label
	None     string // shown when nothing matches
	Err      string // the field's error, set at render time (WithErr)
	Options  []pickOption
}

// pickOption is a record a picker offers.
type pickOption struct {
	ID     int64
	Label  string
	Chosen bool
	Share  string
}

// URL is where the search field asks for options.
func (p picker) URL() string {
	// The picker's own parameters start with "pick_", so they never meet
	// the chosen ids (named by the field, "shares" say).
	v := url.Values{"pick_field": {p.Name}}
	if p.Multiple {
		v.Set("pick_multiple", "1")
	}
	if p.Shares {
		v.Set("pick_shares", "1")
	}
	if p.Complex > 0 {
		v.Set("pick_complex", strconv.FormatInt(p.Complex, 10))
	}
	return fmt.Sprintf("/o/%s/pick/%s?%s", p.Org, p.Kind, v.Encode())
}

// WithErr is the picker with its field's error message (the template passes
// .Err "field").
func (p picker) WithErr(msg string) picker {
	p.Err = msg
	return p
}

// Has reports whether id is chosen.
func (p picker) Has(id int64) bool {
	for _, o := range p.Options {
		if o.ID == id && o.Chosen {
			return true
		}
	}
	return false
}

// newPicker builds a picker for a form shown to r: the chosen ids come from
// form (field name), the shares from share.<id>, and the first records
// found follow them.
func (s *Server) newPicker(r *http.Request, p *page, name, kind string, multiple bool, form url.Values) picker {
	return s.newPickerIn(r, p, name, kind, multiple, form, 0, false)
}

// newPickerIn is newPicker for the units of one complex (all offered up to
// pickMatches), with a share input beside each when shares is set.
func (s *Server) newPickerIn(r *http.Request, p *page, name, kind string, multiple bool, form url.Values, complex int64,
	shares bool) picker {
	pk := picker{Org: actorOf(r).OrgSlug, Name: name, Kind: kind, Multiple: multiple, Complex: complex, Shares: shares,
		Search: p.T("picker.search." + kind), None: p.T("picker.none"), Share: p.T("picker.share")}
	limit := pickFirst
	if complex > 0 {
		limit = pickMatches
	}
	pk.Options = s.pickOptions(r, pk, chosenIDs(form, name), form, "", limit)
	return pk
}

// chosenIDs are the ids of field in v that are numbers (others are left
// out: the service refuses them when the form is saved).
func chosenIDs(v url.Values, field string) []int64 {
	var ids []int64
	seen := map[int64]bool{}
	for _, sid := range v[field] {
		if id, err := strconv.ParseInt(strings.TrimSpace(sid), 10, 64); err == nil && id > 0 && !seen[id] && len(ids) < pickChosen {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// pickOptions are the chosen records (checked, in order) followed by up to
// limit records matching q. A chosen id that is not the organisation's is
// left out; a service that refuses the actor offers nothing.
func (s *Server) pickOptions(r *http.Request, pk picker, chosen []int64, form url.Values, q string, limit int) []pickOption {
	ctx := r.Context()
	a := actorOf(r)
	var out []pickOption
	seen := map[int64]bool{}
	keep := func(names map[int64]string) {
		for _, id := range chosen {
			if name, ok := names[id]; ok && !seen[id] {
				seen[id] = true
				out = append(out, pickOption{ID: id, Label: name, Chosen: true, Share: form.Get(fmt.Sprintf("share.%d", id))})
			}
		}
	}
	add := func(id int64, label string) {
		if !seen[id] {
			seen[id] = true
			out = append(out, pickOption{ID: id, Label: label})
		}
	}
	lq := listing.Query{Search: q, Limit: limit}
	switch pk.Kind {
	case pickUnits:
		if len(chosen) > 0 {
			names, err := s.Portfolio.UnitNames(ctx, a, chosen...)
			if err != nil {
				// One id that is not the organisation's unit: name them one
				// by one, so the others stay chosen.
				names = map[int64]string{}
				for _, id := range chosen {
					if n, err := s.Portfolio.UnitNames(ctx, a, id); err == nil {
						names[id] = n[id]
					}
				}
			}
			keep(names)
		}
		page, err := s.Portfolio.PickUnits(ctx, a, portfolio.UnitFilter{ComplexID: pk.Complex}, lq)
		if err != nil {
			return out
		}
		for _, u := range page.Items {
			label := u.Line()
			if pk.Complex == 0 && u.Status != "" && u.Status != portfolio.StatusVacant {
				label += " (" + s.Texts.T(langOf(r), "portfolio.status."+string(u.Status), nil) + ")"
			}
			add(u.ID, label)
		}
	case pickRelations, pickSuppliers:
		if len(chosen) > 0 {
			names, err := s.Relations.Names(ctx, a, chosen...)
			if err != nil {
				names = map[int64]string{}
				for _, id := range chosen {
					if n, err := s.Relations.Names(ctx, a, id); err == nil {
						names[id] = n[id]
					}
				}
			}
			keep(names)
		}
		f := relation.Filter{}
		if pk.Kind == pickSuppliers {
			f.Role = relation.RoleSupplier
		}
		page, err := s.Relations.List(ctx, a, lq, f)
		if err != nil {
			return out
		}
		for _, it := range page.Items {
			label := it.Name
			if it.City != "" {
				label += ", " + it.City
			}
			add(it.ID, label)
		}
	case pickLeases:
		s.pickLeaseOptions(r, chosen, lq, keep, add)
	}
	return out
}

// pickLeaseOptions offers leases by reference, each with its units and
// tenants: the chosen ones (read one by one) and those matching the search.
func (s *Server) pickLeaseOptions(r *http.Request, chosen []int64, lq listing.Query, keep func(map[int64]string),
	add func(int64, string)) {
	ctx, a := r.Context(), actorOf(r)
	label := func(ref string, units []lease.Unit, tenants []lease.Party) string {
		var parts []string
		for _, u := range units {
			parts = append(parts, u.Address)
		}
		for _, p := range tenants {
			parts = append(parts, p.Name)
		}
		if len(parts) == 0 {
			return ref
		}
		return ref + " (" + strings.Join(parts, ", ") + ")"
	}
	names := map[int64]string{}
	for _, id := range chosen {
		if l, err := s.Leases.Get(ctx, a, id); err == nil {
			var tenants []lease.Party
			for _, p := range l.Parties {
				if p.Role == lease.Tenant {
					tenants = append(tenants, p)
				}
			}
			names[id] = label(l.Reference, l.Units, tenants)
		}
	}
	keep(names)
	page, err := s.Leases.List(ctx, a, lq, lease.ListFilter{})
	if err != nil {
		return
	}
	for _, it := range page.Items {
		add(it.ID, label(it.Reference, it.Units, it.Tenants))
	}
}

// pickerFragments holds the picker's options template, answered alone to
// the search field's requests.
var pickerFragments = template.Must(template.New("partials.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/partials.html"))

// pick answers a picker's search: its options as HTML, to replace the list
// under the search field.
func (s *Server) pick(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	pk := picker{Org: actorOf(r).OrgSlug, Kind: r.PathValue("kind"), Name: v.Get("pick_field"), Multiple: v.Get("pick_multiple") == "1",
		Shares: v.Get("pick_shares") == "1"}
	pk.Complex, _ = strconv.ParseInt(v.Get("pick_complex"), 10, 64)
	switch pk.Kind {
	case pickUnits, pickRelations, pickSuppliers, pickLeases:
	default:
		s.notFound(w, r)
		return
	}
	if pk.Name == "" || len(pk.Name) > 40 || strings.HasPrefix(pk.Name, "pick_") || strings.ContainsAny(pk.Name, `"'<> `) {
		s.notFound(w, r)
		return
	}
	lang := langOf(r)
	pk.None, pk.Share = s.Texts.T(lang, "picker.none", nil), s.Texts.T(lang, "picker.share", nil)
	pk.Options = s.pickOptions(r, pk, chosenIDs(v, pk.Name), v, v.Get("q"), pickMatches)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := pickerFragments.ExecuteTemplate(w, "picker_options", pk); err != nil {
		s.Log.Error("picker options", "err", err)
	}
}
