package telegram

import (
	"context"
	"reflect"
	"testing"
)

// A sticker carries no caption on Telegram (sendSticker has none): the
// message's text follows it in a message of its own rather than being
// dropped.
func TestStickerTextFollowsTheSticker(t *testing.T) {
	api := newBotAPI(t)
	msg := msgOf("attachment", "Thanks for your order!", `{"attachment":{"type":"sticker","url":"https://files.example.com/s/thanks.webp"}}`)
	if _, err := api.provider().Send(context.Background(), api.channel(), "111222333", msg); err != nil {
		t.Fatal(err)
	}
	want := []botCall{
		{"sendSticker", map[string]any{"chat_id": 111222333.0, "sticker": "https://files.example.com/s/thanks.webp"}},
		{"sendMessage", map[string]any{"chat_id": 111222333.0, "text": "Thanks for your order!"}},
	}
	if got := api.made(); !reflect.DeepEqual(got, want) {
		t.Errorf("calls\n%#v\nwant\n%#v", got, want)
	}
}
