package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// fact is one row of report_conversations while a batch works on it.
type fact struct {
	isNew bool

	ConversationID, WorkspaceID, ContactID, ChannelID, TeamID, AssigneeID int64
	OpenedAt, OpenedLocal                                                 int64
	OpenedSource                                                          string
	QueuedAt, FirstAssignedAt, FirstAssignedLocal, FirstAssigneeID        int64
	Strategy                                                              string
	TimeToAssign, QueueWait                                               sql.NullInt64
	Reassignments                                                         int64
	WaitingSince, FirstResponseAt, FirstResponseLocal, FirstResponderID   int64
	FirstResponse, FirstResponseBH, AssignResponse                        sql.NullInt64
	Responses, ResponseTotal, MessagesIn, MessagesOut                     int64
	ClosedAt, ClosedLocal                                                 int64
	ClosedSource, Category                                                string
	Resolution, ResolutionBH                                              sql.NullInt64
	Reopen, IsTest                                                        int64
	LastEventID                                                           int64
}

const factColumns = `conversation_id, workspace_id, contact_id, channel_id, team_id, assignee_id, opened_at, opened_local, opened_source,
	queued_at, first_assigned_at, first_assigned_local, first_assignee_id, strategy, time_to_assign_ms, queue_wait_ms, reassignments, waiting_since,
	first_response_at, first_response_local, first_responder_id, first_response_ms, first_response_bh_ms, assign_response_ms,
	responses, response_ms_total, messages_in, messages_out, closed_at, closed_local, closed_source, category, resolution_ms,
	resolution_bh_ms, reopen, is_test, last_event_id`

func (f *fact) fields() []any {
	return []any{&f.ConversationID, &f.WorkspaceID, &f.ContactID, &f.ChannelID, &f.TeamID, &f.AssigneeID, &f.OpenedAt, &f.OpenedLocal,
		&f.OpenedSource, &f.QueuedAt, &f.FirstAssignedAt, &f.FirstAssignedLocal, &f.FirstAssigneeID, &f.Strategy, &f.TimeToAssign, &f.QueueWait,
		&f.Reassignments, &f.WaitingSince, &f.FirstResponseAt, &f.FirstResponseLocal, &f.FirstResponderID, &f.FirstResponse,
		&f.FirstResponseBH, &f.AssignResponse, &f.Responses, &f.ResponseTotal, &f.MessagesIn, &f.MessagesOut, &f.ClosedAt,
		&f.ClosedLocal, &f.ClosedSource, &f.Category, &f.Resolution, &f.ResolutionBH, &f.Reopen, &f.IsTest, &f.LastEventID}
}

func (f *fact) values() []any {
	out := make([]any, 0, 37)
	for _, p := range f.fields() {
		switch v := p.(type) {
		case *int64:
			out = append(out, *v)
		case *string:
			out = append(out, *v)
		case *sql.NullInt64:
			out = append(out, *v)
		}
	}
	return out
}

// batch is the state of one Project call.
type batch struct {
	s         *Service
	tx        *db.Tx
	calendars map[int64]Calendar
	teamCals  map[[2]int64]Calendar
	facts     map[int64]*fact
	order     []int64
	days      map[dayKey]int64
	// orig holds the facts as read from the store, before this batch;
	// dirty the (workspace, local day) pairs whose facts it changed.
	orig  map[int64]fact
	dirty map[[2]int64]bool
}

type dayKey struct {
	workspaceID, day, channelID int64
	direction, sender           string
	userID, teamID              int64
}

// Project applies events to the projection inside tx. Each conversation's
// facts remember the last event applied to them, and every other row is
// keyed by its event (or run, or contact), so an event applied twice
// changes nothing.
func (s *Service) Project(ctx context.Context, tx *db.Tx, events []event.Event) error {
	b := &batch{s: s, tx: tx, calendars: map[int64]Calendar{}, facts: map[int64]*fact{}, days: map[dayKey]int64{}, teamCals: map[[2]int64]Calendar{},
		orig: map[int64]fact{}, dirty: map[[2]int64]bool{}}
	for _, e := range events {
		if err := b.apply(ctx, e); err != nil {
			return fmt.Errorf("report: project event %d (%s): %w", e.ID, e.Type, err)
		}
	}
	return b.flush(ctx)
}

