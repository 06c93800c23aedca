package line

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// msgOf is an outbound message of type typ with text and content.
func msgOf(typ, text, content string) conversation.Message {
	return conversation.Message{ID: 42, Type: typ, Text: text, Content: json.RawMessage(content)}
}

// decode is JSON as the fake reads it, to compare request bodies.
func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// Each kind of outbound message is one push of the message objects LINE
// documents for it, to the contact's chat, with the channel's token and
// the message's retry key; the provider id is LINE's id of the first.
func TestSendRequests(t *testing.T) {
	long := strings.Repeat("x", 320)
	for _, tc := range []struct {
		name     string
		msg      conversation.Message
		messages string
	}{
		{"text", msgOf("text", "Hello Ada", ""), `[{"type":"text","text":"Hello Ada"}]`},
		{"quick replies as postback buttons", msgOf("quick_reply", "What can we help you with?",
			`{"type":"quick_reply","text":"What can we help you with?","replies":["Sales","Technical support and troubleshooting","Billing"]}`),
			`[{"type":"text","text":"What can we help you with?","quickReply":{"items":[
				{"type":"action","action":{"type":"postback","label":"Sales","data":"Sales","displayText":"Sales"}},
				{"type":"action","action":{"type":"postback","label":"Technical support a…","data":"Technical support and troubleshooting","displayText":"Technical support and troubleshooting"}},
				{"type":"action","action":{"type":"postback","label":"Billing","data":"Billing","displayText":"Billing"}}]}}]`},
		{"an option too long for the data, or like an index, goes by its position", msgOf("quick_reply", "Pick",
			`{"replies":[{"title":"Yes"},"`+long+`","#tag"]}`),
			`[{"type":"text","text":"Pick","quickReply":{"items":[
				{"type":"action","action":{"type":"postback","label":"Yes","data":"Yes","displayText":"Yes"}},
				{"type":"action","action":{"type":"postback","label":"xxxxxxxxxxxxxxxxxxx…","data":"#2","displayText":"` + long[:299] + `…"}},
				{"type":"action","action":{"type":"postback","label":"#tag","data":"#3","displayText":"#tag"}}]}}]`},
		{"composer image after its text", msgOf("attachment", "the invoice",
			`{"attachment":{"type":"image","url":"https://sb.example.com/media/1.jpg?sig=abc","media_id":"m1","file_name":"1.jpg"}}`),
			`[{"type":"text","text":"the invoice"},
			  {"type":"image","originalContentUrl":"https://sb.example.com/media/1.jpg?sig=abc","previewImageUrl":"https://sb.example.com/media/1.jpg?sig=abc"}]`},
		{"video with its preview", msgOf("attachment", "", `{"attachment":{"type":"video","url":"https://sb.example.com/v.mp4","preview_url":"https://sb.example.com/v.jpg"}}`),
			`[{"type":"video","originalContentUrl":"https://sb.example.com/v.mp4","previewImageUrl":"https://sb.example.com/v.jpg"}]`},
		{"a video without a preview goes as its link", msgOf("attachment", "", `{"attachment":{"type":"video","url":"https://sb.example.com/v.mp4","file_name":"demo.mp4"}}`),
			`[{"type":"text","text":"demo.mp4\nhttps://sb.example.com/v.mp4"}]`},
		{"audio with its length", msgOf("attachment", "", `{"attachment":{"type":"audio","url":"https://sb.example.com/a.m4a","duration_ms":60000}}`),
			`[{"type":"audio","originalContentUrl":"https://sb.example.com/a.m4a","duration":60000}]`},
		{"a workflow's file goes as its link", msgOf("attachment", "", `{"type":"attachment","text":"terms","attachments":[{"type":"file","url":"https://files.example.com/terms.pdf","file_name":"terms.pdf"}]}`),
			`[{"type":"text","text":"terms"},{"type":"text","text":"terms.pdf\nhttps://files.example.com/terms.pdf"}]`},
		{"quick replies under the last object", msgOf("attachment", "Is this yours?",
			`{"attachment":{"type":"image","url":"https://sb.example.com/1.png"},"replies":["Yes","No"]}`),
			`[{"type":"text","text":"Is this yours?"},{"type":"image","originalContentUrl":"https://sb.example.com/1.png","previewImageUrl":"https://sb.example.com/1.png",
			  "quickReply":{"items":[{"type":"action","action":{"type":"postback","label":"Yes","data":"Yes","displayText":"Yes"}},
			  {"type":"action","action":{"type":"postback","label":"No","data":"No","displayText":"No"}}]}}]`},
		{"location", msgOf("location", "", `{"type":"location","latitude":35.65910807942215,"longitude":139.70372892916203,"title":"Tokyo Tower"}`),
			`[{"type":"location","title":"Tokyo Tower","address":"35.65910807942215, 139.70372892916203","latitude":35.65910807942215,"longitude":139.70372892916203}]`},
		{"sticker", msgOf("sticker", "", `{"type":"sticker","sticker":{"package_id":"11537","sticker_id":"52002734"}}`),
			`[{"type":"sticker","packageId":"11537","stickerId":"52002734"}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newLineAPI(t)
			ch := api.channel()
			id, err := api.provider().Send(context.Background(), ch, testUser, tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			if id != "480000000000000001" {
				t.Errorf("provider id %q", id)
			}
			calls := api.made()
			if len(calls) != 1 || calls[0].Method != http.MethodPost || calls[0].Path != "/v2/bot/message/push" {
				t.Fatalf("calls %+v", calls)
			}
			if calls[0].RetryKey != retryKey(ch, tc.msg, 0) {
				t.Errorf("retry key %q", calls[0].RetryKey)
			}
			want := map[string]any{"to": testUser, "messages": decode(t, tc.messages)}
			if !reflect.DeepEqual(calls[0].Body, want) {
				got, _ := json.Marshal(calls[0].Body)
				exp, _ := json.Marshal(want)
				t.Errorf("body\n%s\nwant\n%s", got, exp)
			}
		})
	}
}

// A text over 5,000 UTF-16 code units (LINE's count: an emoji is two) is
// cut into several text objects; more than five objects make several
// pushes, each with a retry key of its own, the quick replies on the last.
func TestSendSplits(t *testing.T) {
	api := newLineAPI(t)
	text := strings.Repeat("🍎", 2500) + strings.Repeat("a", 5000*5+1)
	msg := msgOf("quick_reply", text, `{"replies":["OK"]}`)
	id, err := api.provider().Send(context.Background(), api.channel(), testUser, msg)
	if err != nil {
		t.Fatal(err)
	}
	calls := api.made()
	if len(calls) != 2 || id != "480000000000000001" {
		t.Fatalf("%d pushes, id %q", len(calls), id)
	}
	first, second := calls[0].Body["messages"].([]any), calls[1].Body["messages"].([]any)
	if len(first) != 5 || len(second) != 2 || calls[0].RetryKey == calls[1].RetryKey {
		t.Fatalf("%d then %d objects, keys %s %s", len(first), len(second), calls[0].RetryKey, calls[1].RetryKey)
	}
	var joined strings.Builder
	for _, o := range append(first, second...) {
		s := o.(map[string]any)["text"].(string)
		if n := len([]rune(s)) + strings.Count(s, "🍎"); n > MaxTextLength {
			t.Errorf("a text of %d UTF-16 units", n)
		}
		joined.WriteString(s)
	}
	if joined.String() != text {
		t.Error("the text was not kept whole")
	}
	if first[0].(map[string]any)["text"] != strings.Repeat("🍎", 2500) {
		t.Error("the emoji were not counted as two units each")
	}
	if _, ok := second[1].(map[string]any)["quickReply"]; !ok {
		t.Error("the quick replies are not on the last object")
	}
}

// The retry key is a UUID derived from the message: the same for every
// attempt at one message's part, another for another message, part or
// channel; a message without an id gets a random one.
func TestRetryKey(t *testing.T) {
	ch := channel.Channel{ID: 7, WorkspaceID: 3}
	m := conversation.Message{ID: 42}
	k := retryKey(ch, m, 0)
	if !uuidShape.MatchString(k) || k[14] != '5' || !strings.ContainsAny(k[19:20], "89ab") {
		t.Fatalf("key %q", k)
	}
	if retryKey(ch, m, 0) != k {
		t.Error("not deterministic")
	}
	other := ch
	other.ID = 8
	for name, o := range map[string]string{"part": retryKey(ch, m, 1), "message": retryKey(ch, conversation.Message{ID: 43}, 0),
		"channel": retryKey(other, m, 0)} {
		if o == k {
			t.Errorf("another %s has the same key", name)
		}
	}
	a, b := retryKey(ch, conversation.Message{}, 0), retryKey(ch, conversation.Message{}, 0)
	if a == b || !uuidShape.MatchString(a) || a[14] != '4' {
		t.Errorf("random keys %q %q", a, b)
	}
}

// A push whose answer was lost after LINE took it (a 500, a timeout) is
// retried with the same key: LINE answers 409, which is success, and the
// contact gets the message once.
func TestSendRetryIsNotSentTwice(t *testing.T) {
	api := newLineAPI(t)
	p, ch, msg := api.provider(), api.channel(), msgOf("text", "Your order has shipped", "")
	api.queueAccepted(http.StatusInternalServerError, `{"message":"An error occurred in the server."}`)
	if _, err := p.Send(context.Background(), ch, testUser, msg); err == nil || outbound.IsPermanent(err) {
		t.Fatalf("first attempt: %v, want a retryable error", err)
	}
	id, err := p.Send(context.Background(), ch, testUser, msg)
	if err != nil || id != "480000000000000001" {
		t.Fatalf("the retry: %q, %v", id, err)
	}
	calls := api.made()
	if len(calls) != 2 || calls[0].RetryKey != calls[1].RetryKey {
		t.Errorf("calls %+v", calls)
	}
	// A 409 without sentMessages still is success, named by the
	// accepted request.
	api.queue("POST /v2/bot/message/push", http.StatusConflict, `{"message":"The retry key is already accepted"}`)
	if id, err := p.Send(context.Background(), ch, testUser, msgOf("text", "again", "")); err != nil || id == "" {
		t.Errorf("409: %q %v", id, err)
	}
}

// LINE's errors: 429 (rate or monthly limit) is retried after its
// Retry-After, 5xx retried; 400 and the other 4xx fail the message for
// good with LINE's words as the reason.
func TestSendErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		permanent bool
		reason    string
	}{
		{"429 rate limit", 429, `{"message":"The API rate limit has been exceeded. Try again later."}`, false, ""},
		{"429 monthly limit", 429, `{"message":"You have reached your monthly limit."}`, false, ""},
		{"500", 500, `{"message":"An error occurred in the server."}`, false, ""},
		{"502 from a proxy", 502, `<html>Bad Gateway</html>`, false, ""},
		{"400 invalid", 400, `{"message":"The request body has 1 error(s)","details":[{"message":"May not be empty","property":"messages[0].text"}]}`,
			true, "The request body has 1 error(s): messages[0].text May not be empty"},
		{"400 bad user id", 400, `{"message":"Failed to send messages"}`, true, "Failed to send messages"},
		{"401 wrong token", 401, `{"message":"Authentication failed. Confirm that the access token in the authorization header is valid."}`,
			true, "Authentication failed. Confirm that the access token in the authorization header is valid."},
		{"403 no permission", 403, `{"message":"Access to this API is not available for your account"}`, true, "Access to this API is not available for your account"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newLineAPI(t)
			api.queue("POST /v2/bot/message/push", tc.status, tc.body)
			_, err := api.provider().Send(context.Background(), api.channel(), testUser, msgOf("text", "hi", ""))
			channeltest.CheckFailure(t, err, channeltest.Failure{Permanent: tc.permanent, Reason: tc.reason, Secret: testToken})
		})
	}
	// Retry-After is honoured.
	api := newLineAPI(t)
	api.api.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"message":"The API rate limit has been exceeded. Try again later."}`))
	})
	_, err := api.provider().Send(context.Background(), api.channel(), testUser, msgOf("text", "hi", ""))
	if d, ok := outbound.RetryAfter(err); !ok || d != 30*time.Second || outbound.IsPermanent(err) {
		t.Errorf("retry after %v %v: %v", d, ok, err)
	}
}

