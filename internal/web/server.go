// Package web serves HMS over HTTP: the public site, the back office under
// /o/{org}/, the account pages, the staff console and, mounted from package
// api, the JSON API. Handlers are thin: they read the request, call one
// service method and render; rules live in the capability packages.
package web

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"

	"hms/internal/account"
	"hms/internal/app/services"
	"hms/internal/platform/audit"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/i18n"
)

//go:embed templates/*.html templates/site/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps are what the web layer needs: the services app built, and the web's
// own settings.
type Deps struct {
	services.Services
	Clock    clock.Clock
	Log      *slog.Logger
	API      http.Handler // mounted at /api/
	Registry *prometheus.Registry
	// SecureCookies is false only when serving plain http on localhost.
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the
	// client (HMS_TRUSTED_PROXIES); empty: the connection's peer is the client.
	TrustedProxies []netip.Prefix
	// MetricsToken and MetricsFrom say who may read /metrics (metricsGate).
	MetricsToken string
	MetricsFrom  []netip.Prefix
	// DemoFilling reports whether the demo portfolio is still being filled
	// (serve --demo); nil: never.
	DemoFilling func() bool
	// BaseURL is HMS's public address, for the sitemap and hreflang links;
	// nil: paths only.
	BaseURL func() string
	// Contact is how HMS is reached, on /contact; empty: DefaultContact.
	Contact SiteContact
	// Plans are the subscription plans on /prijzen in a language; nil (or
	// none): the page says prices are on request.
	Plans func(ctx context.Context, lang string) ([]PlanView, error)
}

// Server is the HTTP handler of the whole product.
type Server struct {
	Deps
	mux      *http.ServeMux
	sessions *scs.SessionManager
	pages    map[string]*template.Template
	routes   []Route
	handler  http.Handler
	// trustedProxies is Deps.TrustedProxies (see clientAddr).
	trustedProxies []netip.Prefix
}

// New builds the server with every route registered.
func New(d Deps) (*Server, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Contact == (SiteContact{}) {
		d.Contact = DefaultContact
	}
	s := &Server{Deps: d, mux: http.NewServeMux(), trustedProxies: d.TrustedProxies}
	s.sessions = scs.New()
	s.sessions.Store = &sessionStore{db: d.DB}
	s.sessions.Lifetime = 12 * time.Hour
	s.sessions.IdleTimeout = 2 * time.Hour
	s.sessions.Cookie.Name = "hms_session"
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = d.SecureCookies
	s.sessions.Cookie.Path = "/"
	if err := s.loadTemplates(); err != nil {
		return nil, err
	}
	s.registerRoutes()
	cop := http.NewCrossOriginProtection()
	s.handler = s.recoverer(s.securityHeaders(cop.Handler(withSessionSeen(s.sessions.LoadAndSave(s.withLanguage(s.mux))))))
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes lists every registered route (for the authorisation test).
func (s *Server) Routes() []Route { return s.routes }

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// securityHeaders sets a strict Content-Security-Policy (no inline script or
// style) and the usual hardening headers on every response.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Log.Error("panic in handler", "path", r.URL.Path, "panic", p)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type ctxKey int

const (
	langKey ctxKey = iota
	userKey
	actorKey
	membershipsKey // the user's []account.Membership, read by requireOrg
)

// withLanguage picks the page language: the visitor's explicit choice (a
// cookie set only when they press the switch), else Accept-Language.
func (s *Server) withLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		choice := ""
		if c, err := r.Cookie("hms_lang"); err == nil {
			choice = c.Value
		}
		lang := i18n.Negotiate(choice, r.Header.Get("Accept-Language"))
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), langKey, lang)))
	})
}

func langOf(r *http.Request) string {
	if l, ok := r.Context().Value(langKey).(string); ok {
		return l
	}
	return i18n.Default
}

func userOf(r *http.Request) *account.User {
	u, _ := r.Context().Value(userKey).(*account.User)
	return u
}

