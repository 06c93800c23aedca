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
	byChannel, bySource, byCategory, byClosed := map[string]int64{}, map[string]int64{}, map[string]int64{}, map[string]int64{}
	// One scan of the conversations opened in the range…
	ow, oargs := f.where(ws, "opened_local")
	rows, err := q.Query(ctx, `SELECT c.opened_local, c.channel_id, c.opened_source, c.reopen, c.closed_at, c.messages_in + c.messages_out
		FROM report_conversations c WHERE `+ow, oargs...)
	if err != nil {
		return r, fmt.Errorf("report: conversations: %w", err)
	}
	var msgs int64
	for rows.Next() {
		var local, channel, reopen, closedAt, m int64
		var source string
		if err := rows.Scan(&local, &channel, &source, &reopen, &closedAt, &m); err != nil {
			rows.Close()
			return r, fmt.Errorf("report: conversations: %w", err)
		}
		r.Opened++
		r.Reopened += reopen
		if closedAt == 0 {
			r.StillOpen++
		}
		msgs += m
		opened[local/size*size]++
		day := local / dayMs
		r.Heatmap[(day+3)%7][local%dayMs/3_600_000]++
		byChannel[strconv.FormatInt(channel, 10)]++
		bySource[source]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
	}
	// …and one of those closed in it.
	cw, cargs := f.where(ws, "closed_local")
	rows, err = q.Query(ctx, `SELECT c.closed_local, c.category, c.closed_source FROM report_conversations c WHERE `+cw+` AND c.closed_at > 0`, cargs...)
	if err != nil {
		return r, fmt.Errorf("report: conversations closed: %w", err)
	}
	for rows.Next() {
		var local int64
		var category, source string
		if err := rows.Scan(&local, &category, &source); err != nil {
			rows.Close()
			return r, fmt.Errorf("report: conversations closed: %w", err)
		}
		r.Closed++
		closed[local/size*size]++
		byCategory[category]++
		byClosed[source]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
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

// sortedIDs is sorted for keys that are ids: equal counts by id.
func sortedIDs(m map[string]int64) []Count {
	out := sorted(m)
	slices.SortStableFunc(out, func(a, b Count) int {
		if a.Count != b.Count {
			return cmp.Compare(b.Count, a.Count)
		}
		x, _ := strconv.ParseInt(a.Key, 10, 64)
		y, _ := strconv.ParseInt(b.Key, 10, 64)
		return cmp.Compare(x, y)
	})
	return out
}

func round2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }
