package workflow

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

func TestConversationTriggers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.conv.CreateCategory(ctx, f.wsp.ID, "Spam")
		byAPI := f.deploy(`{"name": "api opened", "trigger": {"type": "conversation_opened", "conditions": {"sources": ["api"]}},
			"steps": [{"id": "n", "type": "add_comment", "settings": {"text": "opened by {{trigger.source}}"}}]}`)
		spam := f.deploy(`{"name": "spam closed", "trigger": {"type": "conversation_closed", "conditions": {"categories": ["Spam"], "sources": ["user"]}},
			"steps": [{"id": "t", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["spammer"]}}]}`)

		got := f.write("+14155550200", "hi") // opened by the contact: not api
		if _, err := f.conv.Close(ctx, access.System(f.wsp.ID), got.ConversationID, conversation.CloseInput{Source: "user"}); err != nil {
			t.Fatal(err) // closed without the category: not spam
		}
		c, err := f.conv.Open(ctx, access.System(f.wsp.ID), conversation.OpenInput{ContactID: got.ContactID, Source: "api"})
		if err != nil {
			t.Fatal(err)
		}
		f.waitStatus(byAPI.ID, c.ID, StatusFinished)
		if _, err := f.conv.Close(ctx, access.System(f.wsp.ID), c.ID, conversation.CloseInput{Source: "user", Category: "Spam"}); err != nil {
			t.Fatal(err)
		}
		f.waitStatus(spam.ID, c.ID, StatusFinished)
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs`); n != 2 {
			t.Fatalf("%d runs, want 2: the contact's opening and the plain close match nothing", n)
		}
		pg, _ := f.conv.ListComments(ctx, access.System(f.wsp.ID), c.ID, page.First())
		comments := pg.Data
		if len(comments) != 1 || comments[0].Text != "opened by api" {
			t.Fatalf("comments %+v", comments)
		}
	})
}
