package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/report"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// TestPeopleAveragesInBusinessHours: with hours=business, the users,
// teams and leaderboard averages (resolution, first response, response)
// count business hours only, like the Responses and Resolutions reports
// they sit beside. A contact writes Friday at 16:55, the assignee answers
// Monday at 09:10 and closes at 09:20, hours 09:00–17:00 on weekdays:
// 15 minutes to the first response and the response, 25 to resolve.
func TestPeopleAveragesInBusinessHours(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fri := time.Date(2026, 6, 5, 16, 55, 0, 0, time.UTC)
		mon := time.Date(2026, 6, 8, 9, 0, 0, 0, time.UTC)
		w, clk, ev := oneContact(t, d, fri, 77)
		hours := workspace.BusinessHours{}
		for _, day := range []string{"mon", "tue", "wed", "thu", "fri"} {
			hours[day] = []workspace.Interval{{Open: "09:00", Close: "17:00"}}
		}
		_, err := workspace.New(d).Update(ctx, w.ID, workspace.Settings{BusinessHours: &hours})
		must(t, err)
		appendAt(t, d, clk, fri, ev(event.ConversationOpened, map[string]any{"source": "contact"}))
		appendAt(t, d, clk, fri, ev(event.MessageReceived, map[string]any{"sender": "contact"}))
		appendAt(t, d, clk, fri.Add(time.Second), ev(event.ConversationAssigned, map[string]any{"assignee_id": 4, "team_id": 2}))
		appendAt(t, d, clk, mon.Add(10*time.Minute), ev(event.MessageSent, map[string]any{"sender": "user", "user_id": 4}))
		appendAt(t, d, clk, mon.Add(20*time.Minute), ev(event.ConversationClosed, map[string]any{"source": "user"}))
		svc := report.New(d, report.Options{})
		if _, err := svc.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		f := report.Filter{From: "2026-06-01", To: "2026-06-30", BusinessHours: true}
		want := report.PersonRow{Assigned: 1, Closed: 1, AverageResolutionMs: (25 * time.Minute).Milliseconds(), FirstResponses: 1,
			AverageFirstResponseMs: (15 * time.Minute).Milliseconds(), Responses: 1, AverageResponseMs: (15 * time.Minute).Milliseconds(), MessagesSent: 1}
		users, err := svc.Users(ctx, w.ID, f)
		must(t, err)
		teams, err := svc.Teams(ctx, w.ID, f)
		must(t, err)
		lb, err := svc.Leaderboard(ctx, w.ID, f)
		must(t, err)
		for name, rows := range map[string][]report.PersonRow{"users": users.Current.Rows, "teams": teams.Current.Rows} {
			if len(rows) != 1 {
				t.Fatalf("%s: %+v, want one row", name, rows)
			}
			got := rows[0]
			got.ID = 0
			if got != want {
				t.Errorf("%s in business hours:\n got %+v\nwant %+v", name, got, want)
			}
		}
		if len(lb.Current.Rows) != 1 || lb.Current.Rows[0].AverageFirstResponseMs != want.AverageFirstResponseMs {
			t.Errorf("leaderboard in business hours: %+v", lb.Current.Rows)
		}
	})
}
