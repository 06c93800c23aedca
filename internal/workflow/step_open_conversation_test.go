package workflow

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestOpenConversation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		run, conv := f.runSteps(`[
			{"id": "open1", "type": "open_conversation", "exits": {"next": "close"}},
			{"id": "close", "type": "close_conversation", "exits": {"next": "open2"}},
			{"id": "open2", "type": "open_conversation", "exits": {"next": "say"}},
			{"id": "say", "type": "send_message", "settings": {"text": "A new conversation"}}]`)
		if run.Status != StatusFinished {
			t.Fatalf("status %s %q", run.Status, run.Error)
		}
		if run.History[0].Outcome != "conversation "+itoa(conv)+" was already open" {
			t.Fatalf("history %+v", run.History[0])
		}
		r, _ := f.svc.GetRun(ctx, f.wsp.ID, run.WorkflowID, run.ID)
		opened, _ := f.conv.Get(ctx, access.System(f.wsp.ID), r.ConversationID)
		if opened.ID == conv || opened.OpenedSource != "workflow" || opened.ChannelID != f.ch.ID ||
			strings.Join(f.outTexts(opened.ID), "") != "A new conversation" {
			t.Fatalf("opened %+v sent %q", opened, f.outTexts(opened.ID))
		}
	})
}

// A contact with no identity on any channel (made by the API or an
// import) has no channel a conversation could be on: the step opened one
// on channel 0, where nothing could be sent or received. It now fails,
// by its failure exit when wired, the run failing otherwise, and opens
// nothing.
func TestOpenConversationWithoutChannel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		for _, c := range []struct {
			name, steps, status, exit string
		}{
			{"failure exit", `[{"id": "open", "type": "open_conversation", "exits": {"next": "ok", "failure": "tag"}},
				{"id": "ok", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["opened"]}},
				{"id": "tag", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["unreachable"]}}]`, StatusFinished, "failure"},
			{"no failure exit", `[{"id": "open", "type": "open_conversation"}]`, StatusFailed, ""},
		} {
			who, err := f.contacts.Create(ctx, f.wsp.ID, contactInput("Imported"))
			if err != nil {
				t.Fatal(err)
			}
			w := f.manual(c.name, c.steps)
			run := f.settle(w, f.startFor(w, who.ID))
			open := run.History[0]
			if run.Status != c.status || open.Exit != c.exit || !strings.Contains(open.Error, "no channel to talk on") {
				t.Errorf("%s: run %s %q, history %+v", c.name, run.Status, run.Error, run.History)
			}
			if n := f.count(`SELECT COUNT(*) FROM conversations WHERE contact_id = ?`, who.ID); n != 0 {
				t.Errorf("%s: %d conversations opened", c.name, n)
			}
			if c.exit == "failure" {
				got, _ := f.contacts.Get(ctx, access.System(f.wsp.ID), who.ID)
				if strings.Join(got.Tags, ",") != "unreachable" {
					t.Errorf("%s: tags %q", c.name, got.Tags)
				}
			}
		}
	})
}
