package report

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// kind is the date a report keys a fact on: the conversations opened,
// closed, first assigned or first answered on a day, or the human
// responses made on it. Each kind has its rows (rec) in the live fact
// tables and, per day, in a segment (segment.go).
type kind byte

const (
	kindOpened        kind = 'o'
	kindClosed        kind = 'c'
	kindAssigned      kind = 'a'
	kindFirstResponse kind = 'f'
	kindResponse      kind = 'r'
)

var kinds = []kind{kindOpened, kindClosed, kindAssigned, kindFirstResponse, kindResponse}

// rec is one row of a kind: the conversation's facts every report of
// that kind reads or filters on. The aggregations read recs alone, so a
// rec decoded from a segment and one scanned from the fact tables give
// the same figures.
type rec struct {
	Local int64 // the kind's date, local milliseconds
	// User is the kind's person: the first assignee (a), the first
	// responder (f), the responding user (r); 0 for o and c.
	Channel, Team, Assignee, User int64
	Reopen, Closed, Answered      int64 // 0 or 1
	Msgs, Responses, Reassign     int64
	// A, B, C are the kind's durations: c resolution and in business
	// hours; a time to assignment and queue wait; f first response, in
	// business hours, and from assignment; r response and in business
	// hours.
	A, B, C                                        sqlNull
	OpenedSource, ClosedSource, Category, Strategy string
}

// match applies the filter's conditions other than the range (the test
// flag is applied when rows are read: test conversations are never in a
// segment). The user filter keeps a response by its user and any other
// row by the conversation's assignee.
func (f Filter) match(k kind, r *rec) bool {
	if f.TeamID != 0 && r.Team != f.TeamID {
		return false
	}
	if f.UserID != 0 {
		if k == kindResponse {
			if r.User != f.UserID {
				return false
			}
		} else if r.Assignee != f.UserID {
			return false
		}
	}
	if f.ChannelID != 0 && r.Channel != f.ChannelID {
		return false
	}
	if f.OpenedSource != "" && r.OpenedSource != f.OpenedSource {
		return false
	}
	if f.ClosedSource != "" && r.ClosedSource != f.ClosedSource {
		return false
	}
	if f.Category != "" && r.Category != f.Category {
		return false
	}
	return true
}

const recCommon = `c.channel_id, c.team_id, c.assignee_id, c.reopen, CASE WHEN c.closed_at > 0 THEN 1 ELSE 0 END,
	CASE WHEN c.first_response_at > 0 THEN 1 ELSE 0 END, c.messages_in + c.messages_out, c.responses, c.reassignments,
	c.opened_source, c.closed_source, c.category, c.strategy`

// liveQuery is the SQL reading the recs of kind k in the filter's range
// (and matching its conditions) from the fact tables.
func liveQuery(ws int64, f Filter, k kind) (string, []any) {
	var w string
	var args []any
	switch k {
	case kindResponse:
		from, rargs := responseRows(ws, f)
		return `SELECT r.at_local, r.user_id, r.response_ms, r.response_bh_ms, NULL, ` + recCommon + ` FROM ` + from, rargs
	case kindOpened:
		w, args = f.where(ws, "opened_local")
		return `SELECT c.opened_local, 0, NULL, NULL, NULL, ` + recCommon + ` FROM report_conversations c WHERE ` + w, args
	case kindClosed:
		w, args = f.where(ws, "closed_local")
		return `SELECT c.closed_local, 0, c.resolution_ms, c.resolution_bh_ms, NULL, ` + recCommon +
			` FROM report_conversations c WHERE ` + w + ` AND c.closed_at > 0`, args
	case kindAssigned:
		w, args = f.where(ws, "first_assigned_local")
		return `SELECT c.first_assigned_local, c.first_assignee_id, c.time_to_assign_ms, c.queue_wait_ms, NULL, ` + recCommon +
			` FROM report_conversations c WHERE ` + w + ` AND c.first_assigned_at > 0`, args
	default:
		w, args = f.where(ws, "first_response_local")
		return `SELECT c.first_response_local, c.first_responder_id, c.first_response_ms, c.first_response_bh_ms, c.assign_response_ms, ` +
			recCommon + ` FROM report_conversations c WHERE ` + w + ` AND c.first_response_at > 0`, args
	}
}

// liveRows calls fn with each rec of kind k in the filter's range that
// matches it, read from the fact tables.
func liveRows(ctx context.Context, q db.Querier, ws int64, f Filter, k kind, fn func(*rec)) error {
	query, args := liveQuery(ws, f, k)
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("report: read %c facts: %w", k, err)
	}
	defer rows.Close()
	var r rec
	dest := []any{&r.Local, &r.User, &r.A, &r.B, &r.C, &r.Channel, &r.Team, &r.Assignee, &r.Reopen, &r.Closed, &r.Answered,
		&r.Msgs, &r.Responses, &r.Reassign, &r.OpenedSource, &r.ClosedSource, &r.Category, &r.Strategy}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("report: read %c facts: %w", k, err)
		}
		fn(&r)
	}
	return rows.Err()
}

type sqlNull = sql.NullInt64
