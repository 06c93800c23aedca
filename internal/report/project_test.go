package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/report"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// oneContact makes a workspace whose clock is a fake set at day, with one
// contact, and returns ev, which builds that contact's events in
// conversation conversationID (appendAt creates its row).
func oneContact(t *testing.T, d *db.DB, day time.Time, conversationID int64) (workspace.Workspace, *clock.Fake, func(event.Type, map[string]any) event.New) {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(day)
	d.SetClock(clk)
	w, err := workspace.New(d).Create(ctx, "Acme", "UTC")
	must(t, err)
	var contactID int64
	must(t, d.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, created_at, updated_at) VALUES (?, 'Ada', 0, 0) RETURNING id`, w.ID).Scan(&contactID)
	}))
	return w, clk, func(typ event.Type, payload map[string]any) event.New {
		return event.New{WorkspaceID: w.ID, Type: typ, ConversationID: conversationID, ContactID: contactID, Payload: payload}
	}
}

// append writes one event at the fake clock's time.
func appendAt(t *testing.T, d *db.DB, clk *clock.Fake, at time.Time, e event.New) {
	t.Helper()
	clk.Set(at)
	must(t, d.Write(context.Background(), func(tx *db.Tx) error {
		if e.ConversationID != 0 {
			// Events of a conversation need its row (for their seq).
			if _, err := tx.Exec(context.Background(), `INSERT INTO conversations (id, workspace_id, contact_id, status, opened_source, opened_at)
				SELECT ?, ?, ?, 'open', 'contact', ? WHERE NOT EXISTS (SELECT 1 FROM conversations WHERE id = ?)`,
				e.ConversationID, e.WorkspaceID, e.ContactID, tx.Now(), e.ConversationID); err != nil {
				return err
			}
		}
		_, err := event.Append(context.Background(), tx, e)
		return err
	}))
}

// TestQueueWaitAndWorkflows projects a queued conversation and workflow
// runs written straight to the log, with a consumer started on an empty
// log.
func TestQueueWaitAndWorkflows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		day := time.Date(2026, 6, 3, 10, 0, 0, 0, time.UTC)
		clk := clock.NewFake(day)
		d.SetClock(clk)
		svc := report.New(d, report.Options{})
		hub := event.NewHub()
		d.OnEvents(hub.Notify)
		g := background.NewGroup(clk)
		c := svc.NewConsumer(hub, g)
		backgroundtest.Run(t, g, c.Run)
		backgroundtest.WaitIdle(t, g)
		if c.Failures() != 0 {
			t.Fatalf("the consumer failed %d times on an empty log", c.Failures())
		}

		w, err := workspace.New(d).Create(ctx, "Acme", "UTC")
		must(t, err)
		var contactID int64
		must(t, d.Write(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, created_at, updated_at) VALUES (?, 'Ada', 0, 0) RETURNING id`, w.ID).Scan(&contactID)
		}))
		ev := func(typ event.Type, conv int64, payload map[string]any) event.New {
			return event.New{WorkspaceID: w.ID, Type: typ, ConversationID: conv, ContactID: contactID, Payload: payload}
		}
		appendAt(t, d, clk, day, ev(event.ConversationOpened, 9001, map[string]any{"source": "contact", "channel_id": 0}))
		appendAt(t, d, clk, day.Add(time.Minute), ev(event.ConversationQueued, 9001, map[string]any{"team_id": 7}))
		appendAt(t, d, clk, day.Add(11*time.Minute), ev(event.ConversationAssigned, 9001,
			map[string]any{"assignee_id": 3, "team_id": 7, "routing": map[string]any{"strategy": "least_open"}}))
		// Workflow runs: one finished, one failed at step "ask", one still running.
		for run, steps := range map[int64][]string{1: {"welcome", "ask", "assign"}, 2: {"welcome", "ask"}, 3: {"welcome"}} {
			appendAt(t, d, clk, day.Add(time.Hour), ev(event.WorkflowRunStarted, 9001, map[string]any{"run_id": run, "workflow_id": 5, "step": steps[0]}))
			for _, st := range steps[1:] {
				appendAt(t, d, clk, day.Add(time.Hour), ev(event.WorkflowStep, 9001, map[string]any{"run_id": run, "workflow_id": 5, "step": st}))
			}
			switch run {
			case 1:
				appendAt(t, d, clk, day.Add(2*time.Hour), ev(event.WorkflowRunEnded, 9001, map[string]any{"run_id": run, "workflow_id": 5, "status": "finished", "step": "assign"}))
			case 2:
				appendAt(t, d, clk, day.Add(2*time.Hour), ev(event.WorkflowRunEnded, 9001, map[string]any{"run_id": run, "workflow_id": 5, "status": "failed", "step": "ask"}))
			}
		}
		backgroundtest.WaitIdle(t, g)
		f := report.Filter{From: "2026-06-01", To: "2026-06-30"}
		a, err := svc.Assignments(ctx, w.ID, f)
		must(t, err)
		if a.Current.QueueWait.Count != 1 || a.Current.QueueWait.SumMs != 600_000 || a.Current.TimeToAssignment.SumMs != 660_000 ||
			len(a.Current.ByStrategy) != 1 || a.Current.ByStrategy[0].Key != "least_open" || a.Current.ByTeam[0].Key != "7" {
			t.Fatalf("assignments: %+v", a.Current)
		}
		wf, err := svc.Workflows(ctx, w.ID, f)
		must(t, err)
		got := wf.Current
		if got.Started != 3 || got.Finished != 1 || got.Failed != 1 || len(got.Workflows) != 1 || got.Workflows[0].Running != 1 {
			t.Fatalf("workflows: %+v", got)
		}
		want := map[string][2]int64{"welcome": {3, 0}, "ask": {2, 1}, "assign": {1, 0}}
		for _, st := range got.Workflows[0].Steps {
			if w := want[st.Step]; w != [2]int64{st.Reached, st.DropOff} {
				t.Errorf("step %s: reached %d, drop-off %d; want %v", st.Step, st.Reached, st.DropOff, w)
			}
		}
		if len(got.Workflows[0].Steps) != 3 {
			t.Fatalf("steps: %+v", got.Workflows[0].Steps)
		}
	})
}

