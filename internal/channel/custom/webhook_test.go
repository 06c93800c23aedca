package custom

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/metrics/metricstest"
)

// A first message, on either URL, creates the contact with the profile
// the integrator gave, its identity on the channel, an open conversation
// and the message — and only then answers 200.
func TestWebhookMessageOpensConversation(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		shapes := []struct {
			name      string
			url       string
			channelID string // the body's channelId member, if any
		}{
			{"path URL", f.pathURL(f.ch.ID), ""},
			{"path URL with channelId", f.pathURL(f.ch.ID), `"channelId":"` + strconv.FormatInt(f.ch.ID, 10) + `",`},
			{"respond.io URL", f.bodyURL(), `"channelId":"` + strconv.FormatInt(f.ch.ID, 10) + `",`},
			{"respond.io URL, numeric channelId", f.bodyURL(), `"channelId":` + strconv.FormatInt(f.ch.ID, 10) + `,`},
			{"respond.io URL, the token alone names the channel", f.bodyURL(), ""},
		}
		for i, shape := range shapes {
			t.Run(shape.name, func(t *testing.T) {
				phone := fmt.Sprintf("+6017787289%d", i)
				body := `{` + shape.channelID + `"contactId":"` + phone + `","events":[{"type":"message","mId":"first-` + strconv.Itoa(i) +
					`","timestamp":2132131321000,"message":{"type":"text","text":"Hello World"}}],` +
					`"contact":{"firstName":"John","lastName":"Doe","profilePic":"https://example.com/john.jpg","countryCode":"MY",` +
					`"email":"john` + strconv.Itoa(i) + `@respond.io","phone":"` + phone + `","language":"en","timezone":8}}`
				before := metricstest.Value(t, f.m, `switchboard_inbound_messages_total{channel="custom",outcome="stored"}`)
				status, out := f.post(t, shape.url, "Bearer "+f.ch.Token, body)
				if status != http.StatusOK {
					t.Fatalf("status %d: %v", status, out)
				}
				results := out["results"].([]any)
				r := results[0].(map[string]any)
				if len(results) != 1 || r["opened"] != true || r["message_id"] == nil || r["conversation_id"] == nil {
					t.Fatalf("results = %v", results)
				}
				contactID := int64(r["contact_id"].(float64))
				c, err := contact.New(d).Get(ctx, access.System(f.ws.ID), contactID)
				if err != nil {
					t.Fatal(err)
				}
				if c.FirstName != "John" || c.LastName != "Doe" || c.Phone != phone || c.Email != "john"+strconv.Itoa(i)+"@respond.io" ||
					c.Language != "en" || c.Country != "MY" || c.AvatarURL != "https://example.com/john.jpg" {
					t.Errorf("contact = %+v", c)
				}
				ids, err := contact.New(d).ListIdentities(ctx, f.ws.ID, contactID)
				if err != nil || len(ids) != 1 || ids[0].ExternalID != phone || ids[0].ChannelID != f.ch.ID {
					t.Errorf("identities = %+v, %v", ids, err)
				}
				conv, err := f.convs.OpenOf(ctx, f.ws.ID, contactID)
				if err != nil || conv.OpenedSource != "contact" || conv.ChannelID != f.ch.ID || conv.ID != int64(r["conversation_id"].(float64)) {
					t.Errorf("conversation = %+v, %v", conv, err)
				}
				m, err := f.convs.GetMessage(ctx, access.System(f.ws.ID), int64(r["message_id"].(float64)))
				if err != nil {
					t.Fatal(err)
				}
				if m.Direction != "in" || m.Sender != "contact" || m.Type != "text" || m.Text != "Hello World" || m.Status != "received" ||
					m.ProviderMessageID != "first-"+strconv.Itoa(i) || m.SentAt.UnixMilli() != 2132131321000 ||
					string(m.Content) != `{"type":"text","text":"Hello World"}` {
					t.Errorf("message = %+v", m)
				}
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE conversation_id = ? AND type IN ('conversation.opened', 'message.received')`, conv.ID); n != 2 {
					t.Errorf("events = %d, want conversation.opened and message.received", n)
				}
				if after := metricstest.Value(t, f.m, `switchboard_inbound_messages_total{channel="custom",outcome="stored"}`); after != before+1 {
					t.Errorf("stored metric went from %v to %v", before, after)
				}
			})
		}
		if n := metricstest.Value(t, f.m, `switchboard_webhook_ack_seconds_count{channel="custom"}`); n != float64(len(shapes)) {
			t.Errorf("acknowledgements timed = %v, want %d", n, len(shapes))
		}
	})
}

// A redelivered webhook is answered 200 again, marked duplicate, and
// stores nothing more.
func TestWebhookRedeliveryStoredOnce(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		body := textEvent("cust-1", EventMessage, "m-1", "hello")
		first := f.deliver(t, body)
		before := rows(t, d)
		again := f.deliver(t, body)
		if !again[0].Duplicate || again[0].MessageID != first[0].MessageID || again[0].ConversationID != first[0].ConversationID {
			t.Errorf("redelivery = %+v, first = %+v", again[0], first[0])
		}
		if after := rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("redelivery changed the store: %v → %v", before, after)
		}
		if n := metricstest.Value(t, f.m, `switchboard_inbound_messages_total{channel="custom",outcome="duplicate"}`); n != 1 {
			t.Errorf("duplicates counted = %v, want 1", n)
		}
	})
}

// A message_echo is stored as an outbound message sent from outside
// Switchboard, in the contact's open conversation, without reopening it.
func TestWebhookEcho(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		opened := f.deliver(t, textEvent("+14155550100", EventMessage, "in-1", "hi"))
		echo := f.deliver(t, textEvent("+14155550100", EventEcho, "echo-1", "answered from the phone"))
		if echo[0].Opened || echo[0].ConversationID != opened[0].ConversationID || echo[0].ContactID != opened[0].ContactID {
			t.Fatalf("echo = %+v, opened = %+v", echo[0], opened[0])
		}
		m, err := f.convs.GetMessage(ctx, access.System(f.ws.ID), echo[0].MessageID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Direction != "out" || m.Sender != "echo" || m.Status != "sent" || m.Text != "answered from the phone" || m.ProviderMessageID != "echo-1" {
			t.Errorf("echo message = %+v", m)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations`); n != 1 {
			t.Errorf("conversations = %d, want 1", n)
		}
		if again := f.deliver(t, textEvent("+14155550100", EventEcho, "echo-1", "answered from the phone")); !again[0].Duplicate {
			t.Errorf("redelivered echo = %+v, want a duplicate", again[0])
		}
	})
}

