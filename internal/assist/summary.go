package assist

import (
	"context"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// SummaryInput asks for a conversation's summary in a language (the
// agent's; default English).
type SummaryInput struct {
	Language string `json:"language"`
}

// Summary summarises the conversation for a colleague, or for the closing
// summary: what the customer wanted, what was done, what is left.
func (s *Service) Summary(ctx context.Context, p access.Principal, conversationID int64, in SummaryInput) (Result, error) {
	lang := strings.TrimSpace(in.Language)
	if lang == "" {
		lang = "en"
	}
	lang, err := checkLanguage("language", lang)
	if err != nil {
		return Result{}, err
	}
	msgs, err := s.conversations.RecentMessages(ctx, p, conversationID, maxMessages)
	if err != nil {
		return Result{}, err
	}
	if len(msgs) == 0 {
		return Result{}, apperr.Conflict("the conversation has no message to summarise")
	}
	sec := newSections()
	sec.add("CONVERSATION", transcript(msgs))
	system := "You summarise a customer support conversation for the support team, in " + languageName(lang) + ", in two to four " +
		"plain sentences: what the customer wanted, what was done or answered, and what is left to do, if anything. Answer with the " +
		"summary only: no heading, no list. " + sec.rule("CONVERSATION (the messages, oldest first)")
	r, err := s.complete(ctx, p.WorkspaceID, "summarising", system, sec.String(), 800)
	if err != nil {
		return Result{}, err
	}
	r.Text, _ = limit.Truncate(r.Text, conversation.MaxSummaryLen, "…")
	r.Language = lang
	return r, nil
}
