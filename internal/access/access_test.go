package access

import (
	"slices"
	"testing"
)

func TestSeesConversation(t *testing.T) {
	agent := Principal{WorkspaceID: 1, UserID: 7, Role: RoleAgent, Teams: []int64{2, 5}, Can: Defaults(RoleAgent)}
	widened := agent
	widened.Can.SeeAllConversations = true
	manager := Principal{WorkspaceID: 1, UserID: 8, Role: RoleManager, Can: Defaults(RoleManager)}
	token := Principal{WorkspaceID: 1, Role: RoleOwner}
	cases := []struct {
		name           string
		p              Principal
		assignee, team int64
		want           bool
	}{
		{"agent: own", agent, 7, 0, true},
		{"agent: own in another team", agent, 7, 9, true},
		{"agent: team's unassigned", agent, 0, 5, true},
		{"agent: other team's unassigned", agent, 0, 9, false},
		{"agent: unassigned, no team", agent, 0, 0, false},
		{"agent: a teammate's", agent, 3, 2, false},
		{"agent widened: a teammate's", widened, 3, 2, true},
		{"manager: anyone's", manager, 3, 9, true},
		{"workspace token", token, 3, 9, true},
	}
	for _, c := range cases {
		if got := c.p.SeesConversation(c.assignee, c.team); got != c.want {
			t.Errorf("%s: SeesConversation(%d, %d) = %v, want %v", c.name, c.assignee, c.team, got, c.want)
		}
	}
}

func TestSeesContact(t *testing.T) {
	agent := Principal{WorkspaceID: 1, UserID: 7, Role: RoleAgent, Teams: []int64{2, 5}, Can: Defaults(RoleAgent)}
	manager := Principal{WorkspaceID: 1, UserID: 8, Role: RoleManager, Can: Defaults(RoleManager)}
	cases := []struct {
		name  string
		p     Principal
		convs []Holding
		want  bool
	}{
		{"agent: no conversation yet", agent, nil, true},
		{"agent: one of its own", agent, []Holding{{3, 2}, {7, 9}}, true},
		{"agent: its team's unassigned", agent, []Holding{{0, 5}}, true},
		{"agent: only others'", agent, []Holding{{3, 2}, {0, 9}, {0, 0}}, false},
		{"manager: others'", manager, []Holding{{3, 2}}, true},
	}
	for _, c := range cases {
		if got := c.p.SeesContact(c.convs); got != c.want {
			t.Errorf("%s: SeesContact(%v) = %v, want %v", c.name, c.convs, got, c.want)
		}
	}
}

func TestConversationScope(t *testing.T) {
	agent := Principal{UserID: 7, Role: RoleAgent, Teams: []int64{2, 5}}
	q, args := agent.ConversationScope("c")
	if want := "(c.assignee_id = ? OR (c.assignee_id IS NULL AND c.team_id IN (?, ?)))"; q != want {
		t.Errorf("scope = %q, want %q", q, want)
	}
	if !slices.Equal(args, []any{int64(7), int64(2), int64(5)}) {
		t.Errorf("args = %v", args)
	}
	noTeams := Principal{UserID: 7, Role: RoleAgent}
	if q, _ := noTeams.ConversationScope(""); q != "assignee_id = ?" {
		t.Errorf("scope without teams = %q", q)
	}
	if q, args := (Principal{UserID: 8, Role: RoleManager, Can: Defaults(RoleManager)}).ConversationScope("c"); q != "1=1" || args != nil {
		t.Errorf("manager scope = %q %v", q, args)
	}
	// Owners may restrict managers too; owners themselves never are.
	if q, _ := (Principal{UserID: 8, Role: RoleManager}).ConversationScope(""); q != "assignee_id = ?" {
		t.Errorf("restricted manager scope = %q", q)
	}
	if q, _ := (Principal{UserID: 9, Role: RoleOwner}).ConversationScope(""); q != "1=1" {
		t.Errorf("owner scope = %q", q)
	}
}
