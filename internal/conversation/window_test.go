package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

type fixedWindows Window

func (w fixedWindows) WindowOf(context.Context, int64) (Window, error) { return Window(w), nil }

// Inside the window free text is sent; after it, free text is refused with
// reply_window_closed and nothing is stored, while a template passes; in
// the extended window the message carries the tag. The conversation's
// window says the same.
func TestReplyWindow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.svc.SetWindows(fixedWindows{Seconds: 24 * 3600, ExtendedSeconds: 7 * 24 * 3600, Tag: "HUMAN_AGENT", Rule: "template"})
		r := f.receiveOne(t, f.inbound("+1555", "m1", "hi"))
		owner := access.Principal{WorkspaceID: f.ws.ID, Role: "owner"}
		send := func(in SendInput) (Message, error) {
			in.Sender = SourceAPI
			return f.svc.Send(ctx, owner, r.ConversationID, in)
		}
		conv, _ := f.svc.Get(ctx, owner, r.ConversationID)
		rw, err := f.svc.ReplyWindow(ctx, conv)
		if err != nil || rw == nil || !rw.Open || rw.Tag != "" || rw.Rule != "template" {
			t.Fatalf("window at first: %+v %v", rw, err)
		}
		if m, err := send(SendInput{Text: "hello"}); err != nil || strings.Contains(string(m.Content), "message_tag") {
			t.Fatalf("inside: %+v %v", m, err)
		}
		f.clock.Advance(2 * 24 * time.Hour)
		m, err := send(SendInput{Text: "late"})
		if err != nil {
			t.Fatal(err)
		}
		var content map[string]string
		json.Unmarshal(m.Content, &content)
		if content["message_tag"] != "HUMAN_AGENT" {
			t.Errorf("extended window: content %s", m.Content)
		}
		if rw, _ := f.svc.ReplyWindow(ctx, conv); !rw.Open || rw.Tag != "HUMAN_AGENT" {
			t.Errorf("window in the extension: %+v", rw)
		}
		f.clock.Advance(6 * 24 * time.Hour)
		before := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`)
		_, err = send(SendInput{Text: "too late"})
		var ae *apperr.Error
		if !asAppErr(err, &ae) || ae.Code != "reply_window_closed" || apperr.KindOf(err) != apperr.KindConflict ||
			!strings.Contains(ae.Message, "The 7-day window closed at 2026-03-09 09:00 UTC; only approved templates can be sent") {
			t.Fatalf("outside: %v", err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`); n != before {
			t.Errorf("a refused send stored a message")
		}
		if _, err := send(SendInput{Type: MessageTypeTemplate, Content: json.RawMessage(`{"type":"template","name":"hello","language":"en"}`)}); err != nil {
			t.Errorf("template outside: %v", err)
		}
		if rw, _ := f.svc.ReplyWindow(ctx, conv); rw.Open || !rw.ClosesAt.Equal(time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("window closed: %+v", rw)
		}
		// The contact writing again opens it.
		f.receiveOne(t, f.inbound("+1555", "m2", "back"))
		if _, err := send(SendInput{Text: "welcome back"}); err != nil {
			t.Errorf("after the contact wrote: %v", err)
		}
	})
}

func asAppErr(err error, target **apperr.Error) bool { return errors.As(err, target) }

// The window runs from when the contact sent their message, as the
// provider counts it, not from when it was stored: a message Meta
// redelivers a day late (the first deliveries failed) does not reopen a
// window the provider has closed, which would only have the send refused
// there (WhatsApp's 131047). A provider clock ahead of ours never moves
// it later than the message's arrival.
func TestReplyWindowRunsFromWhenTheContactSent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.svc.SetWindows(fixedWindows{Seconds: 24 * 3600, Rule: "template"})
		in := f.inbound("+1555", "late-1", "hi, from yesterday")
		in.Timestamp = f.clock.Now().Add(-23 * time.Hour)
		r := f.receiveOne(t, in)
		owner := access.Principal{WorkspaceID: f.ws.ID, Role: "owner"}
		conv, _ := f.svc.Get(ctx, owner, r.ConversationID)
		rw, err := f.svc.ReplyWindow(ctx, conv)
		if want := in.Timestamp.Add(24 * time.Hour); err != nil || !rw.Open || !rw.ClosesAt.Equal(want) {
			t.Fatalf("window %+v %v, want open until %s (24 h after the contact sent)", rw, err, want)
		}
		f.clock.Advance(time.Hour)
		if _, err := f.svc.Send(ctx, owner, r.ConversationID, SendInput{Sender: SourceAPI, Text: "sorry for the wait"}); apperr.KindOf(err) != apperr.KindConflict {
			t.Fatalf("free text 24 h after the contact sent: %v, want reply_window_closed", err)
		}

		ahead := f.inbound("+1555", "ahead-1", "hello again")
		ahead.Timestamp = f.clock.Now().Add(time.Hour) // the provider's clock runs ahead
		f.receiveOne(t, ahead)
		if rw, _ := f.svc.ReplyWindow(ctx, conv); !rw.ClosesAt.Equal(f.clock.Now().Add(24 * time.Hour)) {
			t.Fatalf("window %+v, want it to close 24 h after the message arrived", rw)
		}
	})
}
