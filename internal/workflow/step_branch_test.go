package workflow

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestCompareOperators(t *testing.T) {
	tags := []string{"vip", "new"}
	for _, c := range []struct {
		v      any
		op     string
		value  string
		values []string
		want   bool
	}{
		{"Billing", "equals", "billing", nil, true},
		{"Billing", "not_equals", "sales", nil, true},
		{42.0, "equals", "42", nil, true},
		{"hello world", "contains", "WORLD", nil, true},
		{"hello", "starts_with", "he", nil, true},
		{"", "exists", "", nil, false},
		{nil, "not_exists", "", nil, true},
		{"x", "exists", "", nil, true},
		{10.0, "greater_than", "9", nil, true},
		{"10", "greater_than", "9", nil, true}, // numbers compare as numbers, not text
		{"09:30", "less_than", "10:00", nil, true},
		{"12:00", "between", "", []string{"09:00", "17:30"}, true},
		{"18:00", "between", "", []string{"09:00", "17:30"}, false},
		{tags, "has_any_of", "", []string{"gold", "vip"}, true},
		{tags, "has_all_of", "", []string{"new", "vip"}, true},
		{tags, "has_all_of", "", []string{"new", "gold"}, false},
		{tags, "has_none_of", "", []string{"gold"}, true},
		{tags, "equals", "vip", nil, true},
	} {
		if got := compare(c.v, c.op, c.value, c.values); got != c.want {
			t.Errorf("compare(%v %s %q %q) = %v", c.v, c.op, c.value, c.values, got)
		}
	}
}

func TestBranch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		steps := `[
			{"id": "b", "type": "branch", "settings": {"branches": [
				{"name": "both", "match": "all", "conditions": [
					{"subject": "tag", "operator": "has_any_of", "values": ["vip"]},
					{"subject": "lifecycle", "operator": "equals", "value": "Customer"}]},
				{"name": "either", "match": "any", "conditions": [
					{"subject": "field", "name": "first_name", "operator": "equals", "value": "nobody"},
					{"subject": "assignee_status", "operator": "equals", "value": "unassigned"}]}]},
			 "exits": {"branch[0]": "vip", "branch[1]": "any", "else": "none"}},
			{"id": "vip", "type": "send_message", "settings": {"text": "vip"}},
			{"id": "any", "type": "send_message", "settings": {"text": "any"}},
			{"id": "none", "type": "send_message", "settings": {"text": "none"}}]`
		run, conv := f.runSteps(steps)
		if got := f.outTexts(conv); len(got) != 1 || got[0] != "any" || run.History[0].Exit != "branch[1]" {
			t.Fatalf("an unassigned contact without tags: sent %q, history %+v", got, run.History)
		}
		// Tag the next contact and make them a customer before it runs.
		f.mid++
		got := f.write("+15550000001", "hi")
		ctx := context.Background()
		f.contacts.SetTag(ctx, access.System(f.wsp.ID), got.ContactID, "vip", true)
		f.contacts.SetLifecycle(ctx, access.System(f.wsp.ID), got.ContactID, "Customer")
		w := f.manual("branch again", steps)
		f.settle(w, f.startFor(w, got.ContactID))
		if sent := f.outTexts(got.ConversationID); len(sent) != 1 || sent[0] != "vip" {
			t.Fatalf("a vip customer: sent %q", sent)
		}
	})
}
