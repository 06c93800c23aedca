package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/channel/whatsapp"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// fakeGraph is WhatsApp's Graph API as the sender calls it: it records
// the bodies of the messages it is asked to send and accepts them all.
type fakeGraph struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []map[string]any
}

func newFakeGraph(t *testing.T) *fakeGraph {
	g := &fakeGraph{}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		g.mu.Lock()
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages") {
			g.bodies = append(g.bodies, body)
		}
		n := len(g.bodies)
		g.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.sent%d"}]}`, n)
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *fakeGraph) sent() []map[string]any {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]map[string]any(nil), g.bodies...)
}

// whatsappFixture is a fixture whose engine has the node's channel
// service (reply windows, addressers) with a WhatsApp channel calling
// graph, and templates synced on it.
func whatsappFixture(t *testing.T, d *db.DB, graph *fakeGraph) (*fixture, *channel.Service, channel.Channel) {
	t.Helper()
	reg, err := channel.NewRegistry(whatsapp.New(channeltest.LoopbackClient()))
	if err != nil {
		t.Fatal(err)
	}
	channels := channel.NewWithOptions(d, channel.Options{Registry: reg})
	f := newFixtureWith(t, d, func(f *fixture) { f.windows, f.addressers = channels, channels })
	ctx := context.Background()
	raw, _ := json.Marshal(map[string]any{"phone_number_id": "106540352242922", "business_account_id": "102290129340398",
		"access_token": "EAAG-token", "app_secret": "6f1a0c4d2b9e8a7f", "api_base_url": graph.URL})
	ch, err := channels.Create(ctx, f.wsp.ID, channel.Input{Type: whatsapp.Type, Name: "WhatsApp", Config: raw})
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range []struct {
		name, status, body string
		params             int
		header             string // the HEADER component, as WhatsApp describes it
	}{
		{"order_update", "APPROVED", "Hi {{1}}, your order {{2}} has shipped.", 2, ""},
		{"welcome_named", "APPROVED", "Welcome {{first_name}}, your code is {{code}}.", 2, ""},
		{"promo_pending", "PENDING", "Sale for {{1}}", 1, ""},
		{"ticket_update", "APPROVED", "Hi {{1}}, we answered.", 1, `{"type": "HEADER", "format": "TEXT", "text": "Ticket {{1}}"}`},
		{"invoice", "APPROVED", "Your invoice is attached.", 0, `{"type": "HEADER", "format": "DOCUMENT"}`},
		{"plain_header", "APPROVED", "Hello.", 0, `{"type": "HEADER", "format": "TEXT", "text": "Welcome"}`},
	} {
		comps := `[{"type": "BODY", "text": ` + strconvQuote(tpl.body) + `}]`
		if tpl.header != "" {
			comps = `[` + tpl.header + `, {"type": "BODY", "text": ` + strconvQuote(tpl.body) + `}]`
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO channel_templates (channel_id, name, language, status, category, body, params, components, synced_at)
				VALUES (?, ?, 'en_US', ?, 'UTILITY', ?, ?, ?, ?)`, ch.ID, tpl.name, tpl.status, tpl.body, tpl.params, comps, tx.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	return f, channels, ch
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// importedContact is a contact made by an import: a name and a phone
// number, never a message.
func (f *fixture) importedContact(first, phone string) int64 {
	f.t.Helper()
	in := contactInput(first)
	in.Phone = &phone
	c, err := f.contacts.Create(context.Background(), f.wsp.ID, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return c.ID
}

// A workflow opens a WhatsApp conversation with an imported contact (no
// reply window: they never wrote) and sends an approved template: it
// reaches the Graph API with the template's name, language and the body
// parameters rendered from the contact; the timeline's message reads the
// template's body filled in. A template with named parameters is sent by
// name, its parameters given in the order the body names them.
func TestSendTemplateOpensWhatsAppWithAnImportedContact(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		graph := newFakeGraph(t)
		f, channels, ch := whatsappFixture(t, d, graph)
		g := channeltest.RunDispatcher(t, d, channels)

		ann := f.importedContact("Ann", "+14155550101")
		w := f.manual("first contact", fmt.Sprintf(`[
			{"id": "open", "type": "open_conversation", "settings": {"channel_id": %d}, "exits": {"next": "say"}},
			{"id": "say", "type": "send_message", "settings": {"template": {"name": "order_update", "language": "en_US",
				"params": ["{{contact.first_name}}", "#{{contact.id}}"]}}, "exits": {"next": "named", "failure": "note"}},
			{"id": "named", "type": "send_message", "settings": {"template": {"name": "welcome_named", "language": "en_US",
				"params": ["{{contact.first_name}}", "A-7"]}}, "exits": {"failure": "note"}},
			{"id": "note", "type": "add_comment", "settings": {"text": "could not write"}}]`, ch.ID))
		run := f.settle(w, f.startFor(w, ann))
		if run.Status != StatusFinished || len(run.History) != 3 || run.History[1].Exit != "next" || run.History[2].Exit != "next" {
			t.Fatalf("run %s %q, history %+v", run.Status, run.Error, run.History)
		}
		want := []string{fmt.Sprintf("Hi Ann, your order #%d has shipped.", ann), "Welcome Ann, your code is A-7."}
		if texts := f.outTexts(run.ConversationID); fmt.Sprint(texts) != fmt.Sprint(want) {
			t.Errorf("timeline texts %q, want %q", texts, want)
		}
		backgroundtest.WaitIdle(t, g)
		sent := graph.sent()
		if len(sent) != 2 {
			t.Fatalf("the Graph API was sent %d messages, want 2: %v", len(sent), sent)
		}
		for i, wantTemplate := range []string{
			fmt.Sprintf(`{"components":[{"parameters":[{"text":"Ann","type":"text"},{"text":"#%d","type":"text"}],"type":"body"}],"language":{"code":"en_US"},"name":"order_update"}`, ann),
			`{"components":[{"parameters":[{"parameter_name":"code","text":"A-7","type":"text"},{"parameter_name":"first_name","text":"Ann","type":"text"}],"type":"body"}],"language":{"code":"en_US"},"name":"welcome_named"}`,
		} {
			got, _ := json.Marshal(sent[i]["template"])
			if sent[i]["to"] != "14155550101" || sent[i]["type"] != "template" || string(got) != wantTemplate {
				t.Errorf("message %d: to %v, type %v, template %s; want %s", i, sent[i]["to"], sent[i]["type"], got, wantTemplate)
			}
		}
	})
}

// A template whose header takes a parameter gets the step's header: a
// text header's {{1}} rendered like the text, a document's link; the
// timeline shows a text header above the body, as the composer does. A
// header without a parameter needs nothing.
func TestSendTemplateWithAHeader(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		graph := newFakeGraph(t)
		f, channels, ch := whatsappFixture(t, d, graph)
		g := channeltest.RunDispatcher(t, d, channels)

		bo := f.importedContact("Bo", "+14155550111")
		w := f.manual("headers", fmt.Sprintf(`[
			{"id": "open", "type": "open_conversation", "settings": {"channel_id": %d}, "exits": {"next": "ticket"}},
			{"id": "ticket", "type": "send_message", "settings": {"template": {"name": "ticket_update", "language": "en_US",
				"params": ["{{contact.first_name}}"], "header": {"type": "text", "text": "#{{contact.id}}"}}}, "exits": {"next": "invoice"}},
			{"id": "invoice", "type": "send_message", "settings": {"template": {"name": "invoice", "language": "en_US",
				"header": {"type": "document", "url": "https://files.example.com/{{contact.id}}.pdf"}}}, "exits": {"next": "plain"}},
			{"id": "plain", "type": "send_message", "settings": {"template": {"name": "plain_header", "language": "en_US"}}}]`, ch.ID))
		run := f.settle(w, f.startFor(w, bo))
		if run.Status != StatusFinished || len(run.History) != 4 {
			t.Fatalf("run %s %q, history %+v", run.Status, run.Error, run.History)
		}
		want := []string{fmt.Sprintf("Ticket #%d\nHi Bo, we answered.", bo), "Your invoice is attached.", "Welcome\nHello."}
		if texts := f.outTexts(run.ConversationID); fmt.Sprint(texts) != fmt.Sprint(want) {
			t.Errorf("timeline texts %q, want %q", texts, want)
		}
		backgroundtest.WaitIdle(t, g)
		sent := graph.sent()
		if len(sent) != 3 {
			t.Fatalf("the Graph API was sent %d messages, want 3: %v", len(sent), sent)
		}
		for i, wantTemplate := range []string{
			fmt.Sprintf(`{"components":[{"parameters":[{"text":"#%d","type":"text"}],"type":"header"},{"parameters":[{"text":"Bo","type":"text"}],"type":"body"}],"language":{"code":"en_US"},"name":"ticket_update"}`, bo),
			fmt.Sprintf(`{"components":[{"parameters":[{"document":{"link":"https://files.example.com/%d.pdf"},"type":"document"}],"type":"header"}],"language":{"code":"en_US"},"name":"invoice"}`, bo),
			`{"language":{"code":"en_US"},"name":"plain_header"}`,
		} {
			got, _ := json.Marshal(sent[i]["template"])
			if string(got) != wantTemplate {
				t.Errorf("message %d: template %s; want %s", i, got, wantTemplate)
			}
		}
	})
}

// What the channel cannot send takes the step's failure exit, its reason
// in the run's history, and sends nothing: plain text outside the reply
// window (as before), a template the channel does not have (another
// language, never synced), one not approved, one given the wrong number
// of parameters, or a parameter that renders empty.
func TestSendTemplateTheChannelCannotSendTakesFailure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f, _, ch := whatsappFixture(t, d, newFakeGraph(t))
		tests := []struct {
			name, settings, wantError string
		}{
			{"plain text outside the window", `{"text": "Hello {{contact.first_name}}"}`, "only approved templates can be sent"},
			{"unknown template", `{"template": {"name": "shipping", "language": "en_US"}}`,
				fmt.Sprintf(`channel %d has no template "shipping" in en_US`, ch.ID)},
			{"another language", `{"template": {"name": "order_update", "language": "fr", "params": ["a", "b"]}}`,
				fmt.Sprintf(`channel %d has no template "order_update" in fr`, ch.ID)},
			{"not approved", `{"template": {"name": "promo_pending", "language": "en_US", "params": ["a"]}}`,
				`template "promo_pending" (en_US) is PENDING, not approved`},
			{"too few parameters", `{"template": {"name": "order_update", "language": "en_US", "params": ["{{contact.first_name}}"]}}`,
				`template "order_update" (en_US) takes 2 parameters; the step gives 1`},
			{"an empty parameter", `{"template": {"name": "order_update", "language": "en_US", "params": ["{{contact.first_name}}", "{{contact.email}}"]}}`,
				`parameter 2 of template "order_update" is empty`},
			{"a header not given", `{"template": {"name": "ticket_update", "language": "en_US", "params": ["a"]}}`,
				`template "ticket_update" (en_US) has a text header with a parameter: set the step's header`},
			{"another kind of header", `{"template": {"name": "invoice", "language": "en_US", "header": {"type": "image", "url": "https://x.test/a.png"}}}`,
				`template "invoice" (en_US) has a document header, not image`},
			{"a header the template has not", `{"template": {"name": "order_update", "language": "en_US", "params": ["a", "b"], "header": {"type": "text", "text": "x"}}}`,
				`template "order_update" (en_US) has no header parameter: remove the step's header`},
			{"an empty header", `{"template": {"name": "ticket_update", "language": "en_US", "params": ["a"], "header": {"type": "text", "text": "{{contact.email}}"}}}`,
				`the header of template "ticket_update" is empty`},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				who := f.importedContact(fmt.Sprintf("C%d", i), fmt.Sprintf("+1415555020%d", i))
				w := f.manual(tt.name, fmt.Sprintf(`[
					{"id": "open", "type": "open_conversation", "settings": {"channel_id": %d}, "exits": {"next": "say"}},
					{"id": "say", "type": "send_message", "settings": %s, "exits": {"failure": "note"}},
					{"id": "note", "type": "add_comment", "settings": {"text": "could not write"}}]`, ch.ID, tt.settings))
				run := f.settle(w, f.startFor(w, who))
				if run.Status != StatusFinished || len(run.History) != 3 {
					t.Fatalf("run %s %q, history %+v", run.Status, run.Error, run.History)
				}
				if e := run.History[1]; e.Exit != "failure" || !strings.Contains(e.Error, tt.wantError) {
					t.Errorf("send %+v, want the failure exit saying %q", e, tt.wantError)
				}
				if texts := f.outTexts(run.ConversationID); len(texts) != 0 {
					t.Errorf("sent %q", texts)
				}
			})
		}
	})
}

