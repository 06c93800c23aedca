package email

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/netip"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/secret"
	"github.com/switchboard-chat/switchboard/internal/smtpclient/smtptest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// env is a node's worth of the email channel on a test store: the
// provider attached to the channels, conversations and a media folder.
type env struct {
	d     *db.DB
	p     *Provider
	chs   *channel.Service
	conv  *conversation.Service
	media Store
	ws    int64
}

func loopbackClient() *netguard.Guard {
	return netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	p := New(loopbackClient().Client())
	reg, err := channel.NewRegistry(p)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := secret.NewKeyring(bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	m, err := media.New(d, media.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{d: d, p: p, chs: channel.NewWithOptions(d, channel.Options{Registry: reg, Keys: keys}), conv: conversation.New(d), media: MediaStore(m)}
	ws, err := workspace.New(d).Create(context.Background(), "W", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	e.ws = ws.ID
	p.Attach(Deps{DB: d, Media: e.media, Channels: e.chs, Receiver: e.conv})
	return e
}

func (e *env) channel(t *testing.T, cfg map[string]any) channel.Channel {
	t.Helper()
	raw, _ := json.Marshal(cfg)
	ch, err := e.chs.Create(context.Background(), e.ws, channel.Input{Type: Type, Name: "support", Config: raw})
	if err != nil {
		t.Fatal(err)
	}
	full, err := e.chs.Lookup(context.Background(), ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	return full
}

type storedMsg struct {
	ConversationID    int64
	Direction         string
	ProviderMessageID string
	Text              string
	Content           Content
}

func (e *env) messages(t *testing.T, channelID int64) []storedMsg {
	t.Helper()
	rows, err := e.d.Reader().Query(context.Background(), `SELECT COALESCE(conversation_id, 0), direction, COALESCE(provider_message_id, ''), text, content
		FROM messages WHERE channel_id = ? ORDER BY id`, channelID)
	if err != nil {
		t.Fatal(err)
	}
	out, err := db.Collect(rows, func(r *sql.Rows) (storedMsg, error) {
		var m storedMsg
		var content string
		err := r.Scan(&m.ConversationID, &m.Direction, &m.ProviderMessageID, &m.Text, &content)
		json.Unmarshal([]byte(content), &m.Content)
		return m, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// waitFor polls cond until it holds or 10 seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// newSink is an SMTP server that keeps what it is given; with a user, it
// asks for that user and password.
func newSink(t *testing.T, user, pass string) *smtptest.Sink {
	t.Helper()
	return smtptest.New(t, smtptest.Options{User: user, Pass: pass})
}
