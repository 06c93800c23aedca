package whatsapp

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
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/channel/meta"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// testProvider reaches the test's httptest servers on 127.0.0.1 and
// nothing else private.
func testProvider() *Provider {
	return New(channeltest.LoopbackClient())
}

// waChannel is a WhatsApp channel calling the Graph API at baseURL.
func waChannel(baseURL string) channel.Channel {
	cfg, _ := json.Marshal(Config{PhoneNumberID: testPhoneNumberID, BusinessAccountID: "102290129340398", BaseURL: baseURL, Version: "v21.0"})
	return channel.Channel{ID: 9, WorkspaceID: 1, Type: Type, Token: "generated", Config: cfg,
		SecretConfig: map[string]string{"access_token": "EAAG-token", "app_secret": testAppSecret}}
}

// graphServer answers like the Cloud API's messages endpoint: the
// documented success body, recording each request. With templates set, a
// GET of a business account's message_templates answers it, unrecorded.
type graphServer struct {
	*httptest.Server
	mu        sync.Mutex
	requests  []recorded
	answer    func(n int, w http.ResponseWriter) // nil: success
	templates string
}

type recorded struct {
	method, path, auth string
	body               map[string]any
}

func newGraph(t *testing.T) *graphServer {
	g := &graphServer{}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.templates != "" && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/message_templates") {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, g.templates)
			return
		}
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		json.Unmarshal(raw, &body)
		g.mu.Lock()
		g.requests = append(g.requests, recorded{r.Method, r.URL.Path, r.Header.Get("Authorization"), body})
		n := len(g.requests)
		g.mu.Unlock()
		if g.answer != nil {
			g.answer(n, w)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"messaging_product":"whatsapp","contacts":[{"input":"+16505551234","wa_id":"16505551234"}],"messages":[{"id":"wamid.sent`+string(rune('0'+n))+`"}]}`)
	}))
	t.Cleanup(g.Close)
	return g
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Each kind of outbound message becomes the Cloud API's request body.
func TestSendBodies(t *testing.T) {
	long := strings.Repeat("x", 21)
	tests := []struct {
		name string
		msg  conversation.Message
		want []string // the bodies, without messaging_product, recipient_type and to
	}{
		{"text", conversation.Message{ID: 1, Type: "text", Text: "Hello"},
			[]string{`{"text":{"body":"Hello","preview_url":false},"type":"text"}`}},
		{"text with a link", conversation.Message{ID: 1, Type: "text", Text: "See https://example.com/x"},
			[]string{`{"text":{"body":"See https://example.com/x","preview_url":true},"type":"text"}`}},
		{"three choices: reply buttons", conversation.Message{ID: 2, Type: "quick_reply", Text: "What do you need?",
			Content: json.RawMessage(`{"type":"quick_reply","text":"What do you need?","replies":["Sales","Support","Billing"]}`)},
			[]string{`{"interactive":{"action":{"buttons":[{"reply":{"id":"Sales","title":"Sales"},"type":"reply"},{"reply":{"id":"Support","title":"Support"},"type":"reply"},{"reply":{"id":"Billing","title":"Billing"},"type":"reply"}]},"body":{"text":"What do you need?"},"type":"button"},"type":"interactive"}`}},
		{"a long choice is cut, its id whole", conversation.Message{ID: 2, Type: "quick_reply", Text: "Which?",
			Content: json.RawMessage(`{"replies":["Technical support for my account","Other"]}`)},
			[]string{`{"interactive":{"action":{"buttons":[{"reply":{"id":"Technical support for my account","title":"Technical support f…"},"type":"reply"},{"reply":{"id":"Other","title":"Other"},"type":"reply"}]},"body":{"text":"Which?"},"type":"button"},"type":"interactive"}`}},
		{"Ask a Question's numbered options: buttons without them", conversation.Message{ID: 2, Type: "quick_reply", Text: "What can we help you with?\n1. Sales\n2. Support\n3. Billing",
			Content: json.RawMessage(`{"type":"quick_reply","text":"What can we help you with?\n1. Sales\n2. Support\n3. Billing","replies":["Sales","Support","Billing"]}`)},
			[]string{`{"interactive":{"action":{"buttons":[{"reply":{"id":"Sales","title":"Sales"},"type":"reply"},{"reply":{"id":"Support","title":"Support"},"type":"reply"},{"reply":{"id":"Billing","title":"Billing"},"type":"reply"}]},"body":{"text":"What can we help you with?"},"type":"button"},"type":"interactive"}`}},
		{"twelve numbered options: the text as it was", conversation.Message{ID: 2, Type: "quick_reply", Text: "Q\n1. a\n2. b\n3. c\n4. d\n5. e\n6. f\n7. g\n8. h\n9. i\n10. j\n11. k\n12. l",
			Content: json.RawMessage(`{"replies":["a","b","c","d","e","f","g","h","i","j","k","l"]}`)},
			[]string{`{"text":{"body":"Q\n1. a\n2. b\n3. c\n4. d\n5. e\n6. f\n7. g\n8. h\n9. i\n10. j\n11. k\n12. l","preview_url":false},"type":"text"}`}},
		{"a list row cut, its description whole", conversation.Message{ID: 3, Type: "quick_reply", Text: "Pick",
			Content: json.RawMessage(`{"replies":["a","b","c","d","Priority Mail Express next day"]}`)},
			[]string{`{"interactive":{"action":{"button":"Choose","sections":[{"rows":[{"id":"a","title":"a"},{"id":"b","title":"b"},{"id":"c","title":"c"},{"id":"d","title":"d"},{"description":"Priority Mail Express next day","id":"Priority Mail Express next day","title":"Priority Mail Express n…"}]}]},"body":{"text":"Pick"},"type":"list"},"type":"interactive"}`}},
		{"five choices: a list", conversation.Message{ID: 3, Type: "quick_reply", Text: "Pick a size",
			Content: json.RawMessage(`{"replies":["XS","S","M","L",{"title":"XL"}]}`)},
			[]string{`{"interactive":{"action":{"button":"Choose","sections":[{"rows":[{"id":"XS","title":"XS"},{"id":"S","title":"S"},{"id":"M","title":"M"},{"id":"L","title":"L"},{"id":"XL","title":"XL"}]}]},"body":{"text":"Pick a size"},"type":"list"},"type":"interactive"}`}},
		{"twelve choices: numbered text", conversation.Message{ID: 4, Type: "quick_reply", Text: "Pick",
			Content: json.RawMessage(`{"replies":["a","b","c","d","e","f","g","h","i","j","k","l"]}`)},
			[]string{`{"text":{"body":"Pick\n1. a\n2. b\n3. c\n4. d\n5. e\n6. f\n7. g\n8. h\n9. i\n10. j\n11. k\n12. l","preview_url":false},"type":"text"}`}},
		{"buttons whose cut titles collide: a list", conversation.Message{ID: 5, Type: "quick_reply", Text: "Q",
			Content: json.RawMessage(`{"replies":["` + long + `1","` + long + `2"]}`)},
			[]string{`{"interactive":{"action":{"button":"Choose","sections":[{"rows":[{"id":"` + long + `1","title":"` + long + `1"},{"id":"` + long + `2","title":"` + long + `2"}]}]},"body":{"text":"Q"},"type":"list"},"type":"interactive"}`}},
		{"image with a caption", conversation.Message{ID: 6, Type: "attachment", Text: "The invoice",
			Content: json.RawMessage(`{"attachment":{"type":"image","url":"https://sb.example/media/m1/k","media_id":"m1"}}`)},
			[]string{`{"image":{"caption":"The invoice","link":"https://sb.example/media/m1/k"},"type":"image"}`}},
		{"file as a document", conversation.Message{ID: 7, Type: "attachment",
			Content: json.RawMessage(`{"attachment":{"type":"file","url":"https://sb.example/f.pdf","file_name":"f.pdf"}}`)},
			[]string{`{"document":{"filename":"f.pdf","link":"https://sb.example/f.pdf"},"type":"document"}`}},
		{"workflow attachments: video and audio", conversation.Message{ID: 8, Type: "attachment", Text: "Watch",
			Content: json.RawMessage(`{"type":"attachment","text":"Watch","attachments":[{"type":"video","url":"https://x/v.mp4"},{"type":"audio","url":"https://x/a.ogg"}]}`)},
			[]string{`{"type":"video","video":{"caption":"Watch","link":"https://x/v.mp4"}}`, `{"audio":{"link":"https://x/a.ogg"},"type":"audio"}`}},
		{"audio with text: the text first", conversation.Message{ID: 9, Type: "attachment", Text: "Listen",
			Content: json.RawMessage(`{"attachment":{"type":"audio","url":"https://x/a.ogg"}}`)},
			[]string{`{"text":{"body":"Listen","preview_url":false},"type":"text"}`, `{"audio":{"link":"https://x/a.ogg"},"type":"audio"}`}},
		{"template with parameters", conversation.Message{ID: 10, Type: "template",
			Content: json.RawMessage(`{"type":"template","name":"order_update","language":"en_US","params":["Ada","#1042"]}`)},
			[]string{`{"template":{"components":[{"parameters":[{"text":"Ada","type":"text"},{"text":"#1042","type":"text"}],"type":"body"}],"language":{"code":"en_US"},"name":"order_update"},"type":"template"}`}},
		{"template with a text header", conversation.Message{ID: 12, Type: "template",
			Content: json.RawMessage(`{"type":"template","name":"order_shipped","language":"en","header":{"type":"text","text":"#1042"},"params":["Ada"]}`)},
			[]string{`{"template":{"components":[{"parameters":[{"text":"#1042","type":"text"}],"type":"header"},{"parameters":[{"text":"Ada","type":"text"}],"type":"body"}],"language":{"code":"en"},"name":"order_shipped"},"type":"template"}`}},
		{"template with named parameters", conversation.Message{ID: 15, Type: "template",
			Content: json.RawMessage(`{"type":"template","name":"order_ready","language":"en","header":{"type":"text","text":"#1042","param_name":"order_id"},"params":{"first_name":"Ada","store":"Soho"}}`)},
			[]string{`{"template":{"components":[{"parameters":[{"parameter_name":"order_id","text":"#1042","type":"text"}],"type":"header"},{"parameters":[{"parameter_name":"first_name","text":"Ada","type":"text"},{"parameter_name":"store","text":"Soho","type":"text"}],"type":"body"}],"language":{"code":"en"},"name":"order_ready"},"type":"template"}`}},
		{"template with a document header", conversation.Message{ID: 13, Type: "template",
			Content: json.RawMessage(`{"type":"template","name":"invoice","language":"fr","header":{"type":"document","url":"https://files.example.com/f-1042.pdf","file_name":"F-1042.pdf"}}`)},
			[]string{`{"template":{"components":[{"parameters":[{"document":{"filename":"F-1042.pdf","link":"https://files.example.com/f-1042.pdf"},"type":"document"}],"type":"header"}],"language":{"code":"fr"},"name":"invoice"},"type":"template"}`}},
		{"template with an image header", conversation.Message{ID: 14, Type: "template",
			Content: json.RawMessage(`{"type":"template","name":"new_collection","language":"en","header":{"type":"image","url":"https://cdn.example.com/boots.jpg"}}`)},
			[]string{`{"template":{"components":[{"parameters":[{"image":{"link":"https://cdn.example.com/boots.jpg"},"type":"image"}],"type":"header"}],"language":{"code":"en"},"name":"new_collection"},"type":"template"}`}},
		{"template without parameters", conversation.Message{ID: 11, Type: "template",
			Content: json.RawMessage(`{"name":"hello_world","language":"en_US"}`)},
			[]string{`{"template":{"language":{"code":"en_US"},"name":"hello_world"},"type":"template"}`}},
		{"location", conversation.Message{ID: 12, Type: "location",
			Content: json.RawMessage(`{"latitude":37.48,"longitude":-122.14,"address":"1 Hacker Way"}`)},
			[]string{`{"location":{"address":"1 Hacker Way","latitude":37.48,"longitude":-122.14},"type":"location"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGraph(t)
			id, err := testProvider().Send(context.Background(), waChannel(g.URL+"/"), "+16505551234", tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			if len(g.requests) != len(tt.want) {
				t.Fatalf("%d requests, want %d", len(g.requests), len(tt.want))
			}
			// The id is the file's, after text that went first.
			wantID := "wamid.sent1"
			if strings.Contains(tt.name, "the text first") {
				wantID = "wamid.sent2"
			}
			if id != wantID {
				t.Errorf("id %q, want %q", id, wantID)
			}
			for i, r := range g.requests {
				if r.method != "POST" || r.path != "/v21.0/"+testPhoneNumberID+"/messages" || r.auth != "Bearer EAAG-token" {
					t.Errorf("request %s %s %s", r.method, r.path, r.auth)
				}
				if r.body["messaging_product"] != "whatsapp" || r.body["to"] != "16505551234" || r.body["recipient_type"] != "individual" {
					t.Errorf("envelope %v", r.body)
				}
				delete(r.body, "messaging_product")
				delete(r.body, "to")
				delete(r.body, "recipient_type")
				if got := asJSON(r.body); got != tt.want[i] {
					t.Errorf("body %d\n got %s\nwant %s", i, got, tt.want[i])
				}
			}
		})
	}
}

