package httpapi_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// seededTemplate is a template as a WhatsApp sync stores it; header is
// its HEADER component as WhatsApp describes it ("" for none).
type seededTemplate struct {
	name, status, body string
	params             int
	header             string
}

// seedTemplates stores templates on a channel as its last sync would
// have (the workflow tests do the same).
func seedTemplates(t *testing.T, d *db.DB, channelID int64, list ...seededTemplate) {
	t.Helper()
	ctx := context.Background()
	for _, tpl := range list {
		body, _ := json.Marshal(tpl.body)
		comps := `[{"type": "BODY", "text": ` + string(body) + `}]`
		if tpl.header != "" {
			comps = `[` + tpl.header + `, {"type": "BODY", "text": ` + string(body) + `}]`
		}
		must0(t, d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO channel_templates (channel_id, name, language, status, category, body, params, components, synced_at)
				VALUES (?, ?, 'en_US', ?, 'UTILITY', ?, ?, ?, ?)`, channelID, tpl.name, tpl.status, tpl.body, tpl.params, comps, tx.Now())
			return err
		}))
	}
}

// whatsAppConversation makes a WhatsApp channel named name and a
// conversation on it with a contact who wrote from phone; it returns the
// channel and the conversation's id.
func whatsAppConversation(t *testing.T, f *fixture, chs *channel.Service, name, phone string) (channel.Channel, int64) {
	t.Helper()
	ctx := context.Background()
	cfg, _ := json.Marshal(map[string]string{"phone_number_id": strings.TrimPrefix(phone, "+"), "business_account_id": "102290129340398",
		"access_token": "EAAG-x", "app_secret": "s", "api_base_url": "http://127.0.0.1:1"})
	wa, err := chs.Create(ctx, f.ws.ID, channel.Input{Type: "whatsapp", Name: name, Config: cfg})
	must0(t, err)
	r, err := f.conv.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: f.ws.ID,
		ChannelID: wa.ID, ExternalID: phone, ProviderMessageID: "wamid." + phone, Type: "text", Text: "hi"}})
	must0(t, err)
	return wa, r[0].ConversationID
}

// A template sent through the API is checked against the channel's
// templates as last synced, inside the send: what WhatsApp would refuse
// later is 422 naming the content's field, with nothing stored; what
// passes is stored with the template's own text, rendered, whatever text
// the client wrote.
func TestSendTemplateThroughTheAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		chs := newChannels(t, d)
		wa, conv := whatsAppConversation(t, f, chs, "WhatsApp", "+14155550100")
		seedTemplates(t, d, wa.ID,
			seededTemplate{"order_update", "APPROVED", "Hi {{1}}, your order {{2}} has shipped.", 2, ""},
			seededTemplate{"welcome_named", "APPROVED", "Welcome {{first_name}}, your code is {{code}}.", 2, ""},
			seededTemplate{"promo_pending", "PENDING", "Sale for {{1}}", 1, ""},
			seededTemplate{"ticket_update", "APPROVED", "Hi {{1}}, we answered.", 1, `{"type": "HEADER", "format": "TEXT", "text": "Ticket {{1}}"}`},
			seededTemplate{"invoice", "APPROVED", "Your invoice is attached.", 0, `{"type": "HEADER", "format": "DOCUMENT"}`},
			seededTemplate{"plain_header", "APPROVED", "Hello.", 0, `{"type": "HEADER", "format": "TEXT", "text": "Welcome"}`},
		)
		_, unsynced := whatsAppConversation(t, f, chs, "WhatsApp new", "+14155550101")
		custom := f.inbound(t, "+14155550102", "Cy", "m-custom").ConversationID
		f.vars["conv"] = strconv.FormatInt(conv, 10)
		f.vars["unsynced"] = strconv.FormatInt(unsynced, 10)
		f.vars["custom"] = strconv.FormatInt(custom, 10)
		f.vars["wa"] = strconv.FormatInt(wa.ID, 10)

		send := func(content string) string {
			return `{"type":"template","text":"what the client wrote","content":` + content + `}`
		}
		refused := func(name, path, content, field, message string) scenario {
			return scenario{name: name, method: "POST", path: path, as: "agent", body: send(content), status: 422,
				want: []string{`"code":"invalid"`, `"field":"` + field + `"`, message}}
		}
		const at = "/api/v1/conversations/{{conv}}/messages"
		f.run(t, []scenario{
			refused("no name", at, `{"type":"template","language":"en_US"}`, "content.name", `is required`),
			refused("no language", at, `{"type":"template","name":"order_update"}`, "content.language", `is required`),
			refused("no content", at, `null`, "content.name", `is required`),
			refused("params of numbers", at, `{"type":"template","name":"order_update","language":"en_US","params":[1,2]}`,
				"content.params", `must be a list of texts, or an object of texts by parameter name`),
			refused("a header of no type", at, `{"type":"template","name":"invoice","language":"en_US","header":{"type":"sticker","url":"https://x.test/a"}}`,
				"content.header.type", `must be text, image, video or document`),
			refused("an unknown template", at, `{"type":"template","name":"shipping","language":"en_US"}`,
				"content.name", `channel {{wa}} has no template \"shipping\" in en_US (sync its templates in Settings → Channels)`),
			refused("another language", at, `{"type":"template","name":"order_update","language":"fr","params":["a","b"]}`,
				"content.name", `channel {{wa}} has no template \"order_update\" in fr`),
			refused("not approved", at, `{"type":"template","name":"promo_pending","language":"en_US","params":["a"]}`,
				"content.name", `template \"promo_pending\" (en_US) is PENDING, not approved: only approved templates can be sent`),
			refused("too few parameters", at, `{"type":"template","name":"order_update","language":"en_US","params":["Ada"]}`,
				"content.params", `template \"order_update\" (en_US) takes 2 parameters; the message gives 1`),
			refused("too many parameters", at, `{"type":"template","name":"order_update","language":"en_US","params":["Ada","#42","x"]}`,
				"content.params", `template \"order_update\" (en_US) takes 2 parameters; the message gives 3`),
			refused("an empty parameter", at, `{"type":"template","name":"order_update","language":"en_US","params":["Ada"," "]}`,
				"content.params", `parameter 2 of template \"order_update\" is empty"`),
			refused("named parameters by other names", at, `{"type":"template","name":"welcome_named","language":"en_US","params":{"first_name":"Ada","coupon":"A-7"}}`,
				"content.params", `template \"welcome_named\" (en_US) takes the parameters code, first_name; the message gives coupon, first_name`),
			refused("numbered parameters by name", at, `{"type":"template","name":"order_update","language":"en_US","params":{"1":"Ada","2":"#42"}}`,
				"content.params", `numbers its parameters`),
			refused("a header not given", at, `{"type":"template","name":"ticket_update","language":"en_US","params":["Ada"]}`,
				"content.header", `template \"ticket_update\" (en_US) has a text header with a parameter: set the message's header`),
			refused("a header the template has not", at, `{"type":"template","name":"order_update","language":"en_US","params":["Ada","#42"],"header":{"type":"text","text":"x"}}`,
				"content.header", `template \"order_update\" (en_US) has no header parameter: remove the message's header`),
			refused("another kind of header", at, `{"type":"template","name":"invoice","language":"en_US","header":{"type":"image","url":"https://x.test/a.png"}}`,
				"content.header", `template \"invoice\" (en_US) has a document header, not image`),
			refused("a header link WhatsApp cannot fetch", at, `{"type":"template","name":"invoice","language":"en_US","header":{"type":"document","url":"files/a.pdf"}}`,
				"content.header", `the header of template \"invoice\" needs an absolute http(s) link WhatsApp can fetch`),
			refused("an empty header", at, `{"type":"template","name":"ticket_update","language":"en_US","params":["Ada"],"header":{"type":"text","text":""}}`,
				"content.header", `the header of template \"ticket_update\" is empty"`),
			refused("a channel that never synced", "/api/v1/conversations/{{unsynced}}/messages", `{"type":"template","name":"order_update","language":"en_US","params":["Ada","#42"]}`,
				"content.name", `channel \"WhatsApp new\" has no templates yet: sync its templates in Settings → Channels first`),
			refused("a channel without templates", "/api/v1/conversations/{{custom}}/messages", `{"type":"template","name":"order_update","language":"en_US","params":["Ada","#42"]}`,
				"type", `a custom channel has no message templates`),
		})
		if n := outMessages(t, d, conv); n != 0 {
			t.Fatalf("%d messages stored by refused sends", n)
		}

		f.run(t, []scenario{
			{name: "numbered", method: "POST", path: at, as: "agent", status: 202,
				body: send(`{"type":"template","name":"order_update","language":"en_US","params":["Ada","#42"]}`),
				want: []string{`"type":"template"`, `"text":"Hi Ada, your order #42 has shipped."`,
					`"content":{"language":"en_US","name":"order_update","params":["Ada","#42"],"type":"template"}`},
				notWant: []string{`what the client wrote`}},
			{name: "named by name", method: "POST", path: at, as: "agent", status: 202,
				body: send(`{"type":"template","name":"welcome_named","language":"en_US","params":{"code":"A-7","first_name":"Ada"}}`),
				want: []string{`"text":"Welcome Ada, your code is A-7."`, `"params":{"code":"A-7","first_name":"Ada"}`}},
			{name: "named in the body's order", method: "POST", path: at, as: "agent", status: 202,
				body: send(`{"type":"template","name":"welcome_named","language":"en_US","params":["Ada","A-8"]}`),
				want: []string{`"text":"Welcome Ada, your code is A-8."`, `"params":{"code":"A-8","first_name":"Ada"}`}},
			{name: "a text header", method: "POST", path: at, as: "agent", status: 202,
				body: send(`{"type":"template","name":"ticket_update","language":"en_US","params":["Ada"],"header":{"type":"text","text":"#9"}}`),
				want: []string{`"text":"Ticket #9\nHi Ada, we answered."`, `"header":{"text":"#9","type":"text"}`}},
			{name: "a document header", method: "POST", path: at, as: "agent", status: 202,
				body: send(`{"type":"template","name":"invoice","language":"en_US","header":{"type":"document","url":"https://files.example.com/F-1.pdf","file_name":"F-1.pdf"}}`),
				want: []string{`"text":"Your invoice is attached."`, `"header":{"file_name":"F-1.pdf","type":"document","url":"https://files.example.com/F-1.pdf"}`}},
			{name: "a header without a parameter", method: "POST", path: at, as: "agent", status: 202,
				body: `{"type":"template","content":{"type":"template","name":"plain_header","language":"en_US"}}`,
				want: []string{`"text":"Welcome\nHello."`}},
		})
		if n := outMessages(t, d, conv); n != 6 {
			t.Errorf("%d messages stored, want the 6 sent", n)
		}
	})
}

// outMessages counts the messages sent in a conversation.
func outMessages(t *testing.T, d *db.DB, conversationID int64) int {
	t.Helper()
	var n int
	must0(t, d.Reader().QueryRow(context.Background(), `SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND direction = 'out'`,
		conversationID).Scan(&n))
	return n
}
