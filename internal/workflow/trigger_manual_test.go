package workflow

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestShortcutTrigger(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		got := f.write("+14155550500", "hi")
		w := f.deploy(`{"name": "Refund", "trigger": {"type": "shortcut", "conditions": {"inputs": [{"name": "amount", "type": "number", "required": true}]}},
			"steps": [{"id": "s", "type": "send_message", "settings": {"text": "Refunding {{var.amount}}"}}]}`)
		_, err := f.svc.StartRun(ctx, f.wsp.ID, w.ID, StartInput{ContactID: got.ContactID})
		if !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("a missing required input: %v", err)
		}
		run, err := f.svc.StartRun(ctx, f.wsp.ID, w.ID, StartInput{ContactID: got.ContactID, Inputs: map[string]any{"amount": 12.5}})
		if err != nil {
			t.Fatal(err)
		}
		f.settle(w, run.ID)
		if sent := f.outTexts(got.ConversationID); len(sent) != 1 || sent[0] != "Refunding 12.5" {
			t.Fatalf("sent %q", sent)
		}
		// Event workflows do not start by hand.
		ev := f.deploy(`{"name": "ev", "trigger": {"type": "conversation_closed"}, "steps": [{"id": "w", "type": "wait", "settings": {"seconds": 1}}]}`)
		if _, err := f.svc.StartRun(ctx, f.wsp.ID, ev.ID, StartInput{ContactID: got.ContactID}); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("started an event workflow by hand: %v", err)
		}
	})
}
