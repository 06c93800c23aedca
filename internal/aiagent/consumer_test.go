package aiagent_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/aiagent"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A batch of the consumer asks which of its conversations an AI agent
// holds with one query, not one per event: of 30 messages received, on
// 30 conversations, the one on the agent's conversation gets its turn
// and the batch costs a handful of statements, not 30 or more.
func TestConsumerBatchAsksOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.agent(aiagent.Input{})
		mine := f.write("+15551300", "Hello?").ConversationID
		for i := range 29 {
			f.write(fmt.Sprintf("+1555140%02d", i), "hi")
		}
		f.stop() // the test hands the batch to the handler itself
		f.assign(mine, a.ID)
		var events []event.Event
		rows, err := d.Reader().Query(context.Background(), `SELECT id, workspace_id, type, conversation_id, payload FROM events
			WHERE type = 'message.received' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var e event.Event
			var payload string
			if err := rows.Scan(&e.ID, &e.WorkspaceID, &e.Type, &e.ConversationID, &payload); err != nil {
				t.Fatal(err)
			}
			e.Payload = json.RawMessage(payload)
			events = append(events, e)
		}
		rows.Close()
		if len(events) != 30 {
			t.Fatalf("%d messages received, want 30", len(events))
		}
		if err := d.Write(context.Background(), func(tx *db.Tx) error {
			_, err := tx.Exec(context.Background(), `DELETE FROM ai_agent_turns`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		before := d.Statements()
		if err := d.Write(context.Background(), func(tx *db.Tx) error {
			return f.svc.Handle(context.Background(), tx, events)
		}); err != nil {
			t.Fatal(err)
		}
		if n := d.Statements() - before; n > 4 {
			t.Errorf("the batch ran %d statements, want at most 4 (one question for the batch, one turn)", n)
		}
		if got := f.count(`SELECT COUNT(*) FROM ai_agent_turns`); got != 1 {
			t.Errorf("%d turns, want 1", got)
		}
		if got := f.count(`SELECT COUNT(*) FROM ai_agent_turns WHERE conversation_id = ?`, mine); got != 1 {
			t.Errorf("the agent's conversation has %d turns, want 1", got)
		}
	})
}

// An automatic reply (an out-of-office) on an AI agent's conversation
// gets no turn: the agent answering it would answer the next one, a loop.
func TestConsumerSkipsAutomaticReplies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.agent(aiagent.Input{})
		mine := f.write("+15551301", "Hello?").ConversationID
		f.stop() // the test hands the events to the handler itself
		f.assign(mine, a.ID)
		var e event.Event
		var payload string
		if err := d.Reader().QueryRow(context.Background(), `SELECT id, workspace_id, type, conversation_id, payload FROM events
			WHERE type = 'message.received' AND conversation_id = ?`, mine).Scan(&e.ID, &e.WorkspaceID, &e.Type, &e.ConversationID, &payload); err != nil {
			t.Fatal(err)
		}
		handle := func(payload string) int {
			t.Helper()
			if err := d.Write(context.Background(), func(tx *db.Tx) error {
				if _, err := tx.Exec(context.Background(), `DELETE FROM ai_agent_turns`); err != nil {
					return err
				}
				e.Payload = json.RawMessage(payload)
				return f.svc.Handle(context.Background(), tx, []event.Event{e})
			}); err != nil {
				t.Fatal(err)
			}
			return f.count(`SELECT COUNT(*) FROM ai_agent_turns`)
		}
		auto := strings.Replace(payload, "{", `{"automatic":true,`, 1)
		if n := handle(auto); n != 0 {
			t.Errorf("an automatic reply got %d turns, want none", n)
		}
		if n := handle(payload); n != 1 {
			t.Errorf("the contact's message got %d turns, want 1", n)
		}
	})
}
