package line

import (
	"context"
	"net/http"
	"testing"
)

// The typing sign is LINE's loading animation in a one-to-one chat;
// nothing is called for a stop (it cannot be taken down) or a group;
// LINE's refusal is the call's error.
func TestTyping(t *testing.T) {
	api := newLineAPI(t)
	p, ch := api.provider(), api.channel()
	ctx := context.Background()
	if err := p.Typing(ctx, ch, testUser, "468789577898262530", true); err != nil {
		t.Fatal(err)
	}
	for _, chat := range []string{testGroup, "Ra8dbf4673c4c812cd491258042226c99"} {
		if err := p.Typing(ctx, ch, chat, "", true); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Typing(ctx, ch, testUser, "", false); err != nil {
		t.Fatal(err)
	}
	calls := api.made()
	if len(calls) != 1 || calls[0].Method != http.MethodPost || calls[0].Path != "/v2/bot/chat/loading/start" ||
		calls[0].Body["chatId"] != testUser || calls[0].Body["loadingSeconds"] != 10.0 || len(calls[0].Body) != 2 {
		t.Fatalf("%+v", calls)
	}
	api.queue("POST /v2/bot/chat/loading/start", http.StatusBadRequest, `{"message":"The request body has 1 error(s)","details":[{"message":"must be a multiple of 5","property":"loadingSeconds"}]}`)
	if err := p.Typing(ctx, ch, testUser, "", true); err == nil {
		t.Error("a refusal was not an error")
	}
	if p.TypingLasts().Seconds() != loadingSeconds {
		t.Errorf("lasts %v", p.TypingLasts())
	}
}