// All events of one webhook are stored together, in order, and a message
// of a type Switchboard does not know is kept whole.
func TestWebhookManyEventsAndUnknownType(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		sticker := `{"type":"sticker","sticker":{"id":"CAACAgIAAxkBAAEB","emoji":"👍"}}`
		res := f.deliver(t, `{"contactId":"cust-9","events":[
			{"type":"message","mId":"a","message":{"type":"text","text":"one"}},
			{"type":"message","mId":"b","message":`+sticker+`},
			{"type":"message_echo","mId":"c","message":{"type":"text","text":"three"}}]}`)
		if len(res) != 3 || !res[0].Opened || res[1].Opened || res[1].ConversationID != res[0].ConversationID || res[2].ConversationID != res[0].ConversationID {
			t.Fatalf("results = %+v", res)
		}
		m, err := f.convs.GetMessage(ctx, access.System(f.ws.ID), res[1].MessageID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Type != "sticker" || string(m.Content) != sticker || m.Status != "received" {
			t.Errorf("sticker message = %+v (content %s)", m, m.Content)
		}
	})
}

// Every refused webhook gets its documented status and error code, is
// counted, and changes nothing in the store.
func TestWebhookRefusals(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		other := f.newChannel(t, "http://127.0.0.1:2")
		var foreignID int64 // a channel of another type
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at) VALUES (?, 'telegram', 'tg', 'tgtoken', '{}', ?) RETURNING id`,
				f.ws.ID, d.Now()).Scan(&foreignID)
		}); err != nil {
			t.Fatal(err)
		}
		// Something already stored, so "nothing changed" is not trivially true of empty tables.
		f.deliver(t, textEvent("+14155550100", EventMessage, "seed", "hi"))

		id := strconv.FormatInt(f.ch.ID, 10)
		good := textEvent("+14155550199", EventMessage, "new-1", "hello")
		withChannel := func(channelID string) string {
			return `{"channelId":` + channelID + `,` + strings.TrimPrefix(good, "{")
		}
		bearer := "Bearer " + f.ch.Token
		huge := `{"contactId":"c","events":[],"pad":"` + strings.Repeat("x", httpjson.MaxBodyBytes) + `"}`
		tests := []struct {
			name   string
			url    string
			auth   string
			body   string
			status int
			code   string
		}{
			{"non-numeric channel", f.srv.URL + "/channels/custom/abc/webhook", bearer, good, 404, "not_found"},
			{"zero channel", f.srv.URL + "/channels/custom/0/webhook", bearer, good, 404, "not_found"},
			{"unknown channel", f.pathURL(f.ch.ID + 1000), bearer, good, 404, "not_found"},
			{"channel of another type", f.pathURL(foreignID), "Bearer tgtoken", good, 404, "not_found"},
			{"no token", f.pathURL(f.ch.ID), "", good, 401, "unauthorized"},
			{"empty bearer", f.pathURL(f.ch.ID), "Bearer ", good, 401, "unauthorized"},
			{"basic auth", f.pathURL(f.ch.ID), "Basic " + f.ch.Token, good, 401, "unauthorized"},
			{"wrong token", f.pathURL(f.ch.ID), "Bearer nope", good, 401, "unauthorized"},
			{"another channel's token", f.pathURL(f.ch.ID), "Bearer " + other.Token, good, 401, "unauthorized"},
			{"too large", f.pathURL(f.ch.ID), bearer, huge, 413, "too_large"},
			{"malformed JSON", f.pathURL(f.ch.ID), bearer, `{"contactId":"c",`, 400, "bad_request"},
			{"empty body", f.pathURL(f.ch.ID), bearer, ``, 400, "bad_request"},
			{"unknown event type", f.pathURL(f.ch.ID), bearer, textEvent("c", "message_read", "m", "x"), 400, "bad_request"},
			{"missing contactId", f.pathURL(f.ch.ID), bearer, `{"events":[{"type":"message","mId":"m","message":{"type":"text","text":"x"}}]}`, 422, "invalid"},
			{"contactId too long", f.pathURL(f.ch.ID), bearer, textEvent(strings.Repeat("c", 51), EventMessage, "m", "x"), 422, "invalid"},
			{"missing mId", f.pathURL(f.ch.ID), bearer, `{"contactId":"c","events":[{"type":"message","message":{"type":"text","text":"x"}}]}`, 422, "invalid"},
			{"missing events", f.pathURL(f.ch.ID), bearer, `{"contactId":"c"}`, 422, "invalid"},
			{"second event invalid", f.pathURL(f.ch.ID), bearer, `{"contactId":"c","events":[{"type":"message","mId":"m1","message":{"type":"text","text":"x"}},` +
				`{"type":"message_status","mId":"m2","status":"bounced"}]}`, 422, "invalid"},
			{"channelId of another channel", f.pathURL(f.ch.ID), bearer, withChannel(`"` + strconv.FormatInt(other.ID, 10) + `"`), 400, "bad_request"},
			{"channelId not ours", f.pathURL(f.ch.ID), bearer, withChannel(`"gfd8g7fd89dgfd"`), 400, "bad_request"},
			{"respond.io URL: no token", f.bodyURL(), "", withChannel(`"` + id + `"`), 401, "unauthorized"},
			{"respond.io URL: empty bearer", f.bodyURL(), "Bearer ", withChannel(`"` + id + `"`), 401, "unauthorized"},
			{"respond.io URL: unknown token", f.bodyURL(), "Bearer nope", withChannel(`"` + id + `"`), 401, "unauthorized"},
			{"respond.io URL: altered token", f.bodyURL(), bearer + "x", withChannel(`"` + id + `"`), 401, "unauthorized"},
			{"respond.io URL: non-numeric channelId", f.bodyURL(), bearer, withChannel(`"gfd8g7fd89dgfd"`), 401, "unauthorized"},
			{"respond.io URL: unknown channel", f.bodyURL(), bearer, withChannel(strconv.FormatInt(f.ch.ID+1000, 10)), 401, "unauthorized"},
			{"respond.io URL: channel of another type", f.bodyURL(), "Bearer tgtoken", withChannel(strconv.FormatInt(foreignID, 10)), 401, "unauthorized"},
			{"respond.io URL: another channel's token", f.bodyURL(), "Bearer " + other.Token, withChannel(`"` + id + `"`), 401, "unauthorized"},
			{"respond.io URL: malformed", f.bodyURL(), bearer, `{"channelId":"` + id + `"`, 400, "bad_request"},
			{"respond.io URL: too large", f.bodyURL(), bearer, huge, 413, "too_large"},
			{"respond.io URL: invalid after auth", f.bodyURL(), bearer, `{"channelId":"` + id + `","contactId":"c","events":[]}`, 422, "invalid"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := rows(t, d)
				metric := `switchboard_webhook_errors_total{channel="custom",status="` + strconv.Itoa(tt.status) + `"}`
				counted := metricstest.Value(t, f.m, metric)
				status, out := f.post(t, tt.url, tt.auth, tt.body)
				if status != tt.status {
					t.Errorf("status = %d, want %d (%v)", status, tt.status, out)
				}
				e, _ := out["error"].(map[string]any)
				if e == nil || e["code"] != tt.code || e["message"] == "" {
					t.Errorf("answer = %v, want error code %q", out, tt.code)
				}
				if after := rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
					t.Errorf("refused webhook changed the store: %v → %v", before, after)
				}
				if n := metricstest.Value(t, f.m, metric); n != counted+1 {
					t.Errorf("%s went from %v to %v", metric, counted, n)
				}
			})
		}
	})
}

// The scheme of the Authorization header is case-insensitive, as HTTP
// says; the token itself is not.
func TestWebhookBearerScheme(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		if status, out := f.post(t, f.pathURL(f.ch.ID), "bearer "+f.ch.Token, textEvent("c1", EventMessage, "m1", "hi")); status != http.StatusOK {
			t.Errorf("lower-case scheme: %d %v", status, out)
		}
		if status, _ := f.post(t, f.pathURL(f.ch.ID), "Bearer "+strings.ToUpper(f.ch.Token)+"x", textEvent("c1", EventMessage, "m2", "hi")); status != http.StatusUnauthorized {
			t.Errorf("altered token: %d, want 401", status)
		}
	})
}
