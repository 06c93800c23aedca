package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/report"
	"github.com/switchboard-chat/switchboard/internal/routing"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func TestReportsAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		svc := report.New(d, report.Options{})
		f := newFixture(t, d, func(deps *httpapi.Deps) { deps.Reports = svc })
		f.inbound(t, "+15550001", "Ada", "m-1")
		f.inbound(t, "+15550002", "Bob", "m-2")
		if _, err := svc.Rebuild(context.Background()); err != nil {
			t.Fatal(err)
		}
		today := db.Time(d.Now()).UTC().Format("2006-01-02")
		f.run(t, []scenario{
			{name: "conversations", method: "GET", path: "/api/v1/reports/conversations?from=" + today + "&to=" + today, as: "manager",
				status: 200, want: []string{`"current":{"opened":2,"closed":0`, `"timezone":"UTC"`, `"heatmap":[[`}},
			{name: "compare with the previous period", method: "GET", path: "/api/v1/reports/conversations?compare=previous", as: "owner",
				status: 200, want: []string{`"previous":{"opened":0`, `"previous_range":{"from":`}},
			{name: "hourly", method: "GET", path: "/api/v1/reports/conversations?interval=hour&from=" + today + "&to=" + today, as: "owner",
				status: 200, want: []string{`"t":"` + today + `T00"`, `"t":"` + today + `T23"`}},
			{name: "responses", method: "GET", path: "/api/v1/reports/responses?hours=business", as: "manager", status: 200,
				want: []string{`"first_response":{"count":0`, `"label":"30s–2m"`, `"business_hours":true`}},
			{name: "resolutions", method: "GET", path: "/api/v1/reports/resolutions?category=bug&team_id=1", as: "manager", status: 200, want: []string{`"resolved":0`}},
			{name: "assignments", method: "GET", path: "/api/v1/reports/assignments", as: "manager", status: 200, want: []string{`"by_strategy":[]`}},
			{name: "users", method: "GET", path: "/api/v1/reports/users", as: "manager", status: 200, want: []string{`"rows":[]`}},
			{name: "teams", method: "GET", path: "/api/v1/reports/teams", as: "manager", status: 200, want: []string{`"rows":[]`}},
			{name: "leaderboard", method: "GET", path: "/api/v1/reports/leaderboard", as: "manager", status: 200, want: []string{`"rows":[]`}},
			{name: "messages", method: "GET", path: "/api/v1/reports/messages", as: "manager", status: 200, want: []string{`"in":2`}},
			{name: "contacts", method: "GET", path: "/api/v1/reports/contacts", as: "manager", status: 200, want: []string{`"new":2`}},
			{name: "workflows", method: "GET", path: "/api/v1/reports/workflows", as: "manager", status: 200, want: []string{`"workflows":[]`}},
			{name: "now", method: "GET", path: "/api/v1/reports/now", as: "manager", status: 200, want: []string{`"open":2`, `"unassigned":2`, `"agents":[`}},
			{name: "settings", method: "GET", path: "/api/v1/reports/settings", as: "manager", status: 200, want: []string{`"reopen_window_minutes":1440`}},
			{name: "settings change", method: "PUT", path: "/api/v1/reports/settings", as: "manager", body: `{"reopen_window_minutes":60,"holidays":["2026-12-25"]}`,
				status: 200, want: []string{`"holidays":["2026-12-25"]`}},
			{name: "a bad holiday", method: "PUT", path: "/api/v1/reports/settings", as: "manager", body: `{"reopen_window_minutes":60,"holidays":["xmas"]}`,
				status: 422, want: []string{`holidays[0]`}},

			{name: "agents may not", method: "GET", path: "/api/v1/reports/conversations", as: "agent", status: 403},
			{name: "agents may not export", method: "GET", path: "/api/v1/reports/conversations/export", as: "agent", status: 403},
			{name: "agents may not see now", method: "GET", path: "/api/v1/reports/now", as: "agent", status: 403},
			{name: "a bad date", method: "GET", path: "/api/v1/reports/conversations?from=yesterday", as: "manager", status: 400, want: []string{`query parameter from`}},
			{name: "from after to", method: "GET", path: "/api/v1/reports/conversations?from=2026-02-02&to=2026-02-01", as: "manager", status: 400},
			{name: "over a year", method: "GET", path: "/api/v1/reports/conversations?from=2024-01-01&to=2026-01-01", as: "manager", status: 400},
			{name: "hourly over a month", method: "GET", path: "/api/v1/reports/conversations?interval=hour&from=2026-01-01&to=2026-03-01", as: "manager", status: 400},
			{name: "a bad team", method: "GET", path: "/api/v1/reports/conversations?team_id=x", as: "manager", status: 400},
			{name: "a bad compare", method: "GET", path: "/api/v1/reports/conversations?compare=last", as: "manager", status: 400},
			{name: "an unknown report", method: "GET", path: "/api/v1/reports/nothing/export", as: "manager", status: 404},
			{name: "the charts' figures", method: "GET", path: "/api/v1/reports/conversations/export?rows=charts", as: "manager", status: 200,
				want: []string{"period,chart,key,value\n", "current,opened,,2\n", "current,heatmap,"}},
			{name: "bad rows", method: "GET", path: "/api/v1/reports/conversations/export?rows=all", as: "manager", status: 400,
				want: []string{`query parameter rows`}},
		})
		for _, path := range []string{"/api/v1/reports/conversations/export?from=" + today + "&to=" + today, "/api/v1/reports/conversations?format=csv&from=" + today + "&to=" + today} {
			req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+f.tokens["manager"])
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			buf := make([]byte, 4096)
			for {
				n, err := res.Body.Read(buf)
				b.Write(buf[:n])
				if err != nil {
					break
				}
			}
			res.Body.Close()
			lines := strings.Split(strings.TrimSpace(b.String()), "\n")
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || len(lines) != 3 ||
				!strings.HasPrefix(lines[0], "conversation_id,contact_id,channel_id") {
				t.Fatalf("%s: %d %s %q", path, res.StatusCode, res.Header.Get("Content-Type"), lines)
			}
		}
	})
}

