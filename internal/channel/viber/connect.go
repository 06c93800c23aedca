package viber

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// EventTypes are the optional callbacks set_webhook subscribes the bot
// to; message, subscribed and unsubscribed are always sent.
var EventTypes = []string{EventDelivered, EventSeen, EventFailed, EventSubscribed, EventUnsubscribed, EventConversationStarted}

// Connect implements channel.Connector: set_webhook registers webhookURL
// for the callbacks Switchboard reads, with the users' names and photos
// (send_name, send_photo; Viber sends placeholders for a user who turned
// content personalisation off). Viber checks the URL within the call by
// posting it a signed "webhook" callback, which the channel's webhook
// answers; it requires an HTTPS URL with a certificate of a trusted
// authority, and its refusal comes back as the error.
func (p *Provider) Connect(ctx context.Context, ch channel.Channel, webhookURL string) error {
	cfg, ok := configOf(ch)
	if !ok {
		return errors.New("viber: the channel has no authentication token configured")
	}
	params := map[string]any{"url": webhookURL, "event_types": EventTypes, "send_name": true, "send_photo": true}
	if _, err := p.client(cfg).call(ctx, "set_webhook", params); err != nil {
		return fmt.Errorf("viber: set_webhook: %s", outbound.Reason(err))
	}
	return nil
}

// Replaced implements channel.Replacer. A bot has one webhook, and a
// new authentication token is another bot's (Viber issues a token per
// bot, and a new one for a bot only on request, when the old stops
// working): the replaced bot's webhook would go on delivering its users'
// messages to this channel's URL, refused, while replies went out through
// the new bot, which cannot reach them. So the old bot's webhook is
// removed (set_webhook with an empty url) with the old token, when
// get_account_info says it is still this channel's (a bot since moved
// elsewhere is left alone). Best effort: a failure is logged.
func (p *Provider) Replaced(ctx context.Context, old, cur channel.Channel, webhookURL string) {
	was, ok := configOf(old)
	now, _ := configOf(cur)
	if !ok || was.AuthToken == now.AuthToken {
		return
	}
	c := p.client(was)
	info, err := c.call(ctx, "get_account_info", map[string]any{})
	if err == nil && info.Webhook != webhookURL {
		return
	}
	if err == nil {
		_, err = c.call(ctx, "set_webhook", map[string]any{"url": ""})
	}
	if err != nil {
		slog.Warn("viber: the replaced bot's webhook could not be removed", "channel_id", cur.ID, "reason", outbound.Reason(err))
	}
}

// ProbeTimeout bounds a connection test.
const ProbeTimeout = 5 * time.Second

// Probe implements channel.Prober: get_account_info, which answers the
// bot's details (its name, its webhook) when the token is right, and
// status 2 (invalidAuthToken) when it is not — with HTTP 200 either way,
// so the test is OK only for status 0.
func (p *Provider) Probe(ctx context.Context, ch channel.Channel) channel.ProbeResult {
	cfg, ok := configOf(ch)
	res := channel.ProbeResult{URL: cfg.APIBaseURL + "/pa/get_account_info"}
	if !ok {
		res.Error = "the channel has no authentication token configured"
		return res
	}
	call := channel.ProbeCall{Client: p.HTTP, Timeout: ProbeTimeout, Address: "the channel's API URL", MaxAnswer: 64 << 10,
		NetworkError: func(err error) string { return outbound.Reason(err) }}
	var status *int
	var message string
	call.Show = func(_ int, body []byte) string {
		var a answer
		if json.Unmarshal(body, &a) == nil {
			status, message = a.Status, a.StatusMessage
		}
		return string(body)
	}
	res = call.Send(ctx, http.MethodPost, bytes.NewReader([]byte(`{}`)), res, func(r *http.Request) {
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set(AuthHeader, cfg.AuthToken)
	})
	if res.OK && (status == nil || *status != StatusOK) {
		res.OK = false
		if status == nil {
			res.Error = "the answer is not the REST Bot API's"
		} else {
			res.Error = fmt.Sprintf("Viber: %s (status %d)", message, *status)
			if why, ok := explained[*status]; ok {
				res.Error += ": " + why
			}
		}
	}
	return res
}
