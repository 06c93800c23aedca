package telegram_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/telegram"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A message of three files is three Bot API calls. When the second one
// fails (Telegram answers 500), the node's retry sends the second and the
// third, never the first again: the ids of the parts delivered are kept
// with the message's job (channel.PartLog), on a whole node and its real
// dispatcher.
func TestSendResumesAfterTheDeliveredFiles(t *testing.T) {
	for _, kind := range dbtest.Dialects() {
		t.Run(string(kind), func(t *testing.T) { resumeAfterDeliveredFiles(t, kind) })
	}
}

func resumeAfterDeliveredFiles(t *testing.T, kind db.Dialect) {
	ctx := context.Background()
	fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	cfg := dbtest.Config(t, kind)
	runCtx, cancel := context.WithCancel(ctx)
	a, err := app.New(runCtx, app.Config{Addr: "127.0.0.1:0", DataDir: cfg.DataDir, DatabaseURL: cfg.URL, Clock: fake,
		SecretKey:            base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)), // PostgreSQL nodes need one
		AllowPrivateNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})         // the fake Bot API is on loopback
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	idle := func() { backgroundtest.WaitIdle(t, a.Background) }

	ws, err := a.Workspaces.Create(ctx, "Acme", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	bot := telegram.NewFakeBot(t)
	config, _ := json.Marshal(telegram.Config{BotToken: telegram.TestBotToken, APIBaseURL: bot.URL()})
	ch, err := a.Channels.Create(ctx, ws.ID, channel.Input{Type: telegram.Type, Name: "Telegram", Config: config})
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Conversations.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: ws.ID,
		ChannelID: ch.ID, ExternalID: "111222333", ProviderMessageID: "111222333:1", Text: "Send me the photos"}})
	if err != nil {
		t.Fatal(err)
	}
	// The first file goes; the second is refused once.
	bot.Queue("sendPhoto", 200, `{"ok":true,"result":{"message_id":6001,"chat":{"id":111222333,"type":"private"},"date":1441646000}}`)
	bot.Queue("sendPhoto", 500, `{"ok":false,"error_code":500,"description":"Internal Server Error"}`)
	files := []string{"https://cdn.example.com/1.jpg", "https://cdn.example.com/2.jpg", "https://cdn.example.com/3.jpg"}
	content, _ := json.Marshal(map[string]any{"attachments": []map[string]string{
		{"type": "image", "url": files[0]}, {"type": "image", "url": files[1]}, {"type": "image", "url": files[2]}}})
	m, err := a.Conversations.Send(ctx, access.System(ws.ID), got[0].ConversationID,
		conversation.SendInput{Type: "attachment", Text: "Here they are", Content: content, Sender: conversation.SourceAPI})
	if err != nil {
		t.Fatal(err)
	}
	// Let the dispatcher work, moving the clock past each retry delay.
	for range 20 {
		idle()
		if msg, err := a.Conversations.GetMessage(ctx, access.System(ws.ID), m.ID); err == nil && msg.Status == conversation.MsgSent {
			break
		}
		fake.Advance(time.Minute)
	}
	msg, err := a.Conversations.GetMessage(ctx, access.System(ws.ID), m.ID)
	if err != nil || msg.Status != conversation.MsgSent {
		t.Fatalf("message %+v, %v", msg, err)
	}
	var photos []string
	for _, c := range bot.Calls() {
		if c.Method == "sendPhoto" {
			photos = append(photos, c.Params["photo"].(string))
		}
	}
	if want := []string{files[0], files[1], files[1], files[2]}; !slices.Equal(photos, want) {
		t.Errorf("sendPhoto calls %v, want %v (the first file once)", photos, want)
	}
	// The message's id is its first file's, delivered by the first attempt.
	if msg.ProviderMessageID != "111222333:6001" {
		t.Errorf("provider id %q, want the first file's", msg.ProviderMessageID)
	}
}
