package email

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A message in no conversation (a broadcast's) to a contact who emailed
// before starts a thread of its own: its content's subject (else its
// first line), no "Re:", no threading headers, to the contact's address
// rather than the old email's Reply-To.
func TestAMessageInNoConversationStartsItsOwnThread(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		s := newSink(t, "", "")
		ch := e.channel(t, sinkConfig(s))
		got, err := e.p.Deliver(ctx, ch, fixture(t, "gmail_plain.eml"))
		if err != nil {
			t.Fatal(err)
		}
		long := strings.Repeat("word ", 30)
		for i, c := range []struct {
			content json.RawMessage
			text    string
			want    string
		}{
			{json.RawMessage(`{"subject":"Our spring\r\nsale"}`), "20% off this week", "Our spring sale"},
			{nil, "Spring sale!\nEverything 20% off.", "Spring sale!"},
			{nil, long, strings.TrimSpace(long)[:77] + "…"},
		} {
			msg := conversation.Message{ID: int64(90 + i), WorkspaceID: e.ws, ContactID: got.ContactID, Type: "text", Text: c.text, Content: c.content}
			if _, err := e.p.Send(ctx, ch, "ada.lovelace@gmail.com", msg); err != nil {
				t.Fatal(err)
			}
			h := header(t, s.Mails()[i].Raw)
			if v, _ := h.Subject(); v != c.want || h.Get("In-Reply-To") != "" || h.Get("References") != "" {
				t.Errorf("mail %d: Subject %q, In-Reply-To %q, References %q; want %q and no thread", i, v, h.Get("In-Reply-To"), h.Get("References"), c.want)
			}
			if to := s.Mails()[i].To; len(to) != 1 || to[0] != "ada.lovelace@gmail.com" {
				t.Errorf("mail %d went to %v", i, to)
			}
		}
	})
}
