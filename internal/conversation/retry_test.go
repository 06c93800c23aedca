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

// A message the provider accepted and later reported failed (a status
// webhook: WhatsApp's undeliverable, Twilio's undelivered, a custom
// channel's message_status) is failed with the provider's reason like one
// whose delivery failed for good, and the inbox offers Retry beside it:
// it is sent again, whole, not refused for having no failed delivery job.
func TestRetryMessageTheProviderReportedFailed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		sys := access.System(f.ws.ID)
		rs, err := f.svc.Receive(ctx, []Inbound{f.inbound("+33600000001", "in-1", "hello")})
		if err != nil {
			t.Fatal(err)
		}
		m, err := f.svc.Send(ctx, sys, rs[0].ConversationID, SendInput{Text: "hi", Sender: SourceUser})
		if err != nil {
			t.Fatal(err)
		}
		// What the dispatcher records when the provider takes the message
		// (its parts delivered), then what a failed status report does.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE outbound_jobs SET state = 'done', attempts = 1, parts = '["p-1"]' WHERE message_id = ?`, m.ID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE messages SET provider_message_id = 'p-1' WHERE id = ?`, m.ID); err != nil {
				return err
			}
			if _, err := SetStatusTx(ctx, tx, m.ID, MsgSent, ""); err != nil {
				return err
			}
			_, err := SetStatusTx(ctx, tx, m.ID, MsgFailed, "131026: message undeliverable")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Retry(ctx, sys, m.ID)
		if err != nil {
			t.Fatalf("retrying a message the provider reported failed: %v", err)
		}
		if got.Status != MsgPending || got.FailureReason != "" {
			t.Errorf("after retry: status %q reason %q, want pending and no reason", got.Status, got.FailureReason)
		}
		var state, parts string
		var attempts int
		if err := d.Reader().QueryRow(ctx, `SELECT state, attempts, parts FROM outbound_jobs WHERE message_id = ?`, m.ID).Scan(&state, &attempts, &parts); err != nil {
			t.Fatal(err)
		}
		// Its parts were all delivered, and all failed with it: kept, the
		// next attempt would skip every one and send nothing.
		if state != "pending" || attempts != 0 || parts != "" {
			t.Errorf("job %s after %d attempts, parts %q; want pending, 0, none", state, attempts, parts)
		}
		// Nor does it keep the failed send's provider id: the echo of the
		// new send is matched to a pending message without one (else it
		// is stored as a second message), and a late report of the old
		// send must not move the new one.
		if got.ProviderMessageID != "" {
			t.Errorf("after retry the message keeps the failed send's provider id %q", got.ProviderMessageID)
		}
		echo := f.inbound("+33600000001", "p-2", "hi")
		echo.Kind = KindEcho
		rs, err = f.svc.Receive(ctx, []Inbound{echo})
		if err != nil {
			t.Fatal(err)
		}
		if !rs[0].Duplicate || rs[0].MessageID != m.ID {
			t.Errorf("the new send's echo is %+v, want the retried message %d", rs[0], m.ID)
		}
	})
}
