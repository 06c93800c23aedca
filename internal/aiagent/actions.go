package aiagent

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/routing"
)

// applier applies a turn's actions inside its transaction.
type applier struct {
	s   *Service
	tx  *db.Tx
	ctx context.Context
	t   turn
	res *Result

	replied, asked, acted bool
	closed, handed        bool
	closedOrGone          bool // closed or assigned away: later actions are refused
}

// standardFields are the contact fields save_field and ask_field may name
// besides custom fields.
var standardFields = map[string]bool{"first_name": true, "last_name": true, "email": true, "phone": true, "language": true, "country": true}

// do checks and applies action i. A check that fails marks it refused and
// returns nil; an error of the domain (apperr) makes apply run again
// without it; any other error aborts the turn.
func (x *applier) do(i int) error {
	act := &x.res.Actions[i]
	if act.Status == StatusRefused {
		return nil
	}
	refuse := func(format string, args ...any) error {
		act.Status, act.Reason = StatusRefused, fmt.Sprintf(format, args...)
		return nil
	}
	need, known := toolAction[act.Name]
	if !known {
		return refuse("%q is not an action", act.Name)
	}
	if need != "" && !x.t.agent.Allows(need) {
		return refuse("the AI agent is not allowed to %s", need)
	}
	if x.closedOrGone {
		return refuse("the conversation is no longer the AI agent's")
	}
	str := func(k string) string {
		v, _ := act.Args[k].(string)
		return strings.TrimSpace(v)
	}
	id := func(k string) int64 {
		v, _ := act.Args[k].(float64)
		if v == float64(int64(v)) {
			return int64(v)
		}
		return 0
	}
	ctx, tx, ws, t := x.ctx, x.tx, x.t.workspaceID, x.t
	switch act.Name {
	case "reply":
		if str("text") == "" {
			return refuse("the reply is empty")
		}
		if err := x.send(str("text")); err != nil {
			return err
		}
		x.replied = true
	case "ask_field":
		field := str("field")
		if ok, err := x.fieldExists(field); err != nil || !ok {
			if err != nil {
				return err
			}
			return refuse("%q is not a contact field", field)
		}
		if str("question") == "" {
			return refuse("the question is empty")
		}
		if err := x.send(str("question")); err != nil {
			return err
		}
		x.res.AskedField, x.asked = field, true
	case "save_field":
		field, value := str("field"), str("value")
		if ok, err := x.fieldExists(field); err != nil || !ok {
			if err != nil {
				return err
			}
			return refuse("%q is not a contact field", field)
		}
		in := contact.Input{}
		switch field {
		case "first_name":
			in.FirstName = &value
		case "last_name":
			in.LastName = &value
		case "email":
			in.Email = &value
		case "phone":
			in.Phone = &value
		case "language":
			in.Language = &value
		case "country":
			in.Country = &value
		default:
			in.Fields = map[string]any{field: value}
		}
		if err := contact.UpdateTx(ctx, tx, ws, t.conv.ContactID, in); err != nil {
			return err
		}
		x.acted = true
	case "add_tag", "remove_tag":
		tag := str("tag")
		if tag == "" {
			return refuse("the tag is empty")
		}
		if _, err := contact.SetTagTx(ctx, tx, ws, t.conv.ContactID, tag, act.Name == "add_tag"); err != nil {
			return err
		}
		x.acted = true
	case "set_lifecycle":
		stage := str("stage")
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM lifecycle_stages WHERE workspace_id = ? AND name = ?`, ws, stage).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return refuse("%q is not a lifecycle stage", stage)
		}
		if err := contact.UpdateTx(ctx, tx, ws, t.conv.ContactID, contact.Input{LifecycleStage: &stage}); err != nil {
			return err
		}
		x.acted = true
	case "assign":
		team, user := id("team_id"), id("user_id")
		if team == 0 && user == 0 {
			return refuse("a team_id or a user_id is required")
		}
		if user != 0 {
			var kind string
			var deactivated int64
			err := tx.QueryRow(ctx, `SELECT kind, deactivated_at FROM users WHERE workspace_id = ? AND id = ?`, ws, user).Scan(&kind, &deactivated)
			if err != nil || deactivated != 0 || kind != "human" {
				return refuse("user %d is not an active person of this workspace", user)
			}
		}
		if team != 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM teams WHERE workspace_id = ? AND id = ?`, ws, team).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return refuse("team %d is not a team of this workspace", team)
			}
		}
		h := &Handover{Rule: RuleModel, Reason: "the AI agent assigned the conversation", Summary: truncate(str("summary"), 2000), TeamID: team, UserID: user}
		if err := x.transfer(h); err != nil {
			return err
		}
		x.res.Handover = h
		x.handed, x.closedOrGone = true, true
	case "close":
		summary := truncate(str("summary"), conversation.MaxSummaryLen)
		if _, err := conversation.CloseTx(ctx, tx, ws, t.conversationID, conversation.CloseInput{
			Source: conversation.SourceAIAgent, UserID: t.agentID, Category: str("category"), Summary: summary}); err != nil {
			return err
		}
		x.closed, x.closedOrGone = true, true
	}
	act.Status = StatusDone
	return nil
}

