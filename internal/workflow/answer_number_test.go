package workflow

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// NaN and infinities are no numbers a contact can mean (nor a location's
// coordinates); taken as valid, they cannot be stored (JSON has no such
// numbers).
func TestNumberAnswerNotFinite(t *testing.T) {
	q := askQuestion{Type: "number"}
	for _, in := range []string{"NaN", "nan", "Inf", "-inf", "+Infinity", "infinity"} {
		if got, problem := parseAnswer(&q, in); problem == "" {
			t.Errorf("answer %q taken as the number %v", in, got)
		}
	}
	loc := askQuestion{Type: "location"}
	for _, in := range []string{"nan, 2.35", "48.85, NaN"} {
		if got, problem := parseAnswer(&loc, in); problem == "" {
			t.Errorf("answer %q taken as the location %v", in, got)
		}
	}
}

// A number answer is read as people write it (contact.ParseNumber):
// "1,000" is a thousand, not one.
func TestNumberAnswerAsWritten(t *testing.T) {
	q := askQuestion{Type: "number"}
	if v, problem := parseAnswer(&q, " 1,000 "); problem != "" || v != 1000.0 {
		t.Errorf(`answer "1,000" = %v (%s), want 1000`, v, problem)
	}
}

// A run whose contact answers "nan" to a number question is re-asked, not
// stuck: the run, and the consumer's batch that resumes it, must commit.
func TestNumberAnswerNaNRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, conv := f.runSteps(`[{"id": "q", "type": "ask_question", "settings": {"question": "How many?", "answer_type": "number",
			"error_text": "A number, please", "save_to": {"kind": "variable", "name": "n"}}, "exits": {"next": "ok"}},
			{"id": "ok", "type": "send_message", "settings": {"text": "Got {{var.n}}"}}]`)
		phone := f.phoneOf(run.ContactID)
		f.write(phone, "nan")
		f.eventually("the question re-asked", func() bool { return len(f.outTexts(conv)) == 3 })
		f.write(phone, "7")
		f.eventually("the answer saved", func() bool { return len(f.outTexts(conv)) == 4 })
		if got := strings.Join(f.outTexts(conv), "|"); got != "How many?|A number, please|How many?|Got 7" {
			t.Fatalf("sent %q", got)
		}
		r, _ := f.svc.GetRun(context.Background(), f.wsp.ID, run.WorkflowID, run.ID)
		if r.Status != StatusFinished {
			t.Fatalf("run %s", r.Status)
		}
	})
}
