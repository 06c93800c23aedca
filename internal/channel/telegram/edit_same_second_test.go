package telegram

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Two edits of one message within a second (Telegram's edit_date counts
// seconds) are two edits: the message ends with the second's text. A
// redelivery of an edit (the same update) is still stored once.
func TestTwoEditsInOneSecond(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		f.deliver(t, "message_text")
		edit := func(updateID int, text string) string {
			return fmt.Sprintf(`{"update_id":%d,"edited_message":{"message_id":1365,"from":{"id":111222333,"is_bot":false,"first_name":"Ada"},`+
				`"chat":{"id":111222333,"first_name":"Ada","type":"private"},"date":1441645532,"edit_date":1441645700,"text":%q}}`, updateID, text)
		}
		for _, body := range []string{edit(10020, "I need help with my invoce"), edit(10021, "I need help with my invoice"), edit(10021, "I need help with my invoice")} {
			if status, out := f.post(t, f.url(f.ch.ID), f.ch.Token, body); status != 200 {
				t.Fatalf("edit: status %d %v", status, out)
			}
		}
		var text string
		if err := d.Reader().QueryRow(ctx, `SELECT text FROM messages WHERE provider_message_id = ?`, "111222333:1365").Scan(&text); err != nil {
			t.Fatal(err)
		}
		if text != "I need help with my invoice" {
			t.Errorf("after two edits in one second the message reads %q; want the second edit's text", text)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'message.edited'`); n != 2 {
			t.Errorf("%d message.edited events for two edits (one redelivered); want 2", n)
		}
	})
}
