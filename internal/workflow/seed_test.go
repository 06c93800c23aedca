package workflow

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// teams creates Sales, Support and Billing with one agent each and returns
// the agents by team. Only busy lists agents made busy.
func (f *fixture) teams(busy ...string) map[string]workspace.User {
	f.t.Helper()
	ctx := context.Background()
	out := map[string]workspace.User{}
	for _, team := range []string{"Sales", "Support", "Billing"} {
		u, err := f.ws.CreateUser(ctx, f.wsp.ID, workspace.NewUser{Email: strings.ToLower(team) + "@acme.test", Name: team + " agent", Role: workspace.RoleAgent})
		if err != nil {
			f.t.Fatal(err)
		}
		for _, b := range busy {
			if b == team {
				status := "busy"
				if u, err = f.ws.UpdateUser(ctx, f.wsp.ID, u.ID, workspace.UserUpdate{Status: &status}); err != nil {
					f.t.Fatal(err)
				}
			}
		}
		if _, err := f.ws.CreateTeam(ctx, f.wsp.ID, workspace.TeamInput{Name: team, MemberIDs: []int64{u.ID}}); err != nil {
			f.t.Fatal(err)
		}
		out[team] = u
	}
	return out
}

// TestSeedFlowEndToEnd runs the seed article's inbound workflow, shipped as
// a template: a contact writes through the custom channel's path, the
// conversation opens, the welcome and the question go out, an invalid
// answer is re-asked, "billing" routes to the Billing team, its online
// agent is assigned, and the run ends with every step in its history.
func TestSeedFlowEndToEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		agents := f.teams()
		def, err := TemplateDefinition("inbound_conversation")
		if err != nil {
			t.Fatal(err)
		}
		w := f.deployDef(def)

		got := f.write("+14155550101", "Hello, I have a question about my invoice")
		if !got.Opened {
			t.Fatal("the first message did not open a conversation")
		}
		conv := got.ConversationID
		f.waitStatus(w.ID, conv, StatusWaitingReply)
		texts := f.outTexts(conv)
		if len(texts) != 2 || texts[0] != "Hi Maria, thanks for getting in touch!" || !strings.HasPrefix(texts[1], "What can we help you with?\n1. Sales\n2. Support\n3. Billing") {
			t.Fatalf("after opening, sent %q", texts)
		}
		if n := f.count(`SELECT COUNT(*) FROM outbound_jobs j JOIN messages m ON m.id = j.message_id WHERE m.conversation_id = ?`, conv); n != 2 {
			t.Fatalf("%d outbound jobs, want 2", n)
		}

		f.write("+14155550101", "pizza")
		f.eventually("the question to be asked again", func() bool { return len(f.outTexts(conv)) == 4 })
		texts = f.outTexts(conv)
		if !strings.HasPrefix(texts[2], "Sorry, please answer Sales, Support or Billing") || !strings.HasPrefix(texts[3], "What can we help you with?") {
			t.Fatalf("re-ask sent %q", texts[2:])
		}
		f.waitStatus(w.ID, conv, StatusWaitingReply)

		f.write("+14155550101", "billing")
		run := f.waitStatus(w.ID, conv, StatusFinished)
		c, err := f.conv.Get(context.Background(), access.System(f.wsp.ID), conv)
		if err != nil {
			t.Fatal(err)
		}
		if c.AssigneeID != agents["Billing"].ID || c.TeamID == 0 {
			t.Fatalf("assigned to user %d team %d, want the Billing agent %d", c.AssigneeID, c.TeamID, agents["Billing"].ID)
		}
		if n := len(f.outTexts(conv)); n != 4 {
			t.Fatalf("%d messages sent in all, want 4", n)
		}
		var steps []string
		for _, e := range run.History {
			steps = append(steps, e.Step+":"+e.Exit)
		}
		want := "welcome:next ask_need: ask_need: ask_need:next route:branch[2] to_billing:next"
		if strings.Join(steps, " ") != want {
			t.Fatalf("history %q, want %q", strings.Join(steps, " "), want)
		}
		if !strings.Contains(run.History[2].Outcome, "invalid answer") || !strings.Contains(run.History[3].Outcome, `"Billing"`) {
			t.Errorf("history outcomes: %q, %q", run.History[2].Outcome, run.History[3].Outcome)
		}
		// The history names the agent, as people read it.
		if last := run.History[len(run.History)-1].Outcome; !strings.Contains(last, agents["Billing"].Name+" (user ") {
			t.Errorf("assignment outcome %q does not name %s", last, agents["Billing"].Name)
		}
		if run.Data.Vars["need"] != "Billing" {
			t.Errorf("variable need = %v", run.Data.Vars["need"])
		}
		// The contact's replies never started a run of their own.
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs`); n != 1 {
			t.Errorf("%d runs, want 1", n)
		}
	})
}
