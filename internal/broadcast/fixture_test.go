package broadcast_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/broadcast"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// world is workspace Acme with a custom channel, its owner, and the
// broadcasts' service of one node on a fake clock, its sending started by
// start.
type world struct {
	d        *db.DB
	clk      *clock.Fake
	g        *background.Group
	ws       int64
	ch       int64
	owner    access.Principal
	convs    *conversation.Service
	contacts *contact.Service
	bc       *broadcast.Service
}

func newWorld(t *testing.T, d *db.DB, opts broadcast.Options) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{d: d, clk: clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), convs: conversation.New(d), contacts: contact.New(d)}
	d.SetClock(w.clk)
	w.g = background.NewGroup(w.clk)
	wss := workspace.New(d)
	ws, err := wss.Create(ctx, "Acme", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	w.ws = ws.ID
	u, err := wss.CreateUser(ctx, w.ws, workspace.NewUser{Email: "olga@acme.test", Name: "Olga", Role: access.RoleOwner})
	if err != nil {
		t.Fatal(err)
	}
	w.owner = access.Principal{WorkspaceID: w.ws, UserID: u.ID, Role: access.RoleOwner, Can: access.Defaults(access.RoleOwner)}
	w.contacts.SetConversationCloser(conversation.CloseForMergeTx)
	w.ch = w.channel(t, "site")
	opts.Group = w.g
	w.bc = broadcast.New(d, opts)
	return w
}

// start runs the node's sending.
func (w *world) start(t *testing.T) {
	t.Helper()
	backgroundtest.Run(t, w.g, w.bc.Run)
}

// channel adds a custom channel.
func (w *world) channel(t *testing.T, name string) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := w.d.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at)
			VALUES (?, 'custom', ?, 'token', '{}', ?) RETURNING id`, w.ws, name, tx.Now()).Scan(&id)
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

// contacts makes n contacts who wrote on the channel, named C0…, and
// returns their ids in order.
func (w *world) writers(t *testing.T, ch int64, n int) []int64 {
	t.Helper()
	in := make([]conversation.Inbound, n)
	for i := range in {
		in[i] = conversation.Inbound{Kind: conversation.KindMessage, WorkspaceID: w.ws, ChannelID: ch, ExternalID: fmt.Sprintf("ext-%d-%d", ch, i),
			ProviderMessageID: fmt.Sprintf("in-%d-%d", ch, i), Type: "text", Text: "hello", Profile: contact.Input{FirstName: ptr(fmt.Sprintf("C%d", i))}}
	}
	got, err := w.convs.Receive(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i, r := range got {
		ids[i] = r.ContactID
	}
	return ids
}

// write receives one more message from the contact of that external id.
func (w *world) write(t *testing.T, ch int64, external, mID string) {
	t.Helper()
	if _, err := w.convs.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: w.ws,
		ChannelID: ch, ExternalID: external, ProviderMessageID: mID, Type: "text", Text: "yes please"}}); err != nil {
		t.Fatal(err)
	}
}

func (w *world) create(t *testing.T, name string, ch int64, a broadcast.Audience, m broadcast.Message) broadcast.Broadcast {
	t.Helper()
	b, err := w.bc.Create(context.Background(), w.owner, broadcast.Input{Name: &name, ChannelID: &ch, Audience: &a, Message: &m})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (w *world) get(t *testing.T, id int64) broadcast.Broadcast {
	t.Helper()
	b, err := w.bc.Get(context.Background(), w.owner, id)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// count runs a COUNT(*) query.
func (w *world) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := w.d.Reader().QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func ptr[T any](v T) *T { return &v }
