package aiagent

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
)

// Outcomes of a turn.
const (
	OutcomeAnswered   = "answered"    // replied from the knowledge
	OutcomeClarified  = "clarified"   // asked which of two passages was meant
	OutcomeAsked      = "asked"       // asked for a missing field
	OutcomeActed      = "acted"       // took actions without handing over or closing
	OutcomeHandedOver = "handed_over" // gave the conversation to people
	OutcomeClosed     = "closed"      // closed the conversation
	OutcomeSkipped    = "skipped"     // nothing to do: not its conversation any more, a person replied, a newer message
)

// Hand-over rules, as the timeline names them.
const (
	RuleHumanRequested = "human_requested"
	RuleNegative       = "negative_sentiment"
	RuleOffTopic       = "off_topic"
	RuleMaxTurns       = "max_turns"
	RuleLowConfidence  = "low_confidence"
	RuleModelError     = "model_error"
	RuleBudget         = "budget_exhausted"
	RuleModel          = "model_decided" // the model called handover
	RuleDisabled       = "agent_disabled"
	RuleCannotReply    = "cannot_reply"
	RuleNoAnswer       = "no_answer"
	RuleFailed         = "turn_failed"
)

// maxAttempts is how many times a turn that fails is run before it hands
// over instead.
const maxAttempts = 5

// Result is what one turn saw and did: the ai_agent.turn timeline event's
// payload and the turn's row in the run history. Text that came from the
// contact is redacted here, whatever the workspace's setting.
type Result struct {
	Mode       string                `json:"mode"` // retrieval or model
	Message    string                `json:"message"`
	Query      string                `json:"query,omitempty"`
	Passages   []Passage             `json:"passages"`
	Confidence *knowledge.Confidence `json:"confidence,omitempty"`
	Model      string                `json:"model,omitempty"`
	Usage      *ai.TokenUsage        `json:"usage,omitempty"`
	Actions    []ActionResult        `json:"actions"`
	Handover   *Handover             `json:"handover,omitempty"`
	Outcome    string                `json:"outcome"`
	AskedField string                `json:"asked_field,omitempty"`
	Error      string                `json:"error,omitempty"`
	Skipped    string                `json:"skipped,omitempty"`
}

// Passage is a knowledge passage a turn retrieved.
type Passage struct {
	ArticleID int64   `json:"article_id"`
	Title     string  `json:"title"`
	Match     float64 `json:"match"`
}

// ActionResult is one action the turn planned: done, or refused and why.
type ActionResult struct {
	Name   string         `json:"name"`
	Args   map[string]any `json:"args,omitempty"`
	Status string         `json:"status"` // done or refused
	Reason string         `json:"reason,omitempty"`
}

// Handover says why and to whom a turn handed over.
type Handover struct {
	Rule    string `json:"rule"`
	Reason  string `json:"reason"`
	Summary string `json:"summary"`
	TeamID  int64  `json:"team_id,omitempty"`
	UserID  int64  `json:"user_id,omitempty"`
	Queued  bool   `json:"queued,omitempty"`
}

// Register adds the turn runner to the node's due work.
func (s *Service) Register(r *due.Runner) *due.Handle {
	return r.Register(s.Kind())
}

// Kind is the turn runner as due work.
func (s *Service) Kind() due.Kind {
	return due.Kind{
		Name: DueTurns,
		Pass: s.Pass,
		Backlog: due.Overdue(s.db, `SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM ai_agent_turns
			WHERE status = 'pending' AND lease_until <= ?`),
	}
}

const turnBatch = 8

