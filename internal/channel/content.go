package channel

import (
	"encoding/json"

	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// ContentWithRaw is an inbound message's stored content: the normalised
// content with the provider's own object under key (Telegram's message
// under "telegram"…), which is left out when it would make the content
// too large to store. A content too large even without it — only a text
// far beyond any provider's limit, kept (cut) in the message's text —
// is stored as its type and too_large.
func ContentWithRaw(content map[string]any, key string, raw json.RawMessage) json.RawMessage {
	if len(raw) > 0 && json.Valid(raw) {
		content[key] = raw
		if b, err := json.Marshal(content); err == nil && len(b) <= conversation.MaxContentBytes {
			return b
		}
		delete(content, key)
	}
	b, _ := json.Marshal(content)
	if len(b) > conversation.MaxContentBytes {
		b, _ = json.Marshal(map[string]any{"type": content["type"], "too_large": true})
	}
	return b
}
