package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// On the API's paths every answer is JSON, also those the ServeMux gives
// by itself: no route (404), a route for other methods (405 with Allow),
// and a path that is not clean, which the mux would redirect and the API
// answers 404. Every answer, API or not, says nosniff. The requests are
// written raw: net/http's client would clean some of these paths.
func TestAPIPathsAnswerJSON(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		agent := "Authorization: Bearer " + f.tokens["agent"]
		tests := []struct {
			method, path string
			auth         bool
			status       int
			allow        string // the Allow header of a 405
			text         bool   // not an API path: the mux's own text answer
		}{
			{"GET", "/api/v1/me", true, 200, "", false},
			{"GET", "/api/v1/nope", true, 404, "", false},
			{"GET", "/api/v1/nope", false, 404, "", false},
			{"GET", "/api", false, 404, "", false},
			{"GET", "/api/", false, 404, "", false},
			{"GET", "/api/v1/me/", true, 404, "", false},
			{"GET", "/channels", false, 404, "", false},
			{"GET", "/custom/nope", false, 404, "", false},
			{"GET", "/workflows", false, 404, "", false},
			{"DELETE", "/api/v1/me", true, 405, "GET, HEAD", false},
			{"PUT", "/api/v1/contacts", false, 405, "GET, HEAD, POST", false},
			{"POST", "/api/v1/contacts/1", true, 405, "GET, HEAD, PATCH, DELETE", false},
			{"OPTIONS", "/api/v1/tags", false, 405, "GET, HEAD, POST", false},
			{"GET", "/api/v1/events/stream/", true, 404, "", false},
			{"GET", "/channels/custom/1/webhook", false, 405, "POST", false},
			{"GET", "/custom/channel/webhook", false, 405, "POST", false},
			{"PUT", "/custom/channel/webhook/", false, 405, "POST", false},
			{"GET", "/workflows/1/webhook", false, 405, "POST", false},
			{"POST", "/healthz", false, 405, "GET, HEAD", false},
			{"DELETE", "/metrics", false, 405, "GET, HEAD", false},
			{"GET", "//api/v1/me", true, 404, "", false},
			{"GET", "/api//v1/me", true, 404, "", false},
			{"GET", "/api/./v1/me", true, 404, "", false},
			{"GET", "/api/v1/tags/../me", true, 404, "", false},
			{"GET", "/elsewhere/../api/v1/me", true, 404, "", false},
			{"POST", "//custom/channel/webhook", false, 404, "", false},
			{"POST", "/channels//custom/1/webhook", false, 404, "", false},
			{"POST", "/workflows/./1/webhook", false, 404, "", false},
			{"GET", "/healthz", false, 200, "", false},
			{"GET", "/nope", false, 404, "", true},
		}
		for _, tt := range tests {
			t.Run(tt.method+" "+tt.path, func(t *testing.T) {
				var headers []string
				if tt.auth {
					headers = append(headers, agent)
				}
				resp, body := f.send(t, head(tt.method, tt.path, "", append(headers, "Connection: close")...)).answer(t)
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
				}
				if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
				}
				if got := resp.Header.Get("Allow"); got != tt.allow {
					t.Errorf("Allow = %q, want %q", got, tt.allow)
				}
				if tt.text {
					return
				}
				if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q, want application/json", ct)
				}
				var e struct {
					Error struct{ Code, Message string } `json:"error"`
				}
				if err := json.Unmarshal(body, &e); err != nil {
					t.Fatalf("answer is not JSON: %q", body)
				}
				want := map[int]string{404: "not_found", 405: "method_not_allowed"}[tt.status]
				if e.Error.Code != want || (want != "" && !strings.Contains(e.Error.Message, tt.method)) {
					t.Errorf("error %+v, want code %q and a message naming the method", e.Error, want)
				}
			})
		}
	})
}
