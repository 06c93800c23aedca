package report_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/report"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// TestTestContactMessagesLeftOut: the messages of a test contact's
// conversation (the Workflow Builder's test chat) count neither in the
// Messages report, its CSV, nor in a user's messages sent.
func TestTestContactMessagesLeftOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		day := time.Date(2026, 6, 3, 10, 0, 0, 0, time.UTC)
		clk := clock.NewFake(day)
		d.SetClock(clk)
		w, err := workspace.New(d).Create(ctx, "Acme", "UTC")
		must(t, err)
		for _, test := range []bool{false, true} {
			id := insertContact(t, d, w.ID, test)
			ev := func(typ event.Type, payload map[string]any) event.New {
				return event.New{WorkspaceID: w.ID, Type: typ, ConversationID: 100 + id, ContactID: id, Payload: payload}
			}
			appendAt(t, d, clk, day, ev(event.ConversationOpened, map[string]any{"source": "contact", "channel_id": 5}))
			appendAt(t, d, clk, day.Add(time.Second), ev(event.MessageReceived, map[string]any{"sender": "contact", "channel_id": 5}))
			appendAt(t, d, clk, day.Add(time.Minute), ev(event.MessageSent, map[string]any{"sender": "user", "user_id": 4, "channel_id": 5}))
		}
		svc := report.New(d, report.Options{})
		if _, err := svc.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		f := report.Filter{From: "2026-06-01", To: "2026-06-30"}
		m, err := svc.Messages(ctx, w.ID, f)
		must(t, err)
		if m.Current.In != 1 || m.Current.Out != 1 {
			t.Errorf("messages: %d in, %d out; want 1 and 1 (the test contact's counted)", m.Current.In, m.Current.Out)
		}
		messages := func(r map[string]string) int64 {
			n, _ := strconv.ParseInt(r["messages"], 10, 64)
			return n
		}
		var in, out int64
		for _, r := range exportRows(t, svc, w.ID, "messages", f) {
			switch r["direction"] {
			case "in":
				in += messages(r)
			case "out":
				out += messages(r)
			}
		}
		if in != 1 || out != 1 {
			t.Errorf("messages CSV: %d in, %d out; want 1 and 1", in, out)
		}
		u, err := svc.Users(ctx, w.ID, f)
		must(t, err)
		if len(u.Current.Rows) != 1 || u.Current.Rows[0].ID != 4 || u.Current.Rows[0].MessagesSent != 1 {
			t.Errorf("users: %+v; want user 4 with 1 message sent", u.Current.Rows)
		}
	})
}
