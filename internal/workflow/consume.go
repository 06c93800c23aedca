package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

const consumeBatch = 256

// consumerName keys the engine's cursor in event_consumers.
const consumerName = "workflow"

// newConsumer returns the engine's consumer of the event log. Each batch
// is handled in the transaction that moves the cursor: a crash before the
// commit replays the batch, a crash after it has already recorded every
// run it started or resumed, and a node never handles a batch another
// has (see event.Consumer).
func (e *Engine) newConsumer() *event.Consumer {
	return event.NewConsumer(e.db, e.hub, e.opts.Group, event.ConsumerConfig{
		Name:   consumerName,
		Batch:  consumeBatch,
		Logger: e.log,
		// Its reads-then-writes are over runs (resume those waiting, end
		// them), whose rows it locks as the steps do (loadRun), and its
		// replays are held by the unique index on a run's trigger event;
		// itself on another node is ordered by the cursor row: it need
		// not stop every webhook on PostgreSQL while it commits, as an
		// exclusive write per batch did.
		Concurrent: true,
		// The runs an event starts, resumes or ends append to its
		// conversation (history, timeline, the steps they chain).
		ChangesConversation: actsOn,
		Handle:              e.handleBatch,
	})
}

// actsOn reports whether handle may change e's conversation: e may start
// a run (a trigger listens for its type) or resume or end the runs
// waiting in its conversation (see handle). Its own timeline events, a
// message's status and the like change nothing.
func actsOn(e event.Event) bool {
	switch e.Type {
	case event.MessageReceived, event.ConversationAssigned, event.ConversationClosed:
		return true
	}
	return len(triggerTypesOf(e.Type)) > 0
}

// handleBatch applies a batch of events, in id order, inside tx.
func (e *Engine) handleBatch(ctx context.Context, tx *db.Tx, events []event.Event) error {
	now := tx.Now()
	l, err := lookupTriggers(ctx, tx, events)
	if err != nil {
		return fmt.Errorf("workflow: triggers: %w", err)
	}
	// The chains of steps of the runs the batch starts or resumes run in
	// its transaction, once its events are handled (see stage).
	s := &stage{}
	for _, ev := range events {
		if err := e.handle(ctx, tx, l, s, ev, now); err != nil {
			return fmt.Errorf("workflow: event %d (%s): %w", ev.ID, ev.Type, err)
		}
	}
	if err := e.runStaged(ctx, tx, s, now); err != nil {
		return fmt.Errorf("workflow: %w", err)
	}
	_, err = tx.Exec(ctx, `DELETE FROM workflow_event_depth WHERE event_id <= ?`, events[len(events)-1].ID)
	return err
}

// handle applies one event: it resumes or ends the runs waiting on it and
// starts the runs of the workflows it triggers, staging their chains of
// steps in s (see stage). The runs it makes due instead tell the timers
// themselves, when tx commits (see resumeWaiting, insertRun).
func (e *Engine) handle(ctx context.Context, tx *db.Tx, l *triggerLookups, s *stage, ev event.Event, now int64) error {
	switch ev.Type {
	case event.WorkflowRunEnded:
		e.metrics.runEnded(tx, ev.Payload)
	case event.ContactDeleted:
		return endDeletedContact(ctx, tx, s, ev, now)
	}
	if !l.mayWait(ev.ConversationID) {
		return e.trigger(ctx, tx, l, s, ev, now)
	}
	switch ev.Type {
	case event.MessageReceived:
		// A reply goes to the Ask a Question step waiting for it; a
		// message.received never starts a run, so it cannot also do that.
		// An automatic reply (an out-of-office) is no answer: the step
		// keeps waiting for the contact's.
		if automatic(ev.Payload) {
			break
		}
		if err := e.resumeWaiting(ctx, tx, s, ev, StatusWaitingReply, replyInput(ev.Payload), now); err != nil {
			return err
		}
	case event.ConversationAssigned:
		var p struct {
			AssigneeID int64 `json:"assignee_id"`
			TeamID     int64 `json:"team_id"`
		}
		json.Unmarshal(ev.Payload, &p)
		input, _ := json.Marshal(map[string]any{"user_id": p.AssigneeID, "team_id": p.TeamID})
		if err := e.resumeWaiting(ctx, tx, s, ev, StatusWaitingAssignment, input, now); err != nil {
			return err
		}
		if err := e.endOnAssignment(ctx, tx, s, ev.ConversationID, now); err != nil {
			return err
		}
	case event.ConversationClosed:
		waiting := []string{StatusWaitingReply, StatusWaitingTimer, StatusWaitingAssignment}
		if err := endWaiting(ctx, tx, s, ev.ConversationID, 0, waiting, "the conversation was closed", now); err != nil {
			return err
		}
	}
	return e.trigger(ctx, tx, l, s, ev, now)
}

// resumeWaiting hands input to the runs of a conversation waiting with
// status, staging their chains in s (see stage) or making them due now.
// replyInput is what an Ask a Question step is handed of a
// message.received payload: the message's id, type and text.
// automatic reports whether a message.received is an automatic reply
// (conversation.Inbound.Automatic: email's Auto-Submitted).
func automatic(payload json.RawMessage) bool {
	var p struct {
		Automatic bool `json:"automatic"`
	}
	json.Unmarshal(payload, &p)
	return p.Automatic
}

