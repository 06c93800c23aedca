package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/report"
	"github.com/switchboard-chat/switchboard/internal/satisfaction"
)

// The satisfaction survey over HTTP: owners and managers turn it on in the
// workspace's settings; a close then sends the contact a link whose token
// reads and answers the survey signed out; the report counts it for
// owners and managers only.
func TestSatisfactionSurveyOverHTTP(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, func(deps *httpapi.Deps) { deps.PublicURL = "https://sb.acme.test" })
		g := background.NewGroup(f.d.Clock())
		sat := satisfaction.New(f.d, satisfaction.Options{PublicURL: "https://sb.acme.test"})
		backgroundtest.Run(t, g, sat.NewConsumer(f.hub, g).Run, report.New(f.d, report.Options{}).NewConsumer(f.hub, g).Run)
		backgroundtest.WaitIdle(t, g)

		r := f.inbound(t, "+14155550199", "Ada", "csat-1")
		f.vars["conversationID"] = itoa(r.ConversationID)
		f.run(t, []scenario{
			{name: "off by default, and available with a public URL", method: "GET", path: "/api/v1/workspace", as: "agent", status: 200,
				want: []string{`"satisfaction_survey":{"enabled":false,"message":"Thanks for contacting us!`, `"available":true}`}},
			{name: "who am I says so too", method: "GET", path: "/api/v1/me", as: "agent", status: 200,
				want: []string{`"satisfaction_survey":{"enabled":false,`, `"available":true}`}},
			{name: "an agent may not turn it on", method: "PATCH", path: "/api/v1/workspace", as: "agent",
				body: `{"satisfaction_survey":{"enabled":true}}`, status: 403},
			{name: "two links", method: "PATCH", path: "/api/v1/workspace", as: "manager",
				body: `{"satisfaction_survey":{"message":"{{link}} and {{link}}"}}`, status: 422, want: []string{"satisfaction_survey.message"}},
			{name: "words too long", method: "PATCH", path: "/api/v1/workspace", as: "manager",
				body: `{"satisfaction_survey":{"message":"` + strings.Repeat("a", 1001) + `"}}`, status: 422, want: []string{"satisfaction_survey.message"}},
			{name: "not an object", method: "PATCH", path: "/api/v1/workspace", as: "manager",
				body: `{"satisfaction_survey":true}`, status: 400},
			{name: "a manager turns it on", method: "PATCH", path: "/api/v1/workspace", as: "manager",
				body: `{"satisfaction_survey":{"enabled":true,"message":"How did we do? {{link}}"}}`, status: 200,
				want: []string{`"satisfaction_survey":{"enabled":true,"message":"How did we do? {{link}}","available":true}`}},
			{name: "the owner closes the conversation", method: "POST", path: "/api/v1/conversations/{{conversationID}}/close", as: "owner",
				body: `{}`, status: 200},
		})
		backgroundtest.WaitIdle(t, g)
		var token string
		if err := d.Reader().QueryRow(context.Background(), `SELECT token FROM satisfaction_surveys WHERE conversation_id = ?`, r.ConversationID).
			Scan(&token); err != nil {
			t.Fatal(err)
		}
		f.vars["token"] = token
		f.vars["contactID"] = itoa(r.ContactID)
		f.run(t, []scenario{
			{name: "a survey not answered rates nothing", method: "GET", path: "/api/v1/conversations/{{conversationID}}", as: "agent",
				status: 200, want: []string{`"status":"closed"`}, notWant: []string{`"satisfaction"`}},
			{name: "the survey's message holds the link", method: "GET", path: "/api/v1/conversations/{{conversationID}}/messages", as: "owner",
				status: 200, want: []string{`How did we do? https://sb.acme.test/rate/{{token}}`}},
			{name: "the contact reads the survey signed out", method: "GET", path: "/api/v1/surveys/{{token}}", status: 200,
				want: []string{`"workspace_name":"Acme"`, `"rating":0`, `"rated_at":null`, `"expired":false`}},
			{name: "an unknown token", method: "GET", path: "/api/v1/surveys/nope", status: 404},
			{name: "a rating of 9", method: "POST", path: "/api/v1/surveys/{{token}}", body: `{"rating":9}`, status: 422, want: []string{"rating"}},
			{name: "a rating as text", method: "POST", path: "/api/v1/surveys/{{token}}", body: `{"rating":"5"}`, status: 400},
			{name: "an unknown member", method: "POST", path: "/api/v1/surveys/{{token}}", body: `{"rating":5,"stars":5}`, status: 400},
			{name: "rating an unknown survey", method: "POST", path: "/api/v1/surveys/nope", body: `{"rating":5}`, status: 404},
			{name: "the contact rates it", method: "POST", path: "/api/v1/surveys/{{token}}", body: `{"rating":5,"comment":"Great help"}`, status: 200,
				want: []string{`"rating":5`, `"comment":"Great help"`}},
			{name: "the rating is told to the conversation", method: "GET", path: "/api/v1/conversations/{{conversationID}}/events", as: "owner",
				status: 200, want: []string{`"type":"conversation.rated"`, `"rating":5`}},
			{name: "the conversation shows the rating", method: "GET", path: "/api/v1/conversations/{{conversationID}}", as: "agent",
				status: 200, want: []string{`"satisfaction":{"rating":5,"comment":"Great help","rated_at":"`}},
			{name: "so do the contact's past conversations", method: "GET", path: "/api/v1/contacts/{{contactID}}/conversations", as: "agent",
				status: 200, want: []string{`"satisfaction":{"rating":5,"comment":"Great help"`}},
			{name: "and the inbox's list of closed conversations", method: "GET", path: "/api/v1/conversations?status=closed", as: "owner",
				status: 200, want: []string{`"satisfaction":{"rating":5,"comment":"Great help"`}},
			{name: "the report counts it", method: "GET", path: "/api/v1/reports/satisfaction", as: "manager", status: 200,
				want: []string{`"sent":1`, `"responses":1`, `"average":5`, `"score_pct":100`, `"comment":"Great help"`, `"contact_name":"Ada"`}},
			{name: "agents see no report", method: "GET", path: "/api/v1/reports/satisfaction", as: "agent", status: 403},
			{name: "the report's responses", method: "GET", path: "/api/v1/reports/satisfaction/responses?rating=4,5&with_comment=true", as: "manager",
				status: 200, want: []string{`"data":[{"conversation_id":{{conversationID}},`, `"rating":5,"comment":"Great help"`, `"next_cursor":""`}},
			{name: "none of the low ratings", method: "GET", path: "/api/v1/reports/satisfaction/responses?rating=1,2", as: "owner",
				status: 200, want: []string{`{"data":[],"next_cursor":""}`}},
			{name: "a rating of 6", method: "GET", path: "/api/v1/reports/satisfaction/responses?rating=6", as: "owner", status: 400,
				want: []string{"query parameter rating"}},
			{name: "a rating twice", method: "GET", path: "/api/v1/reports/satisfaction/responses?rating=1,1", as: "owner", status: 400},
			{name: "with_comment not a boolean", method: "GET", path: "/api/v1/reports/satisfaction/responses?with_comment=yes", as: "owner", status: 400,
				want: []string{"query parameter with_comment"}},
			{name: "a cursor of another list", method: "GET", path: "/api/v1/reports/satisfaction/responses?cursor=eyJvIjoiaWQiLCJpIjoxfQ", as: "owner", status: 400},
			{name: "a bad range", method: "GET", path: "/api/v1/reports/satisfaction/responses?from=2026-13-01", as: "owner", status: 400},
			{name: "agents see no responses", method: "GET", path: "/api/v1/reports/satisfaction/responses", as: "agent", status: 403},
			{name: "its rows as CSV", method: "GET", path: "/api/v1/reports/satisfaction/export", as: "owner", status: 200,
				want: []string{"conversation_id,contact_id,channel_id,team_id,assignee_id,closed_at,day,rating,comment,rated_at", ",5,Great help,"}},
		})
	})
}

// A survey's routes answer any site's page (the website widget rates from
// its site): the preflight says what may be sent, and the answers carry
// the CORS header. No cookie is involved, the token being the credential.
func TestSurveyRoutesAnswerAnyOrigin(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, tc := range []struct {
			method     string
			status     int
			allowsPOST bool
		}{
			{"OPTIONS", 204, true},
			{"GET", 404, false},
			{"POST", 400, false}, // no body
		} {
			req, err := http.NewRequest(tc.method, f.srv.URL+"/api/v1/surveys/nope", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Origin", "https://shop.example")
			req.Header.Set("Access-Control-Request-Method", "POST")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tc.status || res.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("%s: %d, Allow-Origin %q; want %d, *", tc.method, res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"), tc.status)
			}
			if got := strings.Contains(res.Header.Get("Access-Control-Allow-Methods"), "POST") && res.Header.Get("Access-Control-Allow-Headers") == "Content-Type"; got != tc.allowsPOST {
				t.Errorf("%s: allows a JSON POST %v, want %v", tc.method, got, tc.allowsPOST)
			}
		}
	})
}
