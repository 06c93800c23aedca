package routing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// The drainer assigns queued conversations the moment a slot frees up. It
// is an event.Consumer named "routing": woken by the hub after every
// commit that appended events (and, on PostgreSQL, by other nodes'
// NOTIFY), it reads the events that can free a slot or change a queue —
// a conversation closed, unassigned or transferred, an agent online, a
// capacity raised. Handling an event is idempotent — it drains the
// affected queues as they stand — and the cursor moves in the transaction
// that does the work, so a crash replays the last batch instead of losing
// it.

// consumerName keys the drainer's cursor in event_consumers.
const consumerName = "routing"

// drainTypes are the event types that can free a slot or need a queue change.
var drainTypes = []event.Type{event.ConversationClosed, event.ConversationAssigned, event.ConversationUnassigned,
	event.UserPresenceUpdated, event.UserCapacityUpdated, event.RoutingSettingsUpdated, event.TeamMembersUpdated}

const drainPage = 500

// newDrainer returns the drainer's consumer.
func (s *Service) newDrainer(g *background.Group) *event.Consumer {
	return event.NewConsumer(s.db, s.hub, g, event.ConsumerConfig{
		Name:  consumerName,
		Types: drainTypes,
		Batch: drainPage,
		// Claims hold capacity by the agent's row and queues by their own
		// lock (claim.go, lockQueue): on PostgreSQL the drainer needs no
		// store-wide write lock.
		Concurrent: true,
		// Assignments routing just made and agents going offline free
		// nothing: passed over without a write.
		Filter: func(e event.Event) bool { ev, err := parseEvent(e); return err != nil || ev.actionable() },
		Handle: func(ctx context.Context, tx *db.Tx, events []event.Event) error {
			evs := make([]logEvent, len(events))
			for i, e := range events {
				var err error
				if evs[i], err = parseEvent(e); err != nil {
					return err
				}
			}
			more, err := s.handle(ctx, tx, evs)
			if len(more) > 0 {
				// Queues with more to place than this drain did: drain
				// them again once this commits, not at the next event.
				tx.OnCommit(func() { s.redrain.add(more) })
			}
			return err
		},
		AfterBatch: func(ctx context.Context) error {
			if keys := s.redrain.take(); len(keys) > 0 {
				if err := s.drainEach(ctx, keys); err != nil {
					// Kept for the next batch: no event may come to drain
					// them otherwise.
					s.redrain.add(keys)
					return wrap("drain again", err)
				}
			}
			return nil
		},
		Backoff: time.Second,
	})
}

func (s *Service) runDrainer(ctx context.Context) {
	// Queues as they stand first: covers a drain cut short before a crash.
	logErr("sweep queues", s.sweep(ctx))
	s.drainer.Run(ctx)
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
	return s.drainEach(ctx, keys)
}

// drainEach drains each queue in writes of its own until it stops at a
// head nobody can take.
func (s *Service) drainEach(ctx context.Context, keys []queueKey) error {
	for _, k := range keys {
		for {
			var more []queueKey
			err := s.writeConcurrent(db.WithWorkspace(ctx, k.workspaceID), func(tx *db.Tx) error {
				var err error
				more, err = s.drainKeys(ctx, tx, []queueKey{k})
				return err
			})
			if err != nil {
				return err
			}
			if len(more) == 0 {
				break
			}
		}
	}
	return nil
}

// redrain gathers, across the drainer's batches, the queues a drain left
// with more to place.
type redrain struct {
	mu   sync.Mutex
	keys []queueKey
}

func (r *redrain) add(keys []queueKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range keys {
		if !slices.Contains(r.keys, k) {
			r.keys = append(r.keys, k)
		}
	}
}

