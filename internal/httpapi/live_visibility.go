package httpapi

import (
	"context"
	"fmt"
	"sync"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// holders is a node's shared read of who holds the conversations the live
// streams are about to deliver. Every restricted stream decides visibility
// on the conversation's assignee and team as they are when the batch is
// delivered; asked one stream at a time, that was one query per socket for
// every batch the tail hands out, so a node with a hundred agents connected
// ran a hundred queries per commit it heard of. The streams of a node now
// share one read per batch and decide in Go (access.SeesConversation, the
// twin of the SQL scope).
//
// A holder read after the event with id M was handed out is at least as new
// as M's commit, so it may decide any batch whose events are all ≤ M: that
// is its stamp. Decisions never use a read older than the batch's newest
// event, which is exactly what one query per stream gave.
type holders struct {
	mu       sync.Mutex
	known    map[int64]holder // conversation id → its holder as last read
	inflight map[int64]*holderRead
}

type holder struct {
	assignee, team int64
	exists         bool
	stamp          int64
}

// holderRead is one query in flight; the streams handed the same batch
// wait for it instead of running their own.
type holderRead struct {
	done chan struct{}
	err  error
}

// holdersKept bounds the memo: past it, the memo starts again (entries are
// only worth keeping for the batch being delivered).
const holdersKept = 20000

func newHolders() *holders {
	return &holders{known: map[int64]holder{}, inflight: map[int64]*holderRead{}}
}

// visible keeps the events of list that p may see now, in order: the
// conversations' events decided on the shared holders, the rest (a
// contact's own events, whose visibility depends on all of its
// conversations) by event.Visible's query.
func (h *holders) visible(ctx context.Context, q db.Querier, p access.Principal, list []event.Event) ([]event.Event, error) {
	if p.Unrestricted() || len(list) == 0 {
		return list, nil
	}
	var stamp int64
	var convs []int64
	var others []event.Event
	for _, e := range list {
		stamp = max(stamp, e.ID)
		if e.ConversationID != 0 {
			convs = append(convs, e.ConversationID)
		} else {
			others = append(others, e)
		}
	}
	known, err := h.lookup(ctx, q, stamp, convs)
	if err != nil {
		return nil, err
	}
	keepOther := map[int64]bool{}
	if len(others) > 0 {
		kept, err := event.Visible(ctx, q, p, others)
		if err != nil {
			return nil, err
		}
		for _, e := range kept {
			keepOther[e.ID] = true
		}
	}
	out := list[:0:0]
	for _, e := range list {
		if e.ConversationID == 0 {
			if keepOther[e.ID] {
				out = append(out, e)
			}
			continue
		}
		if c := known[e.ConversationID]; c.exists && p.SeesConversation(c.assignee, c.team) {
			out = append(out, e)
		}
	}
	return out, nil
}

// lookup returns the holders of convs read no earlier than the batch whose
// newest event is stamp: from the memo when a stream handed the same batch
// (or a later one) read them, else with one query, shared with the streams
// asking for the same stamp meanwhile.
func (h *holders) lookup(ctx context.Context, q db.Querier, stamp int64, convs []int64) (map[int64]holder, error) {
	for attempt := 0; ; attempt++ {
		h.mu.Lock()
		out, missing := h.fresh(stamp, convs)
		if len(missing) == 0 {
			h.mu.Unlock()
			return out, nil
		}
		if r := h.inflight[stamp]; r != nil && attempt == 0 {
			// Another stream reads this batch now: wait, then take what it
			// read and query only what it did not cover.
			h.mu.Unlock()
			select {
			case <-r.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			continue
		}
		r := &holderRead{done: make(chan struct{})}
		h.inflight[stamp] = r
		h.mu.Unlock()

		read, err := readHolders(ctx, q, missing)
		h.mu.Lock()
		if err == nil {
			if len(h.known) > holdersKept {
				h.known = map[int64]holder{}
			}
			for _, id := range missing {
				c := read[id] // the zero holder: the conversation is gone
				c.stamp = stamp
				if old, ok := h.known[id]; !ok || old.stamp <= stamp {
					h.known[id] = c
				}
				out[id] = c
			}
		}
		delete(h.inflight, stamp)
		r.err = err
		close(r.done)
		h.mu.Unlock()
		return out, err
	}
}

// fresh splits convs into the holders known at stamp or later and the ones
// to read. h.mu is held.
func (h *holders) fresh(stamp int64, convs []int64) (map[int64]holder, []int64) {
	out := make(map[int64]holder, len(convs))
	var missing []int64
	asked := make(map[int64]bool, len(convs))
	for _, id := range convs {
		if asked[id] {
			continue
		}
		asked[id] = true
		if c, ok := h.known[id]; ok && c.stamp >= stamp {
			out[id] = c
		} else {
			missing = append(missing, id)
		}
	}
	return out, missing
}

// readHolders reads the assignee and team of the conversations, one query.
func readHolders(ctx context.Context, q db.Querier, ids []int64) (map[int64]holder, error) {
	in, args := db.In(ids)
	rows, err := q.Query(ctx, `SELECT id, COALESCE(assignee_id, 0), COALESCE(team_id, 0) FROM conversations WHERE id IN `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("live: holders: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]holder, len(ids))
	for rows.Next() {
		var id int64
		var c holder
		if err := rows.Scan(&id, &c.assignee, &c.team); err != nil {
			return nil, fmt.Errorf("live: holders: %w", err)
		}
		c.exists = true
		out[id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("live: holders: %w", err)
	}
	return out, nil
}
