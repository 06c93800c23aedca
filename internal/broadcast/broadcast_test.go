package broadcast_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/broadcast"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestSendToAnAudience: a broadcast sent now goes, once each, to the
// contacts its filter keeps on its channel — past a batch's size, leaving
// out the blocked, the untagged and those of another channel — as
// messages in no conversation queued for delivery, each with a
// message.sent naming the broadcast; a contact who answers counts as
// replied.
func TestSendToAnAudience(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, broadcast.Options{})
		w.start(t)
		ids := w.writers(t, w.ch, 230)
		other := w.writers(t, w.channel(t, "other"), 5)
		vip := map[int64]bool{}
		for i, id := range append(ids, other...) {
			if i%2 == 0 {
				if err := w.contacts.SetTag(ctx, w.owner, id, "vip", true); err != nil {
					t.Fatal(err)
				}
				vip[id] = true
			}
		}
		if _, err := w.contacts.Block(ctx, w.owner, ids[0], true); err != nil {
			t.Fatal(err)
		}
		want := map[int64]bool{}
		for _, id := range ids[1:] {
			if vip[id] {
				want[id] = true
			}
		}
		b := w.create(t, "Spring sale", w.ch, broadcast.Audience{Tag: "vip"}, broadcast.Message{Type: "text", Text: "20% off this week"})
		if b.Status != broadcast.StatusDraft || b.Stats.Recipients != 0 {
			t.Fatalf("created: %+v", b)
		}
		n, err := w.bc.Estimate(ctx, w.owner, w.ch, broadcast.Audience{Tag: "vip"})
		if err != nil || n != len(want) {
			t.Fatalf("estimate = %d, %v; want %d", n, err, len(want))
		}
		if b, err = w.bc.Send(ctx, w.owner, b.ID, time.Time{}); err != nil || b.Status != broadcast.StatusSending {
			t.Fatalf("send: %+v, %v", b, err)
		}
		backgroundtest.WaitIdle(t, w.g)
		b = w.get(t, b.ID)
		if b.Status != broadcast.StatusSent || b.StartedAt.IsZero() || b.FinishedAt.IsZero() {
			t.Fatalf("after sending: %+v", b)
		}
		if b.Stats != (broadcast.Stats{Recipients: len(want), Pending: len(want)}) {
			t.Fatalf("stats = %+v; want %d pending", b.Stats, len(want))
		}
		rs, err := w.bc.Recipients(ctx, w.owner, b.ID, "", 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if !want[r.ContactID] || r.Status != conversation.MsgPending || r.MessageID == 0 {
				t.Errorf("recipient %+v not wanted", r)
			}
			delete(want, r.ContactID)
		}
		if len(want) != 0 {
			t.Errorf("%d contacts not reached", len(want))
		}
		if got := w.count(t, `SELECT COUNT(*) FROM messages WHERE direction = 'out' AND conversation_id IS NULL AND text = '20% off this week'`); got != len(rs) {
			t.Errorf("%d messages in no conversation, want %d", got, len(rs))
		}
		if got := w.count(t, `SELECT COUNT(*) FROM outbound_jobs j JOIN broadcast_recipients r ON r.message_id = j.message_id`); got != len(rs) {
			t.Errorf("%d delivery jobs, want %d", got, len(rs))
		}
		var payload string
		if err := d.Reader().QueryRow(ctx, `SELECT payload FROM events WHERE type = 'message.sent' AND contact_id = ? AND conversation_id IS NULL`,
			rs[0].ContactID).Scan(&payload); err != nil {
			t.Fatal(err)
		}
		var p struct {
			BroadcastID int64 `json:"broadcast_id"`
			MessageID   int64 `json:"message_id"`
		}
		if json.Unmarshal([]byte(payload), &p) != nil || p.BroadcastID != b.ID || p.MessageID != rs[0].MessageID {
			t.Errorf("message.sent payload %s", payload)
		}

		got, err := w.bc.ForContact(ctx, w.owner, rs[0].ContactID, 10)
		if err != nil || len(got) != 1 || got[0].BroadcastID != b.ID || got[0].Name != "Spring sale" || got[0].Text != "20% off this week" {
			t.Errorf("the contact's broadcasts: %+v, %v", got, err)
		}
		// An answer, and a delivery receipt.
		w.write(t, w.ch, "ext-1-2", "reply-1") // contact 2 is a vip: ids[2]
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := conversation.SetStatusTx(ctx, tx, rs[1].MessageID, conversation.MsgDelivered, "")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		b = w.get(t, b.ID)
		if b.Stats.Replied != 1 || b.Stats.Delivered != 1 || b.Stats.Pending != len(rs)-1 {
			t.Errorf("stats after an answer and a receipt: %+v", b.Stats)
		}
		replied, err := w.bc.Recipients(ctx, w.owner, b.ID, "replied", 0, 10)
		if err != nil || len(replied) != 1 || replied[0].ContactID != ids[2] || !replied[0].Replied || replied[0].RepliedAt.IsZero() {
			t.Errorf("replied = %+v, %v", replied, err)
		}
		// Paged by contact id.
		page, err := w.bc.Recipients(ctx, w.owner, b.ID, "", rs[9].ContactID, 10)
		if err != nil || len(page) != 10 || page[0].ContactID != rs[10].ContactID {
			t.Errorf("second page starts at %+v, %v", page, err)
		}
		// A recipient merged into a contact it did not reach: the kept
		// contact counts, with the message.
		if _, err := w.contacts.Merge(ctx, w.owner, ids[1], contact.MergeInput{From: rs[3].ContactID}); err != nil {
			t.Fatal(err)
		}
		if after := w.get(t, b.ID); after.Stats != b.Stats {
			t.Errorf("stats after a merge %+v, want %+v", after.Stats, b.Stats)
		}
		moved, err := w.bc.Recipients(ctx, w.owner, b.ID, "", ids[1]-1, 1)
		if err != nil || len(moved) != 1 || moved[0].ContactID != ids[1] || moved[0].MessageID != rs[3].MessageID {
			t.Errorf("the kept contact's row: %+v, %v", moved, err)
		}
	})
}

