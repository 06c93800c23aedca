package httpapi

// Meta's platforms (internal/channel/messenger, later whatsapp) share one
// webhook shape: the verification handshake (GET) and signed deliveries
// (POST). Their entries are made here, one pair per channel type.

// metaDelivery documents a Meta webhook delivery as the channels read it:
// the object names the platform; entry holds the events.
type metaDelivery struct {
	Object string           `json:"object"`
	Entry  []map[string]any `json:"entry"`
}

// metaWebhookTypes are the channel types served by Meta's webhooks.
var metaWebhookTypes = map[string]string{
	"messenger": "Messenger (a Facebook Page)",
	"instagram": "Instagram (a professional account)",
}

func init() {
	for typ, what := range metaWebhookTypes {
		operations["GET /webhooks/"+typ+"/{channelID}"] = opDoc{id: typ + "WebhookVerify", tag: tagChannels,
			summary: "Meta verifies the " + what + " channel's webhook",
			desc:    "Meta's subscription check: answers hub.challenge as text when hub.mode is subscribe and hub.verify_token is the channel's verify token; 403 otherwise.",
			query: []param{{"hub.mode", "subscribe", false}, {"hub.verify_token", "the channel's verify token", false},
				{"hub.challenge", "echoed back", false}},
			status: 200, okText: "The challenge, as text/plain", media: "text/plain", resp: "", errors: []int{403}}
		operations["POST /webhooks/"+typ+"/{channelID}"] = opDoc{id: typ + "Webhook", tag: tagChannels,
			summary: "Meta delivers the " + what + " channel's events",
			desc: "Signed X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret; 401 and nothing stored otherwise). " +
				"Answered 200 once the messages, echoes, reactions, edits and statuses are durably stored; a redelivery is stored once (docs/channels.md).",
			headers: []param{{name: "X-Hub-Signature-256", desc: "sha256=<hex HMAC-SHA256 of the body with the app secret>"}},
			body:    metaDelivery{}, required: []string{"object", "entry"}, status: 200, errors: []int{401}}
	}
}