// TestReportSettingsKeepWhatAPutLeavesOut: docs/reports.md sets the
// holidays with PUT {"holidays": […]} and the reopen window with PUT
// {"reopen_window_minutes"}; each must leave the other as it was, not
// zero it (a reopen window of 0 silently stops counting reopens).
func TestReportSettingsKeepWhatAPutLeavesOut(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		svc := report.New(d, report.Options{})
		f := newFixture(t, d, func(deps *httpapi.Deps) { deps.Reports = svc })
		f.run(t, []scenario{
			{name: "both", method: "PUT", path: "/api/v1/reports/settings", as: "manager", body: `{"reopen_window_minutes":60,"holidays":["2026-12-25"]}`,
				status: 200, want: []string{`"reopen_window_minutes":60`, `"holidays":["2026-12-25"]`}},
			{name: "the holidays alone", method: "PUT", path: "/api/v1/reports/settings", as: "manager", body: `{"holidays":["2026-12-24","2026-12-25"]}`,
				status: 200, want: []string{`"reopen_window_minutes":60`, `"holidays":["2026-12-24","2026-12-25"]`}},
			{name: "the window alone", method: "PUT", path: "/api/v1/reports/settings", as: "manager", body: `{"reopen_window_minutes":120}`,
				status: 200, want: []string{`"reopen_window_minutes":120`, `"holidays":["2026-12-24","2026-12-25"]`}},
			{name: "read back", method: "GET", path: "/api/v1/reports/settings", as: "manager",
				status: 200, want: []string{`"reopen_window_minutes":120`, `"holidays":["2026-12-24","2026-12-25"]`}},
			{name: "no holidays", method: "PUT", path: "/api/v1/reports/settings", as: "manager", body: `{"holidays":[]}`,
				status: 200, want: []string{`"reopen_window_minutes":120`, `"holidays":[]`}},
		})
	})
}

