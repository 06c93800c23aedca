package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// TestTokenScopesOnEveryRoute walks the whole route table with a
// read-only token and with a contacts-only token: every authenticated
// route must have a decided area, and each answers 403 insufficient_scope
// exactly when the rule says (read-only: any change; contacts: anything
// outside the contacts area and the caller's own). A route added without
// an area fails here.
func TestTokenScopesOnEveryRoute(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		tokens := map[string][]string{"read_only": {workspace.ScopeReadOnly}, "contacts": {workspace.ScopeContacts}}
		for name, scopes := range tokens {
			_, raw, err := f.wsSvc.CreateToken(ctx, f.ws.ID, workspace.NewToken{Name: name, Scopes: scopes})
			must0(t, err)
			f.tokens[name] = raw
		}
		refused := map[string]func(area string, writes bool) bool{
			"read_only": func(_ string, writes bool) bool { return writes },
			"contacts":  func(area string, _ bool) bool { return area != workspace.ScopeContacts && area != "self" },
		}
		checked := 0
		for _, rt := range f.server.Routes() {
			area, writes, authed := httpapi.RouteScope(rt)
			if !authed {
				continue
			}
			if area == "" {
				t.Errorf("%s %s has no scope area: add its prefix to scopeAreas (internal/httpapi/scopes.go)", rt.Method, rt.Pattern)
				continue
			}
			path := pathParam.ReplaceAllString(rt.Pattern, "1")
			for _, tok := range []string{"read_only", "contacts"} {
				want := refused[tok](area, writes)
				if want {
					// A refusal changes nothing (the harness compares every table).
					f.run(t, []scenario{{name: tok + " " + rt.Method + " " + rt.Pattern, method: rt.Method, path: path, as: tok,
						body: bodyFor(rt.Method), status: http.StatusForbidden, want: []string{`"insufficient_scope"`}}})
					checked++
					continue
				}
				status, code := answerHead(t, f, rt.Method, path, f.tokens[tok])
				if status == http.StatusForbidden && code == "insufficient_scope" {
					t.Errorf("%s %s with the %s token: refused for its scope, want allowed", rt.Method, rt.Pattern, tok)
				}
				checked++
			}
		}
		if checked < 100 {
			t.Fatalf("only %d checks: the route table was not walked", checked)
		}
	})
}

func bodyFor(method string) string {
	if method == http.MethodGet || method == http.MethodHead || method == http.MethodDelete {
		return ""
	}
	return "{}"
}

// answerHead sends a request and returns its status and error code,
// reading no more than the error body: a stream's answer never ends.
func answerHead(t *testing.T, f *fixture, method, path, token string) (int, string) {
	t.Helper()
	var body io.Reader
	if b := bodyFor(method); b != "" {
		body = strings.NewReader(b)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, body)
	must0(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 400 {
		return resp.StatusCode, ""
	}
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&e)
	return resp.StatusCode, e.Error.Code
}

// Scopes are checked on creation, listed, and sessions have none; a
// token with several areas may use each of them.
func TestTokenScopesCreateAndList(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "unknown scope", method: "POST", path: "/api/v1/tokens", as: "owner", body: `{"name":"x","scopes":["admin"]}`,
				status: 422, want: []string{`"scopes`}},
			{name: "two areas", method: "POST", path: "/api/v1/tokens", as: "owner",
				body: `{"name":"sync","scopes":["conversations","contacts","contacts"]}`, status: 201,
				want: []string{`"scopes":["contacts","conversations"]`}},
			{name: "listed", method: "GET", path: "/api/v1/tokens", as: "owner", status: 200,
				want: []string{`"name":"sync"`, `"scopes":["contacts","conversations"]`, `"name":"crm","kind":"api"`}},
		})
		var list struct {
			Data []workspace.Token `json:"data"`
		}
		f.get(t, "/api/v1/tokens", "owner", &list)
		i := slices.IndexFunc(list.Data, func(tk workspace.Token) bool { return tk.Name == "crm" })
		if i < 0 || len(list.Data[i].Scopes) != 0 {
			t.Fatalf("an unscoped token lists scopes %v", list.Data)
		}
		_, raw, err := f.wsSvc.CreateToken(context.Background(), f.ws.ID, workspace.NewToken{Name: "two",
			Scopes: []string{workspace.ScopeContacts, workspace.ScopeWorkflows}})
		must0(t, err)
		f.tokens["two"] = raw
		f.run(t, []scenario{
			{name: "contacts area", method: "GET", path: "/api/v1/contacts", as: "two", status: 200},
			{name: "workflows area", method: "GET", path: "/api/v1/workflows", as: "two", status: 200},
			{name: "conversations refused", method: "GET", path: "/api/v1/conversations", as: "two", status: 403,
				want: []string{"insufficient_scope", "needs the scope conversations"}},
			{name: "admin refused", method: "GET", path: "/api/v1/users", as: "two", status: 403, want: []string{"insufficient_scope"}},
		})
		if _, _, err := f.wsSvc.CreateToken(context.Background(), f.ws.ID, workspace.NewToken{Name: "s", Kind: workspace.KindSession,
			UserID: f.users["agent"].ID, Scopes: []string{workspace.ScopeReadOnly}}); err == nil {
			t.Fatal("a session took a scope")
		}
	})
}
