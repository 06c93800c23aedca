package conversation

import (
	"context"
	"fmt"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/access"
)

// Counts are the numbers beside the inbox's views, each the number of
// conversations the same list would walk: All, Mine, Unassigned, each
// team, and each of the user's saved views, all under the principal's
// scope.
type Counts struct {
	Status     string      `json:"status"`
	All        int64       `json:"all"`
	Mine       int64       `json:"mine"`
	Unassigned int64       `json:"unassigned"`
	Teams      []TeamCount `json:"teams"`
	Views      []ViewCount `json:"views"`
}

// TeamCount is the count of one team's view (team_id = the team).
type TeamCount struct {
	TeamID int64 `json:"team_id"`
	Count  int64 `json:"count"`
}

// ViewCount is the count of one saved view.
type ViewCount struct {
	ViewID int64  `json:"view_id"`
	Name   string `json:"name"`
	Count  int64  `json:"count"`
}

// Counts counts the inbox views of conversations with the status (open
// when ""). The teams are those with a conversation in scope plus the
// principal's own (at zero when empty). All, Mine, Unassigned and the
// teams read conversation_counts; saved views are counted by Count.
func (s *Service) Counts(ctx context.Context, p access.Principal, status string) (Counts, error) {
	if status == "" {
		status = StatusOpen
	}
	c := Counts{Status: status, Teams: []TeamCount{}, Views: []ViewCount{}}
	base := ListFilter{Status: status, fromCounts: true}
	if err := base.Validate(); err != nil {
		return c, err
	}
	where, args, err := base.where(p)
	if err != nil {
		return c, err
	}
	rows, err := s.db.Reader().Query(ctx, `SELECT COALESCE(c.team_id, 0), SUM(c.n) FROM `+countsTable+` c WHERE `+where+
		` GROUP BY c.team_id`, args...)
	if err != nil {
		return c, fmt.Errorf("conversation: counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t TeamCount
		if err := rows.Scan(&t.TeamID, &t.Count); err != nil {
			return c, fmt.Errorf("conversation: counts: %w", err)
		}
		c.All += t.Count
		// The triggers bring a group's row down to zero, never delete
		// it: a team whose conversations all left the status, or that
		// was deleted (team_id set to NULL), has no conversation here.
		if t.TeamID != 0 && t.Count != 0 {
			c.Teams = append(c.Teams, t)
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("conversation: counts: %w", err)
	}
	for _, id := range p.Teams {
		if !slices.ContainsFunc(c.Teams, func(t TeamCount) bool { return t.TeamID == id }) {
			c.Teams = append(c.Teams, TeamCount{TeamID: id})
		}
	}
	slices.SortFunc(c.Teams, func(a, b TeamCount) int { return int(a.TeamID - b.TeamID) })
	if p.UserID != 0 {
		if c.Mine, err = s.Count(ctx, p, ListFilter{Status: status, Assignee: "me"}); err != nil {
			return c, err
		}
	}
	if c.Unassigned, err = s.Count(ctx, p, ListFilter{Status: status, Assignee: "none"}); err != nil {
		return c, err
	}
	if p.UserID == 0 {
		return c, nil
	}
	views, err := s.ListViews(ctx, p)
	if err != nil {
		return c, err
	}
	for _, v := range views {
		n, err := s.Count(ctx, p, v.Filter)
		if err != nil {
			return c, err
		}
		c.Views = append(c.Views, ViewCount{ViewID: v.ID, Name: v.Name, Count: n})
	}
	return c, nil
}
