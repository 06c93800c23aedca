package testchat

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/routing"
	"github.com/switchboard-chat/switchboard/internal/workflow"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// routingAssigner is the node's adapter (internal/app) from the engine's
// Assign To step to routing.
type routingAssigner struct{ svc *routing.Service }

func (a routingAssigner) AssignTx(ctx context.Context, tx *db.Tx, req workflow.AssignRequest) (workflow.AssignResult, error) {
	res, err := a.svc.AssignTx(ctx, tx, routing.Request{WorkspaceID: req.WorkspaceID, ConversationID: req.ConversationID,
		Target: req.Target, UserID: req.UserID, TeamID: req.TeamID, Strategy: req.Strategy, OnlyOnline: req.OnlyOnline,
		MaxOpen: req.MaxOpen, Force: req.Force, Queue: req.Queue, NoQueue: !req.Queue, Priority: req.Priority,
		Source: req.Source, ByUserID: req.ByUserID})
	if err != nil {
		return workflow.AssignResult{}, err
	}
	return workflow.AssignResult{Assigned: res.Assigned, UserID: res.UserID, Queued: res.Queued, Position: res.Position,
		Reason: res.Reason.Summary}, nil
}

func (a routingAssigner) LeaveQueueTx(ctx context.Context, tx *db.Tx, workspaceID, conversationID int64) error {
	return routing.DequeueTx(ctx, tx, workspaceID, conversationID)
}

