package viber

import (
	"context"
	"encoding/json"
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

// sent is the body of a send_message call to the test user, with the
// channel's sender and the type-specific members.
func sent(members map[string]any) apiCall {
	body := map[string]any{"receiver": "01234567890A=", "min_api_version": 1.0,
		"sender": map[string]any{"name": "Acme Support", "avatar": "https://acme.example.com/avatar.jpg"}}
	for k, v := range members {
		body[k] = v
	}
	return apiCall{"send_message", body}
}

// Each kind of outbound message is the send_message call Viber documents
// for it, and the provider id is the answer's message_token, kept whole
// (a 64-bit number).
func TestSendRequests(t *testing.T) {
	button := func(o string) map[string]any {
		return map[string]any{"Columns": 6.0, "Rows": 1.0, "ActionType": "reply", "ActionBody": o, "Text": o}
	}
	for _, tc := range []struct {
		name  string
		msg   conversation.Message
		calls []apiCall
	}{
		{"text", msgOf("text", "Hello John", ""),
			[]apiCall{sent(map[string]any{"type": "text", "text": "Hello John"})}},
		{"quick replies as a keyboard of reply buttons", msgOf("quick_reply", "What can we help you with?",
			`{"type":"quick_reply","text":"What can we help you with?","replies":["Sales","Support",{"title":"Billing"}]}`),
			[]apiCall{sent(map[string]any{"type": "text", "text": "What can we help you with?",
				"tracking_data": `switchboard:replies:["Sales","Support","Billing"]`,
				"keyboard": map[string]any{"Type": "keyboard", "DefaultHeight": false,
					"Buttons": []any{button("Sales"), button("Support"), button("Billing")}}})}},
		{"a button's label is escaped, its answer is not", msgOf("quick_reply", "Pick", `{"replies":["<b>Yes</b> & no"]}`),
			[]apiCall{sent(map[string]any{"type": "text", "text": "Pick",
				"tracking_data": `switchboard:replies:["\u003cb\u003eYes\u003c/b\u003e \u0026 no"]`,
				"keyboard": map[string]any{"Type": "keyboard", "DefaultHeight": false, "Buttons": []any{
					map[string]any{"Columns": 6.0, "Rows": 1.0, "ActionType": "reply", "ActionBody": "<b>Yes</b> & no",
						"Text": "&lt;b&gt;Yes&lt;/b&gt; &amp; no"}}}})}},
		{"composer picture with its description", msgOf("attachment", "the invoice",
			`{"attachment":{"type":"image","url":"https://files.example.com/m/1.png","file_name":"1.png","size":2048}}`),
			[]apiCall{sent(map[string]any{"type": "picture", "media": "https://files.example.com/m/1.png", "text": "the invoice"})}},
		{"workflow file, then its text", msgOf("attachment", "", `{"type":"attachment","text":"our terms","attachments":[{"type":"file","url":"https://files.example.com/terms.pdf","size":58213}]}`),
			[]apiCall{sent(map[string]any{"type": "file", "media": "https://files.example.com/terms.pdf", "size": 58213.0, "file_name": "terms.pdf"}),
				sent(map[string]any{"type": "text", "text": "our terms"})}},
		{"video with its size", msgOf("attachment", "", `{"attachment":{"type":"video","url":"https://files.example.com/v.mp4","size":2034051}}`),
			[]apiCall{sent(map[string]any{"type": "video", "media": "https://files.example.com/v.mp4", "size": 2034051.0})}},
		{"audio as a file", msgOf("attachment", "", `{"attachment":{"type":"audio","url":"https://files.example.com/a.mp3","file_name":"note.mp3","size":9000}}`),
			[]apiCall{sent(map[string]any{"type": "file", "media": "https://files.example.com/a.mp3", "size": 9000.0, "file_name": "note.mp3"})}},
		{"a file of unknown size as a link", msgOf("attachment", "", `{"attachments":[{"type":"file","url":"https://files.example.com/terms.pdf"}]}`),
			[]apiCall{sent(map[string]any{"type": "url", "media": "https://files.example.com/terms.pdf"})}},
		{"a text too long for a description follows the picture", msgOf("attachment", strings.Repeat("é", MaxCaptionLength+1),
			`{"attachment":{"type":"image","url":"https://files.example.com/m/1.png"}}`),
			[]apiCall{sent(map[string]any{"type": "picture", "media": "https://files.example.com/m/1.png", "text": ""}),
				sent(map[string]any{"type": "text", "text": strings.Repeat("é", MaxCaptionLength+1)})}},
		{"location", msgOf("location", "", `{"type":"location","latitude":48.85837,"longitude":2.294481}`),
			[]apiCall{sent(map[string]any{"type": "location", "location": map[string]any{"lat": 48.85837, "lon": 2.294481}})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeViber(t)
			id, err := api.provider().Send(context.Background(), api.channel(), "01234567890A=", tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			if id != "5741311803571721087" {
				t.Errorf("provider id %q", id)
			}
			if got := api.made(); !reflect.DeepEqual(got, tc.calls) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(tc.calls)
				t.Errorf("calls\n%s\nwant\n%s", g, w)
			}
		})
	}
}

// A button press comes back as the contact's text with the keyboard's
// tracking_data: the parser knows it for the answer.
func TestKeyboardRoundTrip(t *testing.T) {
	api := newFakeViber(t)
	msg := msgOf("quick_reply", "Pick", `{"replies":["Sales","Support"]}`)
	if _, err := api.provider().Send(context.Background(), api.channel(), "01234567890A=", msg); err != nil {
		t.Fatal(err)
	}
	tracking := api.made()[0].Body["tracking_data"].(string)
	press, _ := json.Marshal(map[string]any{"event": "message", "timestamp": 1457764198400, "message_token": 4912661846655238199,
		"sender":  map[string]any{"id": "01234567890A=", "name": "John McClane"},
		"message": map[string]any{"type": "text", "text": "Support", "tracking_data": tracking}})
	cb, err := Parse(press)
	if err != nil {
		t.Fatal(err)
	}
	items := inbound(testChannel, cb)
	if len(items) != 1 || items[0].Type != "quick_reply" || items[0].Text != "Support" {
		t.Fatalf("press %+v", items)
	}
	// Typed text that is not an option stays text.
	typed := strings.Replace(string(press), `"text":"Support"`, `"text":"something else"`, 1)
	cb, _ = Parse([]byte(typed))
	if items := inbound(testChannel, cb); items[0].Type != "text" {
		t.Errorf("typed text stored as %q", items[0].Type)
	}
	// More options than a keyboard shows are cut at MaxButtons.
	var many []string
	for i := range MaxButtons + 3 {
		many = append(many, strings.Repeat("x", i+1))
	}
	if kb := keyboard(many); len(kb.Buttons) != MaxButtons {
		t.Errorf("%d buttons", len(kb.Buttons))
	}
}

// Viber's answers: status 0 is success; tooManyRequests (12) and HTTP
// 429 are retried no sooner than Retry-After; 5xx and an undocumented
// status are retried; a receiver not subscribed or not registered, bad
// or missing data and a wrong token fail the message for good, in
// Viber's words.
func TestSendErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		header    string
		body      string
		permanent bool
		reason    string
		retry     time.Duration
	}{
		{"not subscribed", 200, "", `{"status":6,"status_message":"notSubscribed","chat_hostname":"SN-CHAT-05_"}`, true,
			"Viber: notSubscribed (status 6): the contact is not subscribed to the bot (they unsubscribed, or never wrote): a bot may write only to its subscribers", 0},
		{"not registered", 200, "", `{"status":5,"status_message":"receiverNotRegistered"}`, true,
			"Viber: receiverNotRegistered (status 5): the contact is no longer registered on Viber", 0},
		{"bad data", 200, "", `{"status":3,"status_message":"Bad receiver ID"}`, true, "Viber: Bad receiver ID (status 3)", 0},
		{"missing data", 200, "", `{"status":4,"status_message":"missingData"}`, true, "Viber: missingData (status 4)", 0},
		{"wrong token", 200, "", `{"status":2,"status_message":"invalidAuthToken"}`, true,
			"Viber: invalidAuthToken (status 2): the channel's authentication token is not valid", 0},
		{"too many requests", 200, "7", `{"status":12,"status_message":"tooManyRequests"}`, false, "", 7 * time.Second},
		{"HTTP 429", 429, "3", `{"status":12,"status_message":"tooManyRequests"}`, false, "", 3 * time.Second},
		{"general error", 200, "", `{"status":255,"status_message":"generalError"}`, false, "", 0},
		{"500", 500, "", `<html>Internal Server Error</html>`, false, "", 0},
		{"503 from a proxy", 503, "", ``, false, "", 0},
		{"404 from a proxy", 404, "", `<html>Not Found</html>`, true, "Viber refused the request (HTTP 404)", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeViber(t)
			api.queueRetryAfter("send_message", tc.status, tc.body, tc.header)
			_, err := api.provider().Send(context.Background(), api.channel(), "01234567890A=", msgOf("text", "hi", ""))
			channeltest.CheckFailure(t, err, channeltest.Failure{Permanent: tc.permanent, Reason: tc.reason, RetryAfter: tc.retry, Secret: testAuthToken})
		})
	}
}

