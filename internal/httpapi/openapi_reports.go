package httpapi

import (
	"slices"

	"github.com/switchboard-chat/switchboard/internal/report"
)

// The reports' operations (reports.go, docs/reports.md), added to the
// document's table here to keep their block apart.

const tagReports = "reports"

// reportQuery are the filters every report takes.
var reportQuery = []param{
	{"from", "first day, YYYY-MM-DD in the workspace's time zone (default: 29 days before to)", false},
	{"to", "last day, included, YYYY-MM-DD in the workspace's time zone (default: today); at most 366 days in all", false},
	{"interval", "series points: day (default) or hour (at most 31 days)", false},
	{"team_id", "only conversations of this team (their team at the time)", true},
	{"user_id", "only conversations whose assignee is (or was last) this user; responses: this user's", true},
	{"channel_id", "only conversations on this channel", true},
	{"opened_source", "only conversations opened by this source: contact, user, workflow, api", false},
	{"closed_source", "only conversations closed by this source: user, workflow, api, auto_close, ai_agent", false},
	{"category", "only conversations closed with this category", false},
	{"workflow_id", "workflows report: only this workflow", true},
	{"hours", "all (default) or business: first response, response and resolution times counted in business hours only", false},
	{"compare", "previous: add the figures of the same-length period just before (previous, previous_range)", false},
	{"format", "json (default) or csv: the rows behind the report, as /api/v1/reports/{report}/export streams them", false},
	{"rows", "with csv: facts (default), one row per conversation, response, day… behind the report; or charts, one row per figure " +
		"of its charts and tables (period, chart, key, value)", false},
}

func reportOp(id, summary, desc string, resp any) opDoc {
	return opDoc{id: id, tag: tagReports, summary: summary, desc: desc + " Owners and managers only (403 for agents). See docs/reports.md.",
		query: reportQuery, status: 200, resp: resp, errors: []int{403}}
}

func init() {
	for k, v := range map[string]opDoc{
		"GET /api/v1/reports/conversations": reportOp("reportConversations", "Conversations opened and closed: series, heatmap, breakdowns",
			"Opened counts conversations opened in the range, closed those closed in it; series by day or hour, the weekday × hour heatmap of openings, "+
				"by channel, opened source, category and closed source.", report.Result[report.Conversations]{}),
		"GET /api/v1/reports/responses": reportOp("reportResponses", "First response, assignment → first response, response times, responses per conversation",
			"Durations in milliseconds with count, sum, average, median, p90 and the buckets <30s, 30s–2m, 2–5m, 5–10m, 10–30m, 30m–1h, >1h. "+
				"Only people's messages count as responses (not workflows, the API or bots).", report.Result[report.Responses]{}),
		"GET /api/v1/reports/resolutions": reportOp("reportResolutions", "Resolution times of the conversations closed in the range",
			"With the breakdowns by category and closed source, reopens and messages per conversation.", report.Result[report.Resolutions]{}),
		"GET /api/v1/reports/assignments": reportOp("reportAssignments", "Time to assignment, queue wait, reassignments, by strategy, user and team",
			"Over the conversations first assigned in the range.", report.Result[report.Assignments]{}),
		"GET /api/v1/reports/users": reportOp("reportUsers", "The users table: per user, assigned, closed, first responses, responses, messages",
			"One row per user with figures in the range (id 0: none).", report.Result[report.Table]{}),
		"GET /api/v1/reports/teams": reportOp("reportTeams", "The teams table: the users table's figures per team",
			"One row per team with figures in the range (id 0: conversations without a team).", report.Result[report.Table]{}),
		"GET /api/v1/reports/leaderboard": reportOp("reportLeaderboard", "The first 10 users by conversations closed, then first responses, then the faster first response",
			"", report.Result[report.Leaderboard]{}),
		"GET /api/v1/reports/messages": reportOp("reportMessages", "Messages received and sent per day, by sender and channel",
			"Filters: team, user (messages they sent), channel.", report.Result[report.Messages]{}),
		"GET /api/v1/reports/contacts": reportOp("reportContacts", "New contacts per day and lifecycle changes by stage",
			"The conversation filters do not apply.", report.Result[report.Contacts]{}),
		"GET /api/v1/reports/workflows": reportOp("reportWorkflows", "Workflow runs started, finished, failed, and each step's reach and drop-off",
			"Runs tied to a conversation, started in the range.", report.Result[report.Workflows]{}),
		"GET /api/v1/reports/satisfaction": reportOp("reportSatisfaction", "Satisfaction surveys sent, answered, the average rating and the CSAT score, by assignee, with the newest comments",
			"The surveys of the conversations closed in the range (a survey is sent when a person or an AI agent closes a conversation the contact wrote in, "+
				"if the workspace turned satisfaction_survey on). score_pct is the share of ratings of 4 or 5; by_user keys the assignee at the close.",
			report.Result[report.Satisfaction]{}),
		"GET /api/v1/reports/satisfaction/responses": {id: "reportSatisfactionResponses", tag: tagReports,
			summary: "The Satisfaction report's responses, newest answer first: each contact's rating and comment",
			desc: "The report's conversations (its filters; compare and interval do not apply), narrowed by rating and to those with a comment. " +
				"Owners and managers only (403 for agents). See docs/reports.md.",
			query: append(append(append(slices.Clip(reportQuery[:2]), reportQuery[3:9]...),
				param{"rating", "only these ratings, from 1 to 5, separated by commas (rating=1,2)", false},
				param{"with_comment", "true: only the responses with a comment", false}), paged...),
			status: 200, resp: page[report.SatisfactionResponse]{}, errors: []int{400, 403}},
		"GET /api/v1/reports/now": {id: "reportNow", tag: tagReports, summary: "Right now: open conversations, queues and the longest wait, agents online, busy and offline with their load",
			desc:   "Live, not from the projection: refresh it on conversation.*, conversation.queued and user.presence.updated events. Owners and managers only (403 for agents).",
			status: 200, resp: report.Now{}, errors: []int{403}},
		"GET /api/v1/reports/{report}/export": {id: "exportReport", tag: tagReports, summary: "The rows behind a report's charts as CSV, streamed",
			desc: "report is one of conversations, responses, resolutions, assignments, users, teams, leaderboard, messages, contacts, workflows, satisfaction " +
				"(404 otherwise); the report's filters. Columns per report in docs/reports.md. Owners and managers only (403 for agents).",
			query: append(slices.Clip(reportQuery[:12]), reportQuery[13]), status: 200, media: "text/csv", errors: []int{403, 404}},
		"GET /api/v1/reports/settings": {id: "getReportSettings", tag: tagReports, summary: "The reopen window and the business-hours holidays",
			status: 200, resp: report.Settings{}, errors: []int{403}},
		"PUT /api/v1/reports/settings": {id: "updateReportSettings", tag: tagReports, summary: "Set the reopen window and the holidays",
			desc: "reopen_window_minutes 0–129600; holidays YYYY-MM-DD (at most 366); a field left out keeps its value. They apply to events projected from then on; " +
				"`switchboard reports rebuild` applies them to the whole history.",
			body: report.Settings{}, status: 200, resp: report.Settings{}, errors: []int{403}},
	} {
		operations[k] = v
	}
}
