package messenger

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/meta"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/metrics"
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
	pr       *Provider
	channels *channel.Service
	convs    channel.Receiver
	m        *metrics.Metrics
}

func newWebhook(pr *Provider, in channel.Inbox) *webhook {
	m := in.Metrics
	if m == nil {
		m = metrics.New()
	}
	return &webhook{pr: pr, channels: in.Channels, convs: in.Receiver, m: m}
}

// handshake answers Meta's subscription check.
func (h *webhook) handshake(w http.ResponseWriter, r *http.Request) {
	ch, err := h.channel(r.Context(), r.PathValue("channelID"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cfg, err := configOf(ch)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !meta.Handshake(w, r, cfg.VerifyToken) {
		h.m.WebhookErrors.WithLabelValues(h.pr.p.typ, strconv.Itoa(http.StatusForbidden)).Inc()
	}
}

// result is the answer to a delivery: what became of each item, and how
// many events were left out (another page's, or the echo of a message
// Switchboard sent).
type result struct {
	Results []conversation.Received `json:"results"`
	Skipped int                     `json:"skipped,omitempty"`
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	items, res, err := h.receive(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for i, rec := range res.Results {
		h.m.InboundMessages.WithLabelValues(h.pr.p.typ, outcome(items[i], rec)).Inc()
	}
	httpjson.WriteJSON(w, http.StatusOK, res)
	h.m.WebhookSeconds.WithLabelValues(h.pr.p.typ).Observe(time.Since(start).Seconds())
}

func (h *webhook) receive(w http.ResponseWriter, r *http.Request) ([]conversation.Inbound, result, error) {
	ctx := r.Context()
	ch, err := h.channel(ctx, r.PathValue("channelID"))
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
	res.Results, err = h.convs.Receive(ctx, items)
	return items, res, err
}

// channel finds the channel of the URL; any miss is a 404, so a caller
// learns nothing about channels of other types.
func (h *webhook) channel(ctx context.Context, rawID string) (channel.Channel, error) {
	id, err := strconv.ParseInt(rawID, 10, 64)
	if err != nil || id <= 0 {
		return channel.Channel{}, apperr.NotFound("channel")
	}
	ch, err := h.channels.Lookup(ctx, id)
	if err != nil {
		return channel.Channel{}, err
	}
	if ch.Type != h.pr.p.typ {
		return channel.Channel{}, apperr.NotFound("channel")
	}
	return ch, nil
}

func (h *webhook) fail(w http.ResponseWriter, r *http.Request, err error) {
	rec := &statusRecorder{ResponseWriter: w}
	httpjson.WriteError(rec, r, err)
	h.m.WebhookErrors.WithLabelValues(h.pr.p.typ, strconv.Itoa(rec.status)).Inc()
}

// outcome labels an item for the InboundMessages metric.
func outcome(in conversation.Inbound, r conversation.Received) string {
	switch {
	case in.Kind == conversation.KindStatus:
		return "status"
	case r.Duplicate:
		return "duplicate"
	}
	return "stored"
}

// statusRecorder remembers the status an error answer was written with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
