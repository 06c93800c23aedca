package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/web"
)

// The web app answers every path the API does not own, with the strict
// CSP, and never shadows the API: an unknown API path is still a JSON 404
// and a write to a page is a JSON 405.
func TestWebAppIsServedBesideTheAPI(t *testing.T) {
	app := web.NewHandler(fstest.MapFS{
		"index.html":        {Data: []byte("<!doctype html><div id=root></div>")},
		"assets/app-1a.js":  {Data: []byte("console.log(1)")},
		"assets/app-1a.css": {Data: []byte("body{}")},
	})
	f := newFixture(t, dbtest.Open(t, db.SQLite), func(d *httpapi.Deps) { d.App = app })
	cases := []struct {
		method, path string
		status       int
		ctype, body  string
		csp          bool
		cache        string
	}{
		{"GET", "/", 200, "text/html", "id=root", true, "no-cache"},
		{"GET", "/inbox/all/42", 200, "text/html", "id=root", true, "no-cache"},
		{"HEAD", "/inbox/all", 200, "text/html", "", true, "no-cache"},
		{"GET", "/assets/app-1a.js", 200, "javascript", "console.log", true, "immutable"},
		{"GET", "/assets/missing.js", 404, "", "", true, ""},
		{"GET", "/api/v1/nope", 404, "application/json", `"not_found"`, false, ""},
		{"GET", "/api", 404, "application/json", `"not_found"`, false, ""},
		{"POST", "/inbox/all", 405, "application/json", `"method_not_allowed"`, false, ""},
		{"GET", "/healthz", 200, "", "", false, ""},
	}
	for _, tc := range cases {
		req, _ := http.NewRequestWithContext(context.Background(), tc.method, f.srv.URL+tc.path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d (%s)", tc.method, tc.path, res.StatusCode, tc.status, body)
			continue
		}
		if tc.ctype != "" && !strings.Contains(res.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("%s %s: Content-Type %q, want %s", tc.method, tc.path, res.Header.Get("Content-Type"), tc.ctype)
		}
		if !strings.Contains(string(body), tc.body) {
			t.Errorf("%s %s: body %q, want %q in it", tc.method, tc.path, body, tc.body)
		}
		csp := res.Header.Get("Content-Security-Policy")
		if tc.csp && !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s %s: CSP %q, want the app's strict policy", tc.method, tc.path, csp)
		}
		if !tc.csp && csp != "" {
			t.Errorf("%s %s: an API answer carries the app's CSP %q", tc.method, tc.path, csp)
		}
		if tc.cache != "" && !strings.Contains(res.Header.Get("Cache-Control"), tc.cache) {
			t.Errorf("%s %s: Cache-Control %q, want %s", tc.method, tc.path, res.Header.Get("Cache-Control"), tc.cache)
		}
	}
}

// A binary built without the app says how to build it instead of a blank page.
func TestWebAppNotBuilt(t *testing.T) {
	rec := httptest.NewRecorder()
	web.NewHandler(fstest.MapFS{".keep": {}}).ServeHTTP(rec, httptest.NewRequest("GET", "/inbox/all", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "make build") {
		t.Fatalf("%d %q", rec.Code, rec.Body.String())
	}
}
