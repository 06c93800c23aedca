package conversation

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// fixture is a workspace with one custom channel and a conversation
// service, on a fake clock the test moves.
type fixture struct {
	db      *db.DB
	clock   *clock.Fake
	svc     *Service
	ws      workspace.Workspace
	channel channel.Channel
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d.SetClock(fake)
	ws, err := workspace.New(d).Create(ctx, "Acme", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := channel.New(d).Create(ctx, ws.ID, channel.Input{Type: channel.TypeCustom, Name: "site",
		Config: json.RawMessage(`{"base_url":"http://127.0.0.1:1"}`)})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: d, clock: fake, svc: New(d), ws: ws, channel: ch}
}

func (f *fixture) inbound(external, providerID, text string) Inbound {
	return Inbound{Kind: KindMessage, WorkspaceID: f.ws.ID, ChannelID: f.channel.ID, ExternalID: external,
		ProviderMessageID: providerID, Type: "text", Text: text}
}
