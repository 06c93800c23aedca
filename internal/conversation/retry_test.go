package conversation

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A failed message goes back to the queue, pending, once; anything else
// is refused with a conflict and changes nothing.
func TestRetryFailedMessage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		sys := access.System(f.ws.ID)
		rs, err := f.svc.Receive(ctx, []Inbound{f.inbound("+33600000001", "in-1", "hello")})
		if err != nil {
			t.Fatal(err)
		}
		conv := rs[0].ConversationID
		m, err := f.svc.Send(ctx, sys, conv, SendInput{Text: "hi", Sender: SourceUser})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Retry(ctx, sys, m.ID); apperr.KindOf(err) != apperr.KindConflict {
			t.Fatalf("retrying a pending message: %v, want a conflict", err)
		}
		// What the dispatcher records when a delivery fails for good.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE outbound_jobs SET state = 'failed', attempts = 3, last_error = 'bad number' WHERE message_id = ?`, m.ID); err != nil {
				return err
			}
			_, err := SetStatusTx(ctx, tx, m.ID, MsgFailed, "bad number")
			return err
		}); err != nil {
			t.Fatal(err)
		}

		got, err := f.svc.Retry(ctx, sys, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != MsgPending || got.FailureReason != "" {
			t.Errorf("after retry: status %q reason %q, want pending and no reason", got.Status, got.FailureReason)
		}
		if n := len(got.History); n < 3 || got.History[n-1].Status != MsgPending || got.History[n-1].Reason != "retried" {
			t.Errorf("history %+v: want it to end with pending (retried)", got.History)
		}
		var state string
		var attempts int
		if err := d.Reader().QueryRow(ctx, `SELECT state, attempts FROM outbound_jobs WHERE message_id = ?`, m.ID).Scan(&state, &attempts); err != nil {
			t.Fatal(err)
		}
		if state != "pending" || attempts != 0 {
			t.Errorf("job %s after %d attempts; want pending, 0", state, attempts)
		}
		if _, err := f.svc.Retry(ctx, sys, m.ID); apperr.KindOf(err) != apperr.KindConflict {
			t.Errorf("retrying twice: %v, want a conflict", err)
		}
		if _, err := f.svc.Retry(ctx, access.System(f.ws.ID+1), m.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("another workspace's message: %v, want not found", err)
		}
	})
}
