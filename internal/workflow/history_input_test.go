package workflow

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A step's history line records its input as rendered (docs/workflows.md:
// "its input (rendered texts, the answer…)"). Update Contact Tag recorded
// its tags as written, {{variables}} and all, and Close Conversation left
// out the summary it closed with.
func TestHistoryInputIsRendered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, _ := f.runSteps(`[
			{"id": "tag", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["lead", "from-{{contact.first_name}}"]}, "exits": {"next": "close"}},
			{"id": "close", "type": "close_conversation", "settings": {"summary": "Handled for {{contact.first_name}}"}}]`)
		if run.Status != StatusFinished || len(run.History) < 2 {
			t.Fatalf("status %s %q history %+v", run.Status, run.Error, run.History)
		}
		for i, want := range []map[string]any{
			{"tags": []any{"lead", "from-Maria"}},
			{"category": "", "summary": "Handled for Maria"},
		} {
			var got map[string]any
			if err := json.Unmarshal(run.History[i].Input, &got); err != nil {
				t.Fatalf("%s: input %s: %v", run.History[i].Step, run.History[i].Input, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: input %v, want %v", run.History[i].Step, got, want)
			}
		}
	})
}
