package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Settings are a workspace's report settings. The business hours of the
// business-hours mode are the workspace's (PATCH /api/v1/workspace); the
// holidays are here.
type Settings struct {
	// ReopenWindowMinutes: a contact's new conversation opened at most
	// this long after their previous one closed counts as a reopen
	// (default 1440, a day).
	ReopenWindowMinutes int `json:"reopen_window_minutes"`
	// Holidays are days (YYYY-MM-DD, in the workspace's time zone) that
	// count as closed in business-hours mode.
	Holidays []string `json:"holidays"`
}

// MaxHolidays bounds the holidays of a workspace.
const MaxHolidays = 366

func loadSettings(ctx context.Context, q db.Querier, workspaceID int64) (Settings, error) {
	s := Settings{ReopenWindowMinutes: int(DefaultReopenWindow / time.Minute), Holidays: []string{}}
	var window int64
	var holidays string
	err := q.QueryRow(ctx, `SELECT reopen_window_ms, holidays FROM report_settings WHERE workspace_id = ?`, workspaceID).Scan(&window, &holidays)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("report: settings: %w", err)
	}
	s.ReopenWindowMinutes = int(window / 60_000)
	if err := json.Unmarshal([]byte(holidays), &s.Holidays); err != nil || s.Holidays == nil {
		s.Holidays = []string{}
	}
	return s, nil
}

// Settings returns the workspace's report settings.
func (s *Service) Settings(ctx context.Context, workspaceID int64) (Settings, error) {
	return loadSettings(ctx, s.db.Reader(), workspaceID)
}

// UpdateSettings replaces the report settings. They apply to events
// projected from then on; `switchboard reports rebuild` applies them to
// the whole history.
func (s *Service) UpdateSettings(ctx context.Context, workspaceID int64, in Settings) (Settings, error) {
	if in.ReopenWindowMinutes < 0 || in.ReopenWindowMinutes > 60*24*90 {
		return Settings{}, apperr.Invalid("reopen_window_minutes", "must be between 0 and 129600 (90 days)")
	}
	if len(in.Holidays) > MaxHolidays {
		return Settings{}, apperr.Invalid("holidays", "holds %d days; at most %d are allowed", len(in.Holidays), MaxHolidays)
	}
	days := []string{}
	for i, h := range in.Holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			return Settings{}, apperr.Invalid(fmt.Sprintf("holidays[%d]", i), "%q is not a YYYY-MM-DD date", clip(h))
		}
		if !slices.Contains(days, h) {
			days = append(days, h)
		}
	}
	slices.Sort(days)
	body, _ := json.Marshal(days)
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO report_settings (workspace_id, reopen_window_ms, holidays) VALUES (?, ?, ?)
			ON CONFLICT (workspace_id) DO UPDATE SET reopen_window_ms = excluded.reopen_window_ms, holidays = excluded.holidays`,
			workspaceID, int64(in.ReopenWindowMinutes)*60_000, string(body))
		return err
	})
	if err != nil {
		return Settings{}, fmt.Errorf("report: update settings: %w", err)
	}
	return Settings{ReopenWindowMinutes: in.ReopenWindowMinutes, Holidays: days}, nil
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}
