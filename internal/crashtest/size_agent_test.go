package crashtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// sizeAgent is one agent of TestProofAtSize as the web app is one: a user
// with a token of its own, online, holding one live socket
// (GET /api/v1/live) to a node, and closing, through the API, the
// conversations its socket told it were assigned to it. It learns its
// assignments only from its socket: a conversation.assigned that never
// reaches it is a conversation never closed, and the test's end, every
// conversation closed, is not reached.
type sizeAgent struct {
	index  int
	userID int64
	teamID int64
	token  string
	urls   []string // the nodes' addresses, which a restart keeps

	mu           sync.Mutex
	home         int                // the node its socket is on now
	origin       int                // the node it started on
	cancelSocket context.CancelFunc // ends the socket it has now
	cursor       int64              // the last event id received: where a reconnect resumes
	first        int64              // the cursor of its first hello: it is owed every event after it
	got          map[int64]gotEvt   // event id -> what arrived
	dups         []int64            // events received twice
	held         []int64            // conversations assigned to it, not yet closed, oldest first
	closing      map[int64]bool     // conversations it closed or is closing
	closedVia    map[int64]int      // conversation -> the node whose API closed it
	reconns      int                // sockets opened after the first
	drain        bool               // from now on it closes each assignment at once
	lastErr      error              // the last socket error, for a failure message
	closeErr     []string           // closes the API refused
	wg           sync.WaitGroup     // its closes in flight
}

// gotEvt is an event as the agent's socket delivered it.
type gotEvt struct {
	typ     string
	conv    int64
	node    int           // the node whose socket delivered it
	delay   time.Duration // arrival minus the event's created_at
	created time.Time
}

// liveFrame is a server frame of the live socket.
type liveFrame struct {
	Type   string `json:"type"`
	Cursor int64  `json:"cursor"`
	Event  *struct {
		ID             int64           `json:"id"`
		Type           string          `json:"type"`
		ConversationID int64           `json:"conversation_id"`
		Payload        json.RawMessage `json:"payload"`
		CreatedAt      time.Time       `json:"created_at"`
	} `json:"event"`
}

// live holds the agent's socket until ctx ends. A socket that ends (its
// node killed) is opened again with ?after= the last event received, as
// the web app reconnects: first to its own node, and while that one is
// down to the next that answers, as a load balancer would send it.
// connected is closed once the first socket said hello.
func (a *sizeAgent) live(ctx context.Context, connected chan<- struct{}) {
	var once sync.Once
	for attempt := 0; ctx.Err() == nil; {
		a.mu.Lock()
		node := (a.home + attempt) % len(a.urls)
		a.mu.Unlock()
		helloed, err := a.socket(ctx, node, func() { once.Do(func() { close(connected) }) })
		if ctx.Err() != nil {
			return
		}
		a.mu.Lock()
		a.lastErr = err
		a.mu.Unlock()
		if helloed {
			attempt = 0 // it served: reconnect to the agent's node at once
			continue
		}
		if attempt++; attempt%len(a.urls) == 0 {
			// Every node refused: back off a little, as the web app does.
			select {
			case <-time.After(100 * time.Millisecond):
			case <-ctx.Done():
			}
		}
	}
}

// rehome moves the agent's socket to node: it closes the socket it has
// and opens one there with ?after= its cursor, as a browser tab does when
// its load balancer sends it back to a restarted node.
func (a *sizeAgent) rehome(node int) {
	a.mu.Lock()
	a.home = node
	cancel := a.cancelSocket
	a.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// socket opens one socket on node and reads it until it ends; helloed
// reports whether the node said hello.
func (a *sizeAgent) socket(ctx context.Context, node int, hello func()) (helloed bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.mu.Lock()
	a.cancelSocket = cancel
	q := fmt.Sprintf("device_id=proof-%d", a.index)
	resume := a.first != 0
	if resume {
		q += fmt.Sprintf("&after=%d", a.cursor)
	}
	a.mu.Unlock()
	url := "ws" + strings.TrimPrefix(a.urls[node], "http") + "/api/v1/live?" + q
	dctx, dcancel := context.WithTimeout(ctx, 10*time.Second)
	conn, _, err := websocket.Dial(dctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + a.token}}})
	dcancel()
	if err != nil {
		return false, err
	}
	defer conn.CloseNow()
	conn.SetReadLimit(1 << 20)
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			return helloed, err
		}
		at := time.Now()
		var fr liveFrame
		if err := json.Unmarshal(data, &fr); err != nil {
			return helloed, fmt.Errorf("frame %q: %w", data, err)
		}
		switch {
		case fr.Type == "hello":
			a.mu.Lock()
			if resume && fr.Cursor != a.cursor {
				a.mu.Unlock()
				return helloed, fmt.Errorf("resumed after %d, the hello says %d", a.cursor, fr.Cursor)
			}
			if !resume {
				a.first, a.cursor = fr.Cursor, fr.Cursor
			} else {
				a.reconns++
			}
			a.home, helloed = node, true
			a.mu.Unlock()
			hello()
		case fr.Type == "event" && fr.Event != nil:
			a.event(ctx, node, fr, at)
		}
	}
}

