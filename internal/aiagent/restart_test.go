package aiagent_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/aiagent"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Each inbound message gets exactly one turn: a message that arrives while
// the node is down is answered when it comes back (the consumer resumes
// from its cursor), a restart answers nothing twice, and a turn claimed by
// a node that died is taken again once its lease ends — and applied once.
func TestExactlyOnceAcrossRestarts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.articles()
		a := f.agent(aiagent.Input{})
		c := f.converse(a.ID, "+15551100", "How do I reset my password?")
		if out := f.outTexts(c); len(out) != 1 {
			t.Fatalf("sent %q", out)
		}

		c2 := f.converse(a.ID, "+15551101", "How long does delivery take in Europe?")

		// Both contacts write while the node is down; their turns run side
		// by side when it is back.
		f.stop()
		f.write("+15551100", "How long does delivery take in Europe?")
		f.write("+15551101", "How do I reset my password?")
		f.start()
		f.idle()
		if out := f.outTexts(c); len(out) != 2 {
			t.Fatalf("after a restart: sent %q", out)
		}
		if out := f.outTexts(c2); len(out) != 2 || !strings.HasPrefix(out[1], "Reset your password:") {
			t.Fatalf("after a restart, the second conversation: sent %q", out)
		}
		f.stop()
		f.start()
		f.idle()
		if out := f.outTexts(c); len(out) != 2 {
			t.Fatalf("a second restart answered again: %q", out)
		}
		var cursor, newest int64
		d.Reader().QueryRow(context.Background(), `SELECT last_id FROM event_consumers WHERE name = ?`, aiagent.ConsumerName).Scan(&cursor)
		d.Reader().QueryRow(context.Background(), `SELECT MAX(id) FROM events`).Scan(&newest)
		if cursor == 0 || cursor > newest {
			t.Fatalf("cursor %d, newest event %d", cursor, newest)
		}

		// A node claimed the next turn and died: its lease holds the turn
		// until it ends.
		f.stop()
		r := f.write("+15551100", "How do I reset my password again?")
		lease := f.clock.Now().Add(time.Minute).UnixMilli()
		if err := d.Write(context.Background(), func(tx *db.Tx) error {
			_, err := tx.Exec(context.Background(), `INSERT INTO ai_agent_turns (workspace_id, agent_id, conversation_id, message_id, lease_until, attempts, created_at)
				VALUES (?, ?, ?, ?, ?, 1, ?)`, f.ws, a.ID, c, r.MessageID, lease, tx.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		f.start()
		f.idle()
		if out := f.outTexts(c); len(out) != 2 {
			t.Fatalf("a leased turn ran before its lease ended: %q", out)
		}
		f.clock.Advance(time.Minute)
		f.idle()
		if out := f.outTexts(c); len(out) != 3 {
			t.Fatalf("after the lease: sent %q", out)
		}
		if n := f.count(`SELECT COUNT(*) FROM ai_agent_turns WHERE conversation_id = ?`, c); n != 3 {
			t.Fatalf("%d turns for 3 messages", n)
		}
		if n := len(f.turns(c)); n != 3 {
			t.Fatalf("%d timeline entries for 3 turns", n)
		}
	})
}

// A message a person already answered is not answered again by the AI
// agent the conversation is then given to, even when the consumer reads
// its arrival only after the assignment (a node back from a restart reads
// both in one batch, and sees the agent as the assignee of both).
func TestMessageAnsweredByPersonBeforeAssignmentIsNotAnsweredAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.articles()
		a := f.agent(aiagent.Input{})
		f.stop()
		c := f.write("+15551700", "How do I reset my password?").ConversationID
		f.assign(c, f.ana)
		if _, err := f.conv.Send(t.Context(), access.System(f.ws), c, conversation.SendInput{Text: "Ana here: Settings, then Security.",
			Sender: conversation.SourceUser, UserID: f.ana}); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Minute)
		f.assign(c, a.ID) // Ana hands the conversation to the AI agent for what comes next
		f.start()
		f.idle()
		if out := f.outTexts(c); len(out) != 1 {
			t.Fatalf("the agent answered a message a person had answered: %q", out)
		}

		// What the contact writes next is the agent's.
		f.say("+15551700", "How long does delivery take in Europe?")
		if out := f.outTexts(c); len(out) != 2 || !strings.HasPrefix(out[1], "Delivery times:") {
			t.Fatalf("the next message: sent %q", out)
		}
	})
}
