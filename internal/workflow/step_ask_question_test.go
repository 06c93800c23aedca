package workflow

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestParseAnswer(t *testing.T) {
	one, five := 1.0, 5.0
	for _, c := range []struct {
		q     askQuestion
		in    string
		want  any
		valid bool
	}{
		{askQuestion{Type: "text"}, " fine ", "fine", true},
		{askQuestion{Type: "text"}, "  ", nil, false},
		{askQuestion{Type: "multiple_choice", Options: []string{"Sales", "Billing"}}, "billing", "Billing", true},
		{askQuestion{Type: "multiple_choice", Options: []string{"Sales", "Billing"}}, "2", "Billing", true},
		{askQuestion{Type: "multiple_choice", Options: []string{"Sales", "Billing"}}, "3", nil, false},
		{askQuestion{Type: "number", Min: &one, Max: &five}, "4,5", 4.5, true},
		{askQuestion{Type: "number", Min: &one, Max: &five}, "9", nil, false},
		{askQuestion{Type: "number"}, "ten", nil, false},
		{askQuestion{Type: "date"}, "25/12/2026", "2026-12-25", true},
		{askQuestion{Type: "date"}, "tomorrow", nil, false},
		{askQuestion{Type: "phone"}, "+44 20 7946 0958", "+442079460958", true},
		{askQuestion{Type: "phone"}, "12", nil, false},
		{askQuestion{Type: "email"}, "Ada@Example.com", "ada@example.com", true},
		{askQuestion{Type: "email"}, "ada@", nil, false},
		{askQuestion{Type: "url"}, "https://example.com/a", "https://example.com/a", true},
		{askQuestion{Type: "url"}, "example", nil, false},
		{askQuestion{Type: "rating"}, "5", 5.0, true},
		{askQuestion{Type: "rating"}, "6", nil, false},
		{askQuestion{Type: "location"}, "48.85, 2.35", map[string]any{"latitude": 48.85, "longitude": 2.35}, true},
		{askQuestion{Type: "location"}, "north", nil, false},
	} {
		got, problem := parseAnswer(&c.q, c.in)
		if (problem == "") != c.valid || (c.valid && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("%s %q: %v (%q), want %v valid=%v", c.q.Type, c.in, got, problem, c.want, c.valid)
		}
	}
}

const askSteps = `[
	{"id": "age", "type": "ask_question", "settings": {"question": "Age?", "answer_type": "number", "min": 18, "max": 120,
	 "retries": %d, "error_text": "Between 18 and 120, please", "save_to": {"kind": "%s", "name": "%s"}},
	 "exits": {"next": "ok", "failure": "nope"}},
	{"id": "ok", "type": "send_message", "settings": {"text": "Saved {{step.age.answer}}"}},
	{"id": "nope", "type": "send_message", "settings": {"text": "Let us move on"}}]`

