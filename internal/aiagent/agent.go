// Package aiagent is Switchboard's AI agents: members of a workspace a
// conversation can be assigned to (by a workflow's Assign To step, by
// routing when named, or by hand) that answer the contact themselves.
//
// An AI agent is a users row of kind ai_agent (no account: it never signs
// in) plus its settings in ai_agents: instructions, tone, the knowledge
// sources it may search, the actions it may take and its hand-over rules.
// It runs durably: an event-log consumer writes one turn per inbound
// message of a conversation assigned to it (exactly once, in the
// transaction that moves the consumer's cursor), and a due-work kind runs
// each turn — retrieval, the model when one is configured — then applies
// what it decided in one transaction that also marks the turn done, so a
// crash replays a turn but never applies it twice. Every turn appends an
// ai_agent.turn event to the conversation's timeline with its (redacted)
// inputs, its outputs, the actions done or refused and why it handed over.
package aiagent

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/routing"
)

// Actions an AI agent may be allowed. Hand-over is always allowed: it is
// what every rule falls back on.
const (
	ActionReply     = "reply"     // answer the contact
	ActionAskField  = "ask_field" // ask for a missing contact field, and save the answer
	ActionTags      = "tags"      // add or remove tags
	ActionLifecycle = "lifecycle" // set the lifecycle stage
	ActionAssign    = "assign"    // assign to a team or a person, with a summary comment
	ActionClose     = "close"     // close with a closing-notes category and a summary
)

// AllActions lists the actions in the order the settings show them.
var AllActions = []string{ActionReply, ActionAskField, ActionTags, ActionLifecycle, ActionAssign, ActionClose}

// Limits of an AI agent's settings.
const (
	MaxInstructionsLen = 4000
	MaxToneLen         = 200
	MaxTopics          = 50
	MaxTopicLen        = 60
	MaxSources         = 100
	MaxTurnsLimit      = 100
)

// Agent is an AI agent as the API shows it.
type Agent struct {
	ID           int64  `json:"id"` // its users id: what a conversation's assignee_id holds
	Name         string `json:"name"`
	Instructions string `json:"instructions"`
	Tone         string `json:"tone"`
	// SourceIDs are the knowledge sources it may search (0: the articles
	// written in the app); null: every source.
	SourceIDs []int64  `json:"source_ids"`
	Actions   []string `json:"actions"`
	// MaxTurns hands over after this many answers without resolution (0:
	// no limit); MinConfidence under this retrieval score (0–1).
	MaxTurns      int     `json:"max_turns"`
	MinConfidence float64 `json:"min_confidence"`
	// Topics, when not empty, are keywords one of which a message must
	// hold; a message with none is outside the allowed topics.
	Topics         []string  `json:"topics"`
	HandoverTeamID int64     `json:"handover_team_id"`
	HandoverUserID int64     `json:"handover_user_id"`
	Enabled        bool      `json:"enabled"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Allows reports whether the agent may take the action.
func (a Agent) Allows(action string) bool { return slices.Contains(a.Actions, action) }

// Input creates an agent (name required) or changes the fields given.
// SourceIDs: absent keeps them; AllSources true clears them to "every
// source".
type Input struct {
	Name           *string   `json:"name"`
	Instructions   *string   `json:"instructions"`
	Tone           *string   `json:"tone"`
	SourceIDs      *[]int64  `json:"source_ids"`
	AllSources     *bool     `json:"all_sources"`
	Actions        *[]string `json:"actions"`
	MaxTurns       *int      `json:"max_turns"`
	MinConfidence  *float64  `json:"min_confidence"`
	Topics         *[]string `json:"topics"`
	HandoverTeamID *int64    `json:"handover_team_id"`
	HandoverUserID *int64    `json:"handover_user_id"`
	Enabled        *bool     `json:"enabled"`
}

// Router is what the agent needs of routing: an assignment inside the
// transaction of its turn.
type Router interface {
	AssignTx(ctx context.Context, tx *db.Tx, req routing.Request) (routing.Result, error)
}

// Options build a Service.
type Options struct {
	// AI gives the workspace's model; nil or no model configured: the
	// agent works in retrieval mode.
	AI *ai.Service
	// Knowledge is searched for passages (required).
	Knowledge *knowledge.Service
	// Router hands conversations over (required).
	Router Router
	// Windows enforces channels' reply windows on what the agent sends.
	Windows conversation.Windows
	// Lease bounds how long a node may run one turn before another may
	// take it (default 2 min).
	Lease  time.Duration
	Logger *slog.Logger
}

// Service keeps AI agents and runs their turns.
type Service struct {
	db   *db.DB
	opts Options
	log  *slog.Logger
}

// New returns the service over d.
func New(d *db.DB, opts Options) *Service {
	if opts.Lease <= 0 {
		opts.Lease = 2 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Service{db: d, opts: opts, log: opts.Logger}
}

const agentSelect = `SELECT u.id, u.name, g.instructions, g.tone, g.source_ids, g.actions, g.max_turns, g.min_confidence, g.topics,
	COALESCE(g.handover_team_id, 0), COALESCE(g.handover_user_id, 0), g.enabled, g.created_at, g.updated_at
	FROM ai_agents g JOIN users u ON u.id = g.user_id`

func scanAgent(row interface{ Scan(...any) error }) (Agent, error) {
	var a Agent
	var sources sql.NullString
	var actions, topics string
	var enabled int
	var created, updated int64
	if err := row.Scan(&a.ID, &a.Name, &a.Instructions, &a.Tone, &sources, &actions, &a.MaxTurns, &a.MinConfidence, &topics,
		&a.HandoverTeamID, &a.HandoverUserID, &enabled, &created, &updated); err != nil {
		return a, err
	}
	if sources.Valid {
		a.SourceIDs = []int64{}
		json.Unmarshal([]byte(sources.String), &a.SourceIDs)
	}
	a.Actions, a.Topics = []string{}, []string{}
	json.Unmarshal([]byte(actions), &a.Actions)
	json.Unmarshal([]byte(topics), &a.Topics)
	a.Enabled = enabled != 0
	a.CreatedAt, a.UpdatedAt = db.Time(created), db.Time(updated)
	return a, nil
}

// Get returns an AI agent of the workspace.
func (s *Service) Get(ctx context.Context, workspaceID, id int64) (Agent, error) {
	return get(ctx, s.db.Reader(), workspaceID, id)
}

func get(ctx context.Context, q db.Querier, workspaceID, id int64) (Agent, error) {
	a, err := scanAgent(q.QueryRow(ctx, agentSelect+` WHERE g.workspace_id = ? AND g.user_id = ? AND u.deactivated_at = 0`, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Agent{}, apperr.NotFound("AI agent")
	}
	if err != nil {
		return Agent{}, fmt.Errorf("aiagent: get: %w", err)
	}
	return a, nil
}

// List returns the workspace's AI agents by name.
func (s *Service) List(ctx context.Context, workspaceID int64) ([]Agent, error) {
	rows, err := s.db.Reader().Query(ctx, agentSelect+` WHERE g.workspace_id = ? AND u.deactivated_at = 0 ORDER BY u.name, u.id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("aiagent: list: %w", err)
	}
	list, err := db.Collect(rows, func(r *sql.Rows) (Agent, error) { return scanAgent(r) })
	if err != nil {
		return nil, fmt.Errorf("aiagent: list: %w", err)
	}
	return list, nil
}

