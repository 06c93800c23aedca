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