// TestReportNowLeavesTestConversationsOutOfTheQueues: a Workflow Builder
// test chat's Assign step queues its conversation like any other, but
// test conversations are left out of every figure, Now included
// (docs/reports.md): the queue it waits in counts only the real one, and
// its wait is not the longest.
func TestReportNowLeavesTestConversationsOutOfTheQueues(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.NewFake(time.Date(2026, 6, 3, 9, 0, 0, 0, time.UTC))
		d.SetClock(clk)
		svc := report.New(d, report.Options{})
		f := newFixture(t, d, func(deps *httpapi.Deps) { deps.Reports = svc })
		team, err := f.wsSvc.CreateTeam(ctx, f.ws.ID, workspace.TeamInput{Name: "Support", MemberIDs: []int64{f.users[workspace.RoleAgent].ID}})
		must0(t, err)
		route := routing.New(d, routing.Options{})
		queue := func(conversationID int64) {
			res, err := route.Assign(ctx, routing.Request{WorkspaceID: f.ws.ID, ConversationID: conversationID, Target: routing.TargetTeam,
				TeamID: team.ID, OnlyOnline: true, Source: conversation.SourceWorkflow})
			must0(t, err)
			if !res.Queued {
				t.Fatalf("conversation %d not queued: %+v", conversationID, res)
			}
		}
		// The test chat's conversation waits first, an hour before the real one.
		queue(testConversation(t, f, d))
		clk.Advance(time.Hour)
		real := f.inbound(t, "+15550001", "Ada", "m-1")
		queue(real.ConversationID)
		clk.Advance(time.Minute)
		f.run(t, []scenario{
			{name: "now", method: "GET", path: "/api/v1/reports/now", as: "manager", status: 200,
				want: []string{`"open":1`, `"waiting":1`, `"longest_wait_ms":60000`, `"length":1`}},
		})
	})
}

// TestReportNowLeavesTestConversationsOutOfAgentsLoad: an agent a test
// chat's conversation is assigned to (its workflow's Assign step) has it
// in routing's count of their open conversations, but Now's agents show
// their open conversations without the test ones, like Now's open and
// unassigned.
func TestReportNowLeavesTestConversationsOutOfAgentsLoad(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc := report.New(d, report.Options{})
		f := newFixture(t, d, func(deps *httpapi.Deps) { deps.Reports = svc })
		route := routing.New(d, routing.Options{})
		agent := f.users[workspace.RoleAgent].ID
		assign := func(conversationID int64) {
			res, err := route.Assign(ctx, routing.Request{WorkspaceID: f.ws.ID, ConversationID: conversationID, Target: routing.TargetUser,
				UserID: agent, Force: true, Source: conversation.SourceWorkflow})
			must0(t, err)
			if !res.Assigned {
				t.Fatalf("conversation %d not assigned: %+v", conversationID, res)
			}
		}
		assign(testConversation(t, f, d))
		assign(f.inbound(t, "+15550001", "Ada", "m-1").ConversationID)
		f.run(t, []scenario{
			{name: "now", method: "GET", path: "/api/v1/reports/now", as: "manager", status: 200,
				want: []string{`"open":1,"unassigned":0`, `{"user_id":` + f.vars[workspace.RoleAgent] + `,"availability":"offline","open":1,`}},
		})
	})
}

// testConversation opens a conversation of a Workflow Builder test
// contact (is_test, as the test chat makes them) and returns its id.
func testConversation(t *testing.T, f *fixture, d *db.DB) int64 {
	t.Helper()
	ctx := context.Background()
	test := f.inbound(t, "+15550009", "Test contact", "m-test")
	must0(t, d.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE contacts SET is_test = 1 WHERE id = ?`, test.ContactID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE conversations SET is_test = 1 WHERE id = ?`, test.ConversationID)
		return err
	}))
	return test.ConversationID
}

// TestReportFilterRefusesUnknownSources: docs/reports.md lists the values
// of opened_source and closed_source, and docs/api.md says a bad filter
// value is a 400 naming the parameter. A typo ("contacts") used to answer
// 200 with every figure 0, as if nothing had been opened.
func TestReportFilterRefusesUnknownSources(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, func(deps *httpapi.Deps) { deps.Reports = report.New(d, report.Options{}) })
		var scenarios []scenario
		for _, q := range []string{"opened_source=contacts", "opened_source=auto_close", "closed_source=closed", "closed_source=contact"} {
			param, _, _ := strings.Cut(q, "=")
			for _, path := range []string{"/api/v1/reports/conversations?", "/api/v1/reports/conversations/export?"} {
				scenarios = append(scenarios, scenario{name: path + q, method: "GET", path: path + q, as: "manager", status: 400,
					want: []string{`query parameter ` + param}})
			}
		}
		for _, q := range []string{"opened_source=contact", "opened_source=api", "closed_source=auto_close", "closed_source=ai_agent", "closed_source="} {
			scenarios = append(scenarios, scenario{name: q, method: "GET", path: "/api/v1/reports/conversations?" + q, as: "manager", status: 200})
		}
		f.run(t, scenarios)
	})
}
