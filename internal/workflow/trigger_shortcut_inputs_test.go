package workflow

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A shortcut's inputs are checked against their types, as a question's
// answers are: a value that is not one is refused with 422 naming the
// input, and nothing starts; a valid one becomes the variable in its
// normal form (a number, an E.164 phone, an ISO date, a lowercase email).
func TestShortcutInputsAreCheckedByType(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		got := f.write("+14155550501", "hi")
		w := f.deploy(`{"name": "Callback", "trigger": {"type": "shortcut", "conditions": {"inputs": [
			{"name": "amount", "type": "number"}, {"name": "mail", "type": "email"},
			{"name": "phone", "type": "phone"}, {"name": "day", "type": "date"}, {"name": "note"}]}},
			"steps": [{"id": "s", "type": "send_message", "settings": {"text": "{{var.amount}}|{{var.mail}}|{{var.phone}}|{{var.day}}|{{var.note}}"}}]}`)
		bad := []struct{ input, value string }{
			{"amount", "abc"}, {"amount", "NaN"}, {"mail", "nope"}, {"phone", "12"}, {"day", "31/02/2026"},
			{"amout", "12"}, // no input of the shortcut: a typo would be dropped without a word
		}
		for _, b := range bad {
			_, err := f.svc.StartRun(ctx, f.wsp.ID, w.ID, StartInput{ContactID: got.ContactID, Inputs: map[string]any{b.input: b.value}})
			var e *apperr.Error
			if !errors.As(err, &e) || e.Kind != apperr.KindInvalid || e.Field != "inputs."+b.input {
				t.Errorf("%s = %q: %v; want 422 on inputs.%s", b.input, b.value, err, b.input)
			}
		}
		var runs int
		if err := d.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ?`, w.ID).Scan(&runs); err != nil {
			t.Fatal(err)
		}
		if runs != 0 {
			t.Fatalf("%d runs started by refused inputs", runs)
		}
		run, err := f.svc.StartRun(ctx, f.wsp.ID, w.ID, StartInput{ContactID: got.ContactID, Inputs: map[string]any{
			"amount": "12,5", "mail": " Ada@Example.COM ", "phone": "+1 415 555 0199", "day": "24/12/2026", "note": "as typed"}})
		if err != nil {
			t.Fatal(err)
		}
		f.settle(w, run.ID)
		want := "12.5|ada@example.com|+14155550199|2026-12-24|as typed"
		if sent := f.outTexts(got.ConversationID); len(sent) != 1 || sent[0] != want {
			t.Fatalf("sent %q; want %q", sent, want)
		}
	})
}

// {{trigger.inputs.*}} holds what {{var.*}} holds: the inputs as their
// types clean them (a number, an E.164 phone, an ISO date, a lowercase
// email), not as they were typed into the form.
func TestShortcutTriggerInputsHoldTheCleanedValues(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		got := f.write("+14155550502", "hi")
		w := f.deploy(`{"name": "Callback", "trigger": {"type": "shortcut", "conditions": {"inputs": [
			{"name": "amount", "type": "number"}, {"name": "mail", "type": "email"},
			{"name": "phone", "type": "phone"}, {"name": "day", "type": "date"}, {"name": "note"}]}},
			"steps": [{"id": "s", "type": "send_message", "settings": {"text":
			"{{trigger.inputs.amount}}|{{trigger.inputs.mail}}|{{trigger.inputs.phone}}|{{trigger.inputs.day}}|{{trigger.inputs.note}}"}}]}`)
		run, err := f.svc.StartRun(ctx, f.wsp.ID, w.ID, StartInput{ContactID: got.ContactID, Inputs: map[string]any{
			"amount": "12,5", "mail": " Ada@Example.COM ", "phone": "+1 415 555 0199", "day": "24/12/2026", "note": "as typed"}})
		if err != nil {
			t.Fatal(err)
		}
		f.settle(w, run.ID)
		want := "12.5|ada@example.com|+14155550199|2026-12-24|as typed"
		if sent := f.outTexts(got.ConversationID); len(sent) != 1 || sent[0] != want {
			t.Fatalf("sent %q; want %q", sent, want)
		}
	})
}
