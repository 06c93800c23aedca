package httpapi

import (
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/widget"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/routing"
	"github.com/switchboard-chat/switchboard/internal/snippet"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// opDoc documents one route of the table. Bodies and responses are given
// as zero values of the Go types the handler decodes and encodes.
type opDoc struct {
	id, summary, desc, tag string
	query, headers         []param
	body                   any      // request body; nil for none
	required               []string // body fields the domain requires
	optionalBody           bool     // the body may be left out
	multipart              bool     // the body is multipart/form-data with a part "file"
	status                 int      // success status
	also                   int      // a second success status with the same body
	okText                 string   // describes the success, if the status text does not
	resp                   any      // response body; nil for none
	media                  string   // response media type when not a JSON value of resp
	errors                 []int    // statuses beyond those the builder infers
	channelToken           bool     // authenticated by a channel's token
	metricsToken           bool     // authenticated by the metrics token
}

// param is a query or header parameter.
type param struct {
	name, desc string
	integer    bool
}

func (p param) parameter(in string) apiParam {
	s := &jsonSchema{Type: "string"}
	if p.integer {
		s = &jsonSchema{Type: "integer", Format: "int64"}
	}
	return apiParam{Name: p.name, In: in, Description: p.desc, Schema: s}
}

var (
	pCursor = param{"cursor", "next_cursor of the previous page, unchanged (opaque; 400 if altered or from another sort)", false}
	pLimit  = param{"limit", "items per page, 1–200 (default 50; 400 outside)", true}
	pAfter  = param{"after", "an event id: only later events", true}
	pOrder  = param{"order", "asc (default: oldest first) or desc (newest first); anything else is a 400", false}
	pTypes  = param{"types", "comma-separated event types to keep (known types, each counted once)", false}
	paged   = []param{pCursor, pLimit}
)

const (
	tagOps           = "operations"
	tagAuth          = "auth"
	tagConversations = "conversations"
	tagContacts      = "contacts"
	tagSettings      = "settings"
	tagPeople        = "users and teams"
	tagChannels      = "channels"
	tagEvents        = "events"
	tagWidget        = "website widget"
	tagWebhooks      = "webhooks"
)

// operations documents every route, by "METHOD pattern" as in the table.
var operations = map[string]opDoc{
	"GET /healthz": {id: "healthz", tag: tagOps, summary: "The process is alive", status: 200, resp: statusBody{}},
	"GET /readyz": {id: "readyz", tag: tagOps, summary: "The node can serve: the database answers", status: 200,
		resp: statusBody{}, errors: []int{503}},
	"GET /metrics": {id: "metrics", tag: tagOps, summary: "Prometheus metrics", metricsToken: true,
		desc:   "Only to a bearer of the metrics token (--metrics-token); 404 when the node has none, e.g. when it serves its metrics on a listener of their own (--metrics-addr).",
		status: 200, media: "text/plain; version=0.0.4", errors: []int{404}},
	"GET /api/openapi.json": {id: "openapi", tag: tagOps, summary: "This document", status: 200, media: "application/json"},

	"POST /channels/custom/{channelID}/webhook": {id: "customChannelWebhook", tag: tagChannels, channelToken: true,
		summary: "A custom channel's integrator delivers messages, echoes and statuses",
		desc:    "Answered 200 only once every event is durably stored; a redelivery (same mId) is stored once.",
		body:    customInbound{}, required: []string{"contactId", "events"}, status: 200, okText: "Every event is stored"},
	"POST /custom/channel/webhook": {id: "customChannelWebhookCompat", tag: tagChannels, channelToken: true,
		summary: "The same, with the channel the bearer token's (respond.io's URL)",
		desc:    "The token says which channel, and is checked before the body is read; channelId may be left out, and if given must name that channel (401 otherwise).",
		body:    customInbound{}, required: []string{"contactId", "events"}, status: 200,
		okText: "Every event is stored"},
	"POST /custom/channel/webhook/{$}": {id: "customChannelWebhookCompatSlash", tag: tagChannels, channelToken: true,
		summary: "The same as /custom/channel/webhook, with respond.io's trailing slash",
		body:    customInbound{}, required: []string{"contactId", "events"}, status: 200,
		okText: "Every event is stored"},

	// The Telegram channel (internal/channel/telegram, docs/channels.md).
	"POST /webhooks/telegram/{channelID}": {id: "telegramWebhook", tag: tagChannels,
		summary: "Telegram delivers an update of the channel's bot",
		desc: "Authenticated by X-Telegram-Bot-Api-Secret-Token, the channel's token, which setWebhook registers (401 without it, before the body is read). " +
			"Answered 200 once the update's message, edit or button press is durably stored (a redelivery is stored once); a button press is answered " +
			"{\"method\":\"answerCallbackQuery\",\"callback_query_id\"}, which Telegram performs; update kinds Switchboard does not read are acknowledged.",
		headers: []param{{name: "X-Telegram-Bot-Api-Secret-Token", desc: "the channel's token, as given to setWebhook's secret_token"}},
		body:    telegramUpdate{}, required: []string{"update_id"}, status: 200, okText: "The update is stored (or ignored)", errors: []int{401}},

	// The website widget (internal/channel/widget): the script and the
	// visitor API it calls from the embedding page, which must be of one of
	// the channel's allowed origins (403 otherwise).
	"GET /widget.js": {id: "widgetScript", tag: tagWidget, summary: "The website widget's script",
		desc:   "One <script src=\".../widget.js?channel=ID\" async> tag embeds it. Cached for five minutes (ETag), or for good with ?v=<version>.",
		query:  []param{{"channel", "the widget channel's id (read by the script from its own URL)", true}, {"v", "the script's version, for a long cache", false}},
		status: 200, media: "text/javascript", also: 304},
	"GET /widget/{channelID}/settings": {id: "widgetSettings", tag: tagWidget, summary: "The widget's look, as the script draws it",
		status: 200, resp: widget.Settings{}, errors: []int{403}},
	"POST /widget/{channelID}/visitors": {id: "widgetCreateVisitor", tag: tagWidget, summary: "A new visitor's credentials",
		desc:   "The script keeps them in the site's localStorage; the visitor's identity persists with them. Rate limited per site (429).",
		status: 201, resp: widget.Visitor{}, errors: []int{403, 429}},
	"GET /widget/{channelID}/messages": {id: "widgetHistory", tag: tagWidget, summary: "The visitor's own messages and the replies to them",
		desc: "Authorization: Visitor <visitor_id>:<secret>. Never another contact's messages, never internal comments. " +
			"Oldest first: the latest 200, or with after the next 200 after that id (read again with the last id to catch up).",
		query:  []param{{"after", "a message id: the next messages after it", true}},
		status: 200, resp: widget.History{}, errors: []int{401, 403}},
	"POST /widget/{channelID}/messages": {id: "widgetSendMessage", tag: tagWidget, summary: "The visitor writes (what the socket's message frame does)",
		desc: "Authorization: Visitor <visitor_id>:<secret>. Stored through the channels' receive path: a conversation opens with source contact and the workflows run. " +
			"422 for an empty or too long text (at most 4,000 characters) or an invalid email; 429 past the per-visitor or per-site rate.",
		body: widget.Outgoing{}, required: []string{"text"}, status: 201, resp: conversation.Received{}, errors: []int{401, 403, 429}},
	"POST /widget/{channelID}/uploads": {id: "widgetUpload", tag: tagWidget, summary: "The visitor uploads a file to send",
		desc: "Authorization: Visitor <visitor_id>:<secret>. Within the media store's limits (413 past its size; 422 for a type it refuses); " +
			"then send it with a message's media_ids. Counts against the visitor's rate (429).",
		multipart: true, status: 201, resp: widget.Upload{}, errors: []int{401, 403, 429}},
	"GET /widget/{channelID}/socket": {id: "widgetSocket", tag: tagWidget, summary: "The visitor's WebSocket",
		desc: "The first frame is {\"type\":\"auth\",\"visitor_id\",\"secret\"}; then the visitor sends message and typing frames and receives " +
			"ready, message, ack, typing and error frames (docs/widget.md).",
		status: 101, errors: []int{400, 403, 429}},
	"OPTIONS /widget/{channelID}/{rest...}": {id: "widgetPreflight", tag: tagWidget, summary: "CORS preflight of the visitor API",
		status: 204, errors: []int{403}},

	"POST /api/v1/auth/login": {id: "login", tag: tagAuth, summary: "Sign in: a session token for one workspace",
		desc: "A person has one account (email, password) and may work in several workspaces. With one active membership, or with " +
			"workspace_id, the answer is a session token acting in that workspace only, and the user there. With several and no " +
			"workspace_id it is 200 with their workspaces and no token: sign in again with one of them as workspace_id (the same limits apply). " +
			"404 for a workspace_id the person does not work in. " +
			"Failed sign-ins are limited per email and per client address (429 with Retry-After; a successful one never counts). " +
			"A deactivated user is refused (401). An account with two-factor sign-in on needs code too (its authenticator's code of the " +
			"moment or a recovery code): without it 401 with code two_factor_required (no failed sign-in), a wrong, expired or used one 401 " +
			"two_factor_invalid (a failed sign-in). A code is spent by the sign-in that opens a session; the answer listing workspaces " +
			"only checks it, so the next request may send it again with workspace_id.",
		body: credentials{}, required: []string{"email", "password"}, status: 200, resp: session{}, errors: []int{401, 404, 429}},
	"POST /api/v1/auth/session": {id: "browserLogin", tag: tagAuth, summary: "Sign a browser in: the session goes into an HttpOnly cookie",
		desc: "The same body, limits and workspace choice as POST /api/v1/auth/login, but the session token is set as the cookie " +
			sessionCookie + " (HttpOnly, SameSite=Lax, Path=/, Secure over TLS, Max-Age the session's life) and never appears in " +
			"the body; the body has the user and the session's csrf_token, which every POST, PUT, PATCH and DELETE made with the " +
			"cookie sends back in X-CSRF-Token. With several workspaces and no workspace_id: their list, and no cookie. " +
			"403 for a cross-site request.",
		body: credentials{}, required: []string{"email", "password"}, status: 200, resp: browserSession{}, errors: []int{401, 403, 404, 429}},
	"GET /api/v1/auth/csrf": {id: "csrfToken", tag: tagAuth, summary: "The CSRF token of the browser's session (the cookie)",
		desc:   "For a page loaded again: send it in X-CSRF-Token with every change. 400 for a bearer request, which needs none.",
		status: 200, resp: csrfAnswer{}, errors: []int{400}},
	"POST /api/v1/auth/logout": {id: "logout", tag: tagAuth, summary: "Sign out: end the session this request is made with",
		desc:   "400 when the request used an API token rather than a session. Made with the cookie, it also clears the cookie.",
		status: 204, errors: []int{400}},
	"POST /api/v1/auth/logout-all": {id: "logoutAll", tag: tagAuth, summary: "Sign out everywhere: end every session of yours, this one too",
		desc:   "API tokens stay. 400 for a workspace token, which belongs to no user. Made with the cookie, it also clears the cookie.",
		status: 200, resp: endedSessions{}, errors: []int{400}},
	"GET /api/v1/me": {id: "me", tag: tagAuth, summary: "Who the token acts as",
		desc: "With a user's token, also their account and the workspaces it may sign in to.", status: 200, resp: whoAmI{}},
	"GET /api/v1/me/sessions": {id: "listSessions", tag: tagAuth, summary: "Your sessions that have not expired; current marks this one",
		query: paged, status: 200, resp: page[workspace.Session]{}, errors: []int{400}},
	"DELETE /api/v1/me/sessions/{sessionID}": {id: "endSession", tag: tagAuth, summary: "Sign one of your sessions out",
		status: 204, errors: []int{400}},
	"PUT /api/v1/me/password": {id: "changePassword", tag: tagAuth, summary: "Change your password; your other sessions end",
		desc: "Needs the current password (422 naming current_password when wrong; wrong ones count as failed sign-ins, 429). " +
			"The password is your account's: it changes in every workspace you work in, and your sessions in all of them end " +
			"but the one making the change. API tokens stay.",
		body: workspace.PasswordChange{}, required: []string{"current_password", "new_password"}, status: 200, resp: endedSessions{},
		errors: []int{400, 409, 429}},

	"GET /api/v1/conversations": {id: "listConversations", tag: tagConversations, summary: "Conversations the caller may see, sorted and filtered",
		desc:  "Keyset-paged in the chosen sort; ties are broken by id, so pages never repeat or skip a conversation.",
		query: append(conversationFilters(), paged...), status: 200, resp: page[conversation.Conversation]{}},
	"GET /api/v1/conversations/counts": {id: "conversationCounts", tag: tagConversations,
		summary: "Inbox counts: All, Mine, Unassigned, each team, each of your saved views",
		desc: "Each count is the number of conversations the list with the same filter walks, under the caller's scope. " +
			"status defaults to open.",
		query: []param{{"status", "open (default), snoozed or closed", false}}, status: 200, resp: conversation.Counts{}, errors: []int{400}},
	"GET /api/v1/me/views": {id: "listViews", tag: tagConversations, summary: "Your saved views by name (not paged)",
		desc: "400 for a workspace token, which belongs to no user.", status: 200, resp: page[conversation.View]{}, errors: []int{400}},
	"POST /api/v1/me/views": {id: "createView", tag: tagConversations, summary: "Save a view: a name and a conversation list filter",
		desc: "The filter takes the list's parameters (sort, status, assignee, team_id, channel_id, contact_id, tag, field, stage, opened_source, q, last_incoming_within, last_incoming_older_than); " +
			"an invalid one is 422 naming filter. A second view of the same name is 409; at most 100 per user.",
		body: conversation.ViewInput{}, required: []string{"name"}, status: 201, resp: conversation.View{}, errors: []int{400, 409}},
	"GET /api/v1/me/views/{viewID}": {id: "getView", tag: tagConversations, summary: "One of your saved views",
		status: 200, resp: conversation.View{}, errors: []int{400}},
	"PUT /api/v1/me/views/{viewID}": {id: "updateView", tag: tagConversations, summary: "Replace a saved view's name and filter",
		body: conversation.ViewInput{}, required: []string{"name"}, status: 200, resp: conversation.View{}, errors: []int{400, 409}},
	"DELETE /api/v1/me/views/{viewID}": {id: "deleteView", tag: tagConversations, summary: "Delete a saved view",
		status: 204, errors: []int{400}},
	"POST /api/v1/conversations": {id: "openConversation", tag: tagConversations, summary: "Open a conversation for a contact",
		desc: "A contact has at most one open conversation: a second is 409. A user who does not see every conversation " +
			"(without see_all_conversations) is assigned the conversation they open, in the same transaction, as a named " +
			"assignment: at capacity it is 409 and nothing is opened. Without channel_id it opens on the channel the contact " +
			"last wrote on, else their newest identity's; a contact on no channel (made by hand or by import) is 422. " +
			"With channel_id on a channel the contact has no identity on, one that reaches contacts first (addressed_by in " +
			"GET /api/v1/channel-types: WhatsApp and SMS by phone, email by address), the identity is made from the contact's " +
			"phone or email in the same transaction; a contact without that field, or another channel type, is 422 naming " +
			"channel_id, and the phone or email another contact is known by on that channel is 409 naming that contact.",
		body: conversation.OpenInput{}, required: []string{"contact_id"}, status: 201, resp: conversation.Conversation{}, errors: []int{409, 422}},
	"GET /api/v1/conversations/{conversationID}": {id: "getConversation", tag: tagConversations, summary: "A conversation",
		desc: "With reply_window when its channel has a customer-service window: open, closes_at, tag (stamped on what is sent now, " +
			"in an extended window), rule (what may be sent once closed: template or none) and seconds.",
		status: 200, resp: conversation.Conversation{}},
	"POST /api/v1/conversations/{conversationID}/close": {id: "closeConversation", tag: tagConversations,
		summary: "Close with notes", desc: "The workspace's closing_notes_mode decides whether category, or category and summary, are required (422 naming the field).",
		body: conversation.CloseInput{}, optionalBody: true, status: 200, resp: conversation.Conversation{}, errors: []int{409}},
	"POST /api/v1/conversations/{conversationID}/assign": {id: "assignConversation", tag: tagConversations,
		summary: "Assign to a user (409 above their capacity unless force) or hand to a team's queue",
		body:    manualAssignment{}, status: 200, resp: conversation.Conversation{}, errors: []int{409}},
	"POST /api/v1/conversations/{conversationID}/unassign": {id: "unassignConversation", tag: tagConversations,
		summary: "Remove the assignee (the team stays)", status: 200, resp: conversation.Conversation{}, errors: []int{409}},
	"POST /api/v1/conversations/{conversationID}/snooze": {id: "snoozeConversation", tag: tagConversations,
		summary: "Snooze until a time; a contact message wakes it", body: snoozeInput{}, required: []string{"until"},
		status: 200, resp: conversation.Conversation{}, errors: []int{409}},
	"POST /api/v1/conversations/{conversationID}/unsnooze": {id: "unsnoozeConversation", tag: tagConversations,
		summary: "Wake a snoozed conversation", status: 200, resp: conversation.Conversation{}, errors: []int{409}},
	"POST /api/v1/conversations/{conversationID}/read": {id: "markRead", tag: tagConversations, summary: "Mark the conversation read for you",
		desc: "Lists read by a person carry unread: whether the contact wrote since that person last marked it read. A workspace token reads nothing (400). " +
			"The contact is told their newest message was read, on WhatsApp, Messenger and Instagram, unless the channel's read_receipts is never; on the website widget the visitor sees \"Seen\".", status: 204},
	"DELETE /api/v1/conversations/{conversationID}/read": {id: "markUnread", tag: tagConversations, summary: "Mark the conversation unread for you",
		desc: "Forgets when you read it: it shows unread as long as the contact ever wrote.", status: 204},
	"GET /api/v1/conversations/{conversationID}/messages": {id: "listMessages", tag: tagConversations,
		summary: "Messages, oldest first (newest first with order=desc)",
		desc: "order=desc serves the newest page first and its next_cursor walks towards older messages: a view that opens at the end " +
			"of a long conversation reads one page, not all of them. A cursor is valid only in the order that made it (400 otherwise). " +
			"after=<message id> starts oldest first after that message: what a view that follows the conversation reads when " +
			"something new is written (400 with order=desc or a cursor).",
		query:  append([]param{pOrder, {"after", "a message id: only later messages, oldest first", true}}, paged...),
		status: 200, resp: page[conversation.Message]{}},
	"POST /api/v1/conversations/{conversationID}/messages": {id: "sendMessage", tag: tagConversations,
		summary: "Send a message to the contact", desc: "Stored as pending and queued; its status follows in message.status events. " +
			"attachments: [a media id from POST /api/v1/media] sends that file as an attachment message (text is its caption; one file per message); " +
			"the channel's integrator receives a URL it can fetch without a token. " +
			"Outside the channel's customer-service window free text is refused with 409 reply_window_closed (nothing is stored); " +
			"a message of type template ({\"type\":\"template\",\"name\",\"language\",\"params\":[…] or {\"name\": …},\"header\"?} in content) is allowed where the channel's rule is template. " +
			"A template is checked, inside the send, against the channel's templates as last synced (GET /api/v1/channels/{id}/templates): " +
			"422 naming the field, nothing stored, for a channel type without templates (type), a channel that never synced any " +
			"(content.name: sync them first, as WhatsApp sends only templates it approved), a name and language it does not have or " +
			"not APPROVED (content.name), parameters more or fewer than the body's, by other names, or empty (content.params), " +
			"a header parameter the template asks for and the content lacks, or the reverse, another kind, an empty text or a link not " +
			"absolute http(s) (content.header). The stored text is the template's, rendered (a text header's line, then the body with " +
			"the parameters): the text the request gives is ignored, so the timeline shows what the contact reads. " +
			"ai_assisted: true when the text came from an AI draft, rewrite or translation (even edited): the message is marked ai \"draft\" " +
			"and reports never count it as a person's response.",
		body: sendBody{}, status: 202, resp: conversation.Message{}, errors: []int{409}},
	"GET /api/v1/conversations/{conversationID}/comments": {id: "listComments", tag: tagConversations,
		summary: "Internal comments, oldest first (newest first with order=desc)",
		desc: "Ordered and paged as the conversation's messages: order=desc walks from the newest towards the older ones, " +
			"after=<comment id> starts oldest first after that comment: what a view that follows the conversation reads when " +
			"a comment is written (400 with order=desc or a cursor, or when not an id).",
		query:  append([]param{pOrder, {"after", "a comment id: only later comments, oldest first", true}}, paged...),
		status: 200, resp: page[conversation.Comment]{}},
	"POST /api/v1/conversations/{conversationID}/comments": {id: "addComment", tag: tagConversations,
		summary: "Add an internal comment; @email mentions a user", body: conversation.CommentInput{}, required: []string{"text"},
		status: 201, resp: conversation.Comment{}},
	"GET /api/v1/conversations/{conversationID}/comments/{commentID}": {id: "getComment", tag: tagConversations,
		summary: "One internal comment", status: 200, resp: conversation.Comment{}},
	"PATCH /api/v1/conversations/{conversationID}/comments/{commentID}": {id: "editComment", tag: tagConversations,
		summary: "Rewrite your comment",
		desc: "Its author only (403 for anyone else, a workspace token included). The text replaces the old one; the mentions are the " +
			"ids given in mentions (without mentions, those the comment has; [] for none) and the users the new text names by @email. " +
			"edited_at is set, comment.edited appended, and the users mentioned now but not before are notified. " +
			"The same text and mentions change nothing.",
		body: conversation.CommentInput{}, required: []string{"text"}, status: 200, resp: conversation.Comment{}, errors: []int{403}},
	"DELETE /api/v1/conversations/{conversationID}/comments/{commentID}": {id: "deleteComment", tag: tagConversations,
		summary: "Delete a comment",
		desc: "Its author, an owner, a manager or a workspace token (403 for another agent). comment.deleted is appended, the comment's " +
			"earlier events are erased to ids and what happened (their text gone from GET /api/v1/events and webhook deliveries), " +
			"and the notifications of its mentions are removed.",
		status: 204, errors: []int{403}},
	"GET /api/v1/conversations/{conversationID}/events": {id: "conversationEvents", tag: tagConversations,
		summary: "The conversation's timeline events, oldest first by event id (newest first with order=desc)",
		desc: "Paged like every list (cursor, limit). after, instead of a cursor, starts after an event id (a log position, as on the stream), " +
			"oldest first (400 with order=desc or a cursor, or when not an id). " +
			"order=desc walks from the newest towards the older ones (not with after): a view reads a long conversation's last events first.",
		query:  []param{pOrder, pAfter, pTypes, pCursor, pLimit},
		status: 200, resp: page[event.Event]{}},
	"GET /api/v1/messages/{messageID}": {id: "getMessage", tag: tagConversations, summary: "A message with its status history",
		status: 200, resp: conversation.Message{}},
	"POST /api/v1/messages/{messageID}/retry": {id: "retryMessage", tag: tagConversations, summary: "Send a failed message again",
		desc: "Puts a failed outbound message of an open conversation back in the delivery queue, due now: it is pending again " +
			"and its history records the retry. 409 when the message is not a failed outbound one, or its conversation is closed.",
		status: 200, resp: conversation.Message{}, errors: []int{409}},

	// Routing (docs/routing.md).
	"GET /api/v1/presence": {id: "listPresence", tag: "routing", summary: "Every user's availability, open conversations and capacity",
		query: paged, status: 200, resp: page[routing.Presence]{}},
	"PUT /api/v1/presence": {id: "setPresenceStatus", tag: "routing", summary: "Choose your status: online or busy",
		desc: "Busy users take no new automatic assignments. Takes effect while one of your devices is live.",
		body: statusInput{}, required: []string{"status"}, status: 200, resp: routing.Presence{}, errors: []int{403}},
	"POST /api/v1/presence/heartbeat": {id: "presenceHeartbeat", tag: "routing", summary: "A signed-in device of yours is alive",
		desc: "Without a heartbeat from any device for the workspace's inactivity timeout you become offline; the next one returns you to the status you chose.",
		body: deviceInput{}, required: []string{"device_id"}, status: 200, resp: routing.Presence{}, errors: []int{403}},
	"POST /api/v1/presence/sign-out": {id: "presenceSignOut", tag: "routing", summary: "Sign a device out; with no live device left you are offline",
		body: deviceInput{}, required: []string{"device_id"}, status: 200, resp: routing.Presence{}, errors: []int{403}},
	"PUT /api/v1/users/{userID}/capacity": {id: "setUserCapacity", tag: "routing",
		summary: "Set a user's capacity: most open conversations auto-assigned (0 unlimited, null the workspace default)",
		desc:    "Raising it assigns waiting conversations at once.",
		body:    capacityInput{}, status: 200, resp: routing.Presence{}},
	"GET /api/v1/routing/settings": {id: "getRoutingSettings", tag: "routing", summary: "Inactivity timeout, default capacity, reassignment grace, default strategy",
		status: 200, resp: routing.Settings{}},
	"PATCH /api/v1/routing/settings": {id: "updateRoutingSettings", tag: "routing", summary: "Change the routing settings",
		body: routing.SettingsUpdate{}, status: 200, resp: routing.Settings{}},
	"GET /api/v1/routing/queues": {id: "listQueues", tag: "routing", summary: "Each non-empty queue with its conversations in order, positions and waiting times",
		status: 200, resp: page[routing.Queue]{}},
	"POST /api/v1/conversations/{conversationID}/route": {id: "routeConversation", tag: "routing",
		summary: "Assign by target and strategy, queue, or unassign; the reason is stored in the timeline",
		desc: "Targets: user, previous, team, workspace, unassign. A team or workspace target waits in the queue when nobody qualifies " +
			"(unless no_queue). Assigning a named user above capacity is 409 unless force is set.",
		body: routing.Request{}, required: []string{"target"}, status: 200, resp: routing.Result{}, errors: []int{409}},

	"GET /api/v1/events": {id: "listEvents", tag: tagEvents, summary: "The workspace's events after a cursor, in order",
		desc:  "next_cursor is the id of the last event (or the cursor given): pass it as after to poll for what commits next.",
		query: []param{pAfter, pTypes, pLimit}, status: 200, resp: page[event.Event]{}},
	"GET /api/v1/events/stream": {id: "streamEvents", tag: tagEvents, summary: "The events as server-sent events",
		desc: "Each event's id is its SSE id; reconnecting with Last-Event-ID (or ?after=) resumes exactly after it. A comment line every 15 s keeps the stream open. " +
			"A user may keep a few streams open on a node, and a node a few thousand in all: beyond, 429 with Retry-After.",
		query:   []param{pAfter, pTypes, pLimit},
		headers: []param{{"Last-Event-ID", "resume after this event id (wins over after, which a reconnecting client sends again)", true}},
		status:  200, media: "text/event-stream"},
	"GET /api/v1/live": {id: "liveSocket", tag: tagEvents, summary: "The live WebSocket of a browser tab",
		desc: "A GET that upgrades to a WebSocket (JSON text frames; see docs/api.md, \"Live socket\"). The server sends {\"type\":\"hello\",\"cursor\":N} first, " +
			"then {\"type\":\"event\",\"event\":{…}} for every event after the cursor you may see, in log order (each conversation's with its seq), " +
			"and {\"type\":\"typing\",\"conversation_id\",\"user_id\",\"state\"} when someone else starts or stops replying in a conversation you may see. " +
			"You send {\"type\":\"resume\",\"after\":N} to rewind to a cursor, {\"type\":\"heartbeat\"}, and {\"type\":\"typing\",\"conversation_id\":X,\"state\":\"start\"|\"stop\"} while you write a reply (the contact sees it too on Telegram, WhatsApp, Messenger and Instagram; send none for a comment). " +
			"Without after the socket starts at the newest event of the workspace. An open socket keeps its device present. " +
			"A page of another site may not open it (Origin must match the host: 403). It counts as one of your streams (429 beyond). " +
			"Closes: 1008 for a malformed or unknown frame, 1009 for a frame over 1 KiB, 1001 when the node stops, 1013 when the log could not be read, " +
			"4401 when the credentials no longer hold (sign in again); otherwise reconnect with ?after= your last event id.",
		query: []param{{"after", "an event id: replay the later events first (default: the newest event)", true},
			{"device_id", "the device this tab's presence heartbeats are for (default: one per sign-in)", false}},
		status: 101, okText: "Switching Protocols: the connection is now the WebSocket"},

	"GET /api/v1/contacts": {id: "listContacts", tag: tagContacts, summary: "Contacts in id order",
		query:  append(contactFilters(), paged...),
		status: 200, resp: page[contact.Contact]{}},
	"POST /api/v1/contacts": {id: "createContact", tag: tagContacts, summary: "Create a contact",
		desc: "Custom field values are validated against their field's type (422 naming fields.<key>).",
		body: contact.Input{}, required: []string{"first_name"}, status: 201, resp: contact.Contact{}, errors: []int{409}},
	"POST /api/v1/contacts/upsert": {id: "upsertContact", tag: tagContacts, summary: "Update the contact with this phone (else email), or create one",
		body: contact.Input{}, status: 200, okText: "Updated an existing contact", also: 201, resp: contact.Contact{}, errors: []int{409}},
	"GET /api/v1/contacts/{contactID}": {id: "getContact", tag: tagContacts, summary: "A contact with its channel identities",
		status: 200, resp: contactDetail{}},
	"PATCH /api/v1/contacts/{contactID}": {id: "updateContact", tag: tagContacts, summary: "Change a contact; absent fields stay",
		body: contact.Input{}, status: 200, resp: contact.Contact{}, errors: []int{409}},
	"DELETE /api/v1/contacts/{contactID}": {id: "deleteContact", tag: tagContacts,
		summary: "Delete a contact with its conversations and messages",
		desc:    "Needs the delete_contacts permission (403 without it; see the workspace's permissions).", status: 204},
	"POST /api/v1/contacts/{contactID}/tags": {id: "tagContact", tag: tagContacts,
		summary: "Tag a contact (the tag is created if new)", body: tagInput{}, required: []string{"tag"}, status: 200, resp: contact.Contact{}},
	"DELETE /api/v1/contacts/{contactID}/tags/{tag}": {id: "untagContact", tag: tagContacts,
		summary: "Remove a tag from a contact", status: 200, resp: contact.Contact{}},
	"PUT /api/v1/contacts/{contactID}/lifecycle": {id: "setContactLifecycle", tag: tagContacts,
		summary: "Move a contact to a lifecycle stage", body: stageInput{}, required: []string{"stage"}, status: 200, resp: contact.Contact{}},
	"GET /api/v1/contacts/{contactID}/conversations": {id: "listContactConversations", tag: tagContacts,
		summary: "A contact's conversations (the list's sorts and filters; newest first by default)",
		query:   append(conversationFilters(), paged...), status: 200, resp: page[conversation.Conversation]{}},

	"GET /api/v1/contacts/merge-suggestions": {id: "contactMergeSuggestions", tag: tagContacts,
		summary: "Pairs of contacts that look like one person (same phone in another form, same email, same name on several channels)",
		desc:    "At most 100 pairs, a is the older contact of each; reason is phone, email or name. A pair dismissed as not a duplicate is never listed.", status: 200, resp: page[contact.MergeSuggestion]{}},
	"POST /api/v1/contacts/merge-suggestions/dismiss": {id: "dismissMergeSuggestion", tag: tagContacts,
		summary: "Say two contacts are not one person: never suggest them for a merge again",
		desc: "a and b are the two contacts' ids, in either order. The pair is left out of the merge suggestions for good, whatever they share " +
			"(phone, email, name, or a value a workflow could not save); dismissing it again changes nothing, and the dismissal goes with either contact. " +
			"Needs delete_contacts (403 without it); 404 when either contact is not one the caller may see.",
		body: contact.DismissInput{}, required: []string{"a", "b"}, status: 204, errors: []int{404}},
	"GET /api/v1/contacts/merge-suggestions/dismissed": {id: "contactMergeDismissals", tag: tagContacts,
		summary: "Pairs of contacts dismissed as not one person, newest first",
		desc: "At most 100, those whose two contacts the caller may see; a is the lower id. dismissed_by is the user who dismissed the pair " +
			"(absent for an API token, a user deleted since, or a dismissal made before the field was kept).",
		status: 200, resp: page[contact.MergeDismissal]{}},
	"POST /api/v1/contacts/merge-suggestions/restore": {id: "restoreMergeSuggestion", tag: tagContacts,
		summary: "Take back a dismissal: suggest the two contacts for a merge again",
		desc: "a and b are the two contacts' ids, in either order. The pair is listed again by the merge suggestions whenever the two still share " +
			"a phone, an email or a name; restoring a pair that was not dismissed changes nothing. Needs delete_contacts (403 without it); " +
			"404 when either contact is not one the caller may see.",
		body: contact.DismissInput{}, required: []string{"a", "b"}, status: 204, errors: []int{404}},
	"POST /api/v1/contacts/{contactID}/merge": {id: "mergeContact", tag: tagContacts,
		summary: "Merge another contact (from) into this one",
		desc: "Moves from's identities, conversations, tags and custom field values here and deletes from, in one write; records contact.merged. " +
			"Each field takes the older contact's value (the other's when the older has none) unless keep names \"from\" or \"into\". " +
			"When both have an open conversation the newer is closed (source user, or api for a token) with a note. " +
			"The merged contact is blocked if either was, and then keeps no open conversation. Needs delete_contacts (403 without it).",
		body: contact.MergeInput{}, required: []string{"from"}, status: 200, resp: contact.MergeResult{}},

	"POST /api/v1/contacts/import": {id: "importContacts", tag: tagContacts, summary: "Import contacts from a CSV file",
		desc: "multipart/form-data: the CSV in a part named file (a header line, then a contact per line; at most 64 MiB: 413), " +
			"an optional part mapping (a JSON object CSV header → id, first_name, last_name, phone, email, language, country, lifecycle_stage, tags " +
			"or fields.<key>; without it headers naming a field map to it), an optional part dry_run (true: validate and count, write nothing), " +
			"an optional part mode (add_and_update, the default; add_only: a row matching a contact is rejected; update_only: a row matching none is rejected) " +
			"and an optional part overwrite (false: do not overwrite, an update sets only what the contact has no value for; tags are added either way). " +
			"A row with an id updates that contact (an export's first column: an edited export imports back onto its contacts) and never creates one; " +
			"a row without creates a contact or updates the one with the same phone (else email); an invalid row is rejected with its line and reason, the others are imported. " +
			"With ?progress=true the answer is NDJSON: {\"type\":\"progress\",\"rows\":N} after each batch of 1,000 rows, then {\"type\":\"report\",\"report\":{…}}. " +
			"Owners, managers and workspace tokens only (403).",
		query: []param{{"dry_run", "true: validate only (also a part of the body)", false}, {"mode", "add_and_update, add_only or update_only (also a part of the body)", false},
			{"overwrite", "false: do not overwrite what a contact has (also a part of the body)", false}, {"progress", "true: answer NDJSON progress lines, then the report", false}},
		multipart: true, status: 200, resp: contact.ImportReport{}, errors: []int{413}},
	"GET /api/v1/contacts/export": {id: "exportContacts", tag: tagContacts, summary: "The filtered contacts as CSV, streamed",
		desc: "The list's filters; columns id, first_name, last_name, phone, email, language, country, lifecycle_stage, tags (;-separated, ending with ; when a tag holds a comma), " +
			"created_at, last_message_at, then one per custom field key. Needs the export_contacts permission (403 without it); " +
			"a restricted user exports the contacts they may see.",
		query: contactFilters(), status: 200, media: "text/csv"},
	"GET /api/v1/contacts/{contactID}/events": {id: "contactEvents", tag: tagContacts,
		summary: "A contact's timeline: its events and its conversations' events, newest first",
		desc:    "Only the events the caller may see (as on the event log).", query: paged, status: 200, resp: page[event.Event]{}},
	"GET /api/v1/custom-fields": {id: "listCustomFields", tag: tagSettings, summary: "Custom contact fields",
		query: paged, status: 200, resp: page[contact.Field]{}},
	"POST /api/v1/custom-fields": {id: "createCustomField", tag: tagSettings, summary: "Define a custom contact field",
		body: fieldInput{}, required: []string{"key", "type"}, status: 201, resp: contact.Field{}, errors: []int{409}},
	"DELETE /api/v1/custom-fields/{fieldID}": {id: "deleteCustomField", tag: tagSettings,
		summary: "Delete a custom field and every contact's value of it", status: 204},
	"GET /api/v1/tags": {id: "listTags", tag: tagSettings, summary: "Tags by name", query: paged, status: 200, resp: page[contact.Tag]{}},
	"POST /api/v1/tags": {id: "createTag", tag: tagSettings, summary: "Define a tag",
		body: newTag{}, required: []string{"name"}, status: 201, resp: contact.Tag{}, errors: []int{409}},
	"DELETE /api/v1/tags/{tagID}": {id: "deleteTag", tag: tagSettings, summary: "Delete a tag from the workspace and every contact", status: 204},
	"GET /api/v1/lifecycle-stages": {id: "listLifecycleStages", tag: tagSettings, summary: "Lifecycle stages in order",
		query: paged, status: 200, resp: page[contact.Stage]{}},
	"GET /api/v1/closing-categories": {id: "listClosingCategories", tag: tagSettings, summary: "Closing categories by name",
		query: paged, status: 200, resp: page[conversation.Category]{}},
	"POST /api/v1/closing-categories": {id: "createClosingCategory", tag: tagSettings, summary: "Add a closing category",
		body: newCategory{}, required: []string{"name"}, status: 201, resp: conversation.Category{}, errors: []int{409}},
	"DELETE /api/v1/closing-categories/{categoryID}": {id: "deleteClosingCategory", tag: tagSettings,
		summary: "Delete a closing category; closed conversations keep its name",
		desc:    "A category a workflow names is not deleted (409, naming the workflows).", status: 204, errors: []int{409}},

	"GET /api/v1/snippets": {id: "listSnippets", tag: tagSettings, summary: "Snippets by name",
		desc:  "Canned texts an agent inserts by typing / and the name. q keeps those whose name or text starts with it (case-insensitive).",
		query: append([]param{{"q", "start of the name or text (at most 200 characters)", false}}, paged...), status: 200, resp: page[snippet.Snippet]{}},
	"POST /api/v1/snippets": {id: "createSnippet", tag: tagSettings, summary: "Add a snippet",
		desc: "name: 1–50 lowercase letters, digits, - and _, starting with a letter or digit, unique in the workspace (409); text: at most 10,000 characters.",
		body: snippet.Input{}, required: []string{"name", "text"}, status: 201, resp: snippet.Snippet{}, errors: []int{409}},
	"GET /api/v1/snippets/{snippetID}": {id: "getSnippet", tag: tagSettings, summary: "A snippet", status: 200, resp: snippet.Snippet{}},
	"PATCH /api/v1/snippets/{snippetID}": {id: "updateSnippet", tag: tagSettings, summary: "Change a snippet's name or text",
		body: snippet.Input{}, status: 200, resp: snippet.Snippet{}, errors: []int{409}},
	"DELETE /api/v1/snippets/{snippetID}": {id: "deleteSnippet", tag: tagSettings, summary: "Delete a snippet", status: 204},

	"POST /api/v1/media": {id: "uploadMedia", tag: tagConversations, summary: "Upload an attachment",
		desc: "multipart/form-data with the file in a part named file (at most 25 MiB unless the node says otherwise: 413). " +
			"The type is detected from the content, not the name: images (PNG, JPEG, GIF, WebP), PDF, plain text, XML documents (text/xml, " +
			"by their <?xml declaration; served as a download; SVG or XHTML is refused), audio (MP3, WAV, Ogg) and video (MP4, WebM) are accepted, anything else is 422, " +
			"as is a part Content-Type that names another type than the content's (text may be declared as any text/* type but HTML, " +
			"application/json, application/xml, or application/vnd.ms-excel as Excel on Windows declares a CSV file). Send it with POST /api/v1/conversations/{conversationID}/messages and attachments: [id].",
		multipart: true, status: 201, resp: media.Media{}},
	"GET /api/v1/media/{media}": {id: "getMedia", tag: tagConversations, summary: "Download an attachment",
		desc: "To members of the file's workspace only (404 otherwise). Served with its detected Content-Type, X-Content-Type-Options: nosniff, " +
			"Content-Security-Policy: default-src 'none'; sandbox, Content-Disposition inline for images, audio and video and attachment otherwise, " +
			"and Cache-Control: private, immutable. Range requests are honoured.",
		status: 200, media: "application/octet-stream"},
	"GET /media/{media}/{key}": {id: "fetchMedia", tag: tagChannels, summary: "A channel's integrator fetches a sent attachment",
		desc:   "The URL of an attachment in an outbound message; the key in it stands for a token. The same headers as GET /api/v1/media/{media}.",
		status: 200, media: "application/octet-stream"},

	"GET /api/v1/users": {id: "listUsers", tag: tagPeople, summary: "Users", query: paged, status: 200, resp: page[workspace.User]{}},
	"POST /api/v1/users": {id: "createUser", tag: tagPeople, summary: "Add a user",
		desc: "Only an owner may add an owner. Without a password the user acts only through API tokens. " +
			"An email that already has an account (it signs in elsewhere) is 409 account_exists: invite that person " +
			"(POST /api/v1/invitations), who joins with their own password. " +
			"The same email twice in this workspace is 409.",
		body: workspace.NewUser{}, required: []string{"email", "name"}, status: 201, resp: workspace.User{}, errors: []int{409}},
	"GET /api/v1/users/{userID}": {id: "getUser", tag: tagPeople, summary: "A user", status: 200, resp: workspace.User{}},
	"PATCH /api/v1/users/{userID}": {id: "updateUser", tag: tagPeople, summary: "Change a user",
		desc: "Users may change their own name and status (their own password with PUT /api/v1/me/password); managers may change other users but not owners; " +
			"only owners change roles and permissions. A password set for someone else ends all their sessions; it is refused (409) for a person who also works " +
			"in another workspace, since their password opens that one too. The last active owner cannot be demoted (409).",
		body: workspace.UserUpdate{}, status: 200, resp: workspace.User{}, errors: []int{409, 429}},
	"DELETE /api/v1/users/{userID}": {id: "deleteUser", tag: tagPeople, summary: "Delete a user who has no history",
		desc: "409 when anything refers to them (conversations, messages, comments, events, workflows…): deactivate them instead. " +
			"Not yourself; a manager may not delete an owner.",
		status: 204, errors: []int{409}},
	"POST /api/v1/users/{userID}/deactivate": {id: "deactivateUser", tag: tagPeople,
		summary: "Deactivate a user: no sign-in, tokens refused, conversations routed again, history kept",
		desc: "Their sessions end; their API tokens are refused while deactivated; their presence goes offline; their open and snoozed " +
			"conversations are unassigned (conversation.unassigned) and queued for their team again. Not yourself; a manager may not " +
			"deactivate an owner; the last active owner cannot be deactivated (409).",
		status: 200, resp: workspace.User{}, errors: []int{409}},
	"POST /api/v1/users/{userID}/reactivate": {id: "reactivateUser", tag: tagPeople, summary: "Let a deactivated user sign in again",
		status: 200, resp: workspace.User{}},
	"GET /api/v1/teams": {id: "listTeams", tag: tagPeople, summary: "Teams with their members", query: paged,
		status: 200, resp: page[workspace.Team]{}},
	"POST /api/v1/teams": {id: "createTeam", tag: tagPeople, summary: "Create a team",
		body: workspace.TeamInput{}, required: []string{"name"}, status: 201, resp: workspace.Team{}, errors: []int{409}},
	"GET /api/v1/teams/{teamID}": {id: "getTeam", tag: tagPeople, summary: "A team", status: 200, resp: workspace.Team{}},
	"PATCH /api/v1/teams/{teamID}": {id: "updateTeam", tag: tagPeople, summary: "Rename a team, replace its members or set its business calendar",
		desc: "Fields left out are unchanged. business_hours (validated like the workspace's) and holidays (YYYY-MM-DD, at most 366) are the " +
			"team's own calendar for the reports' business-hours mode; business_hours {} goes back to the workspace's calendar. They apply to " +
			"events projected from then on; `switchboard reports rebuild` applies them to the whole history.",
		body: workspace.TeamInput{}, status: 200, resp: workspace.Team{}, errors: []int{409}},
	"DELETE /api/v1/teams/{teamID}": {id: "deleteTeam", tag: tagPeople, summary: "Delete a team; its members stay",
		desc: "A team whose queue holds conversations is 409: nobody could ever take them.", status: 204, errors: []int{409}},

	"GET /api/v1/channels": {id: "listChannels", tag: tagChannels, summary: "Channels (secrets only hinted at)",
		query: paged, status: 200, resp: page[channel.Channel]{}},
	"POST /api/v1/channels": {id: "createChannel", tag: tagChannels, summary: "Connect a channel; the answer holds its new token, once",
		desc: "Secret config fields (see GET /api/v1/channel-types) are sealed at rest and never returned; secrets shows which are set.",
		body: channel.Input{}, required: []string{"type", "name", "config"}, status: 201, resp: channelWithToken{}},
	"GET /api/v1/channels/{channelID}": {id: "getChannel", tag: tagChannels, summary: "A channel", status: 200, resp: channel.Channel{}},
	"PATCH /api/v1/channels/{channelID}": {id: "updateChannel", tag: tagChannels, summary: "Rename a channel or replace its config",
		desc: "A secret config field left out keeps its value.", body: channel.Input{}, status: 200, resp: channel.Channel{}},
	"POST /api/v1/channels/{channelID}/rotate-token": {id: "rotateChannelToken", tag: tagChannels,
		summary: "Give a channel a new webhook token; the answer holds it, once",
		desc: "The old token is refused from then on (on other nodes of a cluster within 5 s). Update the integrator's configuration " +
			"with the new token: its webhooks and Switchboard's calls to it both use it. A channel its provider registers (Telegram's " +
			"setWebhook) is registered again with the new token, and connection says how that went.", status: 200, resp: channelWithToken{}},
	"GET /api/v1/channel-types": {id: "listChannelTypes", tag: tagChannels,
		summary: "The channel types this server knows: configuration schema (secrets marked) and capabilities",
		desc: "testable: the type has a connection test (POST /api/v1/channels/{channelID}/test); connects: saving a channel registers its " +
			"webhook with the provider (the answer's connection says how that went).",
		status: 200, resp: channelTypes{}},
	"POST /api/v1/channels/{channelID}/connect": {id: "connectChannel", tag: tagChannels,
		summary: "Register the channel's webhook with its provider again",
		desc: "For types that connect (Telegram's setWebhook…), which saving a channel also does: ok, webhook_url and the provider's error. " +
			"A type that does not connect is 422.", status: 200, resp: channel.Connection{}},
	// A channel's message templates (channel_templates.go).
	"GET /api/v1/channels/{channelID}/templates": {id: "listChannelTemplates", tag: tagChannels,
		summary: "The channel's pre-approved message templates, as last synced (WhatsApp)",
		desc:    "What the composer offers outside the reply window: each template's body with its {{n}} placeholders and how many parameters it takes. Empty until synced, and for channel types without templates.",
		status:  200, resp: templateList{}},
	"POST /api/v1/channels/{channelID}/templates/sync": {id: "syncChannelTemplates", tag: tagChannels,
		summary: "Read the channel's templates from the provider, replacing the stored ones",
		desc: "422 for a channel type without templates; 409 (code provider_error) with the provider's reason when it refuses " +
			"(a wrong token or account id), and the stored templates stay.",
		status: 200, resp: templateList{}, errors: []int{409}},

	// WhatsApp Cloud API webhooks (internal/channel/whatsapp): authenticated
	// by the verify token (GET) and the app secret's signature (POST).
	"GET /webhooks/whatsapp/{channelID}": {id: "whatsappWebhookVerify", tag: tagChannels,
		summary: "Meta's subscription check of a WhatsApp channel's webhook",
		desc: "Meta sends ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…: answered with hub.challenge as text when the mode is subscribe " +
			"and the token is the channel's verify token (the one configured, else the channel's generated token); 403 otherwise.",
		status: 200, media: "text/plain", errors: []int{403}},
	"POST /webhooks/whatsapp/{channelID}": {id: "whatsappWebhook", tag: tagChannels,
		summary: "WhatsApp Cloud API deliveries: messages and statuses",
		desc: "Meta's webhook envelope (object whatsapp_business_account). X-Hub-Signature-256 must be the HMAC-SHA256 of the raw body under the channel's app secret (401, nothing stored); " +
			"a body that is not the envelope is 400. Changes for another phone number id are acknowledged and not stored. Answered 200 {\"results\": [...]} once every item is durably stored; a redelivery (same wamid) is stored once.",
		headers: []param{{"X-Hub-Signature-256", "sha256=<hex HMAC-SHA256 of the body under the app secret>", false}},
		status:  200, okText: "Every message and status is stored", errors: []int{401, 413}},

	"GET /api/v1/tokens": {id: "listTokens", tag: tagSettings, summary: "API tokens (secrets are never shown again)",
		query: paged, status: 200, resp: page[workspace.Token]{}},
	"POST /api/v1/tokens": {id: "createToken", tag: tagSettings, summary: "Create an API token; the answer holds its secret, once",
		body: newAPIToken{}, required: []string{"name"}, status: 201, resp: createdToken{}},
	"DELETE /api/v1/tokens/{tokenID}": {id: "deleteToken", tag: tagSettings, summary: "Revoke a token", status: 204},

	"GET /api/v1/workspace": {id: "getWorkspace", tag: tagSettings, summary: "The workspace's settings", status: 200, resp: workspace.Workspace{}},
	"PATCH /api/v1/workspace": {id: "updateWorkspace", tag: tagSettings, summary: "Change the name, time zone, closing-notes mode, auto-close or permissions",
		desc: "auto_close_minutes is 0 (off) or 30 to 20160 (14 days), 422 otherwise; auto_close_mode is inactivity (the default) or " +
			"awaiting_contact, 422 otherwise (auto_close_contact_only is kept but has no effect in awaiting_contact); changing either " +
			"applies to the open conversations at once. " +
			"permissions sets, per role (agent, manager), what its members may do: all three flags, or null for the defaults. " +
			"Unknown roles, owner, or a missing flag are refused (422). Owners and managers change the workspace; only owners its permissions (403).",
		body: workspace.Settings{}, status: 200, resp: workspace.Workspace{}, errors: []int{403}},
}

// conversationFilters are the sort and filter parameters of a
// conversation list, which a saved view stores.
func conversationFilters() []param {
	return []param{
		{"sort", "newest (default) or oldest (by opening), last_message (latest message first), waiting (oldest unanswered contact message first, answered ones last)", false},
		{"status", "open, snoozed or closed", false},
		{"assignee", "a user id, me or none (assignee_id is the older name)", false},
		{"assignee_id", "the older name of assignee", false},
		{"team_id", "", true}, {"channel_id", "", true}, {"contact_id", "", true},
		{"tag", "a tag name of the contact", false},
		{"field", "key=value: the contact's custom field key has exactly this value", false},
		{"stage", "the contact's lifecycle stage name", false},
		{"opened_source", "contact, user, workflow or api", false},
		{"q", "text in the contact's name, phone or email (at most 200 characters)", false},
		{"test", "include: also the Workflow Builder's test conversations (left out by default, unless contact_id is given); only: them alone", false},
		{"last_incoming_within", "seconds (1 to 31622400, 366 days): the contact wrote in the conversation within this long before the request", false},
		{"last_incoming_older_than", "seconds (1 to 31622400): no message from the contact in the conversation for this long (one it never wrote in counts from its opening)", false},
	}
}

// contactFilters are the contact list's (and export's) filters.
func contactFilters() []param {
	return []param{{"q", "part of the name, phone or email (at most 200 characters; also as search)", false},
		{"search", "the same as q", false},
		{"tag", "only contacts with this tag", false}, {"field", "key=value: a custom field has exactly this value", false},
		{"stage", "the lifecycle stage's name", false}, {"channel_id", "the contact has an identity on this channel", true},
		{"last_message_after", "RFC 3339: the contact last wrote at or after", false},
		{"last_message_before", "RFC 3339: the contact last wrote before (or never)", false},
		{"test", "include: also the Workflow Builder's test contacts (left out by default); only: them alone", false},
		{"blocked", "only: the blocked contacts alone; exclude: leaves them out (both by default)", false}}
}
