package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/live"
	"github.com/switchboard-chat/switchboard/internal/routing"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

const (
	// liveReadLimit bounds one client frame: the largest legitimate one
	// (a typing notice) is under 100 bytes.
	liveReadLimit = 1024
	// liveWriteTimeout is how long one frame may take to reach a client.
	// A client slower than that is dropped: it reconnects from its cursor
	// and loses nothing, while the tail never waited for it.
	liveWriteTimeout = 10 * time.Second
	// liveHeartbeatEvery is how often at most a socket records its
	// device's presence heartbeat, far within the shortest inactivity
	// timeout (one minute).
	liveHeartbeatEvery = 30 * time.Second
)

// liveSignedOut is the close code of a socket whose credentials no longer
// hold (signed out, expired, deactivated): the client signs in again
// rather than reconnecting.
const liveSignedOut websocket.StatusCode = 4401

// liveStatus is a close the server sends: a code and its reason.
type liveStatus struct {
	code   websocket.StatusCode
	reason string
}

func (e liveStatus) Error() string { return e.reason }

// sameSiteUpgrade refuses a cross-site upgrade: a browser sends its
// cookies with a WebSocket handshake from any page, and a handshake is a
// GET, which the CSRF check lets through (http.CrossOriginProtection
// passes safe methods), so a page of another site must be stopped here.
// Sec-Fetch-Site when the browser sends it, and Origin against Host; a
// request with neither (not a browser) carries no ambient credentials.
func sameSiteUpgrade(r *http.Request) error {
	refused := csrfRefused("Origin", "the live socket accepts only pages of this server (cross-site upgrade refused)")
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return refused
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
		return refused
	}
	return nil
}

// liveDevice is the device a socket keeps present when its tab names
// none: the sign-in (session or token) it was opened with.
func liveDevice(tokenKind string, tokenID int64) string {
	return fmt.Sprintf("%s-%d", tokenKind, tokenID)
}

// signOutSessionDevice forgets the device of an ended session's sockets:
// nothing can beat for it again, and its user, if it was their last live
// device, is offline at once rather than after the inactivity timeout
// (taking automatic assignments meanwhile). The session is gone whatever
// this does, so a failure is logged, not answered.
func (s *Server) signOutSessionDevice(ctx context.Context, workspaceID, userID, sessionID int64) {
	if s.deps.Routing == nil {
		return
	}
	if _, err := s.deps.Routing.SignOut(ctx, workspaceID, userID, liveDevice(workspace.KindSession, sessionID)); err != nil {
		slog.Warn("sign out: the session's presence device", "user_id", userID, "err", err)
	}
}

// liveSocket is one open socket: its feed of the log, its place in the
// node's typing hub, and the device it keeps alive.
type liveSocket struct {
	s      *Server
	c      *websocket.Conn
	r      *http.Request
	feed   *eventFeed
	member *live.Member
	clk    clock.Clock
	device string
	beatAt time.Time // last presence heartbeat; zero: none yet
}

