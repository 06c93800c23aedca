package widget

import (
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// sockets counts the visitors' open sockets on the node, in all and by
// client address, against the limits (zero: unbounded).
type sockets struct {
	max, perAddr int
	mu           sync.Mutex
	open         int
	byAddr       map[string]int
}

func newSockets(max, perAddr int) *sockets {
	return &sockets{max: max, perAddr: perAddr, byAddr: map[string]int{}}
}

// take holds a socket for a visitor at addr until release is called, or
// says why not: a 429 the widget's script retries after a while.
func (s *sockets) take(addr string) (release func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.max > 0 && s.open >= s.max {
		return nil, apperr.TooMany(5*time.Second, "too many visitors are connected to this server; try again in a moment")
	}
	if s.perAddr > 0 && s.byAddr[addr] >= s.perAddr {
		return nil, apperr.TooMany(30*time.Second, "too many chats are open from your network; close some and try again")
	}
	s.open++
	s.byAddr[addr]++
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.open--
			// Forgotten at zero: the map holds only addresses with sockets.
			if s.byAddr[addr]--; s.byAddr[addr] == 0 {
				delete(s.byAddr, addr)
			}
		})
	}, nil
}
