package workflow

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A condition's values hold variables as its value does (saving checks
// them as templates, and warns of one nothing sets): has_any_of
// ["{{var.plan}}"] looks for the tag the shortcut's form named, between
// ["{{var.low}}", "{{var.high}}"] for a number in the form's range. They
// were compared as written, braces and all, and never matched.
func TestBranchValuesRenderVariables(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		got := f.write("+14155550601", "hi")
		if err := f.contacts.SetTag(ctx, access.System(f.wsp.ID), got.ContactID, "gold", true); err != nil {
			t.Fatal(err)
		}
		w := f.deploy(`{"name": "Check", "trigger": {"type": "shortcut", "conditions": {"inputs": [
			{"name": "plan"}, {"name": "amount", "type": "number"}, {"name": "low", "type": "number"}, {"name": "high", "type": "number"}]}},
			"steps": [
			{"id": "b", "type": "branch", "settings": {"branches": [
				{"name": "plan", "conditions": [{"subject": "tag", "operator": "has_any_of", "values": ["{{var.plan}}"]}]},
				{"name": "range", "conditions": [{"subject": "variable", "name": "amount", "operator": "between", "values": ["{{var.low}}", "{{ var.high }}"]}]}]},
			 "exits": {"branch[0]": "plan", "branch[1]": "range", "else": "none"}},
			{"id": "plan", "type": "send_message", "settings": {"text": "plan"}},
			{"id": "range", "type": "send_message", "settings": {"text": "range"}},
			{"id": "none", "type": "send_message", "settings": {"text": "none"}}]}`)
		for _, c := range []struct {
			inputs map[string]any
			want   string
		}{
			{map[string]any{"plan": "gold", "amount": 50, "low": 60, "high": 90}, "plan"},
			{map[string]any{"plan": "silver", "amount": 75, "low": 60, "high": 90}, "range"},
			{map[string]any{"plan": "silver", "amount": 95, "low": 60, "high": 90}, "none"},
		} {
			run, err := f.svc.StartRun(ctx, f.wsp.ID, w.ID, StartInput{ContactID: got.ContactID, Inputs: c.inputs})
			if err != nil {
				t.Fatal(err)
			}
			f.settle(w, run.ID)
			sent := f.outTexts(got.ConversationID)
			if len(sent) == 0 || sent[len(sent)-1] != c.want {
				t.Fatalf("inputs %v: sent %q; want %q last", c.inputs, sent, c.want)
			}
		}
	})
}
