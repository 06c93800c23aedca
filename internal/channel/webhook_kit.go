package channel

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/metrics"
)

// WebhookKit is the plumbing every provider's webhook handler shares:
// finding the channel of the URL, answering errors, and the webhook
// metrics. The protocol (authentication, parsing, the answer's body)
// stays with the provider.
type WebhookKit struct {
	// Type is the channel type the URL's channel must be of, and the
	// channel label of the metrics.
	Type     string
	Channels *Service
	Receiver Receiver
	Metrics  *metrics.Metrics
}

// NewWebhookKit returns the kit of a typ webhook over in; a nil
// in.Metrics is a private registry.
func NewWebhookKit(typ string, in Inbox) WebhookKit {
	m := in.Metrics
	if m == nil {
		m = metrics.New()
	}
	return WebhookKit{Type: typ, Channels: in.Channels, Receiver: in.Receiver, Metrics: m}
}

// Channel finds the channel of the request's {channelID}; any miss (not a
// positive number, no such channel, another type) is a 404, so a caller
// learns nothing about channels of other types.
func (k WebhookKit) Channel(r *http.Request) (Channel, error) {
	return k.ChannelByID(r.Context(), r.PathValue("channelID"))
}

// ChannelByID is Channel for an id already taken from the request.
func (k WebhookKit) ChannelByID(ctx context.Context, rawID string) (Channel, error) {
	id, err := strconv.ParseInt(rawID, 10, 64)
	if err != nil || id <= 0 {
		return Channel{}, apperr.NotFound("channel")
	}
	ch, err := k.Channels.Lookup(ctx, id)
	if err != nil {
		return Channel{}, err
	}
	if ch.Type != k.Type {
		return Channel{}, apperr.NotFound("channel")
	}
	return ch, nil
}

// Fail answers err (httpjson.WriteError) and counts the answer's status
// in the WebhookErrors metric.
func (k WebhookKit) Fail(w http.ResponseWriter, r *http.Request, err error) {
	rec := &statusRecorder{ResponseWriter: w}
	httpjson.WriteError(rec, r, err)
	k.CountError(rec.status)
}

// CountError counts an answer of status that stored nothing (a refused
// handshake, an error) in the WebhookErrors metric.
func (k WebhookKit) CountError(status int) {
	k.Metrics.WebhookErrors.WithLabelValues(k.Type, strconv.Itoa(status)).Inc()
}

// CountReceived counts what became of each stored item in the
// InboundMessages metric; results are Receive's, one per item.
func (k WebhookKit) CountReceived(items []conversation.Inbound, results []conversation.Received) {
	for i, res := range results {
		k.Metrics.InboundMessages.WithLabelValues(k.Type, Outcome(items[i], res)).Inc()
	}
}

// Delivery is what a webhook request came to once received: the items it
// stored with Receive's results, counted in the metrics, and the
// provider's answer.
type Delivery struct {
	Items   []conversation.Inbound
	Results []conversation.Received
	Answer  func(w http.ResponseWriter)
}

// Serve answers one webhook request, which receive authenticates, parses
// and stores. Its error is answered by Fail; otherwise what it stored is
// counted, the provider's answer written — only now, once the store holds
// every item, is the provider told they arrived — and the request timed.
func (k WebhookKit) Serve(w http.ResponseWriter, r *http.Request, receive func() (Delivery, error)) {
	start := time.Now()
	d, err := receive()
	if err != nil {
		k.Fail(w, r, err)
		return
	}
	k.CountReceived(d.Items, d.Results)
	d.Answer(w)
	k.Observe(start)
}

// AnswerJSON is a Delivery's Answer of a 200 with v as its JSON body.
func AnswerJSON(v any) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { httpjson.WriteJSON(w, http.StatusOK, v) }
}

// Observe records a successful webhook's duration, from start, in the
// WebhookSeconds metric.
func (k WebhookKit) Observe(start time.Time) {
	k.Metrics.WebhookSeconds.WithLabelValues(k.Type).Observe(time.Since(start).Seconds())
}

// Outcome labels an item for the InboundMessages metric: "status",
// "moved" (a contact known by a new id: no message), "duplicate" (a
// redelivery, stored once), "ignored" (nothing to store it on: an
// automatic reply from someone with no conversation, a reaction to a
// message never stored) or "stored".
func Outcome(in conversation.Inbound, r conversation.Received) string {
	switch {
	case in.Kind == conversation.KindStatus:
		return "status"
	case in.Kind == conversation.KindMoved:
		return "moved"
	case r.Duplicate:
		return "duplicate"
	case r.Ignored != "":
		return "ignored"
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
