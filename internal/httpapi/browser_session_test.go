package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

const cookieName = "switchboard_session"

// browserSignIn posts a browser sign-in and returns the answer, the
// session cookie it set (nil for none) and the CSRF token of its body.
func (f *fixture) browserSignIn(t *testing.T, body string, header map[string]string) (*http.Response, string, *http.Cookie, string) {
	t.Helper()
	resp, out := f.raw(t, "POST", "/api/v1/auth/session", "", body, header)
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == cookieName {
			cookie = c
		}
	}
	var s struct {
		CSRFToken string `json:"csrf_token"`
	}
	_ = decode([]byte(out), &s)
	return resp, out, cookie, s.CSRFToken
}

// withCookie is the header of a browser request: the session cookie and,
// when given, the CSRF token, plus any other pairs.
func withCookie(session, csrf string, more ...string) map[string]string {
	h := map[string]string{"Cookie": cookieName + "=" + session}
	if csrf != "" {
		h["X-CSRF-Token"] = csrf
	}
	for i := 0; i+1 < len(more); i += 2 {
		h[more[i]] = more[i+1]
	}
	return h
}

// A browser signs in with a cookie, not a token in the body; the cookie
// authenticates reads; every change made with it needs the session's CSRF
// token and a same-site origin, and a refused one changes nothing; bearer
// tokens work as before; signing out clears the cookie and ends the
// session.
func TestBrowserSession(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.addAna(t)
		creds := `{"email":"ana@acme.test","password":"correct horse"}`

		if resp, out, c, _ := f.browserSignIn(t, creds, map[string]string{"Origin": "https://evil.test", "Sec-Fetch-Site": "cross-site"}); resp.StatusCode != 403 || c != nil ||
			!strings.Contains(out, `"code"`) {
			t.Fatalf("cross-site sign-in: %d %v %s", resp.StatusCode, c, out)
		}
		if resp, _, c, _ := f.browserSignIn(t, `{"email":"ana@acme.test","password":"wrong"}`, nil); resp.StatusCode != 401 || c != nil {
			t.Fatalf("wrong password: %d, cookie %v", resp.StatusCode, c)
		}

		resp, out, c, csrf := f.browserSignIn(t, creds, map[string]string{"Origin": f.srv.URL, "Sec-Fetch-Site": "same-origin"})
		if resp.StatusCode != 200 || c == nil || csrf == "" || !strings.Contains(out, `"name":"Ana"`) {
			t.Fatalf("browser sign-in: %d %v %s", resp.StatusCode, c, out)
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure || c.MaxAge != 30*24*3600 {
			t.Fatalf("cookie %+v; want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP, Max-Age 30 days", c)
		}
		if strings.Contains(out, c.Value) || strings.Contains(out, `"token"`) || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("the session token must stay out of the body (and the answer uncached): %s", out)
		}
		session := c.Value

		if resp, out := f.raw(t, "GET", "/api/v1/auth/csrf", "", "", withCookie(session, "")); resp.StatusCode != 200 ||
			!strings.Contains(out, `"csrf_token":"`+csrf+`"`) {
			t.Fatalf("csrf: %d %s; want %s", resp.StatusCode, out, csrf)
		}
		if resp, _ := f.raw(t, "GET", "/api/v1/conversations", "", "", withCookie(session, "")); resp.StatusCode != 200 ||
			resp.Header.Get("Cache-Control") != "private" || resp.Header.Get("Vary") != "Cookie" {
			t.Fatalf("a cookie's answer: %d, Cache-Control %q, Vary %q; want private, Cookie", resp.StatusCode,
				resp.Header.Get("Cache-Control"), resp.Header.Get("Vary"))
		}
		// An API token planted in the cookie is not a session.
		apiToken := f.tokens["agent"]
		view := `{"name":"Mine","filter":{"status":"open"}}`
		f.run(t, []scenario{
			{name: "the cookie authenticates a read", method: "GET", path: "/api/v1/me", header: withCookie(session, ""), status: 200,
				want: []string{`"name":"Ana"`, `"role":"agent"`}},
			{name: "a bearer request needs no CSRF token", method: "GET", path: "/api/v1/auth/csrf", as: "agent", status: 400},
			{name: "an API token in the cookie", method: "GET", path: "/api/v1/me", header: withCookie(apiToken, ""), status: 401},
			{name: "a change without a CSRF token", method: "POST", path: "/api/v1/me/views", body: view,
				header: withCookie(session, ""), status: 403, want: []string{`"field":"X-CSRF-Token"`}},
			{name: "a change with a wrong CSRF token", method: "POST", path: "/api/v1/me/views", body: view,
				header: withCookie(session, csrf[1:]+"A"), status: 403},
			{name: "another session's CSRF token", method: "PUT", path: "/api/v1/me/password",
				body:   `{"current_password":"correct horse","new_password":"another horse"}`,
				header: withCookie(session, csrfOf(t, f, creds)), status: 403},
			{name: "a cross-site change with the right token", method: "POST", path: "/api/v1/me/views", body: view,
				header: withCookie(session, csrf, "Sec-Fetch-Site", "cross-site"), status: 403, want: []string{`"field":"Origin"`, "cross-site"}},
			{name: "a same-site change is cross-origin too", method: "DELETE", path: "/api/v1/me/sessions/1",
				header: withCookie(session, csrf, "Sec-Fetch-Site", "same-site"), status: 403},
			{name: "a cross-origin Origin with the right token", method: "POST", path: "/api/v1/me/views", body: view,
				header: withCookie(session, csrf, "Origin", "https://evil.test"), status: 403},
			{name: "a change with the right token", method: "POST", path: "/api/v1/me/views", body: view,
				header: withCookie(session, csrf, "Origin", f.srv.URL, "Sec-Fetch-Site", "same-origin"), status: 201,
				want: []string{`"name":"Mine"`}},
			{name: "a bearer change needs no CSRF token", method: "POST", path: "/api/v1/me/views", as: "agent", body: view, status: 201},
			{name: "a bearer header wins over the cookie", method: "POST", path: "/api/v1/me/views", as: "owner", body: view,
				header: withCookie(session, ""), status: 201},
			{name: "sign-out is a change: it needs the token", method: "POST", path: "/api/v1/auth/logout",
				header: withCookie(session, ""), status: 403},
			{name: "still signed in", method: "GET", path: "/api/v1/me", header: withCookie(session, ""), status: 200},
		})

		resp, _ = f.raw(t, "POST", "/api/v1/auth/logout", "", "", withCookie(session, csrf))
		if resp.StatusCode != 204 || !cleared(resp) {
			t.Fatalf("logout: %d, Set-Cookie %q; want 204 and the cookie cleared", resp.StatusCode, resp.Header.Values("Set-Cookie"))
		}
		f.run(t, []scenario{
			{name: "the old cookie is signed out", method: "GET", path: "/api/v1/me", header: withCookie(session, ""), status: 401},
			{name: "and changes nothing", method: "POST", path: "/api/v1/me/views", body: `{"name":"Late","filter":{}}`,
				header: withCookie(session, csrf), status: 401},
		})

		// Sign out everywhere clears the cookie too (and ends the browser
		// session csrfOf opened); a bearer sign-out leaves a browser's
		// cookie alone.
		_, _, c, csrf = f.browserSignIn(t, creds, nil)
		f.login(t, "api", "correct horse", "curl")
		if resp, _ := f.raw(t, "POST", "/api/v1/auth/logout", "api", "", nil); resp.StatusCode != 204 || len(resp.Cookies()) != 0 {
			t.Fatalf("bearer logout: %d %q", resp.StatusCode, resp.Header.Values("Set-Cookie"))
		}
		resp, out = f.raw(t, "POST", "/api/v1/auth/logout-all", "", "", withCookie(c.Value, csrf))
		if resp.StatusCode != 200 || !cleared(resp) || !strings.Contains(out, `"ended":2`) {
			t.Fatalf("logout-all: %d %s %q", resp.StatusCode, out, resp.Header.Values("Set-Cookie"))
		}
		if resp, _ := f.raw(t, "GET", "/api/v1/me", "", "", withCookie(c.Value, "")); resp.StatusCode != 401 {
			t.Fatalf("after logout-all: %d", resp.StatusCode)
		}
	})
}