// A template step is checked for its shape when the workflow is saved:
// it names a template and its language, and sends the template alone.
func TestSendTemplateValidation(t *testing.T) {
	tests := []struct {
		name, settings string
		want           []string // step/field: message; none when valid
	}{
		{"valid", `{"template": {"name": "order_update", "language": "en_US", "params": ["{{contact.first_name}}"]}}`, nil},
		{"no parameters", `{"template": {"name": "hello_world", "language": "en_US"}}`, nil},
		{"no name", `{"template": {"language": "en_US"}}`, []string{"say/settings.template.name: is required"}},
		{"no language", `{"template": {"name": "order_update", "language": " "}}`, []string{"say/settings.template.language: is required"}},
		{"with text", `{"text": "Hi", "template": {"name": "order_update", "language": "en_US"}}`,
			[]string{"say/settings.text: a template is sent alone: remove the text, attachments and quick replies"}},
		{"with quick replies", `{"quick_replies": ["Yes"], "template": {"name": "order_update", "language": "en_US"}}`,
			[]string{"say/settings.text: a template is sent alone: remove the text, attachments and quick replies"}},
		{"a text header", `{"template": {"name": "t", "language": "en", "header": {"type": "text", "text": "{{contact.first_name}}"}}}`, nil},
		{"a header of no type", `{"template": {"name": "t", "language": "en", "header": {"type": "sticker", "url": "https://x.test/a"}}}`,
			[]string{"say/settings.template.header.type: must be text, image, video or document"}},
		{"a text header without its text", `{"template": {"name": "t", "language": "en", "header": {"type": "text", "url": "https://x.test/a"}}}`,
			[]string{"say/settings.template.header.text: is required for a text header"}},
		{"a file header without its link", `{"template": {"name": "t", "language": "en", "header": {"type": "image"}}}`,
			[]string{"say/settings.template.header.url: is required for an image, video or document header"}},
		{"neither text nor template", `{}`, []string{"say/settings.text: is required (or an attachment, or a template)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problemsOf(t, fmt.Sprintf(`{"name": "t", "trigger": {"type": "manual"},
				"steps": [{"id": "say", "type": "send_message", "settings": %s}]}`, tt.settings))
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("problems %q, want %q", got, tt.want)
			}
		})
	}
}
