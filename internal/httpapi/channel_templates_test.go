package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A WhatsApp channel's templates: empty until a manager syncs them from
// the Graph API (faked here); then everyone who sees the channel reads
// them. A provider's refusal changes nothing; a channel type without
// templates is 422.
func TestChannelTemplates(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		token := "EAAG-good"
		graph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer "+token || r.URL.Path != "/v21.0/102290129340398/message_templates" {
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190,"fbtrace_id":"x"}}`)
				return
			}
			io.WriteString(w, `{"data":[{"name":"order_update","language":"en_US","status":"APPROVED","category":"UTILITY",`+
				`"components":[{"type":"BODY","text":"Hi {{1}}, your order {{2}} has shipped."}],"id":"1"}],"paging":{"cursors":{"before":"a","after":"b"}}}`)
		}))
		defer graph.Close()
		cfg, _ := json.Marshal(map[string]string{"phone_number_id": "106540352242922", "business_account_id": "102290129340398",
			"access_token": "EAAG-good", "app_secret": "s", "api_base_url": graph.URL})
		wa, err := newChannels(t, d).Create(context.Background(), f.ws.ID, channel.Input{Type: "whatsapp", Name: "WhatsApp", Config: cfg})
		must0(t, err)
		f.vars["wa"] = strconv.FormatInt(wa.ID, 10)
		f.run(t, []scenario{
			{name: "none before a sync", method: "GET", path: "/api/v1/channels/{{wa}}/templates", as: "agent", status: 200, want: []string{`{"data":[]}`}},
			{name: "agents do not sync", method: "POST", path: "/api/v1/channels/{{wa}}/templates/sync", as: "agent", status: 403},
			{name: "another workspace", method: "POST", path: "/api/v1/channels/{{wa}}/templates/sync", as: "stranger", status: 404},
			{name: "a manager syncs", method: "POST", path: "/api/v1/channels/{{wa}}/templates/sync", as: "manager", status: 200,
				want: []string{`"name":"order_update"`, `"language":"en_US"`, `"params":2`, `"status":"APPROVED"`, `"category":"UTILITY"`, `"body":"Hi {{1}}, your order {{2}} has shipped."`}},
			// The components too: the composer's picker learns from them the header a template asks for.
			{name: "an agent reads them", method: "GET", path: "/api/v1/channels/{{wa}}/templates", as: "agent", status: 200,
				want: []string{`{"data":[{"name":"order_update","language":"en_US","body":"Hi {{1}}, your order {{2}} has shipped.","params":2,"status":"APPROVED","category":"UTILITY",` +
					`"components":[{"type":"BODY","text":"Hi {{1}}, your order {{2}} has shipped."}]}]}`}},
			{name: "not another workspace's", method: "GET", path: "/api/v1/channels/{{wa}}/templates", as: "stranger", status: 404},
			{name: "a custom channel has none", method: "POST", path: "/api/v1/channels/{{channel}}/templates/sync", as: "manager", status: 422},
		})
		token = "rotated" // the channel's token no longer works
		f.run(t, []scenario{
			{name: "the provider refuses", method: "POST", path: "/api/v1/channels/{{wa}}/templates/sync", as: "manager", status: 409,
				want: []string{`"provider_error"`, `Invalid OAuth access token. (code 190)`}},
			{name: "the stored ones stay", method: "GET", path: "/api/v1/channels/{{wa}}/templates", as: "agent", status: 200,
				want: []string{`"name":"order_update"`}},
		})
	})
}
