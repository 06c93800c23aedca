package report

import (
	"context"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// messageWhere is the condition on report_message_days m for the range
// (by the message's local day) and the filter's team, user and channel.
// Messages are counted per day, so an hourly interval still counts days.
func messageWhere(ws int64, f Filter) (string, []any) {
	w := "m.workspace_id = ? AND m.day >= ? AND m.day < ?"
	args := []any{ws, f.from / dayMs, f.to / dayMs}
	if f.TeamID != 0 {
		w += " AND m.team_id = ?"
		args = append(args, f.TeamID)
	}
	if f.UserID != 0 {
		w += " AND m.user_id = ?"
		args = append(args, f.UserID)
	}
	if f.ChannelID != 0 {
		w += " AND m.channel_id = ?"
		args = append(args, f.ChannelID)
	}
	return w, args
}

// MessagesDay is one day of the Messages report.
type MessagesDay struct {
	T        string `json:"t"`        // YYYY-MM-DD
	In       int64  `json:"in"`       // from contacts
	User     int64  `json:"user"`     // sent by people
	Workflow int64  `json:"workflow"` // sent by workflows
	API      int64  `json:"api"`      // sent through the API
	Other    int64  `json:"other"`    // other outbound (echoes of replies made in the provider's own app)
}

// Messages is the Messages report: messages of conversations, by the day
// they were received or sent.
type Messages struct {
	In        int64         `json:"in"`
	Out       int64         `json:"out"`
	BySender  []Count       `json:"by_sender"`  // outbound, by sender
	ByChannel []Count       `json:"by_channel"` // in + out, by channel id
	Series    []MessagesDay `json:"series"`
}

// Messages answers the Messages report.
func (s *Service) Messages(ctx context.Context, workspaceID int64, f Filter) (Result[Messages], error) {
	return compute(ctx, s, workspaceID, f, messagesReport)
}

func messagesReport(ctx context.Context, q db.Querier, ws int64, f Filter) (Messages, error) {
	r := Messages{BySender: []Count{}, ByChannel: []Count{}}
	w, args := messageWhere(ws, f)
	rows, err := q.Query(ctx, `SELECT m.day, m.channel_id, m.direction, m.sender, SUM(m.messages) FROM report_message_days m WHERE `+w+`
		GROUP BY m.day, m.channel_id, m.direction, m.sender`, args...)
	if err != nil {
		return r, fmt.Errorf("report: messages: %w", err)
	}
	defer rows.Close()
	days := map[int64]*MessagesDay{}
	senders, channels := map[string]int64{}, map[string]int64{}
	for rows.Next() {
		var day, channel, n int64
		var dir, sender string
		if err := rows.Scan(&day, &channel, &dir, &sender, &n); err != nil {
			return r, err
		}
		d := days[day]
		if d == nil {
			d = &MessagesDay{}
			days[day] = d
		}
		channels[keyString(channel)] += n
		if dir == "in" {
			r.In += n
			d.In += n
			continue
		}
		r.Out += n
		senders[sender] += n
		switch sender {
		case "user":
			d.User += n
		case "workflow":
			d.Workflow += n
		case "api":
			d.API += n
		default:
			d.Other += n
		}
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	for day := f.from / dayMs; day < f.to/dayMs; day++ {
		d := MessagesDay{}
		if days[day] != nil {
			d = *days[day]
		}
		d.T = dayString(day)
		r.Series = append(r.Series, d)
	}
	r.BySender, r.ByChannel = sorted(senders), sorted(channels)
	return r, nil
}

// ContactsDay is one day of the Contacts report.
type ContactsDay struct {
	T   string `json:"t"`
	New int64  `json:"new"`
}

// Contacts is the Contacts report: contacts created in the range, and
// contacts moved to each lifecycle stage in it.
type Contacts struct {
	New     int64         `json:"new"`
	Series  []ContactsDay `json:"series"`
	ByStage []Count       `json:"by_stage"` // lifecycle changes in the range, by the stage moved to ("" cleared)
}

// Contacts answers the Contacts report (the conversation filters do not
// apply to it).
func (s *Service) Contacts(ctx context.Context, workspaceID int64, f Filter) (Result[Contacts], error) {
	return compute(ctx, s, workspaceID, f, contactsReport)
}

func contactsReport(ctx context.Context, q db.Querier, ws int64, f Filter) (Contacts, error) {
	r := Contacts{}
	from := "report_contacts c WHERE c.workspace_id = ? AND c.is_test = 0 AND c.created_local >= ? AND c.created_local < ?"
	args := []any{ws, f.from, f.to}
	var err error
	if r.New, err = count(ctx, q, from, args); err != nil {
		return r, err
	}
	day := f
	day.Interval = "day"
	s, err := series(ctx, q, day, "c.created_local", from, args)
	if err != nil {
		return r, err
	}
	for _, t := range day.points() {
		r.Series = append(r.Series, ContactsDay{T: label(t, "day"), New: s[t]})
	}
	r.ByStage, err = groupCount(ctx, q, "l.stage", `report_lifecycle l WHERE l.workspace_id = ? AND l.at_local >= ? AND l.at_local < ?
		AND l.contact_id NOT IN (SELECT contact_id FROM report_contacts WHERE workspace_id = ? AND is_test = 1)`, []any{ws, f.from, f.to, ws})
	return r, err
}

// WorkflowRow is one workflow of the Workflows report.
type WorkflowRow struct {
	WorkflowID int64 `json:"workflow_id"`
	// Started: runs started in the range; of those, how many have
	// finished, failed, been stopped, or still run.
	Started  int64 `json:"started"`
	Finished int64 `json:"finished"`
	Failed   int64 `json:"failed"`
	Stopped  int64 `json:"stopped"`
	Running  int64 `json:"running"`
	// Steps: per step, the runs (started in the range) that reached it
	// and those that ended there failed or stopped (drop-off).
	Steps []StepRow `json:"steps"`
}

// StepRow is one step's funnel figures.
type StepRow struct {
	Step    string `json:"step"`
	Reached int64  `json:"reached"`
	DropOff int64  `json:"drop_off"`
}

// Workflows is the Workflows report: runs tied to a conversation (those
// the log records), by workflow.
type Workflows struct {
	Started   int64         `json:"started"`
	Finished  int64         `json:"finished"`
	Failed    int64         `json:"failed"`
	Workflows []WorkflowRow `json:"workflows"`
}

// Workflows answers the Workflows report (filter: workflow).
func (s *Service) Workflows(ctx context.Context, workspaceID int64, f Filter) (Result[Workflows], error) {
	return compute(ctx, s, workspaceID, f, workflowsReport)
}

func workflowsReport(ctx context.Context, q db.Querier, ws int64, f Filter) (Workflows, error) {
	r := Workflows{Workflows: []WorkflowRow{}}
	w := "w.workspace_id = ? AND w.started_local >= ? AND w.started_local < ?"
	args := []any{ws, f.from, f.to}
	if f.WorkflowID != 0 {
		w += " AND w.workflow_id = ?"
		args = append(args, f.WorkflowID)
	}
	rows, err := q.Query(ctx, `SELECT w.workflow_id, w.status, COUNT(*) FROM report_workflow_runs w WHERE `+w+`
		GROUP BY w.workflow_id, w.status ORDER BY w.workflow_id`, args...)
	if err != nil {
		return r, fmt.Errorf("report: workflows: %w", err)
	}
	byID := map[int64]*WorkflowRow{}
	var order []int64
	for rows.Next() {
		var id, n int64
		var status string
		if err := rows.Scan(&id, &status, &n); err != nil {
			rows.Close()
			return r, err
		}
		row := byID[id]
		if row == nil {
			row = &WorkflowRow{WorkflowID: id, Steps: []StepRow{}}
			byID[id] = row
			order = append(order, id)
		}
		row.Started += n
		r.Started += n
		switch status {
		case "finished":
			row.Finished += n
			r.Finished += n
		case "failed":
			row.Failed += n
			r.Failed += n
		case "stopped":
			row.Stopped += n
		default:
			row.Running += n
		}
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT w.workflow_id, s.step, COUNT(*),
		COALESCE(SUM(CASE WHEN w.status IN ('failed', 'stopped') AND w.last_step = s.step THEN 1 ELSE 0 END), 0)
		FROM report_workflow_steps s JOIN report_workflow_runs w ON w.run_id = s.run_id WHERE `+w+`
		GROUP BY w.workflow_id, s.step ORDER BY w.workflow_id, COUNT(*) DESC, s.step`, args...)
	if err != nil {
		return r, fmt.Errorf("report: workflow steps: %w", err)
	}
	for rows.Next() {
		var id int64
		var st StepRow
		if err := rows.Scan(&id, &st.Step, &st.Reached, &st.DropOff); err != nil {
			rows.Close()
			return r, err
		}
		if byID[id] != nil {
			byID[id].Steps = append(byID[id].Steps, st)
		}
	}
	rows.Close()
	for _, id := range order {
		r.Workflows = append(r.Workflows, *byID[id])
	}
	return r, nil
}

func sorted(m map[string]int64) []Count {
	out := []Count{}
	for k, n := range m {
		out = append(out, Count{Key: k, Count: n})
	}
	slicesSortCounts(out)
	return out
}