func replyInput(payload json.RawMessage) json.RawMessage {
	var p struct {
		MessageID int64  `json:"message_id"`
		Type      string `json:"type"`
		Text      string `json:"text"`
	}
	json.Unmarshal(payload, &p)
	input, _ := json.Marshal(map[string]any{"message_id": p.MessageID, "type": p.Type, "text": p.Text})
	return input
}

func (e *Engine) resumeWaiting(ctx context.Context, tx *db.Tx, s *stage, ev event.Event, status string, input json.RawMessage, now int64) error {
	conversationID := ev.ConversationID
	if conversationID == 0 {
		return nil
	}
	// The runs are read (and locked, on PostgreSQL) by the query that
	// finds them, not one by one after it.
	q := `SELECT ` + runColumns + ` FROM workflow_runs WHERE conversation_id = ? AND status = ?`
	if tx.Dialect() == db.Postgres {
		q += ` ORDER BY id FOR NO KEY UPDATE`
	}
	rows, err := tx.Query(ctx, q, conversationID, status)
	if err != nil {
		return err
	}
	runs, err := db.Collect(rows, func(rows *sql.Rows) (Run, error) { return scanRun(rows) })
	if err != nil {
		return err
	}
	for _, r := range runs {
		if r.Status != status || ev.ID <= r.Data.WaitAfter || s.staged(r.ID) {
			continue // a staged run is running already, though its row says it waits
		}
		r.Status, r.WakeAt, r.Data.Input = StatusRunning, db.Time(now), input
		d, err := e.svc.version(ctx, tx, r.WorkflowID, r.Version)
		if err != nil {
			return err
		}
		if key := (stageKey{run: r.ID}); e.stageable(tx, d, r, key) {
			// Saved by its chain, at the batch's end.
			s.add(r, d, key)
			continue
		}
		if err := saveRun(ctx, tx, &r, now); err != nil {
			return err
		}
		tx.Due(DueKind, now)
	}
	return nil
}

// endWaiting finishes the runs of a conversation waiting with one of
// statuses (of one workflow when workflowID is not 0), recording why in
// their history.
func endWaiting(ctx context.Context, tx *db.Tx, s *stage, conversationID, workflowID int64, statuses []string, why string, now int64) error {
	if conversationID == 0 {
		return nil
	}
	in, statusArgs := db.In(statuses)
	q := `SELECT id FROM workflow_runs WHERE conversation_id = ? AND status IN ` + in
	args := append([]any{conversationID}, statusArgs...)
	if workflowID != 0 {
		q += ` AND workflow_id = ?`
		args = append(args, workflowID)
	}
	ids, err := db.QueryIDs(ctx, tx, q, args...)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if s.staged(id) {
			continue // resumed by the batch: running (see resumeWaiting)
		}
		r, err := loadRun(ctx, tx, id)
		if err != nil {
			return err
		}
		if !slices.Contains(statuses, r.Status) {
			continue
		}
		// The history line first, so the timeline tells why before it
		// tells that the run ended.
		if err := endRun(ctx, tx, &r, StatusFinished, why, now); err != nil {
			return err
		}
	}
	return nil
}

// endDeletedContact ends the runs of a deleted contact that have not
// ended. Its conversations went with it: no answer, assignment or close
// can ever come for the runs waiting there (waiting for ever, they held
// the workflow's delete with a 409), and the steps of those running have
// nothing left to act on.
func endDeletedContact(ctx context.Context, tx *db.Tx, s *stage, ev event.Event, now int64) error {
	if ev.ContactID == 0 {
		return nil
	}
	ids, err := db.QueryIDs(ctx, tx, `SELECT id FROM workflow_runs WHERE workspace_id = ? AND contact_id = ? AND ended_at = 0`,
		ev.WorkspaceID, ev.ContactID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if s.staged(id) {
			continue // not a deleted contact's: its events stage nothing (see triggerLookups.gone)
		}
		r, err := loadRun(ctx, tx, id)
		if err != nil {
			return err
		}
		if terminal(r.Status) {
			continue
		}
		// Its conversation was deleted too: it has no timeline to tell.
		if err := endRun(ctx, tx, &r, StatusFinished, "the contact was deleted", now); err != nil {
			return err
		}
	}
	return nil
}

// endOnAssignment ends the waiting runs of workflows that end when an agent
// is assigned.
func (e *Engine) endOnAssignment(ctx context.Context, tx *db.Tx, s *stage, conversationID int64, now int64) error {
	if conversationID == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT DISTINCT workflow_id, version FROM workflow_runs WHERE conversation_id = ?
		AND status IN ('waiting_reply', 'waiting_timer')`, conversationID)
	if err != nil {
		return err
	}
	type wv struct {
		id      int64
		version int
	}
	var list []wv
	for rows.Next() {
		var x wv
		rows.Scan(&x.id, &x.version)
		list = append(list, x)
	}
	rows.Close()
	for _, x := range list {
		d, err := e.svc.version(ctx, tx, x.id, x.version)
		if err != nil {
			return err
		}
		if d.Options.EndOnAssignment {
			// Runs waiting for this very assignment resume instead.
			if err := endWaiting(ctx, tx, s, conversationID, x.id, []string{StatusWaitingReply, StatusWaitingTimer}, "an agent was assigned", now); err != nil {
				return err
			}
		}
	}
	return nil
}
