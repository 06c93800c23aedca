package telegram

import (
	"context"
	"encoding/json"
	"strings"
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

// A contact who replaces the photo of a message they sent (an
// edited_message with another file) gets the new photo fetched and shown:
// the message's attachment is the new file, pending until it is fetched,
// not the old one kept with a caption that may describe the new one. The
// version it replaces, old photo included, is kept in the message's edits.
func TestMediaEditStoresTheNewFile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		f.deliver(t, "message_photo")
		var messageID int64
		if err := d.Reader().QueryRow(ctx, `SELECT id FROM messages WHERE provider_message_id = ?`, "111222333:1366").Scan(&messageID); err != nil {
			t.Fatal(err)
		}
		// The media fetcher stored the first photo.
		const oldMedia = "0123456789abcdef0123456789abcdef"
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE media_fetches SET state = 'done', media_id = ? WHERE message_id = ?`, oldMedia, messageID); err != nil {
				return err
			}
			return conversation.SetAttachmentTx(ctx, tx, messageID, 0, conversation.InboundAttachment{Type: "image",
				Status: conversation.AttachmentStored, MediaID: oldMedia, ContentType: "image/jpeg", Size: 81563})
		}); err != nil {
			t.Fatal(err)
		}

		edit := `{"update_id":10012,"edited_message":{"message_id":1366,"from":{"id":111222333,"is_bot":false,"first_name":"Ada","last_name":"Lovelace","language_code":"en"},` +
			`"chat":{"id":111222333,"first_name":"Ada","last_name":"Lovelace","type":"private"},"date":1441645540,"edit_date":1441645600,"caption":"the right invoice","photo":[` +
			`{"file_id":"AgACAgQAAxkBAAIBY3-small","file_unique_id":"AQADnewsmall","file_size":1501,"width":90,"height":51},` +
			`{"file_id":"AgACAgQAAxkBAAIBY3-large","file_unique_id":"AQADnewlarge","file_size":90210,"width":800,"height":450}]}}`
		for range 2 { // a redelivery changes nothing more
			if status, out := f.post(t, f.url(f.ch.ID), f.ch.Token, edit); status != 200 {
				t.Fatalf("edit: status %d %v", status, out)
			}
		}

		m, err := f.convs.GetMessage(ctx, access.System(f.ws.ID), messageID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Text != "the right invoice" || len(m.Edits) != 1 || !strings.Contains(string(m.Edits[0].Content), oldMedia) {
			t.Errorf("text %q, edits %+v: want the new caption and the old version kept", m.Text, m.Edits)
		}
		var c struct {
			Attachments []struct {
				Status  string `json:"status"`
				MediaID string `json:"media_id"`
				Size    int64  `json:"size"`
			} `json:"attachments"`
		}
		if err := json.Unmarshal(m.Content, &c); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(m.Content), oldMedia) || len(c.Attachments) != 1 || c.Attachments[0].Status != conversation.AttachmentPending ||
			c.Attachments[0].Size != 90210 {
			t.Errorf("after the photo was replaced the message's content is %s, want the new photo pending", m.Content)
		}
		var ref, state string
		if err := d.Reader().QueryRow(ctx, `SELECT ref, state FROM media_fetches WHERE message_id = ? AND position = 0`, messageID).Scan(&ref, &state); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ref, "AgACAgQAAxkBAAIBY3-large") || state != "pending" {
			t.Errorf("the fetch of position 0 is %s (%s), want the new photo's, pending", ref, state)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM media_fetches`); n != 1 {
			t.Errorf("%d media fetches, want the new photo's alone", n)
		}
	})
}
