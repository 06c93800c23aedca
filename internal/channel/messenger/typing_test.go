package messenger

import (
	"context"
	"encoding/json"
	"testing"
)

// The typing sign is the Send API's sender action, on and off, on both
// platforms; the Graph API's refusal is the call's error.
func TestTyping(t *testing.T) {
	for _, p := range []platform{messengerPlatform, instagramPlatform} {
		t.Run(p.typ, func(t *testing.T) {
			g := newGraphServer(t, cannedAnswer{status: 200, body: `{"recipient_id":"` + fxPSID + `"}`},
				cannedAnswer{status: 200, body: `{"recipient_id":"` + fxPSID + `"}`},
				cannedAnswer{status: 400, body: `{"error":{"message":"(#100) No matching user found","type":"OAuthException","code":100,"error_subcode":2018001,"fbtrace_id":"A1b2"}}`})
			pr, ch := newProvider(p, g.Client()), channelAt(p, g, false)
			ctx := context.Background()
			if err := pr.Typing(ctx, ch, fxPSID, "", true); err != nil {
				t.Fatal(err)
			}
			if err := pr.Typing(ctx, ch, fxPSID, "", false); err != nil {
				t.Fatal(err)
			}
			if err := pr.Typing(ctx, ch, fxPSID, "", true); err == nil {
				t.Error("a refusal was not an error")
			}
			g.mu.Lock()
			defer g.mu.Unlock()
			if len(g.requests) != 3 {
				t.Fatalf("%d requests", len(g.requests))
			}
			for i, action := range []string{"typing_on", "typing_off"} {
				r := g.requests[i]
				if r.Method != "POST" || r.Path != "/"+DefaultGraphVersion+"/me/messages" || r.Auth == "" ||
					r.Body["sender_action"] != action || r.Body["recipient"].(map[string]any)["id"] != fxPSID || len(r.Body) != 2 {
					t.Errorf("%s: %+v", action, r)
				}
			}
		})
	}
}

// A read receipt is the sender action mark_seen; a channel set never to
// send them calls nothing (typing still shows: it tells nothing of a read).
func TestMarkRead(t *testing.T) {
	g := newGraphServer(t)
	pr, ch := newProvider(messengerPlatform, g.Client()), channelAt(messengerPlatform, g, false)
	ctx := context.Background()
	if err := pr.MarkRead(ctx, ch, fxPSID, "m_in_1"); err != nil {
		t.Fatal(err)
	}
	var cfg Config
	json.Unmarshal(ch.Config, &cfg)
	cfg.ReadReceipts = "never"
	ch.Config, _ = json.Marshal(cfg)
	if err := pr.MarkRead(ctx, ch, fxPSID, "m_in_2"); err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.requests) != 1 || g.requests[0].Body["sender_action"] != "mark_seen" || g.requests[0].Body["recipient"].(map[string]any)["id"] != fxPSID {
		t.Fatalf("%+v", g.requests)
	}
}
