package satisfaction_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/report"
)

// The Satisfaction report counts the surveys of the conversations closed
// in the range, their ratings by assignee, and lists the newest comments;
// the filters apply, and the export has a row per survey.
func TestSatisfactionReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		w.answered(t, "+14155550401", w.ana, 5, "Great")
		w.answered(t, "+14155550402", w.ana, 3, "")
		w.answered(t, "+14155550403", w.bob, 4, "ok")
		w.answered(t, "+14155550404", w.bob, 0, "")
		w.closeBy(t, w.writeIn(t, "+14155550405", "r5"), conversation.SourceAutoClose) // no survey

		res, err := w.reports.Satisfaction(ctx, w.ws.ID, report.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		r := res.Current
		if r.Sent != 4 || r.Responses != 3 || r.ResponseRatePct != 75 || r.Average != 4 || r.Satisfied != 2 || r.ScorePct != 66.67 {
			t.Fatalf("figures = %+v; want 4 sent, 3 responses (75%%), average 4, 2 satisfied (66.67%%)", r)
		}
		if want := []report.Count{{Key: "1"}, {Key: "2"}, {Key: "3", Count: 1}, {Key: "4", Count: 1}, {Key: "5", Count: 1}}; !reflect.DeepEqual(r.Ratings, want) {
			t.Fatalf("ratings = %v, want %v", r.Ratings, want)
		}
		wantUsers := []report.SatisfactionRow{
			{ID: w.ana.UserID, Responses: 2, Average: 4, Satisfied: 1, ScorePct: 50},
			{ID: w.bob.UserID, Responses: 1, Average: 4, Satisfied: 1, ScorePct: 100},
		}
		if w.ana.UserID > w.bob.UserID {
			wantUsers[0], wantUsers[1] = wantUsers[1], wantUsers[0]
		}
		if !reflect.DeepEqual(r.ByUser, wantUsers) {
			t.Fatalf("by user = %+v, want %+v", r.ByUser, wantUsers)
		}
		if len(r.Comments) != 2 || r.Comments[0].Comment != "ok" || r.Comments[0].AssigneeID != w.bob.UserID || r.Comments[0].Rating != 4 ||
			r.Comments[1].Comment != "Great" || r.Comments[1].ContactName == "" {
			t.Fatalf("comments = %+v; want Bob's ok, then Ana's Great", r.Comments)
		}

		bob, err := w.reports.Satisfaction(ctx, w.ws.ID, report.Filter{UserID: w.bob.UserID})
		if err != nil {
			t.Fatal(err)
		}
		if b := bob.Current; b.Sent != 2 || b.Responses != 1 || b.Average != 4 || len(b.ByUser) != 1 {
			t.Fatalf("Bob's = %+v; want 2 sent, 1 response averaging 4", b)
		}
		before, err := w.reports.Satisfaction(ctx, w.ws.ID, report.Filter{From: "2026-01-01", To: "2026-01-31"})
		if err != nil {
			t.Fatal(err)
		}
		if b := before.Current; b.Sent != 0 || b.Responses != 0 || b.Average != 0 || len(b.Ratings) != 5 {
			t.Fatalf("January = %+v; want nothing", b)
		}

		var lines []string
		if err := w.reports.Export(ctx, w.ws.ID, "satisfaction", report.Filter{}, func(row []string) error {
			lines = append(lines, strings.Join(row, ","))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(lines) != 5 || lines[0] != "conversation_id,contact_id,channel_id,team_id,assignee_id,closed_at,day,rating,comment,rated_at" {
			t.Fatalf("export = %q; want the header and 4 rows", lines)
		}
		if !strings.Contains(lines[1], ",5,Great,2026-03-02 09:01:00") {
			t.Fatalf("export's first row %q: want its rating, comment and local rating time", lines[1])
		}
		charts := map[string]bool{}
		if err := w.reports.ExportCharts(ctx, w.ws.ID, "satisfaction", report.Filter{}, func(row []string) error {
			charts[strings.Join(row, ",")] = true
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"current,score_pct,,66.67", "current,ratings.count,3,1", "current,by_user.responses," + strconv.FormatInt(w.ana.UserID, 10) + ",2"} {
			if !charts[want] {
				t.Errorf("the charts' export lacks %s: %v", want, charts)
			}
		}
	})
}
