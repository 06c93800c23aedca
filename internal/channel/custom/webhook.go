package custom

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/metrics"
)

// metricLabel is the channel label of this channel's metrics.
const metricLabel = Type

// Webhook receives the custom channel's webhooks on both of its URLs:
//
//	POST /channels/custom/{channelID}/webhook  the channel is in the path
//	POST /custom/channel/webhook               respond.io's URL: the bearer token says which channel
//
// Checks, in order, each answered before anything is stored:
//
//	404  on the path URL, the channel is not a positive number, does not exist, or is not a custom channel
//	401  the bearer token is missing or is not the channel's (on respond.io's URL: not any custom channel's)
//	413  the body is larger than httpjson.MaxBodyBytes
//	400  the body is not a JSON object, a member has the wrong JSON type, or an event type is unknown
//	422  a value is missing or invalid, or a message object is over 64 KiB (the answer names the field)
//	400  on the path URL, the body's channelId (if any) is not the path's channel
//	401  on respond.io's URL, the body's channelId (if any) is not the token's channel
//
// The credentials are checked before the body is read, on both URLs, so a
// caller without them cannot hold the server reading a slow body.
//
// Then every event of the webhook is stored in one transaction, and the
// webhook is answered 200 {"results": [...]} only once that has committed.
type Webhook struct {
	kit channel.WebhookKit
}

var _ http.Handler = (*Webhook)(nil)

// NewWebhook returns the handler of both webhook URLs, storing through
// convs (conversation.Service.Receive).
func NewWebhook(channels *channel.Service, convs channel.Receiver, m *metrics.Metrics) http.Handler {
	return &Webhook{kit: channel.NewWebhookKit(metricLabel, channel.Inbox{Channels: channels, Receiver: convs, Metrics: m})}
}

// response is the body of a successful answer: one result per event.
type response struct {
	Results []conversation.Received `json:"results"`
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.kit.Serve(w, r, func() (channel.Delivery, error) {
		items, results, err := h.receive(w, r)
		return channel.Delivery{Items: items, Results: results, Answer: channel.AnswerJSON(response{Results: results})}, err
	})
}

// receive authenticates, parses and stores one webhook, returning the
// items stored and what became of each.
func (h *Webhook) receive(w http.ResponseWriter, r *http.Request) ([]conversation.Inbound, []conversation.Received, error) {
	ctx := r.Context()
	pathID := r.PathValue("channelID")
	var ch channel.Channel
	var err error
	if pathID != "" {
		if ch, err = h.kit.ChannelByID(ctx, pathID); err != nil {
			return nil, nil, err
		}
		err = authorize(r, ch)
	} else {
		ch, err = h.kit.Channels.ByToken(ctx, Type, bearerToken(r))
	}
	if err != nil {
		return nil, nil, err
	}
	body, err := httpjson.ReadBody(w, r)
	if err != nil {
		return nil, nil, err
	}
	p, err := Parse(body)
	if err != nil {
		return nil, nil, err
	}
	if p.ChannelID != "" && !sameID(p.ChannelID, ch.ID) {
		if pathID == "" {
			// On respond.io's URL the channelId names the channel the token must be of.
			return nil, nil, apperr.Unauthorized(fmt.Sprintf("the bearer token is not the token of channel %q", limit.Clip(p.ChannelID, 50)))
		}
		return nil, nil, apperr.BadRequest("channelId %q in the body is not the channel %d of the URL", limit.Clip(p.ChannelID, 50), ch.ID)
	}
	items := inbound(ch, p)
	results, err := h.kit.Receiver.Receive(ctx, items)
	return items, results, err
}

// authorize checks the bearer token against the channel's in constant
// time; comparing digests keeps even the token's length from leaking.
func authorize(r *http.Request, ch channel.Channel) error {
	token := bearerToken(r)
	if token == "" {
		return apperr.Unauthorized("missing bearer token")
	}
	if !channel.SameToken(token, ch.Token) {
		return apperr.Unauthorized("the bearer token is not this channel's token")
	}
	return nil
}

// bearerToken is the token of an "Authorization: Bearer …" header, or "".
func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return ""
	}
	return strings.TrimSpace(h[7:])
}

// sameID reports whether a body's channelId names the channel id.
func sameID(bodyID string, id int64) bool {
	n, err := strconv.ParseInt(bodyID, 10, 64)
	return err == nil && n == id
}
