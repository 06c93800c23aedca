package routing

import (
	"context"
	"database/sql"
	"errors"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// Strategies pick one agent among those who qualify.
const (
	RoundRobin  = "round_robin"  // next in the team's persisted rotation
	LeastOpen   = "least_open"   // fewest open conversations; ties to the longest idle
	LongestIdle = "longest_idle" // longest since their last assignment
)

// Settings are a workspace's routing settings.
type Settings struct {
	// InactivityTimeoutMinutes: a user none of whose devices was seen for
	// this long is offline (1–60).
	InactivityTimeoutMinutes int `json:"inactivity_timeout_minutes"`
	// DefaultCapacity is the most open conversations a user may be
	// auto-assigned unless their own capacity says otherwise; 0 is unlimited.
	DefaultCapacity int `json:"default_capacity"`
	// ReassignGraceMinutes: when an agent has been offline this long their
	// open conversations return to the queue; -1 turns reassignment off.
	ReassignGraceMinutes int `json:"reassign_grace_minutes"`
	// DefaultStrategy is used when a request names none.
	DefaultStrategy string `json:"default_strategy"`
}

// SettingsUpdate is a partial update of Settings; nil fields are unchanged.
type SettingsUpdate struct {
	InactivityTimeoutMinutes *int    `json:"inactivity_timeout_minutes"`
	DefaultCapacity          *int    `json:"default_capacity"`
	ReassignGraceMinutes     *int    `json:"reassign_grace_minutes"`
	DefaultStrategy          *string `json:"default_strategy"`
}

// settings in the units the queries use.
type settings struct {
	timeoutMs  int64
	capacity   int
	graceMs    int64
	strategy   string
	configured bool
}

var defaults = settings{timeoutMs: 5 * 60_000, capacity: 0, graceMs: -1, strategy: RoundRobin}

func (st settings) public() Settings {
	grace := -1
	if st.graceMs >= 0 {
		grace = int(st.graceMs / 60_000)
	}
	return Settings{InactivityTimeoutMinutes: int(st.timeoutMs / 60_000), DefaultCapacity: st.capacity,
		ReassignGraceMinutes: grace, DefaultStrategy: st.strategy}
}

// settingsMemo keys a workspace's settings in a transaction's memo: a
// batch of assignments reads them once (db.Memo).
type settingsMemo struct{ workspaceID int64 }

func loadSettings(ctx context.Context, q db.Querier, workspaceID int64) (settings, error) {
	if tx, ok := q.(*db.Tx); ok {
		return db.Memo(tx, settingsMemo{workspaceID}, func() (settings, error) { return readSettings(ctx, tx, workspaceID) })
	}
	return readSettings(ctx, q, workspaceID)
}

func readSettings(ctx context.Context, q db.Querier, workspaceID int64) (settings, error) {
	st := settings{configured: true}
	err := q.QueryRow(ctx, `SELECT inactivity_timeout_ms, default_capacity, reassign_grace_ms, default_strategy
		FROM routing_settings WHERE workspace_id = ?`, workspaceID).Scan(&st.timeoutMs, &st.capacity, &st.graceMs, &st.strategy)
	if errors.Is(err, sql.ErrNoRows) {
		return defaults, nil
	}
	return st, err
}

// Settings returns the workspace's routing settings.
func (s *Service) Settings(ctx context.Context, workspaceID int64) (Settings, error) {
	st, err := loadSettings(ctx, s.db.Reader(), workspaceID)
	return st.public(), wrap("settings", err)
}

func validStrategy(v string) bool { return v == RoundRobin || v == LeastOpen || v == LongestIdle }

// UpdateSettings changes the workspace's routing settings. Raising the
// default capacity, or any change, appends routing.settings.updated so
// queues drain at once.
func (s *Service) UpdateSettings(ctx context.Context, workspaceID int64, in SettingsUpdate) (Settings, error) {
	var out Settings
	err := s.write(ctx, func(tx *db.Tx) error {
		var err error
		out, err = s.updateSettingsTx(ctx, tx, workspaceID, in)
		return err
	})
	if err != nil {
		return Settings{}, wrap("update settings", err)
	}
	return out, nil
}

// updateSettingsTx is UpdateSettings inside tx. What it writes replaces
// the settings memo of tx (db.Memo): an assignment later in the same
// batch reads the new settings.
func (s *Service) updateSettingsTx(ctx context.Context, tx *db.Tx, workspaceID int64, in SettingsUpdate) (Settings, error) {
	st, err := readSettings(ctx, tx, workspaceID) // read, changed and written: not a memo
	if err != nil {
		return Settings{}, err
	}
	oldTimeoutMs := st.timeoutMs
	if in.InactivityTimeoutMinutes != nil {
		if m := *in.InactivityTimeoutMinutes; m < 1 || m > 60 {
			return Settings{}, apperr.Invalid("inactivity_timeout_minutes", "must be between 1 and 60")
		}
		st.timeoutMs = int64(*in.InactivityTimeoutMinutes) * 60_000
	}
	if in.DefaultCapacity != nil {
		if *in.DefaultCapacity < 0 || *in.DefaultCapacity > MaxCapacity {
			return Settings{}, apperr.Invalid("default_capacity", "must be 0 (unlimited) to %d", MaxCapacity)
		}
		st.capacity = *in.DefaultCapacity
	}
	if in.ReassignGraceMinutes != nil {
		switch m := *in.ReassignGraceMinutes; {
		case m == -1:
			st.graceMs = -1
		case m >= 0 && m <= 24*60:
			st.graceMs = int64(m) * 60_000
		default:
			return Settings{}, apperr.Invalid("reassign_grace_minutes", "must be -1 (off) or 0–1440")
		}
	}
	if in.DefaultStrategy != nil {
		if !validStrategy(*in.DefaultStrategy) {
			return Settings{}, apperr.Invalid("default_strategy", "must be round_robin, least_open or longest_idle")
		}
		st.strategy = *in.DefaultStrategy
	}
	if _, err := tx.Exec(ctx, `INSERT INTO routing_settings (workspace_id, inactivity_timeout_ms, default_capacity, reassign_grace_ms, default_strategy)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (workspace_id) DO UPDATE SET inactivity_timeout_ms = excluded.inactivity_timeout_ms,
		default_capacity = excluded.default_capacity, reassign_grace_ms = excluded.reassign_grace_ms, default_strategy = excluded.default_strategy`,
		workspaceID, st.timeoutMs, st.capacity, st.graceMs, st.strategy); err != nil {
		return Settings{}, err
	}
	tx.Forget(settingsMemo{workspaceID})
	out := st.public()
	tx.Due(duePresence, 0) // timeouts and grace may have moved
	if _, err := event.Append(ctx, tx, event.New{WorkspaceID: workspaceID, Type: event.RoutingSettingsUpdated, Payload: out}); err != nil {
		return Settings{}, err
	}
	if st.timeoutMs > oldTimeoutMs {
		// Agents announced offline for inactivity whose last heartbeat is
		// within the longer timeout are available again: claims already
		// choose them (availability is computed from the heartbeat), so
		// they are announced now, which also cancels the reassignment
		// their going offline started. A shorter timeout is the presence
		// timer's, woken above.
		now := s.nowMs()
		back, err := db.QueryIDs(ctx, tx, `SELECT a.user_id FROM routing_agents a JOIN users u ON u.id = a.user_id
			WHERE a.workspace_id = ? AND a.presence = 'offline' AND u.deactivated_at = 0 AND a.last_seen_at > ? ORDER BY a.user_id`,
			workspaceID, now-st.timeoutMs)
		if err != nil {
			return Settings{}, err
		}
		for _, id := range back {
			if err := s.announce(ctx, tx, workspaceID, id, now, "settings"); err != nil {
				return Settings{}, err
			}
		}
	}
	return out, nil
}
