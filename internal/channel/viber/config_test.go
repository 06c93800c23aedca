package viber

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// The configuration: a token shaped like one (never echoed) and a sender
// name of at most 28 characters are required; the avatar is an http(s)
// URL; the API URL defaults to Viber's and is vetted by the guard.
func TestValidateConfig(t *testing.T) {
	p := New(nil)
	guard := netguard.New(netguard.Options{})
	out, err := p.Validate(json.RawMessage(`{"auth_token":" `+testAuthToken+` ","sender_name":" Acme Support "}`), channel.Check{Guard: guard})
	if err != nil || string(out) != `{"auth_token":"`+testAuthToken+`","sender_name":"Acme Support","api_base_url":"https://chatapi.viber.com"}` {
		t.Errorf("valid: %s, %v", out, err)
	}
	out, err = p.Validate(json.RawMessage(`{"auth_token":"`+testAuthToken+`","sender_name":"Acme","sender_avatar":"https://acme.example.com/a.jpg","api_base_url":"https://viber-proxy.example.com/"}`), channel.Check{})
	if err != nil || !strings.Contains(string(out), `"api_base_url":"https://viber-proxy.example.com"`) || !strings.Contains(string(out), `"sender_avatar":"https://acme.example.com/a.jpg"`) {
		t.Errorf("proxy: %s, %v", out, err)
	}
	ok := `"auth_token":"` + testAuthToken + `","sender_name":"Acme"`
	for _, tc := range []struct{ config, field string }{
		{`{}`, "config.auth_token"},
		{`{"sender_name":"Acme"}`, "config.auth_token"},
		{`{"auth_token":"abc def ghi jkl","sender_name":"Acme"}`, "config.auth_token"},
		{`{"auth_token":"` + testAuthToken + `"}`, "config.sender_name"},
		{`{"auth_token":"` + testAuthToken + `","sender_name":"   "}`, "config.sender_name"},
		{`{"auth_token":"` + testAuthToken + `","sender_name":"` + strings.Repeat("é", MaxSenderNameLen+1) + `"}`, "config.sender_name"},
		{`{` + ok + `,"sender_avatar":"avatar.jpg"}`, "config.sender_avatar"},
		{`{` + ok + `,"sender_avatar":"ftp://x.example.com/a.jpg"}`, "config.sender_avatar"},
		{`{` + ok + `,"api_base_url":"ftp://x"}`, "config.api_base_url"},
		{`{` + ok + `,"api_base_url":"http://127.0.0.1:8081"}`, "config.api_base_url"},
		{`{` + ok + `,"bot_token":"x"}`, "config"},
		{`[]`, "config"},
	} {
		_, err := p.Validate(json.RawMessage(tc.config), channel.Check{Guard: guard})
		var ae *apperr.Error
		if apperr.KindOf(err) != apperr.KindInvalid || !errors.As(err, &ae) || ae.Field != tc.field {
			t.Errorf("%s: %v, want invalid %s", tc.config, err, tc.field)
		}
		if err != nil && strings.Contains(err.Error(), "abc def") {
			t.Errorf("%s: the error echoes the token: %v", tc.config, err)
		}
	}
	if got := p.Schema().Secrets(); !reflect.DeepEqual(got, []string{"auth_token"}) {
		t.Errorf("secrets %v", got)
	}
}

// What the channel can carry, and how Viber's receipts map.
func TestCapabilitiesAndStatuses(t *testing.T) {
	p := New(nil)
	c := p.Capabilities()
	if !c.QuickReplies || c.Buttons != MaxButtons || c.MaxTextLength != 7000 || c.ReplyWindowSeconds != 0 || c.Templates {
		t.Errorf("capabilities %+v", c)
	}
	for in, want := range map[string]string{"delivered": "delivered", "seen": "read", "failed": "failed"} {
		if got, ok := p.MapStatus(in); !ok || got != want {
			t.Errorf("%s → %q %v", in, got, ok)
		}
	}
	if _, ok := p.MapStatus("subscribed"); ok {
		t.Error("subscribed is a status")
	}
}
