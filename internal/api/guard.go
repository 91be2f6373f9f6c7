package api

import (
	"context"
	"net/url"

	"github.com/danielgtaylor/huma/v2"

	"hms/internal/privacy/guard"
)

// GuardReasons is embedded in the input of every operation that stores
// free text (a note, a reason, a description, a file name): the privacy
// guard (PRIVACY.md P10) answers text that seems to hold a BSN or special
// categories of personal data with a 422 at the field, and in the warn mode
// the same request is accepted again with a reason for that field. The
// reasons travel in one header for every such operation, JSON or file
// bodies alike, and stay out of URLs (and so out of access logs).
type GuardReasons struct {
	GuardReasons string `header:"HMS-Guard-Reasons" doc:"Reasons for text the privacy guard warned about: field=reason&field2=reason2"`
}

func (g GuardReasons) guardReasons() string { return g.GuardReasons }

type guarded interface{ guardReasons() string }

// withGuardReasons puts the reasons of a guarded operation's header in ctx
// for the services (guard.WithReasons).
func withGuardReasons(ctx context.Context, in any) (context.Context, error) {
	g, ok := in.(guarded)
	if !ok || g.guardReasons() == "" {
		return ctx, nil
	}
	vs, err := url.ParseQuery(g.guardReasons())
	if err != nil {
		return ctx, huma.NewError(422, "invalid input", &huma.ErrorDetail{Location: "header.HMS-Guard-Reasons",
			Message: "not form-encoded (field=reason&field2=reason2)"})
	}
	reasons := map[string]string{}
	for f, v := range vs {
		reasons[f] = v[0]
	}
	return guard.WithReasons(ctx, reasons), nil
}
