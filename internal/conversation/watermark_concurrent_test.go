package conversation

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
)

// watermark is the contact external's report that every message sent to
// it up to now reached status.
func (f *fixture) watermark(external, status string) Inbound {
	return Inbound{Kind: KindStatus, WorkspaceID: f.ws.ID, ChannelID: f.channel.ID, ExternalID: external, Status: status, Watermark: f.clock.Now()}
}

// TestWatermarkRunsBesideOtherWrites: on PostgreSQL a watermark (every
// message sent to a contact up to a time reached a status, as Messenger
// reports reads) goes through the concurrent door: another node's
// concurrent writes, held open here, must not hold it back.
func TestWatermarkRunsBesideOtherWrites(t *testing.T) {
	f, raw := pgFixture(t)
	ctx := context.Background()
	m := f.sentWithProviderID(t, "+14155550198", "mid.198")
	if err := f.recordSend(ctx, m, "mid.198"); err != nil {
		t.Fatal(err)
	}

	f.receiveBesideOtherWrites(t, raw, "a watermark", f.watermark("+14155550198", MsgRead))
	if got := f.message(t, m.ID); got.Status != MsgRead {
		t.Fatalf("message is %s after the watermark, want read", got.Status)
	}
}

// TestWatermarksReportsAndMessagesHammered: on PostgreSQL, round after
// round, each of several contacts gets two replies, recorded sent; then
// a delivered and a read watermark, each reply's own delivered report,
// and a new message of the contact all race. Every reply ends read, and
// no write deadlocked: a watermark takes each message's conversation
// before the message, as every other writer does.
func TestWatermarksReportsAndMessagesHammered(t *testing.T) {
	f, _ := pgFixture(t)
	ctx := context.Background()
	const rounds = 8
	externals, convs := f.hammerContacts(t, 4, 400)
	var sent []Message
	for round := range rounds {
		r := hammerRound{f: f}
		for i, conv := range convs {
			for range 2 {
				m, err := f.svc.Send(ctx, access.System(f.ws.ID), conv, SendInput{Text: "reply", Sender: SourceAPI})
				if err != nil {
					t.Fatal(err)
				}
				pid := fmt.Sprintf("mid.%d", m.ID)
				if err := f.recordSend(ctx, m, pid); err != nil {
					t.Fatal(err)
				}
				sent = append(sent, m)
				r.receive(f.statusReport(pid, MsgDelivered))
			}
			r.receive(f.watermark(externals[i], MsgDelivered))
			r.receive(f.watermark(externals[i], MsgRead))
			r.receive(f.inbound(externals[i], fmt.Sprintf("in-%d-%d", round, i), "more"))
		}
		r.run(t)
	}
	for _, m := range sent {
		if got := f.message(t, m.ID); got.Status != MsgRead {
			t.Errorf("reply %d ended %s, want read", m.ID, got.Status)
		}
	}
	if n := f.db.Deadlocks(); n != 0 {
		t.Fatalf("%d writes deadlocked", n)
	}
}
