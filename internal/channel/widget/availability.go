package widget

import (
	"context"
	"fmt"
	"sync"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// teamOnline says whether someone of the workspace is online to take
// conversations (routing's presence: online, not busy or offline), which
// the widget shows its visitor: "Online", or the channel's away message.
func teamOnline(ctx context.Context, q db.Querier, workspaceID int64) (bool, error) {
	var online bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM routing_agents WHERE workspace_id = ? AND presence = 'online')`,
		workspaceID).Scan(&online)
	if err != nil {
		return false, fmt.Errorf("widget: team availability: %w", err)
	}
	return online, nil
}

// availability shares the answer to teamOnline after a presence change
// among the node's visitor sockets: every socket of the workspace hears
// the change, and one query serves them all. An answer is kept by the
// id of the change it follows; a socket that hears a later change asks
// again.
type availability struct {
	// query reads the answer: teamOnline, or a test's.
	query func(ctx context.Context, q db.Querier, workspaceID int64) (bool, error)

	mu   sync.Mutex
	byWS map[int64]*availabilityAfter
}

type availabilityAfter struct {
	eventID int64
	once    sync.Once
	online  bool
	err     error
}

// after returns whether the workspace's team is online once the presence
// change eventID is committed (the caller heard it on the log).
func (a *availability) after(ctx context.Context, q db.Querier, workspaceID, eventID int64) (bool, error) {
	a.mu.Lock()
	if a.byWS == nil || len(a.byWS) >= maxRateKeys {
		a.byWS = map[int64]*availabilityAfter{}
	}
	cur := a.byWS[workspaceID]
	if cur == nil || cur.eventID < eventID {
		cur = &availabilityAfter{eventID: eventID}
		a.byWS[workspaceID] = cur
	}
	a.mu.Unlock()
	cur.once.Do(func() {
		query := a.query
		if query == nil {
			query = teamOnline
		}
		cur.online, cur.err = query(context.WithoutCancel(ctx), q, workspaceID)
	})
	if cur.err != nil {
		// Not kept: the next socket to ask queries again.
		a.mu.Lock()
		if a.byWS[workspaceID] == cur {
			delete(a.byWS, workspaceID)
		}
		a.mu.Unlock()
	}
	return cur.online, cur.err
}
