package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/notification"
)

// The bell over HTTP: the manager assigns the agent a conversation and
// mentions them; the agent's bell lists both, counts them, and reads
// them; bad input is refused and changes nothing.
func TestNotificationsAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		g := f.bell(t)
		r := f.inbound(t, "+14155550199", "Ada", "bell-1")
		f.vars["conversationID"] = itoa(r.ConversationID)
		agent := itoa(f.users["agent"].ID)
		f.run(t, []scenario{
			{name: "assign the agent", method: "POST", path: "/api/v1/conversations/{{conversationID}}/assign", as: "manager",
				body: `{"user_id":` + agent + `}`, status: 200},
			{name: "mention the agent", method: "POST", path: "/api/v1/conversations/{{conversationID}}/comments", as: "manager",
				body: `{"text":"see this","mentions":[` + agent + `]}`, status: 201},
		})
		backgroundtest.WaitIdle(t, g)
		var bell struct {
			Data []struct {
				ID   int64
				Kind string
			}
		}
		f.get(t, "/api/v1/me/notifications", "agent", &bell)
		if len(bell.Data) != 2 || bell.Data[0].Kind != "mention" || bell.Data[1].Kind != "assignment" {
			t.Fatalf("the agent's bell = %+v, want the mention then the assignment", bell.Data)
		}
		f.run(t, []scenario{
			{name: "the count", method: "GET", path: "/api/v1/me/notifications/count", as: "agent", status: 200, want: []string{`"unread":2`}},
			{name: "the manager's bell is empty", method: "GET", path: "/api/v1/me/notifications", as: "manager", status: 200, want: []string{`"data":[]`}},
			{name: "a workspace token has no bell", method: "GET", path: "/api/v1/me/notifications", as: "integration", status: 400},
			{name: "unread must be a boolean", method: "GET", path: "/api/v1/me/notifications?unread=maybe", as: "agent", status: 400},
			{name: "too many ids", method: "POST", path: "/api/v1/me/notifications/read", as: "agent",
				body: `{"ids":[` + strings.Repeat("1,", 200) + `1]}`, status: 422},
			{name: "an unknown member", method: "POST", path: "/api/v1/me/notifications/read", as: "agent", body: `{"all":true}`, status: 400},
			{name: "read one", method: "POST", path: "/api/v1/me/notifications/read", as: "agent",
				body: fmt.Sprintf(`{"ids":[%d]}`, bell.Data[0].ID), status: 204},
			{name: "one unread left", method: "GET", path: "/api/v1/me/notifications?unread=true", as: "agent", status: 200,
				want: []string{`"kind":"assignment"`}},
			{name: "read all", method: "POST", path: "/api/v1/me/notifications/read", as: "agent", body: `{}`, status: 204},
			{name: "none unread", method: "GET", path: "/api/v1/me/notifications/count", as: "agent", status: 200, want: []string{`"unread":0`}},
		})
	})
}

// Marking read an empty list of ids marks nothing (the client that sends
// the ids it showed, having shown none, must not clear the bell); only a
// body without ids ({}) marks all. It used to read an empty list as "all".
func TestMarkingNoNotificationsReadKeepsThemUnread(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		g := f.bell(t)
		r := f.inbound(t, "+14155550199", "Ada", "bell-1")
		f.vars["conversationID"] = itoa(r.ConversationID)
		f.run(t, []scenario{
			{name: "mention the agent", method: "POST", path: "/api/v1/conversations/{{conversationID}}/comments", as: "manager",
				body: `{"text":"see this","mentions":[` + itoa(f.users["agent"].ID) + `]}`, status: 201},
		})
		backgroundtest.WaitIdle(t, g)
		f.run(t, []scenario{
			{name: "read none", method: "POST", path: "/api/v1/me/notifications/read", as: "agent", body: `{"ids":[]}`, status: 204},
			{name: "still unread", method: "GET", path: "/api/v1/me/notifications/count", as: "agent", status: 200, want: []string{`"unread":1`}},
			{name: "read all", method: "POST", path: "/api/v1/me/notifications/read", as: "agent", body: `{}`, status: 204},
			{name: "none unread", method: "GET", path: "/api/v1/me/notifications/count", as: "agent", status: 200, want: []string{`"unread":0`}},
		})
	})
}

