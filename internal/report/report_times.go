package report

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// Responses is the Responses report.
type Responses struct {
	// FirstResponse: first human response at − opened at, over the
	// conversations whose first human response falls in the range.
	FirstResponse Dist `json:"first_response"`
	// AssignmentToFirstResponse: first human response at − first
	// assigned at, over the same conversations that were assigned first.
	AssignmentToFirstResponse Dist `json:"assignment_to_first_response"`
	// ResponseTime: every human response (a user's message answering the
	// contact's oldest unanswered message) − that message, over the
	// responses in the range.
	ResponseTime Dist `json:"response_time"`
	// ResponsesPerConversation, over the conversations closed in the
	// range: their human responses.
	ResponsesPerConversation PerConversation `json:"responses_per_conversation"`
}

// PerConversation is how many of something conversations had.
type PerConversation struct {
	Conversations int64   `json:"conversations"`
	Total         int64   `json:"total"`
	Average       float64 `json:"average"` // Total / Conversations, 2 decimals
	// Histogram counts the conversations with 0, 1, 2, 3, 4 and 5 or
	// more.
	Histogram []Bucket `json:"histogram"`
}

// Responses answers the Responses report.
func (s *Service) Responses(ctx context.Context, workspaceID int64, f Filter) (Result[Responses], error) {
	return compute(ctx, s, workspaceID, f, responsesReport)
}

func responsesReport(ctx context.Context, q db.Querier, ws int64, f Filter) (Responses, error) {
	var r Responses
	var err error
	fw, fargs := f.where(ws, "first_response_local")
	from := "report_conversations c WHERE " + fw + " AND c.first_response_at > 0"
	col := "c.first_response_ms"
	if f.BusinessHours {
		col = "c.first_response_bh_ms"
	}
	dists, err := dists(ctx, q, []string{col, "c.assign_response_ms"}, from, fargs)
	if err != nil {
		return r, err
	}
	r.FirstResponse, r.AssignmentToFirstResponse = dists[0], dists[1]
	rfrom, rargs := responseRows(ws, f)
	rcol := "r.response_ms"
	if f.BusinessHours {
		rcol = "r.response_bh_ms"
	}
	if r.ResponseTime, err = dist(ctx, q, rcol, rfrom, rargs); err != nil {
		return r, err
	}
	cw, cargs := f.where(ws, "closed_local")
	r.ResponsesPerConversation, err = perConversation(ctx, q, "c.responses", "report_conversations c WHERE "+cw+" AND c.closed_at > 0", cargs)
	return r, err
}

// responseRows is "FROM … WHERE …" over report_responses r joined to the
// conversation's facts c, in the range by the response's time; the user
// filter keeps the responses of that user.
func responseRows(ws int64, f Filter) (string, []any) {
	uf := f
	uf.UserID = 0
	cw, args := uf.where(ws, "opened_local")
	// The range applies to the response, not to the opening.
	cw = strings.Replace(cw, "c.opened_local >= ? AND c.opened_local < ?", "r.at_local >= ? AND r.at_local < ?", 1)
	from := "report_responses r JOIN report_conversations c ON c.conversation_id = r.conversation_id WHERE r.workspace_id = ? AND " + cw
	args = append([]any{ws}, args...)
	if f.UserID != 0 {
		from += " AND r.user_id = ?"
		args = append(args, f.UserID)
	}
	return from, args
}

func perConversation(ctx context.Context, q db.Querier, col, from string, args []any) (PerConversation, error) {
	p := PerConversation{Histogram: []Bucket{{Label: "0"}, {Label: "1"}, {Label: "2"}, {Label: "3"}, {Label: "4"}, {Label: "5+"}}}
	sel := "COUNT(*), COALESCE(SUM(" + col + "), 0)"
	for i := range 5 {
		sel += fmt.Sprintf(", COALESCE(SUM(CASE WHEN %s = %d THEN 1 ELSE 0 END), 0)", col, i)
	}
	sel += fmt.Sprintf(", COALESCE(SUM(CASE WHEN %s >= 5 THEN 1 ELSE 0 END), 0)", col)
	dest := []any{&p.Conversations, &p.Total}
	for i := range p.Histogram {
		dest = append(dest, &p.Histogram[i].Count)
	}
	if err := q.QueryRow(ctx, "SELECT "+sel+" FROM "+from, args...).Scan(dest...); err != nil {
		return p, fmt.Errorf("report: per conversation: %w", err)
	}
	if p.Conversations > 0 {
		p.Average = round2(float64(p.Total) / float64(p.Conversations))
	}
	return p, nil
}

// Resolutions is the Resolutions report, over the conversations closed in
// the range.
type Resolutions struct {
	Resolved int64 `json:"resolved"`
	// Resolution: closed at − opened at.
	Resolution     Dist    `json:"resolution"`
	ByCategory     []Count `json:"by_category"`
	ByClosedSource []Count `json:"by_closed_source"`
	// WithoutResponse counts the resolved conversations no person
	// answered.
	WithoutResponse int64 `json:"without_response"`
	// Reopened counts the conversations opened in the range that are
	// reopens; ReopenRatePct is their share of those opened.
	Reopened      int64   `json:"reopened"`
	ReopenRatePct float64 `json:"reopen_rate_pct"`
	// MessagesPerConversation: messages in + out of the resolved ones.
	MessagesPerConversation PerConversation `json:"messages_per_conversation"`
}

// Resolutions answers the Resolutions report.
func (s *Service) Resolutions(ctx context.Context, workspaceID int64, f Filter) (Result[Resolutions], error) {
	return compute(ctx, s, workspaceID, f, resolutionsReport)
}

