package aiagent_test

import (
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/aiagent"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// max_turns counts the turns since the agent was given the conversation:
// one a person hands back to it after a hand-over starts again, rather
// than being handed over at once for the turns of before.
func TestMaxTurnsCountFromTheAssignment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.articles()
		a := f.agent(aiagent.Input{HandoverTeamID: &f.support, MaxTurns: ptr(2)})
		c := f.converse(a.ID, "+15550900", "How do I reset my password?")
		f.say("+15550900", "How long does delivery take in Europe?")
		f.say("+15550900", "And how do I reset my password again?")
		if got := handoverRule(f.lastTurn(c)); got != aiagent.RuleMaxTurns {
			t.Fatalf("third message: rule %q, want max_turns", got)
		}

		// A person looks, then gives the conversation back to the agent.
		f.clock.Advance(time.Minute)
		f.assign(c, a.ID)
		f.say("+15550900", "How long does delivery take in Europe?")
		turn := f.lastTurn(c)
		if turn["outcome"] != aiagent.OutcomeAnswered {
			t.Fatalf("after the agent was given the conversation again: %v, want an answer", turn)
		}
		if out := f.outTexts(c); len(out) != 3 {
			t.Fatalf("sent %q, want the third answer", out)
		}
	})
}
