// Package live holds what the live sockets of a node share beyond the
// event log: the notices that are relayed between open sockets and never
// stored, such as "someone is typing in this conversation".
package live

import (
	"sync"

	"github.com/switchboard-chat/switchboard/internal/access"
)

// Typing states a socket may announce.
const (
	TypingStart = "start"
	TypingStop  = "stop"
)

// memberBuffer is how many notices a socket may fall behind on before
// more are dropped for it: typing notices are ephemeral hints, and a
// sender must never wait on a slow receiver.
const memberBuffer = 32

// Typing is a notice that a user started or stopped replying in a
// conversation.
type Typing struct {
	ConversationID int64
	UserID         int64
	State          string
}

// Hub is the node's registry of open live sockets, by workspace. It
// relays notices between the sockets of this node only: typing notices
// are not stored, and a notice lost with a node costs nothing.
type Hub struct {
	mu      sync.Mutex
	members map[int64]map[*Member]struct{} // by workspace
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{members: map[int64]map[*Member]struct{}{}} }

// Member is one open socket in the hub.
type Member struct {
	hub *Hub
	ws  int64
	c   chan Typing

	mu sync.Mutex
	p  access.Principal
}

// Join adds a socket acting as p; call Leave when it closes.
func (h *Hub) Join(p access.Principal) *Member {
	m := &Member{hub: h, ws: p.WorkspaceID, c: make(chan Typing, memberBuffer), p: p}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.members[m.ws] == nil {
		h.members[m.ws] = map[*Member]struct{}{}
	}
	h.members[m.ws][m] = struct{}{}
	return m
}

// Leave removes the socket from the hub.
func (m *Member) Leave() {
	m.hub.mu.Lock()
	defer m.hub.mu.Unlock()
	delete(m.hub.members[m.ws], m)
	if len(m.hub.members[m.ws]) == 0 {
		delete(m.hub.members, m.ws)
	}
}

// C receives the notices relayed to this socket.
func (m *Member) C() <-chan Typing { return m.c }

// SetPrincipal updates who the socket acts as (its teams and permissions
// may change while it is open), which decides what is relayed to it.
func (m *Member) SetPrincipal(p access.Principal) {
	m.mu.Lock()
	m.p = p
	m.mu.Unlock()
}

func (m *Member) principal() access.Principal {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.p
}

// Relay hands t to every other socket of the sender's workspace whose
// principal may see a conversation with this assignee and team (zero for
// none), except the sender's own sockets: a user is never told that they
// themselves are typing. It never blocks; a socket whose buffer is full
// misses the notice. It returns how many sockets were handed it.
func (h *Hub) Relay(from *Member, t Typing, assigneeID, teamID int64) int {
	h.mu.Lock()
	targets := make([]*Member, 0, len(h.members[from.ws]))
	for m := range h.members[from.ws] {
		targets = append(targets, m)
	}
	h.mu.Unlock()
	sender := from.principal().UserID
	n := 0
	for _, m := range targets {
		p := m.principal()
		if m == from || (sender != 0 && p.UserID == sender) || !p.SeesConversation(assigneeID, teamID) {
			continue
		}
		select {
		case m.c <- t:
			n++
		default:
		}
	}
	return n
}