func (b *batch) calendar(ctx context.Context, workspaceID int64) (Calendar, error) {
	if c, ok := b.calendars[workspaceID]; ok {
		return c, nil
	}
	c, err := LoadCalendar(ctx, b.tx, workspaceID)
	b.calendars[workspaceID] = c
	return c, err
}

// teamCalendar is the calendar of a conversation of the team: the team's
// own when it has one, the workspace's otherwise (ws is its calendar).
func (b *batch) teamCalendar(ctx context.Context, ws Calendar, workspaceID, teamID int64) (Calendar, error) {
	k := [2]int64{workspaceID, teamID}
	if c, ok := b.teamCals[k]; ok {
		return c, nil
	}
	c, err := ws.forTeam(ctx, b.tx, workspaceID, teamID)
	b.teamCals[k] = c
	return c, err
}

// payload is the union of the fields the projection reads from payloads.
type payload struct {
	Source             string `json:"source"`
	ChannelID          int64  `json:"channel_id"`
	AssigneeID         int64  `json:"assignee_id"`
	TeamID             int64  `json:"team_id"`
	PreviousAssigneeID int64  `json:"previous_assignee_id"`
	Sender             string `json:"sender"`
	UserID             int64  `json:"user_id"`
	// AI marks a message written with AI (draft or agent): never a
	// person's response, whatever its sender.
	AI       string `json:"ai"`
	Category string `json:"category"`
	Routing  struct {
		Strategy string `json:"strategy"`
	} `json:"routing"`
	To       string `json:"to"`
	RunID    int64  `json:"run_id"`
	Workflow int64  `json:"workflow_id"`
	Step     string `json:"step"`
	Status   string `json:"status"`
}

