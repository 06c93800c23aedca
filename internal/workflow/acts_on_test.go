package workflow

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/event"
)

// The workflow consumer names to the committer only the conversations of
// events that may start, resume or end a run (actsOn): those rows are
// locked for its whole batch, so naming its own timeline events' too
// would hold receives of those conversations back for nothing. Every
// event type a trigger listens for must be named, or its run's writes
// could deadlock again.
func TestWorkflowConsumerNamesOnlyTheConversationsItChanges(t *testing.T) {
	for _, c := range []struct {
		typ  event.Type
		want bool
	}{
		{event.ConversationOpened, true},
		{event.ConversationClosed, true},
		{event.ConversationAssigned, true},
		{event.MessageReceived, true},
		{event.WorkflowStep, false},
		{event.WorkflowRunEnded, false},
		{event.MessageStatus, false},
		{event.ConversationQueued, false},
	} {
		if got := actsOn(event.Event{Type: c.typ}); got != c.want {
			t.Errorf("actsOn(%s) = %v, want %v", c.typ, got, c.want)
		}
	}
	for name, kind := range triggerKinds {
		if on := kind().on(); on != "" && !actsOn(event.Event{Type: on}) {
			t.Errorf("trigger %s listens for %s, whose conversation the consumer does not name", name, on)
		}
	}
}
