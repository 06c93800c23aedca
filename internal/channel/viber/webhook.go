package viber

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// Webhook receives a Viber channel's callbacks at
// POST /webhooks/viber/{channelID}. Checks, in order, each answered
// before anything is stored:
//
//	404  the channel is not a positive number, does not exist, or is not a Viber channel
//	401  X-Viber-Content-Signature is missing
//	413  the body is larger than httpjson.MaxBodyBytes
//	401  the signature is not the body's under the channel's auth token
//	400  the body is not a callback (see Parse)
//
// Then the callback's item, if it has one, is stored, and the webhook is
// answered 200 only once that has committed; Viber delivers a callback
// again (for an hour) until it gets a 200. The check set_webhook makes
// (event "webhook") is answered 200 at once: set_webhook waits for it.
// Callbacks that store nothing (subscribed, unsubscribed,
// conversation_started, events Switchboard does not read) are answered
// 200 too; conversation_started with an empty body, since a body there
// would be taken for a welcome message.
type Webhook struct {
	kit channel.WebhookKit
}

var _ http.Handler = (*Webhook)(nil)

// NewWebhook returns the handler of the Viber webhook.
func NewWebhook(in channel.Inbox) *Webhook {
	return &Webhook{kit: channel.NewWebhookKit(Type, in)}
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.kit.Serve(w, r, func() (channel.Delivery, error) {
		cb, items, results, err := h.receive(w, r)
		answer := func(w http.ResponseWriter) { answerWith(w, cb, items, results) }
		return channel.Delivery{Items: items, Results: results, Answer: answer}, err
	})
}

// answerWith writes a stored callback's 200.
func answerWith(w http.ResponseWriter, cb Callback, items []conversation.Inbound, results []conversation.Received) {
	switch {
	case cb.Event == EventConversationStarted:
		w.WriteHeader(http.StatusOK)
	case len(items) == 0:
		httpjson.WriteJSON(w, http.StatusOK, map[string]any{"ok": true, "ignored": cb.Event})
	default:
		resp := map[string]any{"ok": true}
		if r := results[0]; r.Duplicate {
			resp["duplicate"] = true
		} else if r.Ignored != "" {
			resp["ignored"] = r.Ignored
		}
		httpjson.WriteJSON(w, http.StatusOK, resp)
	}
}

// receive authenticates, parses and stores one callback.
func (h *Webhook) receive(w http.ResponseWriter, r *http.Request) (Callback, []conversation.Inbound, []conversation.Received, error) {
	ch, err := h.kit.Channel(r)
	if err != nil {
		return Callback{}, nil, nil, err
	}
	signature := r.Header.Get(SignatureHeader)
	if signature == "" {
		return Callback{}, nil, nil, apperr.Unauthorized("missing " + SignatureHeader)
	}
	body, err := httpjson.ReadBody(w, r)
	if err != nil {
		return Callback{}, nil, nil, err
	}
	cfg, _ := configOf(ch)
	if !validSignature(cfg.AuthToken, body, signature) {
		return Callback{}, nil, nil, apperr.Unauthorized(SignatureHeader + " is not the body's signature under this channel's authentication token")
	}
	cb, err := Parse(body)
	if err != nil {
		return Callback{}, nil, nil, err
	}
	items := inbound(ch, cb)
	if len(items) == 0 {
		return cb, nil, nil, nil
	}
	results, err := h.kit.Receiver.Receive(r.Context(), items)
	return cb, items, results, err
}
