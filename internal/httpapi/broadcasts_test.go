package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/broadcast"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
)

// A manager writes a broadcast, estimates its audience, sends it and
// reads who it went to; agents may not; what cannot be sent is refused
// and changes nothing.
func TestBroadcastsAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		b := newBroadcasts(d)
		f := newFixture(t, d, b.deps)
		for i, phone := range []string{"+14155550101", "+14155550102", "+14155550103"} {
			f.vars["contact"] = itoa(f.inbound(t, phone, "Ana", "bc-"+itoa(int64(i))).ContactID)
		}
		f.vars["ch"] = itoa(f.ch.ID)
		draft := `{"name": "Spring sale", "channel_id": {{ch}}, "audience": {"q": "+1415555010"}, "message": {"type": "text", "text": "20% off"}}`
		f.run(t, []scenario{
			{name: "agents may not", method: "GET", path: "/api/v1/broadcasts", as: "agent", status: 403},
			{name: "none yet", method: "GET", path: "/api/v1/broadcasts", as: "manager", status: 200, want: []string{`"data":[]`}},
			{name: "no name", method: "POST", path: "/api/v1/broadcasts", as: "manager", status: 422,
				body: `{"name": "", "channel_id": {{ch}}, "message": {"type": "text", "text": "x"}}`, want: []string{`"name"`}},
			{name: "another workspace's channel", method: "POST", path: "/api/v1/broadcasts", as: "manager", status: 422,
				body: `{"name": "x", "channel_id": 999999, "message": {"type": "text", "text": "x"}}`, want: []string{"channel_id"}},
			{name: "a type no broadcast sends", method: "POST", path: "/api/v1/broadcasts", as: "manager", status: 422,
				body: `{"name": "x", "channel_id": {{ch}}, "message": {"type": "location", "text": "x"}}`},
			{name: "an audience with a bad date", method: "POST", path: "/api/v1/broadcasts/audience", as: "manager", status: 400,
				body: `{"channel_id": {{ch}}, "audience": {"last_message_after": "yesterday"}}`},
			{name: "estimate", method: "POST", path: "/api/v1/broadcasts/audience", as: "manager", status: 200,
				body: `{"channel_id": {{ch}}, "audience": {"q": "+1415555010"}}`, want: []string{`"count":3`}},
			{name: "write a draft", method: "POST", path: "/api/v1/broadcasts", as: "manager", status: 201, body: draft, capture: "b",
				want: []string{`"status":"draft"`, `"recipients":0`, `"q":"+1415555010"`}},
			{name: "rename it", method: "PATCH", path: "/api/v1/broadcasts/{{b}}", as: "owner", status: 200, body: `{"name": "Spring sale, 2nd"}`,
				want: []string{`"name":"Spring sale, 2nd"`, `"text":"20% off"`}},
			{name: "schedule it past a year", method: "POST", path: "/api/v1/broadcasts/{{b}}/send", as: "manager", status: 422,
				body: `{"scheduled_at": "2099-01-01T00:00:00Z"}`},
			{name: "send it now", method: "POST", path: "/api/v1/broadcasts/{{b}}/send", as: "manager", status: 200, want: []string{`"status":"sending"`}},
			{name: "no change once sending", method: "PATCH", path: "/api/v1/broadcasts/{{b}}", as: "manager", status: 409, body: `{"name": "x"}`},
			{name: "no delete while sending", method: "DELETE", path: "/api/v1/broadcasts/{{b}}", as: "manager", status: 409},
			{name: "another workspace's owner", method: "GET", path: "/api/v1/broadcasts/{{b}}", as: "stranger", status: 404},
		})
		b.sendAll(t)
		f.run(t, []scenario{
			{name: "sent", method: "GET", path: "/api/v1/broadcasts/{{b}}", as: "manager", status: 200,
				want: []string{`"status":"sent"`, `"recipients":3`, `"pending":3`, `"finished_at":"`}},
			{name: "listed", method: "GET", path: "/api/v1/broadcasts", as: "manager", status: 200, want: []string{`"name":"Spring sale, 2nd"`}},
			{name: "its recipients", method: "GET", path: "/api/v1/broadcasts/{{b}}/recipients?limit=2", as: "manager", status: 200,
				want: []string{`"contact_name":"Ana"`, `"status":"pending"`, `"replied":false`}, cursor: "next"},
			{name: "the next page", method: "GET", path: "/api/v1/broadcasts/{{b}}/recipients?limit=2&cursor={{next}}", as: "manager", status: 200,
				want: []string{`"next_cursor":""`}},
			{name: "an unknown status", method: "GET", path: "/api/v1/broadcasts/{{b}}/recipients?status=opened", as: "manager", status: 400},
			{name: "on the contact's panel, for an agent too", method: "GET", path: "/api/v1/contacts/{{contact}}/broadcasts", as: "agent", status: 200,
				want: []string{`"name":"Spring sale, 2nd"`, `"text":"20% off"`, `"status":"pending"`, `"sent_at":"`}},
			{name: "another workspace's contact", method: "GET", path: "/api/v1/contacts/{{contact}}/broadcasts", as: "stranger", status: 404},
			{name: "nothing to cancel", method: "POST", path: "/api/v1/broadcasts/{{b}}/cancel", as: "manager", status: 409},
			{name: "delete", method: "DELETE", path: "/api/v1/broadcasts/{{b}}", as: "manager", status: 204},
			{name: "gone", method: "GET", path: "/api/v1/broadcasts/{{b}}", as: "manager", status: 404},
		})
	})
}

// broadcasts is a node's broadcasts, sent only when a test says.
type broadcasts struct {
	d       *db.DB
	g       *background.Group
	svc     *broadcast.Service
	started bool
}

func newBroadcasts(d *db.DB) *broadcasts { return &broadcasts{d: d, g: background.NewGroup(d.Clock())} }

// deps builds the service over the server's channels (a fixture option).
func (b *broadcasts) deps(deps *httpapi.Deps) {
	b.svc = broadcast.New(b.d, broadcast.Options{Windows: deps.Channels, Templates: deps.Channels, Group: b.g})
	deps.Broadcasts = b.svc
}

// sendAll starts the sending, if not yet, and waits until every broadcast
// sent has been.
func (b *broadcasts) sendAll(t *testing.T) {
	t.Helper()
	if !b.started {
		b.started = true
		backgroundtest.Run(t, b.g, b.svc.Run)
	}
	backgroundtest.WaitIdle(t, b.g)
}