// fixture is a workspace with the seed's teams (one online agent each), a
// manager who tests, a real customer channel and the engine running.
type fixture struct {
	t       *testing.T
	d       *db.DB
	ws      *workspace.Service
	wsp     workspace.Workspace
	conv    *conversation.Service
	flows   *workflow.Service
	svc     *Service
	group   *background.Group
	manager access.Principal
	agents  map[string]workspace.User
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, d: d, agents: map[string]workspace.User{}}
	d.SetClock(clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)))
	f.ws = workspace.New(d)
	var err error
	if f.wsp, err = f.ws.Create(ctx, "Acme", "UTC"); err != nil {
		t.Fatal(err)
	}
	hub := event.NewHub()
	d.OnEvents(hub.Notify)
	f.group = background.NewGroup(d.Clock())
	rt := routing.New(d, routing.Options{Hub: hub}) // Assign is synchronous; its drainer is not needed
	ana, err := f.ws.CreateUser(ctx, f.wsp.ID, workspace.NewUser{Email: "ana@acme.test", Name: "Ana", Role: workspace.RoleManager})
	if err != nil {
		t.Fatal(err)
	}
	f.manager = access.Principal{WorkspaceID: f.wsp.ID, UserID: ana.ID, Role: workspace.RoleManager, Can: access.Defaults(workspace.RoleManager)}
	for _, team := range []string{"Sales", "Support", "Billing"} {
		u, err := f.ws.CreateUser(ctx, f.wsp.ID, workspace.NewUser{Email: strings.ToLower(team) + "@acme.test", Name: team + " agent", Role: workspace.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.ws.CreateTeam(ctx, f.wsp.ID, workspace.TeamInput{Name: team, MemberIDs: []int64{u.ID}}); err != nil {
			t.Fatal(err)
		}
		if _, err := rt.Heartbeat(ctx, f.wsp.ID, u.ID, "laptop"); err != nil {
			t.Fatal(err)
		}
		f.agents[team] = u
	}
	f.conv = conversation.New(d)
	f.flows = workflow.NewService(d)
	eng := workflow.NewEngine(f.flows, hub, routingAssigner{rt}, f.ws, workflow.EngineOptions{Group: f.group})
	f.group.StartAll()
	done := make(chan struct{})
	go func() { eng.Run(context.Background()); close(done) }()
	t.Cleanup(func() { eng.Close(); <-done })
	f.svc = New(d, f.conv, f.flows)
	return f
}

// deploy creates and publishes a workflow from a template, started or
// stopped.
func (f *fixture) deploy(template string, active bool) workflow.Workflow {
	f.t.Helper()
	def, err := workflow.TemplateDefinition(template)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.publish(def, active)
}

// publish creates and publishes a workflow of the definition, started or
// stopped.
func (f *fixture) publish(def workflow.Definition, active bool) workflow.Workflow {
	f.t.Helper()
	ctx := context.Background()
	w, err := f.flows.Create(ctx, f.wsp.ID, def)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.flows.Publish(ctx, f.wsp.ID, w.ID, workflow.Edit{}); err != nil {
		f.t.Fatal(err)
	}
	if w, err = f.flows.SetActive(ctx, f.wsp.ID, w.ID, active); err != nil {
		f.t.Fatal(err)
	}
	return w
}

// session waits until the engines are idle, then returns the session.
func (f *fixture) session(workflowID int64) Session {
	f.t.Helper()
	backgroundtest.WaitIdle(f.t, f.group)
	s, err := f.svc.Get(context.Background(), f.manager, workflowID)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	return dbtest.Count(f.t, f.d, q, args...)
}

// TestChatRunsTheWorkflowUnderTest plays the seed's inbound flow in the
// test panel with the workflow stopped: the first message opens a test
// conversation, the welcome and the question come with the options as
// quick replies, clicking one branches and assigns the team's online agent
// for real; another started workflow never starts for the test contact;
// restart frees the agent and the next message starts over.
func TestChatRunsTheWorkflowUnderTest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		w := f.deploy("inbound_conversation", false)
		other := f.deploy("inbound_conversation", true) // started: would start for any real contact

		s, err := f.svc.Start(ctx, f.manager, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !s.Started || s.ContactName != "Test contact (Ana)" || s.Mode != ModeChat || s.PublishedVersion != 1 || s.Conversation != nil {
			t.Fatalf("started session %+v", s)
		}
		again, err := f.svc.Start(ctx, f.manager, w.ID)
		if err != nil || again.ContactID != s.ContactID {
			t.Fatalf("a second start made contact %d (was %d): %v", again.ContactID, s.ContactID, err)
		}

		if _, err := f.svc.Send(ctx, f.manager, w.ID, MessageInput{Text: "Hello", ClientID: "c1"}); err != nil {
			t.Fatal(err)
		}
		s = f.session(w.ID)
		if s.Conversation == nil || s.Run == nil || s.Run.Status != workflow.StatusWaitingReply || s.Run.Step != "ask_need" || s.Run.Version != 1 {
			t.Fatalf("after the first message: %+v run %+v", s.Conversation, s.Run)
		}
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ?`, other.ID); n != 0 {
			t.Fatalf("the other started workflow ran %d times for the test contact", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM conversations WHERE id = ? AND is_test = 1 AND opened_source = 'contact'`, s.Conversation.ID); n != 1 {
			t.Fatal("the test conversation is not flagged, or was not opened by the contact")
		}
		last := s.Messages[len(s.Messages)-1]
		if len(s.Messages) != 3 || last.Type != "quick_reply" || !strings.Contains(string(last.Content), `"replies":["Sales","Support","Billing"]`) {
			t.Fatalf("messages %d, last %s %s", len(s.Messages), last.Type, last.Content)
		}
		// A resend of the same message is stored once.
		if _, err := f.svc.Send(ctx, f.manager, w.ID, MessageInput{Text: "Hello", ClientID: "c1"}); err != nil {
			t.Fatal(err)
		}
		if n := len(f.session(w.ID).Messages); n != 3 {
			t.Fatalf("%d messages after a resend, want 3", n)
		}

		if _, err := f.svc.Send(ctx, f.manager, w.ID, MessageInput{Text: "Billing", ClientID: "c2"}); err != nil {
			t.Fatal(err)
		}
		s = f.session(w.ID)
		billing := f.agents["Billing"]
		if s.Run.Status != workflow.StatusFinished || s.Conversation.AssigneeID != billing.ID || s.Conversation.AssigneeName != "Billing agent" ||
			s.Conversation.TeamName != "Billing" {
			t.Fatalf("after answering: run %+v conversation %+v", s.Run, s.Conversation)
		}
		run, err := f.flows.GetRun(ctx, f.wsp.ID, w.ID, s.Run.ID)
		if err != nil || !run.Test {
			t.Fatalf("run %+v is not marked test: %v", run, err)
		}

		// Restart: the conversation closes with a summary, the agent is free.
		s, err = f.svc.Reset(ctx, f.manager, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Conversation != nil || len(s.Messages) != 0 {
			t.Fatalf("after reset: %+v, %d messages", s.Conversation, len(s.Messages))
		}
		if n := f.count(`SELECT COUNT(*) FROM conversations WHERE assignee_id = ? AND status = 'open'`, billing.ID); n != 0 {
			t.Fatalf("the agent still has %d open conversations", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM conversations WHERE contact_id = ? AND close_summary = ?`, s.ContactID, ResetSummary); n != 1 {
			t.Fatal("the test conversation was not closed with the reset summary")
		}
		if _, err := f.svc.Send(ctx, f.manager, w.ID, MessageInput{Text: "Hi again"}); err != nil {
			t.Fatal(err)
		}
		s = f.session(w.ID)
		if s.Run == nil || s.Run.Step != "ask_need" || s.Run.Status != workflow.StatusWaitingReply {
			t.Fatalf("after starting over: %+v", s.Run)
		}
		// Restart stops a run that waits.
		waiting := s.Run.ID
		if _, err := f.svc.Reset(ctx, f.manager, w.ID); err != nil {
			t.Fatal(err)
		}
		backgroundtest.WaitIdle(t, f.group)
		if r, _ := f.flows.GetRun(ctx, f.wsp.ID, w.ID, waiting); r.Status != workflow.StatusStopped && r.Status != workflow.StatusFinished {
			t.Fatalf("the waiting run is %s after reset", r.Status)
		}
	})
}

// TestTestContactsLeftOut checks that lists, counts and stats leave the
// test contact, its conversation and its run out unless asked.
func TestTestContactsLeftOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		w := f.deploy("inbound_conversation", true)
		if _, err := f.svc.Send(ctx, f.manager, w.ID, MessageInput{Text: "Hello"}); err != nil {
			t.Fatal(err)
		}
		s := f.session(w.ID)
		if s.Run == nil {
			t.Fatal("no test run")
		}
		owner := access.System(f.wsp.ID)

		contacts := contact.New(d)
		for _, tc := range []struct {
			test string
			want int
		}{{"", 0}, {"include", 1}, {"only", 1}} {
			fl, err := contact.ParseListFilter(url.Values{"test": {tc.test}})
			if err != nil {
				t.Fatal(err)
			}
			got, err := contacts.List(ctx, owner, fl, page.All())
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Data) != tc.want {
				t.Errorf("contacts with test=%q: %d, want %d", tc.test, len(got.Data), tc.want)
			}
			if len(got.Data) == 1 && !got.Data[0].Test {
				t.Errorf("the test contact is not marked test: %+v", got.Data[0])
			}
		}
		for _, tc := range []struct {
			filter conversation.ListFilter
			want   int64
		}{
			{conversation.ListFilter{}, 0},
			{conversation.ListFilter{Status: "open"}, 0},
			{conversation.ListFilter{Assignee: "none"}, 0},
			{conversation.ListFilter{Test: conversation.TestInclude}, 1},
			{conversation.ListFilter{Test: conversation.TestOnly, Status: "open"}, 1},
			{conversation.ListFilter{ContactID: s.ContactID}, 1},
		} {
			list, err := f.conv.List(ctx, owner, tc.filter, page.All())
			if err != nil {
				t.Fatal(err)
			}
			n, err := f.conv.Count(ctx, owner, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(list.Data)) != tc.want || n != tc.want {
				t.Errorf("conversations %+v: listed %d, counted %d, want %d", tc.filter, len(list.Data), n, tc.want)
			}
			if len(list.Data) == 1 && !list.Data[0].Test {
				t.Errorf("the test conversation is not marked test")
			}
		}
		counts, err := f.conv.Counts(ctx, owner, "open")
		if err != nil {
			t.Fatal(err)
		}
		if counts.All != 0 || counts.Unassigned != 0 {
			t.Errorf("inbox counts %+v include the test conversation", counts)
		}
		if _, err := conversation.ParseFilter(url.Values{"test": {"yes"}}); apperr.KindOf(err) == "" {
			t.Errorf("test=yes accepted: %v", err)
		}
		if _, err := contact.ParseListFilter(url.Values{"test": {"yes"}}); apperr.KindOf(err) == "" {
			t.Errorf("contacts test=yes accepted: %v", err)
		}

		list, err := f.flows.List(ctx, f.wsp.ID, page.All())
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list.Data {
			if x.Stats == nil || x.Stats.Runs24h != 0 || x.Stats.Waiting != 0 {
				t.Errorf("workflow %d stats %+v count the test run", x.ID, x.Stats)
			}
		}
		stats, err := f.flows.StepStats(ctx, f.wsp.ID, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(stats.Steps) != 0 {
			t.Errorf("step stats count the test run: %+v", stats.Steps)
		}
		runs, err := f.flows.ListRuns(ctx, f.wsp.ID, w.ID, workflow.RunFilter{}, page.All())
		if err != nil || len(runs.Data) != 1 || !runs.Data[0].Test {
			t.Errorf("runs list %+v does not mark the test run: %v", runs.Data, err)
		}
	})
}

// TestBadInput: what the panel refuses, changing nothing.
func TestBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		w := f.deploy("inbound_conversation", false)
		def, _ := workflow.TemplateDefinition("inbound_conversation")
		draft, err := f.flows.Create(ctx, f.wsp.ID, def) // never published
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			do   func() error
			kind apperr.Kind
		}{
			{"empty text", func() error { _, err := f.svc.Send(ctx, f.manager, w.ID, MessageInput{Text: "  "}); return err }, apperr.KindInvalid},
			{"long text", func() error {
				_, err := f.svc.Send(ctx, f.manager, w.ID, MessageInput{Text: strings.Repeat("a", MaxTextLength+1)})
				return err
			}, apperr.KindInvalid},
			{"long client id", func() error {
				_, err := f.svc.Send(ctx, f.manager, w.ID, MessageInput{Text: "hi", ClientID: strings.Repeat("x", 65)})
				return err
			}, apperr.KindInvalid},
			{"unpublished", func() error { _, err := f.svc.Send(ctx, f.manager, draft.ID, MessageInput{Text: "hi"}); return err }, apperr.KindConflict},
			{"run unpublished", func() error { _, err := f.svc.RunNow(ctx, f.manager, draft.ID); return err }, apperr.KindConflict},
			{"unknown workflow", func() error { _, err := f.svc.Start(ctx, f.manager, 999999); return err }, apperr.KindNotFound},
			{"workspace token", func() error { _, err := f.svc.Start(ctx, access.System(f.wsp.ID), w.ID); return err }, apperr.KindForbidden},
		} {
			err := tc.do()
			if apperr.KindOf(err) != tc.kind {
				t.Errorf("%s: %v, want a %s error", tc.name, err, tc.kind)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM contacts`); n != 0 {
			t.Errorf("refused requests made %d contacts", n)
		}
	})
}

