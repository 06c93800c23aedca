package workflow

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// quietSteps are the step types that never append an event that triggers
// workflows (a conversation opened or closed, a contact's fields, tags or
// lifecycle changed): the loop guard (markEventDepth) has nothing to mark
// after them. A type not listed is marked after, whatever it did.
var quietSteps = map[string]bool{
	"send_message": true, "branch": true, "jump_to": true, "wait": true, "date_time": true,
	"add_comment": true, "assign_to": true, "http_request": true,
}

// concurrentSteps are the step types whose writes keep every invariant
// with constraints and row locks of their own (a message and its
// conversation's row, a contact's row and its unique phone and email, a
// run's once-per-contact row), never with "nothing else is writing": a
// chain of them may commit through db.DB.WriteConcurrent. The run itself
// is safe either way: loadRun locks its row (FOR NO KEY UPDATE on PostgreSQL) and
// the step runs only if the run is still at it, so two nodes advancing one
// run serialise on that row and the second finds the step done.
//
// Assign To is listed since routing holds its own invariants with row
// locks (the conversation's row, the agent's conditional capacity claim,
// a lock per queue; see routing.AssignTx). Open and Close Conversation
// are listed since one open conversation per contact is the partial
// unique index's to hold (a concurrent opener's insert fails and the door
// runs the chain again, which then adopts the other's conversation; see
// conversation.OpenTx), and a close locks the conversation's row before
// it reads it open (conversation.CloseTx). A step type not listed here
// takes the exclusive door.
var concurrentSteps = map[string]bool{
	"send_message": true, "ask_question": true, "branch": true, "jump_to": true, "wait": true, "assign_to": true,
	"date_time": true, "add_comment": true, "http_request": true, "classify": true,
	"update_contact_field": true, "update_contact_tag": true, "update_lifecycle": true, "trigger_workflow": true,
	"open_conversation": true, "close_conversation": true,
}

// stepDoor is the write door for the transaction that executes step id of
// d and the steps chained after it: WriteConcurrent when chainConcurrent,
// else the exclusive Write. On SQLite both doors are the one writer, so
// nothing is lost by the concurrent one, and its batches insert their
// events together.
func (e *Engine) stepDoor(d *Definition, id string) func(context.Context, func(*db.Tx) error) error {
	if e.db.Dialect == db.SQLite || chainConcurrent(d, id) {
		return e.db.WriteConcurrent
	}
	return e.db.Write
}

// chainConcurrent says whether every step that a chain starting at step
// id of d may reach without a wait or an outside effect is one of
// concurrentSteps.
func chainConcurrent(d *Definition, id string) bool {
	seen := map[string]bool{}
	var walk func(id string, depth int) bool
	walk = func(id string, depth int) bool {
		if seen[id] || depth > maxChained+1 {
			return true
		}
		seen[id] = true
		st := d.step(id)
		if st == nil {
			return true // the run fails there: a write of its own
		}
		if !concurrentSteps[st.Type] {
			return false
		}
		if depth > 0 && !chainable(d, id) {
			return true // its own transaction, chosen when it runs
		}
		if depth > 0 && st.Type == "ask_question" {
			// Reached by a chain, not resumed by an answer, a question is
			// asked and the run waits (or the send fails and the chain
			// stops before it): nothing after it runs in this transaction.
			return true
		}
		for _, next := range st.Exits {
			if next != "" && !walk(next, depth+1) {
				return false
			}
		}
		return jumpsConcurrent(d, st, func(id string) bool { return walk(id, depth+1) })
	}
	return walk(id, 0)
}

// jumpsConcurrent walks the target of a Jump To step, which its settings
// name rather than its exits; a step of another type has none.
func jumpsConcurrent(d *Definition, st *Step, walk func(string) bool) bool {
	if st.Type != "jump_to" {
		return true
	}
	impl, err := decodeStep(st)
	if err != nil {
		return true // fails when it runs, a write of its own
	}
	j, ok := impl.(*jumpTo)
	if !ok || j.Step == "" {
		return true
	}
	return walk(j.Step)
}
