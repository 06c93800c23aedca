package workflow

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A Branch on assignee_status asks whether the assignee is there: an
// agent whose chosen status is online but whose devices went quiet is
// offline (SPEC §1). It read the chosen status, so a workflow routed
// around an agent who had gone home would still take them for online.
// {{assignee.availability}} says the same; {{assignee.status}} stays the
// chosen one.
func TestAssigneeStatusIsTheirAvailability(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		agent, err := f.ws.CreateUser(ctx, f.wsp.ID, workspace.NewUser{Email: "ana@example.com", Name: "Ana", Role: workspace.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		steps := `[{"id": "b", "type": "branch", "settings": {"branches": [
				{"name": "there", "conditions": [{"subject": "assignee_status", "operator": "equals", "value": "online"}]},
				{"name": "away", "conditions": [{"subject": "assignee_status", "operator": "equals", "value": "offline"}]}]},
			 "exits": {"branch[0]": "there", "branch[1]": "away"}},
			{"id": "there", "type": "send_message", "settings": {"text": "there {{assignee.status}}/{{assignee.availability}}"}},
			{"id": "away", "type": "send_message", "settings": {"text": "away {{assignee.status}}/{{assignee.availability}}"}}]`
		w := f.manual("availability", steps)
		for _, c := range []struct {
			presence string // routing's announced availability; "" never seen
			want     string
		}{
			{"", "away online/offline"},
			{"offline", "away online/offline"},
			{"online", "there online/online"},
		} {
			f.mid++
			got := f.write("+1555000"+itoa(int64(1000+f.mid)), "hi")
			if err := f.assignByHand(got.ConversationID, agent.ID); err != nil {
				t.Fatal(err)
			}
			if err := d.Write(ctx, func(tx *db.Tx) error {
				if _, err := tx.Exec(ctx, `DELETE FROM routing_agents WHERE user_id = ?`, agent.ID); err != nil || c.presence == "" {
					return err
				}
				_, err := tx.Exec(ctx, `INSERT INTO routing_agents (user_id, workspace_id, presence) VALUES (?, ?, ?)`, agent.ID, f.wsp.ID, c.presence)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			f.settle(w, f.startFor(w, got.ContactID))
			if sent := f.outTexts(got.ConversationID); len(sent) != 1 || sent[0] != c.want {
				t.Errorf("presence %q: sent %q, want %q", c.presence, sent, c.want)
			}
		}
	})
}
