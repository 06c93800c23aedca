package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A channel's token is answered once, when it is made (create, rotate);
// every other answer holds a hint at most, and the store holds it sealed.
// After a rotation the old token is refused on both webhook URLs and the
// new one is let in.
func TestChannelTokenRotation(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var created struct {
			ID      int64             `json:"id"`
			Token   string            `json:"token"`
			Secrets map[string]string `json:"secrets"`
		}
		status, body := f.do(t, scenario{method: "POST", path: "/api/v1/channels", as: "manager",
			body: `{"type":"custom","name":"app","config":{"base_url":"https://hooks.example.com/sb"}}`})
		if status != http.StatusCreated || json.Unmarshal(body, &created) != nil || len(created.Token) < 20 {
			t.Fatalf("create: %d %s", status, clip(body))
		}
		if created.Secrets["token"] != "…"+created.Token[len(created.Token)-4:] {
			t.Fatalf("create: secrets = %v", created.Secrets)
		}
		f.vars["app"] = itoa(created.ID)
		old := created.Token

		// Nothing after the create shows it, to anyone.
		for _, sc := range []scenario{
			{method: "GET", path: "/api/v1/channels", as: "owner"},
			{method: "GET", path: "/api/v1/channels/{{app}}", as: "manager"},
			{method: "GET", path: "/api/v1/channels/{{app}}", as: "agent"},
			{method: "PATCH", path: "/api/v1/channels/{{app}}", as: "manager", body: `{"name":"renamed"}`},
		} {
			status, body := f.do(t, sc)
			if status != http.StatusOK || strings.Contains(string(body), old) || strings.Contains(string(body), `"token":"`+old[:4]) {
				t.Fatalf("%s %s: %d, shows the token: %s", sc.method, sc.path, status, clip(body))
			}
		}
		// The store holds it sealed, and only its digest in the clear.
		var raw, digest string
		if err := d.Reader().QueryRow(context.Background(), `SELECT token, token_digest FROM channels WHERE id = ?`, created.ID).Scan(&raw, &digest); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(raw, "sb1:") || strings.Contains(raw, old) || digest == "" || strings.Contains(digest, old) {
			t.Fatalf("stored token = %q, digest %q", raw, digest)
		}

		webhook := func(path, token string) int {
			t.Helper()
			status, _ := f.do(t, scenario{method: "POST", path: path, as: token,
				body: `{"contactId":"c1","events":[{"type":"message","mId":"m-` + token[:6] + `","timestamp":1,"message":{"type":"text","text":"hi"}}]}`})
			return status
		}
		pathURL := "/channels/custom/{{app}}/webhook"
		if s := webhook(pathURL, old); s != http.StatusOK {
			t.Fatalf("webhook with the token: %d", s)
		}

		// Agents may not rotate; a channel of another workspace is not found.
		for as, want := range map[string]int{"agent": 403, "stranger": 404} {
			if status, body := f.do(t, scenario{method: "POST", path: "/api/v1/channels/{{app}}/rotate-token", as: as}); status != want {
				t.Fatalf("rotate as %s: %d %s, want %d", as, status, clip(body), want)
			}
		}
		var rotated struct {
			ID    int64  `json:"id"`
			Token string `json:"token"`
		}
		status, body = f.do(t, scenario{method: "POST", path: "/api/v1/channels/{{app}}/rotate-token", as: "manager"})
		if status != http.StatusOK || json.Unmarshal(body, &rotated) != nil || rotated.ID != created.ID || len(rotated.Token) < 20 || rotated.Token == old {
			t.Fatalf("rotate: %d %s", status, clip(body))
		}
		for _, path := range []string{pathURL, "/custom/channel/webhook", "/custom/channel/webhook/"} {
			if s := webhook(path, old); s != http.StatusUnauthorized {
				t.Errorf("POST %s with the old token: %d, want 401", path, s)
			}
			if s := webhook(path, rotated.Token); s != http.StatusOK {
				t.Errorf("POST %s with the new token: %d, want 200", path, s)
			}
		}
	})
}

// The channel types are listed with their schemas, secrets marked, and
// their capabilities.
func TestChannelTypes(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite))
	f.run(t, []scenario{
		{name: "types", method: "GET", path: "/api/v1/channel-types", as: "agent", status: 200,
			want: []string{`"type":"custom"`, `"name":"token"`, `"secret":true`, `"generated":true`, `"name":"base_url"`, `"quick_replies":true`}},
	})
}
