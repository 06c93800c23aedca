package workflow

import (
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

func init() { register("add_comment", func() stepImpl { return &addComment{} }) }

// addComment adds an internal comment (with variables and @mentions) to
// the conversation.
type addComment struct {
	Text string `json:"text"`
}

func (s *addComment) check(c *checker) {
	if strings.TrimSpace(s.Text) == "" {
		c.add("settings.text", "is required")
	}
}

func (s *addComment) exits() []string { return []string{"next", "failure"} }

func (s *addComment) exec(x *execution) (result, error) {
	if x.run.ConversationID == 0 {
		return result{}, apperr.Conflict("the run has no conversation to comment on")
	}
	text := x.text(s.Text)
	x.log("text", text)
	cm, err := conversation.AddCommentTx(x.ctx, x.tx, x.run.WorkspaceID, x.run.ConversationID, conversation.CommentInput{Text: text})
	if err != nil {
		return result{}, err
	}
	return next(fmt.Sprintf("comment %d", cm.ID)), nil
}
