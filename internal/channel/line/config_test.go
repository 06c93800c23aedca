package line

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

// The configuration: both credentials required and shaped like LINE's
// (never echoed), the two API URLs default to LINE's and are vetted by
// the guard; the credentials are the secret fields.
func TestValidateConfig(t *testing.T) {
	p := New(nil)
	guard := netguard.New(netguard.Options{})
	out, err := p.Validate(json.RawMessage(`{"channel_secret":" `+testSecret+` ","channel_access_token":"`+testToken[:80]+`\n`+testToken[80:]+`"}`),
		channel.Check{Guard: guard})
	want := `{"channel_secret":"` + testSecret + `","channel_access_token":"` + testToken + `","api_base_url":"https://api.line.me","data_api_base_url":"https://api-data.line.me"}`
	if err != nil || string(out) != want {
		t.Errorf("valid: %s, %v", out, err)
	}
	out, err = p.Validate(json.RawMessage(`{"channel_secret":"`+testSecret+`","channel_access_token":"Bearer `+testToken+
		`","api_base_url":"https://line-proxy.example.com/","data_api_base_url":"https://line-data-proxy.example.com"}`), channel.Check{})
	if err != nil || !strings.Contains(string(out), `"api_base_url":"https://line-proxy.example.com"`) || !strings.Contains(string(out), `"channel_access_token":"`+testToken+`"`) ||
		!strings.Contains(string(out), `"data_api_base_url":"https://line-data-proxy.example.com"`) {
		t.Errorf("proxy: %s, %v", out, err)
	}
	ok := `"channel_secret":"` + testSecret + `","channel_access_token":"` + testToken + `"`
	for _, tc := range []struct{ config, field string }{
		{`{}`, "config.channel_secret"},
		{`{"channel_access_token":"` + testToken + `"}`, "config.channel_secret"},
		{`{"channel_secret":"not a secret!","channel_access_token":"` + testToken + `"}`, "config.channel_secret"},
		{`{"channel_secret":"` + testSecret + `"}`, "config.channel_access_token"},
		{`{"channel_secret":"` + testSecret + `","channel_access_token":"short"}`, "config.channel_access_token"},
		{`{"channel_secret":"` + testSecret + `","channel_access_token":"` + testSecret + `"}`, "config.channel_access_token"},
		{`{` + ok + `,"api_base_url":"ftp://x"}`, "config.api_base_url"},
		{`{` + ok + `,"api_base_url":"http://127.0.0.1:8080"}`, "config.api_base_url"},
		{`{` + ok + `,"data_api_base_url":"https://x.example.com/?q=1"}`, "config.data_api_base_url"},
		{`{` + ok + `,"data_api_base_url":"http://10.0.0.5"}`, "config.data_api_base_url"},
		{`{` + ok + `,"bot_token":"x"}`, "config"},
		{`[]`, "config"},
	} {
		_, err := p.Validate(json.RawMessage(tc.config), channel.Check{Guard: guard})
		var ae *apperr.Error
		if apperr.KindOf(err) != apperr.KindInvalid || !errors.As(err, &ae) || ae.Field != tc.field {
			t.Errorf("%s: %v, want invalid %s", tc.config, err, tc.field)
		}
		if err != nil && (strings.Contains(err.Error(), testToken[:20]) || strings.Contains(err.Error(), "not a secret!")) {
			t.Errorf("%s: the error echoes a credential: %v", tc.config, err)
		}
	}
	if got := p.Schema().Secrets(); !reflect.DeepEqual(got, []string{"channel_secret", "channel_access_token"}) {
		t.Errorf("secrets %v", got)
	}
}

// A stored channel's configuration reads the sealed credentials and
// defaults the URLs; without an access token it is not usable.
func TestConfigOf(t *testing.T) {
	ch := channel.Channel{Config: json.RawMessage(`{"api_base_url":"https://p.example.com/"}`),
		SecretConfig: map[string]string{fieldChannelSecret: testSecret, fieldAccessToken: testToken}}
	c, ok := configOf(ch)
	if !ok || c.ChannelSecret != testSecret || c.ChannelAccessToken != testToken || c.APIBaseURL != "https://p.example.com" || c.DataAPIBaseURL != DefaultDataAPIBaseURL {
		t.Errorf("%+v %v", c, ok)
	}
	if _, ok := configOf(channel.Channel{Config: json.RawMessage(`{}`)}); ok {
		t.Error("a channel without a token is usable")
	}
}
