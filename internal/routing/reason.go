package routing

import (
	"fmt"
	"strings"
)

// Reason records why a conversation went where it did: stored in the
// conversation.assigned (or conversation.queued) event so the timeline
// shows it, and returned to the caller.
type Reason struct {
	Target     string            `json:"target"`
	Strategy   string            `json:"strategy,omitempty"`
	TeamID     int64             `json:"team_id,omitempty"`
	Summary    string            `json:"summary"`
	Considered int               `json:"considered"`
	Candidates []CandidateReason `json:"candidates,omitempty"` // the first maxReasonCandidates
	Forced     bool              `json:"forced,omitempty"`
}

// CandidateReason is one user considered and why they were passed over
// (Skipped is empty for the one chosen).
type CandidateReason struct {
	UserID       int64  `json:"user_id"`
	Availability string `json:"availability"`
	Open         *int   `json:"open,omitempty"` // absent when no limit needed the count
	Capacity     int    `json:"capacity"`       // 0: unlimited
	Skipped      string `json:"skipped,omitempty"`
}

// maxReasonCandidates bounds the reason stored per event: a workspace of
// hundreds of agents would otherwise write kilobytes per assignment.
const maxReasonCandidates = 20

func (r *Reason) add(c candidate, now int64, st settings, skipped string) {
	r.Considered++
	if len(r.Candidates) < maxReasonCandidates {
		cr := CandidateReason{UserID: c.id, Availability: c.availability(now, st), Capacity: c.capacity, Skipped: skipped}
		if c.open >= 0 {
			cr.Open = &c.open
		}
		r.Candidates = append(r.Candidates, cr)
	}
}

// skippedSummary counts the reasons candidates were skipped, e.g.
// "2 at capacity, 1 busy".
func (r *Reason) skippedSummary() string {
	counts := map[string]int{}
	var keys []string
	for _, c := range r.Candidates {
		if c.Skipped == "" {
			continue
		}
		k, _, _ := strings.Cut(c.Skipped, " (")
		if counts[k] == 0 {
			keys = append(keys, k)
		}
		counts[k]++
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", counts[k], k)
	}
	return strings.Join(parts, ", ")
}

// scope names where the candidates came from.
func (r *Reason) scope() string {
	if r.TeamID != 0 {
		return fmt.Sprintf("team %d", r.TeamID)
	}
	return "the workspace"
}
