package workflow

import (
	"context"
	"database/sql"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// triggerLookups are what handling a batch of events reads, read once for
// the batch instead of once per event: the active workflows of the batch's
// workspaces, its contacts that are test contacts, the loop guard's depth
// of its events and which of its conversations have a waiting
// run. Per event they were about six statements per run on the single
// writer.
//
// None of them is changed by handling an event (handle starts, resumes
// and ends runs only), so reading them before the batch is reading them
// when each event is handled, in the batch's transaction. The depth of an
// event is written in the transaction that appended it (markEventDepth),
// so it is committed before a consumer reads the event.
type triggerLookups struct {
	workflows map[int64][]activeWorkflow // workspace -> its active workflows, by id
	// tests maps each test contact to the workflow it tests, 0 when that
	// workflow was deleted (a test contact still: it starts none).
	tests map[int64]int64
	// contacts holds the batch's contacts that still exist: a deleted
	// one's events start nothing (its conversations went with it).
	contacts map[int64]bool
	depths   map[int64]int // event -> its depth, when not 0
	// waiting holds the batch's conversations that have a waiting run
	// (see lookupWaiting); nil (lookups made without it): ask per event.
	waiting map[int64]bool
}

// mayWait says whether conversation id may have a run waiting (for a
// reply, a timer or an assignment): when it says no, the queries for such
// runs would find none.
func (l *triggerLookups) mayWait(id int64) bool { return l.waiting == nil || l.waiting[id] }

// lookupWaiting reads which conversations of events' that resume or end
// waiting runs have one, and the per-event query for their runs (a
// message that answers no question, an assignment no run waits for) is
// saved for the others.
//
// On SQLite the batch's transaction sees no other write while it runs,
// and handling an event makes no run wait (it starts, resumes and ends
// runs; the chains of steps the batch stages run after its last event,
// see stage), so a conversation without a waiting run at the batch's
// start has none when its event is handled.
//
// On PostgreSQL another transaction (the executor, on this node or
// another) may commit a run's wait between this read and an event's
// turn, which the per-event query would have seen. Such a wait does not
// concern the batch's events, each committed before the batch began:
//   - a message.received was written before the question that the run
//     waits to have answered was sent (it leaves after the wait's
//     commit), so it is no reply to it;
//   - a conversation.assigned from the queue commits after the Assign To
//     step that queued the conversation and made its run wait, in one
//     transaction; another assignment committed first is seen by the
//     step, which then does not wait;
//   - a conversation.closed, or an assignment that ends the runs of a
//     workflow set to end on one, committed before a run began to wait
//     is seen by the run itself, which then ends instead of waiting (see
//     guardWait); one committed after the wait is handled after it.
func (l *triggerLookups) lookupWaiting(ctx context.Context, tx *db.Tx, events []event.Event) error {
	var ids []int64
	for _, ev := range events {
		if ev.ConversationID != 0 && waitingEvents[ev.Type] && !slices.Contains(ids, ev.ConversationID) {
			ids = append(ids, ev.ConversationID)
		}
	}
	l.waiting = map[int64]bool{}
	// A conversation deleted with its contact since its event has no run
	// to resume or end: a chain resumed there failed writing its
	// timeline, and with it the whole batch, for ever.
	return db.QueryIn(ctx, tx, `SELECT conversation_id FROM workflow_runs r WHERE status IN ('`+StatusWaitingReply+`', '`+
		StatusWaitingTimer+`', '`+StatusWaitingAssignment+`') AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = r.conversation_id)
		AND conversation_id IN `, ``, ids, nil, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		l.waiting[id] = true
		return nil
	})
}

// waitingEvents are the event types handle looks for waiting runs on.
var waitingEvents = map[event.Type]bool{event.MessageReceived: true, event.ConversationAssigned: true, event.ConversationClosed: true}

type activeWorkflow struct {
	id          int64
	version     int
	triggerType string
}

