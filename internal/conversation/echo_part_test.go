package conversation

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A message sent in several parts (Instagram's text, then each file: one
// Send API call each) is one message of ours, which holds the last part's
// id; the provider echoes every part. The echo of an earlier part, whose
// id the dispatcher keeps with the message's job (channel.PartLog), is
// that message's too: it was stored as the business writing from
// elsewhere, so agents saw the text twice.
func TestEchoOfAnEarlierPartIsOurs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		m := f.replyInNew(t, "+14155550123", "Here is the invoice")
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE outbound_jobs SET parts = ? WHERE message_id = ?`, `["aWdfZAB_text.part%1"]`, m.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := f.recordSend(ctx, m, "aWdfZAB_file.part"); err != nil {
			t.Fatal(err)
		}
		for _, echo := range []Inbound{
			f.echo("+14155550123", "aWdfZAB_text.part%1", "Here is the invoice"),
			f.echo("+14155550123", "aWdfZAB_file.part", ""),
		} {
			if r := f.receiveOne(t, echo); !r.Duplicate || r.MessageID != m.ID {
				t.Errorf("echo %s: %+v, want the duplicate of message %d", echo.ProviderMessageID, r, m.ID)
			}
		}
		// An id that only looks like a part's is no echo of it.
		if r := f.receiveOne(t, f.echo("+14155550123", "aWdfZAB_text", "typed on the phone")); r.Duplicate {
			t.Errorf("an echo whose id merely starts like a part's was taken for it: %+v", r)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE direction = 'out'`); n != 2 {
			t.Errorf("%d outbound messages, want ours and the one typed on the phone", n)
		}
	})
}
