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

var _ channel.Typer = (*Provider)(nil)

// TypingLasts implements channel.Typer: Messenger and Instagram show
// typing_on for about 20 seconds, or until the next message.
func (*Provider) TypingLasts() time.Duration { return 20 * time.Second }

// Typing implements channel.Typer with the Send API's sender action,
// typing_on or typing_off.
func (pr *Provider) Typing(ctx context.Context, ch channel.Channel, to, _ string, on bool) error {
	cfg, err := configOf(ch)
	if err != nil || cfg.AccessToken == "" {
		return outbound.Permanent("the channel has no page access token configured")
	}
	action := "typing_off"
	if on {
		action = "typing_on"
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
