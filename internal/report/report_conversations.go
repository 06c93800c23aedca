package report

import (
	"context"
	"fmt"

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
	var r Conversations
	ow, oargs := f.where(ws, "opened_local")
	cw, cargs := f.where(ws, "closed_local")
	opened := "report_conversations c WHERE " + ow
	closed := "report_conversations c WHERE " + cw + " AND c.closed_at > 0"
	var msgs int64
	if err := q.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(c.reopen), 0), COALESCE(SUM(CASE WHEN c.closed_at = 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(c.messages_in + c.messages_out), 0) FROM `+opened, oargs...).Scan(&r.Opened, &r.Reopened, &r.StillOpen, &msgs); err != nil {
		return r, fmt.Errorf("report: conversations: %w", err)
	}
	var err error
	if r.Closed, err = count(ctx, q, closed, cargs); err != nil {
		return r, err
	}
	if r.Opened > 0 {
		r.AverageMessages = round2(float64(msgs) / float64(r.Opened))
		r.ReopenRatePct = round2(float64(r.Reopened) * 100 / float64(r.Opened))
	}
	os, err := series(ctx, q, f, "c.opened_local", opened, oargs)
	if err != nil {
		return r, err
	}
	cs, err := series(ctx, q, f, "c.closed_local", closed, cargs)
	if err != nil {
		return r, err
	}
	for _, t := range f.points() {
		r.Series = append(r.Series, SeriesPoint{T: label(t, f.Interval), Opened: os[t], Closed: cs[t]})
	}
	r.Heatmap = make([][]int64, 7)
	for i := range r.Heatmap {
		r.Heatmap[i] = make([]int64, 24)
	}
	rows, err := q.Query(ctx, `SELECT (c.opened_local / 86400000 + 3) % 7, (c.opened_local % 86400000) / 3600000, COUNT(*) FROM `+opened+`
		GROUP BY (c.opened_local / 86400000 + 3) % 7, (c.opened_local % 86400000) / 3600000`, oargs...)
	if err != nil {
		return r, fmt.Errorf("report: heatmap: %w", err)
	}
	for rows.Next() {
		var d, h, n int64
		if err := rows.Scan(&d, &h, &n); err != nil {
			rows.Close()
			return r, err
		}
		r.Heatmap[d][h] = n
	}
	rows.Close()
	if r.ByChannel, err = groupCount(ctx, q, "c.channel_id", opened, oargs); err != nil {
		return r, err
	}
	if r.ByOpenedSource, err = groupCount(ctx, q, "c.opened_source", opened, oargs); err != nil {
		return r, err
	}
	if r.ByCategory, err = groupCount(ctx, q, "c.category", closed, cargs); err != nil {
		return r, err
	}
	r.ByClosedSource, err = groupCount(ctx, q, "c.closed_source", closed, cargs)
	return r, err
}

func round2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }
