package aiagent_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/aiagent"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/routing"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func TestAgentSettings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		a := f.agent(aiagent.Input{Instructions: ptr("Be brief."), Tone: ptr("friendly"), SourceIDs: &[]int64{0},
			Actions: &[]string{"reply", "tags", "reply"}, Topics: &[]string{" delivery ", ""}, HandoverTeamID: &f.support})
		if a.Name != "Sam" || a.Instructions != "Be brief." || len(a.SourceIDs) != 1 || len(a.Actions) != 2 ||
			len(a.Topics) != 1 || a.Topics[0] != "delivery" || a.HandoverTeamID != f.support || !a.Enabled || a.MaxTurns != 5 {
			t.Fatalf("agent = %+v", a)
		}
		// A member of kind ai_agent, with no account and no email.
		u, err := workspace.New(d).GetUser(ctx, f.ws, a.ID)
		if err != nil || u.Kind != workspace.KindAIAgent || u.Email != "" || u.Role != "agent" {
			t.Fatalf("member = %+v, %v", u, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM users WHERE id = ? AND account_id IS NULL`, a.ID); n != 1 {
			t.Fatal("an AI agent has an account")
		}
		a, err = f.svc.Update(ctx, f.ws, a.ID, aiagent.Input{Name: ptr("Samantha"), AllSources: ptr(true), MaxTurns: ptr(0), Topics: &[]string{}})
		if err != nil || a.Name != "Samantha" || a.SourceIDs != nil || a.MaxTurns != 0 || a.Tone != "friendly" {
			t.Fatalf("updated = %+v, %v", a, err)
		}
		for _, tc := range []struct {
			name string
			in   aiagent.Input
		}{
			{"no name", aiagent.Input{Name: ptr(" ")}},
			{"unknown action", aiagent.Input{Actions: &[]string{"delete_everything"}}},
			{"unknown source", aiagent.Input{SourceIDs: &[]int64{999}}},
			{"unknown team", aiagent.Input{HandoverTeamID: ptr(int64(999))}},
			{"AI hand-over person", aiagent.Input{HandoverUserID: &a.ID}},
			{"max turns", aiagent.Input{MaxTurns: ptr(-1)}},
			{"confidence", aiagent.Input{MinConfidence: ptr(1.5)}},
		} {
			_, err := f.svc.Update(ctx, f.ws, a.ID, tc.in)
			if apperr.KindOf(err) != apperr.KindInvalid {
				t.Errorf("%s: err = %v, want invalid", tc.name, err)
			}
		}
		list, err := f.svc.List(ctx, f.ws)
		if err != nil || len(list) != 1 || list[0].Name != "Samantha" {
			t.Fatalf("list = %+v, %v", list, err)
		}
		// Deleting leaves its open conversations unassigned.
		f.articles()
		c := f.converse(a.ID, "+15551200", "How do I reset my password?")
		if conv := f.conversation(c); conv.AssigneeID != a.ID {
			t.Fatalf("not the agent's: %+v", conv)
		}
		if err := f.svc.Delete(ctx, f.ws, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Get(ctx, f.ws, a.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("get after delete: %v", err)
		}
		if conv := f.conversation(c); conv.AssigneeID != 0 {
			t.Fatalf("still assigned to the deleted agent: %+v", conv)
		}
	})
}

// Routing never gives a team's or the workspace's conversations to an AI
// agent, even one in the team; named, an AI agent is always available.
func TestRoutingLeavesAIAgentsOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		a := f.agent(aiagent.Input{})
		if _, err := workspace.New(d).UpdateTeam(ctx, f.ws, f.support, workspace.TeamInput{Name: "Support", MemberIDs: []int64{f.ana, a.ID}}); err != nil {
			t.Fatal(err)
		}
		for i, target := range []string{routing.TargetTeam, routing.TargetWorkspace} {
			r := f.write("+1555130"+string(rune('0'+i)), "hello")
			res, err := f.route.Assign(ctx, routing.Request{WorkspaceID: f.ws, ConversationID: r.ConversationID, Target: target,
				TeamID: f.support, Source: "api"})
			if err != nil {
				t.Fatal(err)
			}
			if res.UserID == a.ID {
				t.Fatalf("%s target chose the AI agent", target)
			}
		}
		// Named, with only-online and a max-open filter: assigned.
		r := f.write("+15551310", "hello")
		res, err := f.route.Assign(ctx, routing.Request{WorkspaceID: f.ws, ConversationID: r.ConversationID, Target: routing.TargetUser,
			UserID: a.ID, OnlyOnline: true, MaxOpen: 1, Source: "workflow"})
		if err != nil || !res.Assigned || res.UserID != a.ID {
			t.Fatalf("named AI agent: %+v, %v", res, err)
		}
		f.idle()
	})
}

// An AI agent's presence says what routing does with it: online, no
// capacity, whatever heartbeats (it has none).
func TestAIAgentPresence(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.agent(aiagent.Input{})
		pg, err := f.route.Presences(context.Background(), f.ws, page.All())
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pg.Data {
			switch p.UserID {
			case a.ID:
				if p.Availability != routing.Online || p.Capacity != 0 {
					t.Fatalf("AI agent presence = %+v", p)
				}
			case f.ana:
				if p.Availability != routing.Offline {
					t.Fatalf("Ana, never seen, is %s", p.Availability)
				}
			}
		}
	})
}
