package workflow

import (
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/conversation"
)

func init() { register("open_conversation", func() stepImpl { return &openConversation{} }) }

// openConversation opens a conversation for the contact (source workflow)
// on a chosen channel or the one they last wrote on. If one is already
// open, on whichever channel, the run simply adopts it. A chosen channel
// the contact never wrote on is reached as the API's opens reach it: a
// channel that writes first by phone or email gets the identity made from
// the contact's (EngineOptions.Addressers); what cannot be reached is the
// step's failure, its reason in the run's history.
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
		ChannelID: s.ChannelID, Source: conversation.SourceWorkflow, Addressers: x.e.opts.Addressers})
	if err != nil {
		return result{}, err
	}
	x.run.ConversationID = c.ID
	if adopted {
		return next(fmt.Sprintf("conversation %d was already open", c.ID)), nil
	}
	return result{exit: "next", outcome: fmt.Sprintf("opened conversation %d", c.ID), output: map[string]any{"conversation_id": c.ID}}, nil
}