// Create adds an AI agent: a member of kind ai_agent (role agent, no
// account) and its settings. Defaults: reply only, every source, hand
// over after 5 turns or under the knowledge base's answer threshold.
func (s *Service) Create(ctx context.Context, workspaceID int64, in Input) (Agent, error) {
	a := Agent{Actions: []string{ActionReply}, MaxTurns: 5, MinConfidence: knowledge.MinMatch, Topics: []string{}, Enabled: true}
	var out Agent
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		b := a
		if err := apply(ctx, tx, workspaceID, &b, in, true); err != nil {
			return err
		}
		now := tx.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO users (workspace_id, account_id, name, role, status, created_at, kind) VALUES (?, NULL, ?, 'agent', 'online', ?, 'ai_agent') RETURNING id`,
			workspaceID, b.Name, now).Scan(&b.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO ai_agents (user_id, workspace_id, created_at, updated_at) VALUES (?, ?, ?, ?)`, b.ID, workspaceID, now, now); err != nil {
			return err
		}
		if err := save(ctx, tx, b, now); err != nil {
			return err
		}
		var err error
		out, err = get(ctx, tx, workspaceID, b.ID)
		return err
	})
	return out, wrap("create", err)
}

// Update changes the fields given.
func (s *Service) Update(ctx context.Context, workspaceID, id int64, in Input) (Agent, error) {
	var out Agent
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		a, err := get(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		if err := apply(ctx, tx, workspaceID, &a, in, false); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET name = ? WHERE id = ?`, a.Name, a.ID); err != nil {
			return err
		}
		if err := save(ctx, tx, a, tx.Now()); err != nil {
			return err
		}
		out, err = get(ctx, tx, workspaceID, id)
		return err
	})
	return out, wrap("update", err)
}

// Delete removes an AI agent: its member is deactivated (messages and
// turns keep naming it) and its open conversations are left unassigned
// in their team, where people see them.
func (s *Service) Delete(ctx context.Context, workspaceID, id int64) error {
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := get(ctx, tx, workspaceID, id); err != nil {
			return err
		}
		ids, err := db.QueryIDs(ctx, tx, `SELECT id FROM conversations WHERE assignee_id = ? AND status <> 'closed'`, id)
		if err != nil {
			return err
		}
		for _, c := range ids {
			if _, err := conversation.UnassignTx(ctx, tx, workspaceID, c, conversation.UnassignInput{
				Source: conversation.SourceAIAgent, Reason: "the AI agent was deleted"}); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE users SET deactivated_at = ? WHERE id = ?`, tx.Now(), id)
		return err
	})
	return wrap("delete", err)
}