// Pass runs the turns that are due, oldest first, and returns when the
// next falls due: a leased turn whose node died is taken again once its
// lease ends. A batch's conversations run side by side (a model call takes
// seconds; one workspace's slow provider must not hold the others back),
// each conversation's turns in order.
func (s *Service) Pass(ctx context.Context) (time.Time, error) {
	now := s.db.Now()
	type claimed struct{ id, conversationID int64 }
	var batch []claimed
	// Concurrent: on PostgreSQL the turns are locked as they are chosen,
	// skipping those another node is claiming, and the condition is
	// checked again on each locked row's newest version, so two nodes
	// never lease one turn; SQLite has one writer.
	err := s.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		batch = batch[:0]
		q := `SELECT id, conversation_id FROM ai_agent_turns WHERE status = 'pending' AND lease_until <= ? ORDER BY id LIMIT ?`
		if tx.Dialect() == db.Postgres {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		rows, err := tx.Query(ctx, q, now, turnBatch)
		if err != nil {
			return err
		}
		list, err := db.Collect(rows, func(r *sql.Rows) (claimed, error) {
			var c claimed
			return c, r.Scan(&c.id, &c.conversationID)
		})
		if err != nil || len(list) == 0 {
			return err
		}
		batch = list
		ids := make([]int64, len(list))
		for i, c := range list {
			ids[i] = c.id
		}
		in, args := db.In(ids)
		_, err = tx.Exec(ctx, `UPDATE ai_agent_turns SET lease_until = ?, attempts = attempts + 1 WHERE id IN `+in,
			append([]any{now + s.opts.Lease.Milliseconds()}, args...)...)
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("aiagent: claim turns: %w", err)
	}
	var order []int64
	byConv := map[int64][]int64{}
	for _, c := range batch {
		if _, ok := byConv[c.conversationID]; !ok {
			order = append(order, c.conversationID)
		}
		byConv[c.conversationID] = append(byConv[c.conversationID], c.id)
	}
	var wg sync.WaitGroup
	for _, conv := range order {
		wg.Add(1)
		go func(ids []int64) {
			defer wg.Done()
			for _, id := range ids {
				if err := s.runTurn(ctx, id); err != nil && ctx.Err() == nil {
					s.log.Error("aiagent: turn failed; it runs again when its lease ends", "turn", id, "err", err)
				}
			}
		}(byConv[conv])
	}
	wg.Wait()
	if ctx.Err() != nil {
		return time.Time{}, ctx.Err()
	}
	if len(batch) == turnBatch {
		return s.db.Clock().Now(), nil
	}
	var next int64
	if err := s.db.Reader().QueryRow(ctx, `SELECT COALESCE(MIN(lease_until), 0) FROM ai_agent_turns WHERE status = 'pending'`).Scan(&next); err != nil {
		return time.Time{}, fmt.Errorf("aiagent: next turn: %w", err)
	}
	if next == 0 {
		return time.Time{}, nil
	}
	return db.Time(next), nil
}

// turn is a turn row and what it needs, read before deciding.
type turn struct {
	id, workspaceID, agentID, conversationID, messageID int64
	attempts                                            int

	agent    Agent
	conv     conversation.Conversation
	text     string    // the contact's unanswered messages up to this one
	history  []histMsg // the conversation's last messages, oldest first
	previous []Result  // the agent's earlier turns since it was last given the conversation, oldest first
}

type histMsg struct {
	in   bool
	text string
}

// runTurn reads, decides (the model call happens here, outside any
// transaction) and applies one turn.
func (s *Service) runTurn(ctx context.Context, id int64) error {
	t, skip, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	if skip != "" {
		return s.finishSkipped(ctx, t, skip)
	}
	var res Result
	if t.attempts > maxAttempts {
		res = Result{Mode: ModeRetrieval, Message: ai.Redact(t.text), Passages: []Passage{}}
		res.Handover = &Handover{Rule: RuleFailed, Reason: fmt.Sprintf("the AI agent failed %d times on this message", maxAttempts)}
	} else {
		res = s.decide(ctx, t)
	}
	return s.apply(ctx, t, res)
}

// load reads the turn; skip says why it has nothing to do.
func (s *Service) load(ctx context.Context, id int64) (turn, string, error) {
	q := s.db.Reader()
	var t turn
	var status string
	err := q.QueryRow(ctx, `SELECT id, workspace_id, agent_id, conversation_id, message_id, attempts, status FROM ai_agent_turns WHERE id = ?`, id).
		Scan(&t.id, &t.workspaceID, &t.agentID, &t.conversationID, &t.messageID, &t.attempts, &status)
	if err != nil {
		return t, "", fmt.Errorf("aiagent: load turn %d: %w", id, err)
	}
	if status != "pending" {
		return t, "already done", nil
	}
	if t.agent, err = get(ctx, q, t.workspaceID, t.agentID); apperr.KindOf(err) == apperr.KindNotFound {
		return t, "the AI agent was deleted", nil
	} else if err != nil {
		return t, "", err
	}
	if why, err := s.stale(ctx, q, &t); err != nil || why != "" {
		return t, why, err
	}
	// The contact's messages since the last one sent to them, up to this
	// one: two quick messages are one question.
	rows, err := q.Query(ctx, `SELECT direction, text FROM messages WHERE conversation_id = ? AND id <= ? ORDER BY id DESC LIMIT 20`,
		t.conversationID, t.messageID)
	if err != nil {
		return t, "", fmt.Errorf("aiagent: history: %w", err)
	}
	hist, err := db.Collect(rows, func(r *sql.Rows) (histMsg, error) {
		var h histMsg
		var dir string
		err := r.Scan(&dir, &h.text)
		h.in = dir == "in"
		return h, err
	})
	if err != nil {
		return t, "", fmt.Errorf("aiagent: history: %w", err)
	}
	var unanswered []string
	for _, h := range hist {
		if !h.in {
			break
		}
		if h.text != "" {
			unanswered = append([]string{h.text}, unanswered...)
		}
	}
	t.text = strings.Join(unanswered, "\n")
	for i := len(hist) - 1; i >= 0; i-- {
		t.history = append(t.history, hist[i])
	}
	// The turns since the conversation was last given to the agent: one a
	// person hands back after a hand-over starts a new count of max_turns
	// (and no clarification carries over from before).
	rows, err = q.Query(ctx, `SELECT result FROM ai_agent_turns WHERE conversation_id = ? AND agent_id = ? AND status = 'done' AND id < ?
		AND created_at >= COALESCE((SELECT MAX(e.created_at) FROM events e WHERE e.conversation_id = ? AND e.type = 'conversation.assigned'), 0)
		ORDER BY id`, t.conversationID, t.agentID, t.id, t.conversationID)
	if err != nil {
		return t, "", fmt.Errorf("aiagent: previous turns: %w", err)
	}
	t.previous, err = db.Collect(rows, func(r *sql.Rows) (Result, error) {
		var raw string
		var res Result
		if err := r.Scan(&raw); err != nil {
			return res, err
		}
		json.Unmarshal([]byte(raw), &res)
		return res, nil
	})
	if err != nil {
		return t, "", fmt.Errorf("aiagent: previous turns: %w", err)
	}
	return t, "", nil
}

