// Package channeltest holds the fixture the channel providers' tests
// share: a workspace, a channel service as a node builds it, the
// registry's webhook routes served over real HTTP, and a Receiver that
// keeps what it is handed.
package channeltest

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/secret"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// Service is a channel service as a node builds it: providers
// registered, secrets sealed with a fixed test key.
func Service(t testing.TB, d *db.DB, providers ...channel.Provider) *channel.Service {
	t.Helper()
	reg, err := channel.NewRegistry(providers...)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := secret.NewKeyring(bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return channel.NewWithOptions(d, channel.Options{Registry: reg, Keys: keys})
}

// Workspace creates the workspace "Acme" (UTC).
func Workspace(t testing.TB, d *db.DB) workspace.Workspace {
	t.Helper()
	ws, err := workspace.New(d).Create(context.Background(), "Acme", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// Serve mounts the webhook routes of in.Channels' registry, as the node
// mounts them, on an httptest server closed when the test ends.
func Serve(t testing.TB, in channel.Inbox) *httptest.Server {
	t.Helper()
	routes, err := in.Channels.Registry().Routes(in)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.Method+" "+rt.Pattern, rt.Handler)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// Tables are the tables a webhook writes to.
var Tables = []string{"contacts", "contact_identities", "conversations", "messages", "message_statuses", "early_statuses", "events"}

// Rows counts the rows of every table a webhook writes to, to show that
// a refused webhook stored nothing.
func Rows(t testing.TB, d *db.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range Tables {
		out[table] = dbtest.Count(t, d, `SELECT COUNT(*) FROM `+table)
	}
	return out
}

// Recorder is a Receiver that keeps what it is handed and stores nothing.
type Recorder struct{ Items []conversation.Inbound }

var _ channel.Receiver = (*Recorder)(nil)

// Receive implements channel.Receiver.
func (r *Recorder) Receive(_ context.Context, items []conversation.Inbound) ([]conversation.Received, error) {
	r.Items = append(r.Items, items...)
	return make([]conversation.Received, len(items)), nil
}

// FailingReceiver is a Receiver whose store fails (a full disk, a locked
// database): a webhook handed it must not acknowledge.
type FailingReceiver struct{}

var _ channel.Receiver = FailingReceiver{}

// Receive implements channel.Receiver.
func (FailingReceiver) Receive(context.Context, []conversation.Inbound) ([]conversation.Received, error) {
	return nil, errors.New("disk full")
}

// LoopbackClient is a guarded client (netguard) that lets a provider
// reach the test's own httptest servers on 127.0.0.1, and nothing else
// private.
func LoopbackClient() *http.Client {
	return netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}).Client()
}

// SentMessage writes an outbound message in the workspace's one
// conversation as the dispatcher leaves it once sent — status sent, known
// to the provider by providerID, which its status callbacks name — and
// returns its id.
func SentMessage(t testing.TB, d *db.DB, workspaceID int64, providerID string) int64 {
	t.Helper()
	ctx := context.Background()
	var convID, id int64
	if err := d.Reader().QueryRow(ctx, `SELECT id FROM conversations WHERE workspace_id = ?`, workspaceID).Scan(&convID); err != nil {
		t.Fatal(err)
	}
	err := d.Write(ctx, func(tx *db.Tx) error {
		m, err := conversation.SendTx(ctx, tx, workspaceID, convID, conversation.SendInput{Text: "Hi", Sender: conversation.SourceWorkflow})
		if err != nil {
			return err
		}
		id = m.ID
		if _, err := tx.Exec(ctx, `UPDATE messages SET provider_message_id = ? WHERE id = ?`, providerID, m.ID); err != nil {
			return err
		}
		_, err = conversation.SetStatusTx(ctx, tx, m.ID, conversation.MsgSent, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
