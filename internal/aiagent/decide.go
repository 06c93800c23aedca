package aiagent

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
)

// Modes of a turn.
const (
	ModeRetrieval = "retrieval" // no model: the best passage, a clarifying question, or a hand-over
	ModeModel     = "model"     // the workspace's model, with tools
)

// Action statuses.
const (
	StatusDone    = "done"
	StatusRefused = "refused"
)

// decide works out what a turn does, without writing anything: the
// hand-over rules first (they hold whatever a model would say), then
// retrieval, then the model when one is configured.
func (s *Service) decide(ctx context.Context, t turn) Result {
	res := Result{Mode: ModeRetrieval, Message: ai.Redact(t.text), Passages: []Passage{}, Actions: []ActionResult{}}
	var model ai.Model
	if s.opts.AI != nil {
		m, ok, err := s.opts.AI.Model(ctx, t.workspaceID)
		switch {
		case err != nil:
			res.Error = ai.Redact(err.Error())
			return handover(res, RuleModelError, "the AI settings could not be read")
		case ok && m.ChatModel() != "":
			model, res.Mode, res.Model = m, ModeModel, m.ChatModel()
		}
	}
	a := t.agent
	if !a.Enabled {
		return handover(res, RuleDisabled, "the AI agent is disabled")
	}
	if p, ok := AsksForHuman(t.text); ok {
		return handover(res, RuleHumanRequested, fmt.Sprintf("the contact asked for a person (%q)", p))
	}
	if w, ok := IsNegative(t.text); ok {
		return handover(res, RuleNegative, fmt.Sprintf("the contact sounds upset (%q)", w))
	}
	if !OnTopic(t.text, a.Topics) {
		return handover(res, RuleOffTopic, "the message is outside the allowed topics ("+strings.Join(a.Topics, ", ")+")")
	}
	unresolved := 0
	for _, p := range t.previous {
		switch p.Outcome {
		case OutcomeAnswered, OutcomeClarified, OutcomeAsked, OutcomeActed:
			unresolved++
		}
	}
	if a.MaxTurns > 0 && unresolved >= a.MaxTurns {
		return handover(res, RuleMaxTurns, fmt.Sprintf("%d turns without resolution", unresolved))
	}
	var last Result
	if len(t.previous) > 0 {
		last = t.previous[len(t.previous)-1]
	}
	// After a clarifying question the answer ("the second one", "billing")
	// is read together with the question it answers.
	query := t.text
	if last.Outcome == OutcomeClarified && last.Query != "" {
		query = last.Query + " " + t.text
	}
	query = truncate(query, knowledge.MaxQueryLen)
	res.Query = ai.Redact(query)
	hits, err := s.opts.Knowledge.Search(ctx, t.workspaceID, query, knowledge.SearchOptions{
		Limit: 3, SourceIDs: a.SourceIDs, FullTextOnly: model == nil})
	if err != nil {
		res.Error = err.Error()
		return handover(res, RuleLowConfidence, "the knowledge base could not be searched")
	}
	for _, h := range hits {
		res.Passages = append(res.Passages, Passage{ArticleID: h.ArticleID, Title: h.Title, Match: h.Match})
	}
	conf := knowledge.Assess(hits)
	res.Confidence = &conf
	if model != nil {
		return s.decideWithModel(ctx, t, model, res, hits, last)
	}
	if !a.Allows(ActionReply) {
		return handover(res, RuleCannotReply, "the AI agent may not reply")
	}
	fr := isFrench(t.text)
	switch {
	case conf.Mode == knowledge.ModeAnswer && conf.Score >= a.MinConfidence:
		res.Actions = append(res.Actions, ActionResult{Name: "reply", Args: map[string]any{"text": quote(hits[0], fr)}})
	case conf.Mode == knowledge.ModeClarify && last.Outcome != OutcomeClarified:
		res.Actions = append(res.Actions, ActionResult{Name: "reply", Args: map[string]any{"text": clarify(hits[0].Title, hits[1].Title, fr)}})
		res.Outcome = OutcomeClarified
	case conf.Mode == knowledge.ModeClarify:
		return handover(res, RuleLowConfidence, "still ambiguous after a clarifying question")
	default:
		return handover(res, RuleLowConfidence, fmt.Sprintf("no knowledge passage answers it well enough (match %.2f, needed %.2f)",
			conf.Score, max(a.MinConfidence, knowledge.MinMatch)))
	}
	return res
}

func handover(res Result, rule, reason string) Result {
	res.Handover = &Handover{Rule: rule, Reason: reason}
	return res
}

// isFrench says whether to answer in French.
func isFrench(text string) bool {
	lang, _ := ai.DetectLanguage(text)
	return lang == "fr"
}

// maxQuoted bounds the passage a retrieval answer quotes.
const maxQuoted = 1200

// quote is a retrieval answer: the passage, quoted, with its article's
// title (and its address when it came from the web).
func quote(h knowledge.Hit, fr bool) string {
	passage := truncate(strings.TrimSpace(h.Passage), maxQuoted)
	var b strings.Builder
	if fr {
		fmt.Fprintf(&b, "%s :\n« %s »", h.Title, passage)
	} else {
		fmt.Fprintf(&b, "%s:\n“%s”", h.Title, passage)
	}
	if h.URL != "" {
		b.WriteString("\n" + h.URL)
	}
	return b.String()
}

// clarify asks which of two articles the contact means.
func clarify(a, b string, fr bool) string {
	if fr {
		return fmt.Sprintf("Votre question porte-t-elle sur « %s » ou sur « %s » ?", a, b)
	}
	return fmt.Sprintf("Is your question about “%s” or “%s”?", a, b)
}

// truncate cuts s to at most n characters, the "…" that marks the cut
// included (a search refuses a query past its limit), at a word boundary
// when one is near.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:max(n-1, 0)]
	cut := string(r)
	if i := strings.LastIndexAny(cut, " \n"); i > len(cut)*3/4 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut) + "…"
}
