// Package validation carries what was wrong with a request back to the place
// it was given: field errors for forms and API bodies, and problems (a status
// and a message id) for everything else. Message ids are i18n catalog ids, so
// each layer shows them in the user's language.
package validation

import (
	"errors"
	"sort"
	"strings"
)

// Errors maps a field name to the message id that explains what is wrong.
type Errors map[string]string

// Add records msg for field unless the field already has a message.
func (e Errors) Add(field, msg string) {
	if _, ok := e[field]; !ok {
		e[field] = msg
	}
}

// Err returns e as an error, or nil when nothing is wrong.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

func (e Errors) Error() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e[k]
	}
	return "invalid input: " + strings.Join(parts, ", ")
}

// Problem is an error a user may see: an HTTP status and a message id.
type Problem struct {
	Status int
	Code   string
}

func (p *Problem) Error() string { return p.Code }

// Problems every capability uses.
var (
	ErrNotFound     = &Problem{404, "error.not_found"}
	ErrForbidden    = &Problem{403, "error.forbidden"}
	ErrUnauthorized = &Problem{401, "error.unauthorized"}
	ErrRateLimited  = &Problem{429, "error.rate_limited"}
)

// AsFields returns the field errors inside err, if any.
func AsFields(err error) (Errors, bool) {
	var fe Errors
	if errors.As(err, &fe) {
		return fe, true
	}
	return nil, false
}

// AsProblem returns the problem inside err, if any.
func AsProblem(err error) (*Problem, bool) {
	var p *Problem
	if errors.As(err, &p) {
		return p, true
	}
	return nil, false
}
