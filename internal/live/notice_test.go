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

	notice := Notice{ConversationID: 3, UserID: 10, State: TypingStart}
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

// A notice crosses nodes: the sender's hub publishes it, and the other
// node's hub relays it by the same rules (never to the sender's sockets
// there, only to those who may see the conversation).
func TestRelayAcrossNodes(t *testing.T) {
	a, b := NewHub(), NewHub()
	a.Publish = func(r Remote) {
		msg := r.Encode()
		got, ok := DecodeRemote(msg)
		if !ok || got != r {
			t.Fatalf("%q decodes to %+v, %v; want %+v", msg, got, ok, r)
		}
		b.RelayRemote(got)
	}
	agent := func(user int64, teams ...int64) access.Principal {
		return access.Principal{WorkspaceID: 1, UserID: user, Role: access.RoleAgent, Teams: teams}
	}
	sender := a.Join(agent(10, 7))
	senderOnB := b.Join(agent(10, 7))
	teammateOnB := b.Join(agent(11, 7))
	outsiderOnB := b.Join(agent(12, 8))
	notice := Notice{ConversationID: 3, UserID: 10, State: TypingStop}
	a.Relay(sender, notice, 0, 7)
	if len(teammateOnB.C()) != 1 || <-teammateOnB.C() != notice {
		t.Errorf("the teammate on the other node did not get the notice")
	}
	if len(senderOnB.C()) != 0 || len(outsiderOnB.C()) != 0 {
		t.Errorf("the sender's own socket or an outsider on the other node got it")
	}
}

func TestDecodeRemoteRefusesGarbage(t *testing.T) {
	for _, msg := range []string{"", "1,2,3,start,4", "1,2,3,dance,4,5", "1,x,3,start,4,5", "1,2,-3,start,4,5", "1,2,3,start,4,5,6"} {
		if r, ok := DecodeRemote(msg); ok {
			t.Errorf("DecodeRemote(%q) = %+v, ok", msg, r)
		}
	}
}

// A person's read, announced by the node that stored it, reaches the
// workspace's other sockets on every node (the widget's visitor among
// them), never the reader's own.
func TestAnnounceRead(t *testing.T) {
	a, b := NewHub(), NewHub()
	a.Publish = func(r Remote) {
		got, ok := DecodeRemote(r.Encode())
		if !ok || got != r {
			t.Fatalf("%+v does not cross nodes: %+v, %v", r, got, ok)
		}
		b.RelayRemote(got)
	}
	visitor := access.Principal{WorkspaceID: 1, Role: access.RoleOwner}
	reader := access.Principal{WorkspaceID: 1, UserID: 10, Role: access.RoleAgent, Teams: []int64{7}}
	visitorOnA, visitorOnB := a.Join(visitor), b.Join(visitor)
	readerOnA, readerOnB := a.Join(reader), b.Join(reader)
	read := Notice{ConversationID: 3, UserID: 10, State: Read}
	if n := a.Announce(1, read, 10, 7); n != 1 {
		t.Errorf("announced to %d sockets of the node, want 1 (the visitor)", n)
	}
	for name, m := range map[string]*Member{"the visitor on the reader's node": visitorOnA, "the visitor on another node": visitorOnB} {
		if len(m.C()) != 1 || <-m.C() != read {
			t.Errorf("%s was not told of the read", name)
		}
	}
	if len(readerOnA.C()) != 0 || len(readerOnB.C()) != 0 {
		t.Errorf("the reader's own sockets were told of their read")
	}
}
