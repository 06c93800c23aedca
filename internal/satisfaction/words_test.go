package satisfaction_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/workflow"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// The survey's words take the workflows' variables, filled for the closed
// conversation as the node wires them (workflow.Engine.RenderTx); the
// link goes in first, so {{link}} — no variable of theirs — is not
// rendered empty.
func TestSurveyWordsTakeVariables(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		engine := workflow.NewEngine(workflow.NewService(d), event.NewHub(), nil, workspace.New(d), workflow.EngineOptions{})
		w.sat.SetRender(engine.RenderTx)
		words := "Thanks {{contact.first_name}}! {{assignee.name}} would love to hear how it went: {{link}}{{var.none}}"
		if _, err := workspace.New(d).Update(ctx, w.ws.ID, workspace.Settings{SatisfactionSurvey: &workspace.SurveyInput{Message: &words}}); err != nil {
			t.Fatal(err)
		}
		conv := w.writeIn(t, "+14155550100", "m1")
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE contacts SET first_name = 'Rita' WHERE id = (SELECT contact_id FROM conversations WHERE id = ?)`, conv)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		w.assign(t, conv, w.bob)
		w.closeBy(t, conv, conversation.SourceUser)

		s := w.surveysOf(t, conv)
		if len(s) != 1 {
			t.Fatalf("%d surveys, want 1", len(s))
		}
		re := regexp.MustCompile(`^Thanks Rita! bob@acme\.test would love to hear how it went: https://sb\.acme\.test/rate/([A-Za-z0-9_-]{32})$`)
		if m := re.FindStringSubmatch(s[0].text); m == nil || m[1] != s[0].token {
			t.Fatalf("survey message %q: want the words filled in, with the link to token %q", s[0].text, s[0].token)
		}
	})
}
