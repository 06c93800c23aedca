package workflow

import (
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/conversation"
)

func init() { register("open_conversation", func() stepImpl { return &openConversation{} }) }

// openConversation opens a conversation for the contact (source workflow)
// on a chosen channel or the one they last wrote on. If one is already
// open the run simply adopts it.
type openConversation struct {
	ChannelID int64 `json:"channel_id,omitempty"`
}

func (s *openConversation) check(*checker) {}

func (s *openConversation) exits() []string { return []string{"next", "failure"} }

func (s *openConversation) exec(x *execution) (result, error) {
	if x.run.ContactID == 0 {
		return result{}, fmt.Errorf("the run has no contact")
	}
	open, err := conversation.OpenOfTx(x.ctx, x.tx, x.run.WorkspaceID, x.run.ContactID)
	if err != nil {
		return result{}, err
	}
	if open.ID != 0 {
		x.run.ConversationID = open.ID
		return next(fmt.Sprintf("conversation %d was already open", open.ID)), nil
	}
	c, err := conversation.OpenTx(x.ctx, x.tx, x.run.WorkspaceID, conversation.OpenInput{ContactID: x.run.ContactID,
		ChannelID: s.ChannelID, Source: conversation.SourceWorkflow})
	if err != nil {
		return result{}, err
	}
	x.run.ConversationID = c.ID
	return result{exit: "next", outcome: fmt.Sprintf("opened conversation %d", c.ID), output: map[string]any{"conversation_id": c.ID}}, nil
}
