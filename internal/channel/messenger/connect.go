package messenger

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/meta"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// MessengerProvider is the Messenger channel: the shared provider, and
// the Page's subscription to the app when the channel is saved.
// Instagram's subscription goes through its own product settings, so
// the Instagram provider has no Connect.
type MessengerProvider struct {
	*Provider
}

var _ channel.Connector = MessengerProvider{}

// subscribedFields are the Page webhook fields Switchboard reads, every
// one: the call sets the Page's fields for the app, so a field left out
// here (message_edits was) stops arriving each time the channel is saved.
var subscribedFields = []string{"messages", "messaging_postbacks", "message_echoes", "message_deliveries", "message_reads", "message_reactions", "message_edits"}

// Connect subscribes the Page to the Meta app's webhooks
// (POST <graph>/<version>/<page id>/subscribed_apps with the Page's
// token), so that its messages reach the callback URL set in the app.
// The callback URL itself (webhookURL) is an app setting Meta changes
// only with the app's own token: the settings form shows it to paste.
func (m MessengerProvider) Connect(ctx context.Context, ch channel.Channel, webhookURL string) error {
	cfg, err := configOf(ch)
	if err != nil || cfg.AccessToken == "" || cfg.PageID == "" {
		return fmt.Errorf("the channel has no page id or page access token configured")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	q := url.Values{"subscribed_fields": {strings.Join(subscribedFields, ",")}}
	a, err := m.call(ctx, http.MethodPost, cfg.endpoint("/"+url.PathEscape(cfg.PageID)+"/subscribed_apps?"+q.Encode()), cfg.AccessToken, nil)
	if err != nil {
		return fmt.Errorf("subscribing the Page to the app: %s", outbound.Reason(err))
	}
	if !a.ok() {
		return fmt.Errorf("subscribing the Page to the app: %s", outbound.Reason(meta.ClassifyResponse(a.status, a.header, a.body)))
	}
	return nil
}
