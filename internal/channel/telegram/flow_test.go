package telegram_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/telegram"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/demo"
)

// The demo's inbound workflow runs unchanged over Telegram, on a whole
// node (as `serve --demo` builds it) talking to a fake Bot API: the
// channel is connected with setWebhook, a contact's first message arrives
// through the webhook, the welcome and the question go out through
// sendMessage with the three choices as an inline keyboard, the contact
// presses "Billing", the press comes back as a callback_query and is
// answered, and the conversation is assigned to the Billing agent.
func TestDemoWorkflowOverTelegram(t *testing.T) {
	ctx := context.Background()
	fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	cfg := dbtest.Config(t, db.SQLite)
	runCtx, cancel := context.WithCancel(ctx)
	a, err := app.New(runCtx, app.Config{Addr: "127.0.0.1:0", DataDir: cfg.DataDir, Clock: fake,
		AllowPrivateNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}) // the fake Bot API is on loopback
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Load(ctx, demo.Services{Workspaces: a.Workspaces, Contacts: a.Contacts, Channels: a.Channels,
		Conversations: a.Conversations, Workflows: a.Workflows}, demo.Options{ChannelURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	addr, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- a.Run(runCtx, func(bound string) { addr <- bound }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	node := "http://" + <-addr
	idle := func() { backgroundtest.WaitIdle(t, a.Background) }
	idle()
	// The node documents every route it mounts, Telegram's webhook among
	// them (the document is built on first request and refuses a route
	// without notes).
	if resp, err := http.Get(node + "/api/openapi.json"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	bot := telegram.NewFakeBot(t)
	config, _ := json.Marshal(telegram.Config{BotToken: telegram.TestBotToken, APIBaseURL: bot.URL()})
	ch, err := a.Channels.Create(ctx, res.WorkspaceID, channel.Input{Type: telegram.Type, Name: "Telegram", Config: config})
	if err != nil {
		t.Fatal(err)
	}
	hook := node + "/webhooks/telegram/" + strconv.FormatInt(ch.ID, 10)
	p, _ := a.Channels.Registry().Provider(telegram.Type)
	if err := p.(channel.Connector).Connect(ctx, ch, hook); err != nil {
		t.Fatal(err)
	}
	if calls := bot.Calls(); len(calls) != 1 || calls[0].Method != "setWebhook" || calls[0].Params["secret_token"] != ch.Token {
		t.Fatalf("connect made %+v", calls)
	}
	bea, err := a.Workspaces.UserByEmail(ctx, "bea@demo.switchboard.local")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Routing.Heartbeat(ctx, res.WorkspaceID, bea.ID, "test"); err != nil {
		t.Fatal(err)
	}
	idle()

	deliver := func(update string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, hook, strings.NewReader(update))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(telegram.SecretHeader, ch.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("webhook answered %d: %s", resp.StatusCode, raw)
		}
		var out map[string]any
		json.Unmarshal(raw, &out)
		return out
	}
	const ada = `"from":{"id":111222333,"is_bot":false,"first_name":"Ada","language_code":"en"},"chat":{"id":111222333,"first_name":"Ada","type":"private"}`
	deliver(`{"update_id":900001,"message":{"message_id":1,` + ada + `,"date":1772442000,"text":"Hello, I have a question about my invoice"}}`)
	idle()

	sends := func() []telegram.BotCall {
		var out []telegram.BotCall
		for _, c := range bot.Calls() {
			if c.Method == "sendMessage" {
				out = append(out, c)
			}
		}
		return out
	}
	got := sends()
	if len(got) != 2 || got[0].Params["text"] != "Hi Ada, thanks for getting in touch!" ||
		!strings.HasPrefix(got[1].Params["text"].(string), "What can we help you with?") || got[1].Params["chat_id"] != 111222333.0 {
		t.Fatalf("sent %+v", got)
	}
	wantKeyboard := map[string]any{"inline_keyboard": []any{
		[]any{map[string]any{"text": "Sales", "callback_data": "Sales"}},
		[]any{map[string]any{"text": "Support", "callback_data": "Support"}},
		[]any{map[string]any{"text": "Billing", "callback_data": "Billing"}}}}
	if !reflect.DeepEqual(got[1].Params["reply_markup"], wantKeyboard) {
		t.Fatalf("the question's keyboard is %#v", got[1].Params["reply_markup"])
	}
	// The contact presses Billing on the question: the fake numbers its
	// answers from 5001 (setWebhook's), so the question is message 5003.
	var questionID string
	if err := a.DB.Reader().QueryRow(ctx, `SELECT provider_message_id FROM messages WHERE direction = 'out' AND channel_id = ? ORDER BY id DESC LIMIT 1`,
		ch.ID).Scan(&questionID); err != nil || questionID != "111222333:5003" {
		t.Fatalf("the question's provider id is %q, %v", questionID, err)
	}
	keyboard, _ := json.Marshal(wantKeyboard)
	press := fmt.Sprintf(`{"update_id":900002,"callback_query":{"id":"4382bfdwdsb323b2d9",%s,"message":{"message_id":5003,"from":{"id":7000000001,"is_bot":true,"first_name":"Acme"},"chat":{"id":111222333,"first_name":"Ada","type":"private"},"date":1772442001,"text":"What can we help you with?","reply_markup":%s},"chat_instance":"-71234","data":"Billing"}}`,
		`"from":{"id":111222333,"is_bot":false,"first_name":"Ada","language_code":"en"}`, keyboard)
	if out := deliver(press); out["method"] != "answerCallbackQuery" || out["callback_query_id"] != "4382bfdwdsb323b2d9" {
		t.Fatalf("the press was answered %v", out)
	}
	idle()

	var convID, assignee int64
	var status string
	if err := a.DB.Reader().QueryRow(ctx, `SELECT c.id, COALESCE(c.assignee_id, 0) FROM conversations c
		JOIN contact_identities i ON i.contact_id = c.contact_id WHERE i.channel_id = ? AND i.external_id = '111222333'`, ch.ID).Scan(&convID, &assignee); err != nil {
		t.Fatal(err)
	}
	if assignee != bea.ID {
		t.Errorf("the conversation is assigned to %d, want Bea Billing (%d)", assignee, bea.ID)
	}
	if err := a.DB.Reader().QueryRow(ctx, `SELECT status FROM workflow_runs WHERE conversation_id = ?`, convID).Scan(&status); err != nil || status != "finished" {
		t.Errorf("the run is %q, %v", status, err)
	}
	var answer string
	if err := a.DB.Reader().QueryRow(ctx, `SELECT text FROM messages WHERE conversation_id = ? AND direction = 'in' ORDER BY id DESC LIMIT 1`, convID).Scan(&answer); err != nil || answer != "Billing" {
		t.Errorf("the contact's answer is stored as %q, %v", answer, err)
	}
	if n := len(sends()); n != 2 {
		t.Errorf("%d messages sent in all, want the welcome and the question", n)
	}
}
