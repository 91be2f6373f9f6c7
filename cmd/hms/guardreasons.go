package main

import (
	"context"
	"errors"
	"flag"
	"strings"

	"hms/internal/privacy/guard"
)

// guardReasons is the repeatable flag --guard-reason FIELD=REASON of the
// commands that write free text: the reason a person gives for text the
// privacy guard (PRIVACY.md P10) warned about, as the web's
// <field>_guard_reason and the API's HMS-Guard-Reasons header give it.
type guardReasons map[string]string

func (g guardReasons) String() string { return "" }

func (g guardReasons) Set(v string) error {
	field, reason, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(field) == "" || strings.TrimSpace(reason) == "" {
		return errors.New("give FIELD=REASON, e.g. --guard-reason grounds='the person asked to record this'")
	}
	g[strings.TrimSpace(field)] = reason
	return nil
}

// guardReasonFlag adds --guard-reason to fs.
func guardReasonFlag(fs *flag.FlagSet) guardReasons {
	g := guardReasons{}
	fs.Var(g, "guard-reason", "FIELD=REASON: why text the privacy guard warned about may be stored (repeatable)")
	return g
}

// with puts the reasons in ctx for the services (guard.WithReasons).
func (g guardReasons) with(ctx context.Context) context.Context { return guard.WithReasons(ctx, g) }
