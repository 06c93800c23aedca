package httpapi

import "github.com/switchboard-chat/switchboard/internal/broadcast"

const tagBroadcasts = "broadcasts"

// broadcastOperations document the broadcasts (broadcasts.go).
var broadcastOperations = map[string]opDoc{
	"GET /api/v1/broadcasts": {id: "listBroadcasts", tag: tagBroadcasts, summary: "The workspace's broadcasts, newest first, with their numbers",
		desc:  "Owners and managers only (403 for agents). Each carries stats: its recipients, each message counted once in its status now, the skipped, and those who replied.",
		query: paged, status: 200, resp: page[broadcast.Broadcast]{}, errors: []int{403}},
	"POST /api/v1/broadcasts": {id: "createBroadcast", tag: tagBroadcasts, summary: "Write a draft broadcast",
		desc: "One message (a text, whose {{contact.…}} variables are filled for each recipient, or a template of the channel's) to the contacts " +
			"the audience keeps on the channel: the contacts list's filters (q, tag, stage, field key=value, last_message_after/before), blocked and " +
			"test contacts always left out. Nothing is sent until POST …/send.",
		body: broadcast.Input{}, required: []string{"name", "channel_id", "message"}, status: 201, resp: broadcast.Broadcast{}, errors: []int{403}},
	"POST /api/v1/broadcasts/audience": {id: "estimateBroadcastAudience", tag: tagBroadcasts, summary: "How many contacts an audience holds now",
		desc: "Before the channel's window: on a channel with a 24-hour window a text skips those outside it when it is sent.",
		body: audienceInput{}, required: []string{"channel_id"}, status: 200, resp: audienceCount{}, errors: []int{403}},
	"GET /api/v1/broadcasts/{broadcastID}": {id: "getBroadcast", tag: tagBroadcasts, summary: "A broadcast with its numbers",
		status: 200, resp: broadcast.Broadcast{}, errors: []int{403, 404}},
	"PATCH /api/v1/broadcasts/{broadcastID}": {id: "updateBroadcast", tag: tagBroadcasts, summary: "Change a draft",
		desc: "Members left out stay as they are. Only a draft changes (409 otherwise).",
		body: broadcast.Input{}, status: 200, resp: broadcast.Broadcast{}, errors: []int{403, 404, 409}},
	"DELETE /api/v1/broadcasts/{broadcastID}": {id: "deleteBroadcast", tag: tagBroadcasts, summary: "Delete a broadcast and its list of recipients",
		desc:   "Not while it is being sent (409: cancel it first). The messages it sent stay in their contacts' history.",
		status: 204, errors: []int{403, 404, 409}},
	"POST /api/v1/broadcasts/{broadcastID}/send": {id: "sendBroadcast", tag: tagBroadcasts, summary: "Send a draft now, or schedule it",
		desc: "Without scheduled_at (or with a past one) it starts at once (status sending, then sent once every recipient's message is queued); " +
			"with a later one, up to a year ahead, it is scheduled. A template is checked against the channel's templates now. Each recipient's " +
			"message is in no conversation (its message.sent carries broadcast_id and no conversation_id); a contact's answer opens one as any " +
			"message does. A text on a channel with a 24-hour window skips the contacts outside it (recipients with status skipped and why).",
		body: sendBroadcastInput{}, optionalBody: true, status: 200, resp: broadcast.Broadcast{}, errors: []int{403, 404, 409}},
	"POST /api/v1/broadcasts/{broadcastID}/cancel": {id: "cancelBroadcast", tag: tagBroadcasts, summary: "Stop a scheduled or sending broadcast",
		desc:   "A scheduled one is a draft again; one being sent stops where it is (cancelled) and the messages already queued still go.",
		status: 200, resp: broadcast.Broadcast{}, errors: []int{403, 404, 409}},
	"GET /api/v1/broadcasts/{broadcastID}/recipients": {id: "listBroadcastRecipients", tag: tagBroadcasts,
		summary: "Who a broadcast went to, in contact id order, and what became of each message",
		query:   append([]param{{"status", "only pending, sent, delivered, read, failed, skipped or replied", false}}, paged...),
		status:  200, resp: page[broadcast.Recipient]{}, errors: []int{400, 403, 404}},
	"GET /api/v1/contacts/{contactID}/broadcasts": {id: "contactBroadcasts", tag: tagContacts,
		summary: "The broadcasts a contact received, newest first (the latest ten)",
		desc: "Their messages are in no conversation: the inbox's contact panel shows them beside the conversation an answer opened. " +
			"Any role, on a contact the caller may see (404 otherwise).",
		status: 200, resp: page[broadcast.Received]{}, errors: []int{404}},
}

func init() {
	for k, v := range broadcastOperations {
		operations[k] = v
	}
}
