package routing

import (
	"context"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// Presence is a user's availability as routing sees it.
type Presence struct {
	UserID int64 `json:"user_id"`
	// Status is what the user chose: online or busy.
	Status string `json:"status"`
	// Availability is online or busy while a device was seen within the
	// workspace's inactivity timeout, offline otherwise.
	Availability string    `json:"availability"`
	LastSeenAt   time.Time `json:"last_seen_at,omitzero"`
	Devices      int       `json:"devices"`
	Open         int       `json:"open"`     // open assigned conversations
	Capacity     int       `json:"capacity"` // effective; 0 is unlimited
	// CapacityOverride is the user's own capacity; null follows the
	// workspace default.
	CapacityOverride *int `json:"capacity_override"`
}

// Heartbeat records that a signed-in device of the user is alive. A user
// who was offline returns to the status they chose.
func (s *Service) Heartbeat(ctx context.Context, workspaceID, userID int64, deviceID string) (Presence, error) {
	deviceID = strings.TrimSpace(deviceID)
	if deviceID == "" {
		return Presence{}, apperr.Invalid("device_id", "is required")
	}
	if err := limit.Text("device_id", deviceID, MaxDeviceIDLen); err != nil {
		return Presence{}, err
	}
	steady, err := s.steadyBeat(ctx, workspaceID, userID, deviceID)
	if err != nil {
		return Presence{}, wrap("heartbeat", err)
	}
	if steady {
		return s.Presence(ctx, workspaceID, userID)
	}
	return s.changePresence(ctx, workspaceID, userID, "heartbeat", func(tx *db.Tx, now int64) error {
		return beat(ctx, tx, userID, deviceID, now)
	})
}

// steadyBeat records a heartbeat that changes nobody's availability: the
// user's announced presence already is the status they chose, which a
// live device makes their availability. Every live agent beats twice a
// minute per socket, so on PostgreSQL this runs beside other writes
// instead of taking the store's write lock exclusively, which would hold
// back every node's receives and workflow batches each time. It is safe
// there because whatever changes a presence or a status (announce, the
// presence timer, SetStatus) holds the agent's row, as this does, so
// neither moves while this runs; a claim deciding meanwhile saw the
// older last-seen time, as if it ran just before. It wakes no presence timer: a later
// last-seen time only moves an expiry later, and the timer, waking at the
// earlier one, reads them again. It reports false, having written
// nothing, when an announcement is due (the user was offline, or has no
// routing row yet) or the user is not the workspace's.
func (s *Service) steadyBeat(ctx context.Context, workspaceID, userID int64, deviceID string) (bool, error) {
	var steady bool
	// Its agent row is named to the committer, so a batch of heartbeats
	// takes the agents in id order (claims pass a held one over).
	err := s.writeConcurrent(db.WithRows(ctx, "routing_agents", userID), func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM routing_agents a JOIN users u ON u.id = a.user_id
			WHERE a.user_id = ? AND u.workspace_id = ? AND a.presence = u.status`, userID, workspaceID).Scan(&n); err != nil {
			return err
		}
		if steady = n > 0; !steady {
			return nil
		}
		return beat(ctx, tx, userID, deviceID, s.nowMs())
	})
	return steady, err
}

// beat records that the device was seen now.
func beat(ctx context.Context, tx *db.Tx, userID int64, deviceID string, now int64) error {
	if _, err := tx.Exec(ctx, `INSERT INTO routing_devices (user_id, device_id, last_seen_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id, device_id) DO UPDATE SET last_seen_at = excluded.last_seen_at`, userID, deviceID, now); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE routing_agents SET last_seen_at = ? WHERE user_id = ? AND last_seen_at < ?`, now, userID, now)
	return err
}

// SignOut forgets a device; when no live device remains the user is offline.
func (s *Service) SignOut(ctx context.Context, workspaceID, userID int64, deviceID string) (Presence, error) {
	deviceID = strings.TrimSpace(deviceID)
	if deviceID == "" {
		// As for a heartbeat: no device is none signed out, not a success.
		return Presence{}, apperr.Invalid("device_id", "is required")
	}
	if err := limit.Text("device_id", deviceID, MaxDeviceIDLen); err != nil {
		return Presence{}, err
	}
	return s.changePresence(ctx, workspaceID, userID, "sign_out", func(tx *db.Tx, now int64) error {
		if _, err := tx.Exec(ctx, `DELETE FROM routing_devices WHERE user_id = ? AND device_id = ?`, userID, deviceID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE routing_agents SET last_seen_at = COALESCE((SELECT MAX(last_seen_at) FROM routing_devices WHERE user_id = ?), 0)
			WHERE user_id = ?`, userID, userID)
		return err
	})
}

// SetStatus changes the status the user chose (online or busy); it takes
// effect at once if a device is live, else when one is next seen.
func (s *Service) SetStatus(ctx context.Context, workspaceID, userID int64, status string) (Presence, error) {
	if status != Online && status != Busy {
		return Presence{}, apperr.Invalid("status", "must be online or busy")
	}
	return s.changePresence(ctx, workspaceID, userID, "status", func(tx *db.Tx, now int64) error {
		_, err := tx.Exec(ctx, `UPDATE users SET status = ? WHERE id = ?`, status, userID)
		return err
	})
}

// changePresence runs change for a user of the workspace in one
// transaction with the announcement of any availability change (with
// cause), wakes the presence timer (its next expiry may have moved) and
// returns the user's presence.
func (s *Service) changePresence(ctx context.Context, workspaceID, userID int64, cause string, change func(tx *db.Tx, now int64) error) (Presence, error) {
	now := s.nowMs()
	err := s.writeConcurrent(db.WithRows(ctx, "routing_agents", userID), func(tx *db.Tx) error {
		if err := userInWorkspace(ctx, tx, workspaceID, userID); err != nil {
			return err
		}
		if err := ensureAgent(ctx, tx, workspaceID, userID); err != nil {
			return err
		}
		if err := change(tx, now); err != nil {
			return err
		}
		// The next expiry may have moved: the presence timers look again.
		tx.Due(duePresence, now)
		return s.announce(ctx, tx, workspaceID, userID, now, cause)
	})
	if err != nil {
		return Presence{}, wrap(strings.ReplaceAll(cause, "_", " "), err)
	}
	return s.Presence(ctx, workspaceID, userID)
}

// StatusChanged re-announces a user's presence after their chosen status
// changed elsewhere (the users API), so routing and live clients follow.
func (s *Service) StatusChanged(ctx context.Context, workspaceID, userID int64) error {
	now := s.nowMs()
	return wrap("status changed", s.writeConcurrent(db.WithRows(ctx, "routing_agents", userID), func(tx *db.Tx) error {
		if err := ensureAgent(ctx, tx, workspaceID, userID); err != nil {
			return err
		}
		return s.announce(ctx, tx, workspaceID, userID, now, "status")
	}))
}

// announce recomputes the user's availability and, when it differs from
// the one last announced, stores it and appends user.presence.updated.
// Going offline starts the reassignment grace period; coming back cancels it.
//
// On PostgreSQL announcements run beside other writes (writeConcurrent).
// Every write that changes what availability is made of (a status, a
// device's heartbeat or sign-out) names the agent's row, so the committer
// holds it before the write runs: two announcements of one agent, or an
// announcement and a heartbeat, run one after the other, and each reads
// what the one before committed. Claims read candidates without that
// lock and check again in their conditional UPDATE (claimAgent). The read
// below also locks the row, for an agent whose row the write just created
// (ensureAgent), which no one could name before.
func (s *Service) announce(ctx context.Context, tx *db.Tx, workspaceID, userID, now int64, cause string) error {
	st, err := loadSettings(ctx, tx, workspaceID)
	if err != nil {
		return err
	}
	c := candidate{id: userID}
	var previous string
	q := `SELECT u.status, a.last_seen_at, a.presence FROM users u JOIN routing_agents a ON a.user_id = u.id WHERE u.id = ?`
	if tx.Dialect() == db.Postgres {
		q += ` FOR NO KEY UPDATE OF a`
	}
	if err := tx.QueryRow(ctx, q, userID).Scan(&c.status, &c.lastSeen, &previous); err != nil {
		return err
	}
	avail := c.availability(now, st)
	if avail == previous {
		return nil
	}
	if avail == Offline {
		_, err = tx.Exec(ctx, `UPDATE routing_agents SET presence = ?, offline_since = ?, reassign_pending = 1 WHERE user_id = ?`, avail, now, userID)
		if err == nil {
			// Every device lapsed (the newest is the agent's last-seen
			// time): each sign-in is a device of its own, so they are
			// forgotten here rather than kept for ever.
			_, err = tx.Exec(ctx, `DELETE FROM routing_devices WHERE user_id = ? AND last_seen_at <= ?`, userID, now-st.timeoutMs)
		}
	} else {
		_, err = tx.Exec(ctx, `UPDATE routing_agents SET presence = ?, offline_since = 0, reassign_pending = 0 WHERE user_id = ?`, avail, userID)
	}
	if err != nil {
		return err
	}
	_, err = event.Append(ctx, tx, event.New{WorkspaceID: workspaceID, Type: event.UserPresenceUpdated,
		Payload: map[string]any{"user_id": userID, "availability": avail, "previous": previous, "status": c.status, "cause": cause}})
	return err
}

// Presence returns one user's presence.
func (s *Service) Presence(ctx context.Context, workspaceID, userID int64) (Presence, error) {
	list, err := s.presences(ctx, workspaceID, userID, page.First())
	if err != nil {
		return Presence{}, err
	}
	if len(list) == 0 {
		return Presence{}, apperr.NotFound("user")
	}
	return list[0], nil
}

// Presences returns a page of the users' presence, in user id order.
func (s *Service) Presences(ctx context.Context, workspaceID int64, req page.Request) (page.Page[Presence], error) {
	list, err := s.presences(ctx, workspaceID, 0, req)
	return page.CutByID(list, req.Limit, func(p Presence) int64 { return p.UserID }), err
}

// presences reads the presence of one user (userID) or of a page of users.
func (s *Service) presences(ctx context.Context, workspaceID, userID int64, req page.Request) ([]Presence, error) {
	q := s.db.Reader()
	st, err := loadSettings(ctx, q, workspaceID)
	if err != nil {
		return nil, wrap("presence", err)
	}
	query := `SELECT u.id, u.status, COALESCE(a.last_seen_at, 0), COALESCE(a.capacity, -1),
		(SELECT COUNT(*) FROM conversations c WHERE c.assignee_id = u.id AND c.status <> 'closed'),
		(SELECT COUNT(*) FROM routing_devices d WHERE d.user_id = u.id AND d.last_seen_at > ?), u.kind
		FROM users u LEFT JOIN routing_agents a ON a.user_id = u.id WHERE u.workspace_id = ?`
	now := s.nowMs()
	args := []any{now - st.timeoutMs, workspaceID} // live devices only
	if userID != 0 {
		query += ` AND u.id = ?`
		args = append(args, userID)
	}
	after, afterArgs := req.ByID("u.id", false)
	query += ` AND ` + after + ` ORDER BY u.id LIMIT ?`
	args = append(append(args, afterArgs...), req.Fetch())
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, wrap("presence", err)
	}
	defer rows.Close()
	out := []Presence{}
	for rows.Next() {
		var c candidate
		var override int
		var p Presence
		var kind string
		if err := rows.Scan(&c.id, &c.status, &c.lastSeen, &override, &c.open, &p.Devices, &kind); err != nil {
			return nil, wrap("presence", err)
		}
		p.UserID, p.Status, p.Availability, p.LastSeenAt = c.id, c.status, c.availability(now, st), db.Time(c.lastSeen)
		p.Open, p.Capacity = c.open, effectiveCapacity(override, st)
		if kind == KindAIAgent {
			// Always available and without capacity, as routing treats it.
			p.Status, p.Availability, p.Capacity = Online, Online, 0
		}
		if override >= 0 {
			p.CapacityOverride = &override
		}
		out = append(out, p)
	}
	return out, wrap("presence", rows.Err())
}
