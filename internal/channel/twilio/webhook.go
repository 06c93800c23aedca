package twilio

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// emptyTwiML is the answer to every webhook: Twilio is told to do nothing
// more (no auto-reply).
const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?>` + "\n<Response/>\n"

// IgnoredHeader says, on a 200 answer to a status callback, why it
// changed nothing (a queued or sending status, an unknown message).
const IgnoredHeader = "X-Switchboard-Ignored"

// webhook serves both of an SMS channel's webhooks:
//
//	POST /webhooks/twilio/{channelID}          incoming messages (SMS and MMS)
//	POST /webhooks/twilio/{channelID}/status   status callbacks of outbound messages
//
// Checks, in order, each answered before anything is stored:
//
//	404  the channel is not a positive number, does not exist or is not an SMS channel
//	413  the body is larger than httpjson.MaxBodyBytes
//	400  the body is not application/x-www-form-urlencoded
//	401  X-Twilio-Signature is missing or is not Twilio's signature of the request
//	     (see requestURLs for the URLs it is checked against)
//	400  a parameter is missing or out of shape
//
// Then the item is stored and answered 200 with empty TwiML once
// Receive returned. A redelivery (same MessageSid) is stored once.
type webhook struct {
	p      *Provider
	kit    channel.WebhookKit
	status bool
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.kit.Serve(w, r, func() (channel.Delivery, error) {
		item, ignored, err := h.receive(w, r)
		d := channel.Delivery{Answer: func(w http.ResponseWriter) {
			if ignored != "" {
				w.Header().Set(IgnoredHeader, ignored)
			}
			w.Header().Set("Content-Type", "text/xml; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, emptyTwiML)
		}}
		if item != nil {
			d.Items, d.Results = item.items, item.results
		}
		return d, err
	})
}

// stored is a webhook's item and what became of it, for the metrics.
type stored struct {
	items   []conversation.Inbound
	results []conversation.Received
}

// receive authenticates, parses and stores one webhook. ignored says why
// a status callback changed nothing.
func (h *webhook) receive(w http.ResponseWriter, r *http.Request) (*stored, string, error) {
	ctx := r.Context()
	ch, err := h.kit.Channel(r)
	if err != nil {
		return nil, "", err
	}
	body, err := httpjson.ReadBody(w, r)
	if err != nil {
		return nil, "", err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil, "", apperr.BadRequest("Twilio posts application/x-www-form-urlencoded, not %q", clip(r.Header.Get("Content-Type")))
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, "", apperr.BadRequest("the form is malformed: %v", err)
	}
	cfg, err := config(ch)
	if err != nil {
		return nil, "", fmt.Errorf("twilio: channel %d: config: %w", ch.ID, err)
	}
	if sig := r.Header.Get(SignatureHeader); sig == "" {
		return nil, "", apperr.Unauthorized("missing " + SignatureHeader)
	} else if !ValidSignature(cfg.AuthToken, sig, requestURLs(r, cfg.WebhookBaseURL, h.p.publicURL), form) {
		return nil, "", apperr.Unauthorized(SignatureHeader + " is not Twilio's signature of this request with the channel's auth token " +
			"(is the channel's public webhook base URL the address Twilio calls?)")
	}
	if h.status {
		return h.receiveStatus(ctx, ch, r.URL.Query(), form)
	}
	m, err := ParseMessage(form)
	if err != nil {
		return nil, "", err
	}
	items := []conversation.Inbound{m.inbound(ch.WorkspaceID, ch.ID)}
	res, err := h.kit.Receiver.Receive(ctx, items)
	if err != nil {
		return nil, "", err
	}
	return &stored{items, res}, "", nil
}

// receiveStatus stores a status callback; query is the callback URL's
// own query (the segment count Send put there).
func (h *webhook) receiveStatus(ctx context.Context, ch channel.Channel, query, form url.Values) (*stored, string, error) {
	s, err := ParseStatus(form)
	if err != nil {
		return nil, "", err
	}
	status, ok := h.p.MapStatus(s.Status)
	if !ok {
		reason := fmt.Sprintf("status %q is not recorded", clip(s.Status))
		slog.DebugContext(ctx, "twilio status callback ignored", "channel_id", ch.ID, "message_sid", s.MessageSID, "status", s.Status)
		return nil, reason, nil
	}
	in := conversation.Inbound{Kind: conversation.KindStatus, WorkspaceID: ch.WorkspaceID, ChannelID: ch.ID,
		ProviderMessageID: s.MessageSID, Status: status, Reason: statusReason(s, query)}
	items := []conversation.Inbound{in}
	res, err := h.kit.Receiver.Receive(ctx, items)
	if err != nil {
		return nil, "", err
	}
	ignored := ""
	if len(res) == 1 {
		ignored = res[0].Ignored
	}
	return &stored{items, res}, ignored, nil
}