// lookupTriggers reads the triggerLookups of events.
func lookupTriggers(ctx context.Context, tx *db.Tx, events []event.Event) (*triggerLookups, error) {
	l := &triggerLookups{workflows: map[int64][]activeWorkflow{}, tests: map[int64]int64{}, contacts: map[int64]bool{},
		depths: map[int64]int{}}
	var workspaces, contacts []int64
	for _, ev := range events {
		if len(triggerTypesOf(ev.Type)) == 0 {
			continue
		}
		if !slices.Contains(workspaces, ev.WorkspaceID) {
			workspaces = append(workspaces, ev.WorkspaceID)
		}
		if ev.ContactID != 0 && !slices.Contains(contacts, ev.ContactID) {
			contacts = append(contacts, ev.ContactID)
		}
	}
	if err := l.lookupWaiting(ctx, tx, events); err != nil {
		return nil, err
	}
	if len(workspaces) == 0 {
		return l, nil
	}
	if err := db.QueryIn(ctx, tx, `SELECT workspace_id, id, published_version, trigger_type FROM workflows
		WHERE active = 1 AND workspace_id IN `, ` ORDER BY id`, workspaces, nil, func(rows *sql.Rows) error {
		var ws int64
		var w activeWorkflow
		if err := rows.Scan(&ws, &w.id, &w.version, &w.triggerType); err != nil {
			return err
		}
		l.workflows[ws] = append(l.workflows[ws], w)
		return nil
	}); err != nil {
		return nil, err
	}
	for ws := range l.workflows {
		// Chunks of workspaces each come in id order; the list must too.
		slices.SortFunc(l.workflows[ws], func(a, b activeWorkflow) int { return int(a.id - b.id) })
	}
	// Which contacts exist, and which are test contacts. The test flag is
	// read from the contacts, not only from workflow_test_contacts: a
	// deleted workflow takes its rows there with it, and its test contacts
	// would then start every workflow a real contact does.
	if err := db.QueryIn(ctx, tx, `SELECT c.id, c.is_test, COALESCE(t.workflow_id, 0) FROM contacts c
		LEFT JOIN workflow_test_contacts t ON t.contact_id = c.id WHERE c.id IN `, ``,
		contacts, nil, func(rows *sql.Rows) error {
			var c, test, w int64
			if err := rows.Scan(&c, &test, &w); err != nil {
				return err
			}
			l.contacts[c] = true
			if test != 0 {
				l.tests[c] = w
			}
			return nil
		}); err != nil {
		return nil, err
	}
	// Depths only of the events that may start a run.
	var ids []int64
	for _, ev := range events {
		if _, test := l.tests[ev.ContactID]; !l.gone(ev) && (test || len(l.active(ev)) > 0) {
			ids = append(ids, ev.ID)
		}
	}
	if err := db.QueryIn(ctx, tx, `SELECT event_id, depth FROM workflow_event_depth WHERE event_id IN `, ``,
		ids, nil, func(rows *sql.Rows) error {
			var id int64
			var d int
			if err := rows.Scan(&id, &d); err != nil {
				return err
			}
			l.depths[id] = d
			return nil
		}); err != nil {
		return nil, err
	}
	return l, nil
}

// gone says whether ev's contact was deleted since ev: ev starts no run,
// since the contact and its conversations are no more (a run started on
// one failed writing its timeline there, and with it the whole batch, for
// ever).
func (l *triggerLookups) gone(ev event.Event) bool {
	return ev.ContactID != 0 && !l.contacts[ev.ContactID]
}

// active lists the active workflows of ev's workspace whose trigger type
// ev may fire, by id.
func (l *triggerLookups) active(ev event.Event) []activeWorkflow {
	types := triggerTypesOf(ev.Type)
	var out []activeWorkflow
	for _, w := range l.workflows[ev.WorkspaceID] {
		if slices.Contains(types, w.triggerType) {
			out = append(out, w)
		}
	}
	return out
}
