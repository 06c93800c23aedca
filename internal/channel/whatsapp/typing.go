package whatsapp

import (
	"context"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

var (
	_ channel.Typer      = (*Provider)(nil)
	_ channel.ReadMarker = (*Provider)(nil)
)

// TypingLasts implements channel.Typer: WhatsApp shows its typing
// indicator for 25 seconds, or until the business's next message.
func (*Provider) TypingLasts() time.Duration { return 25 * time.Second }

// Typing implements channel.Typer with the Cloud API's typing indicator,
// which refers to the contact's message being answered (replyTo) and
// marks it read, as an agent writing back has read it: so a channel that
// never sends read receipts shows none. Without such a message there is
// nothing to show it on; it cannot be taken down.
func (p *Provider) Typing(ctx context.Context, ch channel.Channel, _, replyTo string, on bool) error {
	if !on || replyTo == "" {
		return nil
	}
	return p.markRead(ctx, ch, replyTo, map[string]any{"typing_indicator": map[string]any{"type": "text"}})
}

// MarkRead implements channel.ReadMarker: the Cloud API's read status of
// the contact's message (blue ticks, and those before it).
func (p *Provider) MarkRead(ctx context.Context, ch channel.Channel, _, providerMessageID string) error {
	return p.markRead(ctx, ch, providerMessageID, nil)
}

// markRead posts the read status of message id, with extra members,
// unless the channel never sends read receipts.
func (p *Provider) markRead(ctx context.Context, ch channel.Channel, id string, extra map[string]any) error {
	s, err := load(ch)
	if err != nil || s.AccessToken == "" || s.PhoneNumberID == "" {
		return outbound.Permanent("the channel has no access token or phone number id configured")
	}
	if s.ReadReceipts == channel.ReadReceiptsNever {
		return nil
	}
	body := map[string]any{"messaging_product": "whatsapp", "status": "read", "message_id": id}
	for k, v := range extra {
		body[k] = v
	}
	_, err = p.call(ctx, http.MethodPost, s.graphURL(s.PhoneNumberID, "messages"), s.AccessToken, body)
	return err
}
