package whatsapp

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// The typing indicator refers to the contact's message and marks it read;
// without a message, or to stop, nothing is called; the Graph API's
// refusal is the call's error.
func TestTyping(t *testing.T) {
	g := newGraph(t)
	g.answer = func(n int, w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		if n == 2 {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":{"message":"(#131009) Parameter value is not valid","type":"OAuthException","code":131009,"fbtrace_id":"A1b2"}}`)
			return
		}
		io.WriteString(w, `{"success":true}`)
	}
	p, ch := testProvider(), waChannel(g.URL)
	ctx := context.Background()
	wamid := "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA"
	for _, c := range []struct {
		replyTo string
		on      bool
	}{{wamid, true}, {"", true}, {wamid, false}} {
		if err := p.Typing(ctx, ch, "+16505551234", c.replyTo, c.on); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Typing(ctx, ch, "+16505551234", wamid, true); err == nil {
		t.Error("a refusal was not an error")
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.requests) != 2 {
		t.Fatalf("%d requests: %+v", len(g.requests), g.requests)
	}
	r := g.requests[0]
	if r.method != "POST" || r.path != "/v21.0/"+testPhoneNumberID+"/messages" || r.auth != "Bearer EAAG-token" ||
		asJSON(r.body) != `{"message_id":"`+wamid+`","messaging_product":"whatsapp","status":"read","typing_indicator":{"type":"text"}}` {
		t.Errorf("%+v", r)
	}
}

// A read receipt is the Cloud API's read status of the contact's message;
// a channel set never to send them calls nothing, not even the typing
// indicator (which marks the message read).
func TestMarkRead(t *testing.T) {
	g := newGraph(t)
	g.answer = func(n int, w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"success":true}`)
	}
	p, ch := testProvider(), waChannel(g.URL)
	ctx := context.Background()
	if err := p.MarkRead(ctx, ch, "+16505551234", "wamid.in1"); err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	json.Unmarshal(ch.Config, &cfg)
	cfg["read_receipts"] = "never"
	ch.Config, _ = json.Marshal(cfg)
	if err := p.MarkRead(ctx, ch, "+16505551234", "wamid.in2"); err != nil {
		t.Fatal(err)
	}
	if err := p.Typing(ctx, ch, "+16505551234", "wamid.in2", true); err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.requests) != 1 || asJSON(g.requests[0].body) != `{"message_id":"wamid.in1","messaging_product":"whatsapp","status":"read"}` {
		t.Fatalf("%+v", g.requests)
	}
}
