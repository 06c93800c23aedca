package routing

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// The drainer assigns queued conversations the moment a slot frees up. It
// consumes the event log after its own cursor (a row of routing_cursor),
// woken by the hub after every commit that appended events (and, on
// PostgreSQL, by other nodes' NOTIFY): a conversation closed, unassigned or
// transferred, an agent online, a capacity raised. Handling an event is
// idempotent — it drains the affected queues as they stand — and the
// cursor moves in the transaction that does the work, so a crash replays
// the last batch instead of losing it.

// drainEvents are the event types that can free a slot or need a queue change.
var drainEvents = `'conversation.closed', 'conversation.assigned', 'conversation.unassigned',
	'user.presence.updated', 'user.capacity.updated', 'routing.settings.updated', 'team.members.updated'`

const drainPage = 500

func (s *Service) runDrainer(ctx context.Context) {
	s.drainer.Start()
	defer s.drainer.Stop()
	// Queues as they stand first: covers a drain cut short before a crash.
	logErr("sweep queues", s.sweep(ctx))
	for ctx.Err() == nil {
		more, err := s.consume(ctx)
		if err != nil && ctx.Err() == nil {
			logErr("drain", err)
			// Retry after an error, e.g. the store restarting.
			s.drainer.Wait(ctx, s.now().Add(time.Second))
			continue
		}
		if more {
			continue
		}
		s.drainer.Wait(ctx, time.Time{})
	}
}

// sweep drains every non-empty queue once.
func (s *Service) sweep(ctx context.Context) error {
	rows, err := s.db.Reader().Query(ctx, `SELECT DISTINCT workspace_id, team_id, user_id FROM routing_queue`)
	if err != nil {
		return err
	}
	var keys []queueKey
	for rows.Next() {
		var k queueKey
		if err := rows.Scan(&k.workspaceID, &k.teamID, &k.userID); err != nil {
			rows.Close()
			return err
		}
		keys = append(keys, k)
	}
	rows.Close()
	for _, k := range keys {
		for {
			full := false
			err := s.write(ctx, func(tx *db.Tx) error {
				var err error
				full, err = s.drainKeys(ctx, tx, []queueKey{k})
				return err
			})
			if err != nil {
				return err
			}
			if !full {
				break
			}
		}
	}
	return nil
}

type logEvent struct {
	id, workspaceID, conversationID int64
	typ                             string
	payload                         struct {
		AssigneeID         int64  `json:"assignee_id"`
		PreviousAssigneeID int64  `json:"previous_assignee_id"`
		TeamID             int64  `json:"team_id"`
		UserID             int64  `json:"user_id"`
		Availability       string `json:"availability"`
		Source             string `json:"source"`
	}
}

