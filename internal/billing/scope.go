package billing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// ScopeKind says which leases a bulk action covers.
type ScopeKind string

// The kinds of scope. ScopeAll must be chosen as such: a scope of another
// kind that names nothing is an error, never the whole organisation.
const (
	ScopeAll     ScopeKind = ""
	ScopeComplex ScopeKind = "complex"
	ScopeUnit    ScopeKind = "unit"
	ScopeLease   ScopeKind = "lease"
)

// ScopeKinds are the kinds a person can choose from.
var ScopeKinds = []ScopeKind{ScopeAll, ScopeComplex, ScopeUnit, ScopeLease}

// Scope is what a person asked for: a kind, and the record chosen in a
// picker (ID) or typed (Text: a lease reference, a unit's address, a
// complex's name, a tenant's name).
type Scope struct {
	Kind ScopeKind
	ID   int64
	Text string
}

// ScopeField is where scope errors are shown (web form field, API body field).
const ScopeField = "scope"

// ResolvedScope is a scope that names exactly one record, or the whole
// organisation on purpose, in words a person recognises.
type ResolvedScope struct {
	Kind ScopeKind
	ID   int64
	// Name is the record in words: a complex's name, a unit's address, a
	// lease's reference with its address ("2027-0001, Havenkade 8-2, 3011 AB
	// Rotterdam"); empty for the whole organisation.
	Name string
	// Leases is how many leases of the scope run in the period asked about.
	Leases int
}

// Billing is the filter the rent run applies.
func (r ResolvedScope) Billing() lease.BillingScope {
	switch r.Kind {
	case ScopeComplex:
		return lease.BillingScope{ComplexID: r.ID}
	case ScopeUnit:
		return lease.BillingScope{UnitID: r.ID}
	case ScopeLease:
		return lease.BillingScope{LeaseID: r.ID}
	}
	return lease.BillingScope{}
}

// Key is the scope as stored on a run ("lease:12"; "" for everything).
func (r ResolvedScope) Key() string {
	if r.Kind == ScopeAll {
		return ""
	}
	return fmt.Sprintf("%s:%d", r.Kind, r.ID)
}

// ParseScopeKey reads a stored scope key back (a run's scope).
func ParseScopeKey(key string) (Scope, error) {
	if key == "" {
		return Scope{}, nil
	}
	kind, id, ok := strings.Cut(key, ":")
	var n int64
	if _, err := fmt.Sscan(id, &n); !ok || err != nil || n <= 0 {
		return Scope{}, fmt.Errorf("billing: bad scope key %q", key)
	}
	return Scope{Kind: ScopeKind(kind), ID: n}, nil
}

// ScopeKind is the kind of the run's scope ("" for the whole organisation).
func (r Run) ScopeKind() ScopeKind {
	sc, err := ParseScopeKey(r.Scope)
	if err != nil {
		return ScopeAll
	}
	return sc.Kind
}

// resolveScope turns what was asked into exactly one record of tx's
// organisation, or an error at the scope field: a kind without a record, an
// id of nothing (or of another organisation), text that matches nothing or
// more than one record. It never falls back to the whole organisation.
func (s *Service) resolveScope(ctx context.Context, tx *db.Tx, a account.Actor, sc Scope, from, to civil.Date) (ResolvedScope, error) {
	sc.Text = strings.TrimSpace(sc.Text)
	r := ResolvedScope{Kind: sc.Kind}
	switch sc.Kind {
	case ScopeAll:
		if sc.ID != 0 || sc.Text != "" {
			return r, validation.Errors{ScopeField: "billing.scope.kind_required"}
		}
	case ScopeComplex, ScopeUnit, ScopeLease:
		id := sc.ID
		if id == 0 {
			if sc.Text == "" {
				return r, validation.Errors{ScopeField: "billing.scope.required." + string(sc.Kind)}
			}
			ids, err := s.scopeMatches(ctx, a, sc.Kind, sc.Text, true)
			if err != nil {
				return r, err
			}
			switch len(ids) {
			case 0:
				return r, validation.Errors{ScopeField: "billing.scope.unknown." + string(sc.Kind)}
			case 1:
				id = ids[0].ID
			default:
				return r, validation.Errors{ScopeField: "billing.scope.ambiguous"}
			}
		}
		name, err := s.scopeName(ctx, tx, sc.Kind, id)
		if err != nil {
			return r, err
		}
		r.ID, r.Name = id, name
	default:
		return r, validation.Errors{ScopeField: "billing.scope.kind_invalid"}
	}
	n, err := lease.CountBillable(ctx, tx, r.Billing(), from, to)
	if err != nil {
		return r, err
	}
	r.Leases = n
	return r, nil
}

