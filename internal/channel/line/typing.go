package line

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// loadingSeconds is how long a loading animation shows (LINE takes 5 to
// 60, a multiple of 5); it ends sooner when a message arrives.
const loadingSeconds = 10

// TypingLasts implements channel.Typer: the loading animation shows for
// loadingSeconds, or until the account's next message arrives.
func (*Provider) TypingLasts() time.Duration { return loadingSeconds * time.Second }

// Typing implements channel.Typer with LINE's loading animation, POST
// /v2/bot/chat/loading/start {chatId, loadingSeconds}. LINE shows it in
// one-to-one chats only, and has no call to take it down: a group or a
// room, or a stop, calls nothing. (LINE shows it only to a user who has
// the chat open at that moment, and says nothing either way.)
func (p *Provider) Typing(ctx context.Context, ch channel.Channel, chat, _ string, on bool) error {
	if !on || !strings.HasPrefix(chat, "U") {
		return nil
	}
	cfg, ok := configOf(ch)
	if !ok {
		return outbound.Permanent("the channel has no channel access token configured")
	}
	c := p.client(cfg)
	a, err := c.call(ctx, http.MethodPost, c.apiURL("/v2/bot/chat/loading/start"),
		map[string]any{"chatId": chat, "loadingSeconds": loadingSeconds}, nil)
	if err != nil {
		return err
	}
	if !a.ok() {
		return classify("loading animation", a)
	}
	return nil
}
