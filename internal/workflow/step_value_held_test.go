package workflow

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// An email or phone another contact of the workspace already holds cannot
// be saved on the run's contact (one contact per phone and per email),
// and the step failed with the store's 409, failing the run. SPEC §2: a
// phone or email seen on two contacts raises a merge suggestion. The
// value is now left where it is, the pair is suggested for a merge (the
// suggestion every other pair gets, listed with them), the step goes on
// by its success path and its history line says why nothing was saved.
// A variable or a tag takes the answer as always.
func TestValueAnotherContactHolds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		holder, err := f.contacts.Create(ctx, f.wsp.ID, contact.Input{FirstName: ptrTo("Ada"),
			Email: ptrTo("ada@example.com"), Phone: ptrTo("+14155550100")})
		if err != nil {
			t.Fatal(err)
		}
		ask := func(answerType, saveTo string) string {
			return `[{"id": "q", "type": "ask_question", "settings": {"question": "?", "answer_type": "` + answerType + `",
				"save_to": ` + saveTo + `}, "exits": {"next": "ok", "failure": "ko"}},
				{"id": "ok", "type": "send_message", "settings": {"text": "thanks {{step.q.answer}}"}},
				{"id": "ko", "type": "send_message", "settings": {"text": "failed"}}]`
		}
		held := func(field string) string {
			return fmt.Sprintf("%s not saved: contact #%d holds it; a merge was suggested", field, holder.ID)
		}
		for _, c := range []struct {
			name, steps, answer string
			step, outcome       string // the history line of the step that saves
			sent                string // the last message sent ("" for none)
			suggested           string // the merge suggestion's reason ("" for none)
			check               func(t *testing.T, got contact.Contact, r Run)
		}{
			{name: "email answer", steps: ask("email", `{"kind": "field", "name": "email"}`), answer: "Ada@Example.com",
				step: "q", outcome: `answered "ada@example.com"; ` + held("email"), sent: "thanks ada@example.com", suggested: "email"},
			{name: "phone answer", steps: ask("phone", `{"kind": "field", "name": "phone"}`), answer: "+1 415 555 0100",
				step: "q", outcome: `answered "+14155550100"; ` + held("phone"), sent: "thanks +14155550100", suggested: "phone"},
			{name: "update contact field", steps: `[{"id": "set", "type": "update_contact_field", "settings": {"field": "email", "value": "ADA@example.com"},
				"exits": {"next": "ok", "failure": "ko"}},
				{"id": "ok", "type": "send_message", "settings": {"text": "set"}},
				{"id": "ko", "type": "send_message", "settings": {"text": "failed"}}]`,
				step: "set", outcome: held("email"), sent: "set", suggested: "email"},
			{name: "variable", steps: ask("email", `{"kind": "variable", "name": "mail"}`), answer: "ada@example.com",
				step: "q", outcome: `answered "ada@example.com"`, sent: "thanks ada@example.com",
				check: func(t *testing.T, _ contact.Contact, r Run) {
					if r.Data.Vars["mail"] != "ada@example.com" {
						t.Errorf("variables %v", r.Data.Vars)
					}
				}},
			{name: "tag", steps: ask("email", `{"kind": "tag"}`), answer: "ada@example.com",
				step: "q", outcome: `answered "ada@example.com"`, sent: "thanks ada@example.com",
				check: func(t *testing.T, got contact.Contact, _ Run) {
					if strings.Join(got.Tags, ",") != "ada@example.com" {
						t.Errorf("tags %q", got.Tags)
					}
				}},
		} {
			t.Run(c.name, func(t *testing.T) {
				run, conv := f.runSteps(c.steps)
				if c.answer != "" {
					f.write(f.phoneOf(run.ContactID), c.answer)
				}
				r := f.waitStatus(run.WorkflowID, conv, StatusFinished)
				var line Entry
				for _, e := range r.History {
					if e.Step == c.step && e.Exit != "" {
						line = e
					}
				}
				if line.Exit != "next" || line.Outcome != c.outcome {
					t.Errorf("history line %+v, want next with %q", line, c.outcome)
				}
				if sent := f.outTexts(conv); len(sent) == 0 || sent[len(sent)-1] != c.sent {
					t.Errorf("sent %q, want %q last", sent, c.sent)
				}
				got, _ := f.contacts.Get(ctx, access.System(f.wsp.ID), run.ContactID)
				if got.Email != "" || got.Phone != f.phoneOf(run.ContactID) {
					t.Errorf("the contact took the value: email %q phone %q", got.Email, got.Phone)
				}
				if c.check != nil {
					c.check(t, got, r)
				}
				suggestions, err := f.contacts.MergeSuggestions(ctx, access.System(f.wsp.ID))
				if err != nil {
					t.Fatal(err)
				}
				var reason, value string
				for _, s := range suggestions {
					if s.A.ID == holder.ID && s.B.ID == run.ContactID {
						reason, value = s.Reason, s.Value
					}
				}
				want := map[string]string{"email": "ada@example.com", "phone": "+14155550100"}[c.suggested]
				if reason != c.suggested || value != want {
					t.Errorf("merge suggestion %q %q, want %q %q (all: %+v)", reason, value, c.suggested, want, suggestions)
				}
			})
		}
	})
}

func ptrTo(s string) *string { return &s }