// Messages WhatsApp cannot carry fail for good before any call.
func TestSendRefusedBeforeCalling(t *testing.T) {
	g := newGraph(t)
	for _, m := range []conversation.Message{
		{Type: "text", Text: strings.Repeat("a", MaxTextLength+1)},
		{Type: "template", Content: json.RawMessage(`{"language":"en"}`)},
		{Type: "template", Content: json.RawMessage(`{"name":"x"}`)},
		{Type: "template", Content: json.RawMessage(`{"name":"x","language":"en","header":{"type":"text","text":" "}}`)},
		{Type: "template", Content: json.RawMessage(`{"name":"x","language":"en","header":{"type":"image","url":"/media/1.jpg"}}`)},
		{Type: "template", Content: json.RawMessage(`{"name":"x","language":"en","header":{"type":"sticker","url":"https://a.example/s.webp"}}`)},
		{Type: "template", Content: json.RawMessage(`{"name":"x","language":"en","params":{"first_name":1}}`)},
		{Type: "template", Content: json.RawMessage(`{"name":"x","language":"en","params":"Ada"}`)},
		{Type: "attachment", Content: json.RawMessage(`{"attachment":{"type":"image","url":"/media/relative"}}`)},
		{Type: "attachment", Content: json.RawMessage(`{"attachment":{"type":"hologram","url":"https://x"}}`)},
		{Type: "poll"},
		{Type: "quick_reply", Content: json.RawMessage(`[1]`)},
	} {
		if _, err := testProvider().Send(context.Background(), waChannel(g.URL), "1", m); !outbound.IsPermanent(err) {
			t.Errorf("%s %s: %v", m.Type, m.Content, err)
		}
	}
	if len(g.requests) != 0 {
		t.Errorf("%d calls", len(g.requests))
	}
}

