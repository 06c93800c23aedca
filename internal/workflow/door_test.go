package workflow

import "testing"

// TestChainConcurrent checks which chains may commit through the
// concurrent write door on PostgreSQL: only those that cannot reach a step
// whose writes rely on the exclusive one, through exits and jumps, before
// a wait or an outside effect ends the chain. Every step type is listed
// now, so the walk is checked with Close Conversation taken off the list
// for the test, as a type that relies on the exclusive door.
func TestChainConcurrent(t *testing.T) {
	delete(concurrentSteps, "close_conversation")
	t.Cleanup(func() { concurrentSteps["close_conversation"] = true })
	const send = `"type": "send_message", "settings": {"text": "hi"}`
	const ask = `"type": "ask_question", "settings": {"question": "Order?", "answer_type": "text"}`
	const assign = `"type": "assign_to", "settings": {"target": "team", "team": "Sales"}`
	const closing = `"type": "close_conversation"`
	const http = `"type": "http_request", "settings": {"method": "GET", "url": "https://example.com"}`
	cases := []struct {
		name  string
		steps string
		start string
		want  bool
	}{
		{"sends only", `[{"id": "a", ` + send + `, "exits": {"next": "b"}}, {"id": "b", ` + send + `}]`, "a", true},
		{"an assignment chained (routing holds its own row locks)", `[{"id": "a", ` + send + `, "exits": {"next": "b"}}, {"id": "b", ` + assign + `}]`, "a", true},
		{"a close chained", `[{"id": "a", ` + send + `, "exits": {"next": "b"}}, {"id": "b", ` + closing + `}]`, "a", false},
		{"a close first", `[{"id": "a", ` + closing + `}]`, "a", false},
		{"a close after a question asked", `[{"id": "a", ` + send + `, "exits": {"next": "q"}},
			{"id": "q", ` + ask + `, "exits": {"next": "b"}}, {"id": "b", ` + closing + `}]`, "a", true},
		{"a close after the question answered", `[{"id": "q", ` + ask + `, "exits": {"next": "b"}},
			{"id": "b", ` + closing + `}]`, "q", false},
		{"a close after an HTTP call", `[{"id": "a", ` + send + `, "exits": {"next": "h"}},
			{"id": "h", ` + http + `, "exits": {"next": "b"}}, {"id": "b", ` + closing + `}]`, "a", true},
		{"a close behind a jump", `[{"id": "a", ` + send + `, "exits": {"next": "j"}},
			{"id": "j", "type": "jump_to", "settings": {"step": "b"}}, {"id": "b", ` + closing + `}]`, "a", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := ParseDefinition([]byte(`{"name": "T", "trigger": {"type": "manual"}, "steps": ` + c.steps + `}`))
			if err != nil {
				t.Fatal(err)
			}
			if got := chainConcurrent(&d, c.start); got != c.want {
				t.Fatalf("chainConcurrent = %v, want %v", got, c.want)
			}
		})
	}
}

// TestOpenAndCloseChainConcurrent: chains that open or close a
// conversation commit through the concurrent door, since the partial
// unique index and the conversation's row lock hold one open
// conversation per contact (see conversation.OpenTx and CloseTx).
func TestOpenAndCloseChainConcurrent(t *testing.T) {
	d, err := ParseDefinition([]byte(`{"name": "T", "trigger": {"type": "manual"}, "steps": [
		{"id": "o", "type": "open_conversation", "exits": {"next": "s"}},
		{"id": "s", "type": "send_message", "settings": {"text": "hi"}, "exits": {"next": "c"}},
		{"id": "c", "type": "close_conversation"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"o", "s", "c"} {
		if !chainConcurrent(&d, id) {
			t.Errorf("the chain from step %s takes the exclusive door", id)
		}
	}
}
