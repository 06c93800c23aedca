package workflow

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// RenderTx fills the variables of a text sent outside a run (the
// satisfaction survey's words) as a run of the contact's conversation
// would: {{contact.…}}, {{conversation.…}}, {{assignee.…}} and
// {{system.…}}, read through q so the caller's transaction sees its own
// writes. trigger, step and var have no run to come from and render
// empty, like any variable without a value.
func (e *Engine) RenderTx(ctx context.Context, q db.Querier, workspaceID, contactID, conversationID int64, text string) string {
	r := &Run{WorkspaceID: workspaceID, ContactID: contactID, ConversationID: conversationID}
	s := &scope{ctx: ctx, q: q, e: e, run: r, now: e.now()}
	out, _ := render(text, s.lookup)
	return out
}
