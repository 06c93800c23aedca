package workspace

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// TestTeamCalendar: a team's business hours and holidays are validated
// like the workspace's, kept when an update leaves them out, and cleared
// by business_hours {}.
func TestTeamCalendar(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := New(d)
		ctx := context.Background()
		ws, err := s.Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		hours := BusinessHours{"mon": {{Open: "20:00", Close: "24:00"}}}
		days := []string{"2026-12-25", "2026-01-01", "2026-12-25"}
		team, err := s.CreateTeam(ctx, ws.ID, TeamInput{Name: "Night", BusinessHours: &hours, Holidays: &days})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(team.Holidays, []string{"2026-01-01", "2026-12-25"}) || len(team.BusinessHours["mon"]) != 1 {
			t.Fatalf("created %+v", team)
		}
		bad := []struct {
			name  string
			in    TeamInput
			field string
		}{
			{"a bad weekday", TeamInput{BusinessHours: &BusinessHours{"monday": {{Open: "09:00", Close: "17:00"}}}}, "business_hours"},
			{"close before open", TeamInput{BusinessHours: &BusinessHours{"mon": {{Open: "17:00", Close: "09:00"}}}}, "business_hours.mon[0].close"},
			{"a bad holiday", TeamInput{Holidays: &[]string{"xmas"}}, "holidays[0]"},
			{"too many holidays", TeamInput{Holidays: func() *[]string { h := make([]string, MaxHolidays+1); return &h }()}, "holidays"},
		}
		for _, c := range bad {
			_, err := s.UpdateTeam(ctx, ws.ID, team.ID, c.in)
			if apperr.KindOf(err) == "" || !strings.Contains(err.Error(), c.field) {
				t.Errorf("%s: %v, want an invalid %s", c.name, err, c.field)
			}
		}
		// A rename leaves the calendar as it is.
		got, err := s.UpdateTeam(ctx, ws.ID, team.ID, TeamInput{Name: "Nights"})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.BusinessHours, team.BusinessHours) || !reflect.DeepEqual(got.Holidays, team.Holidays) {
			t.Fatalf("after a rename: %+v", got)
		}
		// {} goes back to the workspace's calendar.
		got, err = s.UpdateTeam(ctx, ws.ID, team.ID, TeamInput{BusinessHours: &BusinessHours{}, Holidays: &[]string{}})
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.listTeams(ctx, ws.ID, page.All())
		if err != nil {
			t.Fatal(err)
		}
		if len(got.BusinessHours) != 0 || len(got.Holidays) != 0 || len(list) != 1 || len(list[0].BusinessHours) != 0 {
			t.Fatalf("cleared: %+v, listed %+v", got, list)
		}
	})
}
