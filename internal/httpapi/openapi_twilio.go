package httpapi

// twilioOperations document the SMS channel's webhooks
// (internal/channel/twilio, docs/channels.md "SMS (Twilio)"): Twilio
// posts forms signed with X-Twilio-Signature and reads TwiML back.
var twilioOperations = map[string]opDoc{
	"POST /webhooks/twilio/{channelID}": {id: "twilioIncomingMessage", tag: tagChannels,
		summary: "Twilio delivers an incoming SMS, MMS or WhatsApp message",
		desc: "Form-encoded (application/x-www-form-urlencoded) as Twilio sends it: MessageSid, From, To, Body, NumSegments, NumMedia, " +
			"MediaUrl{N}, MediaContentType{N}, FromCity, FromCountry…; on WhatsApp From is whatsapp:+<number>, with ProfileName, " +
			"Latitude, Longitude, Label, Address (a location), ButtonText, ButtonPayload (a pressed button). X-Twilio-Signature is checked against the channel's auth token " +
			"(401 otherwise, nothing stored). Answered an empty TwiML <Response/> once the message is durably stored; a redelivery " +
			"(same MessageSid) is stored once.",
		headers: []param{{"X-Twilio-Signature", "Twilio's HMAC-SHA1 of the URL and the sorted parameters, keyed with the auth token", false}},
		status:  200, media: "text/xml", okText: "The message is stored", errors: []int{400, 401, 413}},
	"POST /webhooks/twilio/{channelID}/status": {id: "twilioStatusCallback", tag: tagChannels,
		summary: "Twilio reports an outbound message's status",
		desc: "Form-encoded status callback (MessageSid, MessageStatus, ErrorCode, ErrorMessage), signed like incoming messages. " +
			"sent, delivered and read are recorded; undelivered and failed fail the message with Twilio's error; queued and sending " +
			"change nothing (X-Switchboard-Ignored says why).",
		headers: []param{{"X-Twilio-Signature", "Twilio's HMAC-SHA1 of the URL and the sorted parameters, keyed with the auth token", false}},
		query:   []param{{"segments", "the SMS segment count Switchboard put in the callback URL", true}, {"encoding", "GSM-7 or UCS-2", false}},
		status:  200, media: "text/xml", okText: "The status is recorded or ignored", errors: []int{400, 401, 413}},
}

func init() {
	for k, v := range twilioOperations {
		operations[k] = v
	}
}