// Reading a conversation reads what the bell told of it: the agent,
// assigned and mentioned in one conversation and assigned another, reads
// the first; only the second's assignment stays unread.
func TestReadingAConversationReadsItsNotifications(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		g := f.bell(t)
		f.vars["first"] = itoa(f.inbound(t, "+14155550199", "Ada", "bell-1").ConversationID)
		f.vars["second"] = itoa(f.inbound(t, "+14155550198", "Bo", "bell-2").ConversationID)
		agent := itoa(f.users["agent"].ID)
		f.run(t, []scenario{
			{name: "assign the first", method: "POST", path: "/api/v1/conversations/{{first}}/assign", as: "manager",
				body: `{"user_id":` + agent + `}`, status: 200},
			{name: "mention in the first", method: "POST", path: "/api/v1/conversations/{{first}}/comments", as: "manager",
				body: `{"text":"see this","mentions":[` + agent + `]}`, status: 201},
			{name: "assign the second", method: "POST", path: "/api/v1/conversations/{{second}}/assign", as: "manager",
				body: `{"user_id":` + agent + `}`, status: 200},
		})
		backgroundtest.WaitIdle(t, g)
		f.run(t, []scenario{
			{name: "three unread", method: "GET", path: "/api/v1/me/notifications/count", as: "agent", status: 200, want: []string{`"unread":3`}},
			{name: "the manager reads the first", method: "POST", path: "/api/v1/conversations/{{first}}/read", as: "manager", status: 204},
			{name: "which is not the agent's read", method: "GET", path: "/api/v1/me/notifications/count", as: "agent", status: 200, want: []string{`"unread":3`}},
			{name: "marking it unread reads nothing", method: "DELETE", path: "/api/v1/conversations/{{first}}/read", as: "agent", status: 204},
			{name: "still three", method: "GET", path: "/api/v1/me/notifications/count", as: "agent", status: 200, want: []string{`"unread":3`}},
			{name: "the agent reads the first", method: "POST", path: "/api/v1/conversations/{{first}}/read", as: "agent", status: 204},
			{name: "the second's left", method: "GET", path: "/api/v1/me/notifications?unread=true", as: "agent", status: 200,
				want: []string{`"conversation_id":` + f.vars["second"]}, notWant: []string{`"conversation_id":` + f.vars["first"] + `,`}},
		})
	})
}

// The notification settings over HTTP: the defaults, a change, and bad
// input refused without change.
func TestNotificationSettingsAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		path := "/api/v1/me/notification-settings"
		f.run(t, []scenario{
			{name: "the defaults", method: "GET", path: path, as: "agent", status: 200,
				want: []string{`"mail_mentions":true`, `"mail_assignments":true`, `"mail_webhooks":true`, `"language":"en"`, `"mail_available":false`}},
			{name: "a change", method: "PUT", path: path, as: "agent", body: `{"mail_mentions":true,"mail_assignments":false,"mail_webhooks":true,"language":"fr"}`, status: 200,
				want: []string{`"mail_assignments":false`, `"language":"fr"`}},
			{name: "a member left out", method: "PUT", path: path, as: "agent", body: `{"mail_mentions":false,"language":"fr"}`, status: 422,
				want: []string{`mail_assignments`}},
			{name: "the webhooks' left out", method: "PUT", path: path, as: "agent", body: `{"mail_mentions":false,"mail_assignments":false,"language":"fr"}`,
				status: 422, want: []string{`mail_webhooks`}},
			{name: "a language the node lacks", method: "PUT", path: path, as: "agent", body: `{"mail_mentions":false,"mail_assignments":false,"mail_webhooks":true,"language":"de"}`,
				status: 422, want: []string{`language`}},
			{name: "an unknown member", method: "PUT", path: path, as: "agent", body: `{"mail_mentions":false,"mail_assignments":false,"mail_webhooks":true,"language":"en","sms":true}`,
				status: 400},
			{name: "unchanged", method: "GET", path: path, as: "agent", status: 200,
				want: []string{`"mail_mentions":true`, `"mail_assignments":false`, `"language":"fr"`}},
			{name: "the manager's own", method: "GET", path: path, as: "manager", status: 200, want: []string{`"mail_assignments":true`, `"language":"en"`}},
			{name: "a workspace token has none", method: "GET", path: path, as: "integration", status: 400},
			{name: "nor can set them", method: "PUT", path: path, as: "integration", body: `{"mail_mentions":false,"mail_assignments":false,"mail_webhooks":true,"language":"en"}`, status: 400},
		})
	})
}

// bell runs the notifications consumer on the fixture's store, as the node
// runs it (no mail), until the test ends. Its first pass places its cursor
// at the log's end, which it has reached when bell returns: only what
// happens after makes notifications.
func (f *fixture) bell(t *testing.T) *background.Group {
	t.Helper()
	g := background.NewGroup(f.d.Clock())
	backgroundtest.Run(t, g, notification.NewConsumer(f.d, f.hub, g, 0).Run)
	backgroundtest.WaitIdle(t, g)
	return g
}
