package report

import (
	"context"
	"fmt"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// PersonRow is one row of the Users table (ID a user) or the Teams table
// (ID a team; 0 is conversations without a team).
type PersonRow struct {
	ID int64 `json:"id"`
	// Assigned: conversations first assigned in the range to this user
	// (Teams: in this team).
	Assigned int64 `json:"assigned"`
	// Closed: conversations closed in the range whose last assignee was
	// this user (Teams: in this team); AverageResolutionMs is their mean
	// opened → closed.
	Closed              int64 `json:"closed"`
	AverageResolutionMs int64 `json:"average_resolution_ms"`
	// FirstResponses: conversations whose first human response, in the
	// range, was this user's (Teams: in this team);
	// AverageFirstResponseMs is their mean opened → first response.
	FirstResponses         int64 `json:"first_responses"`
	AverageFirstResponseMs int64 `json:"average_first_response_ms"`
	// Responses: human responses in the range by this user (Teams: in
	// this team's conversations); AverageResponseMs their mean.
	Responses         int64 `json:"responses"`
	AverageResponseMs int64 `json:"average_response_ms"`
	// MessagesSent: messages this user sent in the range (Teams: people's
	// messages in this team's conversations).
	MessagesSent int64 `json:"messages_sent"`
}

// Table is the Users or Teams table.
type Table struct {
	Rows []PersonRow `json:"rows"`
}

// Users answers the Users table.
func (s *Service) Users(ctx context.Context, workspaceID int64, f Filter) (Result[Table], error) {
	return compute(ctx, s, workspaceID, f, func(ctx context.Context, q db.Querier, ws int64, f Filter) (Table, error) {
		return peopleTable(ctx, q, ws, f, false)
	})
}

// Teams answers the Teams table.
func (s *Service) Teams(ctx context.Context, workspaceID int64, f Filter) (Result[Table], error) {
	return compute(ctx, s, workspaceID, f, func(ctx context.Context, q db.Querier, ws int64, f Filter) (Table, error) {
		return peopleTable(ctx, q, ws, f, true)
	})
}

// Leaderboard is the users ranked by conversations closed, then by
// first responses, then by the lower average first response.
type Leaderboard struct {
	Rows []LeaderRow `json:"rows"`
}

// LeaderRow is a ranked user.
type LeaderRow struct {
	Rank int `json:"rank"`
	PersonRow
}

// Leaderboard answers the leaderboard (the first 10 users).
func (s *Service) Leaderboard(ctx context.Context, workspaceID int64, f Filter) (Result[Leaderboard], error) {
	return compute(ctx, s, workspaceID, f, func(ctx context.Context, q db.Querier, ws int64, f Filter) (Leaderboard, error) {
		t, err := peopleTable(ctx, q, ws, f, false)
		if err != nil {
			return Leaderboard{}, err
		}
		rows := slices.DeleteFunc(t.Rows, func(r PersonRow) bool { return r.ID == 0 })
		slices.SortStableFunc(rows, func(a, b PersonRow) int {
			if a.Closed != b.Closed {
				return int(b.Closed - a.Closed)
			}
			if a.FirstResponses != b.FirstResponses {
				return int(b.FirstResponses - a.FirstResponses)
			}
			if a.AverageFirstResponseMs != b.AverageFirstResponseMs {
				return int(a.AverageFirstResponseMs - b.AverageFirstResponseMs)
			}
			return int(a.ID - b.ID)
		})
		out := Leaderboard{Rows: []LeaderRow{}}
		for i, r := range rows {
			if i == 10 {
				break
			}
			out.Rows = append(out.Rows, LeaderRow{Rank: i + 1, PersonRow: r})
		}
		return out, nil
	})
}

func peopleTable(ctx context.Context, q db.Querier, ws int64, f Filter, teams bool) (Table, error) {
	byID := map[int64]*PersonRow{}
	row := func(id int64) *PersonRow {
		if byID[id] == nil {
			byID[id] = &PersonRow{ID: id}
		}
		return byID[id]
	}
	// key is a rec's row: its team, or the kind's person.
	key := func(c *rec, user int64) int64 {
		if teams {
			return c.Team
		}
		return user
	}
	// n counts the rows; the average is over the durations they have
	// (in business hours, those computed with hours).
	type sum struct{ n, values, total int64 }
	for _, k := range []kind{kindAssigned, kindClosed, kindFirstResponse, kindResponse} {
		sums := map[int64]*sum{}
		err := eachRec(ctx, q, ws, f, k, func(c *rec) {
			user := c.User
			if k == kindClosed {
				user = c.Assignee
			}
			id := key(c, user)
			s := sums[id]
			if s == nil {
				s = &sum{}
				sums[id] = s
			}
			s.n++
			// hours=business counts the resolution, first response and
			// response times in business hours, as the reports beside
			// the table do (B is the kind's business-hours duration).
			v := c.A
			if f.BusinessHours {
				v = c.B
			}
			if v.Valid && k != kindAssigned {
				s.values++
				s.total += v.Int64
			}
		})
		if err != nil {
			return Table{}, fmt.Errorf("report: table: %w", err)
		}
		for id, s := range sums {
			r, avg := row(id), s.total/max(s.values, 1)
			switch k {
			case kindAssigned:
				r.Assigned = s.n
			case kindClosed:
				r.Closed, r.AverageResolutionMs = s.n, avg
			case kindFirstResponse:
				r.FirstResponses, r.AverageFirstResponseMs = s.n, avg
			default:
				r.Responses, r.AverageResponseMs = s.n, avg
			}
		}
	}
	mw, margs := messageWhere(ws, f)
	mk := "m.user_id"
	if teams {
		mk = "m.team_id"
	}
	rows, err := q.Query(ctx, "SELECT "+mk+", COALESCE(SUM(m.messages), 0) FROM report_message_days m WHERE "+mw+" AND m.sender = 'user' GROUP BY "+mk, margs...)
	if err != nil {
		return Table{}, fmt.Errorf("report: table messages: %w", err)
	}
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return Table{}, err
		}
		row(id).MessagesSent = n
	}
	rows.Close()
	out := Table{Rows: []PersonRow{}}
	for _, r := range byID {
		out.Rows = append(out.Rows, *r)
	}
	slices.SortFunc(out.Rows, func(a, b PersonRow) int { return int(a.ID - b.ID) })
	return out, nil
}