// scopeName reads one record of tx's organisation in words; a record that
// is not there (or another organisation's) is an error at the scope field.
func (s *Service) scopeName(ctx context.Context, tx *db.Tx, kind ScopeKind, id int64) (string, error) {
	unknown := validation.Errors{ScopeField: "billing.scope.unknown." + string(kind)}
	if id <= 0 {
		return "", unknown
	}
	switch kind {
	case ScopeComplex:
		name, err := complexName(ctx, tx, id)
		if errors.Is(err, sql.ErrNoRows) {
			return "", unknown
		}
		if err != nil {
			return "", err
		}
		return name, nil
	case ScopeUnit:
		facts, err := s.portfolio.UnitFacts(ctx, tx, id)
		if err != nil {
			return "", fmt.Errorf("billing: scope unit: %w", err)
		}
		f, ok := facts[id]
		if !ok {
			return "", unknown
		}
		return f.Address, nil
	case ScopeLease:
		ref, err := leaseReference(ctx, tx, id)
		if errors.Is(err, sql.ErrNoRows) {
			return "", unknown
		}
		if err != nil {
			return "", err
		}
		units, err := leaseUnitIDs(ctx, tx, id)
		if err != nil {
			return "", err
		}
		facts, err := s.portfolio.UnitFacts(ctx, tx, units...)
		if err != nil {
			return "", fmt.Errorf("billing: scope lease units: %w", err)
		}
		parts := []string{ref}
		for _, u := range units {
			if f, ok := facts[u]; ok {
				parts = append(parts, f.Address)
			}
		}
		return strings.Join(parts, ", "), nil
	}
	return "", unknown
}

// ScopeOption is one record a scope picker offers.
type ScopeOption struct {
	ID    int64
	Label string
}

// scopeOptionLimit is how many matches a picker offers at a time.
const scopeOptionLimit = 20

// ScopeOptions are the records of a kind that match what was typed: a
// complex by name, a unit by address, a lease by reference, by its unit's
// address or by a tenant's name.
func (s *Service) ScopeOptions(ctx context.Context, a account.Actor, kind ScopeKind, text string) ([]ScopeOption, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	switch kind {
	case ScopeComplex, ScopeUnit, ScopeLease:
	default:
		return nil, validation.Errors{ScopeField: "billing.scope.kind_invalid"}
	}
	return s.scopeMatches(ctx, a, kind, strings.TrimSpace(text), false)
}

// scopeMatches finds records of kind for text. With exact, a record whose
// name is the text itself (a reference, an address, a complex name, in any
// case) is the answer even when others contain the text, so "2027-0001"
// resolves although "2027-00010" exists.
func (s *Service) scopeMatches(ctx context.Context, a account.Actor, kind ScopeKind, text string, exact bool) ([]ScopeOption, error) {
	q := listing.Query{Search: text, Limit: scopeOptionLimit}
	var out, hits []ScopeOption
	seen := map[int64]bool{}
	add := func(id int64, label, name string) {
		if seen[id] {
			return
		}
		seen[id] = true
		out = append(out, ScopeOption{ID: id, Label: label})
		if strings.EqualFold(strings.TrimSpace(name), text) {
			hits = append(hits, ScopeOption{ID: id, Label: label})
		}
	}
	switch kind {
	case ScopeComplex:
		page, err := s.portfolio.ListComplexes(ctx, a, portfolio.ComplexFilter{}, q)
		if err != nil {
			return nil, err
		}
		for _, c := range page.Items {
			label := c.Name
			if c.City != "" {
				label += " (" + c.City + ")"
			}
			add(c.ID, label, c.Name)
		}
	case ScopeUnit:
		page, err := s.portfolio.ListUnits(ctx, a, portfolio.UnitFilter{}, q)
		if err != nil {
			return nil, err
		}
		for _, u := range page.Items {
			add(u.ID, u.Address.Line(), u.Address.StreetLine())
		}
	case ScopeLease:
		if err := s.leaseMatches(ctx, a, text, q, add); err != nil {
			return nil, err
		}
	}
	if exact && len(hits) == 1 {
		return hits, nil
	}
	if len(out) > scopeOptionLimit {
		out = out[:scopeOptionLimit]
	}
	return out, nil
}

// leaseMatches offers leases by reference, then the leases of the units
// whose address matches, then those of tenants whose name matches.
func (s *Service) leaseMatches(ctx context.Context, a account.Actor, text string, q listing.Query,
	add func(id int64, label, name string)) error {
	label := func(l lease.Summary) string {
		parts := []string{l.Reference}
		for _, u := range l.Units {
			parts = append(parts, u.Address)
		}
		var names []string
		for _, t := range l.Tenants {
			names = append(names, t.Name)
		}
		if len(names) > 0 {
			parts = append(parts, strings.Join(names, " / "))
		}
		return strings.Join(parts, " · ")
	}
	leases := func(f lease.ListFilter, q listing.Query) error {
		page, err := s.leases.List(ctx, a, q, f)
		if err != nil {
			return err
		}
		for _, l := range page.Items {
			add(l.ID, label(l), l.Reference)
		}
		return nil
	}
	if err := leases(lease.ListFilter{}, q); err != nil || text == "" {
		return err
	}
	units, err := s.portfolio.ListUnits(ctx, a, portfolio.UnitFilter{}, listing.Query{Search: text, Limit: 5})
	if err != nil {
		return err
	}
	for _, u := range units.Items {
		if err := leases(lease.ListFilter{UnitID: u.ID}, listing.Query{Limit: 5}); err != nil {
			return err
		}
	}
	people, err := s.relations.List(ctx, a, listing.Query{Search: text, Limit: 5}, relation.Filter{})
	if errors.Is(err, validation.ErrForbidden) {
		return nil // a role that may not read relations finds by reference and address only
	}
	if err != nil {
		return err
	}
	for _, p := range people.Items {
		if err := leases(lease.ListFilter{TenantID: p.ID}, listing.Query{Limit: 5}); err != nil {
			return err
		}
	}
	return nil
}
