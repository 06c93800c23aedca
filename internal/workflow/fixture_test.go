package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// fixture is a workspace with a custom channel, the services a running
// node has, and a workflow engine on a fake clock the test moves.
type fixture struct {
	t        *testing.T
	d        *db.DB
	hub      *event.Hub
	conv     *conversation.Service
	contacts *contact.Service
	ws       *workspace.Service
	wsp      workspace.Workspace
	ch       channel.Channel
	svc      *Service
	eng      *Engine
	clock    *clock.Fake
	group    *background.Group
	assigner *teamAssigner
	done     chan struct{}
	mid      int
	// http is the HTTP Request step's client, as the operator's settings
	// make it; nil takes the engine's default (no private network).
	http *http.Client
	// classifier serves the Classify step (nil: none).
	classifier Classifier
	// windows are the channels' reply windows the engine's sends respect
	// (nil: none).
	windows conversation.Windows
	// addressers let Open Conversation reach a contact by phone or email
	// on a channel it never wrote on (nil: none).
	addressers conversation.Addressers
}

func newFixture(t *testing.T, d *db.DB) *fixture { return newFixtureWith(t, d, nil) }

// newFixtureWindows is newFixture with an engine whose sends respect
// windows.
func newFixtureWindows(t *testing.T, d *db.DB, windows conversation.Windows) *fixture {
	t.Helper()
	return newFixtureWith(t, d, func(f *fixture) { f.windows = windows })
}

// newFixtureWith is newFixture with opts applied before the engine starts.
func newFixtureWith(t *testing.T, d *db.DB, opts func(*fixture)) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, d: d, clock: clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	if opts != nil {
		opts(f)
	}
	d.SetClock(f.clock)
	f.ws = workspace.New(d)
	f.contacts = contact.New(d)
	var err error
	if f.wsp, err = f.ws.Create(ctx, "Acme", "UTC"); err != nil {
		t.Fatal(err)
	}
	if f.ch, err = channel.New(d).Create(ctx, f.wsp.ID, channel.Input{Type: channel.TypeCustom, Name: "site",
		Config: json.RawMessage(`{"base_url":"http://127.0.0.1:1"}`)}); err != nil {
		t.Fatal(err)
	}
	f.start()
	return f
}

// start builds the node's parts on f.d and runs the engine.
func (f *fixture) start() {
	f.d.SetClock(f.clock)
	f.hub = event.NewHub()
	f.d.OnEvents(f.hub.Notify)
	f.conv = conversation.New(f.d)
	f.svc = NewService(f.d)
	// As the app wires them: renames in the settings reach the workflows.
	f.contacts.SetStageUsers(f.svc.SettingNames(LifecycleStage))
	f.conv.SetCategoryUsers(f.svc.SettingNames(ClosingCategory))
	f.contacts.SetTagUsers(f.svc.SettingNames(Tag))
	f.assigner = &teamAssigner{d: f.d}
	f.group = background.NewGroup(f.clock)
	f.eng = NewEngine(f.svc, f.hub, f.assigner, f.ws, EngineOptions{Group: f.group, HTTPClient: f.http, Classifier: f.classifier, Windows: f.windows,
		Addressers: f.addressers})
	f.run(f.eng)
	f.t.Cleanup(f.stop)
}

// run runs an engine of the fixture's group until the test ends.
func (f *fixture) run(e *Engine) {
	done := make(chan struct{})
	f.group.StartAll()
	go func() { e.Run(context.Background()); close(done) }()
	if e == f.eng {
		f.done = done
		return
	}
	f.t.Cleanup(func() { e.Close(); <-done })
}

// idle waits until the engines have done everything they can at the
// clock's current time.
func (f *fixture) idle() { backgroundtest.WaitIdle(f.t, f.group) }

// stop closes the engine, as a node's shutdown does.
func (f *fixture) stop() {
	if f.done == nil {
		return
	}
	f.eng.Close()
	<-f.done
	f.done = nil
}

// deploy creates, publishes and starts a workflow from its JSON.
func (f *fixture) deploy(def string) Workflow {
	f.t.Helper()
	d, err := ParseDefinition([]byte(def))
	if err != nil {
		f.t.Fatal(err)
	}
	return f.deployDef(d)
}

func (f *fixture) deployDef(d Definition) Workflow {
	f.t.Helper()
	ctx := context.Background()
	w, err := f.svc.Create(ctx, f.wsp.ID, d)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.svc.Publish(ctx, f.wsp.ID, w.ID, Edit{}); err != nil {
		f.t.Fatal(err)
	}
	if w, err = f.svc.SetActive(ctx, f.wsp.ID, w.ID, true); err != nil {
		f.t.Fatal(err)
	}
	return w
}

