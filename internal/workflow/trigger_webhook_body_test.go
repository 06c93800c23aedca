package workflow

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// An incoming webhook's numbers reach {{trigger.*}} digit for digit: the
// body was decoded into float64s, so an 18-digit order id (Discord's and
// Twitter's ids, many shops' order numbers) rendered with its last
// digits changed, and a Branch compared the wrong number.
func TestWebhookTriggerKeepsEveryDigitOfItsNumbers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		got := f.write("+14155550801", "hi")
		w := f.deploy(`{"name": "Orders", "trigger": {"type": "incoming_webhook", "conditions": {"identify_by": "phone"}},
			"steps": [
			{"id": "b", "type": "branch", "settings": {"branches": [
				{"conditions": [{"subject": "variable", "name": "trigger.order.id", "operator": "equals", "value": "123456789012345679"}]}]},
			 "exits": {"branch[0]": "s", "else": "s"}},
			{"id": "s", "type": "send_message", "settings": {"text": "{{trigger.order.id}} {{trigger.order.total}} {{trigger.ids}}"}}]}`)
		target := f.webhookTarget(w)
		id, err := f.svc.ReceiveWebhook(ctx, target, []byte(`{"contact": {"phone": "+14155550801"},
			"order": {"id": 123456789012345678, "total": 19.90}, "ids": [9007199254740993, 1e2]}`))
		if err != nil {
			t.Fatal(err)
		}
		run := f.settle(w, id)
		want := "123456789012345678 19.90 9007199254740993, 1e2"
		if sent := f.outTexts(got.ConversationID); len(sent) != 1 || sent[0] != want {
			t.Fatalf("sent %q; want %q", sent, want)
		}
		if run.History[0].Exit != "else" {
			t.Fatalf("order id …678 equals …679: %+v", run.History[0])
		}
	})
}

// The webhook's body is {{trigger.*}}, its "type" included: shops and
// payment providers name their event there ("order.paid"), which a
// Branch routes on, and it was overwritten with "incoming_webhook". A
// body without one still reads the trigger's type there.
func TestWebhookTriggerKeepsTheBodysType(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		got := f.write("+14155550802", "hi")
		w := f.deploy(`{"name": "Events", "trigger": {"type": "incoming_webhook", "conditions": {"identify_by": "phone"}},
			"steps": [{"id": "s", "type": "send_message", "settings": {"text": "{{trigger.type}}"}}]}`)
		target := f.webhookTarget(w)
		for _, body := range []string{
			`{"contact": {"phone": "+14155550802"}, "type": "order.paid"}`,
			`{"contact": {"phone": "+14155550802"}}`,
		} {
			id, err := f.svc.ReceiveWebhook(ctx, target, []byte(body))
			if err != nil {
				t.Fatal(err)
			}
			f.settle(w, id)
		}
		if sent := f.outTexts(got.ConversationID); len(sent) != 2 || sent[0] != "order.paid" || sent[1] != "incoming_webhook" {
			t.Fatalf("sent %q", sent)
		}
	})
}

// webhookTarget is the incoming webhook of workflow w, authorized with
// its secret as a caller's request is.
func (f *fixture) webhookTarget(w Workflow) WebhookTarget {
	f.t.Helper()
	ctx := context.Background()
	w, err := f.svc.Get(ctx, f.wsp.ID, w.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	target, err := f.svc.AuthorizeWebhook(ctx, w.ID, w.WebhookSecret)
	if err != nil {
		f.t.Fatal(err)
	}
	return target
}
