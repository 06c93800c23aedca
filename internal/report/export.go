package report

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Reports are the names of the reports with a CSV export.
var Reports = []string{"conversations", "responses", "resolutions", "assignments", "users", "teams", "leaderboard",
	"messages", "contacts", "workflows", "satisfaction"}

// Export streams the rows behind a report's charts, with the same filter:
// emit is called with the header, then once per row, as rows are read.
//
//   - conversations: one row per conversation opened or closed in the
//     range (its facts); resolutions: closed in it; assignments: first
//     assigned in it.
//   - responses: one row per human response in the range; first = 1 on a
//     conversation's first one.
//   - users, teams, leaderboard: the table's rows.
//   - messages: one row per day, channel, direction, sender, user and team.
//   - contacts: one row per contact created (kind new) and per lifecycle
//     change (kind stage) in the range.
//   - workflows: one row per run started in the range.
//   - satisfaction: one row per survey of a conversation closed in the
//     range (rating 0: not answered).
func (s *Service) Export(ctx context.Context, workspaceID int64, report string, f Filter, emit func([]string) error) error {
	cal, err := s.resolveFilter(ctx, workspaceID, &f)
	if err != nil {
		return err
	}
	q := s.db.Reader()
	switch report {
	case "conversations", "resolutions", "assignments":
		return exportFacts(ctx, q, workspaceID, report, f, emit)
	case "responses":
		from, args := responseRows(workspaceID, f)
		return stream(ctx, q, emit, []string{"event_id", "conversation_id", "user_id", "at", "day", "response_ms", "response_bh_ms", "first",
			"first_response_ms", "assignment_to_first_response_ms"},
			`SELECT r.event_id, r.conversation_id, r.user_id, r.at_local, r.at_local / 86400000, r.response_ms, r.response_bh_ms,
			CASE WHEN r.at_local = c.first_response_local THEN 1 ELSE 0 END,
			CASE WHEN r.at_local = c.first_response_local THEN c.first_response_ms END,
			CASE WHEN r.at_local = c.first_response_local THEN c.assign_response_ms END FROM `+from+` ORDER BY r.event_id`, args,
			map[int]func(int64) string{3: localTime, 4: dayString})
	case "users", "teams", "leaderboard":
		var rows []PersonRow
		var ranks []int
		if report == "leaderboard" {
			lb, err := s.Leaderboard(ctx, workspaceID, f)
			if err != nil {
				return err
			}
			for _, r := range lb.Current.Rows {
				rows, ranks = append(rows, r.PersonRow), append(ranks, r.Rank)
			}
		} else {
			t, err := peopleTable(ctx, q, workspaceID, f, report == "teams")
			if err != nil {
				return err
			}
			rows = t.Rows
		}
		head := []string{"id", "assigned", "closed", "average_resolution_ms", "first_responses", "average_first_response_ms",
			"responses", "average_response_ms", "messages_sent"}
		if ranks != nil {
			head = append([]string{"rank"}, head...)
		}
		if err := emit(head); err != nil {
			return err
		}
		for i, r := range rows {
			rec := ints(r.ID, r.Assigned, r.Closed, r.AverageResolutionMs, r.FirstResponses, r.AverageFirstResponseMs, r.Responses,
				r.AverageResponseMs, r.MessagesSent)
			if ranks != nil {
				rec = append([]string{strconv.Itoa(ranks[i])}, rec...)
			}
			if err := emit(rec); err != nil {
				return err
			}
		}
		return nil
	case "messages":
		w, args := messageWhere(workspaceID, f)
		return stream(ctx, q, emit, []string{"day", "channel_id", "direction", "sender", "user_id", "team_id", "messages"},
			`SELECT m.day, m.channel_id, m.direction, m.sender, m.user_id, m.team_id, m.messages FROM report_message_days m WHERE `+w+`
			ORDER BY m.day, m.channel_id, m.direction, m.sender, m.user_id, m.team_id`, args, map[int]func(int64) string{0: dayString})
	case "contacts":
		return stream(ctx, q, emit, []string{"kind", "contact_id", "at", "day", "stage"},
			`SELECT 'new', c.contact_id, c.created_local, c.created_local / 86400000, '' FROM report_contacts c
			WHERE c.workspace_id = ? AND c.is_test = 0 AND c.created_local >= ? AND c.created_local < ?
			UNION ALL SELECT 'stage', l.contact_id, l.at_local, l.at_local / 86400000, l.stage FROM report_lifecycle l
			WHERE l.workspace_id = ? AND l.at_local >= ? AND l.at_local < ?
			AND l.contact_id NOT IN (SELECT contact_id FROM report_contacts WHERE workspace_id = ? AND is_test = 1)
			ORDER BY 1, 3, 2`, []any{workspaceID, f.from, f.to, workspaceID, f.from, f.to, workspaceID},
			map[int]func(int64) string{2: localTime, 3: dayString})
	case "workflows":
		w := "w.workspace_id = ? AND w.started_local >= ? AND w.started_local < ?"
		args := []any{workspaceID, f.from, f.to}
		if f.WorkflowID != 0 {
			w += " AND w.workflow_id = ?"
			args = append(args, f.WorkflowID)
		}
		return stream(ctx, q, emit, []string{"run_id", "workflow_id", "started_at", "ended_at", "status", "last_step"},
			`SELECT w.run_id, w.workflow_id, w.started_local, w.ended_local, w.status, w.last_step FROM report_workflow_runs w WHERE `+w+`
			ORDER BY w.run_id`, args, map[int]func(int64) string{2: localTime, 3: localTime})
	case "satisfaction":
		where, args := f.where(workspaceID, "closed_local")
		return stream(ctx, q, emit, []string{"conversation_id", "contact_id", "channel_id", "team_id", "assignee_id", "closed_at", "day",
			"rating", "comment", "rated_at"},
			`SELECT v.conversation_id, c.contact_id, c.channel_id, c.team_id, c.assignee_id, c.closed_local, c.closed_local / 86400000,
			v.rating, v.comment, v.rated_at FROM `+surveys+` WHERE `+where+` ORDER BY v.conversation_id`, args,
			map[int]func(int64) string{5: localTime, 6: dayString, 9: func(at int64) string {
				if at == 0 {
					return ""
				}
				return localTime(cal.Local(at))
			}})
	}
	_ = cal
	return apperr.NotFound("report")
}