// write delivers a contact's message through the custom channel's path.
func (f *fixture) write(external, text string) conversation.Received {
	f.t.Helper()
	name := "Maria"
	f.mid++
	r, err := f.conv.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage,
		WorkspaceID: f.wsp.ID, ChannelID: f.ch.ID, ExternalID: external, ProviderMessageID: fmt.Sprintf("m%d-%s", f.mid, external),
		Type: "text", Text: text, Profile: contact.Input{FirstName: &name}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return r[0]
}

// count runs a COUNT query.
func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	return dbtest.Count(f.t, f.d, q, args...)
}

// outTexts returns the texts sent to a conversation, in order.
func (f *fixture) outTexts(conversationID int64) []string {
	f.t.Helper()
	rows, err := f.d.Reader().Query(context.Background(), `SELECT text FROM messages WHERE conversation_id = ? AND direction = 'out' ORDER BY id`, conversationID)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

// eventually waits until the engines are idle and checks that cond then
// holds, failing with what describes the state: whatever the engines
// will do at the clock's current time is done by then.
func (f *fixture) eventually(what string, cond func() bool) {
	f.t.Helper()
	f.idle()
	if !cond() {
		f.t.Fatalf("the engines went idle before %s", what)
	}
}

// runOf returns the only run of a workflow for a conversation.
func (f *fixture) runOf(workflowID, conversationID int64) Run {
	f.t.Helper()
	var id int64
	if err := f.d.Reader().QueryRow(context.Background(), `SELECT id FROM workflow_runs WHERE workflow_id = ? AND conversation_id = ?`,
		workflowID, conversationID).Scan(&id); err != nil {
		f.t.Fatalf("run of workflow %d, conversation %d: %v", workflowID, conversationID, err)
	}
	r, err := f.svc.GetRun(context.Background(), f.wsp.ID, workflowID, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// waitStatus waits until the run of a conversation has status.
func (f *fixture) waitStatus(workflowID, conversationID int64, status string) Run {
	f.t.Helper()
	f.eventually(fmt.Sprintf("run of conversation %d to be %s", conversationID, status), func() bool {
		return f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ? AND conversation_id = ? AND status = ?`,
			workflowID, conversationID, status) == 1
	})
	return f.runOf(workflowID, conversationID)
}

// manual deploys a manual-trigger workflow with the given steps (a JSON
// array) and options.
func (f *fixture) manual(name, steps string) Workflow {
	f.t.Helper()
	return f.deploy(`{"name": "` + name + `", "trigger": {"type": "manual"}, "steps": ` + steps + `}`)
}

// startFor starts a manual workflow's run for a contact and returns its id.
func (f *fixture) startFor(w Workflow, contactID int64) int64 {
	f.t.Helper()
	r, err := f.svc.StartRun(context.Background(), f.wsp.ID, w.ID, StartInput{ContactID: contactID})
	if err != nil {
		f.t.Fatal(err)
	}
	return r.ID
}

// settle waits until a run is no longer running and returns it.
func (f *fixture) settle(w Workflow, runID int64) Run {
	f.t.Helper()
	var r Run
	f.eventually(fmt.Sprintf("run %d to settle", runID), func() bool {
		var err error
		r, err = f.svc.GetRun(context.Background(), f.wsp.ID, w.ID, runID)
		if err != nil {
			f.t.Fatal(err)
		}
		return r.Status != StatusRunning
	})
	return r
}

// runSteps runs steps once for a new contact with an open conversation and
// returns the settled run and the conversation.
func (f *fixture) runSteps(steps string) (Run, int64) {
	f.t.Helper()
	f.mid++
	got := f.write(fmt.Sprintf("+1999555%04d", f.mid), "hi")
	w := f.manual(fmt.Sprintf("steps %d", f.mid), steps)
	return f.settle(w, f.startFor(w, got.ContactID)), got.ConversationID
}

func contactInput(first string) contact.Input { return contact.Input{FirstName: &first} }

func closeBy(source string) conversation.CloseInput { return conversation.CloseInput{Source: source} }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// assignByHand assigns the conversation to user as an agent would (the
// write routing ends with).
func (f *fixture) assignByHand(conversationID, user int64) error {
	ctx := context.Background()
	return f.d.Write(ctx, func(tx *db.Tx) error {
		_, err := conversation.AssignTx(ctx, tx, f.wsp.ID, conversationID, conversation.AssignInput{UserID: user, Source: "user"})
		return err
	})
}

// loopbackAllowed lets the fixture's HTTP Request steps call a test
// server on 127.0.0.1, as an operator's --allow-private-networks would
// (a newFixtureWith option).
func loopbackAllowed(f *fixture) {
	f.http = netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}).Client()
}

// unhandled runs write with the engine stopped and moves the engine's
// cursor past the events it appended, as if a timer had won the race
// against their handling: the engine restarts without them.
func (f *fixture) unhandled(write func()) {
	f.t.Helper()
	f.stop()
	write()
	ctx := context.Background()
	if err := f.d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE event_consumers SET last_id = (SELECT MAX(id) FROM events) WHERE name = 'workflow'`)
		return err
	}); err != nil {
		f.t.Fatal(err)
	}
	f.start()
}