func (r *redrain) take() []queueKey {
	r.mu.Lock()
	defer r.mu.Unlock()
	keys := r.keys
	r.keys = nil
	return keys
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

// parseEvent reads the part of an event the drainer uses.
func parseEvent(e event.Event) (logEvent, error) {
	ev := logEvent{id: e.ID, workspaceID: e.WorkspaceID, conversationID: e.ConversationID, typ: string(e.Type)}
	if err := json.Unmarshal(e.Payload, &ev.payload); err != nil {
		return ev, wrap("read events", fmt.Errorf("event %d: %w", e.ID, err))
	}
	return ev, nil
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

// handle turns a page of events into queue work inside tx, and returns
// the queues left with more to place (see drainKeys).
func (s *Service) handle(ctx context.Context, tx *db.Tx, evs []logEvent) ([]queueKey, error) {
	var keys []queueKey
	seen := map[queueKey]bool{}
	addKey := func(k queueKey) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	freed := func(workspaceID, userID int64) error {
		ks, err := freedKeys(ctx, tx, workspaceID, userID)
		for _, k := range ks {
			addKey(k)
		}
		return err
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
			return nil, fmt.Errorf("event %d: %w", e.id, err)
		}
	}
	return s.drainKeys(ctx, tx, keys)
}

// requeue puts a conversation that was unassigned while it belongs to a
// team (a transfer to the team, or an unassignment in it) into the team's
// queue, for online agents, unless it already waits somewhere; either way
// the queue it waits in is drained.
func (s *Service) requeue(ctx context.Context, tx *db.Tx, e logEvent, addKey func(queueKey)) error {
	if err := lockConversation(ctx, tx, e.conversationID); err != nil {
		return err
	}
	c, err := conversation.GetTx(ctx, tx, e.workspaceID, e.conversationID)
	if err != nil || c.Status == conversation.StatusClosed || c.AssigneeID != 0 || c.TeamID == 0 {
		return nil // gone, closed or placed since: nothing to wait for
	}
	// Already waiting (routing queued it with the unassignment: the grace
	// period, a deactivation): its queue is drained all the same. It is
	// the conversation's team's, which need not be one of the previous
	// assignee's teams that freed drains (assigned by name with a team).
	var waits queueKey
	err = tx.QueryRow(ctx, `SELECT workspace_id, team_id, user_id FROM routing_queue WHERE conversation_id = ?`, c.ID).
		Scan(&waits.workspaceID, &waits.teamID, &waits.userID)
	if err == nil {
		addKey(waits)
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	st, err := loadSettings(ctx, tx, e.workspaceID)
	if err != nil {
		return err
	}
	j := job{workspaceID: e.workspaceID, conversationID: c.ID, target: TargetTeam, teamID: c.TeamID, strategy: st.strategy,
		onlyOnline: true, auto: true, source: "routing"}
	if err := lockQueue(ctx, tx, j.key()); err != nil {
		return err
	}
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

// freedKeys are the queues a slot of userID may serve: its teams', the
// workspace's, and its own.
func freedKeys(ctx context.Context, tx *db.Tx, workspaceID, userID int64) ([]queueKey, error) {
	if userID == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT team_id FROM team_members WHERE user_id = ? ORDER BY team_id`, userID)
	if err != nil {
		return nil, err
	}
	var keys []queueKey
	for rows.Next() {
		var t int64
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		keys = append(keys, queueKey{workspaceID, t, 0})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return append(keys, queueKey{workspaceID, 0, 0}, queueKey{workspaceID, 0, userID}), nil
}

// drainKeys drains each queue and returns those left with more to place:
// stopped at the batch bound rather than at a head nobody can take, or
// where the drain would have waited for a lock while holding agents it
// claimed — it waits only until its first placement (drainTx's yield),
// then places what it can without waiting and leaves the rest, that
// queue's and the queues after it. Every caller drains those again after
// its commit: drainEach at once, the drainer after its batch, and a
// close's refill leaves them to the drainer, which reads the close.
func (s *Service) drainKeys(ctx context.Context, tx *db.Tx, keys []queueKey) ([]queueKey, error) {
	var more []queueKey
	placedAny := false
	now := s.nowMs()
	for i, k := range keys {
		st, err := loadSettings(ctx, tx, k.workspaceID) // read once per workspace in tx (db.Memo)
		if err != nil {
			return nil, err
		}
		keyCtx := ctx
		if placedAny {
			keyCtx = db.NoWait(ctx)
		}
		placed, _, err := s.drainTx(keyCtx, tx, k, st, now, true)
		placedAny = placedAny || len(placed) > 0
		if errors.Is(err, db.ErrLockOrder) && placedAny {
			return append(more, keys[i:]...), nil
		}
		if err != nil {
			return nil, err
		}
		if len(placed) == drainBatch {
			more = append(more, k)
		}
	}
	return more, nil
}
