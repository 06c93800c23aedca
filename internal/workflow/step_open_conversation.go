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
	ChannelID int64 `json:"channel_id,omitempty" ref:"channel"`
}

func (s *openConversation) check(*checker) {}

func (s *openConversation) exits() []string { return []string{"next", "failure"} }

func (s *openConversation) exec(x *execution) (result, error) {
	if x.run.ContactID == 0 {
		return result{}, fmt.Errorf("the run has no contact")
	}
	// Through the concurrent door (door.go): a conversation another writer
	// opens meanwhile is adopted (see conversation.OpenOrAdoptTx).
	c, adopted, err := conversation.OpenOrAdoptTx(x.ctx, x.tx, x.run.WorkspaceID, conversation.OpenInput{ContactID: x.run.ContactID,
		ChannelID: s.ChannelID, Source: conversation.SourceWorkflow})
	if err != nil {
		return result{}, err
	}
	x.run.ConversationID = c.ID
	if adopted {
		return next(fmt.Sprintf("conversation %d was already open", c.ID)), nil
	}
	return result{exit: "next", outcome: fmt.Sprintf("opened conversation %d", c.ID), output: map[string]any{"conversation_id": c.ID}}, nil
}
