package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A client that polls the visitor's history with ?after= catches up
// page by page: after an id it gets the next messages, oldest first,
// never the newest 200 of those after it, which made a client more than
// a page behind skip every message between. Without after, the history
// is the latest page, as the widget opens on it.
func TestWidgetHistoryAfterReadsTheNextPage(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		ana := f.newVisitor(t)
		status, body := f.do(t, scenario{method: "POST", path: "/widget/{{widget}}/messages", header: visitorHeader(ana), body: `{"text":"hello"}`})
		var sent struct {
			ConversationID int64 `json:"conversation_id"`
		}
		if status != 201 || json.Unmarshal(body, &sent) != nil || sent.ConversationID == 0 {
			t.Fatalf("visitor writes: %d %s", status, body)
		}
		const replies = 250
		for i := range replies {
			if _, err := f.conv.Send(context.Background(), ownerOf(f), sent.ConversationID, conversation.SendInput{Type: "text", Text: fmt.Sprintf("reply %d", i), Sender: conversation.SourceAPI}); err != nil {
				t.Fatal(err)
			}
		}
		var last int64 // the id of the last message read
		read := func(after int64) []string {
			t.Helper()
			path := "/widget/{{widget}}/messages"
			if after > 0 {
				path += fmt.Sprintf("?after=%d", after)
			}
			status, body := f.do(t, scenario{method: "GET", path: path, header: visitorHeader(ana)})
			var h struct {
				Messages []struct {
					ID   int64
					Text string
				}
			}
			if status != 200 || json.Unmarshal(body, &h) != nil {
				t.Fatalf("history: %d %s", status, body)
			}
			var out []string
			for _, m := range h.Messages {
				out = append(out, m.Text)
				after = m.ID
			}
			last = after
			return out
		}
		latest := read(0)
		if len(latest) != 200 || latest[199] != fmt.Sprintf("reply %d", replies-1) {
			t.Fatalf("the latest page: %d messages, last %q", len(latest), latest[len(latest)-1])
		}
		// From the visitor's own message on, page by page: every reply,
		// in order, once.
		firstID := int64(dbtest.Count(t, d, `SELECT MIN(id) FROM messages WHERE direction = 'in'`))
		var got []string
		for after := firstID; ; {
			page := read(after)
			if len(page) == 0 {
				break
			}
			got = append(got, page...)
			after = last
		}
		if len(got) != replies || got[0] != "reply 0" || got[replies-1] != fmt.Sprintf("reply %d", replies-1) {
			t.Fatalf("paging with after read %d messages (first %q, last %q), want the %d replies in order", len(got), got[0], got[len(got)-1], replies)
		}
	})
}
