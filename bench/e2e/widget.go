package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// widgetSite is the widget channel the visitors write to, and the pages
// they come from. The visitor API limits requests per site (channel and
// origin: 600 at once, then 20 a second; docs/widget.md), as a site's real
// traffic would be, so the benchmark spreads its visitors over several
// sites of the channel, as several shops embedding one widget would.
type widgetSite struct {
	base      string // the server, http://…
	channelID int64
	origins   []string
	http      *http.Client
	received  atomic.Int64 // messages to visitors pushed on their sockets
}

// widgetFrame is a frame of the visitor socket (internal/channel/widget).
type widgetFrame struct {
	Type      string `json:"type"`
	VisitorID string `json:"visitor_id,omitempty"`
	Secret    string `json:"secret,omitempty"`
	Text      string `json:"text,omitempty"`
	ClientID  string `json:"client_id,omitempty"`
	Code      string `json:"code,omitempty"`
	Error     string `json:"error,omitempty"`
	Message   *struct {
		ConversationID int64  `json:"conversation_id"`
		Direction      string `json:"direction"`
		Text           string `json:"text"`
	} `json:"message,omitempty"`
}

// widgetLine is a visitor of the website widget: a visitor made over
// HTTP, then everything over its socket, as widget.js does.
type widgetLine struct {
	site   *widgetSite
	conn   *websocket.Conn
	box    chan delivery
	convID atomic.Int64
	prefix string
	n      int
	mu     sync.Mutex
	acks   map[string]chan error // by client_id: nil for an ack, else the error frame
	done   chan struct{}
}

func dialWidget(ctx context.Context, s *widgetSite, i int) (*widgetLine, error) {
	origin := s.origins[i%len(s.origins)]
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("%s/widget/%d/visitors", s.base, s.channelID), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Origin", origin)
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("new visitor: %w", err)
	}
	var v struct {
		VisitorID string `json:"visitor_id"`
		Secret    string `json:"secret"`
	}
	err = json.NewDecoder(resp.Body).Decode(&v)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || err != nil {
		return nil, fmt.Errorf("new visitor: answered %d (%v)", resp.StatusCode, err)
	}
	ws := "ws" + strings.TrimPrefix(s.base, "http")
	conn, _, err := websocket.Dial(ctx, fmt.Sprintf("%s/widget/%d/socket", ws, s.channelID),
		&websocket.DialOptions{HTTPHeader: http.Header{"Origin": {origin}}, HTTPClient: s.http})
	if err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	l := &widgetLine{site: s, conn: conn, box: make(chan delivery, 16), prefix: fmt.Sprintf("v%d-", i),
		acks: map[string]chan error{}, done: make(chan struct{})}
	if err := wsjson.Write(ctx, conn, widgetFrame{Type: "auth", VisitorID: v.VisitorID, Secret: v.Secret}); err != nil {
		conn.CloseNow()
		return nil, fmt.Errorf("socket auth: %w", err)
	}
	var ready widgetFrame
	if err := wsjson.Read(ctx, conn, &ready); err != nil || ready.Type != "ready" {
		conn.CloseNow()
		return nil, fmt.Errorf("socket: want ready, got %+v (%v)", ready, err)
	}
	go l.read()
	return l, nil
}

// read takes the server's frames until the socket closes.
func (l *widgetLine) read() {
	defer close(l.done)
	for {
		var f widgetFrame
		if err := wsjson.Read(context.Background(), l.conn, &f); err != nil {
			return
		}
		at := time.Now()
		switch f.Type {
		case "message":
			if f.Message == nil {
				continue
			}
			if f.Message.ConversationID != 0 {
				l.convID.Store(f.Message.ConversationID)
			}
			if f.Message.Direction == "out" {
				l.site.received.Add(1)
				select {
				case l.box <- delivery{text: f.Message.Text, at: at}:
				default:
				}
			}
		case "ack", "error":
			l.mu.Lock()
			ch := l.acks[f.ClientID]
			delete(l.acks, f.ClientID)
			l.mu.Unlock()
			if ch == nil {
				continue
			}
			if f.Type == "ack" {
				ch <- nil
			} else {
				ch <- fmt.Errorf("error frame %s: %s", f.Code, f.Error)
			}
		}
	}
}

func (l *widgetLine) send(ctx context.Context, text string) (time.Time, error) {
	l.n++
	id := fmt.Sprintf("%s%d", l.prefix, l.n)
	ch := make(chan error, 1)
	l.mu.Lock()
	l.acks[id] = ch
	l.mu.Unlock()
	if err := wsjson.Write(ctx, l.conn, widgetFrame{Type: "message", Text: text, ClientID: id}); err != nil {
		return time.Time{}, err
	}
	select {
	case err := <-ch:
		return time.Now(), err
	case <-l.done:
		return time.Time{}, errors.New("the socket closed before the ack")
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
	}
}

func (l *widgetLine) inbox() <-chan delivery { return l.box }
func (l *widgetLine) conversation() int64    { return l.convID.Load() }
func (l *widgetLine) close()                 { l.conn.Close(websocket.StatusNormalClosure, "bye") }
