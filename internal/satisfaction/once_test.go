package satisfaction_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/satisfaction"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// closeEvent reads the conversation.closed event of conv from the log.
func closeEvent(t *testing.T, d *db.DB, conv int64) event.Event {
	t.Helper()
	var e event.Event
	var payload string
	if err := d.Reader().QueryRow(context.Background(), `SELECT id, workspace_id, type, conversation_id, contact_id, payload FROM events
		WHERE conversation_id = ? AND type = 'conversation.closed'`, conv).
		Scan(&e.ID, &e.WorkspaceID, &e.Type, &e.ConversationID, &e.ContactID, &payload); err != nil {
		t.Fatal(err)
	}
	e.Payload = []byte(payload)
	return e
}

// sendAgain runs the sender's work for the close of conv once more, as a
// batch delivered again would.
func (w *world) sendAgain(t *testing.T, sat *satisfaction.Service, conv int64) {
	t.Helper()
	ctx := context.Background()
	e := closeEvent(t, w.d, conv)
	if err := w.d.Write(ctx, func(tx *db.Tx) error { return satisfaction.SendTx(sat, ctx, tx, e) }); err != nil {
		t.Fatal(err)
	}
}

// Two nodes' senders share one cursor: each close is surveyed once, and a
// close read again (a batch delivered twice) sends nothing more.
func TestSurveySentOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		second := satisfaction.New(d, satisfaction.Options{PublicURL: "https://sb.acme.test"})
		hub := event.NewHub()
		d.OnEvents(hub.Notify)
		backgroundtest.Run(t, w.g, second.NewConsumer(hub, w.g).Run)
		backgroundtest.WaitIdle(t, w.g)

		var convs []int64
		for i := range 20 {
			conv := w.writeIn(t, fmt.Sprintf("+141555502%02d", i), fmt.Sprintf("once-%d", i))
			if err := d.Write(context.Background(), func(tx *db.Tx) error {
				_, err := conversation.CloseTx(context.Background(), tx, w.ws.ID, conv, conversation.CloseInput{Source: conversation.SourceUser, UserID: w.ana.UserID})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			convs = append(convs, conv)
		}
		backgroundtest.WaitIdle(t, w.g)
		for _, conv := range convs {
			w.sendAgain(t, second, conv)
			if s, n := w.surveysOf(t, conv), w.outgoing(t, conv); len(s) != 1 || n != 1 || s[0].jobs != 1 {
				t.Fatalf("conversation %d: %d surveys, %d outbound messages; want one of each", conv, len(s), n)
			}
		}
	})
}

// A contact who came back (a newer conversation) before their close was
// read is not asked about the old one; one who did not is.
func TestNoSurveyOnceTheContactCameBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		surveyOn := func(on bool) {
			t.Helper()
			if _, err := workspace.New(d).Update(ctx, w.ws.ID, workspace.Settings{SatisfactionSurvey: &workspace.SurveyInput{Enabled: &on}}); err != nil {
				t.Fatal(err)
			}
		}
		// Both closes are read while the survey is off, so the sender
		// passes them over; then it runs again for each, as a node behind
		// the log would read them with the survey on.
		surveyOn(false)
		back := w.writeIn(t, "+14155550300", "b1")
		stayed := w.writeIn(t, "+14155550301", "s1")
		w.closeBy(t, back, conversation.SourceUser)
		w.closeBy(t, stayed, conversation.SourceUser)
		surveyOn(true)
		if again := w.writeIn(t, "+14155550300", "b2"); again == back {
			t.Fatal("the contact's new message went into the closed conversation")
		}
		w.sendAgain(t, w.sat, back)
		w.sendAgain(t, w.sat, stayed)
		if n := len(w.surveysOf(t, back)); n != 0 {
			t.Fatalf("the contact who came back: %d surveys, want none", n)
		}
		if n := len(w.surveysOf(t, stayed)); n != 1 {
			t.Fatalf("the contact who did not: %d surveys, want 1", n)
		}
	})
}

// fixedWindow is every channel's customer-service window.
type fixedWindow conversation.Window

func (w fixedWindow) WindowOf(context.Context, int64) (conversation.Window, error) {
	return conversation.Window(w), nil
}

// Where the channel's window no longer takes free text (WhatsApp's 24
// hours after the contact's last message), no survey is sent, and nothing
// is written; within it, the survey goes.
func TestNoSurveyOutsideTheWindow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		windowed := satisfaction.New(d, satisfaction.Options{PublicURL: "https://sb.acme.test",
			Windows: fixedWindow{Seconds: 24 * 3600, Rule: conversation.MessageTypeTemplate}})
		surveyOn := func(on bool) {
			t.Helper()
			if _, err := workspace.New(d).Update(ctx, w.ws.ID, workspace.Settings{SatisfactionSurvey: &workspace.SurveyInput{Enabled: &on}}); err != nil {
				t.Fatal(err)
			}
		}
		// Closed while the survey is off, so the world's sender passes
		// them over; the windowed sender then reads each close.
		surveyOn(false)
		late := w.writeIn(t, "+14155550500", "w1")
		w.clk.Advance(20 * time.Hour)
		inTime := w.writeIn(t, "+14155550501", "w2")
		w.clk.Advance(5 * time.Hour) // late's contact wrote 25 hours ago, inTime's 5
		w.closeBy(t, late, conversation.SourceUser)
		w.closeBy(t, inTime, conversation.SourceUser)
		surveyOn(true)
		w.sendAgain(t, windowed, late)
		w.sendAgain(t, windowed, inTime)
		if s, n := w.surveysOf(t, late), w.outgoing(t, late); len(s) != 0 || n != 0 {
			t.Fatalf("outside the window: %d surveys, %d outbound messages; want none", len(s), n)
		}
		if n := len(w.surveysOf(t, inTime)); n != 1 {
			t.Fatalf("within the window: %d surveys, want 1", n)
		}
	})
}