// TestScheduled: a scheduled broadcast sends nothing before its time and
// everything at it; cancelled before, it is a draft again.
func TestScheduled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, broadcast.Options{})
		w.start(t)
		w.writers(t, w.ch, 3)
		b := w.create(t, "Tomorrow", w.ch, broadcast.Audience{}, broadcast.Message{Type: "text", Text: "See you"})
		at := w.clk.Now().Add(time.Hour)
		b, err := w.bc.Send(ctx, w.owner, b.ID, at)
		if err != nil || b.Status != broadcast.StatusScheduled || !b.ScheduledAt.Equal(at) {
			t.Fatalf("scheduled: %+v, %v", b, err)
		}
		backgroundtest.WaitIdle(t, w.g)
		if b = w.get(t, b.ID); b.Stats.Recipients != 0 || b.Status != broadcast.StatusScheduled {
			t.Fatalf("before its time: %+v", b)
		}
		w.clk.Advance(time.Hour)
		backgroundtest.WaitIdle(t, w.g)
		if b = w.get(t, b.ID); b.Stats.Recipients != 3 || b.Status != broadcast.StatusSent {
			t.Fatalf("at its time: %+v", b)
		}

		c := w.create(t, "Later", w.ch, broadcast.Audience{}, broadcast.Message{Type: "text", Text: "Later"})
		if _, err := w.bc.Send(ctx, w.owner, c.ID, w.clk.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if c, err = w.bc.Cancel(ctx, w.owner, c.ID); err != nil || c.Status != broadcast.StatusDraft || !c.ScheduledAt.IsZero() {
			t.Fatalf("cancelled: %+v, %v", c, err)
		}
		w.clk.Advance(2 * time.Hour)
		backgroundtest.WaitIdle(t, w.g)
		if c = w.get(t, c.ID); c.Stats.Recipients != 0 {
			t.Fatalf("a cancelled schedule sent: %+v", c)
		}
	})
}

// fixedWindow is a channel whose customer-service window is always this.
type fixedWindow conversation.Window

func (w fixedWindow) WindowOf(context.Context, int64) (conversation.Window, error) {
	return conversation.Window(w), nil
}

// TestWindowSkips: on a channel with a 24-hour window a text goes to
// those who wrote within it; the others are skipped, saying why.
func TestWindowSkips(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, broadcast.Options{Windows: fixedWindow{Seconds: 24 * 3600, Rule: conversation.MessageTypeTemplate}})
		w.start(t)
		old := w.writers(t, w.ch, 2)
		w.clk.Advance(25 * time.Hour)
		w.write(t, w.ch, "ext-1-1", "again") // old[1] wrote again: inside
		b := w.create(t, "Window", w.ch, broadcast.Audience{}, broadcast.Message{Type: "text", Text: "Hi"})
		if _, err := w.bc.Send(ctx, w.owner, b.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		backgroundtest.WaitIdle(t, w.g)
		b = w.get(t, b.ID)
		if b.Stats.Recipients != 2 || b.Stats.Skipped != 1 || b.Stats.Pending != 1 {
			t.Fatalf("stats = %+v", b.Stats)
		}
		skipped, err := w.bc.Recipients(ctx, w.owner, b.ID, broadcast.RecipientSkipped, 0, 10)
		if err != nil || len(skipped) != 1 || skipped[0].ContactID != old[0] || skipped[0].Reason == "" || skipped[0].MessageID != 0 {
			t.Fatalf("skipped = %+v, %v", skipped, err)
		}
	})
}

