package conversation

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func (f *fixture) receiveOne(t *testing.T, in Inbound) Received {
	t.Helper()
	r, err := f.svc.Receive(context.Background(), []Inbound{in})
	if err != nil {
		t.Fatalf("receive %s: %v", in.Kind, err)
	}
	return r[0]
}

func (f *fixture) message(t *testing.T, id int64) Message {
	t.Helper()
	m, err := f.svc.GetMessage(context.Background(), access.Principal{WorkspaceID: f.ws.ID, Role: "owner"}, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A reaction lands on the message it names: the latest wins, the same one
// again changes nothing, "" takes it back, an older one arriving late is
// ignored, and one to a message never stored is ignored with a reason.
func TestReactionsAreStoredOnTheirMessage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		msg := f.receiveOne(t, f.inbound("+1555", "wamid.1", "hello"))
		base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		react := func(emoji, id string, at time.Time) Received {
			in := f.inbound("+1555", id, emoji)
			in.Kind, in.Target, in.Timestamp = KindReaction, "wamid.1", at
			return f.receiveOne(t, in)
		}
		if r := react("👍", "r1", base.Add(time.Minute)); r.MessageID != msg.MessageID || r.Ignored != "" || r.Duplicate {
			t.Fatalf("first reaction: %+v", r)
		}
		if got := f.message(t, msg.MessageID).Reaction; got != "👍" {
			t.Fatalf("reaction = %q", got)
		}
		if r := react("👍", "r1", base.Add(time.Minute)); !r.Duplicate {
			t.Errorf("redelivery: %+v, want a duplicate", r)
		}
		react("❤️", "r2", base.Add(3*time.Minute))
		if r := react("😮", "r3", base.Add(2*time.Minute)); r.Ignored == "" {
			t.Errorf("an older reaction: %+v, want ignored", r)
		}
		if got := f.message(t, msg.MessageID).Reaction; got != "❤️" {
			t.Fatalf("reaction = %q, want the latest", got)
		}
		react("", "r4", base.Add(4*time.Minute))
		if got := f.message(t, msg.MessageID).Reaction; got != "" {
			t.Fatalf("reaction = %q after removal", got)
		}
		in := f.inbound("+1555", "r5", "👍")
		in.Kind, in.Target = KindReaction, "wamid.unknown"
		if r := f.receiveOne(t, in); r.Ignored == "" || r.MessageID != 0 {
			t.Errorf("reaction to an unknown message: %+v", r)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'message.reaction'`); n != 3 {
			t.Errorf("message.reaction events = %d, want 3", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`); n != 1 {
			t.Errorf("messages = %d: a reaction is no message", n)
		}
	})
}

// An edit replaces the message's text and keeps the version it replaced;
// a redelivered edit changes nothing.
func TestEditsKeepEarlierVersions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		msg := f.receiveOne(t, f.inbound("+1555", "m1", "helo"))
		edit := func(id, text string) Received {
			in := f.inbound("+1555", id, text)
			in.Kind, in.Target = KindEdit, "m1"
			in.Content = json.RawMessage(`{"text":"` + text + `"}`)
			return f.receiveOne(t, in)
		}
		f.clock.Advance(time.Minute)
		if r := edit("e1", "hello"); r.MessageID != msg.MessageID || r.Duplicate || r.Ignored != "" {
			t.Fatalf("edit: %+v", r)
		}
		if r := edit("e1", "hello"); !r.Duplicate {
			t.Errorf("redelivered edit: %+v", r)
		}
		f.clock.Advance(time.Minute)
		edit("e2", "hello there")
		m := f.message(t, msg.MessageID)
		if m.Text != "hello there" || m.EditedAt.IsZero() || len(m.Edits) != 2 || m.Edits[0].Text != "helo" || m.Edits[1].Text != "hello" {
			t.Fatalf("edited message: text %q edited_at %v edits %+v", m.Text, m.EditedAt, m.Edits)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'message.edited'`); n != 2 {
			t.Errorf("message.edited events = %d, want 2", n)
		}
		in := f.inbound("+1555", "e3", "x")
		in.Kind, in.Target = KindEdit, "nope"
		if r := f.receiveOne(t, in); r.Ignored == "" {
			t.Errorf("edit of an unknown message: %+v", r)
		}
	})
}

// A message of a type Switchboard does not show is stored all the same.
func TestUnsupportedMessagesAreStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		in := f.inbound("+1555", "u1", "")
		in.Type, in.Content = TypeUnsupported, json.RawMessage(`{"provider_type":"poll","payload":{"question":"?"}}`)
		r := f.receiveOne(t, in)
		if m := f.message(t, r.MessageID); m.Type != TypeUnsupported || !json.Valid(m.Content) {
			t.Fatalf("stored %+v", m)
		}
	})
}
