package line

import (
	"log/slog"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// webhook receives a LINE channel's events at POST /webhooks/line/{channelID}.
// Checks, in order, each answered before anything is stored:
//
//	404  the channel is not a positive number, does not exist, or is not a LINE channel
//	413  the body is larger than httpjson.MaxBodyBytes
//	401  X-Line-Signature is missing or is not the body's under the channel secret
//	400  the body is not LINE's (see Parse)
//
// Then the delivery's messages and postbacks are stored in one
// transaction, and the webhook is answered 200 only once that has
// committed; LINE redelivers (when the channel's webhook redelivery is
// on) what is not answered 2xx, and a redelivered event is stored once.
// A delivery without events (the console's Verify button) is answered
// 200; events of other kinds are acknowledged and dropped.
type webhook struct {
	p   *Provider
	kit channel.WebhookKit
}

func newWebhook(p *Provider, in channel.Inbox) *webhook {
	return &webhook{p: p, kit: channel.NewWebhookKit(Type, in)}
}

// result is the answer to a delivery: what became of each item, and how
// many events were not stored (kinds Switchboard does not read, or
// events that could not be read).
type result struct {
	Results []conversation.Received `json:"results"`
	Skipped int                     `json:"skipped,omitempty"`
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.kit.Serve(w, r, func() (channel.Delivery, error) {
		items, res, err := h.receive(w, r)
		return channel.Delivery{Items: items, Results: res.Results, Answer: channel.AnswerJSON(res)}, err
	})
}

func (h *webhook) receive(w http.ResponseWriter, r *http.Request) ([]conversation.Inbound, result, error) {
	ctx := r.Context()
	ch, err := h.kit.Channel(r)
	if err != nil {
		return nil, result{}, err
	}
	cfg, _ := configOf(ch)
	// The signature is over the raw body: it is read first, within the
	// node's bound.
	body, err := httpjson.ReadBody(w, r)
	if err != nil {
		return nil, result{}, err
	}
	sig := r.Header.Get(SignatureHeader)
	if sig == "" {
		return nil, result{}, apperr.Unauthorized("missing " + SignatureHeader)
	}
	if !ValidSignature(cfg.ChannelSecret, body, sig) {
		return nil, result{}, apperr.Unauthorized(SignatureHeader + " is not the body's signature under the channel secret")
	}
	d, err := Parse(body)
	if err != nil {
		return nil, result{}, err
	}
	if d.Malformed > 0 {
		slog.Warn("line: webhook events that could not be read were skipped", "channel_id", ch.ID, "events", d.Malformed)
	}
	items, skipped := inbound(ch, d)
	res := result{Results: []conversation.Received{}, Skipped: skipped}
	if len(items) == 0 {
		return nil, res, nil
	}
	h.p.addProfiles(ctx, ch, cfg, items)
	res.Results, err = h.kit.Receiver.Receive(ctx, items)
	return items, res, err
}
