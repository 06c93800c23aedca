package workflow

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// heldCall is an HTTP Request step's server that answers only when the
// test lets it: the run stays running (not waiting) meanwhile.
type heldCall struct {
	srv     *httptest.Server
	entered chan struct{}
	release chan struct{}
}

func newHeldCall(t *testing.T) *heldCall {
	h := &heldCall{entered: make(chan struct{}, 1), release: make(chan struct{})}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.entered <- struct{}{}
		<-h.release
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// step is the held call as the first step of a workflow, going on to next.
func (h *heldCall) step(next string) string {
	return fmt.Sprintf(`{"id": "call", "type": "http_request", "settings": {"method": "GET", "url": %q, "timeout_seconds": 30},
		"exits": {"success": %q, "failure": %q}}`, h.srv.URL, next, next)
}

// consumed waits until the workflow consumer has handled every event.
// The group is not idle meanwhile (the held call is work in flight), so
// it polls the consumer's cursor instead of waiting for idleness.
func (f *fixture) consumed(what string) {
	f.t.Helper()
	deadline := time.Now().Add(backgroundtest.Patience)
	for f.count(`SELECT COUNT(*) FROM event_consumers WHERE name = 'workflow' AND last_id = (SELECT MAX(id) FROM events)`) != 1 {
		if time.Now().After(deadline) {
			f.t.Fatalf("%s not consumed within %s", what, backgroundtest.Patience)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestNoWaitOnAClosedConversation: a conversation closed while its run's
// step runs, the close handled before the run reaches a Wait step. The
// consumer found no waiting run to end, so the run must see the close
// itself, rather than wait on a closed conversation until its time. A run
// that the close started (a survey an hour after closing) waits.
func TestNoWaitOnAClosedConversation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixtureWith(t, d, loopbackAllowed)
		h := newHeldCall(t)
		wait := `{"id": "wait", "type": "wait", "settings": {"seconds": 3600}}`
		w := f.deploy(`{"name": "held then wait", "trigger": {"type": "conversation_opened"}, "steps": [` + h.step("wait") + `, ` + wait + `]}`)
		survey := f.deploy(`{"name": "survey", "trigger": {"type": "conversation_closed"}, "steps": [` + wait + `]}`)
		got := f.write("+14155550801", "hi")
		<-h.entered
		if _, err := f.conv.Close(context.Background(), access.System(f.wsp.ID), got.ConversationID, closeBy("user")); err != nil {
			t.Fatal(err)
		}
		f.consumed("the close")
		close(h.release)
		r := f.settle(w, f.runOf(w.ID, got.ConversationID).ID)
		if r.Status != StatusFinished {
			t.Fatalf("status %s: the run waits on a closed conversation; history %+v", r.Status, r.History)
		}
		if last := r.History[len(r.History)-1]; last.Outcome != "the conversation was closed" {
			t.Fatalf("history %+v", r.History)
		}
		if r := f.settle(survey, f.runOf(survey.ID, got.ConversationID).ID); r.Status != StatusWaitingTimer {
			t.Fatalf("the run the close started: status %s, history %+v", r.Status, r.History)
		}

		// A run started by hand has no trigger event: the close counts
		// when it comes after the run's start in the conversation's
		// sequence, even in the same millisecond (the clock stands still).
		h2 := newHeldCall(t)
		byHand := f.manual("by hand, held then wait", `[`+h2.step("wait")+`, `+wait+`]`)
		other := f.write("+14155550803", "hi")
		run := f.startFor(byHand, other.ContactID)
		<-h2.entered
		if _, err := f.conv.Close(context.Background(), access.System(f.wsp.ID), other.ConversationID, closeBy("user")); err != nil {
			t.Fatal(err)
		}
		f.consumed("the second close")
		close(h2.release)
		if r := f.settle(byHand, run); r.Status != StatusFinished || r.History[len(r.History)-1].Outcome != "the conversation was closed" {
			t.Fatalf("started by hand: status %s, history %+v", r.Status, r.History)
		}
	})
}

// TestNoQuestionsAfterAnAssignment: the run of a workflow set to end on
// assignment is past its trigger when an agent is assigned, and the
// assignment is handled before the run reaches its question. The run
// ends there instead of waiting for the contact's answer while the agent
// talks to them. Another workflow's run, not set so, waits.
func TestNoQuestionsAfterAnAssignment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixtureWith(t, d, loopbackAllowed)
		h := newHeldCall(t)
		steps := `"steps": [` + h.step("q") + `, {"id": "q", "type": "ask_question", "settings": {"question": "?", "answer_type": "text"}}]`
		ends := f.deploy(`{"name": "ends", "trigger": {"type": "conversation_opened"}, "options": {"end_on_assignment": true}, ` + steps + `}`)
		got := f.write("+14155550802", "hi")
		<-h.entered
		agents := f.teams()
		if err := f.assignByHand(got.ConversationID, agents["Sales"].ID); err != nil {
			t.Fatal(err)
		}
		f.consumed("the assignment")
		close(h.release)
		r := f.runOf(ends.ID, got.ConversationID)
		r = f.settle(ends, r.ID)
		if r.Status != StatusFinished {
			t.Fatalf("status %s: the run waits for an answer after an agent was assigned; history %+v", r.Status, r.History)
		}
		if last := r.History[len(r.History)-1]; last.Outcome != "an agent was assigned" {
			t.Fatalf("history %+v", r.History)
		}

		// A run started by hand on a conversation already assigned asks
		// on: only an assignment after a run's trigger ends it.
		byHand := f.deploy(`{"name": "by hand", "trigger": {"type": "manual"}, "options": {"end_on_assignment": true},
			"steps": [{"id": "q", "type": "ask_question", "settings": {"question": "?", "answer_type": "text"}}]}`)
		if r := f.settle(byHand, f.startFor(byHand, got.ContactID)); r.Status != StatusWaitingReply {
			t.Fatalf("started by hand: status %s, history %+v", r.Status, r.History)
		}

		// One started by hand on a conversation assigned while its step
		// runs ends: the assignment came after its start.
		h2 := newHeldCall(t)
		held := f.deploy(`{"name": "by hand, held", "trigger": {"type": "manual"}, "options": {"end_on_assignment": true},
			"steps": [` + h2.step("q") + `, {"id": "q", "type": "ask_question", "settings": {"question": "?", "answer_type": "text"}}]}`)
		other := f.write("+14155550804", "hi")
		run := f.startFor(held, other.ContactID)
		<-h2.entered
		if err := f.assignByHand(other.ConversationID, agents["Sales"].ID); err != nil {
			t.Fatal(err)
		}
		f.consumed("the second assignment")
		close(h2.release)
		if r := f.settle(held, run); r.Status != StatusFinished || r.History[len(r.History)-1].Outcome != "an agent was assigned" {
			t.Fatalf("started by hand, assigned while it ran: status %s, history %+v", r.Status, r.History)
		}
	})
}
