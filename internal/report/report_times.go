package report

import (
	"context"
	"fmt"
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
	var first, fromAssign, each, perConv []int64
	err := eachRec(ctx, q, ws, f, kindFirstResponse, func(c *rec) {
		v := c.A
		if f.BusinessHours {
			v = c.B
		}
		if v.Valid {
			first = append(first, v.Int64)
		}
		if c.C.Valid {
			fromAssign = append(fromAssign, c.C.Int64)
		}
	})
	if err != nil {
		return r, fmt.Errorf("report: first responses: %w", err)
	}
	r.FirstResponse, r.AssignmentToFirstResponse = distOf(first), distOf(fromAssign)
	err = eachRec(ctx, q, ws, f, kindResponse, func(c *rec) {
		v := c.A
		if f.BusinessHours {
			v = c.B
		}
		if v.Valid {
			each = append(each, v.Int64)
		}
	})
	if err != nil {
		return r, fmt.Errorf("report: responses: %w", err)
	}
	r.ResponseTime = distOf(each)
	err = eachRec(ctx, q, ws, f, kindClosed, func(c *rec) { perConv = append(perConv, c.Responses) })
	if err != nil {
		return r, fmt.Errorf("report: responses per conversation: %w", err)
	}
	r.ResponsesPerConversation = perConversationOf(perConv)
	return r, nil
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
	// CROSS JOIN keeps SQLite on the responses' date index with the facts
	// found by key (left to itself it may scan every fact of the
	// workspace); PostgreSQL reads it as the inner join it is.
	from := "report_responses r CROSS JOIN report_conversations c WHERE c.conversation_id = r.conversation_id AND r.workspace_id = ? AND " + cw
	args = append([]any{ws}, args...)
	if f.UserID != 0 {
		from += " AND r.user_id = ?"
		args = append(args, f.UserID)
	}
	return from, args
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
	var values, msgs []int64
	byCategory, bySource := map[string]int64{}, map[string]int64{}
	// The conversations closed in the range.
	err := eachRec(ctx, q, ws, f, kindClosed, func(c *rec) {
		v := c.A
		if f.BusinessHours {
			v = c.B
		}
		r.Resolved++
		if v.Valid {
			values = append(values, v.Int64)
		}
		if c.Answered == 0 {
			r.WithoutResponse++
		}
		byCategory[c.Category]++
		bySource[c.ClosedSource]++
		msgs = append(msgs, c.Msgs)
	})
	if err != nil {
		return r, fmt.Errorf("report: resolutions: %w", err)
	}
	r.Resolution = distOf(values)
	r.ByCategory, r.ByClosedSource = sorted(byCategory), sorted(bySource)
	r.MessagesPerConversation = perConversationOf(msgs)
	var opened int64
	if err := eachRec(ctx, q, ws, f, kindOpened, func(c *rec) { opened++; r.Reopened += c.Reopen }); err != nil {
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
	var tta, waits []int64
	byStrategy := map[string]int64{}
	byUser, byTeam := map[int64]int64{}, map[int64]int64{}
	// The conversations first assigned in the range.
	err := eachRec(ctx, q, ws, f, kindAssigned, func(c *rec) {
		if c.A.Valid {
			tta = append(tta, c.A.Int64)
		}
		if c.B.Valid {
			waits = append(waits, c.B.Int64)
		}
		r.Reassignments += c.Reassign
		if c.Reassign > 0 {
			r.Reassigned++
		}
		byStrategy[c.Strategy]++
		byUser[c.User]++
		byTeam[c.Team]++
	})
	if err != nil {
		return r, fmt.Errorf("report: assignments: %w", err)
	}
	r.TimeToAssignment, r.QueueWait = distOf(tta), distOf(waits)
	r.Assigned = r.TimeToAssignment.Count
	r.ByStrategy, r.ByUser, r.ByTeam = sorted(byStrategy), sortedIDs(byUser), sortedIDs(byTeam)
	return r, nil
}