func TestAskQuestion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		if _, err := f.contacts.CreateField(ctx, f.wsp.ID, contact.Field{Key: "age", Name: "Age", Type: "number"}); err != nil {
			t.Fatal(err)
		}
		answer := func(conv int64, phone, text string) {
			n := len(f.outTexts(conv))
			f.write(phone, text)
			f.eventually("a reply to "+text, func() bool { return len(f.outTexts(conv)) > n })
		}

		// Saved to a field after one invalid answer.
		run, conv := f.runSteps(fmt.Sprintf(askSteps, 2, "field", "age"))
		if run.Status != StatusWaitingReply {
			t.Fatalf("status %s", run.Status)
		}
		phone := f.phoneOf(run.ContactID)
		answer(conv, phone, "12")
		answer(conv, phone, "42")
		if got := f.outTexts(conv); strings.Join(got, "|") != "Age?|Between 18 and 120, please|Age?|Saved 42" {
			t.Fatalf("sent %q", got)
		}
		c, _ := f.contacts.Get(ctx, access.System(f.wsp.ID), run.ContactID)
		if c.Fields["age"] != 42.0 {
			t.Fatalf("field age = %v", c.Fields["age"])
		}

		// Too many invalid answers take the failure exit.
		run, conv = f.runSteps(fmt.Sprintf(askSteps, 1, "variable", "age"))
		phone = f.phoneOf(run.ContactID)
		answer(conv, phone, "old")
		answer(conv, phone, "older")
		if got := f.outTexts(conv); strings.Join(got, "|") != "Age?|Between 18 and 120, please|Age?|Let us move on" {
			t.Fatalf("sent %q", got)
		}
		r, _ := f.svc.GetRun(ctx, f.wsp.ID, run.WorkflowID, run.ID)
		if r.Status != StatusFinished || r.History[len(r.History)-2].Exit != "failure" {
			t.Fatalf("run %s history %+v", r.Status, r.History)
		}

		// Saved to a tag and a variable.
		run, conv = f.runSteps(`[{"id": "q", "type": "ask_question", "settings": {"question": "Plan?", "answer_type": "text",
			"save_to": {"kind": "tag"}}, "exits": {"next": "v"}},
			{"id": "v", "type": "ask_question", "settings": {"question": "City?", "answer_type": "text",
			"save_to": {"kind": "variable", "name": "city"}}, "exits": {"next": "bye"}},
			{"id": "bye", "type": "send_message", "settings": {"text": "{{var.city}} it is"}}]`)
		phone = f.phoneOf(run.ContactID)
		answer(conv, phone, "gold")
		answer(conv, phone, "Lyon")
		c, _ = f.contacts.Get(ctx, access.System(f.wsp.ID), run.ContactID)
		if strings.Join(c.Tags, ",") != "gold" || f.outTexts(conv)[2] != "Lyon it is" {
			t.Fatalf("tags %q, sent %q", c.Tags, f.outTexts(conv))
		}
	})
}

// phoneOf is the external id the fixture's contacts write from.
func (f *fixture) phoneOf(contactID int64) string {
	f.t.Helper()
	var ext string
	if err := f.d.Reader().QueryRow(context.Background(), `SELECT external_id FROM contact_identities WHERE contact_id = ?`, contactID).Scan(&ext); err != nil {
		f.t.Fatal(err)
	}
	return ext
}

// A question's timeout that fires after the contact's answer was stored,
// but before the engine handled that answer's event, takes the answer:
// the timeout reads the conversation's messages since the question in its
// own transaction. Before, the run took its timeout exit ("we did not
// hear from you") with the answer sitting in the conversation; and that
// answer, handled next, is not taken again for the step after.
func TestAskQuestionTimeoutAfterAnUnhandledAnswerTakesIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, conv := f.runSteps(`[{"id": "q", "type": "ask_question", "settings": {"question": "City?", "answer_type": "text",
			"timeout_seconds": 600, "save_to": {"kind": "variable", "name": "city"}}, "exits": {"next": "q2", "timeout": "late"}},
			{"id": "q2", "type": "ask_question", "settings": {"question": "Street?", "answer_type": "text"}, "exits": {"next": "bye"}},
			{"id": "bye", "type": "send_message", "settings": {"text": "{{var.city}} it is"}},
			{"id": "late", "type": "send_message", "settings": {"text": "We did not hear from you"}}]`)
		if run.Status != StatusWaitingReply {
			t.Fatalf("status %s", run.Status)
		}
		// The answer commits; the engine has not read its event when the
		// timeout fires (its cursor moved past it, as if the timer won).
		f.unhandled(func() { f.write(f.phoneOf(run.ContactID), "Lyon") })
		f.clock.Advance(601 * time.Second)
		f.eventually("the next question", func() bool { return len(f.outTexts(conv)) == 2 })
		if got := f.outTexts(conv); strings.Join(got, "|") != "City?|Street?" {
			t.Fatalf("sent %q, want the answer taken and the next question asked", got)
		}
	})
}
