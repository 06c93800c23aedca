package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// msgOf is an outbound message of type typ with text and content.
func msgOf(typ, text, content string) conversation.Message {
	return conversation.Message{ID: 42, Type: typ, Text: text, Content: json.RawMessage(content)}
}

// Each kind of outbound message is the Bot API call Telegram documents
// for it, and the provider id is "<chat>:<message_id>" of the answer.
func TestSendMethods(t *testing.T) {
	long := strings.Repeat("x", 70)
	for _, tc := range []struct {
		name  string
		msg   conversation.Message
		calls []botCall
	}{
		{"text", msgOf("text", "Hello Ada", ""),
			[]botCall{{"sendMessage", map[string]any{"chat_id": 111222333.0, "text": "Hello Ada"}}}},
		{"quick replies as an inline keyboard", msgOf("quick_reply", "What can we help you with?\n1. Sales\n2. Support\n3. Billing",
			`{"type":"quick_reply","text":"What can we help you with?","replies":["Sales","Support","Billing"]}`),
			[]botCall{{"sendMessage", map[string]any{"chat_id": 111222333.0, "text": "What can we help you with?\n1. Sales\n2. Support\n3. Billing",
				"reply_markup": map[string]any{"inline_keyboard": []any{
					[]any{map[string]any{"text": "Sales", "callback_data": "Sales"}},
					[]any{map[string]any{"text": "Support", "callback_data": "Support"}},
					[]any{map[string]any{"text": "Billing", "callback_data": "Billing"}}}}}}}},
		{"quick replies given as objects, as Meta's and WhatsApp's APIs take them", msgOf("quick_reply", "Pick",
			`{"replies":[{"title":"Sales","payload":"sales"},{"text":"Support"}]}`),
			[]botCall{{"sendMessage", map[string]any{"chat_id": 111222333.0, "text": "Pick",
				"reply_markup": map[string]any{"inline_keyboard": []any{
					[]any{map[string]any{"text": "Sales", "callback_data": "Sales"}},
					[]any{map[string]any{"text": "Support", "callback_data": "Support"}}}}}}}},
		{"an option over 64 bytes becomes its index", msgOf("quick_reply", "Pick", `{"replies":["Yes","`+long+`","#tag"]}`),
			[]botCall{{"sendMessage", map[string]any{"chat_id": 111222333.0, "text": "Pick",
				"reply_markup": map[string]any{"inline_keyboard": []any{
					[]any{map[string]any{"text": "Yes", "callback_data": "Yes"}},
					[]any{map[string]any{"text": long, "callback_data": "#2"}},
					[]any{map[string]any{"text": "#tag", "callback_data": "#3"}}}}}}}},
		{"composer image with caption", msgOf("attachment", "the invoice",
			`{"attachment":{"type":"image","url":"https://files.example.com/m/1.png","file_name":"1.png"}}`),
			[]botCall{{"sendPhoto", map[string]any{"chat_id": 111222333.0, "photo": "https://files.example.com/m/1.png", "caption": "the invoice"}}}},
		{"workflow file", msgOf("attachment", "", `{"type":"attachment","text":"terms","attachments":[{"type":"file","url":"https://files.example.com/terms.pdf"}]}`),
			[]botCall{{"sendDocument", map[string]any{"chat_id": 111222333.0, "document": "https://files.example.com/terms.pdf", "caption": "terms"}}}},
		{"video", msgOf("attachment", "", `{"attachment":{"type":"video","url":"https://files.example.com/v.mp4"}}`),
			[]botCall{{"sendVideo", map[string]any{"chat_id": 111222333.0, "video": "https://files.example.com/v.mp4"}}}},
		{"audio", msgOf("attachment", "", `{"attachment":{"type":"audio","url":"https://files.example.com/a.mp3"}}`),
			[]botCall{{"sendAudio", map[string]any{"chat_id": 111222333.0, "audio": "https://files.example.com/a.mp3"}}}},
		{"a text too long for a caption follows the file", msgOf("attachment", strings.Repeat("é", MaxCaptionLength+1),
			`{"attachment":{"type":"image","url":"https://files.example.com/m/1.png"}}`),
			[]botCall{{"sendPhoto", map[string]any{"chat_id": 111222333.0, "photo": "https://files.example.com/m/1.png"}},
				{"sendMessage", map[string]any{"chat_id": 111222333.0, "text": strings.Repeat("é", MaxCaptionLength+1)}}}},
		{"location", msgOf("location", "", `{"type":"location","latitude":48.85837,"longitude":2.294481}`),
			[]botCall{{"sendLocation", map[string]any{"chat_id": 111222333.0, "latitude": 48.85837, "longitude": 2.294481}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newBotAPI(t)
			id, err := api.provider().Send(context.Background(), api.channel(), "111222333", tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			if id != "111222333:5001" {
				t.Errorf("provider id %q", id)
			}
			if got := api.made(); !reflect.DeepEqual(got, tc.calls) {
				t.Errorf("calls\n%#v\nwant\n%#v", got, tc.calls)
			}
		})
	}
}

// The Bot API's errors: 429 is retried after its retry_after, 5xx
// retried, 403 (the contact blocked the bot) and other 4xx fail the
// message for good with Telegram's description as the reason.
func TestSendErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		permanent bool
		reason    string
		retry     time.Duration
	}{
		{"429 with retry_after", 429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}`,
			false, "", 5 * time.Second},
		{"500", 500, `{"ok":false,"error_code":500,"description":"Internal Server Error"}`, false, "", 0},
		{"502 from a proxy", 502, `<html>Bad Gateway</html>`, false, "", 0},
		{"403 blocked", 403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`,
			true, "Forbidden: bot was blocked by the user", 0},
		{"400 chat not found", 400, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`,
			true, "Bad Request: chat not found", 0},
		{"400 too long", 400, `{"ok":false,"error_code":400,"description":"Bad Request: message is too long"}`,
			true, "Bad Request: message is too long", 0},
		{"401 wrong token", 401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`, true, "Unauthorized", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newBotAPI(t)
			api.queue("sendMessage", tc.status, tc.body)
			_, err := api.provider().Send(context.Background(), api.channel(), "111222333", msgOf("text", "hi", ""))
			channeltest.CheckFailure(t, err, channeltest.Failure{Permanent: tc.permanent, Reason: tc.reason, RetryAfter: tc.retry, Secret: testBotToken})
		})
	}
}

