package workflow

import "testing"

// TestChainConcurrent checks which chains may commit through the
// concurrent write door on PostgreSQL: only those that cannot reach a step
// whose writes rely on the exclusive one (routing's), through exits and
// jumps, before a wait or an outside effect ends the chain.
func TestChainConcurrent(t *testing.T) {
	const send = `"type": "send_message", "settings": {"text": "hi"}`
	const ask = `"type": "ask_question", "settings": {"question": "Order?", "answer_type": "text"}`
	const assign = `"type": "assign_to", "settings": {"target": "team", "team": "Sales"}`
	const http = `"type": "http_request", "settings": {"method": "GET", "url": "https://example.com"}`
	cases := []struct {
		name  string
		steps string
		start string
		want  bool
	}{
		{"sends only", `[{"id": "a", ` + send + `, "exits": {"next": "b"}}, {"id": "b", ` + send + `}]`, "a", true},
		{"an assignment chained", `[{"id": "a", ` + send + `, "exits": {"next": "b"}}, {"id": "b", ` + assign + `}]`, "a", false},
		{"an assignment first", `[{"id": "a", ` + assign + `}]`, "a", false},
		{"an assignment after a question asked", `[{"id": "a", ` + send + `, "exits": {"next": "q"}},
			{"id": "q", ` + ask + `, "exits": {"next": "b"}}, {"id": "b", ` + assign + `}]`, "a", true},
		{"an assignment after the question answered", `[{"id": "q", ` + ask + `, "exits": {"next": "b"}},
			{"id": "b", ` + assign + `}]`, "q", false},
		{"an assignment after an HTTP call", `[{"id": "a", ` + send + `, "exits": {"next": "h"}},
			{"id": "h", ` + http + `, "exits": {"next": "b"}}, {"id": "b", ` + assign + `}]`, "a", true},
		{"an assignment behind a jump", `[{"id": "a", ` + send + `, "exits": {"next": "j"}},
			{"id": "j", "type": "jump_to", "settings": {"step": "b"}}, {"id": "b", ` + assign + `}]`, "a", false},
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
