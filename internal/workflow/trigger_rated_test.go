package workflow

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/satisfaction"
	"github.com/switchboard-chat/switchboard/internal/satisfaction/satisfactiontest"
)

// A contact's survey answer fires the workflows whose range it comes
// into: the unhappy are followed up (with the rating and comment as
// {{trigger.*}}), once as they stay unhappy, again when they come back to
// it; the happy fire the other workflow.
func TestConversationRatedTrigger(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		unhappy := f.deploy(`{"name": "unhappy", "trigger": {"type": "conversation_rated", "conditions": {"at_most": 2}},
			"steps": [{"id": "n", "type": "add_comment", "settings": {"text": "rated {{trigger.rating}}: {{trigger.comment}}"}}]}`)
		happy := f.deploy(`{"name": "happy", "trigger": {"type": "conversation_rated", "conditions": {"at_least": 4}},
			"steps": [{"id": "t", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["promoter"]}}]}`)

		got := f.write("+14155550200", "hi")
		conv := got.ConversationID
		satisfactiontest.Sent(t, d, f.wsp.ID, conv, "tok")
		sat := satisfaction.New(d, satisfaction.Options{})
		runs := func(w Workflow) int {
			f.idle()
			return f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ? AND conversation_id = ?`, w.ID, conv)
		}
		rate := func(rating int, comment string, wantUnhappy, wantHappy int) {
			t.Helper()
			if _, err := sat.Rate(ctx, "tok", rating, comment); err != nil {
				t.Fatal(err)
			}
			if u, h := runs(unhappy), runs(happy); u != wantUnhappy || h != wantHappy {
				t.Fatalf("after rating %d: %d unhappy and %d happy runs, want %d and %d", rating, u, h, wantUnhappy, wantHappy)
			}
		}
		rate(1, "Too slow", 1, 0)
		f.waitStatus(unhappy.ID, conv, StatusFinished)
		pg, err := f.conv.ListComments(ctx, access.System(f.wsp.ID), conv, page.First())
		if err != nil || len(pg.Data) != 1 || pg.Data[0].Text != "rated 1: Too slow" {
			t.Fatalf("comments %+v (%v), want the follow-up's", pg.Data, err)
		}
		rate(2, "Too slow", 1, 0)       // still unhappy: not again
		rate(2, "Too slow, rude", 1, 0) // the comment alone
		rate(5, "Sorted after all", 1, 1)
		rate(1, "No, it broke again", 2, 1) // unhappy again: followed up again
	})
}

// The trigger's range is checked when the workflow is saved.
func TestConversationRatedRangeIsChecked(t *testing.T) {
	for _, tc := range []struct{ conditions, want string }{
		{`{"at_least": 6}`, "/trigger.conditions.at_least: a rating is from 1 to 5"},
		{`{"at_most": 0, "at_least": -1}`, "/trigger.conditions.at_least: a rating is from 1 to 5"},
		{`{"at_least": 4, "at_most": 2}`, "/trigger.conditions.at_least: is above at_most"},
		{`{"at_most": "2"}`, "/trigger.conditions: json: cannot unmarshal"},
	} {
		def := `{"name": "r", "trigger": {"type": "conversation_rated", "conditions": ` + tc.conditions + `},
			"steps": [{"id": "n", "type": "add_comment", "settings": {"text": "x"}}]}`
		if got := strings.Join(problemsOf(t, def), "\n"); !strings.Contains(got, tc.want) {
			t.Errorf("%s: problems %q, want %q", tc.conditions, got, tc.want)
		}
	}
}
