package telegram

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// SecretHeader is the header Telegram sends the webhook's secret token in.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Webhook receives a Telegram channel's updates at
// POST /webhooks/telegram/{channelID}. Checks, in order, each answered
// before anything is stored:
//
//	404  the channel is not a positive number, does not exist, or is not a Telegram channel
//	401  X-Telegram-Bot-Api-Secret-Token is missing or is not the channel's token
//	413  the body is larger than httpjson.MaxBodyBytes
//	400  the body is not an update (see Parse)
//
// Then the update's item, if it has one, is stored, and the webhook is
// answered 200 only once that has committed; any other answer makes
// Telegram deliver the update again. Updates of kinds Switchboard does
// not read are answered 200 and dropped. A button press is answered with
// answerCallbackQuery in the webhook's own response (the Bot API's
// "method in the reply"), once stored, so the contact's client stops
// showing progress without a second request.
type Webhook struct {
	kit channel.WebhookKit
}

var _ http.Handler = (*Webhook)(nil)

// NewWebhook returns the handler of the Telegram webhook.
func NewWebhook(in channel.Inbox) *Webhook {
	return &Webhook{kit: channel.NewWebhookKit(Type, in)}
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.kit.Serve(w, r, func() (channel.Delivery, error) {
		u, items, results, err := h.receive(w, r)
		return channel.Delivery{Items: items, Results: results, Answer: channel.AnswerJSON(reply(u, items))}, err
	})
}

// reply is the body of a stored update's 200: a pressed button's
// callback query answered in the reply itself (so the button stops
// spinning without a call of ours), else ok, with the update's kind when
// it stored nothing.
func reply(u Update, items []conversation.Inbound) map[string]any {
	if q := u.CallbackQuery; q != nil {
		return map[string]any{"method": "answerCallbackQuery", "callback_query_id": q.ID}
	}
	resp := map[string]any{"ok": true}
	if len(items) == 0 {
		resp["ignored"] = u.Kind
	}
	return resp
}

// receive authenticates, parses and stores one update.
func (h *Webhook) receive(w http.ResponseWriter, r *http.Request) (Update, []conversation.Inbound, []conversation.Received, error) {
	ctx := r.Context()
	ch, err := h.kit.Channel(r)
	if err != nil {
		return Update{}, nil, nil, err
	}
	secret := r.Header.Get(SecretHeader)
	if secret == "" {
		return Update{}, nil, nil, apperr.Unauthorized("missing " + SecretHeader)
	}
	if !channel.SameToken(secret, ch.Token) {
		return Update{}, nil, nil, apperr.Unauthorized(SecretHeader + " is not this channel's secret token")
	}
	body, err := httpjson.ReadBody(w, r)
	if err != nil {
		return Update{}, nil, nil, err
	}
	u, err := Parse(body)
	if err != nil {
		return Update{}, nil, nil, err
	}
	items := inbound(ch, u)
	if len(items) == 0 {
		return u, nil, nil, nil
	}
	results, err := h.kit.Receiver.Receive(ctx, items)
	return u, items, results, err
}
