package report

import (
	"context"
	"database/sql"
	"encoding/json"
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

// batch is the state of one Project call. The rows a pass reads are
// read before it begins, a few statements per pass (prefetch), and the
// rows it writes are written when it ends, one multi-row statement per
// table (flush): on SQLite's one writer a statement per event was the
// projection's cost, not its rows. The projection reads only rows it
// writes at flush (report_conversations, report_workflow_runs) or rows
// it never writes (contacts, workflow_runs), so what the pass reads
// beforehand is what each event would have read in its turn.
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
	// byContact lists the facts of facts per contact (reopens).
	byContact map[int64][]*fact

	// Read by prefetch: the stored facts of the pass's conversations,
	// whether its contacts and runs are tests, each contact's latest
	// stored close at or before the pass's last opening, and the stored
	// rows of its runs.
	stored      map[int64]fact
	ofContact   map[int64][]int64 // the stored facts of contacts merged in the pass, by contact
	testContact map[int64]bool
	lastClosed  map[int64]int64
	latestOpen  int64
	testRun     map[int64]bool
	runs        map[int64]*runRow

	// Written by flush, in the order the events added them.
	contacts  []contactRow
	seen      map[int64]bool // contacts added
	lifecycle []lifecycleRow
	runOrder  []int64 // runs inserted or changed, first change first
	steps     []stepRow
	stepSeen  map[stepRow]bool
	responses []responseRow
	merges    [][2]int64 // (merged contact, kept contact), contact.merged in order
}

type contactRow struct{ contactID, workspaceID, local, test int64 }

type lifecycleRow struct {
	eventID, workspaceID, contactID int64
	stage                           string
	local                           int64
}

type runRow struct {
	workspaceID, workflowID, startedLocal, endedLocal int64
	status, lastStep                                  string
	changed                                           bool
}

type stepRow struct {
	runID                   int64
	step                    string
	workspaceID, workflowID int64
}

type responseRow struct {
	eventID, workspaceID, conversationID, userID, local, wait int64
	waitBH                                                    sql.NullInt64
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
		orig: map[int64]fact{}, dirty: map[[2]int64]bool{}, byContact: map[int64][]*fact{}, seen: map[int64]bool{}, stepSeen: map[stepRow]bool{}}
	payloads := make([]payload, len(events))
	for i, e := range events {
		if err := json.Unmarshal(e.Payload, &payloads[i]); err != nil {
			return fmt.Errorf("report: project event %d (%s): %w", e.ID, e.Type, err)
		}
	}
	if err := b.prefetch(ctx, events, payloads); err != nil {
		return err
	}
	for i, e := range events {
		if err := b.apply(ctx, e, payloads[i]); err != nil {
			return fmt.Errorf("report: project event %d (%s): %w", e.ID, e.Type, err)
		}
	}
	return b.flush(ctx)
}

// needsFact reports whether apply looks up the facts of e's conversation.
func needsFact(e event.Event) bool {
	switch e.Type {
	case event.ContactCreated, event.ContactLifecycle, event.WorkflowRunStarted, event.WorkflowStep, event.WorkflowRunEnded,
		event.ContactMerged:
		return false
	}
	return e.ConversationID != 0
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
	MergedContactID    int64  `json:"merged_contact_id"` // contact.merged: the contact merged into the event's
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
	// Automatic marks a message.received a program wrote (an
	// out-of-office): counted in, but nobody waits for an answer to it.
	Automatic bool `json:"automatic"`
}

