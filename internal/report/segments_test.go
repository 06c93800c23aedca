package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/report"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// fillFacts writes n conversations of random facts (and their responses)
// straight into the fact tables, over the 60 days from start, and marks
// their days dirty as the projection would.
func fillFacts(t *testing.T, d *db.DB, ws int64, n int, seed uint64, start time.Time) {
	t.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, 7))
	base := start.UnixMilli()
	pick := func(v ...string) string { return v[r.IntN(len(v))] }
	maybe := func(p float64, v int64) any {
		if r.Float64() < p {
			return v
		}
		return nil
	}
	respID := int64(0)
	for lo := 0; lo < n; lo += 200 {
		var facts, resps []string
		var fargs, rargs []any
		for i := lo; i < min(lo+200, n); i++ {
			id := int64(i + 1)
			opened := base + r.Int64N(60*86_400_000)
			var assigned, answered, closed int64
			if r.IntN(10) < 8 {
				assigned = opened + r.Int64N(3*86_400_000)
			}
			if r.IntN(10) < 7 {
				answered = opened + r.Int64N(4*86_400_000)
			}
			if r.IntN(10) < 7 {
				closed = opened + r.Int64N(5*86_400_000)
			}
			test := 0
			if r.IntN(12) == 0 {
				test = 1
			}
			responses := int64(0)
			if answered > 0 {
				responses = 1 + r.Int64N(3)
			}
			facts = append(facts, "(?"+strings.Repeat(", ?", 33)+")")
			orZero := func(ok bool, v int64) int64 {
				if ok {
					return v
				}
				return 0
			}
			fargs = append(fargs, id, ws, id%50, 1+r.Int64N(3), r.Int64N(4), r.Int64N(5), opened, opened, pick("contact", "api", "workflow"),
				assigned, assigned, orZero(assigned > 0, 1+r.Int64N(4)), pick("", "manual", "round_robin"), maybe(0.9, r.Int64N(900_000)),
				maybe(0.3, r.Int64N(600_000)), r.Int64N(3), answered, answered, orZero(answered > 0, 1+r.Int64N(4)),
				maybe(0.95, r.Int64N(7_200_000)-60_000), maybe(0.8, r.Int64N(3_600_000)), maybe(0.7, r.Int64N(3_600_000)),
				responses, r.Int64N(9), r.Int64N(9), closed, closed, r.Int64N(2), pick("", "user", "workflow", "auto"),
				pick("", "billing", "bug", "é"), maybe(0.95, r.Int64N(90_000_000)), maybe(0.8, r.Int64N(30_000_000)), orZero(r.IntN(3) == 0, opened), test)
			for k := int64(0); k < responses; k++ {
				respID++
				resps = append(resps, "(?, ?, ?, ?, ?, ?, ?)")
				at := answered + k*r.Int64N(86_400_000)
				rargs = append(rargs, respID, ws, id, 1+r.Int64N(4), at, r.Int64N(3_600_000), r.Int64N(1_800_000))
			}
		}
		must(t, d.Write(ctx, func(tx *db.Tx) error {
			q := `INSERT INTO report_conversations (conversation_id, workspace_id, contact_id, channel_id, team_id, assignee_id, opened_at,
				opened_local, opened_source, first_assigned_at, first_assigned_local, first_assignee_id, strategy, time_to_assign_ms,
				queue_wait_ms, reassignments, first_response_at, first_response_local, first_responder_id, first_response_ms,
				first_response_bh_ms, assign_response_ms, responses, messages_in, messages_out, closed_at, closed_local, reopen,
				closed_source, category, resolution_ms, resolution_bh_ms, queued_at, is_test) VALUES ` + strings.Join(facts, ", ")
			if _, err := tx.Exec(ctx, q, fargs...); err != nil {
				return err
			}
			if len(resps) > 0 {
				_, err := tx.Exec(ctx, `INSERT INTO report_responses (event_id, workspace_id, conversation_id, user_id, at_local, response_ms,
					response_bh_ms) VALUES `+strings.Join(resps, ", "), rargs...)
				return err
			}
			return nil
		}))
	}
	must(t, d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO report_dirty_days (workspace_id, day)
			SELECT workspace_id, opened_local / 86400000 FROM report_conversations
			UNION SELECT workspace_id, closed_local / 86400000 FROM report_conversations WHERE closed_at > 0
			UNION SELECT workspace_id, first_assigned_local / 86400000 FROM report_conversations WHERE first_assigned_at > 0
			UNION SELECT workspace_id, first_response_local / 86400000 FROM report_conversations WHERE first_response_at > 0
			UNION SELECT workspace_id, at_local / 86400000 FROM report_responses`)
		return err
	}))
}

// TestSegmentsMatchTheScan fills random facts, writes the segments of
// some of their days (the others stay dirty, read from the fact tables)
// and checks that every report gives, for many filters, exactly what the
// scan of the fact tables gives.
func TestSegmentsMatchTheScan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w, err := workspace.New(d).Create(ctx, "Acme", "UTC")
		must(t, err)
		start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		facts := 1500
		if raceEnabled {
			facts = 500
		}
		fillFacts(t, d, w.ID, facts, 42, start)
		fast, live := report.New(d, report.Options{}), report.New(d, report.Options{Live: true})

		r := rand.New(rand.NewPCG(9, 9))
		check := func(stage string) {
			for i := range 16 {
				f := report.Filter{}
				first := r.IntN(70) - 5
				span := 1 + r.IntN(40)
				if r.IntN(4) == 0 {
					f.Interval = "hour"
					span = min(span, report.MaxHourDays)
				}
				f.From = start.AddDate(0, 0, first).Format(time.DateOnly)
				f.To = start.AddDate(0, 0, first+span-1).Format(time.DateOnly)
				f.TeamID = []int64{0, 0, 1, 3}[r.IntN(4)]
				f.UserID = []int64{0, 0, 2, 4}[r.IntN(4)]
				f.ChannelID = []int64{0, 0, 2}[r.IntN(3)]
				f.OpenedSource = []string{"", "", "api"}[r.IntN(3)]
				f.ClosedSource = []string{"", "", "user"}[r.IntN(3)]
				f.Category = []string{"", "", "bug", "é"}[r.IntN(4)]
				f.BusinessHours = r.IntN(2) == 0
				f.Compare = r.IntN(3) == 0
				name := fmt.Sprintf("%s #%d %+v", stage, i, f)
				same(t, name+" conversations", f, fast.Conversations, live.Conversations, ctx, w.ID)
				same(t, name+" responses", f, fast.Responses, live.Responses, ctx, w.ID)
				same(t, name+" resolutions", f, fast.Resolutions, live.Resolutions, ctx, w.ID)
				same(t, name+" assignments", f, fast.Assignments, live.Assignments, ctx, w.ID)
				same(t, name+" users", f, fast.Users, live.Users, ctx, w.ID)
				same(t, name+" teams", f, fast.Teams, live.Teams, ctx, w.ID)
				same(t, name+" leaderboard", f, fast.Leaderboard, live.Leaderboard, ctx, w.ID)
			}
		}
		check("all dirty")
		// Some days compacted, the rest dirty.
		n, err := fast.Compact(ctx, 23, 0)
		must(t, err)
		if n != 23 {
			t.Fatalf("compacted %d days, want 23", n)
		}
		check("part compacted")
		n, err = fast.CompactAll(ctx)
		must(t, err)
		var segments int
		must(t, d.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM report_segments`).Scan(&segments))
		if n == 0 || segments == 0 {
			t.Fatalf("CompactAll wrote %d days, %d segments", n, segments)
		}
		check("all compacted")
		// A fact changed behind the segments' back, with its day marked:
		// the answer follows it.
		must(t, d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE report_conversations SET team_id = 3, category = 'bug' WHERE conversation_id <= 300`)
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `UPDATE report_dirty_days SET version = version + 1`)
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO report_dirty_days (workspace_id, day)
				SELECT DISTINCT workspace_id, opened_local / 86400000 FROM report_conversations WHERE conversation_id <= 300
				UNION SELECT workspace_id, closed_local / 86400000 FROM report_conversations WHERE conversation_id <= 300 AND closed_at > 0
				UNION SELECT workspace_id, first_assigned_local / 86400000 FROM report_conversations WHERE conversation_id <= 300 AND first_assigned_at > 0
				UNION SELECT workspace_id, first_response_local / 86400000 FROM report_conversations WHERE conversation_id <= 300 AND first_response_at > 0
				UNION SELECT workspace_id, at_local / 86400000 FROM report_responses WHERE conversation_id <= 300`)
			return err
		}))
		check("changed")
	})
}

func same[T any](t *testing.T, name string, f report.Filter,
	fast, live func(context.Context, int64, report.Filter) (report.Result[T], error), ctx context.Context, ws int64) {
	t.Helper()
	a, err := fast(ctx, ws, f)
	must(t, err)
	b, err := live(ctx, ws, f)
	must(t, err)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("%s: segments and scan differ:\nsegments %+v\nscan     %+v", name, a, b)
	}
}
