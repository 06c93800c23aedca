package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// eachRec calls fn with every rec of kind k in the filter's range that
// matches it. With Options.Live it scans the fact tables; otherwise it
// decodes the segments of the range's clean days and scans the fact
// tables for its dirty days only (those the projection changed since
// their segments were written), so the answer is the scan's, exactly,
// at a cost bounded by the days of the range.
func eachRec(ctx context.Context, q db.Querier, ws int64, f Filter, k kind, fn func(*rec)) error {
	if f.live {
		return liveRows(ctx, q, ws, f, k, fn)
	}
	first, end := f.from/dayMs, f.to/dayMs
	dirty, err := dirtyDays(ctx, q, ws, first, end)
	if err != nil {
		return err
	}
	rows, err := q.Query(ctx, `SELECT day, data FROM report_segments WHERE workspace_id = ? AND kind = ? AND day >= ? AND day < ?`,
		ws, string(rune(k)), first, end)
	if err != nil {
		return fmt.Errorf("report: read segments: %w", err)
	}
	var dec segDecoder
	var data []byte
	keep := func(r *rec) {
		if f.match(k, r) {
			fn(r)
		}
	}
	for rows.Next() {
		var day int64
		if err := rows.Scan(&day, &data); err != nil {
			rows.Close()
			return fmt.Errorf("report: read segments: %w", err)
		}
		if dirty[day] {
			continue
		}
		if err := dec.decode(data); err != nil {
			rows.Close()
			return fmt.Errorf("report: segment %c of day %s: %w", k, dayString(day), err)
		}
		dec.each(keep)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: read segments: %w", err)
	}
	// The dirty days, in runs of consecutive days: one scan each.
	for day := first; day < end; day++ {
		if !dirty[day] {
			continue
		}
		run := day
		for run+1 < end && dirty[run+1] {
			run++
		}
		g := f
		g.from, g.to = day*dayMs, (run+1)*dayMs
		if err := liveRows(ctx, q, ws, g, k, fn); err != nil {
			return err
		}
		day = run
	}
	return nil
}

func dirtyDays(ctx context.Context, q db.Querier, ws, first, end int64) (map[int64]bool, error) {
	rows, err := q.Query(ctx, `SELECT day FROM report_dirty_days WHERE workspace_id = ? AND day >= ? AND day < ?`, ws, first, end)
	if err != nil {
		return nil, fmt.Errorf("report: dirty days: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out[d] = true
	}
	return out, rows.Err()
}

// markDirty records, inside the projection's transaction, that the facts
// of these days changed.
func markDirty(ctx context.Context, tx *db.Tx, days map[[2]int64]bool) error {
	keys := make([][2]int64, 0, len(days))
	for k := range days {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y [2]int64) int { return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1])) })
	now := tx.Now()
	err := db.InsertRows(ctx, tx, len(keys), `INSERT INTO report_dirty_days (workspace_id, day, version, changed_at) VALUES `, "(?, ?, ?, ?)",
		` ON CONFLICT (workspace_id, day) DO UPDATE SET version = report_dirty_days.version + 1, changed_at = excluded.changed_at`,
		func(i int) []any { return []any{keys[i][0], keys[i][1], int64(1), now} })
	if err != nil {
		return fmt.Errorf("report: mark days dirty: %w", err)
	}
	return nil
}

// Compaction bounds: a pass after a batch rewrites at most
// CompactDaysPerPass days, and leaves a day that changed less than
// CompactQuiet ago (today, on a busy workspace) for a later pass: a
// dirty day is read from the fact tables, which is exact, just slower.
const (
	CompactDaysPerPass = 1
	CompactQuiet       = time.Minute
)

// Compact rewrites the segments of at most limit dirty days whose last
// change is at least quiet old, and returns how many it rewrote. A day
// changed again while it was being compacted stays dirty (its version
// moved), so a segment is never taken for current when it is not.
func (s *Service) Compact(ctx context.Context, limit int, quiet time.Duration) (int, error) {
	type dirtyDay struct{ ws, day, version int64 }
	var todo []dirtyDay
	rows, err := s.db.Reader().Query(ctx, `SELECT workspace_id, day, version FROM report_dirty_days WHERE changed_at <= ?
		ORDER BY workspace_id, day LIMIT ?`, s.db.Now()-quiet.Milliseconds(), limit)
	if err != nil {
		return 0, fmt.Errorf("report: compact: %w", err)
	}
	for rows.Next() {
		var d dirtyDay
		if err := rows.Scan(&d.ws, &d.day, &d.version); err != nil {
			rows.Close()
			return 0, err
		}
		todo = append(todo, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, d := range todo {
		// Read after the version: a change committed from here on moves it.
		segs := map[kind][]byte{}
		counts := map[kind]int{}
		for _, k := range kinds {
			var recs []rec
			f := Filter{from: d.day * dayMs, to: (d.day + 1) * dayMs}
			if err := liveRows(ctx, s.db.Reader(), d.ws, f, k, func(r *rec) { recs = append(recs, *r) }); err != nil {
				return 0, err
			}
			if len(recs) > 0 {
				segs[k], counts[k] = encodeSegment(recs), len(recs)
			}
		}
		err := s.db.Write(ctx, func(tx *db.Tx) error {
			for _, k := range kinds {
				if segs[k] == nil {
					if _, err := tx.Exec(ctx, `DELETE FROM report_segments WHERE workspace_id = ? AND kind = ? AND day = ?`,
						d.ws, string(rune(k)), d.day); err != nil {
						return err
					}
					continue
				}
				if _, err := tx.Exec(ctx, `INSERT INTO report_segments (workspace_id, kind, day, row_count, data) VALUES (?, ?, ?, ?, ?)
					ON CONFLICT (workspace_id, kind, day) DO UPDATE SET row_count = excluded.row_count, data = excluded.data`,
					d.ws, string(rune(k)), d.day, counts[k], segs[k]); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, `DELETE FROM report_dirty_days WHERE workspace_id = ? AND day = ? AND version = ?`, d.ws, d.day, d.version)
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("report: compact day %s: %w", dayString(d.day), err)
		}
	}
	return len(todo), nil
}

// CompactAll rewrites the segments of every dirty day, however recent
// (after a rebuild, or a bulk load).
func (s *Service) CompactAll(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.Compact(ctx, 64, 0)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}
