package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

type ctxKey int

const keyPrincipal ctxKey = 0

// withRequestID gives every request an id, echoed in X-Request-Id and in
// error bodies, and logs the request when it ends; observe (if not nil)
// is then told how the request went. Every answer also says
// X-Content-Type-Options: nosniff, so a browser never runs an answer as
// anything but its declared type.
func withRequestID(observe func(r *http.Request, status int, streamed bool, took time.Duration), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		// The mux records the matched pattern on the request it is given:
		// this one, passed down unchanged.
		inner := r.WithContext(httpjson.WithRequestID(r.Context(), id))
		next.ServeHTTP(sw, inner)
		took := time.Since(start)
		slog.Debug("http", "request_id", id, "method", r.Method, "path", r.URL.Path, "status", sw.status, "duration", took)
		if observe != nil {
			streamed := sw.flushed || strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
			observe(inner, sw.status, streamed, took)
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	status  int
	flushed bool // a streaming answer (server-sent events)
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Flush lets streaming handlers (server-sent events) flush through the wrapper.
func (w *statusWriter) Flush() {
	w.flushed = true
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Principal returns who the request acts as; handlers behind auth always have one.
func Principal(r *http.Request) workspace.Principal {
	p, _ := r.Context().Value(keyPrincipal).(workspace.Principal)
	return p
}

// bearer extracts the token of an "Authorization: Bearer …" header.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// roles lists who may call a route, from most to least powerful.
type roles []string

var (
	anyone   = roles{workspace.RoleOwner, workspace.RoleManager, workspace.RoleAgent}
	managers = roles{workspace.RoleOwner, workspace.RoleManager}
	owners   = roles{workspace.RoleOwner}
)

// handlerFunc is a handler that returns its error for one place to answer it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// authed wraps h with authentication and a role check: a bearer token,
// or, for a request with no Authorization header, the browser's session
// cookie, whose state-changing requests must also pass the CSRF check.
func (s *Server) authed(allowed roles, h handlerFunc) http.Handler {
	return &authedHandler{s: s, allowed: allowed, h: h}
}

// errTwoFactorSetUp refuses a session of a person without two-factor
// sign-in in a workspace that requires it, on anything but their own
// account: the code tells a client to send them there.
var errTwoFactorSetUp = apperr.WithCode(apperr.KindForbidden, "two_factor_setup_required",
	"this workspace requires two-factor sign-in: set it up on your account page (POST /api/v1/me/two-factor) to go on")

// authedHandler is a route behind a bearer token. It is a type rather than
// a closure so that the OpenAPI document can read who may call the route
// from the table itself.
type authedHandler struct {
	s       *Server
	allowed roles
	h       handlerFunc
	// scope is what the route touches, for API token scopes; set from
	// the route table (decideScopes).
	scope routeScope
}

func (a *authedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	token := bearer(r)
	fromCookie := token == ""
	if fromCookie {
		token = cookieSession(r)
	}
	if token == "" {
		httpjson.WriteError(w, r, apperr.Unauthorized("missing bearer token"))
		return
	}
	p, err := a.s.deps.Workspaces.Authenticate(r.Context(), token)
	if err == nil && fromCookie && p.TokenKind != workspace.KindSession {
		// Only a browser sign-in puts a token in the cookie; an API
		// token found there was planted, and is not believed.
		err = apperr.Unauthorized("the session cookie holds no session")
	}
	if err != nil {
		httpjson.WriteError(w, r, err)
		return
	}
	if fromCookie {
		if err := checkCSRF(r, token); err != nil {
			httpjson.WriteError(w, r, err)
			return
		}
		r = r.WithContext(withCookieToken(r.Context(), token))
		// The answer is this person's: no shared cache may keep it for
		// another's cookie (handlers may tighten it to no-store).
		w.Header().Set("Cache-Control", "private")
		w.Header().Add("Vary", "Cookie")
	}
	if rl := a.s.rate; rl != nil {
		if ok, wait := rl.Take(p.TokenID); !ok {
			httpjson.WriteError(w, r, apperr.TooMany(wait, "this token made more than %g requests a second; slow down", a.s.deps.Limits.Rate))
			return
		}
	}
	if !slices.Contains(a.allowed, p.Role) {
		httpjson.WriteError(w, r, apperr.Forbidden("your role ("+p.Role+") may not do this"))
		return
	}
	if err := checkScope(p, a.scope); err != nil {
		httpjson.WriteError(w, r, err)
		return
	}
	if p.TwoFactorMissing && !a.scope.ownAccount {
		httpjson.WriteError(w, r, errTwoFactorSetUp)
		return
	}
	// The request's writes go in its workspace's lane of the writer.
	r = r.WithContext(db.WithWorkspace(context.WithValue(r.Context(), keyPrincipal, p), p.WorkspaceID))
	if err := a.h(w, r); err != nil {
		httpjson.WriteError(w, r, err)
	}
}

// public wraps a handler that needs no authentication.
func public(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			httpjson.WriteError(w, r, err)
		}
	})
}
