// Package assist is the AI help a human agent gets in the inbox (issue 15
// §4): a reply drafted from the conversation and the knowledge base, a
// draft rewritten (shorter, friendlier, more formal, grammar fixed), a
// text translated to the contact's language or the agent's, and a summary
// of the conversation for the closing dialog. Nothing here sends a
// message: every answer is a text the agent edits and sends themself,
// and the message is then marked as AI-written (conversation.AIDraft).
//
// Contact text and knowledge reach the model only inside delimited
// sections of the user message (see prompt.go), which the system message
// names as data, never instructions; the ai package redacts emails, phone
// and card numbers when the workspace asked for it, counts the tokens and
// refuses past the monthly budget.
package assist

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
)

// Models gives a workspace's model (ai.Service satisfies it).
type Models interface {
	Model(ctx context.Context, workspaceID int64) (ai.Model, bool, error)
}

// Knowledge searches a workspace's knowledge (knowledge.Service).
type Knowledge interface {
	Search(ctx context.Context, workspaceID int64, query string, opts knowledge.SearchOptions) ([]knowledge.Hit, error)
}

// Conversations reads a conversation the principal may see
// (conversation.Service): a 404 for one it may not.
type Conversations interface {
	Get(ctx context.Context, p access.Principal, id int64) (conversation.Conversation, error)
	RecentMessages(ctx context.Context, p access.Principal, conversationID int64, n int) ([]conversation.Message, error)
	OpeningMessages(ctx context.Context, p access.Principal, conversationID int64, n int) ([]conversation.Message, error)
}

// Contacts reads a contact (contact.Service).
type Contacts interface {
	Get(ctx context.Context, p access.Principal, id int64) (contact.Contact, error)
}

// Service answers the inbox's AI requests.
type Service struct {
	models        Models
	knowledge     Knowledge
	conversations Conversations
	contacts      Contacts
}

// New returns the service. knowledge may be nil (drafts then use the
// conversation alone).
func New(models Models, kb Knowledge, conversations Conversations, contacts Contacts) *Service {
	return &Service{models: models, knowledge: kb, conversations: conversations, contacts: contacts}
}

// Error codes the API answers, so the web app can tell them apart.
const (
	CodeNotConfigured   = "ai_not_configured"
	CodeBudgetExhausted = "ai_budget_exhausted"
	CodeProviderError   = "ai_provider_error"
	CodeUnreachable     = "ai_unreachable"
	CodeIncomplete      = "ai_answer_incomplete"
)

// finishedWhole refuses an answer the model stopped writing at the
// request's token limit (finish_reason "length"): it is part of a text,
// and handed over as the whole one (a translation into a language the
// agent does not read, say) it would be sent cut.
func finishedWhole(resp ai.ChatResponse) error {
	if resp.FinishReason != "length" {
		return nil
	}
	return apperr.WithCode(apperr.KindUpstream, CodeIncomplete,
		"the AI model reached its length limit before it finished, so its answer is not shown: try again with a shorter text")
}

// errNotConfigured is the answer of a request that needs a chat model in a
// workspace that has none.
func errNotConfigured(what string) error {
	return apperr.WithCode(apperr.KindConflict, CodeNotConfigured,
		what+" needs an AI model, and this workspace has none: an owner or a manager can set one in Settings → AI")
}

// chatModel returns the workspace's model when it has a chat model.
func (s *Service) chatModel(ctx context.Context, workspaceID int64) (ai.Model, bool, error) {
	if s.models == nil {
		return nil, false, nil
	}
	m, ok, err := s.models.Model(ctx, workspaceID)
	if err != nil || !ok || m.ChatModel() == "" {
		return nil, false, err
	}
	return m, true, nil
}

// modelError turns what a model call failed with into an answer the agent
// can act on: the budget, the provider's own message, or an unreachable
// provider. A cancelled request stays as it is.
func modelError(ctx context.Context, err error) error {
	var pe *ai.ProviderError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return err
	case errors.Is(err, ai.ErrBudgetExhausted):
		return &apperr.Error{Kind: apperr.KindConflict, Code: CodeBudgetExhausted, Err: err,
			Message: "this month's AI token budget is spent: AI help is back next month, or when an owner or a manager raises the budget in Settings → AI"}
	case errors.Is(err, ai.ErrNoModel):
		return errNotConfigured("this")
	case errors.As(err, &pe):
		msg := fmt.Sprintf("the AI provider answered %d", pe.Status)
		if pe.Message != "" {
			msg += ": " + pe.Message
		}
		return &apperr.Error{Kind: apperr.KindUpstream, Code: CodeProviderError, Message: msg, Err: err}
	}
	return &apperr.Error{Kind: apperr.KindUpstream, Code: CodeUnreachable, Err: err,
		Message: "the AI provider could not be reached or gave an unreadable answer; try again, or ask a manager to check Settings → AI"}
}
