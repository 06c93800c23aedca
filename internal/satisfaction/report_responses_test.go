package satisfaction_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/report"
)

// The report's responses: every answer, newest first, a page at a time
// without a gap or a repeat; narrowed by rating, to those with a comment,
// and by the report's filters; a survey not answered is no response.
func TestSatisfactionResponses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		c1 := w.answered(t, "+14155550501", w.ana, 1, "")
		c2 := w.answered(t, "+14155550502", w.bob, 5, "Lovely")
		c3 := w.answered(t, "+14155550503", w.ana, 2, "Too slow")
		w.answered(t, "+14155550504", w.bob, 0, "")
		c5 := w.answered(t, "+14155550505", w.bob, 4, "")

		list := func(f report.Filter, rf report.ResponseFilter, limit int) []int64 {
			t.Helper()
			var ids []int64
			req := page.Request{Limit: limit}
			for {
				pg, err := w.reports.SatisfactionResponses(ctx, w.ws.ID, f, rf, req)
				if err != nil {
					t.Fatal(err)
				}
				if len(pg.Data) > limit {
					t.Fatalf("a page of %d, limit %d", len(pg.Data), limit)
				}
				for _, r := range pg.Data {
					ids = append(ids, r.ConversationID)
				}
				var more bool
				if req, more = page.Next(req, pg, report.OrderRatedDesc); !more {
					return ids
				}
			}
		}
		for _, tc := range []struct {
			name string
			f    report.Filter
			rf   report.ResponseFilter
			want []int64
		}{
			{"all, newest first", report.Filter{}, report.ResponseFilter{}, []int64{c5, c3, c2, c1}},
			{"the low ratings", report.Filter{}, report.ResponseFilter{Ratings: []int{1, 2}}, []int64{c3, c1}},
			{"with a comment", report.Filter{}, report.ResponseFilter{WithComment: true}, []int64{c3, c2}},
			{"low, with a comment", report.Filter{}, report.ResponseFilter{Ratings: []int{1, 2}, WithComment: true}, []int64{c3}},
			{"Bob's", report.Filter{UserID: w.bob.UserID}, report.ResponseFilter{}, []int64{c5, c2}},
			{"a range without closes", report.Filter{From: "2026-01-01", To: "2026-01-31"}, report.ResponseFilter{}, nil},
		} {
			for _, limit := range []int{1, 2, 50} {
				if got := list(tc.f, tc.rf, limit); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("%s, %d a page: %v, want %v", tc.name, limit, got, tc.want)
				}
			}
		}

		pg, err := w.reports.SatisfactionResponses(ctx, w.ws.ID, report.Filter{}, report.ResponseFilter{Ratings: []int{2}}, page.First())
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Data) != 1 || pg.NextCursor != "" {
			t.Fatalf("rating 2 = %+v; want one response, no next page", pg)
		}
		if r := pg.Data[0]; r.Rating != 2 || r.Comment != "Too slow" || r.AssigneeID != w.ana.UserID || r.ContactName == "" || !r.RatedAt.Equal(w.clk.Now().Add(-time.Minute)) {
			t.Fatalf("response = %+v; want Ana's 2, Too slow, rated a minute before the last", r)
		}
		if _, err := w.reports.SatisfactionResponses(ctx, w.ws.ID, report.Filter{From: "2026-13-01"}, report.ResponseFilter{}, page.First()); err == nil {
			t.Fatal("a bad range: no error")
		}
	})
}
