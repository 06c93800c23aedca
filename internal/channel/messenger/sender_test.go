package messenger

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// graphServer speaks the Send API: it records each request and answers
// with the next canned answer (a documented success body by default).
type graphServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []graphRequest
	answers  []cannedAnswer
	n        int
}

type graphRequest struct {
	Method, Path, Query, Auth string
	Body                      map[string]any
}

type cannedAnswer struct {
	status int
	header map[string]string
	body   string
}

func newGraphServer(t *testing.T, answers ...cannedAnswer) *graphServer {
	g := &graphServer{answers: answers}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		g.mu.Lock()
		g.requests = append(g.requests, graphRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), body})
		i := g.n
		g.n++
		g.mu.Unlock()
		a := cannedAnswer{status: 200, body: `{"recipient_id":"` + fxPSID + `","message_id":"m_sent_` + string(rune('a'+i)) + `"}`}
		if i < len(g.answers) {
			a = g.answers[i]
		}
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(g.Close)
	return g
}

// channelAt is a test channel of platform p whose Graph API is g.
func channelAt(p platform, g *graphServer, humanAgent bool) channel.Channel {
	ch := testChannel(p, humanAgent)
	var cfg Config
	_ = json.Unmarshal(ch.Config, &cfg)
	cfg.GraphURL = g.URL
	ch.Config, _ = json.Marshal(cfg)
	return ch
}

func TestSend(t *testing.T) {
	long := strings.Repeat("option ", 5) // 35 characters
	for _, tc := range []struct {
		name   string
		p      platform
		msg    conversation.Message
		bodies []string // the JSON each request must hold
		mid    string
	}{
		{"text", messengerPlatform, conversation.Message{ID: 8, Type: "text", Text: "Hello there"},
			[]string{`{"message":{"metadata":"switchboard:8","text":"Hello there"},"messaging_type":"RESPONSE","recipient":{"id":"` + fxPSID + `"}}`}, "m_sent_a"},
		{"instagram text, no metadata", instagramPlatform, conversation.Message{ID: 8, Type: "text", Text: "Hello there"},
			[]string{`{"message":{"text":"Hello there"},"messaging_type":"RESPONSE","recipient":{"id":"` + fxPSID + `"}}`}, "m_sent_a"},
		{"quick replies", messengerPlatform, conversation.Message{ID: 9, Type: "quick_reply", Text: "Which team?",
			Content: json.RawMessage(`{"type":"quick_reply","text":"Which team?","replies":["Sales","` + long + `"]}`)},
			[]string{`{"message":{"metadata":"switchboard:9","quick_replies":[{"content_type":"text","payload":"Sales","title":"Sales"},` +
				`{"content_type":"text","payload":"` + strings.TrimSpace(long) + `","title":"option option optio…"}],"text":"Which team?"},` +
				`"messaging_type":"RESPONSE","recipient":{"id":"` + fxPSID + `"}}`}, "m_sent_a"},
		// An API client may write Meta's own shape, or the {"text"} and
		// {"label"} every other channel reads (channel.ReplyTitles): the
		// contact sees the title, the answer carries the payload.
		{"quick replies as objects", messengerPlatform, conversation.Message{ID: 9, Type: "quick_reply", Text: "Which colour?",
			Content: json.RawMessage(`{"replies":[{"content_type":"text","title":"Red","payload":"PICK_RED"},{"text":"Green"},{"label":"Blue"},{"title":" "}]}`)},
			[]string{`{"message":{"metadata":"switchboard:9","quick_replies":[{"content_type":"text","payload":"PICK_RED","title":"Red"},` +
				`{"content_type":"text","payload":"Green","title":"Green"},{"content_type":"text","payload":"Blue","title":"Blue"}],"text":"Which colour?"},` +
				`"messaging_type":"RESPONSE","recipient":{"id":"` + fxPSID + `"}}`}, "m_sent_a"},
		{"instagram quick replies", instagramPlatform, conversation.Message{ID: 9, Type: "quick_reply", Text: "Which team?",
			Content: json.RawMessage(`{"replies":[{"title":"Sales"}]}`)},
			[]string{`{"message":{"quick_replies":[{"content_type":"text","payload":"Sales","title":"Sales"}],"text":"Which team?"},"messaging_type":"RESPONSE","recipient":{"id":"` + fxPSID + `"}}`}, "m_sent_a"},
		{"an attachment", messengerPlatform, conversation.Message{ID: 10, Type: "attachment",
			Content: json.RawMessage(`{"attachment":{"type":"image","url":"https://example.com/cat.jpg"}}`)},
			[]string{`{"message":{"attachment":{"payload":{"url":"https://example.com/cat.jpg"},"type":"image"},"metadata":"switchboard:10"},"messaging_type":"RESPONSE","recipient":{"id":"` + fxPSID + `"}}`}, "m_sent_a"},
		{"text and attachments", messengerPlatform, conversation.Message{ID: 11, Type: "attachment", Text: "Your invoice",
			Content: json.RawMessage(`{"type":"attachment","text":"Your invoice","attachments":[{"type":"file","url":"https://example.com/i.pdf"},{"type":"video","url":"https://example.com/v.mp4"}]}`)},
			[]string{`{"message":{"metadata":"switchboard:11","text":"Your invoice"},"messaging_type":"RESPONSE","recipient":{"id":"` + fxPSID + `"}}`,
				`{"message":{"attachment":{"payload":{"url":"https://example.com/i.pdf"},"type":"file"},"metadata":"switchboard:11"},"messaging_type":"RESPONSE","recipient":{"id":"` + fxPSID + `"}}`,
				`{"message":{"attachment":{"payload":{"url":"https://example.com/v.mp4"},"type":"video"},"metadata":"switchboard:11"},"messaging_type":"RESPONSE","recipient":{"id":"` + fxPSID + `"}}`}, "m_sent_c"},
		{"HUMAN_AGENT tag", messengerPlatform, conversation.Message{ID: 12, Type: "text", Text: "Following up",
			Content: json.RawMessage(`{"type":"text","text":"Following up","message_tag":"HUMAN_AGENT"}`)},
			[]string{`{"message":{"metadata":"switchboard:12","text":"Following up"},"messaging_type":"MESSAGE_TAG","recipient":{"id":"` + fxPSID + `"},"tag":"HUMAN_AGENT"}`}, "m_sent_a"},
		{"instagram HUMAN_AGENT tag", instagramPlatform, conversation.Message{ID: 12, Type: "text", Text: "Following up",
			Content: json.RawMessage(`{"message_tag":"HUMAN_AGENT"}`)},
			[]string{`{"message":{"text":"Following up"},"messaging_type":"MESSAGE_TAG","recipient":{"id":"` + fxPSID + `"},"tag":"HUMAN_AGENT"}`}, "m_sent_a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGraphServer(t)
			pr := newProvider(tc.p, g.Client())
			mid, err := pr.Send(context.Background(), channelAt(tc.p, g, true), fxPSID, tc.msg)
			if err != nil || mid != tc.mid {
				t.Fatalf("Send = %q, %v", mid, err)
			}
			if len(g.requests) != len(tc.bodies) {
				t.Fatalf("%d requests, want %d", len(g.requests), len(tc.bodies))
			}
			for i, r := range g.requests {
				if r.Method != "POST" || r.Path != "/"+DefaultGraphVersion+"/me/messages" || r.Auth != "Bearer EAAtoken" || r.Query != "" {
					t.Errorf("request %d: %s %s?%s auth %q", i, r.Method, r.Path, r.Query, r.Auth)
				}
				got, _ := json.Marshal(r.Body)
				if string(got) != tc.bodies[i] {
					t.Errorf("request %d:\n got %s\nwant %s", i, got, tc.bodies[i])
				}
			}
		})
	}
}