// consume handles the next page of events after the cursor; more reports
// that another page (or an unfinished drain) waits.
func (s *Service) consume(ctx context.Context) (more bool, err error) {
	var cursor int64
	if err := s.db.Reader().QueryRow(ctx, `SELECT last_event_id FROM routing_cursor WHERE id = 1`).Scan(&cursor); err != nil {
		return false, wrap("read cursor", err)
	}
	cursor = max(cursor, s.skipped.Load())
	// Bound the scan by the newest event: most events are not ours
	// (messages, contacts), and without the bound every wake-up scanned
	// the whole log since the last event of ours — a third of a node's CPU
	// under steady inbound traffic. The hub knows the newest one without a
	// query; without a hub, ask the log.
	newest, err := s.newestEvent(ctx)
	if err != nil {
		return false, wrap("read events", err)
	}
	if newest <= cursor {
		return false, nil
	}
	rows, err := s.db.Reader().Query(ctx, `SELECT id, workspace_id, type, COALESCE(conversation_id, 0), payload FROM events
		WHERE id > ? AND id <= ? AND type IN (`+drainEvents+`) ORDER BY id LIMIT ?`, cursor, newest, drainPage)
	if err != nil {
		return false, wrap("read events", err)
	}
	var evs []logEvent
	for rows.Next() {
		var e logEvent
		var payload string
		if err := rows.Scan(&e.id, &e.workspaceID, &e.typ, &e.conversationID, &payload); err != nil {
			rows.Close()
			return false, wrap("read events", err)
		}
		if err := json.Unmarshal([]byte(payload), &e.payload); err != nil {
			rows.Close()
			return false, wrap("read events", fmt.Errorf("event %d: %w", e.id, err))
		}
		evs = append(evs, e)
	}
	rows.Close()
	if len(evs) == 0 {
		s.skipped.Store(newest) // none of ours up to newest: never scan them again
		return false, nil
	}
	last := evs[len(evs)-1].id
	if !slices.ContainsFunc(evs, logEvent.actionable) {
		// Nothing to do (e.g. assignments routing just made): move past
		// them without a write. The persisted cursor catches up with the
		// next write; a crash before it replays these, harmlessly.
		s.skipped.Store(last)
		return len(evs) == drainPage, nil
	}
	var full bool
	err = s.write(ctx, func(tx *db.Tx) error {
		var err error
		if full, err = s.handle(ctx, tx, evs); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE routing_cursor SET last_event_id = ? WHERE id = 1 AND last_event_id < ?`, last, last)
		return err
	})
	if err != nil {
		return false, wrap("drain", err)
	}
	if full {
		// A queue had more to place than one batch: sweep it now, not at
		// the next event.
		if err := s.sweep(ctx); err != nil {
			return false, wrap("sweep", err)
		}
	}
	return len(evs) == drainPage, nil
}

// newestEvent is the id of the newest event committed, as far as this
// node knows.
func (s *Service) newestEvent(ctx context.Context) (int64, error) {
	if s.hub != nil && s.hub.Last() > 0 {
		return s.hub.Last(), nil
	}
	var newest int64
	err := s.db.Reader().QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&newest)
	return newest, err
}

// actionable reports whether the event can free a slot or change a queue.
func (e logEvent) actionable() bool {
	switch e.typ {
	case "conversation.assigned":
		return e.payload.PreviousAssigneeID != 0
	case "user.presence.updated":
		return e.payload.Availability == Online
	}
	return true
}

// handle turns a page of events into queue work inside tx.
func (s *Service) handle(ctx context.Context, tx *db.Tx, evs []logEvent) (bool, error) {
	var keys []queueKey
	seen := map[queueKey]bool{}
	addKey := func(k queueKey) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	freed := func(workspaceID, userID int64) error {
		if userID == 0 {
			return nil
		}
		rows, err := tx.Query(ctx, `SELECT team_id FROM team_members WHERE user_id = ? ORDER BY team_id`, userID)
		if err != nil {
			return err
		}
		var teams []int64
		for rows.Next() {
			var t int64
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return err
			}
			teams = append(teams, t)
		}
		rows.Close()
		for _, t := range teams {
			addKey(queueKey{workspaceID, t, 0})
		}
		addKey(queueKey{workspaceID, 0, 0})
		addKey(queueKey{workspaceID, 0, userID})
		return nil
	}
	for _, e := range evs {
		var err error
		switch e.typ {
		case "conversation.closed":
			if err = dequeue(ctx, tx, e.conversationID); err == nil {
				err = freed(e.workspaceID, e.payload.AssigneeID)
			}
		case "conversation.assigned":
			err = freed(e.workspaceID, e.payload.PreviousAssigneeID)
		case "conversation.unassigned":
			if err = freed(e.workspaceID, e.payload.PreviousAssigneeID); err == nil && e.payload.TeamID != 0 {
				err = s.requeue(ctx, tx, e, addKey)
			}
		case "user.presence.updated":
			if e.payload.Availability == Online {
				err = freed(e.workspaceID, e.payload.UserID)
			}
		case "user.capacity.updated":
			err = freed(e.workspaceID, e.payload.UserID)
		case "routing.settings.updated":
			err = s.allKeys(ctx, tx, e.workspaceID, addKey)
		case "team.members.updated":
			addKey(queueKey{e.workspaceID, e.payload.TeamID, 0})
		}
		if err != nil {
			return false, fmt.Errorf("event %d: %w", e.id, err)
		}
	}
	return s.drainKeys(ctx, tx, keys)
}

// requeue puts a conversation that was unassigned while it belongs to a
// team (a transfer to the team, or an unassignment in it) into the team's
// queue, for online agents, unless it already waits somewhere.
func (s *Service) requeue(ctx context.Context, tx *db.Tx, e logEvent, addKey func(queueKey)) error {
	c, err := conversation.GetTx(ctx, tx, e.workspaceID, e.conversationID)
	if err != nil || c.Status == conversation.StatusClosed || c.AssigneeID != 0 || c.TeamID == 0 {
		return nil // gone, closed or placed since: nothing to wait for
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM routing_queue WHERE conversation_id = ?`, c.ID).Scan(&n); err != nil || n > 0 {
		return err
	}
	st, err := loadSettings(ctx, tx, e.workspaceID)
	if err != nil {
		return err
	}
	j := job{workspaceID: e.workspaceID, conversationID: c.ID, target: TargetTeam, teamID: c.TeamID, strategy: st.strategy,
		onlyOnline: true, auto: true, source: "routing"}
	if _, err := enqueue(ctx, tx, j, tx.Now()); err != nil {
		return err
	}
	addKey(j.key())
	return nil
}

func (s *Service) allKeys(ctx context.Context, tx *db.Tx, workspaceID int64, addKey func(queueKey)) error {
	rows, err := tx.Query(ctx, `SELECT DISTINCT team_id, user_id FROM routing_queue WHERE workspace_id = ?`, workspaceID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		k := queueKey{workspaceID: workspaceID}
		if err := rows.Scan(&k.teamID, &k.userID); err != nil {
			return err
		}
		addKey(k)
	}
	return rows.Err()
}

// drainKeys drains each queue; full reports that one stopped at the batch
// bound rather than at a head nobody can take.
func (s *Service) drainKeys(ctx context.Context, tx *db.Tx, keys []queueKey) (bool, error) {
	full := false
	now := s.nowMs()
	for _, k := range keys {
		st, err := loadSettings(ctx, tx, k.workspaceID)
		if err != nil {
			return false, err
		}
		placed, _, err := s.drainTx(ctx, tx, k, st, now)
		if err != nil {
			return false, err
		}
		full = full || len(placed) == drainBatch
	}
	return full, nil
}
