package media_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// work runs the store's timed work once and returns when it says the
// next falls due.
func (f *refFixture) work() time.Time {
	f.t.Helper()
	next, err := f.store.Work(1).Pass(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return next
}

// state says whether a file's row and bytes are there: "kept", "deleted"
// (neither), or what is wrong.
func (f *refFixture) state(ws int64, id string) string {
	f.t.Helper()
	_, err := f.store.Get(context.Background(), ws, id)
	_, statErr := os.Stat(filepath.Join(f.dir, id))
	switch row, bytes := err == nil, statErr == nil; {
	case row && bytes:
		return "kept"
	case !row && !bytes:
		return "deleted"
	case row:
		return "a row without its bytes"
	default:
		return "bytes without a row"
	}
}

// Deleting a contact deletes the files their messages named, sent or
// received, in any version, unless another record of the workspace still
// names them; their rows go with the contact, their bytes with the
// store's next pass.
func TestDeletingAContactDeletesItsFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRefFixture(t, d)
		ctx := context.Background()
		otherWS, otherCh := f.workspace("Other")
		cases := []struct {
			name string
			// refer makes contact's messages, and whatever else, name m.
			refer func(m media.Media) (contactID int64)
			want  string
		}{
			{"received from the contact (the widget)", func(m media.Media) int64 {
				return f.receive(f.ws, f.ch, attachment(m)).ContactID
			}, "deleted"},
			{"an email's raw message", func(m media.Media) int64 {
				return f.receive(f.ws, f.ch, `{"type":"text","email":{"subject":"hi","raw_media_id":"`+m.ID+`"}}`).ContactID
			}, "deleted"},
			{"sent to the contact", func(m media.Media) int64 {
				r := f.receive(f.ws, f.ch, `{}`)
				f.send(f.ws, r.ConversationID, attachment(m))
				return r.ContactID
			}, "deleted"},
			{"fetched from the provider", func(m media.Media) int64 {
				r := f.receive(f.ws, f.ch, `{}`)
				err := d.Write(ctx, func(tx *db.Tx) error {
					return conversation.SetAttachmentTx(ctx, tx, r.MessageID, 0, conversation.InboundAttachment{Type: "image",
						Status: conversation.AttachmentStored, MediaID: m.ID})
				})
				if err != nil {
					t.Fatal(err)
				}
				return r.ContactID
			}, "deleted"},
			{"in a version the contact edited away", func(m media.Media) int64 {
				r := f.receive(f.ws, f.ch, attachment(m))
				_, err := f.convs.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindEdit, WorkspaceID: f.ws, ChannelID: f.ch,
					ExternalID: fmt.Sprintf("+1415555%04d", f.next), Target: fmt.Sprintf("m-%d", f.next), Text: "no file",
					Content: json.RawMessage(`{}`)}})
				if err != nil {
					t.Fatal(err)
				}
				return r.ContactID
			}, "deleted"},
			{"named by another workspace's message too", func(m media.Media) int64 {
				f.receive(otherWS, otherCh, attachment(m))
				return f.receive(f.ws, f.ch, attachment(m)).ContactID
			}, "deleted"},
			{"sent to another contact too", func(m media.Media) int64 {
				f.receive(f.ws, f.ch, attachment(m))
				return f.receive(f.ws, f.ch, attachment(m)).ContactID
			}, "kept"},
			{"a workflow's attachment, sent to the contact", func(m media.Media) int64 {
				def, err := workflow.ParseDefinition([]byte(`{"name": "Welcome", "trigger": {"type": "conversation_opened"},
					"steps": [{"id": "hi", "type": "send_message", "settings": {"text": "Hi",
						"attachments": [{"type": "image", "url": "https://switchboard.example` + m.FetchPath() + `"}]}}]}`))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := workflow.NewService(d).Create(ctx, f.ws, def); err != nil {
					t.Fatal(err)
				}
				r := f.receive(f.ws, f.ch, `{}`)
				f.send(f.ws, r.ConversationID, `{"type":"attachment","attachments":[{"type":"image","url":"https://switchboard.example`+
					m.FetchPath()+`"}]}`)
				return r.ContactID
			}, "kept"},
			{"an upload never sent", func(m media.Media) int64 {
				return f.receive(f.ws, f.ch, `{}`).ContactID
			}, "kept"},
		}
		for _, c := range cases {
			m := f.upload(f.ws)
			id := c.refer(m)
			f.deleteContact(f.ws, id)
			if _, err := f.store.Get(ctx, f.ws, m.ID); c.want == "deleted" && err == nil {
				t.Errorf("%s: the file's row outlived the contact's deletion", c.name)
			}
			f.work()
			if got := f.state(f.ws, m.ID); got != c.want {
				t.Errorf("%s: %s, want %s", c.name, got, c.want)
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM media_removals`); n != 0 {
			t.Errorf("%d removals left after the pass", n)
		}
	})
}

// A merge moves the messages, and their files with them: nothing is
// deleted, and deleting the contact kept then deletes the merged one's
// files too.
func TestMergingContactsKeepsTheirFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRefFixture(t, d)
		ctx := context.Background()
		m := f.upload(f.ws)
		r := f.receive(f.ws, f.ch, attachment(m))
		from := r.ContactID
		if _, err := f.convs.Close(ctx, access.System(f.ws), r.ConversationID, conversation.CloseInput{Source: conversation.SourceAPI}); err != nil {
			t.Fatal(err)
		}
		into := f.receive(f.ws, f.ch, `{}`).ContactID
		if _, err := contact.New(d).Merge(ctx, access.System(f.ws), into, contact.MergeInput{From: from}); err != nil {
			t.Fatal(err)
		}
		f.work()
		if got := f.state(f.ws, m.ID); got != "kept" {
			t.Fatalf("after the merge: %s", got)
		}
		f.deleteContact(f.ws, into)
		f.work()
		if got := f.state(f.ws, m.ID); got != "deleted" {
			t.Fatalf("after deleting the contact kept: %s", got)
		}
	})
}
