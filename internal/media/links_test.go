package media_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// Every path that writes a message, or changes its content, links it to
// the files it names (message_media), in its workspace; a workflow's draft
// links the workflow to the files its attachments' URLs name.
func TestMessagesAndWorkflowsLinkTheFilesTheyName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRefFixture(t, d)
		ctx := context.Background()
		linksOf := func(messageID int64) []string {
			return dbtest.Column[string](t, d, `SELECT media_id || '@' || CAST(workspace_id AS TEXT) FROM message_media
				WHERE message_id = ? ORDER BY media_id`, messageID)
		}
		lastMessage := func(conv int64) int64 {
			return int64(dbtest.Count(t, d, `SELECT MAX(id) FROM messages WHERE conversation_id = ?`, conv))
		}
		for _, c := range []struct {
			name  string
			write func(m media.Media) (messageID int64)
		}{
			{"a new contact's message (the receive batch)", func(m media.Media) int64 {
				return f.receive(f.ws, f.ch, attachment(m)).MessageID
			}},
			{"a known contact's next message", func(m media.Media) int64 {
				first := f.receive(f.ws, f.ch, `{}`)
				got, err := f.convs.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: f.ws, ChannelID: f.ch,
					ExternalID: fmt.Sprintf("+1415555%04d", f.next), ProviderMessageID: fmt.Sprintf("m-%d-next", f.next), Type: "attachment",
					Content: json.RawMessage(attachment(m))}})
				if err != nil || got[0].ConversationID != first.ConversationID {
					t.Fatalf("next message: %+v, %v", got, err)
				}
				return got[0].MessageID
			}},
			{"an email's raw message", func(m media.Media) int64 {
				return f.receive(f.ws, f.ch, `{"email":{"raw_media_id":"`+m.ID+`"}}`).MessageID
			}},
			{"a message sent", func(m media.Media) int64 {
				r := f.receive(f.ws, f.ch, `{}`)
				f.send(f.ws, r.ConversationID, attachment(m))
				return lastMessage(r.ConversationID)
			}},
			{"an attachment fetched from the provider", func(m media.Media) int64 {
				r := f.receive(f.ws, f.ch, `{}`)
				err := d.Write(ctx, func(tx *db.Tx) error {
					return conversation.SetAttachmentTx(ctx, tx, r.MessageID, 0, conversation.InboundAttachment{Type: "image",
						Status: conversation.AttachmentStored, MediaID: m.ID})
				})
				if err != nil {
					t.Fatal(err)
				}
				return r.MessageID
			}},
			{"an edit that adds a file", func(m media.Media) int64 {
				r := f.receive(f.ws, f.ch, `{}`)
				_, err := f.convs.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindEdit, WorkspaceID: f.ws, ChannelID: f.ch,
					ExternalID: fmt.Sprintf("+1415555%04d", f.next), Target: fmt.Sprintf("m-%d", f.next), Text: "now with a file",
					Content: json.RawMessage(attachment(m))}})
				if err != nil {
					t.Fatal(err)
				}
				return r.MessageID
			}},
		} {
			m := f.upload(f.ws)
			id := c.write(m)
			if got, want := linksOf(id), []string{fmt.Sprintf("%s@%d", m.ID, f.ws)}; !slices.Equal(got, want) {
				t.Errorf("%s: links %v, want %v", c.name, got, want)
			}
		}
		if got := linksOf(f.receive(f.ws, f.ch, `{"text":"no file"}`).MessageID); len(got) != 0 {
			t.Errorf("a text message: links %v", got)
		}
		m := f.upload(f.ws)
		def, err := workflow.ParseDefinition([]byte(`{"name": "Welcome", "trigger": {"type": "conversation_opened"},
			"steps": [{"id": "hi", "type": "send_message", "settings": {"text": "Hi",
				"attachments": [{"type": "image", "url": "https://switchboard.example` + m.FetchPath() + `"}]}}]}`))
		if err != nil {
			t.Fatal(err)
		}
		w, err := workflow.NewService(d).Create(ctx, f.ws, def)
		if err != nil {
			t.Fatal(err)
		}
		if got := dbtest.Column[string](t, d, `SELECT media_id FROM workflow_media WHERE workflow_id = ?`, w.ID); !slices.Equal(got, []string{m.ID}) {
			t.Errorf("workflow links %v, want %v", got, []string{m.ID})
		}
	})
}
