package api

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/validation"

	"hms/internal/platform/civil"
	hmsvalidation "hms/internal/platform/validation"
)

// checkText walks every string of a decoded operation input (path, query
// and header parameters and the whole body, nested structs, slices and
// maps included) with validation.Text, so no field of any operation can let
// a NUL, a control character, a bidi override or broken UTF-8 through; it
// returns the locations that are bad, in huma's notation (body.a.b[0].c).
func checkText(in any) map[string]string {
	bad := map[string]string{}
	v := reflect.ValueOf(in)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return bad
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return bad
	}
	checkFields(v, bad)
	return bad
}

// checkFields checks the parameters and body of an input struct, and those
// of the structs it embeds (PageInput).
func checkFields(v reflect.Value, bad map[string]string) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		switch {
		case f.Anonymous && f.Type.Kind() == reflect.Struct:
			checkFields(v.Field(i), bad)
		case f.Name == "Body":
			walkText(v.Field(i), "body", "", bad)
		case f.Tag.Get("path") != "":
			walkText(v.Field(i), "path."+f.Tag.Get("path"), f.Tag.Get("path"), bad)
		case f.Tag.Get("query") != "":
			walkText(v.Field(i), "query."+f.Tag.Get("query"), f.Tag.Get("query"), bad)
		case f.Tag.Get("header") != "":
			walkText(v.Field(i), "header."+f.Tag.Get("header"), f.Tag.Get("header"), bad)
		}
	}
}

// walkText checks the strings in v at loc; name is the JSON name of the
// field that holds them (it decides whether newlines are allowed).
func walkText(v reflect.Value, loc, name string, bad map[string]string) {
	switch v.Kind() {
	case reflect.String:
		if msg := hmsvalidation.Text(v.String(), hmsvalidation.Multiline(name)); msg != "" {
			bad[loc] = msg
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkText(v.Elem(), loc, name, bad)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes (a file's content) are not text
		}
		for i := range v.Len() {
			walkText(v.Index(i), fmt.Sprintf("%s[%d]", loc, i), name, bad)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			if k.Kind() == reflect.String {
				if msg := hmsvalidation.Text(k.String(), false); msg != "" {
					bad[loc] = msg
					continue
				}
				walkText(iter.Value(), loc+"."+k.String(), name, bad)
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			jn, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if jn == "-" {
				continue
			}
			if f.Anonymous && jn == "" {
				walkText(v.Field(i), loc, name, bad)
				continue
			}
			if jn == "" {
				jn = f.Name
			}
			walkText(v.Field(i), loc+"."+jn, jn, bad)
		}
	}
}

// isoDate is how civil.Date appears in the OpenAPI document: a string in
// format date, so huma checks it against the calendar at its own location
// (body.start_date) before decoding; civil's parse error never surfaces.
type isoDate string

func (isoDate) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Format: "date", Examples: []any{"2026-03-01"}}
}

// quietErrors makes every problem document huma writes speak the caller's
// language where we have a message id, and never echo the request: huma
// puts the raw body (or the parameter) in errors[].value, and decoding
// errors carry the decoder's text, which quotes the input.
func (a *API) quietErrors() {
	a.humaAPI.OpenAPI().Components.Schemas.RegisterTypeAlias(reflect.TypeFor[civil.Date](), reflect.TypeFor[isoDate]())
	// huma keeps the constructor in a package variable: set it once (every
	// API of the process has the same catalog).
	quietOnce.Do(func() { huma.NewErrorWithContext = a.quietError })
}

var quietOnce sync.Once

func (a *API) quietError(hctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
	lang := ""
	if hctx != nil {
		lang = langFrom(hctx.Context())
	}
	for _, e := range errs {
		d, ok := e.(*huma.ErrorDetail)
		if !ok {
			continue
		}
		_, rawBody := d.Value.(string)
		switch {
		case d.Location == "body" && rawBody:
			d.Message = a.Texts.T(lang, "api.body_unreadable", nil)
		case d.Message == validation.MsgExpectedRFC3339Date || strings.Contains(d.Message, civil.ErrInvalid.Error()):
			d.Message = a.Texts.T(lang, "field.date", nil)
		case strings.HasPrefix(d.Message, "invalid value: "):
			// A parameter's decoder quotes what it was given.
			d.Message = a.Texts.T(lang, "field.invalid", nil)
		}
		d.Value = nil
	}
	if msg == "validation failed" {
		msg = a.Texts.T(lang, "api.invalid", nil)
	}
	return huma.NewError(status, msg, errs...)
}

// cleanText refuses an operation's input when checkText finds a bad
// string: a 422 naming each location, before the service sees anything.
func (a *API) cleanText(ctx context.Context, in any) error {
	bad := checkText(in)
	if len(bad) == 0 {
		return nil
	}
	lang := langFrom(ctx)
	details := make([]error, 0, len(bad))
	for loc, msg := range bad {
		details = append(details, &huma.ErrorDetail{Location: loc, Message: a.Texts.T(lang, msg, nil)})
	}
	return huma.NewError(http.StatusUnprocessableEntity, a.Texts.T(lang, "api.invalid", nil), details...)
}