// event records one event and acts on it.
func (a *sizeAgent) event(ctx context.Context, node int, fr liveFrame, at time.Time) {
	e := fr.Event
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, dup := a.got[e.ID]; dup {
		a.dups = append(a.dups, e.ID)
		return
	}
	a.got[e.ID] = gotEvt{typ: e.Type, conv: e.ConversationID, node: node, delay: at.Sub(e.CreatedAt), created: e.CreatedAt}
	a.cursor = max(a.cursor, e.ID)
	if e.Type != "conversation.assigned" {
		return
	}
	var p struct {
		AssigneeID int64 `json:"assignee_id"`
	}
	if json.Unmarshal(e.Payload, &p) != nil || p.AssigneeID != a.userID || a.closing[e.ConversationID] {
		return
	}
	a.held = append(a.held, e.ConversationID)
	if a.drain {
		a.closeHeldLocked(ctx)
	}
}

// closeHeld closes every conversation the agent holds, as an agent who
// finished with them; with drain set it also closes each later one as
// soon as it is assigned.
func (a *sizeAgent) closeHeld(ctx context.Context, drain bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.drain = a.drain || drain
	a.closeHeldLocked(ctx)
}

func (a *sizeAgent) closeHeldLocked(ctx context.Context) {
	for _, id := range a.held {
		a.closing[id] = true
		via := (a.home + 1) % len(a.urls) // requests and socket on different nodes, as behind a load balancer
		a.wg.Go(func() { a.close(ctx, id, via) })
	}
	a.held = nil
}

// close closes one conversation through node via, or the next node that
// answers: a close cut by a kill is sent again, and a conversation found
// already closed then was closed by the first.
func (a *sizeAgent) close(ctx context.Context, id int64, via int) {
	body := map[string]string{"category": "Resolved", "summary": "proof at size"}
	for attempt := 0; ctx.Err() == nil; attempt++ {
		node := (via + attempt) % len(a.urls)
		err := api("POST", fmt.Sprintf("%s/api/v1/conversations/%d/close", a.urls[node], id), a.token, body, nil)
		if err == nil {
			a.mu.Lock()
			a.closedVia[id] = node
			a.mu.Unlock()
			return
		}
		var se *statusError
		if errors.As(err, &se) {
			if attempt > 0 && se.status == http.StatusConflict {
				a.mu.Lock()
				a.closedVia[id] = -1 // the attempt cut by the kill closed it, on some node
				a.mu.Unlock()
				return
			}
			if se.status != http.StatusServiceUnavailable {
				a.mu.Lock()
				a.closeErr = append(a.closeErr, err.Error())
				a.mu.Unlock()
				return
			}
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
		}
	}
}

// knowledge says what the agent knows of conversation conv assigned to it
// by event assigned, for a failure message.
func (a *sizeAgent) knowledge(assigned, conv int64) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	got, delivered := a.got[assigned]
	return fmt.Sprintf("its socket delivered that event: %t (node %d), holds it: %t, closing it: %t, socket on node %d (started on %d, %d reconnects, cursor %d), closes refused: %v",
		delivered, got.node, slices.Contains(a.held, conv), a.closing[conv], a.home, a.origin, a.reconns, a.cursor, a.closeErr)
}

// holding returns how many conversations the agent holds.
func (a *sizeAgent) holding() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.held)
}
