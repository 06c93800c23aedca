package satisfaction_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/report"
	"github.com/switchboard-chat/switchboard/internal/satisfaction"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// world is a node's survey sender and report projection on a fake clock,
// and workspace Acme with the survey on, two agents and a custom channel.
type world struct {
	d        *db.DB
	clk      *clock.Fake
	g        *background.Group
	ws       workspace.Workspace
	convs    *conversation.Service
	sat      *satisfaction.Service
	reports  *report.Service
	ch       int64
	ana, bob access.Principal // agents
	owner    access.Principal
}

const surveyWords = "Rate us: {{link}} Thanks!"

var linkRE = regexp.MustCompile(`^Rate us: https://sb\.acme\.test/rate/([A-Za-z0-9_-]{32}) Thanks!$`)

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{d: d, clk: clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), convs: conversation.New(d)}
	d.SetClock(w.clk)
	hub := event.NewHub()
	d.OnEvents(hub.Notify)
	w.g = background.NewGroup(w.clk)
	w.sat = satisfaction.New(d, satisfaction.Options{PublicURL: "https://sb.acme.test/"})
	w.reports = report.New(d, report.Options{})
	backgroundtest.Run(t, w.g, w.sat.NewConsumer(hub, w.g).Run, w.reports.NewConsumer(hub, w.g).Run)
	// The sender's first pass places its cursor at the log's end.
	backgroundtest.WaitIdle(t, w.g)

	wss := workspace.New(d)
	var err error
	if w.ws, err = wss.Create(ctx, "Acme", "UTC"); err != nil {
		t.Fatal(err)
	}
	on, words := true, surveyWords
	if w.ws, err = wss.Update(ctx, w.ws.ID, workspace.Settings{SatisfactionSurvey: &workspace.SurveyInput{Enabled: &on, Message: &words}}); err != nil {
		t.Fatal(err)
	}
	user := func(email, role string) access.Principal {
		u, err := wss.CreateUser(ctx, w.ws.ID, workspace.NewUser{Email: email, Name: email, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		return access.Principal{WorkspaceID: w.ws.ID, UserID: u.ID, Role: role, Can: access.Defaults(role)}
	}
	w.ana, w.bob = user("ana@acme.test", access.RoleAgent), user("bob@acme.test", access.RoleAgent)
	w.owner = user("olga@acme.test", access.RoleOwner)
	if err := d.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at)
			VALUES (?, 'custom', 'site', 'token', '{}', ?) RETURNING id`, w.ws.ID, tx.Now()).Scan(&w.ch)
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

// writeIn receives a message from the contact of that phone and returns
// its conversation.
func (w *world) writeIn(t *testing.T, from, mID string) int64 {
	t.Helper()
	r, err := w.convs.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: w.ws.ID,
		ChannelID: w.ch, ExternalID: from, ProviderMessageID: mID, Type: "text", Text: "hi"}})
	if err != nil {
		t.Fatal(err)
	}
	return r[0].ConversationID
}

// assign gives the conversation to the agent.
func (w *world) assign(t *testing.T, conv int64, to access.Principal) {
	t.Helper()
	ctx := context.Background()
	if err := w.d.Write(ctx, func(tx *db.Tx) error {
		_, err := conversation.AssignTx(ctx, tx, w.ws.ID, conv, conversation.AssignInput{UserID: to.UserID, ByUser: to.UserID, Source: conversation.SourceUser})
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// closeBy closes the conversation with that source (by Ana for a user's)
// and waits for the sender to have read the close.
func (w *world) closeBy(t *testing.T, conv int64, source string) {
	t.Helper()
	ctx := context.Background()
	if err := w.d.Write(ctx, func(tx *db.Tx) error {
		_, err := conversation.CloseTx(ctx, tx, w.ws.ID, conv, conversation.CloseInput{Source: source, UserID: w.ana.UserID})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	backgroundtest.WaitIdle(t, w.g)
}

// sent is a survey as stored: its message and token.
type sent struct {
	messageID      int64
	text, token    string
	sender, status string
	jobs           int
}

// surveysOf returns the surveys sent for the conversation (at most one).
func (w *world) surveysOf(t *testing.T, conv int64) []sent {
	t.Helper()
	rows, err := w.d.Reader().Query(context.Background(), `SELECT v.message_id, m.text, v.token, m.sender, m.status,
		(SELECT COUNT(*) FROM outbound_jobs j WHERE j.message_id = m.id)
		FROM satisfaction_surveys v JOIN messages m ON m.id = v.message_id WHERE v.conversation_id = ?`, conv)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []sent
	for rows.Next() {
		var s sent
		if err := rows.Scan(&s.messageID, &s.text, &s.token, &s.sender, &s.status, &s.jobs); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// outgoing counts the conversation's outbound messages.
func (w *world) outgoing(t *testing.T, conv int64) int {
	t.Helper()
	var n int
	if err := w.d.Reader().QueryRow(context.Background(), `SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND direction = 'out'`, conv).
		Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// survey sends the survey of a conversation the contact of that phone
// opens and Ana closes, and returns its token.
func (w *world) survey(t *testing.T, from string) (conv int64, token string) {
	t.Helper()
	conv = w.writeIn(t, from, "m-"+from)
	w.closeBy(t, conv, conversation.SourceUser)
	s := w.surveysOf(t, conv)
	if len(s) != 1 {
		t.Fatalf("conversation %d: %d surveys, want 1", conv, len(s))
	}
	return conv, s[0].token
}

// answered closes a conversation of the contact of that phone, assigned to
// agent, and rates it a minute later (rating 0: the contact does not
// answer); it returns the conversation.
func (w *world) answered(t *testing.T, from string, agent access.Principal, rating int, comment string) int64 {
	t.Helper()
	conv := w.writeIn(t, from, "r-"+from)
	w.assign(t, conv, agent)
	w.closeBy(t, conv, conversation.SourceUser)
	s := w.surveysOf(t, conv)
	if len(s) != 1 {
		t.Fatalf("conversation %d: %d surveys, want 1", conv, len(s))
	}
	if rating > 0 {
		w.clk.Advance(time.Minute)
		if _, err := w.sat.Rate(context.Background(), s[0].token, rating, comment); err != nil {
			t.Fatal(err)
		}
	}
	return conv
}