// serveLive is GET /api/v1/live: the WebSocket of a browser tab. It
// carries the events the principal may see, from its cursor then live
// (the same feed as the SSE stream), typing notices between the sockets of
// the workspace, and keeps the user's device present while it is open.
func (s *Server) serveLive(w http.ResponseWriter, r *http.Request) error {
	if err := sameSiteUpgrade(r); err != nil {
		return err
	}
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		return apperr.BadRequest("GET /api/v1/live upgrades to a WebSocket; open it with a WebSocket client")
	}
	p := Principal(r)
	after, err := QueryInt(r, "after")
	if err != nil {
		return err
	}
	if after < 0 {
		return apperr.BadRequest("after must not be negative")
	}
	device := strings.TrimSpace(r.URL.Query().Get("device_id"))
	if err := limit.Param("device_id", device, routing.MaxDeviceIDLen); err != nil {
		return err
	}
	if device == "" {
		// One sign-in is one device, whatever the number of its tabs.
		device = liveDevice(p.TokenKind, p.TokenID)
	}
	release, err := s.streams.acquire(p)
	if err != nil {
		return err
	}
	defer release()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	feed := s.newFeed(event.Filter{WorkspaceID: p.WorkspaceID, Viewer: p, After: after})
	defer feed.Close()
	if !r.URL.Query().Has("after") {
		// A new tab loads what exists through the API: it starts at the
		// head of the log, read after subscribing, so nothing falls between.
		if err := s.deps.DB.Reader().QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM events WHERE workspace_id = ?`,
			p.WorkspaceID).Scan(&feed.f.After); err != nil {
			return err
		}
		// Not past an event still committing: the feed delivers it when it does.
		horizon, err := s.deps.DB.EventHorizon(ctx)
		if err != nil {
			return err
		}
		feed.f.After = min(feed.f.After, horizon)
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return nil // Accept answered the client
	}
	defer c.CloseNow()
	c.SetReadLimit(liveReadLimit)
	ls := &liveSocket{s: s, c: c, r: r, feed: feed, member: s.live.Join(p), clk: clock.OrReal(s.deps.Clock), device: device}
	defer ls.member.Leave()
	err = ls.run(ctx)
	var st liveStatus
	switch {
	case errors.As(err, &st):
		c.Close(st.code, st.reason)
	case err != nil && ctx.Err() == nil && websocket.CloseStatus(err) == -1:
		slog.Debug("live socket", "err", err)
	}
	return nil
}

// run serves the socket until it closes; an error that is a liveStatus is
// the close to send.
func (ls *liveSocket) run(ctx context.Context) error {
	frames, readErr := make(chan clientFrame), make(chan error, 1)
	go ls.read(ctx, frames, readErr)
	// The keepalive runs on the server's clock, so tests can move it.
	tick := make(chan struct{}, 1)
	var timerMu sync.Mutex
	var timer clock.Timer
	arm := func() {
		timerMu.Lock()
		defer timerMu.Unlock()
		timer = ls.clk.AfterFunc(keepaliveEvery, func() {
			select {
			case tick <- struct{}{}:
			default:
			}
		})
	}
	defer func() {
		timerMu.Lock()
		timer.Stop()
		timerMu.Unlock()
	}()
	arm()
	ls.heartbeat(ctx) // a socket open is a device alive
	if err := ls.write(ctx, liveHello{Type: "hello", Cursor: ls.feed.cursor()}); err != nil {
		return err
	}
	emit := func(e event.Event) error { return ls.write(ctx, liveEvent{Type: "event", Event: e}) }
	// The keepalive's ping waits for its pong, which only the reader
	// takes in: it runs beside this loop, which goes on taking the
	// reader's frames. Waited for here, a frame the client sent before
	// its pong held the reader until the ping timed out, and the socket
	// was dropped.
	pinged := make(chan error, 1)
	catchUp := true
	for {
		if catchUp {
			if err := ls.feed.catchUp(ctx, emit); err != nil {
				return tryAgain(err)
			}
			catchUp = false
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ls.s.stopping:
			return liveStatus{websocket.StatusGoingAway, "the node is shutting down; reconnect with your cursor"}
		case list := <-ls.feed.sub.C:
			if err := ls.feed.live(ctx, list, emit); err != nil {
				return tryAgain(err)
			}
		case <-ls.feed.sub.Lagged():
			catchUp = true
		case t := <-ls.member.C():
			if t.State == live.Read {
				continue // for the widget's visitor: the inbox keeps each person's own reads
			}
			if err := ls.write(ctx, liveTyping{Type: "typing", ConversationID: t.ConversationID, UserID: t.UserID, State: t.State}); err != nil {
				return err
			}
		case fr := <-frames:
			ls.heartbeat(ctx) // any frame shows the device is alive
			switch fr.Type {
			case frameResume:
				// The socket rewinds: every event after the client's cursor
				// that it may see, in log order, then live ones.
				ls.feed.f.After = *fr.After
				catchUp = true
			case frameTyping:
				ls.typing(ctx, fr)
			}
		case err := <-readErr:
			return err
		case <-tick:
			go func() {
				pctx, cancel := context.WithTimeout(ctx, liveWriteTimeout)
				defer cancel()
				pinged <- ls.c.Ping(pctx)
			}()
		case err := <-pinged:
			if err != nil {
				return err // no pong: the connection is gone
			}
			if err := ls.keepalive(ctx); err != nil {
				return err
			}
			arm()
		}
	}
}

// tryAgain is the close for a failure to read the log: the client
// reconnects from its cursor.
func tryAgain(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	slog.Error("live socket: read the log", "err", err)
	return liveStatus{websocket.StatusTryAgainLater, "could not read the log; reconnect with your cursor"}
}

// read takes the client's frames until the socket closes or a frame is
// refused, which closes the socket with a policy violation.
func (ls *liveSocket) read(ctx context.Context, frames chan<- clientFrame, errc chan<- error) {
	for {
		typ, data, err := ls.c.Read(ctx)
		if err != nil {
			errc <- err // closed, or too big (the library closed it with 1009)
			return
		}
		if typ != websocket.MessageText {
			errc <- liveStatus{websocket.StatusPolicyViolation, "frames are JSON text"}
			return
		}
		fr, err := parseClientFrame(data)
		if err != nil {
			errc <- liveStatus{websocket.StatusPolicyViolation, err.Error()}
			return
		}
		select {
		case frames <- fr:
		case <-ctx.Done():
			return
		}
	}
}

// write sends one frame within the write timeout.
func (ls *liveSocket) write(ctx context.Context, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, liveWriteTimeout)
	defer cancel()
	if err := ls.c.Write(ctx, websocket.MessageText, data); err != nil {
		return fmt.Errorf("httpapi: live write: %w", err)
	}
	return nil
}

// keepalive, once the client answered the ping, re-checks the credentials
// the socket was opened with: a socket ends soon after its session is
// signed out or its user deactivated, and follows changes of teams and
// permissions.
func (ls *liveSocket) keepalive(ctx context.Context) error {
	p, err := ls.s.deps.Workspaces.Authenticate(ctx, streamCredential(ls.r))
	if err != nil {
		if apperr.KindOf(err) == apperr.KindUnauthorized {
			return liveStatus{liveSignedOut, "signed out: " + clipReason(err.Error())}
		}
		return tryAgain(err)
	}
	ls.feed.f.Viewer = p
	ls.member.SetPrincipal(p)
	ls.heartbeat(ctx)
	return nil
}

// heartbeat records the device's presence, at most once per
// liveHeartbeatEvery. A workspace token has no presence, and a read-only
// token records none.
func (ls *liveSocket) heartbeat(ctx context.Context) {
	p := ls.feed.f.Viewer
	// A read-only token changes nothing, presence included: it is refused
	// POST /api/v1/presence/heartbeat, so its socket records none either.
	if ls.s.deps.Routing == nil || p.UserID == 0 || readOnlyToken(p) {
		return
	}
	now := ls.clk.Now()
	if !ls.beatAt.IsZero() && now.Sub(ls.beatAt) < liveHeartbeatEvery {
		return
	}
	ls.beatAt = now
	if _, err := ls.s.deps.Routing.Heartbeat(ctx, p.WorkspaceID, p.UserID, ls.device); err != nil && ctx.Err() == nil {
		slog.Warn("live socket: presence heartbeat", "user_id", p.UserID, "err", err)
	}
}

// typing relays a typing notice to the other sockets of the workspace
// that may see the conversation, and to the contact (Deps.Signs). A notice about a conversation the sender
// may not see (or that does not exist) is dropped without a word, as is
// one beyond the token's request rate: notices are hints, not commands.
func (ls *liveSocket) typing(ctx context.Context, fr clientFrame) {
	p := ls.feed.f.Viewer
	if p.UserID == 0 || readOnlyToken(p) {
		return // an integration does not type, nor does a token that only reads
	}
	if rl := ls.s.rate; rl != nil {
		if ok, _ := rl.Take(p.TokenID); !ok {
			return
		}
	}
	conv, err := ls.s.deps.Conversations.Get(ctx, p, fr.ConversationID)
	if err != nil {
		return
	}
	ls.s.live.Relay(ls.member, live.Notice{ConversationID: conv.ID, UserID: p.UserID, State: fr.State}, conv.AssigneeID, conv.TeamID)
	// The contact sees it too where their channel can show it (the web
	// app sends notices for replies only, never for internal comments).
	if signs := ls.s.deps.Signs; signs != nil {
		signs.Typing(conv, fr.State == live.TypingStart)
	}
}

// clipReason keeps a close reason within the 123 bytes a close frame allows.
func clipReason(s string) string {
	if len(s) > 100 {
		return s[:100]
	}
	return s
}
