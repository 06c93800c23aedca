// Package live holds what the live sockets share beyond the
// event log: the notices that are relayed between open sockets and never
// stored, such as "someone is typing in this conversation" or "a person
// just read it".
package live

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/switchboard-chat/switchboard/internal/access"
)

// Notice states: typing ones a socket may announce, and Read, which the
// node announces when a person read a conversation (the widget's visitor
// is told their messages were seen).
const (
	TypingStart = "start"
	TypingStop  = "stop"
	Read        = "read"
)

// memberBuffer is how many notices a socket may fall behind on before
// more are dropped for it: typing notices are ephemeral hints, and a
// sender must never wait on a slow receiver.
const memberBuffer = 32

// Notice is a notice that a user (0: the contact) started or stopped
// replying in a conversation, or that a user read it.
type Notice struct {
	ConversationID int64
	UserID         int64
	State          string
}

// Hub is the node's registry of open live sockets, by workspace. It
// relays notices between the sockets of this node and, through Publish,
// to the other nodes' hubs (RelayRemote): typing notices are not stored,
// and a notice lost with a node costs nothing.
type Hub struct {
	mu      sync.Mutex
	members map[int64]map[*Member]struct{} // by workspace
	// Publish, when set, hands every local notice to the other nodes
	// (db.Broadcast on PostgreSQL); it must not block for long.
	Publish func(Remote)
}

// Remote is a typing notice as it travels between nodes: what a hub
// needs to decide who may see it.
type Remote struct {
	WorkspaceID int64
	Notice
	AssigneeID, TeamID int64
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{members: map[int64]map[*Member]struct{}{}} }

// Member is one open socket in the hub.
type Member struct {
	hub *Hub
	ws  int64
	c   chan Notice

	mu sync.Mutex
	p  access.Principal
}

// Join adds a socket acting as p; call Leave when it closes.
func (h *Hub) Join(p access.Principal) *Member {
	m := &Member{hub: h, ws: p.WorkspaceID, c: make(chan Notice, memberBuffer), p: p}
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
func (m *Member) C() <-chan Notice { return m.c }

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
// themselves are typing. Then it publishes the notice to the other nodes.
// It never blocks on a socket; a socket whose buffer is full misses the
// notice. It returns how many sockets of this node were handed it.
func (h *Hub) Relay(from *Member, t Notice, assigneeID, teamID int64) int {
	return h.send(from.ws, from, from.principal().UserID, t, assigneeID, teamID)
}

// Announce hands t, a notice of no socket (a person's read, made over
// the API), to the workspace's sockets by the same rules as Relay (the
// sender is t.UserID) and publishes it to the other nodes.
func (h *Hub) Announce(workspaceID int64, t Notice, assigneeID, teamID int64) int {
	return h.send(workspaceID, nil, t.UserID, t, assigneeID, teamID)
}

// send relays a notice of this node to its sockets, then publishes it.
func (h *Hub) send(ws int64, from *Member, sender int64, t Notice, assigneeID, teamID int64) int {
	n := h.relay(ws, from, sender, t, assigneeID, teamID)
	if h.Publish != nil {
		h.Publish(Remote{WorkspaceID: ws, Notice: t, AssigneeID: assigneeID, TeamID: teamID})
	}
	return n
}

// RelayRemote hands a notice another node published to this node's
// sockets, by the same rules as Relay (the sender is t.UserID).
func (h *Hub) RelayRemote(r Remote) int {
	return h.relay(r.WorkspaceID, nil, r.UserID, r.Notice, r.AssigneeID, r.TeamID)
}

func (h *Hub) relay(ws int64, from *Member, sender int64, t Notice, assigneeID, teamID int64) int {
	h.mu.Lock()
	targets := make([]*Member, 0, len(h.members[ws]))
	for m := range h.members[ws] {
		targets = append(targets, m)
	}
	h.mu.Unlock()
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

// Encode writes r as a broadcast message (no spaces).
func (r Remote) Encode() string {
	return fmt.Sprintf("%d,%d,%d,%s,%d,%d", r.WorkspaceID, r.ConversationID, r.UserID, r.State, r.AssigneeID, r.TeamID)
}

// DecodeRemote reads a message Encode wrote; ok is false for anything else.
func DecodeRemote(msg string) (r Remote, ok bool) {
	f := strings.Split(msg, ",")
	if len(f) != 6 || (f[3] != TypingStart && f[3] != TypingStop && f[3] != Read) {
		return Remote{}, false
	}
	var ids [5]int64
	for i, j := range []int{0, 1, 2, 4, 5} {
		v, err := strconv.ParseInt(f[j], 10, 64)
		if err != nil || v < 0 {
			return Remote{}, false
		}
		ids[i] = v
	}
	return Remote{WorkspaceID: ids[0], Notice: Notice{ConversationID: ids[1], UserID: ids[2], State: f[3]},
		AssigneeID: ids[3], TeamID: ids[4]}, true
}
