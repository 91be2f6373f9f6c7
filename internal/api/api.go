// Package api is the JSON API at /api/v1, described by its own OpenAPI 3.1
// document at /api/v1/openapi.json. Callers authenticate with bearer tokens
// that an owner creates; a token acts with its creator's current role,
// narrowed to the token's scopes, so the API can never do more than the UI.
// Errors are RFC 9457 problem documents.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"hms/internal/account"
	"hms/internal/app/services"
	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/i18n"
	"hms/internal/platform/validation"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// Operation is one registered operation and the permission it needs; the
// authorisation test walks them all.
type Operation struct {
	Method, Path string
	Perm         account.Permission
}

// API is the http.Handler of /api/v1.
type API struct {
	Deps
	mux     *http.ServeMux
	humaAPI huma.API
	ops     []Operation
}

// Deps are what the API needs: the services app built (among them Limiter,
// which counts access-denied answers so the audit log gets one event per
// caller and minute instead of one per request) and a logger.
type Deps struct {
	services.Services
	Log *slog.Logger
}

type ctxKey int

const (
	actorKey ctxKey = iota
	langKey
)

// New builds the API with every operation registered.
func New(d Deps) *API {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	a := &API{Deps: d, mux: http.NewServeMux()}
	cfg := huma.DefaultConfig("HMS API", "1.0.0")
	cfg.Info.Description = "Rental administration for Dutch landlords. Authenticate with `Authorization: Bearer hms_…`; a token acts with " +
		"its creator's role, narrowed to its scopes. Lists come in pages: pass a page's next_cursor as the cursor of the next. " +
		"For a list in id order the cursor is the last id seen, so a number from an earlier client still works."
	cfg.OpenAPIPath = Prefix + "/openapi"
	cfg.DocsPath = "" // the built-in docs page loads scripts from a CDN; the JSON is the contract
	cfg.SchemasPath = Prefix + "/schemas"
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "An API token created by an organisation owner (hms_…)."},
	}
	cfg.Security = []map[string][]string{{"bearer": {}}}
	cfg.Servers, cfg.Tags = servers, tags
	a.humaAPI = humago.New(a.mux, cfg)
	registerEnums(a.humaAPI.OpenAPI().Components.Schemas)
	a.quietErrors()
	// Permission is checked before huma reads and validates the body, so a
	// caller without the right learns nothing from validation messages.
	a.humaAPI.UseMiddleware(func(hctx huma.Context, next func(huma.Context)) {
		perm, _ := hctx.Operation().Metadata["perm"].(account.Permission)
		actor := actorFrom(hctx.Context())
		if !actor.Can(perm) {
			a.denied(hctx.Context(), actor, hctx.Operation().Method+" "+hctx.Operation().Path)
			lang := langFrom(hctx.Context())
			_ = huma.WriteErr(a.humaAPI, hctx, http.StatusForbidden, a.Texts.T(lang, "error.forbidden", nil))
			return
		}
		// After a trial without a subscription only reads (and subscribing) pass.
		if msg, err := a.readOnly(hctx.Context(), actor, hctx.Operation().Method, hctx.Operation().Path); msg != "" || err != nil {
			status := http.StatusForbidden
			if err != nil {
				a.Log.Error("api read-only check", "err", err)
				status, msg = http.StatusInternalServerError, a.Texts.T(langFrom(hctx.Context()), "error.internal", nil)
			}
			_ = huma.WriteErr(a.humaAPI, hctx, status, msg)
			return
		}
		next(hctx)
	})
	a.register()
	return a
}

// Operations lists every operation with its permission.
func (a *API) Operations() []Operation { return a.ops }

// ServeHTTP authenticates the bearer token (except for the OpenAPI document)
// and dispatches.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	lang := i18n.Negotiate("", r.Header.Get("Accept-Language"))
	ctx := context.WithValue(r.Context(), langKey, lang)
	if strings.HasPrefix(r.URL.Path, Prefix+"/openapi") || strings.HasPrefix(r.URL.Path, Prefix+"/schemas") {
		a.mux.ServeHTTP(w, r.WithContext(ctx))
		return
	}
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		a.problem(w, lang, http.StatusUnauthorized, "error.unauthorized")
		return
	}
	actor, err := a.Accounts.AuthenticateAPIToken(ctx, token)
	if err != nil {
		if p, ok := validation.AsProblem(err); ok {
			a.problem(w, lang, p.Status, p.Code)
			return
		}
		a.Log.Error("api token", "err", err)
		a.problem(w, lang, http.StatusInternalServerError, "error.internal")
		return
	}
	a.mux.ServeHTTP(w, r.WithContext(context.WithValue(ctx, actorKey, actor)))
}

