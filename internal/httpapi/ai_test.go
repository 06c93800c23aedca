package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/secret"
)

func aiTestKeys(t *testing.T) *secret.Keyring {
	k, err := secret.NewKeyring(bytes.Repeat([]byte{9}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestAISettingsAndIntents(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer sk-live-abcdefgh1234" || !bytes.Contains(body, []byte(`"model":"m1"`)) {
				w.WriteHeader(401)
				io.WriteString(w, `{"error":{"message":"Incorrect API key provided"}}`)
				return
			}
			io.WriteString(w, `{"choices":[{"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":11,"completion_tokens":2}}`)
		}))
		t.Cleanup(model.Close)
		guard := netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
		f := newFixture(t, d, func(deps *httpapi.Deps) { deps.AI = ai.New(d, ai.Options{Keys: aiTestKeys(t), Guard: guard}) })
		url := model.URL + "/v1"
		f.run(t, []scenario{
			{name: "defaults", method: "GET", path: "/api/v1/ai/settings", as: "manager", status: 200,
				want: []string{`"configured":false`, `"api_key_set":false`, `"threshold":0.5`}},
			{name: "agents may not read them", method: "GET", path: "/api/v1/ai/settings", as: "agent", status: 403},
			{name: "nor change them", method: "PUT", path: "/api/v1/ai/settings", as: "agent", body: `{"chat_model":"x"}`, status: 403},
			{name: "a test with nothing set", method: "POST", path: "/api/v1/ai/test", as: "manager", status: 200, want: []string{`"ok":false`}},
			{name: "a bad URL", method: "PUT", path: "/api/v1/ai/settings", as: "manager", body: `{"base_url":"gopher://x"}`, status: 422,
				want: []string{`"field":"base_url"`}},
			{name: "a private address the operator did not allow", method: "PUT", path: "/api/v1/ai/settings", as: "manager",
				body: `{"base_url":"http://192.168.1.10:11434/v1"}`, status: 422, want: []string{`"field":"base_url"`, "allow-private-networks"}},
			{name: "a negative budget", method: "PUT", path: "/api/v1/ai/settings", as: "manager", body: `{"monthly_budget":-5}`, status: 422},
			{name: "a manager sets the provider", method: "PUT", path: "/api/v1/ai/settings", as: "manager",
				body: `{"base_url":"` + url + `","api_key":"sk-live-abcdefgh1234","chat_model":"m1","monthly_budget":5000,"redact":true}`, status: 200,
				want:    []string{`"configured":true`, `"api_key_set":true`, `"api_key_last4":"1234"`, `"monthly_budget":5000`, `"redact":true`},
				notWant: []string{"sk-live"}},
			{name: "the key is never returned", method: "GET", path: "/api/v1/ai/settings", as: "owner", status: 200,
				want: []string{`"api_key_last4":"1234"`}, notWant: []string{"sk-live", "abcdefgh"}},
			{name: "a test call", method: "POST", path: "/api/v1/ai/test", as: "manager", status: 200,
				want: []string{`"ok":true`, `"reply":"Hello!"`, `"model":"m1"`}},
			{name: "usage counts it", method: "GET", path: "/api/v1/ai/usage", as: "manager", status: 200,
				want: []string{`"calls":1`, `"prompt_tokens":11`, `"completion_tokens":2`, `"total_tokens":13`, `"monthly_budget":5000`, `"remaining":4987`}},
			{name: "a wrong model answers the provider's message", method: "PUT", path: "/api/v1/ai/settings", as: "manager",
				body: `{"chat_model":"m2"}`, status: 200},
			{name: "the test says why", method: "POST", path: "/api/v1/ai/test", as: "manager", status: 200,
				want: []string{`"ok":false`, "Incorrect API key provided"}},
			{name: "another workspace has its own", method: "GET", path: "/api/v1/ai/settings", as: "stranger", status: 200,
				want: []string{`"configured":false`}},

			{name: "an agent may not add an intent", method: "POST", path: "/api/v1/intents", as: "agent",
				body: `{"name":"refund","examples":["I want a refund"]}`, status: 403},
			{name: "a reserved name", method: "POST", path: "/api/v1/intents", as: "manager",
				body: `{"name":"none","examples":["x"]}`, status: 422, want: []string{`"field":"name"`}},
			{name: "no examples", method: "POST", path: "/api/v1/intents", as: "manager",
				body: `{"name":"refund","examples":[]}`, status: 422, want: []string{`"field":"examples"`}},
			{name: "a manager adds refund", method: "POST", path: "/api/v1/intents", as: "manager",
				body:   `{"name":"refund","description":"Money back","examples":["I want a refund","give me my money back","je veux être remboursé"]}`,
				status: 201, capture: "refund", want: []string{`"name":"refund"`, `"examples":["I want a refund"`}},
			{name: "and order_status", method: "POST", path: "/api/v1/intents", as: "owner",
				body: `{"name":"order_status","examples":["where is my order","my package has not arrived","où est ma commande"]}`, status: 201, capture: "order"},
			{name: "the same name", method: "POST", path: "/api/v1/intents", as: "manager",
				body: `{"name":"refund","examples":["x"]}`, status: 409},
			{name: "an agent lists them", method: "GET", path: "/api/v1/intents", as: "agent", status: 200,
				want: []string{`"name":"order_status"`, `"name":"refund"`}},
			{name: "try a phrase", method: "POST", path: "/api/v1/intents/classify", as: "manager",
				body: `{"text":"Où est mon colis ? Ma commande n'arrive pas"}`, status: 200,
				want: []string{`"intent":"order_status"`, `"method":"classifier"`, `"language":"fr"`, `"scores":[`}},
			{name: "an empty phrase", method: "POST", path: "/api/v1/intents/classify", as: "manager", body: `{"text":""}`, status: 422},
			{name: "rename", method: "PATCH", path: "/api/v1/intents/{{refund}}", as: "manager", body: `{"name":"refunds"}`, status: 200,
				want: []string{`"name":"refunds"`}},
			{name: "another workspace does not see it", method: "GET", path: "/api/v1/intents/{{refund}}", as: "stranger", status: 404},
			{name: "delete", method: "DELETE", path: "/api/v1/intents/{{refund}}", as: "manager", status: 204},
			{name: "gone", method: "GET", path: "/api/v1/intents/{{refund}}", as: "manager", status: 404},
		})
		// The key is sealed at rest.
		var raw string
		if err := d.Reader().QueryRow(context.Background(), `SELECT api_key FROM ai_settings WHERE workspace_id = ?`, f.ws.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if !secret.IsSealed(raw) || strings.Contains(raw, "sk-live") {
			t.Fatalf("stored key %q", raw)
		}
	})
}
