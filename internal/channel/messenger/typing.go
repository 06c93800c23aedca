package messenger

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/meta"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

var (
	_ channel.Typer      = (*Provider)(nil)
	_ channel.ReadMarker = (*Provider)(nil)
)

// TypingLasts implements channel.Typer: Messenger and Instagram show
// typing_on for about 20 seconds, or until the next message.
func (*Provider) TypingLasts() time.Duration { return 20 * time.Second }

// Typing implements channel.Typer with the Send API's sender action,
// typing_on or typing_off.
func (pr *Provider) Typing(ctx context.Context, ch channel.Channel, to, _ string, on bool) error {
	action := "typing_off"
	if on {
		action = "typing_on"
	}
	return pr.senderAction(ctx, ch, to, action)
}

// MarkRead implements channel.ReadMarker with the sender action
// mark_seen: the contact's last message shows as seen. A channel set
// never to send read receipts calls nothing.
func (pr *Provider) MarkRead(ctx context.Context, ch channel.Channel, to, _ string) error {
	if cfg, err := configOf(ch); err == nil && cfg.ReadReceipts == channel.ReadReceiptsNever {
		return nil
	}
	return pr.senderAction(ctx, ch, to, "mark_seen")
}

// senderAction sends the Send API's sender action to the contact.
func (pr *Provider) senderAction(ctx context.Context, ch channel.Channel, to, action string) error {
	cfg, err := configOf(ch)
	if err != nil || cfg.AccessToken == "" {
		return outbound.Permanent("the channel has no page access token configured")
	}
	var req struct {
		Recipient struct {
			ID string `json:"id"`
		} `json:"recipient"`
		SenderAction string `json:"sender_action"`
	}
	req.Recipient.ID, req.SenderAction = to, action
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	a, err := pr.call(ctx, http.MethodPost, cfg.endpoint("/me/messages"), cfg.AccessToken, body)
	if err != nil {
		return err
	}
	if !a.ok() {
		return meta.ClassifyResponse(a.status, a.header, a.body)
	}
	return nil
}