// TestRunNow starts a workflow whose trigger is not a conversation's.
func TestRunNow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		def, err := workflow.ParseDefinition([]byte(`{"name": "Hello by hand", "trigger": {"type": "manual"},
			"steps": [{"id": "hello", "type": "send_message", "settings": {"text": "Hello {{contact.first_name}}"}}]}`))
		if err != nil {
			t.Fatal(err)
		}
		w, err := f.flows.Create(ctx, f.wsp.ID, def)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.flows.Publish(ctx, f.wsp.ID, w.ID, workflow.Edit{}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RunNow(ctx, f.manager, w.ID); err != nil {
			t.Fatal(err)
		}
		s := f.session(w.ID)
		if s.Mode != ModeRunNow || s.Run == nil || s.Run.Status != workflow.StatusFinished || len(s.Messages) != 1 || s.Messages[0].Text != "Hello Test contact" {
			t.Fatalf("after run now: mode %s run %+v messages %+v", s.Mode, s.Run, s.Messages)
		}
	})
}

// deployJSON creates, publishes and starts a workflow from its JSON.
func (f *fixture) deployJSON(def string) workflow.Workflow {
	f.t.Helper()
	d, err := workflow.ParseDefinition([]byte(def))
	if err != nil {
		f.t.Fatal(err)
	}
	return f.publish(d, true)
}

