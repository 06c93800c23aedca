package broadcast

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
)

const selectBroadcast = `SELECT b.id, b.workspace_id, b.name, b.channel_id, b.audience, b.message, b.status, b.scheduled_at,
	b.started_at, b.finished_at, b.created_by, b.created_at, b.updated_at FROM broadcasts b`

func scanBroadcast(row interface{ Scan(...any) error }) (Broadcast, error) {
	var b Broadcast
	var audience, message string
	var scheduled, started, finished, created, updated int64
	if err := row.Scan(&b.ID, &b.WorkspaceID, &b.Name, &b.ChannelID, &audience, &message, &b.Status, &scheduled, &started, &finished,
		&b.CreatedBy, &created, &updated); err != nil {
		return b, err
	}
	if err := json.Unmarshal([]byte(audience), &b.Audience); err != nil {
		return b, fmt.Errorf("broadcast %d: audience: %w", b.ID, err)
	}
	if err := json.Unmarshal([]byte(message), &b.Message); err != nil {
		return b, fmt.Errorf("broadcast %d: message: %w", b.ID, err)
	}
	b.ScheduledAt, b.StartedAt, b.FinishedAt = optionalTime(scheduled), optionalTime(started), optionalTime(finished)
	b.CreatedAt, b.UpdatedAt = db.Time(created), db.Time(updated)
	return b, nil
}

// Get returns a broadcast of the principal's workspace with its numbers.
func (s *Service) Get(ctx context.Context, p access.Principal, id int64) (Broadcast, error) {
	list, err := s.read(ctx, ` WHERE b.workspace_id = ? AND b.id = ?`, p.WorkspaceID, id)
	if err != nil {
		return Broadcast{}, err
	}
	if len(list) == 0 {
		return Broadcast{}, notFound()
	}
	return list[0], nil
}

// List returns up to n of the workspace's broadcasts before the id before
// (0: from the newest), newest first, with their numbers.
func (s *Service) List(ctx context.Context, p access.Principal, before int64, n int) ([]Broadcast, error) {
	where, args := ` WHERE b.workspace_id = ?`, []any{p.WorkspaceID}
	if before > 0 {
		where += ` AND b.id < ?`
		args = append(args, before)
	}
	return s.read(ctx, where+` ORDER BY b.id DESC LIMIT ?`, append(args, n)...)
}

// read returns the broadcasts the clause selects, with their numbers
// counted in one query.
func (s *Service) read(ctx context.Context, clause string, args ...any) ([]Broadcast, error) {
	q := s.db.Reader()
	rows, err := q.Query(ctx, selectBroadcast+clause, args...)
	if err != nil {
		return nil, fmt.Errorf("broadcast: read: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Broadcast, error) { return scanBroadcast(rows) })
	if err != nil || len(list) == 0 {
		return list, err
	}
	ids := make([]any, len(list))
	at := map[int64]*Broadcast{}
	for i := range list {
		ids[i] = list[i].ID
		at[list[i].ID] = &list[i]
	}
	rows, err = q.Query(ctx, `SELECT r.broadcast_id, COUNT(*),
		SUM(CASE WHEN r.message_id IS NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN m.status = 'pending' THEN 1 ELSE 0 END),
		SUM(CASE WHEN m.status = 'sent' THEN 1 ELSE 0 END),
		SUM(CASE WHEN m.status = 'delivered' THEN 1 ELSE 0 END),
		SUM(CASE WHEN m.status = 'read' THEN 1 ELSE 0 END),
		SUM(CASE WHEN m.status = 'failed' THEN 1 ELSE 0 END),
		SUM(CASE WHEN `+repliedCond+` THEN 1 ELSE 0 END)
		FROM broadcast_recipients r LEFT JOIN messages m ON m.id = r.message_id
		WHERE r.broadcast_id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+`) GROUP BY r.broadcast_id`, ids...)
	if err != nil {
		return nil, fmt.Errorf("broadcast: numbers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var st Stats
		if err := rows.Scan(&id, &st.Recipients, &st.Skipped, &st.Pending, &st.Sent, &st.Delivered, &st.Read, &st.Failed, &st.Replied); err != nil {
			return nil, err
		}
		at[id].Stats = st
	}
	return list, rows.Err()
}

// repliedCond holds for a recipient (r, its message m) who wrote after
// the broadcast's message: on any channel, since a contact may answer
// where they like.
const repliedCond = `r.message_id IS NOT NULL AND EXISTS (SELECT 1 FROM messages i WHERE i.contact_id = r.contact_id AND i.direction = 'in' AND i.id > r.message_id)`

// Estimate is how many contacts a broadcast with this channel and
// audience would go to now (before windows and templates: a text skips
// those outside a windowed channel's window when it is sent).
func (s *Service) Estimate(ctx context.Context, p access.Principal, channelID int64, a Audience) (int, error) {
	if err := check(ctx, s.db.Reader(), Broadcast{WorkspaceID: p.WorkspaceID, Name: "-", ChannelID: channelID, Audience: a,
		Message: Message{Type: "text", Text: "-"}}); err != nil {
		return 0, err
	}
	return contact.New(s.db).Count(ctx, access.System(p.WorkspaceID), a.filter(channelID))
}

func optionalTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return db.Time(ms)
}

func notFound() error { return apperr.NotFound("broadcast") }
