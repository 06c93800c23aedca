package workflow

import (
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

func init() { register("close_conversation", func() stepImpl { return &closeConversation{} }) }

// closeConversation closes the conversation with optional closing notes
// (a category of the workspace and a summary with variables).
type closeConversation struct {
	Category string `json:"category,omitempty"`
	Summary  string `json:"summary,omitempty"`
}

func (s *closeConversation) check(*checker) {}

func (s *closeConversation) exits() []string { return []string{"next", "failure"} }

func (s *closeConversation) exec(x *execution) (result, error) {
	if x.run.ConversationID == 0 {
		return result{}, apperr.Conflict("the run has no conversation to close")
	}
	in := conversation.CloseInput{Source: conversation.SourceWorkflow, Category: x.text(s.Category), Summary: x.text(s.Summary)}
	x.log("category", in.Category)
	x.log("summary", in.Summary)
	if _, err := conversation.CloseTx(x.ctx, x.tx, x.run.WorkspaceID, x.run.ConversationID, in); err != nil {
		return result{}, err
	}
	return next("closed the conversation"), nil
}