// TestDeletedWorkflowsTestContactStartsNothing: the test contact of a
// deleted workflow is still a test contact. Its events (its test
// conversation closing) start no other workflow, as while it tested one:
// its row in workflow_test_contacts went with the workflow, and it was
// then taken for a real contact.
func TestDeletedWorkflowsTestContactStartsNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		w := f.deploy("inbound_conversation", false)
		survey := f.deployJSON(`{"name": "Survey", "trigger": {"type": "conversation_closed"},
			"steps": [{"id": "ask", "type": "send_message", "settings": {"text": "How did we do?"}}]}`)
		if _, err := f.svc.Send(ctx, f.manager, w.ID, MessageInput{Text: "Hello"}); err != nil {
			t.Fatal(err)
		}
		s := f.session(w.ID)
		if s.Conversation == nil {
			t.Fatal("no test conversation")
		}
		if err := f.flows.DeleteChecked(ctx, f.wsp.ID, w.ID, true); err != nil {
			t.Fatal(err)
		}
		if n := f.count(`SELECT COUNT(*) FROM conversations WHERE id = ? AND status = 'open'`, s.Conversation.ID); n == 1 {
			if _, err := f.conv.Close(ctx, access.System(f.wsp.ID), s.Conversation.ID, conversation.CloseInput{Source: "api"}); err != nil {
				t.Fatal(err)
			}
		}
		backgroundtest.WaitIdle(t, f.group)
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ?`, survey.ID); n != 0 {
			t.Errorf("the closing of the deleted workflow's test conversation started %d runs of another workflow", n)
		}
	})
}

// TestDeletingAWorkflowUnderTestFreesTheAgent: deleting a workflow while
// its test conversation is open (assigned, by the test, to a real agent)
// closes that conversation as a restart would. It stayed open and
// assigned for ever: hidden from every list, past any restart (the
// panel's routes 404 once the workflow is gone), holding the agent.
func TestDeletingAWorkflowUnderTestFreesTheAgent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		w := f.deploy("inbound_conversation", false)
		for _, text := range []string{"Hello", "Billing"} {
			if _, err := f.svc.Send(ctx, f.manager, w.ID, MessageInput{Text: text}); err != nil {
				t.Fatal(err)
			}
			backgroundtest.WaitIdle(t, f.group)
		}
		s := f.session(w.ID)
		billing := f.agents["Billing"]
		if s.Conversation == nil || s.Conversation.AssigneeID != billing.ID {
			t.Fatalf("the test conversation %+v is not the Billing agent's", s.Conversation)
		}
		if err := f.flows.DeleteChecked(ctx, f.wsp.ID, w.ID, false); err != nil {
			t.Fatal(err)
		}
		backgroundtest.WaitIdle(t, f.group)
		if n := f.count(`SELECT COUNT(*) FROM conversations WHERE assignee_id = ? AND status = 'open'`, billing.ID); n != 0 {
			t.Errorf("the agent still has %d open conversations after the workflow under test was deleted", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM conversations WHERE id = ? AND status = 'closed'`, s.Conversation.ID); n != 1 {
			t.Errorf("the test conversation was not closed")
		}
	})
}

