package aiagent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/aiagent"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/routing"
	"github.com/switchboard-chat/switchboard/internal/secret"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// fixture is a workspace with a custom channel, a knowledge base, a
// Support team with one person, and a node's AI agent engines (the
// consumer and the turn runner) on a fake clock.
type fixture struct {
	t       *testing.T
	d       *db.DB
	clock   *clock.Fake
	ws      int64
	ch      int64
	conv    *conversation.Service
	kb      *knowledge.Service
	ai      *ai.Service
	route   *routing.Service
	svc     *aiagent.Service
	group   *background.Group
	cancel  context.CancelFunc
	done    chan struct{}
	support int64 // the Support team
	ana     int64 // a person in Support
	mid     int
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, d: d, clock: clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	d.SetClock(f.clock)
	wss := workspace.New(d)
	w, err := wss.Create(ctx, "Acme", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	f.ws = w.ID
	ch, err := channel.New(d).Create(ctx, f.ws, channel.Input{Type: channel.TypeCustom, Name: "site",
		Config: json.RawMessage(`{"base_url":"http://127.0.0.1:1"}`)})
	if err != nil {
		t.Fatal(err)
	}
	f.ch = ch.ID
	ana, err := wss.CreateUser(ctx, f.ws, workspace.NewUser{Email: "ana@example.com", Name: "Ana", Role: "agent"})
	if err != nil {
		t.Fatal(err)
	}
	f.ana = ana.ID
	team, err := wss.CreateTeam(ctx, f.ws, workspace.TeamInput{Name: "Support", MemberIDs: []int64{ana.ID}})
	if err != nil {
		t.Fatal(err)
	}
	f.support = team.ID
	keys, err := secret.NewKeyring(bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	guard := netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	f.ai = ai.New(d, ai.Options{Keys: keys, Guard: guard, MaxRetries: 1, Sleep: func(context.Context, time.Duration) error { return nil }})
	f.kb = knowledge.New(d, knowledge.Options{})
	f.conv = conversation.New(d)
	f.start()
	return f
}

// start runs a node's engines: the event hub, routing, the AI agents'
// consumer and turn runner.
func (f *fixture) start() {
	hub := event.NewHub()
	f.d.OnEvents(hub.Notify)
	f.group = background.NewGroup(f.clock)
	runner := due.New(f.d, due.Options{Group: f.group})
	f.route = routing.New(f.d, routing.Options{Hub: hub, Group: f.group, Due: runner})
	f.svc = aiagent.New(f.d, aiagent.Options{AI: f.ai, Knowledge: f.kb, Router: f.route})
	f.svc.Register(runner)
	consumer := f.svc.NewConsumer(hub, f.group)
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel, f.done = cancel, make(chan struct{}, 3)
	f.group.StartAll()
	for _, run := range []func(context.Context){consumer.Run, runner.Run, f.route.Run} {
		go func() { run(ctx); f.done <- struct{}{} }()
	}
	f.t.Cleanup(f.stop)
	// A consumer that has no cursor yet starts at the log's newest event
	// on its first pass: let that pass happen before the test writes.
	f.idle()
}

// stop ends the engines, as a node's shutdown does.
func (f *fixture) stop() {
	if f.cancel == nil {
		return
	}
	f.cancel()
	<-f.done
	<-f.done
	<-f.done
	f.cancel = nil
}

// idle waits until the engines have done all they can now.
func (f *fixture) idle() { backgroundtest.WaitIdle(f.t, f.group) }

// article adds a published article.
func (f *fixture) article(title, body string) {
	f.t.Helper()
	if _, err := f.kb.CreateArticle(context.Background(), f.ws, knowledge.ArticleInput{Title: &title, Body: &body}); err != nil {
		f.t.Fatal(err)
	}
}

// agent creates an AI agent with in (name "Sam" unless given).
func (f *fixture) agent(in aiagent.Input) aiagent.Agent {
	f.t.Helper()
	if in.Name == nil {
		in.Name = ptr("Sam")
	}
	a, err := f.svc.Create(context.Background(), f.ws, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// write delivers a contact's message through the custom channel's path.
func (f *fixture) write(external, text string) conversation.Received {
	f.t.Helper()
	name := "Maria"
	f.mid++
	r, err := f.conv.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage,
		WorkspaceID: f.ws, ChannelID: f.ch, ExternalID: external, ProviderMessageID: fmt.Sprintf("m%d-%s", f.mid, external),
		Type: "text", Text: text, Profile: contact.Input{FirstName: &name}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return r[0]
}

// assign assigns a conversation to a member by name, as a person does.
func (f *fixture) assign(conversationID, userID int64) {
	f.t.Helper()
	if _, err := f.route.Assign(context.Background(), routing.Request{WorkspaceID: f.ws, ConversationID: conversationID,
		Target: routing.TargetUser, UserID: userID, Source: conversation.SourceUser}); err != nil {
		f.t.Fatal(err)
	}
}

// start a conversation with the agent: the contact writes, the
// conversation is assigned to the agent, the engines go idle.
func (f *fixture) converse(agentID int64, external, text string) int64 {
	f.t.Helper()
	r := f.write(external, text)
	f.assign(r.ConversationID, agentID)
	f.idle()
	return r.ConversationID
}

// say writes a further message and waits for the engines.
func (f *fixture) say(external, text string) {
	f.t.Helper()
	f.write(external, text)
	f.idle()
}

// outTexts returns the texts sent in a conversation, in order.
func (f *fixture) outTexts(conversationID int64) []string {
	f.t.Helper()
	return f.strings(`SELECT text FROM messages WHERE conversation_id = ? AND direction = 'out' ORDER BY id`, conversationID)
}

func (f *fixture) strings(q string, args ...any) []string {
	f.t.Helper()
	rows, err := f.d.Reader().Query(context.Background(), q, args...)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

// turns returns the ai_agent.turn events of a conversation, in order.
func (f *fixture) turns(conversationID int64) []map[string]any {
	f.t.Helper()
	var out []map[string]any
	for _, p := range f.strings(`SELECT payload FROM events WHERE conversation_id = ? AND type = 'ai_agent.turn' ORDER BY id`, conversationID) {
		m := map[string]any{}
		json.Unmarshal([]byte(p), &m)
		out = append(out, m)
	}
	return out
}

// lastTurn returns the conversation's last turn event.
func (f *fixture) lastTurn(conversationID int64) map[string]any {
	f.t.Helper()
	ts := f.turns(conversationID)
	if len(ts) == 0 {
		f.t.Fatalf("conversation %d has no AI agent turn", conversationID)
	}
	return ts[len(ts)-1]
}

// handoverRule returns the hand-over rule of a turn event ("" if none).
func handoverRule(turn map[string]any) string {
	h, _ := turn["handover"].(map[string]any)
	r, _ := h["rule"].(string)
	return r
}

// conversation reads a conversation.
func (f *fixture) conversation(id int64) conversation.Conversation {
	f.t.Helper()
	c, err := conversation.GetTx(context.Background(), f.d.Reader(), f.ws, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	return dbtest.Count(f.t, f.d, q, args...)
}

func ptr[T any](v T) *T { return &v }

// provider is an OpenAI-compatible test server answering from a script:
// each request takes the next answer; every request body is kept.
type provider struct {
	*httptest.Server
	mu     sync.Mutex
	script []answer
	bodies []map[string]any
}

type answer struct {
	status int
	body   string
}

func newProvider(t *testing.T, script ...answer) *provider {
	p := &provider{script: script}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		json.Unmarshal(raw, &body)
		p.mu.Lock()
		p.bodies = append(p.bodies, body)
		if len(p.script) == 0 {
			p.mu.Unlock()
			w.WriteHeader(500)
			io.WriteString(w, `{"error":{"message":"script exhausted"}}`)
			return
		}
		a := p.script[0]
		p.script = p.script[1:]
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(max(a.status, 200))
		io.WriteString(w, a.body)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *provider) requests() []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]map[string]any(nil), p.bodies...)
}

// call is a scripted tool call.
type call struct {
	name string
	args string
}

// completion answers with content and tool calls.
func completion(content string, calls ...call) answer {
	var tcs []any
	for i, c := range calls {
		tcs = append(tcs, map[string]any{"id": fmt.Sprintf("call_%d", i), "type": "function",
			"function": map[string]any{"name": c.name, "arguments": c.args}})
	}
	msg := map[string]any{"role": "assistant", "content": content}
	if tcs != nil {
		msg["tool_calls"] = tcs
	}
	b, _ := json.Marshal(map[string]any{
		"choices": []any{map[string]any{"message": msg, "finish_reason": "stop"}},
		"usage":   map[string]any{"prompt_tokens": 100, "completion_tokens": 20},
	})
	return answer{body: string(b)}
}

// useModel configures the workspace's provider as p.
func (f *fixture) useModel(p *provider, budget int64) {
	f.t.Helper()
	if _, err := f.ai.UpdateSettings(context.Background(), f.ws, ai.SettingsInput{BaseURL: ptr(p.URL + "/v1"),
		APIKey: ptr("sk-test-0123456789abcd"), ChatModel: ptr("gpt-test"), MonthlyBudget: &budget}); err != nil {
		f.t.Fatal(err)
	}
}

// messagesOf returns the chat messages of a recorded request.
func messagesOf(body map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := body["messages"].([]any)
	for _, m := range list {
		mm, _ := m.(map[string]any)
		out = append(out, mm)
	}
	return out
}

func itoa(n int64) string { return fmt.Sprint(n) }
