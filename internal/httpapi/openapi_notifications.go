package httpapi

import (
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/notification"
)

// notificationOperations document the bell and the notification mails'
// settings (notifications.go).
var notificationOperations = map[string]opDoc{
	"GET /api/v1/me/notifications": {id: "listNotifications", tag: tagConversations, summary: "Your bell: mentions and assignments to you, newest first",
		desc:  "Made from the event log when someone mentions you in a comment or assigns you a conversation (not what you did yourself); only about conversations you may still see. A workspace token has none (400).",
		query: append([]param{{"unread", "true keeps the unread ones", false}}, paged...), status: 200, resp: page[notification.Notification]{}},
	"GET /api/v1/me/notifications/count": {id: "countNotifications", tag: tagConversations, summary: "How many of your notifications are unread",
		status: 200, resp: unreadCount{}},
	"POST /api/v1/me/notifications/read": {id: "markNotificationsRead", tag: tagConversations, summary: "Mark notifications read: the ids given (at most 200), or all when none",
		desc: "{} (no ids) marks all read; an empty ids list marks none. Ids that are not yours are ignored.",
		body: readNotifications{}, status: 204},
	"GET /api/v1/me/notification-settings": {id: "getNotificationSettings", tag: tagConversations, summary: "Which of your notifications are mailed to you",
		desc: "A mention, an assignment or (owners) a disabled webhook endpoint you have not seen (read in the bell, or its conversation read) " +
			"mail_after_seconds after it was made (" + notificationMailDelay + " unless the operator set --notification-mail-after) is mailed to you, " +
			"once, when its setting is on (all are, until you choose). mail_available says whether this server mails notifications at all. A workspace token has none (400).",
		status: 200, resp: notificationSettings{}, errors: []int{400}},
	"PUT /api/v1/me/notification-settings": {id: "setNotificationSettings", tag: tagConversations, summary: "Choose which of your notifications are mailed to you, and in which language",
		desc: "Every member is required; language is en or fr (422 otherwise).",
		body: notification.Settings{}, required: []string{"mail_mentions", "mail_assignments", "mail_webhooks", "language"}, status: 200, resp: notificationSettings{}, errors: []int{400}},
}

// notificationMailDelay is notification.MailDelay in words.
var notificationMailDelay = fmt.Sprintf("%d minutes", int(notification.MailDelay.Minutes()))

func init() {
	for k, v := range notificationOperations {
		operations[k] = v
	}
}
