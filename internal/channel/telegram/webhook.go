package telegram

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/metrics"
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
	channels *channel.Service
	convs    channel.Receiver
	m        *metrics.Metrics
}

var _ http.Handler = (*Webhook)(nil)

// NewWebhook returns the handler of the Telegram webhook.
func NewWebhook(in channel.Inbox) *Webhook {
	m := in.Metrics
	if m == nil {
		m = metrics.New()
	}
	return &Webhook{channels: in.Channels, convs: in.Receiver, m: m}
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	u, items, results, err := h.receive(w, r)
	if err != nil {
		rec := &statusRecorder{ResponseWriter: w}
		httpjson.WriteError(rec, r, err)
		h.m.WebhookErrors.WithLabelValues(Type, strconv.Itoa(rec.status)).Inc()
		return
	}
	for _, res := range results {
		outcome := "stored"
		if res.Duplicate {
			outcome = "duplicate"
		}
		h.m.InboundMessages.WithLabelValues(Type, outcome).Inc()
	}
	if q := u.CallbackQuery; q != nil {
		httpjson.WriteJSON(w, http.StatusOK, map[string]any{"method": "answerCallbackQuery", "callback_query_id": q.ID})
	} else {
		resp := map[string]any{"ok": true}
		if len(items) == 0 {
			resp["ignored"] = u.Kind
		}
		httpjson.WriteJSON(w, http.StatusOK, resp)
	}
	h.m.WebhookSeconds.WithLabelValues(Type).Observe(time.Since(start).Seconds())
}

// receive authenticates, parses and stores one update.
func (h *Webhook) receive(w http.ResponseWriter, r *http.Request) (Update, []conversation.Inbound, []conversation.Received, error) {
	ctx := r.Context()
	ch, err := h.channel(ctx, r.PathValue("channelID"))
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
	results, err := h.convs.Receive(ctx, items)
	return u, items, results, err
}

// channel finds the Telegram channel with the id; any miss is a 404.
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

// statusRecorder remembers the status an error answer was written with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
