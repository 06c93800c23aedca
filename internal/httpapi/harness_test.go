package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/switchboard-chat/switchboard/internal/ai"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/custom"
	"github.com/switchboard-chat/switchboard/internal/channel/line"
	"github.com/switchboard-chat/switchboard/internal/channel/messenger"
	"github.com/switchboard-chat/switchboard/internal/channel/telegram"
	"github.com/switchboard-chat/switchboard/internal/channel/twilio"
	"github.com/switchboard-chat/switchboard/internal/channel/viber"
	"github.com/switchboard-chat/switchboard/internal/channel/whatsapp"
	"github.com/switchboard-chat/switchboard/internal/channel/widget"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/live"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/notification"
	"github.com/switchboard-chat/switchboard/internal/routing"
	"github.com/switchboard-chat/switchboard/internal/secret"
	"github.com/switchboard-chat/switchboard/internal/workflow"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// fixture is a running server on a fresh store: workspace "Acme" with an
// owner, a manager and an agent who may see every conversation (no
// passwords: hashing is deliberately slow), a workspace integration token, a custom channel, and a second
// workspace whose owner must never see Acme's data.
type fixture struct {
	d      *db.DB
	hub    *event.Hub
	srv    *httptest.Server
	server *httpapi.Server
	ws     workspace.Workspace
	wsSvc  *workspace.Service
	conv   *conversation.Service
	ch     channel.Channel
	// channels are the server's channels (channeltest.RunDispatcher sends
	// through their providers).
	channels *channel.Service
	users    map[string]workspace.User
	tokens   map[string]string // owner, manager, agent, integration, stranger
	vars     map[string]string // {{name}} placeholders of scenario paths and bodies
}

// newFixture builds the fixture; options change the server's dependencies
// before it is built.
func newFixture(t *testing.T, d *db.DB, opts ...func(*httpapi.Deps)) *fixture {
	t.Helper()
	return newFixtureWith(t, d, fixtureOptions{deps: opts})
}

// fixtureOptions change how the fixture's server is built.
type fixtureOptions struct {
	workspace      workspace.Options // PasswordIterations is set to a cheap count
	trustedProxies []netip.Prefix
	deps           []func(*httpapi.Deps)
}