func exportFacts(ctx context.Context, q db.Querier, ws int64, report string, f Filter, emit func([]string) error) error {
	var w string
	var args []any
	switch report {
	case "conversations":
		w, args = f.where(ws, "opened_local")
		w = strings.Replace(w, "c.opened_local >= ? AND c.opened_local < ?",
			"((c.opened_local >= ? AND c.opened_local < ?) OR (c.closed_at > 0 AND c.closed_local >= ? AND c.closed_local < ?))", 1)
		args = append(append(append([]any{}, args[:3]...), f.from, f.to), args[3:]...)
	case "resolutions":
		w, args = f.where(ws, "closed_local")
		w += " AND c.closed_at > 0"
	default:
		w, args = f.where(ws, "first_assigned_local")
		w += " AND c.first_assigned_at > 0"
	}
	head := []string{"conversation_id", "contact_id", "channel_id", "team_id", "assignee_id", "opened_at", "opened_day", "opened_source",
		"reopen", "first_assigned_at", "first_assigned_day", "first_assignee_id", "strategy", "time_to_assignment_ms", "queue_wait_ms",
		"reassignments", "first_response_at", "first_response_day", "first_responder_id", "first_response_ms", "first_response_bh_ms",
		"assignment_to_first_response_ms", "responses", "response_ms_total", "messages_in", "messages_out", "closed_at", "closed_day",
		"closed_source", "category", "resolution_ms", "resolution_bh_ms"}
	l, d := localTime, dayOrNever
	return stream(ctx, q, emit, head, `SELECT c.conversation_id, c.contact_id, c.channel_id, c.team_id, c.assignee_id, c.opened_local,
		c.opened_local / 86400000, c.opened_source, c.reopen, c.first_assigned_local, c.first_assigned_local / 86400000, c.first_assignee_id,
		c.strategy, c.time_to_assign_ms, c.queue_wait_ms, c.reassignments, c.first_response_local, c.first_response_local / 86400000,
		c.first_responder_id, c.first_response_ms, c.first_response_bh_ms, c.assign_response_ms, c.responses, c.response_ms_total,
		c.messages_in, c.messages_out, c.closed_local, c.closed_local / 86400000, c.closed_source, c.category, c.resolution_ms,
		c.resolution_bh_ms FROM report_conversations c WHERE `+w+` ORDER BY c.conversation_id`, args,
		map[int]func(int64) string{5: l, 6: d, 9: l, 10: d, 16: l, 17: d, 26: l, 27: d})
}

// stream runs the query and emits each row as text; format turns the
// integer columns it names into times or days (an empty cell for 0 where
// a time is never).
func stream(ctx context.Context, q db.Querier, emit func([]string) error, head []string, query string, args []any,
	format map[int]func(int64) string) error {
	if err := emit(head); err != nil {
		return err
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("report: export: %w", err)
	}
	defer rows.Close()
	vals := make([]sql.NullString, len(head))
	dest := make([]any, len(head))
	for i := range vals {
		dest[i] = &vals[i]
	}
	rec := make([]string, len(head))
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("report: export: %w", err)
		}
		for i, v := range vals {
			rec[i] = v.String
			if fn := format[i]; fn != nil && v.Valid {
				n, _ := strconv.ParseInt(v.String, 10, 64)
				rec[i] = fn(n)
			}
		}
		if err := emit(rec); err != nil {
			return err
		}
	}
	return rows.Err()
}

// localTime writes a local-milliseconds value as "YYYY-MM-DD HH:MM:SS"
// in the workspace's time zone ("" for 0, never).
func localTime(local int64) string {
	if local == 0 {
		return ""
	}
	return time.UnixMilli(local).UTC().Format(time.DateTime)
}

func ints(v ...int64) []string {
	out := make([]string, len(v))
	for i, n := range v {
		out[i] = strconv.FormatInt(n, 10)
	}
	return out
}

// dayOrNever is dayString, or "" for day 0 (a time that never was).
func dayOrNever(day int64) string {
	if day == 0 {
		return ""
	}
	return dayString(day)
}
