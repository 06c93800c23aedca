package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// agent is a simulated agent: a user of the workspace in one team, with
// its own API token, a live event stream held open, presence heartbeats
// from when it comes online, and a reply then a close for every
// conversation it is given.
type agent struct {
	index    int
	userID   int64
	team     string
	api      *api
	stream   *http.Client // no timeout: the stream stays open
	reg      *registry
	think    time.Duration // pause before replying, as a person reads
	onlineAt atomic.Int64  // unix nanoseconds; 0 until online

	connected chan struct{} // closed once the stream answered
	once      sync.Once
	lastEvent atomic.Int64
	foreign   atomic.Int64 // assignments of conversations the benchmark does not know
	errs      atomic.Int64 // failed replies and closes
	reconnect atomic.Int64
	wg        sync.WaitGroup
}

// streamEvent is an event as the SSE stream sends it.
type streamEvent struct {
	ID             int64           `json:"id"`
	Type           string          `json:"type"`
	ConversationID int64           `json:"conversation_id"`
	Payload        json.RawMessage `json:"payload"`
	CreatedAt      time.Time       `json:"created_at"`
}

// listen holds the agent's live stream until ctx ends, reconnecting from
// the last event it saw if the stream drops, as the web app does.
func (a *agent) listen(ctx context.Context) {
	for ctx.Err() == nil {
		if err := a.streamOnce(ctx); err != nil && ctx.Err() == nil {
			a.reconnect.Add(1)
			select {
			case <-time.After(500 * time.Millisecond):
			case <-ctx.Done():
			}
		}
	}
}

func (a *agent) streamOnce(ctx context.Context) error {
	q := "/api/v1/events/stream?types=conversation.assigned,message.received"
	if last := a.lastEvent.Load(); last > 0 {
		q += "&after=" + strconv.FormatInt(last, 10)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.api.base+q, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.api.token)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := a.stream.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("stream answered %d", resp.StatusCode)
	}
	a.once.Do(func() { close(a.connected) })
	r := bufio.NewReaderSize(resp.Body, 64<<10)
	var data []byte
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return err
		}
		s := strings.TrimRight(string(line), "\r\n")
		switch {
		case strings.HasPrefix(s, "data: "):
			data = append(data[:0], s[len("data: "):]...)
		case s == "" && len(data) > 0:
			at := time.Now()
			var e streamEvent
			if err := json.Unmarshal(data, &e); err == nil {
				a.lastEvent.Store(e.ID)
				a.handle(ctx, e, at)
			}
			data = data[:0]
		}
	}
}

// handle acts on one event without holding up the stream.
func (a *agent) handle(ctx context.Context, e streamEvent, at time.Time) {
	switch e.Type {
	case "conversation.assigned":
		var p struct {
			AssigneeID int64 `json:"assignee_id"`
		}
		if json.Unmarshal(e.Payload, &p) != nil || p.AssigneeID != a.userID {
			return
		}
		c := a.reg.get(e.ConversationID)
		if c == nil {
			a.foreign.Add(1)
			return
		}
		c.mu.Lock()
		c.assigned, c.seen, c.agent = e.CreatedAt, at, a.index
		c.mu.Unlock()
		a.wg.Go(func() { a.reply(ctx, c) })
	case "message.received":
		c := a.reg.get(e.ConversationID)
		if c == nil {
			return
		}
		c.mu.Lock()
		// Only the contact's thanks, after the reply, ends the exchange:
		// the earlier messages precede the assignment in the log.
		mine := c.agent == a.index && !c.replySent.IsZero() && !c.closing
		if mine {
			c.closing = true
		}
		c.mu.Unlock()
		if mine {
			a.wg.Go(func() { a.close(ctx, c) })
		}
	}
}

func (a *agent) reply(ctx context.Context, c *conv) {
	if a.think > 0 {
		select {
		case <-time.After(a.think):
		case <-ctx.Done():
			return
		}
	}
	c.mu.Lock()
	c.replySent = time.Now()
	id, team := c.id, c.team
	c.mu.Unlock()
	text := fmt.Sprintf("%s%d of %s here: happy to help with conversation %d.", replyPrefix, a.index, team, id)
	if err := a.api.do(ctx, http.MethodPost, fmt.Sprintf("/api/v1/conversations/%d/messages", id), map[string]string{"text": text}, nil); err != nil {
		a.errs.Add(1)
		c.fail("agent reply", err)
	}
}

func (a *agent) close(ctx context.Context, c *conv) {
	body := map[string]string{"category": "Resolved", "summary": fmt.Sprintf("Answered a %s question (bench/e2e).", c.team)}
	if err := a.api.do(ctx, http.MethodPost, fmt.Sprintf("/api/v1/conversations/%d/close", c.id), body, nil); err != nil {
		a.errs.Add(1)
		c.fail("close", err)
		return
	}
	c.mu.Lock()
	c.closed = time.Now()
	c.mu.Unlock()
}

// presence comes online at the given time and keeps the agent's device
// seen until ctx ends.
func (a *agent) presence(ctx context.Context, at time.Time) error {
	select {
	case <-time.After(time.Until(at)):
	case <-ctx.Done():
		return nil
	}
	beat := func() error {
		return a.api.do(ctx, http.MethodPost, "/api/v1/presence/heartbeat", map[string]string{"device_id": "bench"}, nil)
	}
	if err := beat(); err != nil {
		return fmt.Errorf("agent %d online: %w", a.index, err)
	}
	a.onlineAt.Store(time.Now().UnixNano())
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if err := beat(); err != nil && ctx.Err() == nil {
				a.errs.Add(1)
			}
		case <-ctx.Done():
			return nil
		}
	}
}
