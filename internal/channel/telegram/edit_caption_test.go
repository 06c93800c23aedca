package telegram

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A contact who edits the caption of a photo they sent changes the
// message's text; the photo, already fetched into the media store, stays
// the message's attachment (the inbox keeps showing it).
func TestCaptionEditKeepsTheStoredPhoto(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		out := f.deliver(t, "message_photo")
		results, _ := out["results"].([]any)
		var messageID int64
		if len(results) == 1 {
			if r, ok := results[0].(map[string]any); ok {
				id, _ := r["message_id"].(float64)
				messageID = int64(id)
			}
		}
		if messageID == 0 {
			// The answer does not name it: find it by its provider id.
			if err := d.Reader().QueryRow(ctx, `SELECT id FROM messages WHERE provider_message_id = ?`, "111222333:1366").Scan(&messageID); err != nil {
				t.Fatal(err)
			}
		}
		// The media fetcher stored the photo.
		const mediaID = "0123456789abcdef0123456789abcdef"
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return conversation.SetAttachmentTx(ctx, tx, messageID, 0, conversation.InboundAttachment{Type: "image",
				Status: conversation.AttachmentStored, MediaID: mediaID, ContentType: "image/jpeg", Size: 81563})
		}); err != nil {
			t.Fatal(err)
		}

		edit := `{"update_id":10011,"edited_message":{"message_id":1366,"from":{"id":111222333,"is_bot":false,"first_name":"Ada","last_name":"Lovelace","language_code":"en"},` +
			`"chat":{"id":111222333,"first_name":"Ada","last_name":"Lovelace","type":"private"},"date":1441645540,"edit_date":1441645600,"caption":"my invoice for March","photo":[` +
			`{"file_id":"AgACAgQAAxkBAAIBX2-small","file_unique_id":"AQADsmall","file_size":1465,"width":90,"height":51},` +
			`{"file_id":"AgACAgQAAxkBAAIBX2-large","file_unique_id":"AQADlarge","file_size":81563,"width":800,"height":450}]}}`
		if status, out := f.post(t, f.url(f.ch.ID), f.ch.Token, edit); status != 200 {
			t.Fatalf("edit: status %d %v", status, out)
		}

		m, err := f.convs.GetMessage(ctx, access.System(f.ws.ID), messageID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Text != "my invoice for March" {
			t.Errorf("text = %q, want the edited caption", m.Text)
		}
		var c struct {
			Attachment *struct {
				MediaID string `json:"media_id"`
			} `json:"attachment"`
			Attachments []struct {
				Status  string `json:"status"`
				MediaID string `json:"media_id"`
			} `json:"attachments"`
		}
		if err := json.Unmarshal(m.Content, &c); err != nil {
			t.Fatal(err)
		}
		if c.Attachment == nil || c.Attachment.MediaID != mediaID || len(c.Attachments) != 1 || c.Attachments[0].MediaID != mediaID {
			t.Errorf("after the caption's edit the stored photo is gone from the message: content %s", m.Content)
		}
	})
}
