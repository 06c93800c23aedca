package live

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
)

// A notice reaches the sockets of the workspace that may see the
// conversation, except every socket of the sender; a full buffer drops
// notices instead of blocking the sender; a socket that left gets none.
func TestRelay(t *testing.T) {
	h := NewHub()
	agent := func(ws, user int64, teams ...int64) access.Principal {
		return access.Principal{WorkspaceID: ws, UserID: user, Role: access.RoleAgent, Teams: teams}
	}
	const team, assignee = 7, 0
	sender := h.Join(agent(1, 10, team))
	senderTab := h.Join(agent(1, 10, team))
	teammate := h.Join(agent(1, 11, team))
	outsider := h.Join(agent(1, 12, 8))
	manager := h.Join(access.Principal{WorkspaceID: 1, UserID: 13, Role: access.RoleManager, Can: access.Defaults(access.RoleManager)})
	elsewhere := h.Join(access.Principal{WorkspaceID: 2, UserID: 20, Role: access.RoleOwner})
	left := h.Join(agent(1, 14, team))
	left.Leave()

	notice := Typing{ConversationID: 3, UserID: 10, State: TypingStart}
	if n := h.Relay(sender, notice, assignee, team); n != 2 {
		t.Errorf("relayed to %d sockets, want 2 (the teammate and the manager)", n)
	}
	for name, m := range map[string]*Member{"teammate": teammate, "manager": manager} {
		select {
		case got := <-m.C():
			if got != notice {
				t.Errorf("%s got %+v", name, got)
			}
		default:
			t.Errorf("%s got nothing", name)
		}
	}
	for name, m := range map[string]*Member{"sender": sender, "sender's other tab": senderTab, "outsider": outsider,
		"another workspace": elsewhere, "a socket that left": left} {
		if len(m.C()) != 0 {
			t.Errorf("%s got a notice", name)
		}
	}

	// The outsider joins the team: the socket's principal follows.
	outsider.SetPrincipal(agent(1, 12, team))
	for range memberBuffer + 5 {
		h.Relay(sender, notice, assignee, team)
	}
	if len(outsider.C()) != memberBuffer {
		t.Errorf("outsider holds %d notices, want its buffer's %d (the rest dropped)", len(outsider.C()), memberBuffer)
	}
}
