package assist

import (
	"context"
	"log/slog"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
)

// Where a draft comes from.
const (
	SourceModel     = "model"     // written by the workspace's chat model
	SourceKnowledge = "knowledge" // the best knowledge passage, quoted (no model)
)

// Draft is a reply for the agent to edit and send.
type Draft struct {
	Text string `json:"text"`
	// Source: model (the chat model wrote it) or knowledge (no model is
	// configured: the best passage of the knowledge base, quoted with its
	// title, because it matched the question well).
	Source string `json:"source" enum:"model,knowledge"`
	// Model names the chat model, for a model's draft.
	Model string `json:"model,omitempty"`
	// Language is the contact's language the draft was asked in ("" when
	// unknown: the model answers in the conversation's language).
	Language string `json:"language,omitempty"`
	// Passages are the knowledge passages the draft was given.
	Passages []Passage `json:"passages"`
}

// Passage is a knowledge passage a draft used.
type Passage struct {
	ArticleID int64   `json:"article_id"`
	Title     string  `json:"title"`
	URL       string  `json:"url,omitempty"`
	Match     float64 `json:"match"`
}

// Draft writes a reply to the conversation's contact from the conversation
// and the knowledge base. onDelta, when not nil, gets the text as the model
// writes it (a knowledge draft comes whole, in one piece). With no chat
// model the best knowledge passage is the draft when it matches the
// question well (knowledge.Assess answers "answer"); otherwise the answer
// is 409 ai_not_configured.
func (s *Service) Draft(ctx context.Context, p access.Principal, conversationID int64, onDelta func(string) error) (Draft, error) {
	conv, err := s.conversations.Get(ctx, p, conversationID)
	if err != nil {
		return Draft{}, err
	}
	msgs, err := s.conversations.RecentMessages(ctx, p, conversationID, maxMessages)
	if err != nil {
		return Draft{}, err
	}
	lang := s.contactLanguage(ctx, p.WorkspaceID, conv.ContactID, msgs)
	hits := s.search(ctx, p.WorkspaceID, question(msgs))
	d := Draft{Language: lang, Passages: make([]Passage, 0, len(hits))}
	for _, h := range hits {
		d.Passages = append(d.Passages, Passage{ArticleID: h.ArticleID, Title: h.Title, URL: h.URL, Match: h.Match})
	}
	m, ok, err := s.chatModel(ctx, p.WorkspaceID)
	if err != nil {
		return Draft{}, err
	}
	if !ok {
		return s.knowledgeDraft(d, hits, onDelta)
	}
	if len(msgs) == 0 {
		return Draft{}, apperr.Conflict("the conversation has no message to reply to yet")
	}
	sec := newSections()
	sec.add("CONVERSATION", transcript(msgs))
	sec.add("KNOWLEDGE", passagesSection(hits))
	target := "the customer's language (the language of their last messages)"
	if lang != "" {
		target = languageName(lang)
	}
	system := "You help a customer support agent write their next reply to a customer. Write only the reply, in " + target +
		", ready for the agent to send: no subject line, no notes to the agent, no placeholders in brackets, no sign-off with a name. " +
		"Be brief, friendly and precise. Use the knowledge passages where they answer the customer; never invent facts, prices, " +
		"policies or promises they do not state. When they do not answer, write a short reply that asks for what is missing or says " +
		"the agent will check. " + sec.rule("CONVERSATION (the messages so far, oldest first)", "KNOWLEDGE (passages from the help center)")
	req := ai.ChatRequest{MaxTokens: 600, Messages: []ai.Message{
		{Role: "system", Content: system},
		{Role: "user", Content: sec.String()},
	}}
	var resp ai.ChatResponse
	if onDelta != nil {
		resp, err = m.Stream(ctx, req, onDelta)
	} else {
		resp, err = m.Chat(ctx, req)
	}
	if err != nil {
		return Draft{}, modelError(ctx, err)
	}
	if err := finishedWhole(resp); err != nil {
		return Draft{}, err
	}
	d.Text, d.Source, d.Model = strings.TrimSpace(resp.Content), SourceModel, m.ChatModel()
	if d.Text == "" {
		return Draft{}, modelError(ctx, errEmptyAnswer)
	}
	return d, nil
}

// knowledgeDraft is the draft of a workspace without a chat model: the top
// passage, quoted with its title, when retrieval is confident.
func (s *Service) knowledgeDraft(d Draft, hits []knowledge.Hit, onDelta func(string) error) (Draft, error) {
	if knowledge.Assess(hits).Mode != knowledge.ModeAnswer {
		return Draft{}, apperr.WithCode(apperr.KindConflict, CodeNotConfigured,
			"no knowledge article answers this conversation well enough to quote, and drafting a reply needs an AI model, which this "+
				"workspace has none of: an owner or a manager can set one in Settings → AI")
	}
	top := hits[0]
	title := top.Title
	if top.URL != "" {
		title += " (" + top.URL + ")"
	}
	d.Text = strings.TrimSpace(top.Passage) + "\n\n— " + title
	d.Source = SourceKnowledge
	d.Passages = d.Passages[:1]
	if onDelta != nil {
		if err := onDelta(d.Text); err != nil {
			return Draft{}, err
		}
	}
	return d, nil
}

// search returns the passages that best answer q; a failed search (an
// embeddings call refused, say) drafts without knowledge rather than not
// at all.
func (s *Service) search(ctx context.Context, workspaceID int64, q string) []knowledge.Hit {
	if s.knowledge == nil || strings.TrimSpace(q) == "" {
		return nil
	}
	hits, err := s.knowledge.Search(ctx, workspaceID, q, knowledge.SearchOptions{Limit: knowledgePassages})
	if err != nil {
		slog.Warn("assist: knowledge search failed; drafting without it", "workspace_id", workspaceID, "err", err)
		return nil
	}
	return hits
}