// Meta's documented error bodies: what the agent reads, and whether the
// dispatcher tries again.
func TestSendErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		answer    cannedAnswer
		permanent bool
		reason    string
		after     time.Duration
	}{
		{"outside the window", cannedAnswer{400, nil, `{"error":{"message":"(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview","type":"OAuthException","code":10,"error_subcode":2018278,"fbtrace_id":"H2WwuyEy1Kd"}}`},
			true, "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview (code 10)", 0},
		{"the person is unavailable", cannedAnswer{400, nil, `{"error":{"message":"(#551) This person isn't available right now.","type":"OAuthException","code":551,"error_subcode":1545041,"fbtrace_id":"AbC"}}`},
			true, "(#551) This person isn't available right now. (code 551)", 0},
		{"an expired token", cannedAnswer{400, nil, `{"error":{"message":"Error validating access token: Session has expired on Friday, 01-Nov-24 10:00:00 PDT.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"x"}}`},
			true, "Error validating access token: Session has expired on Friday, 01-Nov-24 10:00:00 PDT. (code 190)", 0},
		{"the app's rate limit", cannedAnswer{400, nil, `{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4,"is_transient":true,"fbtrace_id":"x"}}`}, false, "", 0},
		{"the page's rate limit", cannedAnswer{400, nil, `{"error":{"message":"(#613) Calls to this api have exceeded the rate limit.","type":"OAuthException","code":613,"fbtrace_id":"x"}}`}, false, "", 0},
		{"429 with Retry-After", cannedAnswer{429, map[string]string{"Retry-After": "7"}, `{"error":{"message":"(#4) Application request limit reached","code":4}}`}, false, "", 7 * time.Second},
		{"a server error", cannedAnswer{500, nil, `{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","is_transient":true,"code":2,"fbtrace_id":"x"}}`}, false, "", 0},
		{"a gateway's page", cannedAnswer{502, nil, `<html>Bad Gateway</html>`}, false, "", 0},
		{"2xx without a message id", cannedAnswer{200, nil, `{}`}, false, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGraphServer(t, tc.answer)
			pr := NewMessenger(g.Client())
			_, err := pr.Send(context.Background(), channelAt(messengerPlatform, g, false), fxPSID, conversation.Message{ID: 1, Type: "text", Text: "hi"})
			if err == nil {
				t.Fatal("no error")
			}
			if outbound.IsPermanent(err) != tc.permanent {
				t.Fatalf("permanent = %v: %v", outbound.IsPermanent(err), err)
			}
			if tc.permanent && outbound.Reason(err) != tc.reason {
				t.Errorf("reason %q", outbound.Reason(err))
			}
			if d, ok := outbound.RetryAfter(err); tc.after != 0 && (!ok || d != tc.after) {
				t.Errorf("retry after %v %v", d, ok)
			}
		})
	}
}