// stale says why a turn no longer applies, as q sees the conversation:
// closed, assigned away from the agent (a person took over), answered by
// a person, or followed by a newer message whose turn answers both.
func (s *Service) stale(ctx context.Context, q db.Querier, t *turn) (string, error) {
	conv, err := conversation.GetTx(ctx, q, t.workspaceID, t.conversationID)
	if err != nil {
		return "", err
	}
	t.conv = conv
	switch {
	case conv.Status == conversation.StatusClosed:
		return "the conversation is closed", nil
	case conv.AssigneeID != t.agentID:
		return "the conversation is no longer assigned to the AI agent", nil
	}
	// A person's reply takes over: once someone replied since the
	// conversation was last assigned (to the agent: it still is), the agent
	// stays out of it until it is assigned to it again. A person's reply
	// after the turn's message answered it, even one sent before the
	// assignment (the consumer may read the message's arrival only after
	// it, and find the agent its assignee).
	var human, newer int
	if err := q.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM messages m JOIN users u ON u.id = m.sender_user_id
			WHERE m.conversation_id = ? AND m.direction = 'out' AND u.kind = 'human'
			AND (m.id > ? OR m.created_at >= COALESCE((SELECT MAX(e.created_at) FROM events e WHERE e.conversation_id = ? AND e.type = 'conversation.assigned'), 0))),
		(SELECT COUNT(*) FROM messages m WHERE m.conversation_id = ? AND m.id > ? AND m.direction = 'in')`,
		t.conversationID, t.messageID, t.conversationID, t.conversationID, t.messageID).Scan(&human, &newer); err != nil {
		return "", err
	}
	if human > 0 {
		return "a person replied", nil
	}
	if newer > 0 {
		return "a newer message from the contact is answered instead", nil
	}
	return "", nil
}

// finishSkipped marks a turn done with nothing applied.
func (s *Service) finishSkipped(ctx context.Context, t turn, why string) error {
	if why == "already done" {
		return nil
	}
	res := Result{Outcome: OutcomeSkipped, Skipped: why, Passages: []Passage{}, Actions: []ActionResult{}}
	js, _ := json.Marshal(res)
	return s.db.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE ai_agent_turns SET status = 'done', outcome = ?, result = ?, done_at = ? WHERE id = ? AND status = 'pending'`,
			OutcomeSkipped, string(js), tx.Now(), t.id)
		return err
	})
}

