package workflow

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// An option whose text is a number is the answer that names it, not the
// option at that position: the quick reply "3" of 3 / 6 / 12 months is 3.
func TestMultipleChoiceNumericOptions(t *testing.T) {
	q := askQuestion{Type: "multiple_choice", Options: []string{"3", "6", "12"}}
	for in, want := range map[string]string{"3": "3", "6": "6", "12": "12", "1": "3", "2": "6"} {
		got, problem := parseAnswer(&q, in)
		if problem != "" || got != want {
			t.Errorf("answer %q: %v (%q), want %q", in, got, problem, want)
		}
	}
}

// Options may hold variables: the contact sees them rendered (in the
// question and its quick replies), so the answer is matched against, and
// saved as, the rendered option. The raw option was compared, so the
// quick reply the contact clicked was "not one of the options", and the
// option's number saved the template itself, braces and all.
func TestMultipleChoiceOptionsWithVariables(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		steps := `[{"id": "who", "type": "ask_question", "settings": {"question": "Who is it for?", "answer_type": "multiple_choice",
			"options": ["{{contact.first_name}}", "Someone else"], "save_to": {"kind": "variable", "name": "who"}}, "exits": {"next": "ok"}},
			{"id": "ok", "type": "send_message", "settings": {"text": "For {{var.who}}"}}]`
		for _, answer := range []string{"maria", "1"} {
			run, conv := f.runSteps(steps)
			if got := f.outTexts(conv); len(got) != 1 || got[0] != "Who is it for?\n1. Maria\n2. Someone else" {
				t.Fatalf("asked %q", got)
			}
			f.write(f.phoneOf(run.ContactID), answer)
			r := f.waitStatus(run.WorkflowID, conv, StatusFinished)
			if got := f.outTexts(conv); r.Data.Vars["who"] != "Maria" || got[len(got)-1] != "For Maria" {
				t.Fatalf("answer %q: saved %v, sent %q", answer, r.Data.Vars["who"], got)
			}
		}
	})
}