func newFixtureWith(t *testing.T, d *db.DB, opts fixtureOptions) *fixture {
	t.Helper()
	ctx := context.Background()
	hub := event.NewHub()
	engines := background.NewGroup(d.Clock())
	tail, err := event.NewTail(ctx, d, hub, engines)
	if err != nil {
		t.Fatal(err)
	}
	backgroundtest.Run(t, engines, tail.Run)
	d.OnEvents(hub.Notify)
	// Production's PBKDF2 count costs a third of a second per hash.
	opts.workspace.PasswordIterations = 1_000
	f := &fixture{d: d, hub: hub, wsSvc: workspace.NewWithOptions(d, opts.workspace), conv: conversation.New(d),
		users: map[string]workspace.User{}, tokens: map[string]string{}, vars: map[string]string{}}
	channels := newChannels(t, d)
	f.channels = channels
	channels.SetGuard(netguard.New(netguard.Options{})) // as a node does: internal addresses are refused
	// As a node does: a conversation may start on SMS, WhatsApp or email
	// with a contact who never wrote there.
	f.conv.SetAddressers(channels)
	// As a node does: a read reads what the bell told of the conversation.
	f.conv.OnRead(notification.ConversationReadTx)
	// As a node does: a template is checked against the channel's synced
	// templates and stored as the contact reads it.
	f.conv.SetTemplates(channels)
	liveHub := live.NewHub()
	if p, ok := channels.Registry().Provider(widget.Type); ok {
		store, err := media.New(d, media.Options{Dir: t.TempDir(), MaxBytes: widgetTestMaxUpload})
		must0(t, err)
		// The widget's rate limits run on a clock that never moves: a
		// test's "past the rate" holds however slowly the machine runs it
		// (on the real clock a bucket refills during a slow run).
		widgetClock := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		p.(*widget.Provider).Attach(widget.Deps{DB: d, Tail: tail, Live: liveHub, Media: store, Clock: widgetClock, Limits: widgetTestLimits})
	}
	webhooks, err := channels.Registry().Routes(channel.Inbox{Channels: channels, Receiver: f.conv})
	must0(t, err)
	// As a node does: a merge or a block closes a contact's conversation.
	contacts := contact.New(d)
	contacts.SetConversationCloser(conversation.CloseForMergeTx)
	deps := httpapi.Deps{
		DB: d, Tail: tail, Workspaces: f.wsSvc, Contacts: contacts, Conversations: f.conv, Channels: channels,
		Webhooks: webhooks, Metrics: metrics.New().Handler(), Live: liveHub,
		Routing:        routing.New(d, routing.Options{Hub: hub}),
		Workflows:      workflow.NewService(d),
		AI:             ai.New(d, ai.Options{Keys: aiTestKeys(t)}),
		TrustedProxies: opts.trustedProxies,
	}
	for _, opt := range opts.deps {
		opt(&deps)
	}
	if deps.Workflows != nil {
		// As a node wires them: the settings reach the workflows that
		// name a lifecycle stage or a closing category.
		deps.Contacts.SetStageUsers(contact.NameUsersOf(deps.Workflows.SettingNames(workflow.LifecycleStage), conversation.ViewNames("stage")))
		deps.Conversations.SetCategoryUsers(deps.Workflows.SettingNames(workflow.ClosingCategory))
		deps.Contacts.SetTagUsers(contact.NameUsersOf(deps.Workflows.SettingNames(workflow.Tag), conversation.ViewNames("tag")))
	}
	f.server = httpapi.New(deps)
	f.srv = httptest.NewServer(f.server)
	t.Cleanup(f.srv.Close)

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.ws, err = f.wsSvc.Create(ctx, "Acme", "UTC")
	must(err)
	// JoinAccount: a test that makes two fixtures on one store (two
	// workspaces) has the same people in both, as the operator would.
	for _, role := range []string{workspace.RoleOwner, workspace.RoleManager, workspace.RoleAgent} {
		u, err := f.wsSvc.CreateUser(ctx, f.ws.ID, workspace.NewUser{Email: role + "@acme.test", Name: "The " + role, Role: role, JoinAccount: true})
		must(err)
		f.users[role] = u
		_, f.tokens[role], err = f.wsSvc.CreateToken(ctx, f.ws.ID, workspace.NewToken{Name: role, UserID: u.ID})
		must(err)
		f.vars[role] = strconv.FormatInt(u.ID, 10)
	}
	// The agent may see every conversation (an owner widened them), so the
	// scenarios that use the agent as "anyone" keep proving what they
	// prove; visibility_test.go builds restricted agents and walks what
	// they see.
	_, err = f.wsSvc.UpdateUser(ctx, f.ws.ID, f.users[workspace.RoleAgent].ID,
		workspace.UserUpdate{Permissions: json.RawMessage(`{"see_all_conversations":true,"export_contacts":false,"delete_contacts":false}`)})
	must(err)
	_, f.tokens["integration"], err = f.wsSvc.CreateToken(ctx, f.ws.ID, workspace.NewToken{Name: "crm"})
	must(err)
	other, err := f.wsSvc.Create(ctx, "Other", "UTC")
	must(err)
	stranger, err := f.wsSvc.CreateUser(ctx, other.ID, workspace.NewUser{Email: "owner@other.test", Name: "Stranger", Role: workspace.RoleOwner, JoinAccount: true})
	must(err)
	_, f.tokens["stranger"], err = f.wsSvc.CreateToken(ctx, other.ID, workspace.NewToken{Name: "stranger", UserID: stranger.ID})
	must(err)
	f.ch, err = newChannels(t, d).Create(ctx, f.ws.ID, channel.Input{Type: channel.TypeCustom, Name: "site",
		Config: json.RawMessage(`{"base_url":"http://127.0.0.1:1"}`)})
	must(err)
	f.vars["channel"] = strconv.FormatInt(f.ch.ID, 10)
	return f
}

// testKey seals the fixture's channel secrets.
var testKey = bytes.Repeat([]byte{7}, secret.KeySize)

// newChannels is a channel service as a node builds it: every provider
// registered, secrets sealed with testKey.
func newChannels(t testing.TB, d *db.DB) *channel.Service {
	t.Helper()
	// WhatsApp's Graph API is faked on 127.0.0.1 (channel_templates_test.go).
	loopback := netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}).Client()
	reg, err := channel.NewRegistry(custom.New(nil), widget.New(), whatsapp.New(loopback), telegram.New(nil), messenger.NewMessenger(nil),
		messenger.NewInstagram(nil), twilio.New(nil, ""), line.New(nil), viber.New(nil))
	must0(t, err)
	keys, err := secret.NewKeyring(testKey)
	must0(t, err)
	return channel.NewWithOptions(d, channel.Options{Registry: reg, Keys: keys})
}

func must0(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// inbound stores a message from a contact through the channel, as the
// custom channel's webhook would, and returns what became of it.
func (f *fixture) inbound(t *testing.T, phone, name, mID string) conversation.Received {
	t.Helper()
	r, err := f.conv.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage,
		WorkspaceID: f.ws.ID, ChannelID: f.ch.ID, ExternalID: phone, ProviderMessageID: mID,
		Type: "text", Text: "hello", Profile: contact.Input{FirstName: &name}}})
	if err != nil {
		t.Fatal(err)
	}
	return r[0]
}