// TestVersionsLeaveTestRunsOut: the versions panel's runs and waiting
// counts, like every other count, leave the test panel's runs out.
func TestVersionsLeaveTestRunsOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		w := f.deploy("inbound_conversation", true)
		if _, err := f.svc.Send(ctx, f.manager, w.ID, MessageInput{Text: "Hello"}); err != nil {
			t.Fatal(err)
		}
		if s := f.session(w.ID); s.Run == nil || s.Run.Status != workflow.StatusWaitingReply {
			t.Fatalf("the test run does not wait: %+v", s.Run)
		}
		list, err := f.flows.ListVersions(ctx, f.wsp.ID, w.ID, page.Request{Limit: 10})
		if err != nil || len(list.Data) != 1 {
			t.Fatalf("versions %+v: %v", list.Data, err)
		}
		if v := list.Data[0]; v.Runs != 0 || v.Waiting != 0 {
			t.Errorf("the versions list counts the test run: runs %d, waiting %d", v.Runs, v.Waiting)
		}
		v, err := f.flows.GetVersion(ctx, f.wsp.ID, w.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if v.Runs != 0 || v.Waiting != 0 {
			t.Errorf("version 1 counts the test run: runs %d, waiting %d", v.Runs, v.Waiting)
		}
	})
}

// Restarting a test lets a once-per-contact workflow run again for the
// test contact: the test panel is for trying a workflow over and over,
// and its once-per-contact mark made the conversation opened after a
// restart start nothing, for good.
func TestRestartLetsAOncePerContactWorkflowRunAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		w := f.publishJSON(t, `{"name": "Welcome once", "trigger": {"type": "conversation_opened", "once_per_contact": true},
			"steps": [{"id": "hello", "type": "send_message", "settings": {"text": "Hello {{contact.first_name}}"}}]}`)
		if _, err := f.svc.Start(ctx, f.manager, w.ID); err != nil {
			t.Fatal(err)
		}
		for i, text := range []string{"Hi", "Hi again"} {
			if _, err := f.svc.Send(ctx, f.manager, w.ID, MessageInput{Text: text}); err != nil {
				t.Fatal(err)
			}
			f.session(w.ID)
			if n := f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ?`, w.ID); n != i+1 {
				t.Fatalf("after test %d: %d runs, want %d", i+1, n, i+1)
			}
			if _, err := f.svc.Reset(ctx, f.manager, w.ID); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// publishJSON creates and publishes a workflow from its JSON, not started.
func (f *fixture) publishJSON(t *testing.T, def string) workflow.Workflow {
	t.Helper()
	d, err := workflow.ParseDefinition([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	return f.publish(d, false)
}
