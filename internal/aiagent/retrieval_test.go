package aiagent_test

import (
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/aiagent"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// articles fills the knowledge base used by the tests.
func (f *fixture) articles() {
	f.article("Reset your password", "To reset your password, open Settings, choose Security and click Reset password. "+
		"A link to choose a new password arrives by email within five minutes.")
	f.article("Delivery times", "Orders ship within two business days. Delivery takes three to five days in Europe "+
		"and up to ten days elsewhere.")
	f.article("Refund an order", "You can ask for a refund of an order within 30 days: open the order and click Refund. "+
		"The refund reaches your card within a week.")
	f.article("Refund a subscription", "You can ask for a refund of a subscription within 30 days: open Billing and click Refund. "+
		"The refund reaches your card within a week.")
}

// With no model the agent answers with the best passage, quoted with its
// title, asks one clarifying question when two passages compete, and
// hands over otherwise — to the Support team, with a summary comment.
func TestRetrievalMode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.articles()
		a := f.agent(aiagent.Input{HandoverTeamID: &f.support})

		// A covered question: the passage, quoted, with its title.
		c := f.converse(a.ID, "+15550001", "How do I reset my password?")
		out := f.outTexts(c)
		if len(out) != 1 || !strings.HasPrefix(out[0], "Reset your password:\n“To reset your password") {
			t.Fatalf("answer = %q", out)
		}
		turn := f.lastTurn(c)
		if turn["outcome"] != aiagent.OutcomeAnswered || turn["mode"] != aiagent.ModeRetrieval {
			t.Fatalf("turn = %v", turn)
		}
		if f.count(`SELECT COUNT(*) FROM messages m JOIN users u ON u.id = m.sender_user_id WHERE m.conversation_id = ? AND u.kind = 'ai_agent'`, c) != 1 {
			t.Fatal("the answer is not authored by the AI agent member")
		}
		// Marked as an AI agent's, so no report counts it as a person's
		// response (conversation.AIAgent).
		if f.count(`SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND direction = 'out' AND ai = 'agent'`, c) != 1 {
			t.Fatal("the answer is not marked as written by an AI agent")
		}
		if got := f.conversation(c).AssigneeID; got != a.ID {
			t.Fatalf("assignee = %d, want the agent %d", got, a.ID)
		}

		// Two passages compete: one clarifying question; the answer to it
		// is read with the question and answered.
		c2 := f.converse(a.ID, "+15550002", "Can I get a refund?")
		if out := f.outTexts(c2); len(out) != 1 || !strings.Contains(out[0], "“Refund an order”") || !strings.Contains(out[0], "“Refund a subscription”") {
			t.Fatalf("clarifying question = %q", out)
		}
		if turn := f.lastTurn(c2); turn["outcome"] != aiagent.OutcomeClarified {
			t.Fatalf("turn = %v", turn)
		}
		f.say("+15550002", "the subscription, in Billing")
		if out := f.outTexts(c2); len(out) != 2 || !strings.HasPrefix(out[1], "Refund a subscription:") {
			t.Fatalf("answer after clarifying = %q", out)
		}

		// Nothing matches: hand-over to Support, with a comment saying why.
		c3 := f.converse(a.ID, "+15550003", "Do you sell gift vouchers for weddings?")
		turn = f.lastTurn(c3)
		if handoverRule(turn) != aiagent.RuleLowConfidence || turn["outcome"] != aiagent.OutcomeHandedOver {
			t.Fatalf("turn = %v", turn)
		}
		if len(f.outTexts(c3)) != 0 {
			t.Fatalf("sent %q before handing over", f.outTexts(c3))
		}
		conv := f.conversation(c3)
		if conv.AssigneeID == a.ID || conv.TeamID != f.support {
			t.Fatalf("after hand-over: assignee %d team %d", conv.AssigneeID, conv.TeamID)
		}
		comments := f.strings(`SELECT text FROM comments WHERE conversation_id = ?`, c3)
		if len(comments) != 1 || !strings.Contains(comments[0], "Handed over by Sam (AI agent): no knowledge passage answers it") ||
			!strings.Contains(comments[0], "gift vouchers") {
			t.Fatalf("comments = %q", comments)
		}
	})
}

// French questions get French frames around the passage.
func TestRetrievalFrench(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.article("Réinitialiser le mot de passe", "Pour réinitialiser votre mot de passe, ouvrez Réglages puis Sécurité et cliquez sur Réinitialiser.")
		a := f.agent(aiagent.Input{})
		c := f.converse(a.ID, "+33600000001", "Comment réinitialiser mon mot de passe ?")
		if out := f.outTexts(c); len(out) != 1 || !strings.HasPrefix(out[0], "Réinitialiser le mot de passe :\n« Pour") {
			t.Fatalf("answer = %q", out)
		}
	})
}

