package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
)

// form reads a submitted form: every handler that takes a POST starts with
// readForm(r) and, before it calls a service, fails with form.Err(). The
// readers collect what they cannot read as field errors (message ids), so
// a bad date and a bad amount are shown together beside their fields; the
// fields cleanInput refused (not clean text) arrive as errors already.
type form struct {
	values  url.Values
	errs    validation.Errors
	date    string // message id of a date that is not one
	amount  string // message id of an amount that is not one
	refused bool
}

// readForm parses the request's form (a multipart form must be parsed by
// its handler first) and starts with the fields cleanInput refused.
func readForm(r *http.Request) *form {
	_ = r.ParseForm() // a body that cannot be read leaves the form empty, as a missing field would
	f := &form{values: r.PostForm, errs: validation.Errors{}, date: "field.date", amount: "field.invalid"}
	if f.values == nil {
		f.values = url.Values{}
	}
	for _, name := range refusedFields(r) {
		f.errs.Add(name, validation.MsgText)
		f.refused = true
	}
	return f
}

// Messages names the messages of an area for dates and amounts that cannot
// be read: <area>.date.invalid and <area>.amount.invalid.
func (f *form) Messages(area string) *form {
	f.date, f.amount = area+".date.invalid", area+".amount.invalid"
	return f
}

// String is a field's value as typed.
func (f *form) String(name string) string { return f.values.Get(name) }

// Strings are the values of a field that may be given more than once.
func (f *form) Strings(name string) []string { return f.values[name] }

// Filled reports whether a field holds more than spaces.
func (f *form) Filled(name string) bool { return strings.TrimSpace(f.values.Get(name)) != "" }

// Bool reports whether a checkbox was ticked (any value).
func (f *form) Bool(name string) bool { return f.values.Get(name) != "" }

// Require adds field.required when a field is empty.
func (f *form) Require(name string) {
	if !f.Filled(name) {
		f.errs.Add(name, "field.required")
	}
}

// Date reads an optional date: empty is the zero date.
func (f *form) Date(name string) civil.Date {
	s := strings.TrimSpace(f.values.Get(name))
	if s == "" {
		return civil.Date{}
	}
	d, err := civil.Parse(s)
	if err != nil {
		f.errs.Add(name, f.date)
	}
	return d
}

// Money reads an optional amount in euro ("1.234,56"): empty is zero.
func (f *form) Money(name string) money.Cents {
	s := strings.TrimSpace(f.values.Get(name))
	if s == "" {
		return 0
	}
	c, err := money.Parse(s)
	if err != nil {
		f.errs.Add(name, f.amount)
	}
	return c
}

// Int reads an optional whole number: empty is 0, anything else that is not
// a number is field.invalid.
func (f *form) Int(name string) int {
	s := strings.TrimSpace(f.values.Get(name))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		f.errs.Add(name, "field.invalid")
	}
	return n
}

// Number reads a whole number that the service checks itself (a hidden
// field, or one whose service names the problem): anything that is not a
// number is 0.
func (f *form) Number(name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(f.values.Get(name)), 10, 64)
	return n
}

// IDs reads a field of record ids given more than once (a multi-select);
// empty values are skipped, anything else that is not an id is field.invalid.
func (f *form) IDs(name string) []int64 {
	var ids []int64
	for _, s := range f.values[name] {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			f.errs.Add(name, "field.invalid")
			continue
		}
		ids = append(ids, id)
	}
	return ids
}

// Add records a handler's own finding about a field.
func (f *form) Add(field, msg string) { f.errs.Add(field, msg) }

// Err is what could not be read, or nil.
func (f *form) Err() error { return f.errs.Err() }

// Refused reports whether cleanInput refused a field of the form.
func (f *form) Refused() bool { return f.refused }

// refusedKey carries the fields cleanInput refused to the handler.
type refusedKey struct{}

func withRefused(r *http.Request, fields []string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), refusedKey{}, fields))
}

func refusedFields(r *http.Request) []string {
	fields, _ := r.Context().Value(refusedKey{}).([]string)
	return fields
}

// pathID reads a record id from the path: 0 when it is not a positive
// number, which no record has (services answer not found).
func pathID(r *http.Request, name string) int64 {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}
