package messenger

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/meta"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// webhook serves a channel's webhook URL, /webhooks/<type>/{channelID}:
//
//	GET   the subscription handshake: hub.challenge echoed when hub.verify_token is the channel's verify token, else 403
//	POST  a delivery, checked in this order, each answered before anything is stored:
//	      404  the channel is not a positive number, does not exist, or is not of this type
//	      413  the body is larger than httpjson.MaxBodyBytes
//	      401  X-Hub-Signature-256 is missing or is not the body's under the channel's app secret
//	      400  the body is not the Messenger Platform's shape, or its object is the other platform's
//
// Then the delivery's items are stored in one transaction and the webhook
// is answered 200 only once that has committed; Meta redelivers what is
// not answered, and a redelivered message is stored once (by its mid).
type webhook struct {
	pr  *Provider
	kit channel.WebhookKit
}

func newWebhook(pr *Provider, in channel.Inbox) *webhook {
	return &webhook{pr: pr, kit: channel.NewWebhookKit(pr.p.typ, in)}
}

// handshake answers Meta's subscription check.
func (h *webhook) handshake(w http.ResponseWriter, r *http.Request) {
	ch, err := h.kit.Channel(r)
	if err != nil {
		h.kit.Fail(w, r, err)
		return
	}
	cfg, err := configOf(ch)
	if err != nil {
		h.kit.Fail(w, r, err)
		return
	}
	if !meta.Handshake(w, r, cfg.VerifyToken) {
		h.kit.CountError(http.StatusForbidden)
	}
}

// result is the answer to a delivery: what became of each item, and how
// many events were left out (another page's, the echo of a message
// Switchboard sent, or one without a sender).
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
	cfg, err := configOf(ch)
	if err != nil {
		return nil, result{}, err
	}
	body, err := httpjson.ReadBody(w, r)
	if err != nil {
		return nil, result{}, err
	}
	if !meta.ValidSignature(cfg.AppSecret, body, r.Header.Get(meta.SignatureHeader)) {
		return nil, result{}, apperr.Unauthorized("the " + meta.SignatureHeader + " header is not the body's signature under the channel's app secret")
	}
	d, err := Parse(body)
	if err != nil {
		return nil, result{}, err
	}
	if d.Object != h.pr.p.object {
		return nil, result{}, apperr.BadRequest("object %q is not %q: this URL is a %s channel's", d.Object, h.pr.p.object, h.pr.p.name)
	}
	items, skipped := h.pr.inbound(ch, cfg, d)
	res := result{Results: []conversation.Received{}, Skipped: skipped}
	if len(items) == 0 {
		return nil, res, nil
	}
	h.pr.addProfiles(ctx, ch, cfg, items)
	res.Results, err = h.kit.Receiver.Receive(ctx, items)
	return items, res, err
}
