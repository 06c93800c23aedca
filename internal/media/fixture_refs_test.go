package media_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// refFixture is a workspace with a custom channel, a media store in a
// folder and the services that make and delete what references files,
// on a fake clock.
type refFixture struct {
	t       *testing.T
	d       *db.DB
	clock   *clock.Fake
	store   *media.Store
	dir     string
	ws, ch  int64
	convs   *conversation.Service
	next    int
	pngData []byte
}

func newRefFixture(t *testing.T, d *db.DB) *refFixture {
	t.Helper()
	f := &refFixture{t: t, d: d, clock: clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), convs: conversation.New(d),
		dir: filepath.Join(t.TempDir(), "media"), pngData: pngBytes(t)}
	d.SetClock(f.clock)
	f.ws, f.ch = f.workspace("Acme")
	var err error
	if f.store, err = media.New(d, media.Options{Dir: f.dir}); err != nil {
		t.Fatal(err)
	}
	return f
}

// workspace makes a workspace with a custom channel.
func (f *refFixture) workspace(name string) (ws, ch int64) {
	f.t.Helper()
	ctx := context.Background()
	w, err := workspace.New(f.d).Create(ctx, name, "UTC")
	if err != nil {
		f.t.Fatal(err)
	}
	err = f.d.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at)
			VALUES (?, 'custom', 'site', 'token', '{"base_url":"http://127.0.0.1:1"}', ?) RETURNING id`, w.ID, tx.Now()).Scan(&ch)
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return w.ID, ch
}

// upload stores a file of the workspace.
func (f *refFixture) upload(ws int64) media.Media {
	f.t.Helper()
	m, err := f.store.Save(context.Background(), media.Upload{WorkspaceID: ws, FileName: "cat.png", Body: bytes.NewReader(f.pngData)})
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

// receive stores a message of a new contact of the workspace with
// content, and returns it.
func (f *refFixture) receive(ws, ch int64, content string) conversation.Received {
	f.t.Helper()
	f.next++
	got, err := f.convs.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: ws, ChannelID: ch,
		ExternalID: fmt.Sprintf("+1415555%04d", f.next), ProviderMessageID: fmt.Sprintf("m-%d", f.next), Type: "attachment",
		Text: "look", Content: json.RawMessage(content)}})
	if err != nil {
		f.t.Fatal(err)
	}
	return got[0]
}

// send sends a message with content in a conversation.
func (f *refFixture) send(ws, conv int64, content string) {
	f.t.Helper()
	ctx := context.Background()
	err := f.d.Write(ctx, func(tx *db.Tx) error {
		_, err := conversation.SendTx(ctx, tx, ws, conv, conversation.SendInput{Type: "attachment", Content: json.RawMessage(content),
			Sender: conversation.SourceAPI})
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *refFixture) deleteContact(ws, id int64) {
	f.t.Helper()
	if err := contact.New(f.d).Delete(context.Background(), access.System(ws), id); err != nil {
		f.t.Fatal(err)
	}
}

func attachment(m media.Media) string {
	return `{"attachment":{"type":"image","url":"https://switchboard.example` + m.FetchPath() + `","media_id":"` + m.ID + `"}}`
}
