package conversation

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestAIMark: a message written with AI keeps its mark (draft or agent) on
// the message and in its message.sent event, for reports to leave it out; a
// person's has none; any other mark is refused and stores nothing. The
// AI help reads the last messages, oldest first, only for whoever may see
// the conversation.
func TestAIMark(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		conv := f.receiveOne(t, f.inbound("+1555", "m1", "where is my order?")).ConversationID
		owner := access.System(f.ws.ID)
		for _, c := range []struct{ text, ai string }{{"from a draft", AIDraft}, {"by an AI agent", AIAgent}, {"by hand", ""}} {
			m, err := f.svc.Send(ctx, owner, conv, SendInput{Text: c.text, Sender: SourceUser, AI: c.ai})
			if err != nil {
				t.Fatal(err)
			}
			if got := f.message(t, m.ID).AI; got != c.ai {
				t.Errorf("%s: stored ai %q, want %q", c.text, got, c.ai)
			}
		}
		_, err := f.svc.Send(ctx, owner, conv, SendInput{Text: "x", Sender: SourceUser, AI: "robot"})
		if apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("ai robot: %v", err)
		}
		rows, err := d.Reader().Query(ctx, `SELECT payload FROM events WHERE conversation_id = ? AND type = 'message.sent' ORDER BY id`, conv)
		if err != nil {
			t.Fatal(err)
		}
		payloads, err := db.Collect(rows, func(r *sql.Rows) (string, error) {
			var p string
			return p, r.Scan(&p)
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(payloads) != 3 || !strings.Contains(payloads[0], `"ai":"draft"`) || !strings.Contains(payloads[1], `"ai":"agent"`) ||
			strings.Contains(payloads[2], `"ai"`) {
			t.Fatalf("message.sent payloads: %q", payloads)
		}

		recent, err := f.svc.RecentMessages(ctx, owner, conv, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(recent) != 2 || recent[0].Text != "by an AI agent" || recent[1].Text != "by hand" {
			t.Fatalf("recent: %+v", recent)
		}
		stranger := access.Principal{WorkspaceID: f.ws.ID, UserID: 424242, Role: access.RoleAgent}
		if _, err := f.svc.RecentMessages(ctx, stranger, conv, 2); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("an agent who may not see it: %v", err)
		}
	})
}
