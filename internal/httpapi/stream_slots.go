package httpapi

import (
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// streamRetryAfter is the Retry-After of a refused stream. A stream ends
// when its client goes, which no one can foresee; a few seconds lets a
// reconnecting tab find the slot its previous connection left.
const streamRetryAfter = 5 * time.Second

// streamSlots counts the live event streams open on this node, per user
// (a workspace token counts as its own user) and in all, and refuses one
// more beyond either cap. A cap of zero is no cap.
type streamSlots struct {
	perUser, perNode int

	mu    sync.Mutex
	open  map[streamOwner]int
	total int
}

// streamOwner is whose a stream is: a user, or a workspace token.
type streamOwner struct{ userID, tokenID int64 }

func ownerOf(p workspace.Principal) streamOwner {
	if p.UserID != 0 {
		return streamOwner{userID: p.UserID}
	}
	return streamOwner{tokenID: p.TokenID}
}

func newStreamSlots(perUser, perNode int) *streamSlots {
	return &streamSlots{perUser: perUser, perNode: perNode, open: map[streamOwner]int{}}
}

// acquire takes a slot for a stream of p, or answers 429. The caller must
// call release once the stream ends.
func (s *streamSlots) acquire(p workspace.Principal) (release func(), err error) {
	o := ownerOf(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perNode > 0 && s.total >= s.perNode {
		return nil, apperr.TooMany(streamRetryAfter, "this node has %d live event streams open, its limit", s.perNode)
	}
	if s.perUser > 0 && s.open[o] >= s.perUser {
		return nil, apperr.TooMany(streamRetryAfter, "you have %d live event streams open on this node, the limit; close one", s.perUser)
	}
	s.open[o]++
	s.total++
	var once sync.Once
	return func() { once.Do(func() { s.release(o) }) }, nil
}

func (s *streamSlots) release(o streamOwner) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total--
	if s.open[o]--; s.open[o] <= 0 {
		delete(s.open, o)
	}
}

// count returns the streams open in all and of p.
func (s *streamSlots) count(p workspace.Principal) (total, mine int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total, s.open[ownerOf(p)]
}
