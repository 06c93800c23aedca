package ai_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func examples(s ...string) *[]string { return &s }

func TestIntentsAndClassify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		c, err := e.svc.Classify(ctx, e.ws, "where is my order", ai.ClassifyOptions{})
		if err != nil || c.Intent != ai.NoIntent {
			t.Fatalf("no intents: %+v %v", c, err)
		}
		order, err := e.svc.CreateIntent(ctx, e.ws, ai.IntentInput{Name: str("order_status"),
			Examples: examples("Where is my order?", " my package has not arrived ", "Où est ma commande ?", "Where is my order?")})
		if err != nil || len(order.Examples) != 3 {
			t.Fatalf("create: %+v %v", order, err)
		}
		if _, err := e.svc.CreateIntent(ctx, e.ws, ai.IntentInput{Name: str("human"), Examples: examples("I want to talk to a human", "a real person please", "je veux parler à quelqu'un")}); err != nil {
			t.Fatal(err)
		}
		for _, in := range []ai.IntentInput{
			{Name: str("none"), Examples: examples("x")},
			{Name: str("Bad Name"), Examples: examples("x")},
			{Name: str("empty"), Examples: examples(" ")},
			{Name: str("noexamples")},
		} {
			if _, err := e.svc.CreateIntent(ctx, e.ws, in); apperr.KindOf(err) != apperr.KindInvalid {
				t.Errorf("%v: %v", *in.Name, err)
			}
		}
		if _, err := e.svc.CreateIntent(ctx, e.ws, ai.IntentInput{Name: str("human"), Examples: examples("x")}); apperr.KindOf(err) != apperr.KindConflict {
			t.Errorf("duplicate: %v", err)
		}
		c, err = e.svc.Classify(ctx, e.ws, "où est mon colis ?", ai.ClassifyOptions{})
		if err != nil || c.Intent != "order_status" || c.Method != "classifier" || c.Language != "fr" || len(c.Scores) != 2 {
			t.Fatalf("classify: %+v %v", c, err)
		}
		if c, _ := e.svc.Classify(ctx, e.ws, "xylophone quasar nebula", ai.ClassifyOptions{}); c.Intent != ai.NoIntent {
			t.Fatalf("unknown: %+v", c)
		}
		// Changing the examples retrains.
		if _, err := e.svc.UpdateIntent(ctx, e.ws, order.ID, ai.IntentInput{Examples: examples("xylophone quasar nebula")}); err != nil {
			t.Fatal(err)
		}
		if c, _ := e.svc.Classify(ctx, e.ws, "xylophone quasar nebula", ai.ClassifyOptions{}); c.Intent != "order_status" {
			t.Fatalf("after retraining: %+v", c)
		}
		list, _ := e.svc.Intents(ctx, e.ws)
		if len(list) != 2 || list[0].Name != "human" {
			t.Fatalf("list: %+v", list)
		}
		if err := e.svc.DeleteIntent(ctx, e.ws, order.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Intent(ctx, e.ws, order.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("deleted: %v", err)
		}
	})
}

func TestClassifyWithLLM(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		for name, ex := range map[string][]string{"order_status": {"where is my order"}, "refund": {"I want my money back"}} {
			if _, err := e.svc.CreateIntent(ctx, e.ws, ai.IntentInput{Name: str(name), Examples: &ex}); err != nil {
				t.Fatal(err)
			}
		}
		p := newProvider(t, completion("refund", 30, 1), completion("Sure! I think it is about shipping", 30, 8),
			answer{status: 400, body: `{"error":{"message":"bad"}}`})
		e.configure(t, p, ai.SettingsInput{LLMClassify: ptrB(true)})
		c, err := e.svc.Classify(ctx, e.ws, "I was charged twice", ai.ClassifyOptions{})
		if err != nil || c.Intent != "refund" || c.Method != "llm" {
			t.Fatalf("llm: %+v %v", c, err)
		}
		sys := p.requests()[0]["messages"].([]any)[0].(map[string]any)["content"].(string)
		if sys == "" {
			t.Fatal("no system prompt")
		}
		// An answer that is not an intent name, or an error: the local classifier.
		for range 2 {
			c, err = e.svc.Classify(ctx, e.ws, "where is my order please", ai.ClassifyOptions{})
			if err != nil || c.Method != "classifier" || c.Intent != "order_status" {
				t.Fatalf("fallback: %+v %v", c, err)
			}
		}
	})
}
