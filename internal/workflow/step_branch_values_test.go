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

// A time-of-day range whose start is later than its end spans midnight:
// "between 22:00 and 10:00" is the night shift, from 22:00 to 10:00 the
// next morning. It never matched, as no clock time is both after 22:00
// and before 10:00. The fixture's clock reads 09:00 in the workspace.
func TestBranchTimeBetweenSpansMidnight(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, c := range []struct {
			values string
			want   string
		}{
			{`["22:00", "10:00"]`, "in"},
			{`["23:00", "09:00"]`, "in"}, // both ends included
			{`["10:00", "08:00"]`, "out"},
			{`["08:00", "17:00"]`, "in"},
			{`["09:01", "17:00"]`, "out"},
		} {
			run, conv := f.runSteps(`[
				{"id": "b", "type": "branch", "settings": {"branches": [
					{"conditions": [{"subject": "time", "operator": "between", "values": ` + c.values + `}]}]},
				 "exits": {"branch[0]": "in", "else": "out"}},
				{"id": "in", "type": "send_message", "settings": {"text": "in"}},
				{"id": "out", "type": "send_message", "settings": {"text": "out"}}]`)
			if sent := f.outTexts(conv); len(sent) != 1 || sent[0] != c.want {
				t.Errorf("09:00 between %s: sent %q, history %+v; want %q", c.values, sent, run.History, c.want)
			}
		}
	})
}