// A message Viber cannot carry fails for good, without a call.
func TestSendRefused(t *testing.T) {
	api := newFakeViber(t)
	for _, msg := range []conversation.Message{
		msgOf("template", "", `{"type":"template","name":"hello","language":"en"}`),
		msgOf("attachment", "", `{"attachment":{"type":"hologram","url":"https://x.example/h"}}`),
		msgOf("attachment", "", `{"attachment":{"type":"image","url":""}}`),
		msgOf("quick_reply", "", `{"replies":["a"]}`),
		msgOf("attachment", "", `{"attachment":{"type":"image","url":"/media/abc/key"}}`),
		msgOf("text", strings.Repeat("a", MaxTextLength+1), ""),
		msgOf("card", "", `[1,2]`),
	} {
		if _, err := api.provider().Send(context.Background(), api.channel(), "01234567890A=", msg); !outbound.IsPermanent(err) {
			t.Errorf("%s %.40s: %v, want a permanent failure", msg.Type, msg.Content, err)
		}
	}
	// A file stored on a node without a public URL: say how to fix it.
	_, err := api.provider().Send(context.Background(), api.channel(), "01234567890A=",
		msgOf("attachment", "", `{"attachment":{"type":"file","url":"/media/abc/key","media_id":"abc"}}`))
	if !strings.Contains(outbound.Reason(err), "--public-url") {
		t.Errorf("relative URL: %v", err)
	}
	ch := api.channel()
	ch.SecretConfig = nil
	if _, err := api.provider().Send(context.Background(), ch, "1", msgOf("text", "hi", "")); !outbound.IsPermanent(err) {
		t.Errorf("no token: %v", err)
	}
	if n := len(api.made()); n != 0 {
		t.Errorf("%d calls made", n)
	}
	// The node's guard refuses loopback: permanent, saying how to allow it.
	_, err = New(nil).Send(context.Background(), api.channel(), "1", msgOf("text", "hi", ""))
	if !outbound.IsPermanent(err) || !strings.Contains(outbound.Reason(err), netguard.AllowFlag) {
		t.Errorf("guarded: %v", err)
	}
}