// What LINE cannot carry fails for good, without a call.
func TestSendRefused(t *testing.T) {
	api := newLineAPI(t)
	thirteen := `"1","2","3","4","5","6","7","8","9","10","11","12","13"`
	for _, msg := range []conversation.Message{
		msgOf("template", "", `{"type":"template","name":"hello","language":"en"}`),
		msgOf("attachment", "", `{"attachment":{"type":"hologram","url":"https://x.example/h"}}`),
		msgOf("attachment", "", `{"attachment":{"type":"image","url":""}}`),
		msgOf("attachment", "", `{"attachment":{"type":"image","url":"/api/v1/media/abc"}}`),
		msgOf("attachment", "", `{"attachment":{"type":"image","url":"http://sb.example.com/1.png"}}`),
		msgOf("attachment", "", `{"attachment":{"type":"image","url":"https://sb.example.com/`+strings.Repeat("a", 2000)+`"}}`),
		msgOf("quick_reply", "", `{"replies":["a"]}`),
		msgOf("quick_reply", "Pick", `{"replies":[`+thirteen+`,"14"]}`),
		msgOf("card", "", `[1,2]`),
		msgOf("sticker", "", `{"sticker":{"package_id":"11537"}}`),
	} {
		if _, err := api.provider().Send(context.Background(), api.channel(), testUser, msg); !outbound.IsPermanent(err) {
			t.Errorf("%s %s: %v, want a permanent failure", msg.Type, msg.Content, err)
		}
	}
	ch := api.channel()
	ch.SecretConfig = nil
	if _, err := api.provider().Send(context.Background(), ch, testUser, msgOf("text", "hi", "")); !outbound.IsPermanent(err) {
		t.Errorf("no token: %v", err)
	}
	if n := len(api.made()); n != 0 {
		t.Errorf("%d calls made", n)
	}
	// Thirteen quick replies are LINE's most, and fine.
	if _, err := api.provider().Send(context.Background(), api.channel(), testUser, msgOf("quick_reply", "Pick", `{"replies":[`+thirteen+`]}`)); err != nil {
		t.Errorf("13 replies: %v", err)
	}
}

// The network: a closed server is retried, the node's guard refusing
// LINE's address is permanent, and no error names the token.
func TestSendNetwork(t *testing.T) {
	api := newLineAPI(t)
	ch := api.channel()
	api.api.Close()
	_, err := api.provider().Send(context.Background(), ch, testUser, msgOf("text", "hi", ""))
	if err == nil || outbound.IsPermanent(err) || strings.Contains(err.Error(), testToken) {
		t.Errorf("closed server: %v", err)
	}
	_, err = New(nil).Send(context.Background(), newLineAPI(t).channel(), testUser, msgOf("text", "hi", ""))
	if !outbound.IsPermanent(err) || !strings.Contains(outbound.Reason(err), netguard.AllowFlag) {
		t.Errorf("guarded: %v", err)
	}
}