// The Graph API's documented errors: a refusal fails the message with
// WhatsApp's words; rate limits (429, code 131056) and server errors are
// retried, after Retry-After when given.
func TestSendErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		header    map[string]string
		body      string
		permanent bool
		reason    string
		after     time.Duration
	}{
		{"invalid recipient", 400, nil, `{"error":{"message":"(#131026) Message undeliverable","type":"OAuthException","code":131026,"error_data":{"messaging_product":"whatsapp","details":"Message Undeliverable."},"fbtrace_id":"A1b2"}}`,
			true, "(#131026) Message undeliverable: Message Undeliverable. (code 131026)", 0},
		{"outside the window", 400, nil, `{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},"fbtrace_id":"A1b2"}}`,
			true, "(#131047) Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number. (code 131047)", 0},
		{"an expired token", 401, nil, `{"error":{"message":"Error validating access token: Session has expired.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"x"}}`,
			true, "Error validating access token: Session has expired. (code 190)", 0},
		{"too many requests", 429, map[string]string{"Retry-After": "7"}, `{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429}}`, false, "", 7 * time.Second},
		{"pair rate limit", 400, nil, `{"error":{"message":"(#131056) (Business Account, Consumer Account) pair rate limit hit","type":"OAuthException","code":131056}}`, false, "", 0},
		{"a server error", 503, nil, `{"error":{"message":"Service temporarily unavailable","code":2}}`, false, "", 0},
		{"a gateway page", 502, nil, `<html>Bad gateway</html>`, false, "", 0},
		{"2xx without an id", 200, nil, `{"messaging_product":"whatsapp"}`, false, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGraph(t)
			g.answer = func(_ int, w http.ResponseWriter) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}
			_, err := testProvider().Send(context.Background(), waChannel(g.URL), "16505551234", conversation.Message{ID: 5, Type: "text", Text: "hi"})
			if err == nil {
				t.Fatal("no error")
			}
			if outbound.IsPermanent(err) != tt.permanent {
				t.Fatalf("permanent = %v: %v", outbound.IsPermanent(err), err)
			}
			if tt.permanent && outbound.Reason(err) != tt.reason {
				t.Errorf("reason %q", outbound.Reason(err))
			}
			if d, ok := outbound.RetryAfter(err); tt.after != 0 && (!ok || d != tt.after) {
				t.Errorf("retry after %v %v", d, ok)
			}
			if tt.status != 200 {
				if _, ok := meta.AsGraphError(err); !ok {
					t.Errorf("no GraphError in %v", err)
				}
			}
		})
	}
}

// A base URL on an address the guard refuses fails for good.
func TestSendGuarded(t *testing.T) {
	g := newGraph(t)
	_, err := New(nil).Send(context.Background(), waChannel(g.URL), "1", conversation.Message{Type: "text", Text: "hi"})
	if !outbound.IsPermanent(err) || len(g.requests) != 0 {
		t.Errorf("%v, %d calls", err, len(g.requests))
	}
}

func TestCapabilitiesAndStatuses(t *testing.T) {
	c := New(nil).Capabilities()
	if c.Buttons != 3 || c.ListItems != 10 || c.MaxTextLength != 4096 || c.ReplyWindowSeconds != 86400 || c.ReplyWindowRule != "template" || !c.Templates {
		t.Errorf("%+v", c)
	}
	for in, want := range map[string]string{"sent": "sent", "delivered": "delivered", "read": "read", "failed": "failed"} {
		if got, ok := New(nil).MapStatus(in); !ok || got != want {
			t.Errorf("%s → %s %v", in, got, ok)
		}
	}
	if _, ok := New(nil).MapStatus("deleted"); ok {
		t.Error("deleted mapped")
	}
}