// TestFirstResponseIgnoresBots: a workflow's, the API's and an echo's
// messages neither answer the contact nor stop the wait; a person's does.
func TestFirstResponseIgnoresBots(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		day := time.Date(2026, 6, 3, 10, 0, 0, 0, time.UTC)
		w, clk, ev := oneContact(t, d, day, 77)
		appendAt(t, d, clk, day, ev(event.ConversationOpened, map[string]any{"source": "contact"}))
		appendAt(t, d, clk, day.Add(time.Second), ev(event.MessageReceived, map[string]any{"sender": "contact"}))
		appendAt(t, d, clk, day.Add(5*time.Second), ev(event.MessageSent, map[string]any{"sender": "workflow"}))
		appendAt(t, d, clk, day.Add(6*time.Second), ev(event.MessageSent, map[string]any{"sender": "api"}))
		appendAt(t, d, clk, day.Add(7*time.Second), ev(event.MessageSent, map[string]any{"sender": "echo"}))
		appendAt(t, d, clk, day.Add(90*time.Second), ev(event.MessageSent, map[string]any{"sender": "user", "user_id": 4}))
		svc := report.New(d, report.Options{})
		if _, err := svc.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		r, err := svc.Responses(ctx, w.ID, report.Filter{From: "2026-06-01", To: "2026-06-30"})
		must(t, err)
		if fr := r.Current.FirstResponse; fr.Count != 1 || fr.SumMs != 90_000 {
			t.Errorf("first response: %+v, want one of 90 s", fr)
		}
		if rt := r.Current.ResponseTime; rt.Count != 1 || rt.SumMs != 89_000 {
			t.Errorf("response time: %+v, want one of 89 s (from the contact's message)", rt)
		}
		m, err := svc.Messages(ctx, w.ID, report.Filter{From: "2026-06-01", To: "2026-06-30"})
		must(t, err)
		if m.Current.Out != 4 || m.Current.In != 1 {
			t.Errorf("messages: %+v", m.Current)
		}
	})
}

// insertContact writes a contact of the workspace straight into the
// table, a test contact (the Workflow Builder's) when test, and returns
// its id.
func insertContact(t *testing.T, d *db.DB, workspaceID int64, test bool) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	must(t, d.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, is_test, created_at, updated_at) VALUES (?, 'Ada', ?, 0, 0) RETURNING id`,
			workspaceID, map[bool]int{false: 0, true: 1}[test]).Scan(&id)
	}))
	return id
}

// TestTestContactsLeftOut: the Workflow Builder's test contact, its
// creation and its conversations count nowhere.
func TestTestContactsLeftOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		day := time.Date(2026, 6, 3, 10, 0, 0, 0, time.UTC)
		clk := clock.NewFake(day)
		d.SetClock(clk)
		w, err := workspace.New(d).Create(ctx, "Acme", "UTC")
		must(t, err)
		ids := map[bool]int64{}
		for _, test := range []bool{false, true} {
			id := insertContact(t, d, w.ID, test)
			ids[test] = id
			appendAt(t, d, clk, day, event.New{WorkspaceID: w.ID, Type: event.ContactCreated, ContactID: id, Payload: map[string]any{}})
			appendAt(t, d, clk, day, event.New{WorkspaceID: w.ID, Type: event.ConversationOpened, ConversationID: 100 + id, ContactID: id,
				Payload: map[string]any{"source": "contact"}})
		}
		svc := report.New(d, report.Options{})
		if _, err := svc.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		f := report.Filter{From: "2026-06-01", To: "2026-06-30"}
		c, err := svc.Conversations(ctx, w.ID, f)
		must(t, err)
		k, err := svc.Contacts(ctx, w.ID, f)
		must(t, err)
		if c.Current.Opened != 1 || k.Current.New != 1 {
			t.Fatalf("opened %d, new contacts %d: the test contact counted", c.Current.Opened, k.Current.New)
		}
	})
}
