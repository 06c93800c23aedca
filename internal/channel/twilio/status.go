package twilio

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/switchboard-chat/switchboard/internal/channel"
)

// statuses maps Twilio's MessageStatus values to ours. queued, sending,
// accepted, scheduled and the inbound receiving/received are steps
// before an outcome: not recorded.
var statuses = map[string]string{
	"sent":        channel.StatusSent,
	"delivered":   channel.StatusDelivered,
	"read":        channel.StatusRead,
	"undelivered": channel.StatusFailed,
	"failed":      channel.StatusFailed,
	"canceled":    channel.StatusFailed,
}

// errorTexts are Twilio's titles of the error codes a status callback
// most often carries (twilio.com/docs/api/errors), for when it gives no
// ErrorMessage.
var errorTexts = map[string]string{
	"30001": "Queue overflow",
	"30002": "Account suspended",
	"30003": "Unreachable destination handset",
	"30004": "Message blocked",
	"30005": "Unknown destination handset",
	"30006": "Landline or unreachable carrier",
	"30007": "Message filtered by the carrier",
	"30008": "Unknown error",
	"30009": "Missing segment",
	"30010": "Message price exceeds max price",
	"21211": "Invalid 'To' phone number",
	"21408": "Permission to send an SMS has not been enabled for the region",
	"21610": "The recipient has unsubscribed (replied STOP)",
	"21614": "'To' number is not a valid mobile number",
	"63003": "Channel could not find the To address",
	"63016": "Outside the allowed window: only a template message can be sent",
	"63018": "Rate limit exceeded for the channel",
	"63024": "Invalid message recipient",
}

// statusReason is the reason stored with a status: for a failure, Twilio's
// message (or the title of its code) and code; then the segment count
// Send put in the callback's query, when it is there.
func statusReason(s Status, query url.Values) string {
	reason := ""
	// Every status recorded as a failure gets one (canceled too, which
	// carries no error code): without it the segment note below would be
	// the failure's only reason.
	if statuses[s.Status] == channel.StatusFailed {
		msg := s.ErrorMessage
		if msg == "" {
			msg = errorTexts[s.ErrorCode]
		}
		switch {
		case msg != "" && s.ErrorCode != "":
			reason = fmt.Sprintf("%s (Twilio error %s)", msg, s.ErrorCode)
		case s.ErrorCode != "":
			reason = "Twilio error " + s.ErrorCode
		case msg != "":
			reason = msg
		default:
			reason = "Twilio reported the message " + s.Status
		}
	}
	if note := queryNote(query); note != "" {
		if reason != "" {
			reason += "; "
		}
		reason += "sent as " + note
	}
	return reason
}

// queryNote reads the segment count of a status callback's URL.
func queryNote(q url.Values) string {
	n, err := strconv.Atoi(q.Get("segments"))
	enc := q.Get("encoding")
	if err != nil || n < 1 || n > 100 || (enc != GSM7 && enc != UCS2) {
		return ""
	}
	return segmentNote(n, enc)
}
