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
	// One more than is read, to know whether there are more before.
	msgs, err := s.conversations.RecentMessages(ctx, p, conversationID, maxMessages+1)
	if err != nil {
		return Result{}, err
	}
	if len(msgs) == 0 {
		return Result{}, apperr.Conflict("the conversation has no message to summarise")
	}
	text := transcript(msgs)
	if len(msgs) > maxMessages {
		// A long conversation's last messages lack what the customer came
		// for: its opening messages go first, then a mark where messages
		// were left out, if any were.
		before := msgs[0]
		msgs = msgs[1:]
		opening, err := s.conversations.OpeningMessages(ctx, p, conversationID, openingMessages)
		if err != nil {
			return Result{}, err
		}
		var earlier []conversation.Message
		for _, m := range opening {
			if m.ID < msgs[0].ID {
				earlier = append(earlier, m)
			}
		}
		text = transcript(msgs)
		if len(earlier) > 0 {
			if earlier[len(earlier)-1].ID != before.ID {
				text = "[… messages left out …]\n" + text
			}
			text = transcript(earlier) + "\n" + text
		}
	}
	sec := newSections()
	sec.add("CONVERSATION", text)
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
