package workflow

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A run tied to a conversation writes what it does into the conversation's
// event timeline, beside the messages and assignments it caused, so the
// inbox shows one ordered story ("Inbound workflow asked for the email,
// saved the answer, took the Sales branch, assigned Ana: least open
// conversations") instead of a second history to cross-read. The run's own
// history (workflow_run_steps) stays the detailed record for the builder.

// timelineEvent appends a workflow event to the run's conversation; a run
// with no conversation (a contact trigger's) has no timeline to write.
func timelineEvent(ctx context.Context, tx *db.Tx, r *Run, typ event.Type, payload map[string]any) error {
	return timelineEventTo(ctx, tx, nil, r, typ, payload)
}

// timelineEventTo is timelineEvent that queues the event in lines, when
// not nil, to be appended by lines.flushEvents.
func timelineEventTo(ctx context.Context, tx *db.Tx, lines *stepLines, r *Run, typ event.Type, payload map[string]any) error {
	if r.ConversationID == 0 {
		return nil
	}
	payload["conversation_id"] = r.ConversationID
	payload["workflow_id"] = r.WorkflowID
	payload["version"] = r.Version
	payload["run_id"] = r.ID
	ev := event.New{WorkspaceID: r.WorkspaceID, Type: typ, ConversationID: r.ConversationID, ContactID: r.ContactID, Payload: payload}
	if lines != nil {
		lines.events = append(lines.events, ev)
		return nil
	}
	_, err := event.Append(ctx, tx, ev)
	return err
}

// convQuietSteps are the step types that append no event to a
// conversation (a contact's events have none): the timeline events queued
// before one need not be appended before it runs to keep the
// conversation's order (see stepLines.flushEvents).
var convQuietSteps = map[string]bool{
	"branch": true, "jump_to": true, "wait": true, "date_time": true,
	"update_contact_field": true, "update_contact_tag": true, "update_lifecycle": true,
}

// sendsFirst says whether a step, as it runs now, appends no event to
// its conversation before the first message it sends: Send Message, and
// Ask a Question asking (an answer may save fields or re-ask first).
func sendsFirst(stepType string, resumed bool) bool {
	return stepType == "send_message" || (stepType == "ask_question" && !resumed)
}

// stepPayload is what the timeline says of a step: the step, the exit it
// took, what it did in words and, when it produced them, its outputs (the
// message it sent, the answer it saved, the run it started).
func stepPayload(e Entry) map[string]any {
	p := map[string]any{"step": e.Step, "step_type": e.Type}
	for k, v := range map[string]string{"outcome": e.Outcome, "exit": e.Exit, "error": e.Error} {
		if v != "" {
			p[k] = v
		}
	}
	if len(e.Output) > 0 {
		p["output"] = e.Output
	}
	return p
}
