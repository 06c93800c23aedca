package twilio

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A message Twilio reports canceled fails with a reason that says so, as
// undelivered and failed ones do: not with no reason, nor with the
// segment note alone (which would read as if it had been sent).
func TestCanceledStatusSaysWhy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "")
		ctx := context.Background()
		f.deliver(t, f.path(""), fixtureForm(t, "sms.form"))
		var convID int64
		if err := d.Reader().QueryRow(ctx, `SELECT id FROM conversations`).Scan(&convID); err != nil {
			t.Fatal(err)
		}
		const sid = "SM6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a"
		var id int64
		if err := d.Write(ctx, func(tx *db.Tx) error {
			m, err := conversation.SendTx(ctx, tx, f.ws.ID, convID, conversation.SendInput{Text: "Hi", Sender: conversation.SourceWorkflow})
			if err != nil {
				return err
			}
			id = m.ID
			if _, err := tx.Exec(ctx, `UPDATE messages SET provider_message_id = ? WHERE id = ?`, sid, m.ID); err != nil {
				return err
			}
			_, err = conversation.SetStatusTx(ctx, tx, m.ID, conversation.MsgSent, "")
			return err
		}); err != nil {
			t.Fatal(err)
		}

		form := fixtureForm(t, "status_queued.form")
		form.Set("MessageSid", sid)
		form.Set("SmsSid", sid)
		form.Set("MessageStatus", "canceled")
		form.Set("SmsStatus", "canceled")
		f.deliver(t, f.path("/status")+"?encoding=GSM-7&segments=1", form)

		var status, reason string
		if err := d.Reader().QueryRow(ctx, `SELECT status, failure_reason FROM messages WHERE id = ?`, id).Scan(&status, &reason); err != nil {
			t.Fatal(err)
		}
		if want := "Twilio reported the message canceled; sent as 1 SMS segment (GSM-7)"; status != conversation.MsgFailed || reason != want {
			t.Errorf("canceled: %s %q, want failed %q", status, reason, want)
		}
	})
}