func (b *batch) apply(ctx context.Context, e event.Event, p payload) error {
	cal, err := b.calendar(ctx, e.WorkspaceID)
	if err != nil {
		return err
	}
	at := e.CreatedAt.UnixMilli()
	local := cal.Local(at)
	switch e.Type {
	case event.ContactCreated:
		if !b.seen[e.ContactID] { // the first insert stands (ON CONFLICT DO NOTHING)
			b.seen[e.ContactID] = true
			b.contacts = append(b.contacts, contactRow{e.ContactID, e.WorkspaceID, local, boolInt(b.testContact[e.ContactID])})
		}
		return nil
	case event.ContactLifecycle:
		b.lifecycle = append(b.lifecycle, lifecycleRow{e.ID, e.WorkspaceID, e.ContactID, p.To, local})
		return nil
	case event.WorkflowRunStarted, event.WorkflowStep, event.WorkflowRunEnded:
		b.run(e, p, local)
		return nil
	case event.ContactMerged:
		b.merged(e.ContactID, p.MergedContactID, cal)
		return nil
	}
	if e.ConversationID == 0 {
		return nil
	}
	if e.Type == event.ConversationOpened {
		return b.opened(ctx, e, p, cal, at, local)
	}
	f := b.fact(e.ConversationID)
	if f == nil || e.ID <= f.LastEventID {
		return nil // unknown (opened before the log began) or already applied
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
		if f.WaitingSince == 0 && !p.Automatic {
			f.WaitingSince = at
		}
		// A test conversation's facts carry is_test, which every report
		// filters on; the message days have no such column, so its
		// messages are never counted in them.
		if f.IsTest == 0 {
			b.days[dayKey{e.WorkspaceID, local / dayMs, p.ChannelID, "in", "contact", 0, f.TeamID}]++
		}
	case event.MessageSent:
		f.MessagesOut++
		if f.IsTest == 0 {
			b.days[dayKey{e.WorkspaceID, local / dayMs, p.ChannelID, "out", p.Sender, p.UserID, f.TeamID}]++
		}
		if p.Sender != "user" || p.AI != "" || f.WaitingSince == 0 {
			// Only a person's own reply answers the contact: workflow, bot
			// and AI-written messages (an AI draft an agent sent, an AI
			// agent's reply) leave the contact waiting for one.
			return nil
		}
		wait, waitBH := at-f.WaitingSince, sql.NullInt64{} // no hours: no business-hours time, as for a first response
		if cal.HasHours() {
			waitBH = valid(cal.BusinessMs(f.WaitingSince, at))
		}
		b.responses = append(b.responses, responseRow{e.ID, e.WorkspaceID, e.ConversationID, p.UserID, local, wait, waitBH})
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
	if b.fact(e.ConversationID) != nil {
		return nil // applied already
	}
	f := &fact{isNew: true, ConversationID: e.ConversationID, WorkspaceID: e.WorkspaceID, ContactID: e.ContactID,
		ChannelID: p.ChannelID, OpenedAt: at, OpenedLocal: local, OpenedSource: p.Source, LastEventID: e.ID}
	f.IsTest = boolInt(b.testContact[e.ContactID])
	// A reopen: the contact's previous conversation closed at most the
	// window before this one opened (this batch's facts first, unflushed).
	var prev int64
	for _, g := range b.byContact[f.ContactID] {
		if g.ClosedAt != 0 && g.ClosedAt <= at {
			prev = max(prev, g.ClosedAt)
		}
	}
	// The latest stored close at or before the pass's last opening is the
	// latest at or before this one unless it came after this one (events
	// of a pass out of time order): then it is read for this one alone.
	stored := b.lastClosed[f.ContactID]
	if stored > at {
		var v sql.NullInt64
		if err := b.tx.QueryRow(ctx, `SELECT MAX(closed_at) FROM report_conversations WHERE contact_id = ? AND closed_at > 0 AND closed_at <= ?`,
			f.ContactID, at).Scan(&v); err != nil {
			return err
		}
		stored = v.Int64
	}
	prev = max(prev, stored)
	if prev != 0 && at-prev <= cal.ReopenWindow.Milliseconds() {
		f.Reopen = 1
	}
	b.facts[f.ConversationID] = f
	b.byContact[f.ContactID] = append(b.byContact[f.ContactID], f)
	b.order = append(b.order, f.ConversationID)
	return nil
}

// fact returns the conversation's facts, from this batch or the store
// (as prefetch read them); nil when there are none.
func (b *batch) fact(id int64) *fact {
	if f, ok := b.facts[id]; ok {
		return f
	}
	stored, ok := b.stored[id]
	if !ok {
		return nil
	}
	f := &fact{}
	*f = stored
	b.facts[id] = f
	b.byContact[f.ContactID] = append(b.byContact[f.ContactID], f)
	b.orig[id] = stored
	b.order = append(b.order, id)
	return f
}

// merged applies contact.merged. A merge rewrites the log: every event of
// the merged contact names the kept one from then on, so a rebuild sees
// one contact, created once, whose conversations are all the kept one's
// (a conversation of one that opened soon after the other's closed is a
// reopen). The projection that saw them apart catches up here: the facts
// of both contacts are read, the merged one's moved to the kept one and
// the reopens among them counted again as a rebuild counts them; flush
// moves the contact and lifecycle rows.
func (b *batch) merged(into, from int64, cal Calendar) {
	if into == 0 || from == 0 || into == from {
		return
	}
	for _, c := range []int64{from, into} {
		for _, id := range b.ofContact[c] {
			b.fact(id) // listed in byContact under its stored contact
		}
	}
	all := b.byContact[into]
	for _, f := range b.byContact[from] {
		f.ContactID = into
		all = append(all, f)
	}
	delete(b.byContact, from)
	b.byContact[into] = all
	window := cal.ReopenWindow.Milliseconds()
	for _, f := range all {
		var prev int64
		for _, g := range all {
			if g != f && g.ClosedAt != 0 && g.ClosedAt <= f.OpenedAt {
				prev = max(prev, g.ClosedAt)
			}
		}
		f.Reopen = boolInt(prev != 0 && f.OpenedAt-prev <= window)
	}
	b.merges = append(b.merges, [2]int64{from, into})
}

func (b *batch) run(e event.Event, p payload, local int64) {
	if p.RunID == 0 {
		return
	}
	r := b.runs[p.RunID] // nil: no row (a test run, or started before the log began)
	switch e.Type {
	case event.WorkflowRunStarted:
		if b.testRun[p.RunID] {
			return // a test run: not in the reports (its steps find no run row)
		}
		if r == nil { // a row already there stays as it is
			r = &runRow{workspaceID: e.WorkspaceID, workflowID: p.Workflow, startedLocal: local, status: "running", lastStep: p.Step}
			b.runs[p.RunID] = r
			b.changeRun(p.RunID, r)
		}
	case event.WorkflowRunEnded:
		if r != nil {
			r.status, r.endedLocal = p.Status, local
			if p.Step != "" {
				r.lastStep = p.Step
			}
			b.changeRun(p.RunID, r)
		}
		return
	default:
		if r != nil && r.endedLocal == 0 {
			r.lastStep = p.Step
			b.changeRun(p.RunID, r)
		}
	}
	if p.Step == "" {
		return
	}
	if s := (stepRow{p.RunID, p.Step, e.WorkspaceID, p.Workflow}); !b.stepSeen[stepRow{runID: s.runID, step: s.step}] {
		b.stepSeen[stepRow{runID: s.runID, step: s.step}] = true // the first insert stands
		b.steps = append(b.steps, s)
	}
}

func (b *batch) changeRun(id int64, r *runRow) {
	if !r.changed {
		r.changed = true
		b.runOrder = append(b.runOrder, id)
	}
}

func valid(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: true} }

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }

func reflectEqual(a, b *fact) bool {
	x, y := *a, *b
	x.LastEventID, y.LastEventID, x.isNew, y.isNew = 0, 0, false, false
	return x == y
}
