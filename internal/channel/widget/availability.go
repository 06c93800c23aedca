package widget

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/report"
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

// team is what the widget tells its visitor of the team: whether someone
// is online and, when nobody is, the workspace's calendar (its business
// hours and holidays), which says when the team is next at work.
type team struct {
	online bool
	cal    report.Calendar
}

// readTeam reads the team's availability, and the calendar when nobody is
// online.
func readTeam(ctx context.Context, q db.Querier, workspaceID int64) (team, error) {
	online, err := teamOnline(ctx, q, workspaceID)
	if err != nil || online {
		return team{online: online}, err
	}
	cal, err := report.LoadCalendar(ctx, q, workspaceID)
	if err != nil {
		return team{}, fmt.Errorf("widget: team calendar: %w", err)
	}
	return team{cal: cal}, nil
}

// opensAt is when the team is next at work, when nobody is online and the
// workspace is outside its business hours at now: the visitor is told
// "back Monday at 9:00" rather than only the away message.
func (t team) opensAt(now time.Time) *time.Time {
	if t.online {
		return nil
	}
	at, ok := t.cal.NextOpening(now)
	if !ok {
		return nil
	}
	return &at
}

// availability shares the answer to readTeam after a presence change
// among the node's visitor sockets: every socket of the workspace hears
// the change, and one query serves them all. An answer is kept by the
// id of the change it follows; a socket that hears a later change asks
// again.
type availability struct {
	// query reads the answer: readTeam, or a test's.
	query func(ctx context.Context, q db.Querier, workspaceID int64) (team, error)

	mu   sync.Mutex
	byWS map[int64]*availabilityAfter
}

type availabilityAfter struct {
	eventID int64
	once    sync.Once
	team    team
	err     error
}

// after returns the workspace's team once the presence change eventID is
// committed (the caller heard it on the log).
func (a *availability) after(ctx context.Context, q db.Querier, workspaceID, eventID int64) (team, error) {
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
			query = readTeam
		}
		cur.team, cur.err = query(context.WithoutCancel(ctx), q, workspaceID)
	})
	if cur.err != nil {
		// Not kept: the next socket to ask queries again.
		a.mu.Lock()
		if a.byWS[workspaceID] == cur {
			delete(a.byWS, workspaceID)
		}
		a.mu.Unlock()
	}
	return cur.team, cur.err
}
