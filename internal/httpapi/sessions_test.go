package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// addAna adds an agent who signs in with a password.
func (f *fixture) addAna(t *testing.T) workspace.User {
	t.Helper()
	u, err := f.wsSvc.CreateUser(context.Background(), f.ws.ID, workspace.NewUser{
		Email: "ana@acme.test", Name: "Ana", Role: workspace.RoleAgent, Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	f.vars["ana"] = itoa(u.ID)
	return u
}

// raw sends a request and returns the whole response (headers too); as
// is a fixture token name or a token.
func (f *fixture) raw(t *testing.T, method, path, as, body string, header map[string]string) (*http.Response, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(f.expand(body))
	}
	req, err := http.NewRequest(method, f.srv.URL+f.expand(path), r)
	if err != nil {
		t.Fatal(err)
	}
	if token, ok := f.tokens[as]; ok {
		req.Header.Set("Authorization", "Bearer "+token)
	} else if as != "" {
		req.Header.Set("Authorization", "Bearer "+as)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// login signs ana in with a user agent and stores the session as name.
func (f *fixture) login(t *testing.T, name, password, agent string) {
	t.Helper()
	resp, body := f.raw(t, "POST", "/api/v1/auth/login", "", `{"email":"ana@acme.test","password":"`+password+`"}`,
		map[string]string{"User-Agent": agent})
	var s struct{ Token string }
	if resp.StatusCode != 200 || decode([]byte(body), &s) != nil || s.Token == "" {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("login answered Cache-Control %q; want no-store", cc)
	}
	f.tokens[name] = s.Token
}

// sessionIDs returns the ids of the sessions the token's user has, and
// which is current.
func (f *fixture) sessionIDs(t *testing.T, as string) (ids []int64, current int64) {
	t.Helper()
	var pg struct {
		Data []workspace.Session
	}
	f.get(t, "/api/v1/me/sessions", as, &pg)
	for _, s := range pg.Data {
		ids = append(ids, s.ID)
		if s.Current {
			current = s.ID
		}
	}
	return ids, current
}

// Sign out of this session, of another, of all; list them; every answer
// of the auth routes is no-store; an API token has no session to end.
func TestSessionEndpoints(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.addAna(t)
		f.login(t, "laptop", "correct horse", "Firefox on a laptop")
		f.login(t, "phone", "correct horse", "Safari on a phone")

		resp, body := f.raw(t, "GET", "/api/v1/me/sessions", "laptop", "", nil)
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" ||
			!strings.Contains(body, `"user_agent":"Firefox on a laptop"`) || !strings.Contains(body, `"client_addr":"127.0.0.1"`) {
			t.Fatalf("sessions: %d %q %s", resp.StatusCode, resp.Header.Get("Cache-Control"), body)
		}
		ids, current := f.sessionIDs(t, "laptop")
		if len(ids) != 2 || current != ids[0] {
			t.Fatalf("sessions %v, current %d; want two, the laptop's current", ids, current)
		}
		f.vars["laptopSession"], f.vars["phoneSession"] = itoa(ids[0]), itoa(ids[1])
		for _, secretive := range []struct{ method, path, as, body string }{
			{"GET", "/api/v1/me", "agent", ""},
			{"POST", "/api/v1/tokens", "owner", `{"name": "ci"}`},       // the secret, once
			{"GET", "/api/v1/channels/" + itoa(f.ch.ID), "manager", ""}, // the channel's token
		} {
			if resp, _ := f.raw(t, secretive.method, secretive.path, secretive.as, secretive.body, nil); resp.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("%s %s answered Cache-Control %q", secretive.method, secretive.path, resp.Header.Get("Cache-Control"))
			}
		}

		f.run(t, []scenario{
			{name: "an API token is not a session", method: "POST", path: "/api/v1/auth/logout", as: "agent", status: 400,
				want: []string{"API token, not a session"}},
			{name: "a workspace token has no sessions", method: "GET", path: "/api/v1/me/sessions", as: "integration", status: 400},
			{name: "nor can it sign out everywhere", method: "POST", path: "/api/v1/auth/logout-all", as: "integration", status: 400},
			{name: "another user's session is not yours", method: "DELETE", path: "/api/v1/me/sessions/{{phoneSession}}", as: "agent", status: 404},
			{name: "end the phone's session from the laptop", method: "DELETE", path: "/api/v1/me/sessions/{{phoneSession}}", as: "laptop", status: 204},
			{name: "the phone is signed out", method: "GET", path: "/api/v1/me", as: "phone", status: 401},
			{name: "twice is not found", method: "DELETE", path: "/api/v1/me/sessions/{{phoneSession}}", as: "laptop", status: 404},
			{name: "the laptop still works", method: "GET", path: "/api/v1/me", as: "laptop", status: 200},
			{name: "sign out", method: "POST", path: "/api/v1/auth/logout", as: "laptop", status: 204},
			{name: "the laptop is signed out", method: "GET", path: "/api/v1/me", as: "laptop", status: 401},
		})

		f.login(t, "a", "correct horse", "a")
		f.login(t, "b", "correct horse", "b")
		f.run(t, []scenario{
			{name: "sign out everywhere", method: "POST", path: "/api/v1/auth/logout-all", as: "a", status: 200, want: []string{`"ended":2`}},
			{name: "a is signed out", method: "GET", path: "/api/v1/me", as: "a", status: 401},
			{name: "b is signed out", method: "GET", path: "/api/v1/me", as: "b", status: 401},
			{name: "API tokens stay", method: "GET", path: "/api/v1/me", as: "agent", status: 200},
		})
	})
}

