package telegram

import (
	"context"
	"testing"
)

// The typing sign is sendChatAction with the chat's id as a number; a
// stop calls nothing (a chat action ends by itself); the Bot API's
// refusal is the call's error.
func TestTyping(t *testing.T) {
	b := newBotAPI(t)
	p, ch := b.provider(), b.channel()
	ctx := context.Background()
	if err := p.Typing(ctx, ch, "123456789", "", true); err != nil {
		t.Fatal(err)
	}
	if err := p.Typing(ctx, ch, "123456789", "", false); err != nil {
		t.Fatal(err)
	}
	calls := b.made()
	if len(calls) != 1 || calls[0].Method != "sendChatAction" || calls[0].Params["chat_id"] != float64(123456789) || calls[0].Params["action"] != "typing" {
		t.Fatalf("%+v", calls)
	}
	b.queue("sendChatAction", 403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`)
	if err := p.Typing(ctx, ch, "123456789", "", true); err == nil {
		t.Error("a refusal was not an error")
	}
	if p.TypingLasts().Seconds() != 5 {
		t.Errorf("lasts %v", p.TypingLasts())
	}
}