// send sends text to the contact as the AI agent member, marked as
// written by an AI agent (messages.ai = 'agent'): the timeline shows it
// and the reports never count it as a person's response.
func (x *applier) send(text string) error {
	_, err := conversation.SendTx(x.ctx, x.tx, x.t.workspaceID, x.t.conversationID, conversation.SendInput{
		Text: text, Sender: conversation.SourceUser, UserID: x.t.agentID, Windows: x.s.opts.Windows, AI: conversation.AIAgent})
	return err
}

func (x *applier) fieldExists(field string) (bool, error) {
	if standardFields[field] {
		return true, nil
	}
	var n int
	err := x.tx.QueryRow(x.ctx, `SELECT COUNT(*) FROM custom_fields WHERE workspace_id = ? AND key = ?`, x.t.workspaceID, field).Scan(&n)
	return n > 0, err
}

// handOver gives the conversation to h's person or team (the agent's
// hand-over settings, which apply sets; none: it is left unassigned)
// with a summary comment.
func (x *applier) handOver(h *Handover) error {
	if err := x.transfer(h); err != nil {
		return err
	}
	x.handed, x.closedOrGone = true, true
	return nil
}

// transfer unassigns the agent, leaves the comment a person reads first,
// and asks routing for the team's queue or the person.
func (x *applier) transfer(h *Handover) error {
	ctx, tx, ws, t := x.ctx, x.tx, x.t.workspaceID, x.t
	if h.Summary == "" {
		h.Summary = summarize(t, *x.res)
	}
	if _, err := conversation.UnassignTx(ctx, tx, ws, t.conversationID, conversation.UnassignInput{
		Source: conversation.SourceAIAgent, Reason: "handed over by " + t.agent.Name + ": " + h.Reason}); err != nil {
		return err
	}
	text := fmt.Sprintf("Handed over by %s (AI agent): %s.\n\nSummary: %s", t.agent.Name, h.Reason, h.Summary)
	if _, err := conversation.AddCommentTx(ctx, tx, ws, t.conversationID, conversation.CommentInput{
		Text: truncate(text, conversation.MaxCommentLen), UserID: t.agentID}); err != nil {
		return err
	}
	var req routing.Request
	switch {
	case h.UserID != 0:
		req = routing.Request{Target: routing.TargetUser, UserID: h.UserID, TeamID: h.TeamID, Queue: true}
	case h.TeamID != 0:
		req = routing.Request{Target: routing.TargetTeam, TeamID: h.TeamID}
	default:
		return nil // unassigned: the Unassigned view shows it
	}
	req.WorkspaceID, req.ConversationID, req.Source, req.ByUserID = ws, t.conversationID, conversation.SourceAIAgent, t.agentID
	r, err := x.s.opts.Router.AssignTx(ctx, tx, req)
	if apperr.KindOf(err) != "" {
		// The person or team cannot take it (deactivated since): the
		// conversation stays unassigned, where people see it.
		h.Reason += "; routing refused: " + err.Error()
		return nil
	}
	if err != nil {
		return err
	}
	h.Queued = r.Queued
	return nil
}

// did reports whether any action was done.
func (x *applier) did() bool { return x.replied || x.asked || x.acted || x.closed || x.handed }

// outcome names what the turn came to.
func (x *applier) outcome() string {
	switch {
	case x.closed:
		return OutcomeClosed
	case x.handed:
		return OutcomeHandedOver
	case x.res.Outcome == OutcomeClarified && x.replied:
		return OutcomeClarified
	case x.asked:
		return OutcomeAsked
	case x.replied:
		return OutcomeAnswered
	case x.acted:
		return OutcomeActed
	}
	return OutcomeActed
}

// summarize is the summary a person reads when no model wrote one: what
// the contact asked and what the agent did, in the agent's own words.
func summarize(t turn, res Result) string {
	var asked []string
	for _, h := range t.history {
		if h.in && h.text != "" {
			asked = append(asked, "“"+truncate(h.text, 200)+"”")
		}
	}
	if len(asked) > 3 {
		asked = asked[len(asked)-3:]
	}
	var b strings.Builder
	b.WriteString("The contact wrote " + strings.Join(asked, ", then ") + ".")
	answered := 0
	var titles []string
	for _, p := range t.previous {
		if p.Outcome == OutcomeAnswered || p.Outcome == OutcomeClarified {
			answered++
			if len(p.Passages) > 0 {
				titles = append(titles, "“"+p.Passages[0].Title+"”")
			}
		}
	}
	if answered > 0 {
		times := fmt.Sprintf("%d times", answered)
		if answered == 1 {
			times = "once"
		}
		b.WriteString(" The AI agent answered " + times)
		if len(titles) > 0 {
			b.WriteString(" from " + strings.Join(titles, ", "))
		}
		b.WriteString(".")
	} else {
		b.WriteString(" The AI agent had not answered yet.")
	}
	return b.String()
}