// A message the Bot API cannot carry fails for good, without a call.
func TestSendRefused(t *testing.T) {
	api := newBotAPI(t)
	for _, msg := range []conversation.Message{
		msgOf("template", "", `{"type":"template","name":"hello","language":"en"}`),
		msgOf("attachment", "", `{"attachment":{"type":"hologram","url":"https://x.example/h"}}`),
		msgOf("attachment", "", `{"attachment":{"type":"image","url":""}}`),
		msgOf("quick_reply", "", `{"replies":["a"]}`),
		msgOf("attachment", "", `{"attachment":{"type":"image","url":"/api/v1/media/abc"}}`),
		msgOf("card", "", `[1,2]`),
	} {
		if _, err := api.provider().Send(context.Background(), api.channel(), "111222333", msg); !outbound.IsPermanent(err) {
			t.Errorf("%s %s: %v, want a permanent failure", msg.Type, msg.Content, err)
		}
	}
	ch := api.channel()
	ch.SecretConfig = nil
	if _, err := api.provider().Send(context.Background(), ch, "1", msgOf("text", "hi", "")); !outbound.IsPermanent(err) {
		t.Errorf("no token: %v", err)
	}
	if n := len(api.made()); n != 0 {
		t.Errorf("%d calls made", n)
	}
}

// No error names the bot token, which is in every URL: not a refused
// connection, not the guard's refusal.
func TestSendNeverLeaksTheToken(t *testing.T) {
	api := newBotAPI(t)
	ch := api.channel()
	api.srv.Close()
	_, err := api.provider().Send(context.Background(), ch, "1", msgOf("text", "hi", ""))
	if err == nil || outbound.IsPermanent(err) || strings.Contains(err.Error(), testBotToken) || strings.Contains(err.Error(), "AAHdq") {
		t.Errorf("closed server: %v", err)
	}
	// The node's guard refuses loopback: permanent, saying how to allow it.
	_, err = New(nil).Send(context.Background(), newBotAPI(t).channel(), "1", msgOf("text", "hi", ""))
	var denied *netguard.DeniedError
	if !outbound.IsPermanent(err) || !strings.Contains(outbound.Reason(err), netguard.AllowFlag) || strings.Contains(err.Error(), testBotToken) || errors.As(err, &denied) {
		t.Errorf("guarded: %v", err)
	}
	// A proxy that answers 2xx with something else is retried.
	odd := newBotAPI(t)
	odd.queue("sendMessage", http.StatusOK, `<html>hello</html>`)
	if _, err := odd.provider().Send(context.Background(), odd.channel(), "1", msgOf("text", "hi", "")); err == nil || outbound.IsPermanent(err) {
		t.Errorf("non-Bot-API 2xx: %v", err)
	}
}
