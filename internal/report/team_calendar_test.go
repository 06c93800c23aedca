package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/report"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// TestTeamCalendar: a conversation of a team with its own business hours
// and holiday counts that team's open hours; one of another team (and one
// without a team) the workspace's.
func TestTeamCalendar(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// Monday 2026-06-01 08:00 UTC to Wednesday 2026-06-03 12:00 UTC.
		opened := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
		answered := time.Date(2026, 6, 3, 12, 0, 0, 0, time.UTC)
		clk := clock.NewFake(opened)
		d.SetClock(clk)
		wss := workspace.New(d)
		w, err := wss.Create(ctx, "Acme", "UTC")
		must(t, err)
		// The workspace: 09:00–17:00 on weekdays, no holiday.
		nine := workspace.BusinessHours{}
		for _, day := range []string{"mon", "tue", "wed", "thu", "fri"} {
			nine[day] = []workspace.Interval{{Open: "09:00", Close: "17:00"}}
		}
		_, err = wss.Update(ctx, w.ID, workspace.Settings{BusinessHours: &nine})
		must(t, err)
		// Night shift: 20:00–24:00 every day, Tuesday 2 June off.
		night := workspace.BusinessHours{}
		for _, day := range workspace.Weekdays {
			night[day] = []workspace.Interval{{Open: "20:00", Close: "24:00"}}
		}
		holidays := []string{"2026-06-02"}
		nightTeam, err := wss.CreateTeam(ctx, w.ID, workspace.TeamInput{Name: "Night", BusinessHours: &night, Holidays: &holidays})
		must(t, err)
		dayTeam, err := wss.CreateTeam(ctx, w.ID, workspace.TeamInput{Name: "Day"})
		must(t, err)
		if len(nightTeam.BusinessHours["mon"]) != 1 || len(nightTeam.Holidays) != 1 || len(dayTeam.BusinessHours) != 0 {
			t.Fatalf("teams: %+v %+v", nightTeam, dayTeam)
		}

		// The log's times only move forward: the three open, then the
		// three are answered and closed.
		teams := []int64{nightTeam.ID, dayTeam.ID, 0}
		ev := func(i int, typ event.Type, contactID int64, payload map[string]any) event.New {
			return event.New{WorkspaceID: w.ID, Type: typ, ConversationID: int64(100 + i), ContactID: contactID, Payload: payload}
		}
		contacts := make([]int64, len(teams))
		for i, team := range teams {
			must(t, d.Write(ctx, func(tx *db.Tx) error {
				return tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, created_at, updated_at) VALUES (?, 'Ada', 0, 0) RETURNING id`,
					w.ID).Scan(&contacts[i])
			}))
			appendAt(t, d, clk, opened, ev(i, event.ConversationOpened, contacts[i], map[string]any{"source": "contact"}))
			appendAt(t, d, clk, opened, ev(i, event.MessageReceived, contacts[i], map[string]any{"sender": "contact"}))
			if team != 0 {
				appendAt(t, d, clk, opened, ev(i, event.ConversationQueued, contacts[i], map[string]any{"team_id": team}))
			}
		}
		for i := range teams {
			appendAt(t, d, clk, answered, ev(i, event.MessageSent, contacts[i], map[string]any{"sender": "user", "user_id": 4}))
			appendAt(t, d, clk, answered, ev(i, event.ConversationClosed, contacts[i], map[string]any{"source": "user"}))
		}
		svc := report.New(d, report.Options{})
		if _, err := svc.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		h := time.Hour.Milliseconds()
		// Night team: Monday 20–24 and Tuesday off: 4 h. Workspace: Monday
		// 9–17, Tuesday 9–17, Wednesday 9–12: 19 h.
		for _, c := range []struct {
			name string
			team int64
			want int64
		}{{"own calendar", nightTeam.ID, 4 * h}, {"the workspace's", dayTeam.ID, 19 * h}} {
			f := report.Filter{From: "2026-06-01", To: "2026-06-30", BusinessHours: true, TeamID: c.team}
			r, err := svc.Responses(ctx, w.ID, f)
			must(t, err)
			if fr := r.Current.FirstResponse; fr.Count != 1 || fr.SumMs != c.want {
				t.Errorf("%s: first response in business hours %+v, want %d ms", c.name, fr, c.want)
			}
			if rt := r.Current.ResponseTime; rt.Count != 1 || rt.SumMs != c.want {
				t.Errorf("%s: response time in business hours %+v, want %d ms", c.name, rt, c.want)
			}
			res, err := svc.Resolutions(ctx, w.ID, f)
			must(t, err)
			if rs := res.Current.Resolution; rs.Count != 1 || rs.SumMs != c.want {
				t.Errorf("%s: resolution in business hours %+v, want %d ms", c.name, rs, c.want)
			}
		}
		all, err := svc.Resolutions(ctx, w.ID, report.Filter{From: "2026-06-01", To: "2026-06-30", BusinessHours: true})
		must(t, err)
		if rs := all.Current.Resolution; rs.Count != 3 || rs.SumMs != 4*h+19*h+19*h {
			t.Errorf("every team: %+v, want 4 h + 19 h + 19 h (no team: the workspace's)", rs)
		}
	})
}
