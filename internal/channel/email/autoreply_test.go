package email

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/metrics/metricstest"
	"github.com/switchboard-chat/switchboard/internal/workflow"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// runWorkflows runs a workflow engine on e's store with one live workflow
// started by every conversation.opened; the returned group tells when
// the engine has done all it can.
func runWorkflows(t *testing.T, e *env) *background.Group {
	t.Helper()
	ctx := context.Background()
	hub := event.NewHub()
	e.d.OnEvents(hub.Notify)
	svc := workflow.NewService(e.d)
	def, err := workflow.ParseDefinition([]byte(`{"name": "Welcome", "trigger": {"type": "conversation_opened"},
		"steps": [{"id": "tag", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["welcomed"]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	w, err := svc.Create(ctx, e.ws, def)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, e.ws, w.ID, workflow.Edit{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetActive(ctx, e.ws, w.ID, true); err != nil {
		t.Fatal(err)
	}
	g := background.NewGroup(e.d.Clock())
	eng := workflow.NewEngine(svc, hub, nil, workspace.New(e.d), workflow.EngineOptions{Group: g})
	backgroundtest.Run(t, g, eng.Run)
	return g
}

// outOfOffice is an automatic answer from ada, marked as marker says.
func outOfOffice(id, marker string) []byte {
	return []byte("From: Ada Lovelace <ada.lovelace@gmail.com>\r\nTo: support@acme.example\r\nSubject: Automatic reply: Order #4512 has not arrived\r\n" +
		"Message-ID: <" + id + ">\r\n" + marker + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nI am away until Monday.\r\n")
}

// An automatic answer (an out-of-office: Auto-Submitted other than "no",
// X-Autoreply, Precedence: auto_reply) never opens or reopens a
// conversation, so it cannot start the workflows that would mail the
// contact again (a mail loop): with no conversation of the sender it is
// acknowledged and dropped, counted; with an open one it lands there; with
// only a closed one it lands in that one, which stays closed, unread as
// it was. A person's mail, and Auto-Submitted: no, still open one.
func TestAnAutoReplyNeverOpensAConversation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		m := metrics.New()
		e.p.Attach(Deps{DB: d, Media: e.media, Channels: e.chs, Receiver: e.conv, Metrics: m})
		ch := e.channel(t, map[string]any{"address": "support@acme.example"})
		engines := runWorkflows(t, e)
		l := startListener(t, e.p)
		send := func(raw []byte) {
			t.Helper()
			if err := deliver(t, l.Addr(), "ada.lovelace@gmail.com", []string{"support@acme.example"}, raw); err != nil {
				t.Fatalf("the listener refused the mail: %v", err)
			}
			backgroundtest.WaitIdle(t, engines)
		}
		count := func(q string, args ...any) int { t.Helper(); return dbtest.Count(t, d, q, args...) }
		runs := func() int { t.Helper(); return count(`SELECT COUNT(*) FROM workflow_runs`) }
		dropped := `switchboard_inbound_messages_total{channel="email",outcome="ignored"}`

		// No conversation, no contact: acknowledged (250), not stored,
		// no contact made, counted; a redelivery is the same.
		for range 2 {
			send(outOfOffice("ooo-0@mail.gmail.com", "Auto-Submitted: auto-replied"))
		}
		if n := len(e.messages(t, ch.ID)); n != 0 {
			t.Fatalf("an auto-reply from a stranger was stored (%d messages)", n)
		}
		if n := count(`SELECT COUNT(*) FROM contacts WHERE workspace_id = ?`, e.ws); n != 0 {
			t.Errorf("an auto-reply from a stranger made %d contacts", n)
		}
		if n := count(`SELECT COUNT(*) FROM conversations`); n != 0 || runs() != 0 {
			t.Fatalf("an auto-reply from a stranger opened %d conversations, started %d runs", n, runs())
		}
		if v := metricstest.Value(t, m, dropped); v != 2 {
			t.Errorf("%s = %v, want 2", dropped, v)
		}

		// The person writes: a conversation opens and the workflow runs.
		send(fixture(t, "gmail_plain.eml"))
		msgs := e.messages(t, ch.ID)
		if len(msgs) != 1 || runs() != 1 {
			t.Fatalf("a person's mail: %d messages, %d runs", len(msgs), runs())
		}
		convID := msgs[0].ConversationID

		// Open: the auto-reply is in it like any message.
		send(outOfOffice("ooo-1@mail.gmail.com", "X-Autoreply: yes"))
		msgs = e.messages(t, ch.ID)
		if len(msgs) != 2 || msgs[1].ConversationID != convID || msgs[1].Content.Email.AutoSubmitted != "auto-replied" {
			t.Fatalf("an auto-reply in an open conversation: %+v", msgs)
		}

		// Closed: the next one goes in it, which stays closed and as
		// read as it was, and nothing runs.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := conversation.CloseTx(ctx, tx, e.ws, convID, conversation.CloseInput{Source: conversation.SourceAPI})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var incoming, message int64
		if err := d.Reader().QueryRow(ctx, `SELECT last_incoming_at, last_message_at FROM conversations WHERE id = ?`, convID).Scan(&incoming, &message); err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second a redelivery, stored once
			send(outOfOffice("ooo-2@mail.gmail.com", "Precedence: auto_reply"))
		}
		msgs = e.messages(t, ch.ID)
		if len(msgs) != 3 || msgs[2].ConversationID != convID || msgs[2].Text != "I am away until Monday." {
			t.Fatalf("an auto-reply after the close: %+v", msgs)
		}
		var status string
		var incoming2, message2 int64
		if err := d.Reader().QueryRow(ctx, `SELECT status, last_incoming_at, last_message_at FROM conversations WHERE id = ?`, convID).
			Scan(&status, &incoming2, &message2); err != nil {
			t.Fatal(err)
		}
		if status != conversation.StatusClosed || incoming2 != incoming || message2 != message {
			t.Errorf("the closed conversation is %s, last incoming %d (was %d), last message %d (was %d)", status, incoming2, incoming, message2, message)
		}
		if n := count(`SELECT COUNT(*) FROM conversations`); n != 1 || runs() != 1 {
			t.Errorf("after the auto-reply to a closed conversation: %d conversations, %d runs", n, runs())
		}
		if n := count(`SELECT COUNT(*) FROM events WHERE type = ?`, string(event.ConversationOpened)); n != 1 {
			t.Errorf("%d conversation.opened events, want the person's one", n)
		}
		if n := count(`SELECT COUNT(*) FROM events WHERE type = ? AND conversation_id = ?`, string(event.MessageReceived), convID); n != 3 {
			t.Errorf("%d message.received in the conversation, want 3 (its timeline shows each)", n)
		}

		// Auto-Submitted: no is a person's mail: it opens a conversation.
		send([]byte("From: Ada Lovelace <ada.lovelace@gmail.com>\r\nTo: support@acme.example\r\nSubject: Still waiting\r\n" +
			"Message-ID: <person-2@mail.gmail.com>\r\nAuto-Submitted: no\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAny news?\r\n"))
		if n := count(`SELECT COUNT(*) FROM conversations WHERE status <> 'closed'`); n != 1 || runs() != 2 {
			t.Errorf("a person's mail after the close: %d open conversations, %d runs", n, runs())
		}
	})
}
