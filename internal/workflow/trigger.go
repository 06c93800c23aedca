package workflow

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// triggerImpl is a trigger type: its conditions (decoded into the value
// itself), their validation and, for event triggers, the event it listens
// to and whether an event matches. Each lives in a trigger_<kind>.go.
type triggerImpl interface {
	check(c *checker)
	// on is the event type that fires it; "" for triggers started
	// otherwise (manual, shortcut, webhook, schedule).
	on() event.Type
	// match decides whether ev fires the trigger and returns the trigger
	// data a run sees as {{trigger.*}}.
	match(ctx context.Context, tx *db.Tx, ev event.Event) (map[string]any, bool, error)
}

var triggerKinds = map[string]func() triggerImpl{}

func registerTrigger(name string, fn func() triggerImpl) { triggerKinds[name] = fn }

// triggerTypesOf maps an event type to the trigger types it can fire,
// sorted. The map is built once, on first use, after every trigger kind
// registered itself (in init).
func triggerTypesOf(t event.Type) []string {
	triggerTypesOnce.Do(func() {
		triggerTypes = map[event.Type][]string{}
		for name, fn := range triggerKinds {
			if on := fn().on(); on != "" {
				triggerTypes[on] = append(triggerTypes[on], name)
			}
		}
		for _, names := range triggerTypes {
			sort.Strings(names)
		}
	})
	return triggerTypes[t]
}

var (
	triggerTypesOnce sync.Once
	triggerTypes     map[event.Type][]string
)

func checkTrigger(c *checker, t Trigger) {
	kind, ok := triggerKinds[t.Type]
	if !ok {
		names := make([]string, 0, len(triggerKinds))
		for n := range triggerKinds {
			names = append(names, n)
		}
		sort.Strings(names)
		c.add("trigger.type", "unknown trigger type %q (one of %s)", t.Type, strings.Join(names, ", "))
		return
	}
	impl := kind()
	if err := decodeSettings(t.Conditions, impl); err != nil {
		c.add("trigger.conditions", "%v", err)
		return
	}
	impl.check(c)
}

// trigger starts the runs of the active workflows that ev fires. l holds
// what ev's batch read for its triggers (see lookupTriggers).
func (e *Engine) trigger(ctx context.Context, tx *db.Tx, l *triggerLookups, s *stage, ev event.Event, now int64) error {
	types := triggerTypesOf(ev.Type)
	if len(types) == 0 || l.gone(ev) {
		return nil
	}
	type wv struct {
		id      int64
		version int
	}
	var list []wv
	if testOf, test := l.tests[ev.ContactID]; test {
		// A test contact starts only the workflow it tests, even stopped;
		// that of a deleted workflow (testOf 0) starts none.
		in, typeArgs := db.In(types)
		rows, err := tx.Query(ctx, `SELECT id, published_version FROM workflows WHERE workspace_id = ? AND id = ?
			AND published_version > 0 AND trigger_type IN `+in, append([]any{ev.WorkspaceID, testOf}, typeArgs...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var x wv
			if err := rows.Scan(&x.id, &x.version); err != nil {
				rows.Close()
				return err
			}
			list = append(list, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	} else {
		for _, w := range l.active(ev) {
			list = append(list, wv{w.id, w.version})
		}
	}
	if len(list) == 0 {
		return nil
	}
	depth := l.depths[ev.ID]
	for _, x := range list {
		d, err := e.svc.version(ctx, tx, x.id, x.version)
		if err != nil {
			return err
		}
		impl := triggerKinds[d.Trigger.Type]()
		if err := decodeSettings(d.Trigger.Conditions, impl); err != nil {
			return fmt.Errorf("workflow %d v%d trigger: %w", x.id, x.version, err)
		}
		data, ok, err := impl.match(ctx, tx, ev)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		data["event_id"], data["type"] = ev.ID, d.Trigger.Type
		conv := ev.ConversationID
		if conv == 0 && ev.ContactID != 0 {
			c, err := conversation.OpenOfTx(ctx, tx, ev.WorkspaceID, ev.ContactID)
			if err != nil {
				return err
			}
			conv = c.ID
		}
		n := newRun{workspaceID: ev.WorkspaceID, workflowID: x.id, version: x.version, step: d.first(),
			contactID: ev.ContactID, conversationID: conv, depth: depth, triggerEventID: ev.ID, trigger: data,
			oncePerContact: d.Trigger.OncePerContact}
		if depth >= MaxDepth {
			n.failWith = loopGuardError(depth)
		}
		n.staged = s != nil && n.failWith == ""
		id, err := insertRunOf(ctx, tx, &n, now)
		if err != nil {
			return err
		}
		if id != 0 && n.staged {
			if err := e.stageStarted(ctx, tx, s, d, n, id, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// loopGuardError is the error of a run the loop guard refused.
func loopGuardError(depth int) string {
	return fmt.Sprintf("loop guard: this run would be the %dth in a chain of workflows triggering each other (limit %d); it was not started",
		depth+1, MaxDepth)
}

// testWorkflowOf returns the workflow a test contact tests (the Workflow
// Builder's test panel, migration 023), or 0 for every other contact.
func testWorkflowOf(ctx context.Context, q db.Querier, contactID int64) (int64, error) {
	if contactID == 0 {
		return 0, nil
	}
	var id int64
	err := q.QueryRow(ctx, `SELECT workflow_id FROM workflow_test_contacts WHERE contact_id = ?`, contactID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}