// One's own password changes with the current one, through PUT
// /api/v1/me/password, and ends one's other sessions; a reset by a
// manager or owner ends them all.
func TestPasswordChangeEndpoints(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.addAna(t)
		f.login(t, "laptop", "correct horse", "laptop")
		f.login(t, "phone", "correct horse", "phone")
		f.run(t, []scenario{
			{name: "not through PATCH", method: "PATCH", path: "/api/v1/users/{{ana}}", as: "laptop",
				body: `{"password":"battery staple"}`, status: 422, want: []string{"/api/v1/me/password"}},
			{name: "the current password is needed", method: "PUT", path: "/api/v1/me/password", as: "laptop",
				body: `{"new_password":"battery staple"}`, status: 422, want: []string{`"field":"current_password"`}},
			{name: "and must be right", method: "PUT", path: "/api/v1/me/password", as: "laptop",
				body: `{"current_password":"wrong horse","new_password":"battery staple"}`, status: 422, want: []string{"current_password"}},
			{name: "the phone still works", method: "GET", path: "/api/v1/me", as: "phone", status: 200},
			{name: "a workspace token has no password", method: "PUT", path: "/api/v1/me/password", as: "integration",
				body: `{"current_password":"x","new_password":"battery staple"}`, status: 400},
			{name: "change it", method: "PUT", path: "/api/v1/me/password", as: "laptop",
				body: `{"current_password":"correct horse","new_password":"battery staple"}`, status: 200, want: []string{`"ended":1`}},
			{name: "the session that changed it stays", method: "GET", path: "/api/v1/me", as: "laptop", status: 200},
			{name: "the other is signed out", method: "GET", path: "/api/v1/me", as: "phone", status: 401},
			{name: "the old password is refused", method: "POST", path: "/api/v1/auth/login",
				body: `{"email":"ana@acme.test","password":"correct horse"}`, status: 401},
		})
		f.login(t, "tablet", "battery staple", "tablet")
		f.run(t, []scenario{
			{name: "the owner resets it", method: "PATCH", path: "/api/v1/users/{{ana}}", as: "owner",
				body: `{"password":"chosen by the owner"}`, status: 200},
			{name: "every session ended: laptop", method: "GET", path: "/api/v1/me", as: "laptop", status: 401},
			{name: "every session ended: tablet", method: "GET", path: "/api/v1/me", as: "tablet", status: 401},
		})
	})
}

// Failed logins are limited per email and per client address, answered
// 429 with Retry-After; X-Forwarded-For names the client only when the
// peer is a trusted proxy.
func TestLoginLimits(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		clk := clock.NewFake(time.Unix(1_700_000_000, 0))
		wrong := `{"email":"ana@acme.test","password":"wrong horse"}`
		limited := func(f *fixture, body, xff, retryAfter string) {
			t.Helper()
			resp, out := f.raw(t, "POST", "/api/v1/auth/login", "", body, map[string]string{"X-Forwarded-For": xff})
			if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != retryAfter || !strings.Contains(out, `"code":"rate_limited"`) {
				t.Fatalf("login from %s: %d, Retry-After %q, %s; want 429 after %s s", xff, resp.StatusCode, resp.Header.Get("Retry-After"), out, retryAfter)
			}
		}
		refused := func(f *fixture, body, xff string) {
			t.Helper()
			if resp, out := f.raw(t, "POST", "/api/v1/auth/login", "", body, map[string]string{"X-Forwarded-For": xff}); resp.StatusCode != 401 {
				t.Fatalf("login from %s: %d %s; want 401", xff, resp.StatusCode, out)
			}
		}

		// Per email: two failures, then 429 for 450 s (15 min / 2).
		f := newFixtureWith(t, d, fixtureOptions{workspace: workspace.Options{Clock: clk,
			SignInPerEmail: workspace.Rate{Count: 2, Per: 15 * time.Minute}, SignInPerAddress: workspace.NoLimit}})
		f.addAna(t)
		refused(f, wrong, "")
		refused(f, wrong, "")
		limited(f, `{"email":"ANA@acme.test","password":"correct horse"}`, "", "450")
		clk.Advance(450 * time.Second)
		f.login(t, "ana", "correct horse", "x")

		// Per address, behind a trusted proxy: the client is the address
		// the proxy names.
		perAddress := workspace.Options{Clock: clk, SignInPerEmail: workspace.NoLimit, SignInPerAddress: workspace.Rate{Count: 2, Per: time.Minute}}
		f = newFixtureWith(t, dbtest.Open(t, d.Dialect), fixtureOptions{workspace: perAddress,
			trustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
		f.addAna(t)
		refused(f, wrong, "198.51.100.7")
		refused(f, wrong, "203.0.113.1, 198.51.100.7")
		limited(f, wrong, "198.51.100.7", "30")
		refused(f, wrong, "198.51.100.8")
		// Some proxies write the client's port too: the address counts.
		refused(f, wrong, "198.51.100.9:4711")
		refused(f, wrong, "198.51.100.9:4712")
		limited(f, wrong, "198.51.100.9", "30")
		refused(f, wrong, "[2001:db8::1]:4711")
		refused(f, wrong, "2001:db8::1")
		limited(f, wrong, "[2001:db8::1]:80", "30")

		// Without trusted proxies the header is ignored: the peer counts.
		f = newFixtureWith(t, dbtest.Open(t, d.Dialect), fixtureOptions{workspace: perAddress})
		f.addAna(t)
		refused(f, wrong, "198.51.100.1")
		refused(f, wrong, "198.51.100.2")
		limited(f, wrong, "198.51.100.3", "30")
	})
}