// csrfOf signs in again and returns that session's CSRF token.
func csrfOf(t *testing.T, f *fixture, creds string) string {
	t.Helper()
	_, _, _, csrf := f.browserSignIn(t, creds, nil)
	if csrf == "" {
		t.Fatal("no CSRF token")
	}
	return csrf
}

// cleared says whether the answer tells the browser to drop the session
// cookie.
func cleared(resp *http.Response) bool {
	for _, c := range resp.Cookies() {
		if c.Name == cookieName && c.Value == "" && c.MaxAge < 0 && c.HttpOnly && c.Path == "/" {
			return true
		}
	}
	return false
}

// The cookie is Secure when the browser reached the server over TLS:
// directly, or through a trusted proxy that says so; nobody else's
// X-Forwarded-Proto is believed.
func TestBrowserSessionCookieSecure(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		creds := `{"email":"ana@acme.test","password":"correct horse"}`
		f := newFixture(t, d)
		f.addAna(t)
		if _, _, c, _ := f.browserSignIn(t, creds, map[string]string{"X-Forwarded-Proto": "https"}); c == nil || c.Secure {
			t.Fatalf("an untrusted X-Forwarded-Proto made the cookie %+v", c)
		}

		tls := httptest.NewTLSServer(f.server)
		t.Cleanup(tls.Close)
		req, err := http.NewRequest("POST", tls.URL+"/api/v1/auth/session", strings.NewReader(creds))
		must0(t, err)
		req.Header.Set("Content-Type", "application/json")
		resp, err := tls.Client().Do(req)
		must0(t, err)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if cs := resp.Cookies(); resp.StatusCode != 200 || len(cs) != 1 || !cs[0].Secure || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteLaxMode {
			t.Fatalf("over TLS: %d %+v; want one Secure, HttpOnly, SameSite=Lax cookie", resp.StatusCode, cs)
		}

		f = newFixtureWith(t, dbtest.Open(t, d.Dialect), fixtureOptions{trustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
		f.addAna(t)
		for _, tc := range []struct {
			proto  string
			secure bool
		}{{"https", true}, {"http", false}, {"", false}, {"http, https", true}, {"https, http", false}} {
			resp, out, c, _ := f.browserSignIn(t, creds, map[string]string{"X-Forwarded-Proto": tc.proto})
			if c == nil || c.Secure != tc.secure {
				t.Errorf("X-Forwarded-Proto %q from a trusted proxy: %d %s cookie %+v, want Secure %v", tc.proto, resp.StatusCode, out, c, tc.secure)
			}
		}
	})
}

