package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// Connect registers the webhook with the channel's token as the secret
// Telegram sends back, for the update kinds Switchboard reads.
func TestConnectSetsWebhook(t *testing.T) {
	api := newBotAPI(t)
	ch := api.channel()
	hook := "https://switchboard.example.com/webhooks/telegram/7"
	if err := api.provider().Connect(context.Background(), ch, hook); err != nil {
		t.Fatal(err)
	}
	want := []botCall{{"setWebhook", map[string]any{"url": hook, "secret_token": ch.Token,
		"allowed_updates": []any{"message", "edited_message", "callback_query"}}}}
	if got := api.made(); !reflect.DeepEqual(got, want) {
		t.Errorf("calls %#v", got)
	}
	// Telegram's refusal is the error, in its words, without the token.
	api.queue("setWebhook", 400, `{"ok":false,"error_code":400,"description":"Bad Request: bad webhook: An HTTPS URL must be provided for webhook"}`)
	err := api.provider().Connect(context.Background(), ch, "http://insecure.example.com/webhooks/telegram/7")
	if err == nil || !strings.Contains(err.Error(), "An HTTPS URL must be provided for webhook") || strings.Contains(err.Error(), testBotToken) {
		t.Errorf("refused setWebhook: %v", err)
	}
}

// The connection test is getMe: the bot when the token is right, 401
// when not; the URL shown never holds the token.
func TestProbe(t *testing.T) {
	api := newBotAPI(t)
	res := api.provider().Probe(context.Background(), api.channel())
	if !res.OK || res.Status != 200 || !strings.Contains(res.Body, `"username":"acme_support_bot"`) || res.URL != api.srv.URL+"/bot<bot-token>/getMe" {
		t.Errorf("probe %+v", res)
	}
	if calls := api.made(); len(calls) != 1 || calls[0].Method != "getMe" {
		t.Errorf("calls %+v", calls)
	}
	ch := api.channel()
	ch.SecretConfig = map[string]string{"bot_token": "7000000001:wrong"}
	res = api.provider().Probe(context.Background(), ch)
	if res.OK || res.Status != 401 || !strings.Contains(res.Body, "Unauthorized") || strings.Contains(res.URL, "wrong") {
		t.Errorf("wrong token %+v", res)
	}
	api.srv.Close()
	res = api.provider().Probe(context.Background(), api.channel())
	if res.OK || res.Error == "" || strings.Contains(res.Error, testBotToken) {
		t.Errorf("closed %+v", res)
	}
	res = New(nil).Probe(context.Background(), newBotAPI(t).channel())
	if res.OK || !strings.Contains(res.Error, netguard.AllowFlag) {
		t.Errorf("guarded %+v", res)
	}
}

// FetchMedia resolves the file_id with getFile and downloads the file
// from /file/bot<token>/<file_path>.
func TestFetchMedia(t *testing.T) {
	api := newBotAPI(t)
	api.files["photos/file_0.jpg"] = "\xff\xd8\xff jpeg bytes"
	ref := conversation.MediaRef{Ref: "AgACAgQAAxkBAAIBX2-large", Kind: "image", ContentType: "image/jpeg"}
	got, err := api.provider().FetchMedia(context.Background(), api.channel(), ref)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != "\xff\xd8\xff jpeg bytes" || got.ContentType != "image/jpeg" || got.FileName != "file_0.jpg" {
		t.Errorf("fetched %q %+v", body, got)
	}
	if calls := api.made(); len(calls) != 1 || calls[0].Method != "getFile" || calls[0].Params["file_id"] != ref.Ref {
		t.Errorf("calls %+v", calls)
	}
	// Too big for the Bot API (20 MB): permanent, in Telegram's words.
	api.queue("getFile", 400, `{"ok":false,"error_code":400,"description":"Bad Request: file is too big"}`)
	if _, err := api.provider().FetchMedia(context.Background(), api.channel(), ref); !outbound.IsPermanent(err) || outbound.Reason(err) != "Bad Request: file is too big" {
		t.Errorf("too big: %v", err)
	}
	// The file is gone from Telegram's servers: permanent, no token named.
	api.queue("getFile", 200, `{"ok":true,"result":{"file_id":"x","file_unique_id":"y","file_path":"photos/gone.jpg"}}`)
	_, err = api.provider().FetchMedia(context.Background(), api.channel(), ref)
	if !outbound.IsPermanent(err) || strings.Contains(err.Error(), testBotToken) {
		t.Errorf("gone: %v", err)
	}
}

// The configuration: a bot token is required and shaped like one (never
// echoed), the API URL defaults to Telegram's and is vetted by the guard.
func TestValidateConfig(t *testing.T) {
	p := New(nil)
	guard := netguard.New(netguard.Options{})
	out, err := p.Validate(json.RawMessage(`{"bot_token":" `+testBotToken+` "}`), channel.Check{Guard: guard})
	if err != nil || string(out) != `{"bot_token":"`+testBotToken+`","api_base_url":"https://api.telegram.org"}` {
		t.Errorf("valid: %s, %v", out, err)
	}
	out, err = p.Validate(json.RawMessage(`{"bot_token":"`+testBotToken+`","api_base_url":"https://tg-proxy.example.com/"}`), channel.Check{})
	if err != nil || !strings.Contains(string(out), `"api_base_url":"https://tg-proxy.example.com"`) {
		t.Errorf("proxy: %s, %v", out, err)
	}
	for _, tc := range []struct{ config, field string }{
		{`{}`, "config.bot_token"},
		{`{"bot_token":"not a token"}`, "config.bot_token"},
		{`{"bot_token":"123:abc def"}`, "config.bot_token"},
		{`{"bot_token":"` + testBotToken + `","api_base_url":"ftp://x"}`, "config.api_base_url"},
		{`{"bot_token":"` + testBotToken + `","api_base_url":"http://127.0.0.1:8081"}`, "config.api_base_url"},
		{`{"bot_token":"` + testBotToken + `","base_url":"https://x"}`, "config"},
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
	if got := p.Schema().Secrets(); !reflect.DeepEqual(got, []string{"bot_token"}) {
		t.Errorf("secrets %v", got)
	}
}
