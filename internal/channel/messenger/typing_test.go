package messenger

import (
	"context"
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
