package telegram

import (
	"encoding/json"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// A message of a kind Switchboard does not show names that kind in its
// content as telegram_type, which the timeline reads to say "Unsupported
// message (poll)": "unsupported" alone names nothing.
func TestUnsupportedMessageNamesItsTelegramKind(t *testing.T) {
	const head = `{"update_id":20001,"message":{"message_id":9,"from":{"id":5,"first_name":"Ada"},"chat":{"id":5,"type":"private"},"date":1441645620,`
	for _, tc := range []struct {
		name, member, want string
	}{
		{"poll", `"poll":{"id":"5843520930571239425","question":"Which plan?","options":[]}`, "poll"},
		{"dice", `"dice":{"emoji":"🎲","value":4}`, "dice"},
		{"game", `"game":{"title":"Snake","description":"","photo":[]}`, "game"},
		{"a story, with a caption-less forward", `"forward_origin":{"type":"user","date":1},"story":{"chat":{"id":6,"type":"private"},"id":3}`, "story"},
		{"a member joined", `"new_chat_members":[{"id":6,"is_bot":false,"first_name":"Bob"}]`, "new_chat_members"},
		{"paid media", `"paid_media":{"star_count":5,"paid_media":[]}`, "paid_media"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := Parse([]byte(head + tc.member + `}}`))
			if err != nil {
				t.Fatal(err)
			}
			items := inbound(testChannel, u)
			if len(items) != 1 || items[0].Type != conversation.TypeUnsupported {
				t.Fatalf("items %+v", items)
			}
			var c struct {
				Type         string `json:"type"`
				TelegramType string `json:"telegram_type"`
			}
			if err := json.Unmarshal(items[0].Content, &c); err != nil {
				t.Fatal(err)
			}
			if c.Type != conversation.TypeUnsupported || c.TelegramType != tc.want {
				t.Errorf("content %s: type %q telegram_type %q, want %q", items[0].Content, c.Type, c.TelegramType, tc.want)
			}
		})
	}
}
