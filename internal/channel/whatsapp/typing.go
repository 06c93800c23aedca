package whatsapp

import (
	"context"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

var _ channel.Typer = (*Provider)(nil)

// TypingLasts implements channel.Typer: WhatsApp shows its typing
// indicator for 25 seconds, or until the business's next message.
func (*Provider) TypingLasts() time.Duration { return 25 * time.Second }

// Typing implements channel.Typer with the Cloud API's typing indicator,
// which refers to the contact's message being answered (replyTo) and
// marks it read, as an agent writing back has read it. Without such a
// message there is nothing to show it on; it cannot be taken down.
func (p *Provider) Typing(ctx context.Context, ch channel.Channel, _, replyTo string, on bool) error {
	if !on || replyTo == "" {
		return nil
	}
	s, err := load(ch)
	if err != nil || s.AccessToken == "" || s.PhoneNumberID == "" {
		return outbound.Permanent("the channel has no access token or phone number id configured")
	}
	_, err = p.call(ctx, http.MethodPost, s.graphURL(s.PhoneNumberID, "messages"), s.AccessToken, map[string]any{
		"messaging_product": "whatsapp", "status": "read", "message_id": replyTo,
		"typing_indicator": map[string]any{"type": "text"},
	})
	return err
}