// A message sent in several parts resumes after those delivered: a
// retry after the text failed sends the text alone, not the file again.
func TestSendResumesAfterDeliveredParts(t *testing.T) {
	api := newFakeViber(t)
	msg := msgOf("attachment", "", `{"text":"our terms","attachments":[{"type":"file","url":"https://files.example.com/terms.pdf","size":10}]}`)
	log := &partLog{}
	ctx := channel.WithPartLog(context.Background(), log)
	api.queue("send_message", 200, `{"status":0,"status_message":"ok","message_token":5000000000000000001}`)
	api.queue("send_message", 500, `{"status":255,"status_message":"generalError"}`)
	if _, err := api.provider().Send(ctx, api.channel(), "01234567890A=", msg); err == nil || outbound.IsPermanent(err) {
		t.Fatalf("first attempt: %v", err)
	}
	id, err := api.provider().Send(ctx, api.channel(), "01234567890A=", msg)
	if err != nil || id != "5000000000000000001" {
		t.Fatalf("second attempt: %q %v", id, err)
	}
	calls := api.made()
	if len(calls) != 3 || calls[2].Body["type"] != "text" {
		t.Errorf("calls %+v", calls)
	}
}

// partLog is a channel.PartLog kept in memory across attempts.
type partLog struct{ ids []string }

func (l *partLog) Sent() []string { return l.ids }
func (l *partLog) Delivered(_ context.Context, id string) error {
	l.ids = append(l.ids, id)
	return nil
}
