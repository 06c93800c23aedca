package httpapi

import "github.com/switchboard-chat/switchboard/internal/conversation"

// lineWebhookBody documents a LINE Messaging API webhook body as the LINE
// channel's webhook reads it (internal/channel/line): the bot's user id
// and the events, possibly none (the console's Verify). Of the events,
// message and postback ones are stored; members the schema leaves out
// are accepted and ignored.
type lineWebhookBody struct {
	Destination string           `json:"destination"`
	Events      []map[string]any `json:"events"`
}

// lineWebhookResult is the LINE webhook's answer: what became of each
// stored event, and how many events were not stored (follow, unfollow
// and other kinds, or ones that could not be read).
type lineWebhookResult struct {
	Results []conversation.Received `json:"results"`
	Skipped int                     `json:"skipped,omitempty"`
}

// The LINE channel's webhook (internal/channel/line, docs/channels.md),
// added to the document's table beside the types of its body.
func init() {
	operations["POST /webhooks/line/{channelID}"] = opDoc{id: "lineWebhook", tag: tagChannels,
		summary: "LINE delivers the webhook events of the channel's LINE Official Account",
		desc: "X-Line-Signature must be the base64 HMAC-SHA256 of the raw body under the channel secret (401, nothing stored); a body that is not " +
			"LINE's {destination, events} is 400. Message events (text, image, video, audio, file, location, sticker) and postbacks (a quick " +
			"reply's answer) are answered 200 once durably stored, a redelivery (same message id or event id) stored once; an empty events list " +
			"(the console's Verify) and other event kinds (follow, unfollow, join…) are acknowledged and counted in skipped.",
		headers: []param{{name: "X-Line-Signature", desc: "base64 of the HMAC-SHA256 of the body under the channel secret"}},
		body:    lineWebhookBody{}, required: []string{"events"}, status: 200, resp: lineWebhookResult{},
		okText: "Every message and postback is stored", errors: []int{401, 413}}
}
