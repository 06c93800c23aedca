package conversation

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A watermark status reaches every message sent to the contact on the
// channel whose send was recorded up to the watermark and that is below
// the status; later sends, other contacts' messages, pending ones and
// those already further along are left alone. It is read from the store,
// so it does not matter which node sent them.
func TestWatermarkStatuses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		sys := access.System(f.ws.ID)
		ann, bob := f.openOne(t, "ann"), f.openOne(t, "bob")
		send := func(conv int64, text string, status string) Message {
			t.Helper()
			m, err := f.svc.Send(ctx, sys, conv, SendInput{Text: text, Sender: SourceAPI})
			if err != nil {
				t.Fatal(err)
			}
			if status != MsgPending {
				if err := d.Write(ctx, func(tx *db.Tx) error { _, err := SetStatusTx(ctx, tx, m.ID, status, ""); return err }); err != nil {
					t.Fatal(err)
				}
			}
			f.clock.Advance(time.Second)
			return m
		}
		first, second := send(ann.ConversationID, "one", MsgSent), send(ann.ConversationID, "two", MsgSent)
		read := send(ann.ConversationID, "already read", MsgRead)
		other := send(bob.ConversationID, "bob's", MsgSent)
		mark := f.clock.Now()
		pending := send(ann.ConversationID, "not sent yet", MsgPending)
		late := send(ann.ConversationID, "sent after the mark", MsgSent)

		status := func(id int64) string {
			t.Helper()
			m, err := f.svc.GetMessage(ctx, sys, id)
			if err != nil {
				t.Fatal(err)
			}
			return m.Status
		}
		watermark := func(status string, at time.Time) Received {
			t.Helper()
			got, err := f.svc.Receive(ctx, []Inbound{{Kind: KindStatus, WorkspaceID: f.ws.ID, ChannelID: f.channel.ID,
				ExternalID: "ann", Status: status, Watermark: at}})
			if err != nil {
				t.Fatal(err)
			}
			return got[0]
		}
		if got := watermark(MsgDelivered, mark); got.MessageID != second.ID || got.ConversationID != ann.ConversationID || got.Ignored != "" {
			t.Errorf("delivered up to the mark: %+v", got)
		}
		want := map[int64]string{first.ID: MsgDelivered, second.ID: MsgDelivered, read.ID: MsgRead, other.ID: MsgSent,
			pending.ID: MsgPending, late.ID: MsgSent}
		for id, w := range want {
			if got := status(id); got != w {
				t.Errorf("message %d after the delivery watermark: %s, want %s", id, got, w)
			}
		}
		if got := watermark(MsgDelivered, mark); got.Ignored == "" {
			t.Errorf("the same watermark again changed something: %+v", got)
		}
		// A read watermark covers the delivered ones and the sent ones.
		watermark(MsgRead, f.clock.Now())
		for _, id := range []int64{first.ID, second.ID, late.ID} {
			if got := status(id); got != MsgRead {
				t.Errorf("message %d after the read watermark: %s", id, got)
			}
		}
		if status(pending.ID) != MsgPending || status(other.ID) != MsgSent {
			t.Error("the read watermark reached a pending message or another contact's")
		}
		// A contact the channel does not know: nothing, and no error.
		got, err := f.svc.Receive(ctx, []Inbound{{Kind: KindStatus, WorkspaceID: f.ws.ID, ChannelID: f.channel.ID,
			ExternalID: "nobody", Status: MsgRead, Watermark: mark}})
		if err != nil || got[0].Ignored == "" {
			t.Errorf("unknown contact: %+v %v", got, err)
		}
	})
}