func (a *API) problem(w http.ResponseWriter, lang string, status int, code string) {
	w.Header().Set("Content-Type", "application/problem+json")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hms"`)
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(huma.ErrorModel{Title: http.StatusText(status), Status: status,
		Detail: a.Texts.T(lang, code, nil), Type: "about:blank"})
}

func actorFrom(ctx context.Context) account.Actor {
	act, _ := ctx.Value(actorKey).(account.Actor)
	return act
}

func langFrom(ctx context.Context) string {
	l, _ := ctx.Value(langKey).(string)
	return l
}

// op registers an operation that needs perm; the middleware in New lets the
// handler run only when the token's actor holds it (services check again).
// Its tag and error answers follow from the path and input (document.go);
// opts adjust the rest (a larger body).
func op[I, O any](a *API, method, path, id, summary string, perm account.Permission, h func(context.Context, account.Actor, *I) (*O, error),
	opts ...func(*huma.Operation)) {
	a.ops = append(a.ops, Operation{Method: method, Path: path, Perm: perm})
	hop := huma.Operation{
		OperationID: id, Method: method, Path: Prefix + path, Summary: summary,
		Description: fmt.Sprintf("Requires permission `%s`.", perm),
		Tags:        []string{tagOf(path)},
		Errors:      errorsOf[I](method, path),
		Metadata:    map[string]any{"perm": perm},
	}
	for _, o := range opts {
		o(&hop)
	}
	huma.Register(a.humaAPI, hop, func(ctx context.Context, in *I) (*O, error) {
		if err := a.cleanText(ctx, in); err != nil {
			return nil, err
		}
		ctx, err := withGuardReasons(ctx, in)
		if err != nil {
			return nil, err
		}
		out, err := h(ctx, actorFrom(ctx), in)
		if err != nil {
			return nil, a.toHuma(ctx, err)
		}
		return out, nil
	})
}

func (a *API) denied(ctx context.Context, actor account.Actor, what string) {
	a.Log.Info("access denied", "org", actor.OrgID, "user", actor.UserID, "what", what)
	// A client that keeps knocking on one operation writes one event a
	// minute, not one a request.
	if a.Limiter != nil {
		first, err := a.Limiter.First(ctx, fmt.Sprintf("denied-api:%d:%d:%s", actor.OrgID, actor.UserID, what), time.Minute)
		if err != nil {
			a.Log.Error("count api denied", "err", err)
		}
		if !first {
			return
		}
	}
	err := a.DB.InOrg(ctx, actor.OrgID, func(tx *db.Tx) error {
		return a.Audit.Record(ctx, tx, audit.Event{ActorUserID: actor.UserID, ActorKind: "api", Action: "access.denied",
			TargetType: "api", TargetID: what})
	})
	if err != nil {
		a.Log.Error("audit api denied", "err", err)
	}
}

// toHuma turns a service error into a problem document in the caller's
// language; field errors name their body location.
func (a *API) toHuma(ctx context.Context, err error) error {
	lang := langFrom(ctx)
	if fe, ok := validation.AsFields(err); ok {
		details := make([]error, 0, len(fe))
		for field, msg := range fe {
			details = append(details, &huma.ErrorDetail{Location: "body." + field, Message: a.Texts.T(lang, msg, nil)})
		}
		return huma.NewError(http.StatusUnprocessableEntity, a.Texts.T(lang, "api.invalid", nil), details...)
	}
	var answer huma.StatusError
	if errors.As(err, &answer) {
		return err // already a problem document (the calculator's, with its own members)
	}
	if errors.Is(err, errBadCursor) {
		return huma.NewError(http.StatusUnprocessableEntity, a.Texts.T(lang, "api.invalid", nil),
			&huma.ErrorDetail{Location: "query.cursor", Message: a.Texts.T(lang, "field.invalid", nil)})
	}
	var p *validation.Problem
	if errors.As(err, &p) {
		return huma.NewError(p.Status, a.Texts.T(lang, p.Code, nil))
	}
	a.Log.Error("api request failed", "err", err)
	return huma.NewError(http.StatusInternalServerError, a.Texts.T(lang, "error.internal", nil))
}
