package channel

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// What the inbound metric counts each item as: a move or an item nothing
// took is not a stored message.
func TestOutcome(t *testing.T) {
	for _, c := range []struct {
		kind string
		r    conversation.Received
		want string
	}{
		{conversation.KindMessage, conversation.Received{MessageID: 1}, "stored"},
		{conversation.KindMessage, conversation.Received{MessageID: 1, Duplicate: true}, "duplicate"},
		{conversation.KindMessage, conversation.Received{Ignored: conversation.IgnoredAutomaticNoConversation}, "ignored"},
		{conversation.KindStatus, conversation.Received{Ignored: "no such message"}, "status"},
		{conversation.KindMoved, conversation.Received{ContactID: 3}, "moved"},
		{conversation.KindReaction, conversation.Received{Ignored: "a reaction to a message never stored"}, "ignored"},
	} {
		if got := Outcome(conversation.Inbound{Kind: c.kind}, c.r); got != c.want {
			t.Errorf("Outcome(%s, %+v) = %q, want %q", c.kind, c.r, got, c.want)
		}
	}
}
