package whatsapp

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/meta"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/metrics"
)

// Webhook serves a WhatsApp channel's webhook URL,
// /webhooks/whatsapp/{channelID}:
//
//	GET   Meta's subscription check: hub.challenge when hub.verify_token is
//	      the channel's verify token, 403 otherwise
//	POST  a delivery: 404 when the channel is not a WhatsApp channel; 401
//	      when X-Hub-Signature-256 is not the body's HMAC under the app
//	      secret; 400 when the body is not the documented envelope; then
//	      every message and status for the channel's phone number is
//	      stored in one transaction and 200 answered once it committed.
//	      Changes for another phone number id are acknowledged, unstored.
type Webhook struct {
	channels *channel.Service
	convs    channel.Receiver
	m        *metrics.Metrics
}

var _ http.Handler = (*Webhook)(nil)

// NewWebhook returns the handler of the webhook URL, storing through
// convs (conversation.Service.Receive).
func NewWebhook(channels *channel.Service, convs channel.Receiver, m *metrics.Metrics) *Webhook {
	if m == nil {
		m = metrics.New()
	}
	return &Webhook{channels: channels, convs: convs, m: m}
}

// ack is the body of a delivery's answer.
type ack struct {
	Results []conversation.Received `json:"results"`
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.Method == http.MethodGet {
		h.verify(w, r)
		return
	}
	items, results, err := h.receive(w, r)
	if err != nil {
		rec := &statusRecorder{ResponseWriter: w}
		httpjson.WriteError(rec, r, err)
		h.m.WebhookErrors.WithLabelValues(Type, strconv.Itoa(rec.status)).Inc()
		return
	}
	for i, res := range results {
		h.m.InboundMessages.WithLabelValues(Type, outcome(items[i], res)).Inc()
	}
	if results == nil {
		results = []conversation.Received{}
	}
	httpjson.WriteJSON(w, http.StatusOK, ack{Results: results})
	h.m.WebhookSeconds.WithLabelValues(Type).Observe(time.Since(start).Seconds())
}

// verify answers Meta's subscription check.
func (h *Webhook) verify(w http.ResponseWriter, r *http.Request) {
	ch, err := h.channel(r.Context(), r.PathValue("channelID"))
	if err != nil {
		httpjson.WriteError(w, r, err)
		return
	}
	s, err := load(ch)
	if err != nil {
		httpjson.WriteError(w, r, err)
		return
	}
	if !meta.Handshake(w, r, s.verifyToken()) {
		h.m.WebhookErrors.WithLabelValues(Type, strconv.Itoa(http.StatusForbidden)).Inc()
	}
}

// receive authenticates, parses and stores one delivery.
func (h *Webhook) receive(w http.ResponseWriter, r *http.Request) ([]conversation.Inbound, []conversation.Received, error) {
	ctx := r.Context()
	ch, err := h.channel(ctx, r.PathValue("channelID"))
	if err != nil {
		return nil, nil, err
	}
	s, err := load(ch)
	if err != nil {
		return nil, nil, err
	}
	// The signature is over the raw bytes, so the body is read whole
	// first (within httpjson.MaxBodyBytes) and checked before parsing.
	body, err := httpjson.ReadBody(w, r)
	if err != nil {
		return nil, nil, err
	}
	if !meta.ValidSignature(s.AppSecret, body, r.Header.Get(meta.SignatureHeader)) {
		return nil, nil, apperr.Unauthorized("the " + meta.SignatureHeader + " header is not the body's signature under the channel's app secret")
	}
	env, err := Parse(body)
	if err != nil {
		return nil, nil, err
	}
	logAccountErrors(ch, s.PhoneNumberID, env)
	items := inbound(ch, s.PhoneNumberID, env)
	if len(items) == 0 {
		return nil, nil, nil
	}
	results, err := h.convs.Receive(ctx, items)
	return items, results, err
}

// logAccountErrors logs the errors Meta reports for the account or the
// number rather than a message (a system-level problem, a rate limit):
// nothing to store, but the operator should see them.
func logAccountErrors(ch channel.Channel, phoneNumberID string, env Envelope) {
	for _, e := range env.Entry {
		for _, c := range e.Changes {
			if c.Value.Metadata.PhoneNumberID != phoneNumberID {
				continue
			}
			for _, err := range c.Value.Errors {
				slog.Warn("whatsapp: Meta reports an error", "channel", ch.ID, "workspace", ch.WorkspaceID, "code", err.Code, "reason", limit.Storable(err.reason(), 300))
			}
		}
	}
}

// channel finds the WhatsApp channel with the id; any miss is a 404.
func (h *Webhook) channel(ctx context.Context, rawID string) (channel.Channel, error) {
	id, err := strconv.ParseInt(rawID, 10, 64)
	if err != nil || id <= 0 {
		return channel.Channel{}, apperr.NotFound("channel")
	}
	ch, err := h.channels.Lookup(ctx, id)
	if err != nil {
		return channel.Channel{}, err
	}
	if ch.Type != Type {
		return channel.Channel{}, apperr.NotFound("channel")
	}
	return ch, nil
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