func resolutionsReport(ctx context.Context, q db.Querier, ws int64, f Filter) (Resolutions, error) {
	var r Resolutions
	cw, cargs := f.where(ws, "closed_local")
	col := "c.resolution_ms"
	if f.BusinessHours {
		col = "c.resolution_bh_ms"
	}
	// One scan of the conversations closed in the range.
	rows, err := q.Query(ctx, "SELECT "+col+", c.category, c.closed_source, c.first_response_at, c.messages_in + c.messages_out "+
		"FROM report_conversations c WHERE "+cw+" AND c.closed_at > 0", cargs...)
	if err != nil {
		return r, fmt.Errorf("report: resolutions: %w", err)
	}
	var values, msgs []int64
	byCategory, bySource := map[string]int64{}, map[string]int64{}
	for rows.Next() {
		var v sql.NullInt64
		var category, source string
		var firstResponse, m int64
		if err := rows.Scan(&v, &category, &source, &firstResponse, &m); err != nil {
			rows.Close()
			return r, fmt.Errorf("report: resolutions: %w", err)
		}
		r.Resolved++
		if v.Valid {
			values = append(values, v.Int64)
		}
		if firstResponse == 0 {
			r.WithoutResponse++
		}
		byCategory[category]++
		bySource[source]++
		msgs = append(msgs, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
	}
	r.Resolution = distOf(values)
	r.ByCategory, r.ByClosedSource = sorted(byCategory), sorted(bySource)
	r.MessagesPerConversation = perConversationOf(msgs)
	ow, oargs := f.where(ws, "opened_local")
	var opened int64
	if err := q.QueryRow(ctx, "SELECT COUNT(*), COALESCE(SUM(c.reopen), 0) FROM report_conversations c WHERE "+ow, oargs...).
		Scan(&opened, &r.Reopened); err != nil {
		return r, fmt.Errorf("report: reopens: %w", err)
	}
	if opened > 0 {
		r.ReopenRatePct = round2(float64(r.Reopened) * 100 / float64(opened))
	}
	return r, nil
}

// perConversationOf is PerConversation over counts already read.
func perConversationOf(counts []int64) PerConversation {
	p := PerConversation{Histogram: []Bucket{{Label: "0"}, {Label: "1"}, {Label: "2"}, {Label: "3"}, {Label: "4"}, {Label: "5+"}}}
	for _, n := range counts {
		p.Conversations++
		p.Total += n
		p.Histogram[min(max(n, 0), 5)].Count++
	}
	if p.Conversations > 0 {
		p.Average = round2(float64(p.Total) / float64(p.Conversations))
	}
	return p
}

// Assignments is the Assignments report, over the conversations first
// assigned in the range.
type Assignments struct {
	Assigned int64 `json:"assigned"`
	// TimeToAssignment: first assigned at − opened at.
	TimeToAssignment Dist `json:"time_to_assignment"`
	// QueueWait: first assigned at − first queued at, over those that
	// waited in a queue first.
	QueueWait Dist `json:"queue_wait"`
	// Reassignments: assignments after the first to a different person,
	// summed; Reassigned counts the conversations with at least one.
	Reassignments int64   `json:"reassignments"`
	Reassigned    int64   `json:"reassigned"`
	ByStrategy    []Count `json:"by_strategy"` // routing's strategy, or "manual"
	ByUser        []Count `json:"by_user"`     // first assignee's user id
	ByTeam        []Count `json:"by_team"`     // team id (0: none)
}

// Assignments answers the Assignments report.
func (s *Service) Assignments(ctx context.Context, workspaceID int64, f Filter) (Result[Assignments], error) {
	return compute(ctx, s, workspaceID, f, assignmentsReport)
}

func assignmentsReport(ctx context.Context, q db.Querier, ws int64, f Filter) (Assignments, error) {
	var r Assignments
	aw, aargs := f.where(ws, "first_assigned_local")
	// One scan of the conversations first assigned in the range.
	rows, err := q.Query(ctx, `SELECT c.time_to_assign_ms, c.queue_wait_ms, c.reassignments, c.strategy, c.first_assignee_id, c.team_id
		FROM report_conversations c WHERE `+aw+` AND c.first_assigned_at > 0`, aargs...)
	if err != nil {
		return r, fmt.Errorf("report: assignments: %w", err)
	}
	var tta, waits []int64
	byStrategy, byUser, byTeam := map[string]int64{}, map[string]int64{}, map[string]int64{}
	for rows.Next() {
		var toAssign, wait sql.NullInt64
		var reassignments, user, team int64
		var strategy string
		if err := rows.Scan(&toAssign, &wait, &reassignments, &strategy, &user, &team); err != nil {
			rows.Close()
			return r, fmt.Errorf("report: assignments: %w", err)
		}
		if toAssign.Valid {
			tta = append(tta, toAssign.Int64)
		}
		if wait.Valid {
			waits = append(waits, wait.Int64)
		}
		r.Reassignments += reassignments
		if reassignments > 0 {
			r.Reassigned++
		}
		byStrategy[strategy]++
		byUser[strconv.FormatInt(user, 10)]++
		byTeam[strconv.FormatInt(team, 10)]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
	}
	r.TimeToAssignment, r.QueueWait = distOf(tta), distOf(waits)
	r.Assigned = r.TimeToAssignment.Count
	r.ByStrategy, r.ByUser, r.ByTeam = sorted(byStrategy), sortedIDs(byUser), sortedIDs(byTeam)
	return r, nil
}