// The rules that need no model hand over: a request for a person, anger,
// a message outside the topics, too many turns, a disabled agent.
func TestHandoverRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.articles()
		a := f.agent(aiagent.Input{HandoverTeamID: &f.support, MaxTurns: ptr(2)})
		for i, tc := range []struct {
			text, rule string
		}{
			{"Can I talk to a human please?", aiagent.RuleHumanRequested},
			{"Je veux parler à un conseiller", aiagent.RuleHumanRequested},
			{"This is ridiculous, my password reset never arrives", aiagent.RuleNegative},
			{"C'est inadmissible, toujours pas de livraison", aiagent.RuleNegative},
		} {
			c := f.converse(a.ID, "+1555010"+string(rune('0'+i)), tc.text)
			if got := handoverRule(f.lastTurn(c)); got != tc.rule {
				t.Errorf("%q: rule %q, want %q", tc.text, got, tc.rule)
			}
			if f.conversation(c).AssigneeID == a.ID {
				t.Errorf("%q: still assigned to the agent", tc.text)
			}
		}

		// Two answers without resolution, then the third message hands over.
		c := f.converse(a.ID, "+15550200", "How do I reset my password?")
		f.say("+15550200", "How long does delivery take in Europe?")
		f.say("+15550200", "And how do I reset my password again?")
		if out := f.outTexts(c); len(out) != 2 {
			t.Fatalf("answers = %q", out)
		}
		if got := handoverRule(f.lastTurn(c)); got != aiagent.RuleMaxTurns {
			t.Fatalf("rule %q, want max_turns", got)
		}

		// Topics: delivery only.
		b := f.agent(aiagent.Input{Name: ptr("Dee"), Topics: &[]string{"delivery", "shipping"}})
		c = f.converse(b.ID, "+15550300", "How do I reset my password?")
		if got := handoverRule(f.lastTurn(c)); got != aiagent.RuleOffTopic {
			t.Fatalf("rule %q, want off_topic", got)
		}
		c = f.converse(b.ID, "+15550301", "How long does delivery take in Europe?")
		if got := f.lastTurn(c)["outcome"]; got != aiagent.OutcomeAnswered {
			t.Fatalf("on topic: outcome %v", got)
		}

		// A disabled agent hands over whatever it is asked.
		if _, err := f.svc.Update(t.Context(), f.ws, a.ID, aiagent.Input{Enabled: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		c = f.converse(a.ID, "+15550400", "How do I reset my password?")
		if got := handoverRule(f.lastTurn(c)); got != aiagent.RuleDisabled {
			t.Fatalf("rule %q, want agent_disabled", got)
		}
	})
}

// A person's reply takes over: the agent's pending turn does nothing.
// A person assigned instead takes over too.
func TestHumanTakesOver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.articles()
		a := f.agent(aiagent.Input{})
		c := f.converse(a.ID, "+15550500", "How do I reset my password?")
		f.assign(c, f.ana)
		f.say("+15550500", "How long does delivery take in Europe?")
		if out := f.outTexts(c); len(out) != 1 {
			t.Fatalf("the agent answered after a person was assigned: %q", out)
		}

		// A person replies in a conversation still assigned to the agent:
		// the agent stays out of it from then on.
		c = f.converse(a.ID, "+15550501", "How do I reset my password?")
		if _, err := f.conv.Send(t.Context(), access.System(f.ws), c, conversation.SendInput{Text: "Ana here, let me help.",
			Sender: conversation.SourceUser, UserID: f.ana}); err != nil {
			t.Fatal(err)
		}
		f.say("+15550501", "How long does delivery take in Europe?")
		if out := f.outTexts(c); len(out) != 2 || out[1] != "Ana here, let me help." {
			t.Fatalf("the agent answered after a person replied: %q", out)
		}
		if turn := f.lastTurn(c); turn["outcome"] != aiagent.OutcomeAnswered {
			t.Fatalf("a skipped turn wrote a timeline entry: %v", turn)
		}
	})
}

// A message longer than a search allows is cut for the search, not
// refused: a pasted reference with no space near the cut used to leave
// one character too many and hand over as "could not be searched".
func TestLongMessageIsSearched(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.articles()
		a := f.agent(aiagent.Input{HandoverTeamID: &f.support})
		c := f.converse(a.ID, "+15550700", "Password reset: "+strings.Repeat("9f3a", 130))
		turn := f.lastTurn(c)
		if turn["error"] != nil || turn["outcome"] != aiagent.OutcomeAnswered {
			t.Fatalf("turn = %v", turn)
		}
		if q, _ := turn["query"].(string); len([]rune(q)) > 500 {
			t.Fatalf("query of %d characters", len([]rune(q)))
		}
	})
}
