package httpapi_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// An agent starts a conversation with an imported contact on an SMS
// channel they never wrote on: the identity is made from the contact's
// phone. A contact without a phone, a channel that reaches only those who
// wrote first (the custom channel), or a phone another contact is known
// by on the channel is refused with the reason, changing nothing (the
// harness compares the store).
func TestStartConversationOnAChannelTheContactNeverWroteOn(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "an SMS channel", method: "POST", path: "/api/v1/channels", as: "manager", status: 201, capture: "sms",
				body: `{"type":"twilio","name":"SMS","config":{"account_sid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","auth_token":"secret","from":"+14155550100"}}`},
			{name: "the channel types say how they reach a contact first", method: "GET", path: "/api/v1/channel-types", as: "agent", status: 200,
				want: []string{`"type":"twilio"`, `"addressed_by":"phone"`}},
			{name: "an imported contact with a phone", method: "POST", path: "/api/v1/contacts", as: "agent",
				body: `{"first_name":"Dee","phone":"+1 415 555 0140"}`, status: 201, capture: "dee"},
			{name: "one with only an email", method: "POST", path: "/api/v1/contacts", as: "agent",
				body: `{"first_name":"Eve","email":"eve@example.com"}`, status: 201, capture: "eve"},
			{name: "start on SMS", method: "POST", path: "/api/v1/conversations", as: "agent",
				body: `{"contact_id":{{dee}},"channel_id":{{sms}}}`, status: 201,
				want: []string{`"channel_id":{{sms}}`, `"opened_source":"user"`, `"status":"open"`}},
			{name: "its identity, from the phone", method: "GET", path: "/api/v1/contacts/{{dee}}", as: "agent", status: 200,
				want: []string{`"channel_id":{{sms}},"external_id":"+14155550140"`}},
			{name: "without a phone", method: "POST", path: "/api/v1/conversations", as: "agent",
				body: `{"contact_id":{{eve}},"channel_id":{{sms}}}`, status: 422,
				want: []string{`"field":"channel_id"`, "the contact has no phone number"}},
			{name: "on a channel that reaches only those who wrote first", method: "POST", path: "/api/v1/conversations", as: "agent",
				body: `{"contact_id":{{eve}},"channel_id":{{channel}}}`, status: 422,
				want: []string{`"field":"channel_id"`, "a custom channel reaches only contacts who wrote to it first"}},
		})

		// Gus wrote on SMS from +14155550150, then his record's phone was
		// changed; Fay was imported with that number.
		sms, _ := strconv.ParseInt(f.vars["sms"], 10, 64)
		r, err := f.conv.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: f.ws.ID,
			ChannelID: sms, ExternalID: "+14155550150", ProviderMessageID: "SM1", Type: "text", Text: "hi"}})
		must0(t, err)
		f.vars["gus"] = itoa(r[0].ContactID)
		f.run(t, []scenario{
			{name: "Gus's new phone", method: "PATCH", path: "/api/v1/contacts/{{gus}}", as: "agent", body: `{"phone":"+14155550151"}`, status: 200},
			{name: "Fay", method: "POST", path: "/api/v1/contacts", as: "agent",
				body: `{"first_name":"Fay","phone":"+14155550150"}`, status: 201, capture: "fay"},
			{name: "the phone is Gus's on SMS", method: "POST", path: "/api/v1/conversations", as: "agent",
				body: `{"contact_id":{{fay}},"channel_id":{{sms}}}`, status: 409,
				want: []string{`"code":"conflict"`, "contact {{gus}} is known on channel {{sms}} as +14155550150"}},
		})
	})
}
