package telegram

import (
	"context"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

var _ channel.Typer = (*Provider)(nil)

// TypingLasts implements channel.Typer: Telegram shows a chat action for
// 5 seconds, or until the bot's next message arrives.
func (*Provider) TypingLasts() time.Duration { return 5 * time.Second }

// Typing implements channel.Typer with sendChatAction "typing". The Bot
// API cannot take a chat action down: it ends by itself.
func (p *Provider) Typing(ctx context.Context, ch channel.Channel, chat, _ string, on bool) error {
	if !on {
		return nil
	}
	cfg, ok := configOf(ch)
	if !ok {
		return outbound.Permanent("the channel has no bot token configured")
	}
	return p.client(cfg).call(ctx, "sendChatAction", map[string]any{"chat_id": chatID(chat), "action": "typing"}, nil)
}