// A person in several workspaces signs a browser in in two steps: the
// list and no cookie, then the chosen workspace_id and the cookie, which
// acts in that workspace only.
func TestBrowserSessionWorkspacePicker(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.addAna(t)
		other, err := f.wsSvc.Create(context.Background(), "Beta", "UTC")
		must0(t, err)
		_, err = f.wsSvc.CreateUser(context.Background(), other.ID, workspace.NewUser{Email: "ana@acme.test", Name: "Ana B", Role: workspace.RoleManager, JoinAccount: true})
		must0(t, err)

		resp, out, c, csrf := f.browserSignIn(t, `{"email":"ana@acme.test","password":"correct horse"}`, nil)
		if resp.StatusCode != 200 || c != nil || csrf != "" || len(resp.Header.Values("Set-Cookie")) != 0 ||
			!strings.Contains(out, `"name":"Acme"`) || !strings.Contains(out, `"name":"Beta"`) || strings.Contains(out, `"user"`) {
			t.Fatalf("several workspaces: %d %v %s; want the list and no cookie", resp.StatusCode, c, out)
		}
		if resp, _, c, _ := f.browserSignIn(t, `{"email":"ana@acme.test","password":"correct horse","workspace_id":999999}`, nil); resp.StatusCode != 404 || c != nil {
			t.Fatalf("a workspace Ana does not work in: %d %v", resp.StatusCode, c)
		}
		resp, out, c, csrf = f.browserSignIn(t, `{"email":"ana@acme.test","password":"correct horse","workspace_id":`+itoa(other.ID)+`}`, nil)
		if resp.StatusCode != 200 || c == nil || csrf == "" || !strings.Contains(out, `"name":"Ana B"`) || strings.Contains(out, c.Value) {
			t.Fatalf("chosen workspace: %d %v %s", resp.StatusCode, c, out)
		}
		f.run(t, []scenario{
			{name: "the cookie acts in Beta", method: "GET", path: "/api/v1/me", header: withCookie(c.Value, ""), status: 200,
				want: []string{`"name":"Beta"`, `"role":"manager"`}},
			{name: "and changes there with its token", method: "POST", path: "/api/v1/me/views", body: `{"name":"B","filter":{}}`,
				header: withCookie(c.Value, csrf), status: 201},
		})
	})
}