func actorOf(r *http.Request) account.Actor {
	a, _ := r.Context().Value(actorKey).(account.Actor)
	return a
}

// requireUser lets signed-in users through (second factor done where due)
// and sends others to the login page.
func (s *Server) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := s.sessions.GetInt64(r.Context(), "user_id")
		if id == 0 {
			if r.Method == http.MethodGet {
				s.sessions.Put(r.Context(), "after_login", r.URL.RequestURI())
			}
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		u, err := s.Accounts.User(r.Context(), id)
		if err != nil && r.Context().Err() != nil {
			// The visitor went away before the user was read (a slow page
			// left): that ends the request, not the session.
			return
		}
		if err != nil {
			_ = s.sessions.Destroy(r.Context())
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey, u)))
	})
}

// requireOrg resolves /o/{org}/ to the user's membership and checks perm.
// An organisation the user is not in answers 404 (it might not exist) and the
// attempt is logged.
func (s *Server) requireOrg(perm account.Permission, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		// The actor and the menu's organisations in one read, kept for the
		// page (newPage) so the request does not read them again.
		a, ms, err := s.Accounts.MemberActor(r.Context(), u.ID, r.PathValue("org"))
		if ms != nil {
			r = r.WithContext(context.WithValue(r.Context(), membershipsKey, ms))
		}
		if err != nil && u.IsStaff && u.TOTPEnabled && s.sessions.GetBool(r.Context(), "mfa") {
			// Staff come in only under a grant the organisation's owner
			// approved (P14), as a viewer; every request is logged for the
			// organisation to read.
			if a, err = s.Accounts.StaffActorFor(r.Context(), u.ID, r.PathValue("org")); err == nil {
				err = s.Accounts.RecordStaffRequest(r.Context(), a, r.Method, r.URL.Path)
			}
		}
		if err != nil {
			s.logDenied(r, u.ID, "org_not_member")
			s.notFound(w, r)
			return
		}
		if !a.Can(perm) {
			s.logDenied(r, u.ID, "permission:"+string(perm))
			s.renderError(w, r, http.StatusForbidden, "error.forbidden")
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), actorKey, a))
		if s.readOnlyRefusal(w, r) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireStaff admits platform staff who logged in with a second factor.
func (s *Server) requireStaff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		if !u.IsStaff {
			s.logDenied(r, u.ID, "not_staff")
			s.notFound(w, r)
			return
		}
		if !u.TOTPEnabled || !s.sessions.GetBool(r.Context(), "mfa") {
			s.flash(r, "console.mfa_required")
			http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// logDenied writes an access-denied event to the platform's audit chain.
func (s *Server) logDenied(r *http.Request, userID int64, reason string) {
	s.Log.Info("access denied", "user", userID, "path", r.URL.Path, "reason", reason)
	// A visitor who keeps knocking on one route (trying id after id) writes
	// one event a minute, not one a request.
	first, err := s.Limiter.First(r.Context(), fmt.Sprintf("denied-web:%d:%s", userID, r.Pattern), time.Minute)
	if err != nil {
		s.Log.Error("count access denied", "err", err)
	}
	if !first {
		return
	}
	err = s.DB.System(r.Context(), func(tx *db.Tx) error {
		return s.Audit.Record(r.Context(), tx, audit.Event{ActorUserID: userID, ActorKind: "user", Action: "access.denied",
			TargetType: "path", TargetID: r.Method + " " + r.URL.Path, Details: map[string]string{"reason": reason}})
	})
	if err != nil {
		s.Log.Error("audit access denied", "err", err)
	}
}

func (s *Server) flash(r *http.Request, msgID string) { s.sessions.Put(r.Context(), "flash", msgID) }

// limiterAllow counts one attempt of kind from the client's address.
func (s *Server) limiterAllow(r *http.Request, kind string, limit int, window time.Duration) (bool, error) {
	sum := sha256.Sum256([]byte(s.clientAddr(r)))
	return s.Limiter.Allow(r.Context(), kind+"-addr:"+hex.EncodeToString(sum[:]), limit, window)
}
