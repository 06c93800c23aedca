package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// SatisfactionResponse is a contact's answer to the survey of a
// conversation closed in the report's range: its latest rating, and its
// comment ("" without one).
type SatisfactionResponse struct {
	ConversationID int64     `json:"conversation_id"`
	ContactID      int64     `json:"contact_id"`
	ContactName    string    `json:"contact_name"`
	AssigneeID     int64     `json:"assignee_id"`
	Rating         int       `json:"rating"`
	Comment        string    `json:"comment"`
	RatedAt        time.Time `json:"rated_at"`
}

// ResponseFilter narrows the responses listed beside the report's filter.
type ResponseFilter struct {
	// Ratings keeps the responses of these ratings (1 to 5); none: all.
	Ratings []int
	// WithComment keeps the responses with a comment.
	WithComment bool
}

// OrderRatedDesc names the responses' order, the newest answer first.
const OrderRatedDesc = "rated_desc"

// SatisfactionResponses lists the responses of the Satisfaction report's
// conversations (the same filter), newest answer first, a page at a time:
// the low ratings to follow up, the comments to read. f's Compare and
// Interval do not apply.
func (s *Service) SatisfactionResponses(ctx context.Context, workspaceID int64, f Filter, rf ResponseFilter, req page.Request) (page.Page[SatisfactionResponse], error) {
	if _, err := s.resolveFilter(ctx, workspaceID, &f); err != nil {
		return page.Page[SatisfactionResponse]{}, err
	}
	where, args := f.where(workspaceID, "closed_local")
	list, err := satisfactionResponses(ctx, s.db.Reader(), where, args, rf, req)
	if err != nil {
		return page.Page[SatisfactionResponse]{}, err
	}
	return page.Cut(list, req.Limit, responseCursor), nil
}

// responseCursor is the position after a response, in OrderRatedDesc.
func responseCursor(r SatisfactionResponse) page.Cursor {
	return page.Cursor{Order: OrderRatedDesc, Int: db.Millis(r.RatedAt), ID: r.ConversationID}
}

// satisfactionResponses reads the answered surveys of the conversations
// where (over surveys) keeps, newest answer first, req.Fetch() of them
// after req's cursor.
func satisfactionResponses(ctx context.Context, q db.Querier, where string, args []any, rf ResponseFilter, req page.Request) ([]SatisfactionResponse, error) {
	conds := []string{where, "v.rating > 0"}
	args = append([]any{}, args...) // the caller's, appended to below
	if len(rf.Ratings) > 0 {
		in, ratings := db.In(rf.Ratings)
		conds = append(conds, "v.rating IN "+in)
		args = append(args, ratings...)
	}
	if rf.WithComment {
		conds = append(conds, "v.comment <> ''")
	}
	after, afterArgs := req.Keyset("v.rated_at", "v.conversation_id", true, page.Int)
	conds = append(conds, after)
	args = append(args, afterArgs...)
	rows, err := q.Query(ctx, `SELECT v.conversation_id, c.contact_id, COALESCE(k.first_name, ''), COALESCE(k.last_name, ''),
		COALESCE(k.phone, ''), COALESCE(k.email, ''), c.assignee_id, v.rating, v.comment, v.rated_at
		FROM `+surveys+` LEFT JOIN contacts k ON k.id = c.contact_id WHERE `+strings.Join(conds, " AND ")+`
		ORDER BY v.rated_at DESC, v.conversation_id DESC LIMIT ?`, append(args, req.Fetch())...)
	if err != nil {
		return nil, fmt.Errorf("report: satisfaction responses: %w", err)
	}
	defer rows.Close()
	out := []SatisfactionResponse{}
	for rows.Next() {
		var m SatisfactionResponse
		var first, last, phone, email string
		var at int64
		if err := rows.Scan(&m.ConversationID, &m.ContactID, &first, &last, &phone, &email, &m.AssigneeID, &m.Rating, &m.Comment, &at); err != nil {
			return nil, fmt.Errorf("report: satisfaction responses: %w", err)
		}
		m.ContactName, m.RatedAt = conversation.DisplayName(first, last, phone, email), db.Time(at)
		out = append(out, m)
	}
	return out, rows.Err()
}
