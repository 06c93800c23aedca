package workflow

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// aiClassifier serves the step from internal/ai, as the node does.
type aiClassifier struct{ s *ai.Service }

func (a aiClassifier) ClassifyIntent(ctx context.Context, workspaceID int64, text string, threshold float64) (Classified, error) {
	c, err := a.s.Classify(ctx, workspaceID, text, ai.ClassifyOptions{Threshold: threshold})
	return Classified{Intent: c.Intent, Confidence: c.Confidence, Language: c.Language, Method: c.Method}, err
}

func TestClassifyStep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		svc := ai.New(d, ai.Options{})
		f := newFixtureWith(t, d, func(f *fixture) { f.classifier = aiClassifier{svc} })
		ctx := context.Background()
		for name, ex := range map[string][]string{
			"order_status": {"Where is my order?", "my package has not arrived", "Où est ma commande ?", "mon colis n'est pas arrivé"},
			"refund":       {"I want a refund", "give me my money back", "je veux être remboursé", "remboursez-moi"},
		} {
			if _, err := svc.CreateIntent(ctx, f.wsp.ID, ai.IntentInput{Name: &name, Examples: &ex}); err != nil {
				t.Fatal(err)
			}
		}
		steps := `[
			{"id": "c", "type": "classify", "settings": {"save_to": "topic", "detect_language": true}, "exits": {"next": "b", "none": "n"}},
			{"id": "b", "type": "branch", "settings": {"branches": [{"conditions": [{"subject": "variable", "name": "topic", "operator": "equals", "value": "refund"}]}]},
				"exits": {"branch[0]": "r", "else": "o"}},
			{"id": "r", "type": "add_comment", "settings": {"text": "refund {{step.c.confidence}}"}},
			{"id": "o", "type": "add_comment", "settings": {"text": "other: {{var.topic}}"}},
			{"id": "n", "type": "add_comment", "settings": {"text": "none"}}]`
		w := f.manual("classify", steps)
		got := f.write("+19995550101", "Bonjour, je voudrais être remboursé de ma commande s'il vous plaît")
		run := f.settle(w, f.startFor(w, got.ContactID))
		if run.Status != StatusFinished || run.Data.Vars["topic"] != "refund" || run.History[0].Exit != "next" || run.History[2].Step != "r" {
			t.Fatalf("run %s %q vars %v history %+v", run.Status, run.Error, run.Data.Vars, run.History)
		}
		c, _ := f.contacts.Get(ctx, access.System(f.wsp.ID), got.ContactID)
		if c.Language != "fr" {
			t.Fatalf("language %q", c.Language)
		}
		// A message no intent fits takes none; a template text is classified.
		got = f.write("+19995550102", "xylophone quasar nebula")
		run = f.settle(w, f.startFor(w, got.ContactID))
		if run.Data.Vars["topic"] != "none" || run.History[0].Exit != "none" || run.History[1].Step != "n" {
			t.Fatalf("none: vars %v history %+v", run.Data.Vars, run.History)
		}
		run, _ = f.runSteps(`[{"id": "c", "type": "classify", "settings": {"text": "where is my order {{contact.first_name}}", "contact_field": "last_name"}}]`)
		if run.Data.Vars["intent"] != "order_status" || !strings.Contains(run.History[0].Outcome, "order_status") {
			t.Fatalf("template: vars %v history %+v", run.Data.Vars, run.History)
		}
		c, _ = f.contacts.Get(ctx, access.System(f.wsp.ID), run.ContactID)
		if c.LastName != "order_status" {
			t.Fatalf("contact field: %+v", c)
		}
	})
}

func TestClassifyStepWithoutClassifier(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, _ := f.runSteps(`[{"id": "c", "type": "classify", "exits": {"none": "n"}}, {"id": "n", "type": "add_comment", "settings": {"text": "none"}}]`)
		if run.Status != StatusFinished || run.Data.Vars["intent"] != "none" || run.History[0].Exit != "none" || !strings.Contains(run.History[0].Outcome, "no classifier") {
			t.Fatalf("run %+v", run)
		}
	})
}

func TestClassifyStepSettingsChecked(t *testing.T) {
	for _, settings := range []string{`{"save_to": "bad name"}`, `{"threshold": 2}`} {
		d, err := ParseDefinition([]byte(`{"name": "x", "trigger": {"type": "manual"}, "steps": [{"id": "c", "type": "classify", "settings": ` + settings + `}]}`))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Validate(&d); err == nil {
			t.Errorf("%s accepted", settings)
		}
	}
}

// With no confident intent (no classifier at all, here), the contact
// field is left as it was: "none" is no intent to store, and a list field
// whose options are the intents refused it, which failed the whole run
// (the step has no failure exit).
func TestClassifyNoneLeavesTheContactField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		if _, err := f.contacts.CreateField(ctx, f.wsp.ID, contact.Field{Key: "topic", Name: "Topic", Type: "list", Options: []string{"refund", "order_status"}}); err != nil {
			t.Fatal(err)
		}
		run, _ := f.runSteps(`[{"id": "c", "type": "classify", "settings": {"contact_field": "topic"}, "exits": {"none": "n"}},
			{"id": "n", "type": "add_comment", "settings": {"text": "none"}}]`)
		if run.Status != StatusFinished || run.History[0].Exit != "none" {
			t.Fatalf("run %s %q history %+v", run.Status, run.Error, run.History)
		}
		c, _ := f.contacts.Get(ctx, access.System(f.wsp.ID), run.ContactID)
		if v, ok := c.Fields["topic"]; ok && v != nil && v != "" {
			t.Fatalf("the topic field holds %v", v)
		}
	})
}
