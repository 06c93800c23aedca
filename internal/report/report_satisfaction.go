package report

import (
	"context"
	"fmt"
	"strconv"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// Satisfaction is the Satisfaction report: the surveys sent for the
// conversations closed in the range (internal/satisfaction), and their
// contacts' ratings from 1 to 5. The filter's team, user (the assignee at
// the close), channel, sources and category apply as to every report of
// closed conversations.
type Satisfaction struct {
	Sent      int64 `json:"sent"`
	Responses int64 `json:"responses"`
	// ResponseRatePct: responses per survey sent, in percent.
	ResponseRatePct float64 `json:"response_rate_pct"`
	// Average rating of the responses (0 without any).
	Average float64 `json:"average"`
	// Satisfied counts the ratings of 4 and 5; ScorePct is their share of
	// the responses, in percent: the CSAT score.
	Satisfied int64   `json:"satisfied"`
	ScorePct  float64 `json:"score_pct"`
	// Ratings counts the responses by rating, keys "1" to "5", all five.
	Ratings []Count `json:"ratings"`
	// ByUser is one row per assignee with a response (id 0: none).
	ByUser []SatisfactionRow `json:"by_user"`
	// Comments are the newest responses with a comment, at most
	// MaxSatisfactionComments.
	Comments []SatisfactionResponse `json:"comments"`
}

// SatisfactionRow is one assignee's responses.
type SatisfactionRow struct {
	ID        int64   `json:"id"`
	Responses int64   `json:"responses"`
	Average   float64 `json:"average"`
	Satisfied int64   `json:"satisfied"`
	ScorePct  float64 `json:"score_pct"`
}

// MaxSatisfactionComments bounds the comments the report lists; the
// responses list (SatisfactionResponses) and the CSV export have them all.
const MaxSatisfactionComments = 20

// Satisfaction answers the Satisfaction report.
func (s *Service) Satisfaction(ctx context.Context, workspaceID int64, f Filter) (Result[Satisfaction], error) {
	return compute(ctx, s, workspaceID, f, satisfactionReport)
}

// surveys joins the surveys (v) to their conversations' facts (c), which
// Filter.where(…, "closed_local") selects.
const surveys = `satisfaction_surveys v JOIN report_conversations c ON c.conversation_id = v.conversation_id`

func satisfactionReport(ctx context.Context, q db.Querier, ws int64, f Filter) (Satisfaction, error) {
	r := Satisfaction{ByUser: []SatisfactionRow{}, Comments: []SatisfactionResponse{}}
	where, args := f.where(ws, "closed_local")
	counts := make([]int64, 6)
	rows, err := q.Query(ctx, `SELECT c.assignee_id, v.rating, COUNT(*) FROM `+surveys+` WHERE `+where+` GROUP BY c.assignee_id, v.rating ORDER BY c.assignee_id`, args...)
	if err != nil {
		return r, fmt.Errorf("report: satisfaction: %w", err)
	}
	defer rows.Close()
	var row *SatisfactionRow
	var sum int64
	for rows.Next() {
		var user, n int64
		var rating int
		if err := rows.Scan(&user, &rating, &n); err != nil {
			return r, fmt.Errorf("report: satisfaction: %w", err)
		}
		r.Sent += n
		if rating < 1 || rating > 5 {
			continue // not answered
		}
		counts[rating] += n
		if row == nil || row.ID != user {
			r.ByUser = append(r.ByUser, SatisfactionRow{ID: user})
			row = &r.ByUser[len(r.ByUser)-1]
		}
		row.Responses += n
		row.Average += float64(int64(rating) * n) // the sum until divided below
		if rating >= 4 {
			row.Satisfied += n
		}
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("report: satisfaction: %w", err)
	}
	for rating := 1; rating <= 5; rating++ {
		r.Ratings = append(r.Ratings, Count{Key: strconv.Itoa(rating), Count: counts[rating]})
		r.Responses += counts[rating]
		sum += int64(rating) * counts[rating]
		if rating >= 4 {
			r.Satisfied += counts[rating]
		}
	}
	for i := range r.ByUser {
		u := &r.ByUser[i]
		u.Average = round2(u.Average / float64(u.Responses))
		u.ScorePct = round2(float64(u.Satisfied) * 100 / float64(u.Responses))
	}
	if r.Responses > 0 {
		r.Average = round2(float64(sum) / float64(r.Responses))
		r.ScorePct = round2(float64(r.Satisfied) * 100 / float64(r.Responses))
	}
	if r.Sent > 0 {
		r.ResponseRatePct = round2(float64(r.Responses) * 100 / float64(r.Sent))
	}
	comments, err := satisfactionResponses(ctx, q, where, args, ResponseFilter{WithComment: true}, page.Request{Limit: MaxSatisfactionComments})
	r.Comments = page.Cut(comments, MaxSatisfactionComments, responseCursor).Data
	return r, err
}