// What a platform cannot carry fails for good before any request.
func TestSendRefuses(t *testing.T) {
	thirteen := `"1","2","3","4","5","6","7","8","9","10","11","12","13"`
	for _, tc := range []struct {
		name   string
		p      platform
		msg    conversation.Message
		reason string
	}{
		{"Messenger text over 2000 characters", messengerPlatform, conversation.Message{Type: "text", Text: strings.Repeat("é", 2001)},
			"Messenger carries at most 2000 characters of text; this message has 2001"},
		{"Instagram text over 1000 bytes", instagramPlatform, conversation.Message{Type: "text", Text: strings.Repeat("é", 501)},
			"Instagram carries at most 1000 bytes of text; this message has 1002"},
		{"14 quick replies", messengerPlatform, conversation.Message{Type: "quick_reply", Text: "?", Content: json.RawMessage(`{"replies":[` + thirteen + `,"14"]}`)},
			"Meta carries at most 13 quick replies; this message has 14"},
		{"a file on Instagram", instagramPlatform, conversation.Message{Type: "attachment", Content: json.RawMessage(`{"attachment":{"type":"file","url":"https://x/y.pdf"}}`)},
			`Instagram cannot send a "file" attachment (it sends image, video, audio)`},
		{"an attachment without a URL", messengerPlatform, conversation.Message{Type: "attachment", Content: json.RawMessage(`{"attachment":{"type":"image","media_id":"abc"}}`)},
			"Messenger sends attachments by URL: the image attachment has no http(s) URL"},
		{"nothing", messengerPlatform, conversation.Message{Type: "text"}, "a text message without text or attachment cannot be sent"},
		{"content not an object", messengerPlatform, conversation.Message{Type: "attachment", Content: json.RawMessage(`[1]`)},
			"the content of a attachment message is not an object Messenger can send"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGraphServer(t)
			pr := newProvider(tc.p, g.Client())
			_, err := pr.Send(context.Background(), channelAt(tc.p, g, false), fxPSID, tc.msg)
			if !outbound.IsPermanent(err) || outbound.Reason(err) != tc.reason {
				t.Errorf("err = %v (reason %q)", err, outbound.Reason(err))
			}
			if len(g.requests) != 0 {
				t.Errorf("%d requests sent", len(g.requests))
			}
		})
	}
	// Thirteen quick replies are fine.
	g := newGraphServer(t)
	if _, err := NewMessenger(g.Client()).Send(context.Background(), channelAt(messengerPlatform, g, false), fxPSID,
		conversation.Message{Type: "quick_reply", Text: "?", Content: json.RawMessage(`{"replies":[` + thirteen + `]}`)}); err != nil {
		t.Error(err)
	}
}

// The node's guarded client refuses a Graph API URL on a private
// address: the message fails for good, saying how to allow it.
func TestSendGuarded(t *testing.T) {
	g := newGraphServer(t)
	_, err := NewMessenger(nil).Send(context.Background(), channelAt(messengerPlatform, g, false), fxPSID, conversation.Message{Type: "text", Text: "hi"})
	if !outbound.IsPermanent(err) || !strings.Contains(outbound.Reason(err), "address not allowed") {
		t.Errorf("err = %v", err)
	}
	if len(g.requests) != 0 {
		t.Error("the request reached the server")
	}
}
