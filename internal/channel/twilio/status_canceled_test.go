package twilio

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
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
		const sid = "SM6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a"
		id := channeltest.SentMessage(t, d, f.ws.ID, sid)

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
