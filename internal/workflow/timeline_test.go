package workflow

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A run tells its conversation's timeline every step it took, in order
// with the messages and answers around it, so the inbox can show one story.
func TestRunStepsAppearInTheConversationTimeline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		steps := `[
			{"id": "topic", "type": "ask_question", "settings": {"question": "Topic?", "answer_type": "multiple_choice",
			 "options": ["Sales", "Billing"], "save_to": {"kind": "variable", "name": "topic"}}, "exits": {"next": "route"}},
			{"id": "route", "type": "branch", "settings": {"branches": [
				{"name": "billing", "match": "all", "conditions": [{"subject": "variable", "name": "topic", "operator": "equals", "value": "Billing"}]}]},
			 "exits": {"branch[0]": "bye", "else": "bye"}},
			{"id": "bye", "type": "send_message", "settings": {"text": "Thanks"}}]`
		run, conv := f.runSteps(steps)
		if run.Status != StatusWaitingReply {
			t.Fatalf("run %s, want waiting for the answer", run.Status)
		}
		f.write(f.phoneOf(run.ContactID), "billing")
		f.waitStatus(run.WorkflowID, conv, StatusFinished)

		type line struct{ typ, step, exit string }
		var got []line
		var seqs []int64
		rows, err := d.Reader().Query(context.Background(),
			`SELECT type, seq, payload FROM events WHERE conversation_id = ? ORDER BY id`, conv)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var typ, payload string
			var seq int64
			if err := rows.Scan(&typ, &seq, &payload); err != nil {
				t.Fatal(err)
			}
			seqs = append(seqs, seq)
			if typ == "message.status" {
				continue // delivery news, whenever the channel answers
			}
			var p struct {
				StepType string `json:"step_type"`
				Exit     string `json:"exit"`
				Status   string `json:"status"`
				RunID    int64  `json:"run_id"`
			}
			json.Unmarshal([]byte(payload), &p)
			if typ == "workflow.step" || typ == "workflow.run.started" || typ == "workflow.run.ended" {
				if p.RunID != run.ID {
					t.Errorf("%s names run %d, want %d", typ, p.RunID, run.ID)
				}
			}
			got = append(got, line{typ, p.StepType, p.Exit + p.Status})
		}
		want := []line{
			{"conversation.opened", "", ""},
			{"message.received", "", ""},
			{"workflow.run.started", "", ""},
			{"message.sent", "", ""}, // the question
			{"workflow.step", "ask_question", ""},
			{"message.received", "", ""}, // the answer
			{"workflow.step", "ask_question", "next"},
			{"workflow.step", "branch", "branch[0]"},
			{"message.sent", "", ""},
			{"workflow.step", "send_message", "next"},
			{"workflow.run.ended", "", "finished"},
		}
		if !slices.Equal(got, want) {
			t.Errorf("timeline:\n got %v\nwant %v", got, want)
		}
		for i, s := range seqs {
			if s != int64(i+1) {
				t.Fatalf("seqs %v are not consecutive from 1", seqs)
			}
		}
		// A step's outputs come with it: the answer the question saved.
		var payload string
		if err := d.Reader().QueryRow(context.Background(), `SELECT payload FROM events WHERE conversation_id = ?
			AND type = 'workflow.step' ORDER BY id LIMIT 1 OFFSET 1`, conv).Scan(&payload); err != nil {
			t.Fatal(err)
		}
		if want := `"output":{"answer":"Billing"}`; !strings.Contains(payload, want) {
			t.Errorf("answer step payload %s lacks %s", payload, want)
		}
	})
}
