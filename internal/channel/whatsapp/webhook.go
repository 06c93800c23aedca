package whatsapp

import (
	"log/slog"
	"net/http"

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
//	      A message template's status change for the channel's business
//	      account updates its stored template (template_webhook.go).
type Webhook struct {
	kit channel.WebhookKit
}

var _ http.Handler = (*Webhook)(nil)

// NewWebhook returns the handler of the webhook URL, storing through
// convs (conversation.Service.Receive).
func NewWebhook(channels *channel.Service, convs channel.Receiver, m *metrics.Metrics) *Webhook {
	return &Webhook{kit: channel.NewWebhookKit(Type, channel.Inbox{Channels: channels, Receiver: convs, Metrics: m})}
}

// ack is the body of a delivery's answer.
type ack struct {
	Results []conversation.Received `json:"results"`
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		h.verify(w, r)
		return
	}
	h.kit.Serve(w, r, func() (channel.Delivery, error) {
		items, results, err := h.receive(w, r)
		if results == nil {
			results = []conversation.Received{}
		}
		return channel.Delivery{Items: items, Results: results, Answer: channel.AnswerJSON(ack{Results: results})}, err
	})
}

// verify answers Meta's subscription check.
func (h *Webhook) verify(w http.ResponseWriter, r *http.Request) {
	ch, err := h.kit.Channel(r)
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
		h.kit.CountError(http.StatusForbidden)
	}
}

// receive authenticates, parses and stores one delivery.
func (h *Webhook) receive(w http.ResponseWriter, r *http.Request) ([]conversation.Inbound, []conversation.Received, error) {
	ctx := r.Context()
	ch, err := h.kit.Channel(r)
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
	if err := h.applyTemplateChanges(ctx, ch, s, env); err != nil {
		return nil, nil, err
	}
	items := inbound(ch, s.PhoneNumberID, env)
	if len(items) == 0 {
		return nil, nil, nil
	}
	results, err := h.kit.Receiver.Receive(ctx, items)
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
