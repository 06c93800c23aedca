package custom

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// testSender is a Sender whose guard lets it reach the test's own
// httptest servers on 127.0.0.1, and nothing else private.
func testSender() *Sender {
	return NewSender(channeltest.LoopbackClient())
}

func customChannel(baseURL string) channel.Channel {
	cfg, _ := json.Marshal(Config{BaseURL: baseURL})
	return channel.Channel{ID: 42, WorkspaceID: 1, Type: channel.TypeCustom, Token: "tok-42", Config: cfg}
}

// The POST carries respond.io's body shape, the channel's token, and the
// message id as Idempotency-Key.
func TestSenderRequest(t *testing.T) {
	tests := []struct {
		name string
		msg  conversation.Message
		want string // the "message" member sent
	}{
		{"text", conversation.Message{ID: 7, Type: "text", Text: "Hello", Content: json.RawMessage(`{}`)}, `{"text":"Hello","type":"text"}`},
		{"attachment", conversation.Message{ID: 8, Type: "attachment", Text: "a cat",
			Content: json.RawMessage(`{"attachment":{"type":"image","url":"https://x/cat.jpg"}}`)},
			`{"attachment":{"type":"image","url":"https://x/cat.jpg"},"text":"a cat","type":"attachment"}`},
		{"quick reply", conversation.Message{ID: 9, Type: "quick_reply", Text: "Size?", Content: json.RawMessage(`{"type":"quick_reply","title":"Size?","replies":["S","L"]}`)},
			`{"replies":["S","L"],"text":"Size?","title":"Size?","type":"quick_reply"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *http.Request
			var body []byte
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got, body = r, mustRead(r.Body)
				io.WriteString(w, `{"mId":"prov-1"}`)
			}))
			defer srv.Close()
			id, err := testSender().Send(context.Background(), customChannel(srv.URL+"/"), "+14155550100", tt.msg)
			if err != nil || id != "prov-1" {
				t.Fatalf("Send = %q, %v", id, err)
			}
			if got.Method != http.MethodPost || got.URL.Path != "/message" || got.Header.Get("Authorization") != "Bearer tok-42" ||
				got.Header.Get("Content-Type") != "application/json" || got.Header.Get("Idempotency-Key") != jsonID(tt.msg.ID) {
				t.Errorf("request %s %s headers %v", got.Method, got.URL.Path, got.Header)
			}
			var sent struct {
				ChannelID string          `json:"channelId"`
				ContactID string          `json:"contactId"`
				Message   json.RawMessage `json:"message"`
			}
			if err := json.Unmarshal(body, &sent); err != nil {
				t.Fatal(err)
			}
			if sent.ChannelID != "42" || sent.ContactID != "+14155550100" || string(sent.Message) != tt.want {
				t.Errorf("body = %s", body)
			}
		})
	}
}

func jsonID(id int64) string { b, _ := json.Marshal(id); return string(b) }

func mustRead(r io.Reader) []byte { b, _ := io.ReadAll(r); return b }

// The integrator's answer decides between success, a permanent failure
// with its reason, and a retry.
func TestSenderClassifiesAnswers(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		wantID    string
		permanent bool
		reason    string // for a permanent failure
	}{
		{"ok", 200, `{"mId":"abc"}`, "abc", false, ""},
		{"ok numeric mId", 200, `{"mId":12345}`, "12345", false, ""},
		{"created", 201, `{"mId":"abc"}`, "abc", false, ""},
		{"ok without mId", 200, `{}`, "", false, ""},
		{"ok with blank mId", 200, `{"mId":" "}`, "", false, ""},
		{"ok not JSON", 200, `sent!`, "", false, ""},
		{"refused", 400, `{"error":{"message":"contact blocked"}}`, "", true, "contact blocked"},
		{"refused, flat error", 422, `{"error":"unknown contact"}`, "", true, "unknown contact"},
		{"refused, message", 403, `{"message":"token revoked"}`, "", true, "token revoked"},
		{"refused, no body", 404, ``, "", true, "HTTP 404 Not Found"},
		{"refused, text body", 400, `bad things`, "", true, "HTTP 400 Bad Request: bad things"},
		{"request timeout", 408, ``, "", false, ""},
		{"rate limited", 429, `{"error":{"message":"slow down"}}`, "", false, ""},
		{"server error", 500, `{"error":{"message":"boom"}}`, "", false, ""},
		{"bad gateway", 502, `<html>`, "", false, ""},
		{"redirect not followed", 304, ``, "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			id, err := testSender().Send(context.Background(), customChannel(srv.URL), "c1", conversation.Message{ID: 1, Type: "text", Text: "hi"})
			if tt.wantID != "" {
				if err != nil || id != tt.wantID {
					t.Fatalf("Send = %q, %v; want %q", id, err, tt.wantID)
				}
				return
			}
			if err == nil {
				t.Fatalf("Send = %q, want an error", id)
			}
			if outbound.IsPermanent(err) != tt.permanent {
				t.Errorf("permanent = %v, want %v (%v)", !tt.permanent, tt.permanent, err)
			}
			if tt.permanent && outbound.Reason(err) != tt.reason {
				t.Errorf("reason = %q, want %q", outbound.Reason(err), tt.reason)
			}
			if !strings.HasPrefix(err.Error(), "custom: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

// A slow integrator and an unreachable one are retried, not failed.
func TestSenderTimeoutAndNetworkErrors(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	s := &Sender{Client: testSender().Client, Timeout: 50 * time.Millisecond}
	_, err := s.Send(context.Background(), customChannel(slow.URL), "c1", conversation.Message{ID: 1, Type: "text", Text: "hi"})
	if err == nil || outbound.IsPermanent(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow integrator: %v, want a retryable deadline error", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	_, err = testSender().Send(context.Background(), customChannel(closed), "c1", conversation.Message{ID: 1, Type: "text", Text: "hi"})
	if err == nil || outbound.IsPermanent(err) {
		t.Errorf("unreachable integrator: %v, want a retryable error", err)
	}
}

// A channel that cannot be sent to at all fails permanently at once.
func TestSenderMisconfigured(t *testing.T) {
	for name, ch := range map[string]channel.Channel{
		"no base URL":  {ID: 1, Type: channel.TypeCustom, Config: json.RawMessage(`{}`)},
		"config array": {ID: 1, Type: channel.TypeCustom, Config: json.RawMessage(`[]`)},
		"bad URL":      customChannel("http://[::1"),
	} {
		_, err := testSender().Send(context.Background(), ch, "c1", conversation.Message{ID: 1, Type: "text", Text: "hi"})
		if !outbound.IsPermanent(err) {
			t.Errorf("%s: %v, want a permanent error", name, err)
		}
	}
	_, err := testSender().Send(context.Background(), customChannel("http://127.0.0.1:1"), "c1",
		conversation.Message{ID: 1, Type: "attachment", Content: json.RawMessage(`[1]`)})
	if !outbound.IsPermanent(err) {
		t.Errorf("non-object content: %v, want a permanent error", err)
	}
}
