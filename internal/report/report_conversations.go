package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// SeriesPoint is one point of the opened-vs-closed series: T is the day
// (YYYY-MM-DD) or hour (YYYY-MM-DDTHH) in the workspace's time zone.
type SeriesPoint struct {
	T      string `json:"t"`
	Opened int64  `json:"opened"`
	Closed int64  `json:"closed"`
}

// Conversations is the Conversations report.
type Conversations struct {
	// Opened counts conversations opened in the range; Closed those
	// closed in it (wherever they opened); Reopened the opened ones that
	// are reopens.
	Opened   int64         `json:"opened"`
	Closed   int64         `json:"closed"`
	Reopened int64         `json:"reopened"`
	Series   []SeriesPoint `json:"series"`
	// Heatmap counts the conversations opened in the range by weekday
	// (0 Monday … 6 Sunday) and hour of day (0–23).
	Heatmap         [][]int64 `json:"heatmap"`
	ByChannel       []Count   `json:"by_channel"`       // opened, by channel id
	ByOpenedSource  []Count   `json:"by_opened_source"` // opened
	ByCategory      []Count   `json:"by_category"`      // closed, by closing category
	ByClosedSource  []Count   `json:"by_closed_source"` // closed
	StillOpen       int64     `json:"still_open"`       // opened in the range and not closed
	AverageMessages float64   `json:"average_messages"` // messages in + out per conversation opened
	ReopenRatePct   float64   `json:"reopen_rate_pct"`  // Reopened / Opened × 100
}

// Conversations answers the Conversations report.
func (s *Service) Conversations(ctx context.Context, workspaceID int64, f Filter) (Result[Conversations], error) {
	return compute(ctx, s, workspaceID, f, conversationsReport)
}

func conversationsReport(ctx context.Context, q db.Querier, ws int64, f Filter) (Conversations, error) {
	r := Conversations{Heatmap: make([][]int64, 7)}
	for i := range r.Heatmap {
		r.Heatmap[i] = make([]int64, 24)
	}
	size := int64(dayMs)
	if f.Interval == "hour" {
		size = 3_600_000
	}
	opened, closed := map[int64]int64{}, map[int64]int64{}
	byChannel := map[int64]int64{}
	bySource, byCategory, byClosed := map[string]int64{}, map[string]int64{}, map[string]int64{}
	// The conversations opened in the range…
	var msgs int64
	err := eachRec(ctx, q, ws, f, kindOpened, func(c *rec) {
		r.Opened++
		r.Reopened += c.Reopen
		if c.Closed == 0 {
			r.StillOpen++
		}
		msgs += c.Msgs
		opened[c.Local/size*size]++
		day := c.Local / dayMs
		r.Heatmap[(day+3)%7][c.Local%dayMs/3_600_000]++
		byChannel[c.Channel]++
		bySource[c.OpenedSource]++
	})
	if err != nil {
		return r, fmt.Errorf("report: conversations: %w", err)
	}
	// …and those closed in it.
	err = eachRec(ctx, q, ws, f, kindClosed, func(c *rec) {
		r.Closed++
		closed[c.Local/size*size]++
		byCategory[c.Category]++
		byClosed[c.ClosedSource]++
	})
	if err != nil {
		return r, fmt.Errorf("report: conversations closed: %w", err)
	}
	if r.Opened > 0 {
		r.AverageMessages = round2(float64(msgs) / float64(r.Opened))
		r.ReopenRatePct = round2(float64(r.Reopened) * 100 / float64(r.Opened))
	}
	for _, t := range f.points() {
		r.Series = append(r.Series, SeriesPoint{T: label(t, f.Interval), Opened: opened[t], Closed: closed[t]})
	}
	r.ByChannel, r.ByOpenedSource, r.ByCategory, r.ByClosedSource = sortedIDs(byChannel), sorted(bySource), sorted(byCategory), sorted(byClosed)
	return r, nil
}

// sortedIDs is sorted for keys that are ids: largest count first, equal
// counts by id.
func sortedIDs(m map[int64]int64) []Count {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b int64) int {
		if m[a] != m[b] {
			return cmp.Compare(m[b], m[a])
		}
		return cmp.Compare(a, b)
	})
	out := make([]Count, 0, len(ids))
	for _, id := range ids {
		out = append(out, Count{Key: strconv.FormatInt(id, 10), Count: m[id]})
	}
	return out
}

func round2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }
