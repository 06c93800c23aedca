package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestSendMessage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, conv := f.runSteps(`[
			{"id": "text", "type": "send_message", "settings": {"text": "Hi {{contact.first_name}}{{var.nickname}}, it is {{system.current_date}}"}, "exits": {"next": "qr"}},
			{"id": "qr", "type": "send_message", "settings": {"text": "Pick one", "quick_replies": ["Yes", "No"]}, "exits": {"next": "file"}},
			{"id": "file", "type": "send_message", "settings": {"text": "Your invoice", "attachments": [{"type": "file", "url": "https://x.test/{{contact.id}}.pdf"}]}}]`)
		if run.Status != StatusFinished {
			t.Fatalf("status %s: %s", run.Status, run.Error)
		}
		texts := f.outTexts(conv)
		if len(texts) != 3 || !strings.HasPrefix(texts[0], "Hi Maria, it is 20") {
			t.Fatalf("sent %q", texts)
		}
		var typ, content string
		f.d.Reader().QueryRow(context.Background(), `SELECT type, content FROM messages WHERE conversation_id = ? AND text = 'Pick one'`, conv).Scan(&typ, &content)
		if typ != "quick_reply" || !strings.Contains(content, `"replies":["Yes","No"]`) {
			t.Errorf("quick replies stored as %s %s", typ, content)
		}
		f.d.Reader().QueryRow(context.Background(), `SELECT type, content FROM messages WHERE conversation_id = ? AND text = 'Your invoice'`, conv).Scan(&typ, &content)
		if typ != "attachment" || !strings.Contains(content, ".pdf") || strings.Contains(content, "{{") {
			t.Errorf("attachment stored as %s %s", typ, content)
		}
		// The missing variable rendered empty and is logged on the run.
		if e := run.History[0]; !strings.Contains(e.Error, "var.nickname") || !strings.Contains(string(e.Input), "missing_variables") {
			t.Errorf("history %+v", e)
		}
		if f.count(`SELECT COUNT(*) FROM outbound_jobs j JOIN messages m ON m.id = j.message_id WHERE m.conversation_id = ?`, conv) != 3 {
			t.Error("each message must be queued for delivery")
		}
	})
}

// A message with files and quick replies sends both: the files, then the
// text with its replies. The replies were dropped: the step sent one
// attachment message, and the contact had no buttons to answer with.
func TestSendMessageWithFilesAndQuickReplies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, conv := f.runSteps(`[{"id": "both", "type": "send_message", "settings": {"text": "Does this look right?",
			"attachments": [{"type": "image", "url": "https://x.test/a.png"}], "quick_replies": ["Yes", "No"]}}]`)
		if run.Status != StatusFinished {
			t.Fatalf("status %s: %s", run.Status, run.Error)
		}
		rows, err := f.d.Reader().Query(context.Background(), `SELECT type, text, content FROM messages WHERE conversation_id = ? AND direction = 'out' ORDER BY id`, conv)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var typ, text, content string
			rows.Scan(&typ, &text, &content)
			got = append(got, typ+"|"+text+"|"+content)
		}
		rows.Close()
		if len(got) != 2 || !strings.HasPrefix(got[0], "attachment||") || !strings.Contains(got[0], "a.png") ||
			!strings.HasPrefix(got[1], "quick_reply|Does this look right?|") || !strings.Contains(got[1], `"replies":["Yes","No"]`) {
			t.Fatalf("sent %q, want the file, then the text with its quick replies", got)
		}
	})
}

// TestSendWithoutConversationFails checks a step error fails the run with
// the reason when no failure exit is wired.
func TestSendWithoutConversationFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		first := "Nobody"
		c, err := f.contacts.Create(context.Background(), f.wsp.ID, contactInput(first))
		if err != nil {
			t.Fatal(err)
		}
		w := f.manual("no conversation", `[{"id": "say", "type": "send_message", "settings": {"text": "hello"}}]`)
		run := f.settle(w, f.startFor(w, c.ID))
		if run.Status != StatusFailed || !strings.Contains(run.Error, "no conversation") {
			t.Fatalf("status %s error %q", run.Status, run.Error)
		}
	})
}

// TestSendOnChosenChannel sends on a channel the contact also wrote on,
// and refuses one where it has no identity.
func TestSendOnChosenChannel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		sms, err := channel.New(d).Create(ctx, f.wsp.ID, channel.Input{Type: channel.TypeCustom, Name: "sms",
			Config: json.RawMessage(`{"base_url":"http://127.0.0.1:1"}`)})
		if err != nil {
			t.Fatal(err)
		}
		other, err := channel.New(d).Create(ctx, f.wsp.ID, channel.Input{Type: channel.TypeCustom, Name: "other",
			Config: json.RawMessage(`{"base_url":"http://127.0.0.1:1"}`)})
		if err != nil {
			t.Fatal(err)
		}
		got := f.write("+14155550800", "hi")
		name := "Maria"
		// The same person writes on the SMS channel too (same phone: same contact).
		if _, err := f.conv.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: f.wsp.ID,
			ChannelID: sms.ID, ExternalID: "+14155550800", ProviderMessageID: "sms-1", Type: "text", Text: "hi",
			Profile: contact.Input{FirstName: &name, Phone: ptr("+14155550800")}}}); err != nil {
			t.Fatal(err)
		}
		w := f.manual("channels", fmt.Sprintf(`[{"id": "sms", "type": "send_message", "settings": {"text": "by sms", "channel_id": %d}, "exits": {"next": "bad"}},
			{"id": "bad", "type": "send_message", "settings": {"text": "nowhere", "channel_id": %d}}]`, sms.ID, other.ID))
		run := f.settle(w, f.startFor(w, got.ContactID))
		var ch int64
		d.Reader().QueryRow(ctx, `SELECT channel_id FROM messages WHERE text = 'by sms'`).Scan(&ch)
		if ch != sms.ID {
			t.Fatalf("sent on channel %d, want %d", ch, sms.ID)
		}
		if run.Status != StatusFailed || !strings.Contains(run.Error, "no identity on channel") {
			t.Fatalf("status %s %q", run.Status, run.Error)
		}
	})
}

func ptr(s string) *string { return &s }
