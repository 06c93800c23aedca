package httpapi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// keyCookie holds, in a request's context, the session token of a request
// authenticated by the cookie ("" for a bearer token).
const keyCookie ctxKey = 1

func withCookieToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, keyCookie, token)
}

// cookieToken is the session token a request was authenticated with
// through the cookie; "" when it used a bearer token.
func cookieToken(r *http.Request) string {
	t, _ := r.Context().Value(keyCookie).(string)
	return t
}

// csrfToken is the CSRF token of a session: an HMAC keyed by the session
// token, so it needs no storage, is the same for the session's life, ends
// with it, and tells nothing of the token it comes from. Another site can
// neither read it (the same-origin policy) nor compute it (it cannot read
// the HttpOnly cookie).
func csrfToken(session string) string {
	m := hmac.New(sha256.New, []byte(session))
	m.Write([]byte("switchboard csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// crossOrigin refuses a state-changing request another site's page made:
// Sec-Fetch-Site when the browser sends it, else Origin against Host.
// Requests with neither (not from a browser) pass; the CSRF token still
// guards them.
var crossOrigin = http.NewCrossOriginProtection()

func sameOrigin(r *http.Request) error {
	if crossOrigin.Check(r) != nil {
		return csrfRefused("Origin", "cross-site request refused: the page making it is not this server's")
	}
	return nil
}

// checkCSRF guards a request authenticated by the cookie: a
// state-changing one must come from this site and carry the session's
// CSRF token in X-CSRF-Token (the double-submit pattern, bound to the
// session). Safe methods change nothing and pass.
func checkCSRF(r *http.Request, session string) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if err := sameOrigin(r); err != nil {
		return err
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		return csrfRefused("X-CSRF-Token", "missing: a browser session sends its CSRF token (GET /api/v1/auth/csrf) with every change")
	}
	if !hmac.Equal([]byte(got), []byte(csrfToken(session))) {
		return csrfRefused("X-CSRF-Token", "wrong for this session: ask GET /api/v1/auth/csrf")
	}
	return nil
}

// csrfRefused is a 403 whose field names the header at fault, so the web
// app tells a CSRF refusal (fetch the token again) from a role's.
func csrfRefused(header, msg string) error {
	return &apperr.Error{Kind: apperr.KindForbidden, Field: header, Message: msg}
}