func save(ctx context.Context, tx *db.Tx, a Agent, now int64) error {
	var sources any
	if a.SourceIDs != nil {
		js, _ := json.Marshal(a.SourceIDs)
		sources = string(js)
	}
	actions, _ := json.Marshal(a.Actions)
	topics, _ := json.Marshal(a.Topics)
	enabled := 0
	if a.Enabled {
		enabled = 1
	}
	_, err := tx.Exec(ctx, `UPDATE ai_agents SET instructions = ?, tone = ?, source_ids = ?, actions = ?, max_turns = ?, min_confidence = ?,
		topics = ?, handover_team_id = ?, handover_user_id = ?, enabled = ?, updated_at = ? WHERE user_id = ?`,
		a.Instructions, a.Tone, sources, string(actions), a.MaxTurns, a.MinConfidence, string(topics),
		nullID(a.HandoverTeamID), nullID(a.HandoverUserID), enabled, now, a.ID)
	return err
}

// apply validates in onto a, checking the sources, team and user exist in
// the workspace.
func apply(ctx context.Context, tx *db.Tx, workspaceID int64, a *Agent, in Input, create bool) error {
	if in.Name != nil {
		a.Name = strings.TrimSpace(*in.Name)
	}
	if create || in.Name != nil {
		if a.Name == "" {
			return apperr.Invalid("name", "is required")
		}
		if err := limit.Text("name", a.Name, limit.Name); err != nil {
			return err
		}
	}
	if in.Instructions != nil {
		a.Instructions = strings.TrimSpace(*in.Instructions)
		if err := limit.Text("instructions", a.Instructions, MaxInstructionsLen); err != nil {
			return err
		}
	}
	if in.Tone != nil {
		a.Tone = strings.TrimSpace(*in.Tone)
		if err := limit.Text("tone", a.Tone, MaxToneLen); err != nil {
			return err
		}
	}
	if in.AllSources != nil && *in.AllSources {
		a.SourceIDs = nil
	} else if in.SourceIDs != nil {
		ids := slices.Clone(*in.SourceIDs)
		if ids == nil {
			ids = []int64{}
		}
		if len(ids) > MaxSources {
			return apperr.Invalid("source_ids", "holds %d sources; at most %d are allowed", len(ids), MaxSources)
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		for _, id := range ids {
			if id == 0 {
				continue
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM knowledge_sources WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return apperr.Invalid("source_ids", "%d is not a knowledge source of this workspace", id)
			}
		}
		a.SourceIDs = ids
	}
	if in.Actions != nil {
		acts := []string{}
		for _, x := range *in.Actions {
			if !slices.Contains(AllActions, x) {
				return apperr.Invalid("actions", "%q is not an action; the actions are %s", x, strings.Join(AllActions, ", "))
			}
			if !slices.Contains(acts, x) {
				acts = append(acts, x)
			}
		}
		a.Actions = acts
	}
	if in.MaxTurns != nil {
		if *in.MaxTurns < 0 || *in.MaxTurns > MaxTurnsLimit {
			return apperr.Invalid("max_turns", "must be 0 (no limit) to %d", MaxTurnsLimit)
		}
		a.MaxTurns = *in.MaxTurns
	}
	if in.MinConfidence != nil {
		if *in.MinConfidence < 0 || *in.MinConfidence > 1 {
			return apperr.Invalid("min_confidence", "must be between 0 and 1")
		}
		a.MinConfidence = *in.MinConfidence
	}
	if in.Topics != nil {
		topics := []string{}
		for _, t := range *in.Topics {
			t = strings.TrimSpace(t)
			if t == "" {
				continue
			}
			if err := limit.Text("topics", t, MaxTopicLen); err != nil {
				return err
			}
			topics = append(topics, t)
		}
		if len(topics) > MaxTopics {
			return apperr.Invalid("topics", "holds %d topics; at most %d are allowed", len(topics), MaxTopics)
		}
		a.Topics = topics
	}
	if in.HandoverTeamID != nil {
		a.HandoverTeamID = *in.HandoverTeamID
		if a.HandoverTeamID != 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM teams WHERE workspace_id = ? AND id = ?`, workspaceID, a.HandoverTeamID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return apperr.Invalid("handover_team_id", "%d is not a team of this workspace", a.HandoverTeamID)
			}
		}
	}
	if in.HandoverUserID != nil {
		a.HandoverUserID = *in.HandoverUserID
		if a.HandoverUserID != 0 {
			var kind string
			var deactivated int64
			err := tx.QueryRow(ctx, `SELECT kind, deactivated_at FROM users WHERE workspace_id = ? AND id = ?`, workspaceID, a.HandoverUserID).Scan(&kind, &deactivated)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && deactivated != 0) {
				return apperr.Invalid("handover_user_id", "%d is not an active user of this workspace", a.HandoverUserID)
			}
			if err != nil {
				return err
			}
			if kind == routing.KindAIAgent {
				return apperr.Invalid("handover_user_id", "must be a person, not an AI agent")
			}
		}
	}
	if in.Enabled != nil {
		a.Enabled = *in.Enabled
	}
	return nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// wrap prefixes internal errors, leaving domain errors untouched.
func wrap(op string, err error) error {
	if err == nil || apperr.KindOf(err) != "" {
		return err
	}
	return fmt.Errorf("aiagent: %s: %w", op, err)
}
