package httpapi

// viberCallback documents a callback of the Viber REST Bot API as the
// Viber channel's webhook reads it (internal/channel/viber): event says
// which members are set; message_token is a 64-bit number. Members the
// schema leaves out are accepted and ignored.
type viberCallback struct {
	Event        string         `json:"event"` // webhook, message, delivered, seen, failed, subscribed, unsubscribed, conversation_started
	Timestamp    int64          `json:"timestamp"`
	MessageToken int64          `json:"message_token"`
	Sender       map[string]any `json:"sender,omitempty"`  // message: id, name, avatar, country, language, api_version
	Message      map[string]any `json:"message,omitempty"` // message: type, text, media, location, contact, file_name, file_size, sticker_id, tracking_data
	User         map[string]any `json:"user,omitempty"`    // subscribed, conversation_started
	UserID       string         `json:"user_id,omitempty"` // delivered, seen, failed, unsubscribed
	Desc         string         `json:"desc,omitempty"`    // failed
}

// The Viber channel's webhook (internal/channel/viber, docs/channels.md),
// added to the document's table beside the types of its body.
func init() {
	operations["POST /webhooks/viber/{channelID}"] = opDoc{id: "viberWebhook", tag: tagChannels,
		summary: "Viber delivers a callback of the channel's bot",
		desc: "X-Viber-Content-Signature must be the hex HMAC-SHA256 of the raw body under the bot's authentication token (401, nothing stored); " +
			"a body that is not a callback is 400. Answered 200 once a message (event message) or a receipt of ours (delivered, seen, failed) " +
			"is durably stored; a redelivery (same message_token) is stored once. The check set_webhook makes (event webhook) and the callbacks " +
			"that are no message (subscribed, unsubscribed, conversation_started, the last with an empty body) are acknowledged and store nothing.",
		headers: []param{{"X-Viber-Content-Signature", "hex HMAC-SHA256 of the body under the bot's authentication token", false}},
		body:    viberCallback{}, required: []string{"event"}, status: 200, okText: "The callback is stored (or ignored)", errors: []int{401, 413}}
}
