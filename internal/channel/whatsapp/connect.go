package whatsapp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/switchboard-chat/switchboard/internal/channel"
)

var _ channel.Connector = (*Provider)(nil)

// Connect implements channel.Connector: when the channel is saved, it
// subscribes the Meta app to the WhatsApp Business Account's webhooks
// (POST /{waba_id}/subscribed_apps) and points the phone number's
// webhooks at this channel's URL with its verify token (POST
// /{phone_number_id} {"webhook_configuration": {"override_callback_uri",
// "verify_token"}}, Meta's per-number override, which it verifies with
// the handshake at once). So nothing need be pasted into the App
// Dashboard; a channel set up by hand there works the same. Meta calls
// only https URLs.
func (p *Provider) Connect(ctx context.Context, ch channel.Channel, webhookURL string) error {
	s, err := load(ch)
	if err != nil || s.AccessToken == "" {
		return fmt.Errorf("whatsapp: the channel has no access token configured")
	}
	if u, err := url.Parse(webhookURL); err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("whatsapp: Meta delivers webhooks only to https URLs, not %q: set the node's public URL to its https address", webhookURL)
	}
	if _, err := p.call(ctx, http.MethodPost, s.graphURL(s.BusinessAccountID, "subscribed_apps"), s.AccessToken, nil); err != nil {
		return fmt.Errorf("subscribe the app to the WhatsApp Business Account: %w", err)
	}
	body := object{"webhook_configuration": object{"override_callback_uri": webhookURL, "verify_token": s.verifyToken()}}
	if _, err := p.call(ctx, http.MethodPost, s.graphURL(s.PhoneNumberID), s.AccessToken, body); err != nil {
		return fmt.Errorf("set the phone number's webhook: %w", err)
	}
	return nil
}