func (b *batch) apply(ctx context.Context, e event.Event) error {
	var p payload
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return err
	}
	cal, err := b.calendar(ctx, e.WorkspaceID)
	if err != nil {
		return err
	}
	at := e.CreatedAt.UnixMilli()
	local := cal.Local(at)
	switch e.Type {
	case event.ContactCreated:
		test, err := b.s.testContact(ctx, b.tx, e.ContactID)
		if err != nil {
			return err
		}
		_, err = b.tx.Exec(ctx, `INSERT INTO report_contacts (contact_id, workspace_id, created_local, is_test) VALUES (?, ?, ?, ?)
			ON CONFLICT (contact_id) DO NOTHING`, e.ContactID, e.WorkspaceID, local, boolInt(test))
		return err
	case event.ContactLifecycle:
		_, err := b.tx.Exec(ctx, `INSERT INTO report_lifecycle (event_id, workspace_id, contact_id, stage, at_local) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (event_id) DO NOTHING`, e.ID, e.WorkspaceID, e.ContactID, p.To, local)
		return err
	case event.WorkflowRunStarted, event.WorkflowStep, event.WorkflowRunEnded:
		return b.run(ctx, e, p, local)
	}
	if e.ConversationID == 0 {
		return nil
	}
	if e.Type == event.ConversationOpened {
		return b.opened(ctx, e, p, cal, at, local)
	}
	f, err := b.fact(ctx, e.ConversationID)
	if err != nil || f == nil || e.ID <= f.LastEventID {
		return err // unknown (opened before the log began) or already applied
	}
	f.LastEventID = e.ID
	if e.Type == event.MessageSent || e.Type == event.ConversationClosed {
		// Business-hours durations count the calendar of the team the
		// conversation is in when they are computed.
		if cal, err = b.teamCalendar(ctx, cal, e.WorkspaceID, f.TeamID); err != nil {
			return err
		}
	}
	switch e.Type {
	case event.ConversationQueued:
		if f.QueuedAt == 0 && f.FirstAssignedAt == 0 {
			f.QueuedAt = at
		}
		if p.TeamID != 0 {
			f.TeamID = p.TeamID
		}
	case event.ConversationAssigned:
		if p.TeamID != 0 {
			f.TeamID = p.TeamID
		}
		if f.FirstAssignedAt == 0 {
			f.FirstAssignedAt, f.FirstAssignedLocal, f.FirstAssigneeID = at, local, p.AssigneeID
			f.Strategy = p.Routing.Strategy
			if f.Strategy == "" {
				f.Strategy = "manual"
			}
			f.TimeToAssign = valid(at - f.OpenedAt)
			if f.QueuedAt != 0 {
				f.QueueWait = valid(at - f.QueuedAt)
			}
		} else if p.AssigneeID != f.AssigneeID {
			f.Reassignments++
		}
		f.AssigneeID = p.AssigneeID
	case event.ConversationUnassigned:
		if p.TeamID != 0 {
			f.TeamID = p.TeamID
		}
	case event.MessageReceived:
		f.MessagesIn++
		if f.WaitingSince == 0 {
			f.WaitingSince = at
		}
		b.days[dayKey{e.WorkspaceID, local / dayMs, p.ChannelID, "in", "contact", 0, f.TeamID}]++
	case event.MessageSent:
		f.MessagesOut++
		b.days[dayKey{e.WorkspaceID, local / dayMs, p.ChannelID, "out", p.Sender, p.UserID, f.TeamID}]++
		if p.Sender != "user" || p.AI != "" || f.WaitingSince == 0 {
			// Only a person's own reply answers the contact: workflow, bot
			// and AI-written messages (an AI draft an agent sent, an AI
			// agent's reply) leave the contact waiting for one.
			return nil
		}
		wait, waitBH := at-f.WaitingSince, cal.BusinessMs(f.WaitingSince, at)
		if _, err := b.tx.Exec(ctx, `INSERT INTO report_responses (event_id, workspace_id, conversation_id, user_id, at_local, response_ms,
			response_bh_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
			e.ID, e.WorkspaceID, e.ConversationID, p.UserID, local, wait, waitBH); err != nil {
			return err
		}
		b.dirty[[2]int64{e.WorkspaceID, local / dayMs}] = true
		f.Responses++
		f.ResponseTotal += wait
		f.WaitingSince = 0
		if f.FirstResponseAt == 0 {
			f.FirstResponseAt, f.FirstResponseLocal, f.FirstResponderID = at, local, p.UserID
			f.FirstResponse = valid(at - f.OpenedAt)
			if cal.HasHours() {
				f.FirstResponseBH = valid(cal.BusinessMs(f.OpenedAt, at))
			}
			if f.FirstAssignedAt != 0 {
				f.AssignResponse = valid(at - f.FirstAssignedAt)
			}
		}
	case event.ConversationClosed:
		f.ClosedAt, f.ClosedLocal, f.ClosedSource, f.Category = at, local, p.Source, p.Category
		f.Resolution = valid(at - f.OpenedAt)
		if cal.HasHours() {
			f.ResolutionBH = valid(cal.BusinessMs(f.OpenedAt, at))
		}
		f.WaitingSince = 0
	}
	return nil
}

func (b *batch) opened(ctx context.Context, e event.Event, p payload, cal Calendar, at, local int64) error {
	if f, err := b.fact(ctx, e.ConversationID); err != nil || f != nil {
		return err // applied already
	}
	f := &fact{isNew: true, ConversationID: e.ConversationID, WorkspaceID: e.WorkspaceID, ContactID: e.ContactID,
		ChannelID: p.ChannelID, OpenedAt: at, OpenedLocal: local, OpenedSource: p.Source, LastEventID: e.ID}
	test, err := b.s.testContact(ctx, b.tx, e.ContactID)
	if err != nil {
		return err
	}
	f.IsTest = boolInt(test)
	// A reopen: the contact's previous conversation closed at most the
	// window before this one opened (this batch's facts first, unflushed).
	var prev int64
	for _, g := range b.facts {
		if g.ContactID == f.ContactID && g.ClosedAt != 0 && g.ClosedAt <= at {
			prev = max(prev, g.ClosedAt)
		}
	}
	var stored sql.NullInt64
	if err := b.tx.QueryRow(ctx, `SELECT MAX(closed_at) FROM report_conversations WHERE contact_id = ? AND closed_at > 0 AND closed_at <= ?`,
		f.ContactID, at).Scan(&stored); err != nil {
		return err
	}
	prev = max(prev, stored.Int64)
	if prev != 0 && at-prev <= cal.ReopenWindow.Milliseconds() {
		f.Reopen = 1
	}
	b.facts[f.ConversationID] = f
	b.order = append(b.order, f.ConversationID)
	return nil
}

// fact returns the conversation's facts, from this batch or the store;
// nil when there are none.
func (b *batch) fact(ctx context.Context, id int64) (*fact, error) {
	if f, ok := b.facts[id]; ok {
		return f, nil
	}
	f := &fact{}
	err := b.tx.QueryRow(ctx, `SELECT `+factColumns+` FROM report_conversations WHERE conversation_id = ?`, id).Scan(f.fields()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b.facts[id] = f
	b.orig[id] = *f
	b.order = append(b.order, id)
	return f, nil
}

var factInsert, factUpdate = func() (string, string) {
	cols := `conversation_id, workspace_id, contact_id, channel_id, team_id, assignee_id, opened_at, opened_local, opened_source,
	queued_at, first_assigned_at, first_assigned_local, first_assignee_id, strategy, time_to_assign_ms, queue_wait_ms, reassignments, waiting_since,
	first_response_at, first_response_local, first_responder_id, first_response_ms, first_response_bh_ms, assign_response_ms,
	responses, response_ms_total, messages_in, messages_out, closed_at, closed_local, closed_source, category, resolution_ms,
	resolution_bh_ms, reopen, is_test, last_event_id`
	ins := `INSERT INTO report_conversations (` + cols + `) VALUES (?` + repeat(", ?", 36) + `)`
	upd := `UPDATE report_conversations SET `
	for i, c := range splitCols(cols)[1:] {
		if i > 0 {
			upd += ", "
		}
		upd += c + " = ?"
	}
	return ins, upd + ` WHERE conversation_id = ?`
}()

func (b *batch) flush(ctx context.Context) error {
	for _, id := range b.order {
		f := b.facts[id]
		vals := f.values()
		if f.isNew {
			if _, err := b.tx.Exec(ctx, factInsert, vals...); err != nil {
				return fmt.Errorf("report: insert facts: %w", err)
			}
			continue
		}
		if _, err := b.tx.Exec(ctx, factUpdate, append(vals[1:], f.ConversationID)...); err != nil {
			return fmt.Errorf("report: update facts: %w", err)
		}
	}
	if err := b.markFacts(ctx); err != nil {
		return err
	}
	for k, n := range b.days {
		if _, err := b.tx.Exec(ctx, `INSERT INTO report_message_days (workspace_id, day, channel_id, direction, sender, user_id, team_id, messages)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, day, channel_id, direction, sender, user_id, team_id)
			DO UPDATE SET messages = report_message_days.messages + excluded.messages`,
			k.workspaceID, k.day, k.channelID, k.direction, k.sender, k.userID, k.teamID, n); err != nil {
			return fmt.Errorf("report: message days: %w", err)
		}
	}
	return nil
}

func (b *batch) run(ctx context.Context, e event.Event, p payload, local int64) error {
	if p.RunID == 0 {
		return nil
	}
	switch e.Type {
	case event.WorkflowRunStarted:
		var test int64
		err := b.tx.QueryRow(ctx, `SELECT is_test FROM workflow_runs WHERE id = ?`, p.RunID).Scan(&test)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if test != 0 {
			return nil // a test run: not in the reports (its steps find no run row)
		}
		if _, err := b.tx.Exec(ctx, `INSERT INTO report_workflow_runs (run_id, workspace_id, workflow_id, started_local, last_step)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING`, p.RunID, e.WorkspaceID, p.Workflow, local, p.Step); err != nil {
			return err
		}
	case event.WorkflowRunEnded:
		_, err := b.tx.Exec(ctx, `UPDATE report_workflow_runs SET status = ?, ended_local = ?, last_step = CASE WHEN ? = '' THEN last_step ELSE ? END
			WHERE run_id = ?`, p.Status, local, p.Step, p.Step, p.RunID)
		return err
	default:
		if _, err := b.tx.Exec(ctx, `UPDATE report_workflow_runs SET last_step = ? WHERE run_id = ? AND ended_local = 0`, p.Step, p.RunID); err != nil {
			return err
		}
	}
	if p.Step == "" {
		return nil
	}
	_, err := b.tx.Exec(ctx, `INSERT INTO report_workflow_steps (run_id, step, workspace_id, workflow_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (run_id, step) DO NOTHING`, p.RunID, p.Step, e.WorkspaceID, p.Workflow)
	return err
}

// testContact reports whether the contact is a test contact (the
// Workflow Builder's test chat, contacts.is_test): its conversations and
// its creation are left out of every report. A contact deleted since
// counts as a real one.
func (s *Service) testContact(ctx context.Context, q db.Querier, contactID int64) (bool, error) {
	if contactID == 0 {
		return false, nil
	}
	var test int64
	err := q.QueryRow(ctx, `SELECT is_test FROM contacts WHERE id = ?`, contactID).Scan(&test)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return test != 0, err
}

func valid(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: true} }

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }

func splitCols(cols string) []string {
	var out []string
	for _, c := range strings.Split(cols, ",") {
		out = append(out, strings.TrimSpace(c))
	}
	return out
}

// markFacts marks dirty the days whose segments hold a fact this batch
// changed: each kind's day of the conversation, before and after, and
// the days of its responses when a field they are filtered on changed.
func (b *batch) markFacts(ctx context.Context) error {
	for _, id := range b.order {
		f := b.facts[id]
		o, loaded := b.orig[id]
		if loaded && reflectEqual(&o, f) {
			continue
		}
		for _, g := range []*fact{f, &o} {
			if g == &o && !loaded {
				continue
			}
			b.dirty[[2]int64{g.WorkspaceID, g.OpenedLocal / dayMs}] = true
			for _, at := range [][2]int64{{g.FirstAssignedAt, g.FirstAssignedLocal}, {g.FirstResponseAt, g.FirstResponseLocal},
				{g.ClosedAt, g.ClosedLocal}} {
				if at[0] != 0 {
					b.dirty[[2]int64{g.WorkspaceID, at[1] / dayMs}] = true
				}
			}
		}
		if !loaded || o.Responses == 0 || (o.TeamID == f.TeamID && o.ChannelID == f.ChannelID && o.OpenedSource == f.OpenedSource &&
			o.ClosedSource == f.ClosedSource && o.Category == f.Category) {
			continue
		}
		rows, err := b.tx.Query(ctx, `SELECT DISTINCT at_local / 86400000 FROM report_responses WHERE conversation_id = ?`, id)
		if err != nil {
			return fmt.Errorf("report: response days: %w", err)
		}
		for rows.Next() {
			var day int64
			if err := rows.Scan(&day); err != nil {
				rows.Close()
				return err
			}
			b.dirty[[2]int64{f.WorkspaceID, day}] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return markDirty(ctx, b.tx, b.dirty)
}

// reflectEqual reports whether two facts hold the same values (the
// event id they remember aside).
func reflectEqual(a, b *fact) bool {
	x, y := *a, *b
	x.LastEventID, y.LastEventID, x.isNew, y.isNew = 0, 0, false, false
	return x == y
}
