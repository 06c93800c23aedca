package twilio

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

func TestValidateConfig(t *testing.T) {
	guard := netguard.New(netguard.Options{})
	ok := `"account_sid":"` + testAccount + `","auth_token":"` + testToken + `"`
	tests := []struct {
		name, config, field string
		want                map[string]string
	}{
		{"number", `{` + ok + `,"from":"+14155550100"}`, "",
			map[string]string{"api_base_url": DefaultAPIBaseURL, "from": "+14155550100"}},
		{"service, proxy and tunnel", `{` + ok + `,"messaging_service_sid":"` + testService + `","api_base_url":"https://twilio-proxy.example.com/","webhook_base_url":"https://tunnel.example.net/sb/"}`, "",
			map[string]string{"api_base_url": "https://twilio-proxy.example.com", "webhook_base_url": "https://tunnel.example.net/sb", "messaging_service_sid": testService}},
		{"no account", `{"auth_token":"x","from":"+14155550100"}`, "config.account_sid", nil},
		{"not an Account SID", `{"account_sid":"AB123","auth_token":"x","from":"+14155550100"}`, "config.account_sid", nil},
		{"no token", `{"account_sid":"` + testAccount + `","from":"+14155550100"}`, "config.auth_token", nil},
		{"no sender", `{` + ok + `}`, "config.from", nil},
		{"number as people write it", `{` + ok + `,"from":"+1 (415) 555-0100"}`, "", map[string]string{"from": "+14155550100"}},
		{"not E.164", `{` + ok + `,"from":"4155550100"}`, "config.from", nil},
		{"not a service SID", `{` + ok + `,"messaging_service_sid":"MG12"}`, "config.messaging_service_sid", nil},
		{"pasted with blanks", `{` + ok + `,"from":"+14155550100","api_base_url":" https://twilio-proxy.example.com/ ","webhook_base_url":" "}`, "",
			map[string]string{"api_base_url": "https://twilio-proxy.example.com", "webhook_base_url": ""}},
		{"API on a private address", `{` + ok + `,"from":"+14155550100","api_base_url":"http://10.0.0.1"}`, "config.api_base_url", nil},
		{"API not http", `{` + ok + `,"from":"+14155550100","api_base_url":"ftp://x"}`, "config.api_base_url", nil},
		{"webhook base with a query", `{` + ok + `,"from":"+14155550100","webhook_base_url":"https://x.example.com/?a=1"}`, "config.webhook_base_url", nil},
		{"unknown field", `{` + ok + `,"from":"+14155550100","sid":"x"}`, "config", nil},
		{"SMS by default", `{` + ok + `,"from":"+14155550100"}`, "", map[string]string{"medium": "sms"}},
		{"WhatsApp", `{` + ok + `,"medium":"whatsapp","from":"+14155550100"}`, "", map[string]string{"medium": "whatsapp", "from": "+14155550100"}},
		{"a WhatsApp sender as Twilio writes it", `{` + ok + `,"medium":" WhatsApp ","from":"whatsapp:+1 415 555 0100"}`, "",
			map[string]string{"medium": "whatsapp", "from": "+14155550100"}},
		{"WhatsApp through a service", `{` + ok + `,"medium":"whatsapp","messaging_service_sid":"` + testService + `"}`, "", map[string]string{"medium": "whatsapp"}},
		{"a WhatsApp sender on SMS", `{` + ok + `,"from":"whatsapp:+14155550100"}`, "config.from", nil},
		{"an unknown medium", `{` + ok + `,"medium":"rcs","from":"+14155550100"}`, "config.medium", nil},
		{"WhatsApp without a sender", `{` + ok + `,"medium":"whatsapp"}`, "config.from", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := New(nil, "").Validate(json.RawMessage(tt.config), channel.Check{Guard: guard})
			if tt.field != "" {
				if err == nil || !strings.Contains(err.Error(), tt.field) || apperr.KindOf(err) != apperr.KindInvalid {
					t.Fatalf("err = %v, want invalid %s", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]string
			json.Unmarshal(out, &got)
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q (%s)", k, got[k], v, out)
				}
			}
		})
	}
	// An operator-allowed range is accepted.
	open := netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	if _, err := New(nil, "").Validate(json.RawMessage(`{`+ok+`,"from":"+14155550100","api_base_url":"http://10.0.0.1"}`), channel.Check{Guard: open}); err != nil {
		t.Errorf("allowed range: %v", err)
	}
}

func TestSchemaAndCapabilities(t *testing.T) {
	p := New(nil, "")
	if s := p.Schema().Secrets(); len(s) != 1 || s[0] != "auth_token" {
		t.Errorf("secrets %v", s)
	}
	c := p.Capabilities()
	if c.Buttons != 0 || c.ListItems != 0 || c.QuickReplies || c.MaxTextLength != 1600 || c.ReplyWindowSeconds != 0 ||
		strings.Join(c.Attachments, ",") != "image,video,audio,file" {
		t.Errorf("capabilities %+v", c)
	}
	routes := p.Webhooks(channel.Inbox{})
	if len(routes) != 2 || routes[0].Pattern != channel.WebhookPattern("twilio", "") || routes[1].Pattern != channel.WebhookPattern("twilio", "/status") {
		t.Errorf("routes %+v", routes)
	}
}
