package workflow

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func TestAddComment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		u, err := f.ws.CreateUser(ctx, f.wsp.ID, workspace.NewUser{Email: "ana@acme.test", Name: "Ana"})
		if err != nil {
			t.Fatal(err)
		}
		run, conv := f.runSteps(`[{"id": "n", "type": "add_comment", "settings": {"text": "@ana@acme.test {{contact.first_name}} needs a call"}}]`)
		if run.Status != StatusFinished {
			t.Fatalf("status %s %q", run.Status, run.Error)
		}
		pg, _ := f.conv.ListComments(ctx, access.System(f.wsp.ID), conv, page.First())
		comments := pg.Data
		if len(comments) != 1 || comments[0].Text != "@ana@acme.test Maria needs a call" || len(comments[0].Mentions) != 1 || comments[0].Mentions[0] != u.ID {
			t.Fatalf("comments %+v", comments)
		}
		if len(f.outTexts(conv)) != 0 {
			t.Fatal("a comment was sent to the contact")
		}
	})
}