// apply writes what the turn decided, in one transaction with the turn's
// completion: the conversation is re-checked under the write lock, each
// action is checked against the agent's allowed set and the conversation's
// state, and an action the domain refuses is recorded as refused and the
// transaction run again without it.
func (s *Service) apply(ctx context.Context, t turn, res Result) error {
	refused := map[int]string{}
	for attempt := 0; attempt <= len(res.Actions)+1; attempt++ {
		out := res
		out.Actions = append([]ActionResult(nil), res.Actions...)
		failed := -1
		var failure error
		err := s.db.Write(ctx, func(tx *db.Tx) error {
			failed, failure = -1, nil
			var status string
			if err := tx.QueryRow(ctx, `SELECT status FROM ai_agent_turns WHERE id = ?`, t.id).Scan(&status); err != nil {
				return err
			}
			if status != "pending" {
				return errDone
			}
			if why, err := s.stale(ctx, tx, &t); err != nil {
				return err
			} else if why != "" {
				return skipErr(why)
			}
			x := &applier{s: s, tx: tx, ctx: ctx, t: t, res: &out}
			for i := range out.Actions {
				if why, ok := refused[i]; ok {
					out.Actions[i].Status, out.Actions[i].Reason = StatusRefused, why
					continue
				}
				if err := x.do(i); err != nil {
					if apperr.KindOf(err) != "" {
						failed, failure = i, err
					}
					return err
				}
			}
			if out.Handover == nil && !x.did() {
				// Nothing it planned could be done (a reply outside the
				// channel's window, every action refused): the contact
				// must not be left waiting on nobody.
				out.Handover = &Handover{Rule: RuleNoAnswer, Reason: "none of what the AI agent tried could be done"}
			}
			if out.Handover != nil && !x.closedOrGone {
				// The timeline says why first, then the hand-over itself
				// (the comment, the unassignment, routing's assignment).
				h := out.Handover
				h.TeamID, h.UserID = t.agent.HandoverTeamID, t.agent.HandoverUserID
				if h.Summary == "" {
					h.Summary = summarize(t, out)
				}
				out.Outcome = OutcomeHandedOver
				if err := s.timeline(ctx, tx, t, out); err != nil {
					return err
				}
				if err := x.handOver(h); err != nil {
					return err
				}
				return s.markDone(ctx, tx, t, out)
			}
			out.Outcome = x.outcome()
			if err := s.timeline(ctx, tx, t, out); err != nil {
				return err
			}
			return s.markDone(ctx, tx, t, out)
		})
		var skip skipErr
		switch {
		case err == nil, errors.Is(err, errDone):
			return nil
		case errors.As(err, &skip):
			return s.finishSkipped(ctx, t, string(skip))
		case failed >= 0:
			refused[failed] = failure.Error()
			continue
		default:
			return fmt.Errorf("aiagent: apply turn %d: %w", t.id, err)
		}
	}
	return fmt.Errorf("aiagent: apply turn %d: too many refused actions", t.id)
}

var errDone = errors.New("aiagent: turn already done")

type skipErr string

func (e skipErr) Error() string { return "aiagent: turn skipped: " + string(e) }

// markDone marks the turn done with its result (the run history).
func (s *Service) markDone(ctx context.Context, tx *db.Tx, t turn, res Result) error {
	js, err := json.Marshal(recorded(res))
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE ai_agent_turns SET status = 'done', outcome = ?, result = ?, done_at = ? WHERE id = ?`,
		res.Outcome, string(js), tx.Now(), t.id)
	return err
}

// timeline appends the turn's ai_agent.turn event to the conversation.
func (s *Service) timeline(ctx context.Context, tx *db.Tx, t turn, res Result) error {
	js, err := json.Marshal(recorded(res))
	if err != nil {
		return err
	}
	payload := map[string]any{}
	json.Unmarshal(js, &payload)
	payload["conversation_id"] = t.conversationID
	payload["agent_id"] = t.agentID
	payload["agent_name"] = t.agent.Name
	payload["turn_id"] = t.id
	payload["message_id"] = t.messageID
	_, err = event.Append(ctx, tx, event.New{WorkspaceID: t.workspaceID, Type: event.AIAgentTurn,
		ConversationID: t.conversationID, ContactID: t.conv.ContactID, Payload: payload})
	return err
}

// recorded is res as the run history and the timeline keep it: redacted
// like its message, since the hand-over summary quotes the contact's
// words and an action's arguments (a saved email, the model's summary or
// reply) may hold their address or number. A copy: res's actions are
// still to be applied, unredacted, when a refused one makes apply run
// again.
func recorded(res Result) Result {
	res = normal(res)
	if res.Handover != nil {
		h := *res.Handover
		h.Reason, h.Summary = ai.Redact(h.Reason), ai.Redact(h.Summary)
		res.Handover = &h
	}
	acts := make([]ActionResult, len(res.Actions))
	for i, a := range res.Actions {
		if a.Args != nil {
			args := make(map[string]any, len(a.Args))
			for k, v := range a.Args {
				if s, ok := v.(string); ok {
					v = ai.Redact(s)
				}
				args[k] = v
			}
			a.Args = args
		}
		a.Reason = ai.Redact(a.Reason)
		acts[i] = a
	}
	res.Actions = acts
	return res
}

// normal gives a result empty lists rather than nulls.
func normal(res Result) Result {
	if res.Actions == nil {
		res.Actions = []ActionResult{}
	}
	if res.Passages == nil {
		res.Passages = []Passage{}
	}
	return res
}
