package guard

import (
	"context"
	"strings"
	"unicode/utf8"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// Mode is what the guard does with a finding, per organisation.
type Mode string

const (
	// ModeWarn refuses the text until the person gives a reason; then it
	// is stored and the decision recorded. The default.
	ModeWarn Mode = "warn"
	// ModeRefuse refuses the text whatever the reason. A weak finding (a
	// number that passes the 11-test with no BSN context word) still only
	// warns: refusing every such number would refuse ordinary references.
	ModeRefuse Mode = "refuse"
)

// Modes lists the modes in form order.
var Modes = []Mode{ModeWarn, ModeRefuse}

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool { return m == ModeWarn || m == ModeRefuse }

// ReasonSuffix ends the name of the form field, and is the key suffix of
// the API's guard_reasons, that carries the reason for a guarded field:
// the reason for "note" is "note_guard_reason".
const ReasonSuffix = "_guard_reason"

// minReason is the shortest reason accepted (in characters, trimmed).
const minReason = 5

// Message ids. The warning and the refusal name the categories in words:
// the id is followed by "|" and the categories' message ids, which the
// catalog joins into the message's {{.List}} (i18n.Catalog.T).
const (
	MsgWarn    = "privacy.guard.warn"
	MsgRefused = "privacy.guard.refused"
)

// Text is one guarded value: the service's field name (as its validation
// errors name it) and the text.
type Text struct {
	Field string
	Value string
}

type reasonsKey struct{}

// WithReasons returns ctx carrying the reasons a person gave for guarded
// fields, by field name. The web and the API put them there from the
// request (<field>_guard_reason, guard_reasons); Review reads them. They
// travel in the context because they belong to the request, like its
// language, and so reach every service method without widening each input.
func WithReasons(ctx context.Context, reasons map[string]string) context.Context {
	clean := map[string]string{}
	for f, r := range reasons {
		if r = strings.TrimSpace(r); r != "" {
			clean[strings.TrimSuffix(f, ReasonSuffix)] = r
		}
	}
	if len(clean) == 0 {
		return ctx
	}
	return context.WithValue(ctx, reasonsKey{}, clean)
}

// reasonFor is the reason given for field. A form may name the field with
// a prefix ("deposit.note" for the service's "note", "rows[2].note"): when
// no key names it exactly, keys and field are compared by their last part.
func reasonFor(ctx context.Context, field string) string {
	rs, _ := ctx.Value(reasonsKey{}).(map[string]string)
	if r, ok := rs[field]; ok {
		return r
	}
	for k, r := range rs {
		if lastPart(k) == lastPart(field) {
			return r
		}
	}
	return ""
}

func lastPart(name string) string {
	if i := strings.LastIndexAny(name, ".]"); i >= 0 {
		return name[i+1:]
	}
	return name
}

// Review checks texts for the organisation of tx by its guard mode. It
// returns validation errors at the fields whose text has findings and no
// acceptable reason; for every field let through with a reason it records
// an audit event (field and categories; the reason itself is not stored,
// because it may hold the very data the guard warns about). Call it inside
// the transaction that stores the texts, before anything is written, so
// that a refusal stores nothing.
func Review(ctx context.Context, tx *db.Tx, log *audit.Log, actor account.Actor, texts ...Text) error {
	type hit struct {
		Text
		cats []Category
		weak bool
	}
	var hits []hit
	for _, t := range texts {
		fs := Check(t.Value)
		if len(fs) == 0 {
			continue
		}
		weak := true
		for _, f := range fs {
			weak = weak && f.Weak
		}
		hits = append(hits, hit{t, CategoriesOf(fs), weak})
	}
	if len(hits) == 0 {
		return nil
	}
	mode, err := ModeTx(ctx, tx)
	if err != nil {
		return err
	}
	fe := validation.Errors{}
	var accepted []hit
	for _, h := range hits {
		switch {
		case mode == ModeRefuse && !h.weak:
			fe.Add(h.Field, Message(MsgRefused, h.cats))
		case utf8.RuneCountInString(reasonFor(ctx, h.Field)) < minReason:
			fe.Add(h.Field, Message(MsgWarn, h.cats))
		default:
			accepted = append(accepted, h)
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	for _, h := range accepted {
		cats := make([]string, len(h.cats))
		for i, c := range h.cats {
			cats[i] = string(c)
		}
		err := log.Record(ctx, tx, audit.Event{ActorUserID: actor.UserID, ActorKind: actor.Kind,
			Action: "privacy.guard.accepted", TargetType: "field", TargetID: h.Field,
			Details: map[string]string{"field": h.Field, "categories": strings.Join(cats, ","), "mode": string(mode),
				"reason": "given"}})
		if err != nil {
			return err
		}
	}
	return nil
}

// Message is the message id of a warning or refusal naming categories.
func Message(id string, cats []Category) string {
	ids := make([]string, len(cats))
	for i, c := range cats {
		ids[i] = "privacy.guard.category." + string(c)
	}
	return id + "|" + strings.Join(ids, ",")
}

// IsGuard reports whether a field error's message is the guard's, and
// whether a reason would let the text through (a warning).
func IsGuard(msg string) (guard, warn bool) {
	id, _, _ := strings.Cut(msg, "|")
	return id == MsgWarn || id == MsgRefused, id == MsgWarn
}