// TestRefusals: what cannot be sent is refused with the error's kind, and
// changes nothing; the node's sending starts at the end, so the broadcast
// stays "sending" meanwhile.
func TestRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, broadcast.Options{})
		w.writers(t, w.ch, 1)
		name, empty, long := "ok", " ", string(make([]rune, broadcast.MaxNameLen+1))
		text := broadcast.Message{Type: "text", Text: "hi"}
		for _, c := range []struct {
			name string
			in   broadcast.Input
			kind apperr.Kind
		}{
			{"no name", broadcast.Input{Name: &empty, ChannelID: &w.ch, Message: &text}, apperr.KindInvalid},
			{"long name", broadcast.Input{Name: &long, ChannelID: &w.ch, Message: &text}, apperr.KindInvalid},
			{"no channel", broadcast.Input{Name: &name, ChannelID: ptr(int64(9999)), Message: &text}, apperr.KindInvalid},
			{"no message", broadcast.Input{Name: &name, ChannelID: &w.ch}, apperr.KindInvalid},
			{"empty text", broadcast.Input{Name: &name, ChannelID: &w.ch, Message: &broadcast.Message{Type: "text"}}, apperr.KindInvalid},
			{"other type", broadcast.Input{Name: &name, ChannelID: &w.ch, Message: &broadcast.Message{Type: "location", Text: "x"}}, apperr.KindInvalid},
			{"template without content", broadcast.Input{Name: &name, ChannelID: &w.ch, Message: &broadcast.Message{Type: "template"}}, apperr.KindInvalid},
			{"bad field filter", broadcast.Input{Name: &name, ChannelID: &w.ch, Message: &text, Audience: &broadcast.Audience{Field: "nokey"}}, apperr.KindInvalid},
		} {
			if _, err := w.bc.Create(ctx, w.owner, c.in); apperr.KindOf(err) != c.kind {
				t.Errorf("%s: %v, want %s", c.name, err, c.kind)
			}
		}
		if n := w.count(t, `SELECT COUNT(*) FROM broadcasts`); n != 0 {
			t.Fatalf("%d broadcasts stored by refusals", n)
		}
		b := w.create(t, "Once", w.ch, broadcast.Audience{}, text)
		if _, err := w.bc.Send(ctx, w.owner, b.ID, w.clk.Now().Add(400*24*time.Hour)); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("scheduled past a year: %v", err)
		}
		if _, err := w.bc.Cancel(ctx, w.owner, b.ID); apperr.KindOf(err) != apperr.KindConflict {
			t.Errorf("cancel a draft: %v", err)
		}
		if _, err := w.bc.Send(ctx, w.owner, b.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.bc.Update(ctx, w.owner, b.ID, broadcast.Input{Name: &name}); apperr.KindOf(err) != apperr.KindConflict {
			t.Errorf("update while sending: %v", err)
		}
		if err := w.bc.Delete(ctx, w.owner, b.ID); apperr.KindOf(err) != apperr.KindConflict {
			t.Errorf("delete while sending: %v", err)
		}
		if _, err := w.bc.Send(ctx, w.owner, b.ID, time.Time{}); apperr.KindOf(err) != apperr.KindConflict {
			t.Errorf("send twice: %v", err)
		}
		if _, err := w.bc.Recipients(ctx, w.owner, b.ID, "opened", 0, 10); apperr.KindOf(err) != apperr.KindBadRequest {
			t.Errorf("unknown status: %v", err)
		}
		stranger := w.owner
		stranger.WorkspaceID++
		if _, err := w.bc.Get(ctx, stranger, b.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("another workspace's: %v", err)
		}
		w.start(t) // the sending, held back until now
		backgroundtest.WaitIdle(t, w.g)
		if err := w.bc.Delete(ctx, w.owner, b.ID); err != nil {
			t.Fatalf("delete once sent: %v", err)
		}
		if n := w.count(t, `SELECT COUNT(*) FROM messages WHERE direction = 'out'`); n != 1 {
			t.Errorf("%d messages after the delete, want the one sent", n)
		}
	})
}