// scenario is one request and what must come back (PocketBase's
// ApiScenario): the status and fragments of the body.
type scenario struct {
	name    string
	method  string
	path    string // {{name}} is replaced from the fixture's vars
	as      string // a fixture token name; any other string is sent as the token itself; "" sends none
	body    string // {{name}} is replaced too
	status  int
	want    []string // fragments the body must contain
	notWant []string // fragments it must not contain
	capture string   // store the answer's "id" as this var
	cursor  string   // store the answer's non-empty "next_cursor" as this var
	header  map[string]string
}

// run performs the scenarios in order. A refused request (4xx) must change
// nothing: every table is compared before and after it.
func (f *fixture) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			var before map[string]string
			if sc.status >= 400 {
				before = f.dump(t)
			}
			status, body := f.do(t, sc)
			if status != sc.status {
				t.Fatalf("%s %s: status %d, want %d; body %s", sc.method, sc.path, status, sc.status, clip(body))
			}
			for _, w := range sc.want {
				if !strings.Contains(string(body), f.expand(w)) {
					t.Errorf("%s %s: body lacks %s: %s", sc.method, sc.path, f.expand(w), clip(body))
				}
			}
			for _, w := range sc.notWant {
				if strings.Contains(string(body), f.expand(w)) {
					t.Errorf("%s %s: body has %s: %s", sc.method, sc.path, f.expand(w), clip(body))
				}
			}
			if sc.status >= 400 {
				var e struct {
					Error struct{ Code, Message string } `json:"error"`
				}
				if json.Unmarshal(body, &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
					t.Errorf("error body is not {\"error\":{\"code\",\"message\"}}: %s", clip(body))
				}
				after := f.dump(t)
				for table, rows := range before {
					if after[table] != rows {
						t.Errorf("refused request changed table %s:\nbefore %s\nafter  %s", table, rows, after[table])
					}
				}
			}
			if sc.capture != "" {
				var v struct{ ID int64 }
				if err := json.Unmarshal(body, &v); err != nil || v.ID == 0 {
					t.Fatalf("no id to capture in %s", clip(body))
				}
				f.vars[sc.capture] = strconv.FormatInt(v.ID, 10)
			}
			if sc.cursor != "" {
				var v struct {
					NextCursor string `json:"next_cursor"`
				}
				if err := json.Unmarshal(body, &v); err != nil || v.NextCursor == "" {
					t.Fatalf("no next_cursor to capture in %s", clip(body))
				}
				f.vars[sc.cursor] = v.NextCursor
			}
		})
	}
}

func (f *fixture) expand(s string) string {
	for k, v := range f.vars {
		s = strings.ReplaceAll(s, "{{"+k+"}}", v)
	}
	return s
}

// do sends the scenario's request and returns the status and body.
func (f *fixture) do(t *testing.T, sc scenario) (int, []byte) {
	t.Helper()
	var body io.Reader
	if sc.body != "" {
		body = strings.NewReader(f.expand(sc.body))
	}
	req, err := http.NewRequest(sc.method, f.srv.URL+f.expand(sc.path), body)
	if err != nil {
		t.Fatal(err)
	}
	if sc.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if sc.as != "" {
		token, ok := f.tokens[sc.as]
		if !ok {
			token = sc.as
		}
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range sc.header {
		req.Header.Set(k, v)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", sc.method, sc.path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// get is a shorthand for reading JSON in checks between scenarios.
func (f *fixture) get(t *testing.T, path, as string, v any) {
	t.Helper()
	status, body := f.do(t, scenario{method: "GET", path: path, as: as})
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, status, clip(body))
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, clip(body))
	}
}

// tables are every table a request could write. api_tokens is left out
// of the comparison's contents (its last-use time may move on any
// request) but its row count is kept.
var tables = []string{"workspaces", "accounts", "users", "teams", "team_members", "lifecycle_stages", "contacts", "custom_fields",
	"contact_field_values", "tags", "contact_tags", "channels", "contact_identities", "closing_categories",
	"conversations", "messages", "message_statuses", "outbound_jobs", "comments", "events", "saved_views", "conversation_counts", "snippets", "media", "notifications", "conversation_reads", "invitations"}

// dump returns every row of every table, as text, to compare states.
func (f *fixture) dump(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for _, table := range tables {
		rows, err := f.d.Reader().Query(ctx, `SELECT * FROM `+table+` ORDER BY 1, 2`)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		var b strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					vals[i] = string(bs)
				}
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
		out[table] = b.String()
	}
	var n int
	if err := f.d.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM api_tokens`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	out["api_tokens (count)"] = strconv.Itoa(n)
	return out
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

func decode(b []byte, v any) error { return json.Unmarshal(b, v) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
