package conversation

import (
	"context"
	"testing"
	"time"

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
	channel struct{ ID int64 } // a custom channel's row
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
	// The row alone: package channel imports this one, so its tests
	// cannot use channel.Service.
	var ch struct{ ID int64 }
	err = d.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at)
			VALUES (?, 'custom', 'site', 'token', '{"base_url":"http://127.0.0.1:1"}', ?) RETURNING id`, ws.ID, tx.Now()).Scan(&ch.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: d, clock: fake, svc: New(d), ws: ws, channel: ch}
}

func (f *fixture) inbound(external, providerID, text string) Inbound {
	return Inbound{Kind: KindMessage, WorkspaceID: f.ws.ID, ChannelID: f.channel.ID, ExternalID: external,
		ProviderMessageID: providerID, Type: "text", Text: text}
}
