package telegram

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Telegram does not promise updates in order: an edit delivered before
// its message is stored as that message, in its edited version (marked
// edited), so the contact's words are not lost; the original arriving
// later is then a redelivery of it, stored once, and does not bring the
// earlier text back. The edit delivered again changes nothing either.
func TestEditBeforeItsMessageIsStoredAsTheMessage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		f.deliver(t, "edited_message")
		f.deliver(t, "edited_message")
		f.deliver(t, "message_text")
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`); n != 1 {
			t.Fatalf("%d messages stored, want the one", n)
		}
		var text, direction string
		var editedAt int64
		if err := d.Reader().QueryRow(ctx, `SELECT text, direction, edited_at FROM messages WHERE provider_message_id = ?`, "111222333:1365").
			Scan(&text, &direction, &editedAt); err != nil {
			t.Fatal(err)
		}
		if text != "Hello, I need help with my invoice" || direction != "in" || editedAt == 0 {
			t.Errorf("the message reads %q (%s, edited_at %d); want the edited text, from the contact, marked edited", text, direction, editedAt)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations`); n != 1 {
			t.Errorf("%d conversations, want 1", n)
		}
	})
}
