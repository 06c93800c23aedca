package widget

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clientaddr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/live"
)

const (
	// socketReadLimit bounds one visitor frame: a message of MaxTextLength
	// characters of up to 4 bytes each, with room for its JSON. A larger
	// frame closes the socket with 1009, which the widget explains.
	socketReadLimit = 4*MaxTextLength + 4096
	// authTimeout is how long a new socket has to send its credentials.
	authTimeout = 10 * time.Second
	// socketWriteTimeout is how long one frame may take to reach the visitor.
	socketWriteTimeout = 10 * time.Second
	// pingEvery keeps the connection alive through proxies.
	pingEvery = 30 * time.Second
)

// Close codes the widget understands.
const (
	closeUnauthorized websocket.StatusCode = 4401
)

// frame is a frame from or to the visitor's socket.
//
//	visitor → server: {"type":"auth","visitor_id","secret"} first, then
//	  {"type":"message","text","client_id","name","email"},
//	  {"type":"typing","state":"start"|"stop"},
//	  {"type":"delivered","message_id"} (the newest reply the widget has),
//	  {"type":"read","message_id"} (the newest reply shown, panel open)
//	server → visitor: {"type":"ready"}, {"type":"message","message"},
//	  {"type":"ack","client_id","message_id"}, {"type":"typing","state","name"},
//	  {"type":"read","seen_at"} (a person read the conversation),
//	  {"type":"availability","online","opens_at"} (on connecting, then on
//	  a change; opens_at when nobody is online and the workspace is outside
//	  its business hours),
//	  {"type":"closed","conversation_id"} (the visitor's conversation closed),
//	  {"type":"error","client_id","code","error"}
type frame struct {
	Type      string   `json:"type"`
	VisitorID string   `json:"visitor_id,omitempty"`
	Secret    string   `json:"secret,omitempty"`
	State     string   `json:"state,omitempty"`
	ClientID  string   `json:"client_id,omitempty"`
	MessageID int64    `json:"message_id,omitempty"`
	Code      string   `json:"code,omitempty"`
	Error     string   `json:"error,omitempty"`
	Message   *Message `json:"message,omitempty"`
	// SeenAt: a read frame's time, up to which the visitor's messages were
	// seen.
	SeenAt *time.Time `json:"seen_at,omitempty"`
	// Online: an availability frame's news, whether someone of the team
	// is online; OpensAt, when nobody is, the next opening of the
	// workspace's business hours if it is closed now.
	Online  *bool      `json:"online,omitempty"`
	OpensAt *time.Time `json:"opens_at,omitempty"`
	// ConversationID: a closed frame's conversation.
	ConversationID int64 `json:"conversation_id,omitempty"`
	Outgoing
}

// socket is GET /widget/{channelID}/socket: the visitor's WebSocket.
func (a *api) socket(w http.ResponseWriter, r *http.Request, q request) error {
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		return apperr.BadRequest("GET /widget/{channelID}/socket upgrades to a WebSocket")
	}
	if err := a.takeOrigin(q); err != nil {
		return err
	}
	release, err := a.sockets.take(clientaddr.Subscriber(clientaddr.Of(r, a.deps.TrustedProxies)))
	if err != nil {
		return err
	}
	defer release()
	// The origin was checked against the channel's allowed origins above.
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return nil
	}
	defer c.CloseNow()
	c.SetReadLimit(socketReadLimit)
	vs := &visitorSocket{api: a, q: q, c: c}
	err = vs.run(r.Context())
	var ce closeError
	if !errors.As(err, &ce) && err != nil && r.Context().Err() == nil && websocket.CloseStatus(err) == -1 {
		slog.Debug("widget socket", "err", err)
	}
	return nil
}

type closeError struct {
	code   websocket.StatusCode
	reason string
}

func (e closeError) Error() string { return e.reason }

// visitorSocket is one open visitor socket.
type visitorSocket struct {
	api     *api
	q       request
	c       *websocket.Conn
	v       Visitor
	contact atomic.Int64 // the visitor's contact, once they wrote
	lastID  int64        // the last message pushed
	conv    int64        // the visitor's latest conversation
	told    *frame       // the team's availability last told (nil: not yet)
	// closedTold is the conversation the visitor was last told closed.
	closedTold int64
	typists    map[int64]string // names of the people seen typing, by user id
}

func (vs *visitorSocket) run(ctx context.Context) (err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Closed with the error's code before cancel: cancelling the reader's
	// Read drops the connection, which would reach the visitor without its
	// code (the script tells 4401 from a lost connection by it).
	defer func() {
		var ce closeError
		if errors.As(err, &ce) {
			vs.c.Close(ce.code, ce.reason)
		}
	}()
	if err := vs.auth(ctx); err != nil {
		return err
	}
	d := vs.api.deps
	ws := vs.q.ch.WorkspaceID
	// Subscribed before the first read of the history, so nothing falls
	// between. A merge of the visitor's contact into another is followed:
	// the visitor's identity, conversations and messages move to the kept
	// contact, whose events are theirs from then on.
	sub := d.Tail.Subscribe(func(e event.Event) bool {
		if e.WorkspaceID != ws {
			return false
		}
		if e.Type == event.UserPresenceUpdated {
			return true // the team's availability, told before the first message too
		}
		c := vs.contact.Load()
		if c == 0 {
			return false
		}
		switch e.Type {
		case event.MessageSent, event.MessageReceived, event.MessageStatus, event.ConversationClosed:
			return e.ContactID == c
		case event.ContactMerged:
			var p struct {
				From int64 `json:"merged_contact_id"`
			}
			return json.Unmarshal(e.Payload, &p) == nil && p.From == c
		}
		return false
	})
	defer sub.Close()
	// The visitor's notices are relayed as from no user; the member
	// receives every typing notice of the workspace, of which only those
	// of the visitor's conversation by a user reach the visitor.
	member := d.Live.Join(access.Principal{WorkspaceID: ws, Role: access.RoleOwner})
	defer member.Leave()
	contactID, err := contactOf(ctx, d.DB.Reader(), vs.q.ch.ID, vs.v.VisitorID)
	if err != nil {
		return err
	}
	vs.contact.Store(contactID)
	if err := vs.write(ctx, frame{Type: "ready"}); err != nil {
		return err
	}
	if err := vs.tellAvailability(ctx, 0); err != nil {
		return err
	}
	if err := vs.push(ctx); err != nil {
		return err
	}
	if err := vs.tellClosed(ctx); err != nil {
		return err
	}
	if err := vs.seen(ctx); err != nil {
		return err
	}
	frames, readErr := make(chan frame), make(chan error, 1)
	go vs.read(ctx, frames, readErr)
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case evs := <-sub.C:
			// What each kind of event asks: a merge to follow the kept
			// contact, a presence change the team's availability, a close
			// the line under the conversation; the messages' to push.
			merged, presence, closed, others := false, int64(0), false, false
			for _, e := range evs {
				switch e.Type {
				case event.UserPresenceUpdated:
					presence = e.ID
				case event.ConversationClosed:
					closed = true
				case event.ContactMerged:
					merged, others = true, true
				default:
					others = true
				}
			}
			if presence != 0 {
				if err := vs.tellAvailability(ctx, presence); err != nil {
					return err
				}
			}
			if merged {
				if err := vs.refollow(ctx); err != nil {
					return err
				}
			}
			if others {
				if err := vs.push(ctx); err != nil {
					return err
				}
			}
			if closed {
				if err := vs.tellClosed(ctx); err != nil {
					return err
				}
			}
		case <-sub.Lagged():
			// A merge may be among the events missed, a presence change and
			// the conversation's close.
			if err := vs.refollow(ctx); err != nil {
				return err
			}
			if err := vs.tellAvailability(ctx, 0); err != nil {
				return err
			}
			if err := vs.push(ctx); err != nil {
				return err
			}
			if err := vs.tellClosed(ctx); err != nil {
				return err
			}
		case t := <-member.C():
			if t.UserID == 0 || vs.conv == 0 || t.ConversationID != vs.conv {
				continue
			}
			if t.State == live.Read {
				if err := vs.seen(ctx); err != nil {
					return err
				}
			} else if err := vs.write(ctx, frame{Type: "typing", State: t.State, Outgoing: Outgoing{Name: vs.typist(ctx, t)}}); err != nil {
				return err
			}
		case fr := <-frames:
			if err := vs.recheck(ctx); err != nil {
				return err
			}
			if err := vs.handle(ctx, member, fr); err != nil {
				return err
			}
		case err := <-readErr:
			return err
		case <-ping.C:
			if err := vs.recheck(ctx); err != nil {
				return err
			}
			pctx, cancel := context.WithTimeout(ctx, socketWriteTimeout)
			err := vs.c.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
		}
	}
}

// refollow reads the visitor's contact again, which a merge changed.
func (vs *visitorSocket) refollow(ctx context.Context) error {
	contactID, err := contactOf(ctx, vs.api.deps.DB.Reader(), vs.q.ch.ID, vs.v.VisitorID)
	if err == nil && contactID != 0 {
		vs.contact.Store(contactID)
	}
	return err
}

// auth reads the visitor's credentials, the socket's first frame.
func (vs *visitorSocket) auth(ctx context.Context) error {
	actx, cancel := context.WithTimeout(ctx, authTimeout)
	defer cancel()
	typ, data, err := vs.c.Read(actx)
	if err != nil {
		return closeError{websocket.StatusPolicyViolation, "send the visitor's credentials first"}
	}
	var fr frame
	if typ != websocket.MessageText || json.Unmarshal(data, &fr) != nil || fr.Type != "auth" {
		return closeError{websocket.StatusPolicyViolation, "the first frame is {\"type\":\"auth\",\"visitor_id\",\"secret\"}"}
	}
	vs.v = Visitor{VisitorID: fr.VisitorID, Secret: fr.Secret}
	if err := authenticate(vs.q.ch, vs.v); err != nil {
		return closeError{closeUnauthorized, err.Error()}
	}
	return nil
}

// recheck reads the channel again (from the channels' cache: a change
// made on this node at once, another node's within seconds) and ends the
// socket when its visitor or its page lost their access since it opened:
// a rotated token signs every visitor out (4401, and the script starts as
// a new visitor), a site removed from the allowed origins is shut out
// (1008). Checked at authentication only, an open socket went on storing
// the visitor's messages and pushing them replies.
// A failed read keeps the channel as known: a store's hiccup is not a
// reason to drop every visitor.
func (vs *visitorSocket) recheck(ctx context.Context) error {
	ch, err := vs.api.in.Channels.Lookup(ctx, vs.q.ch.ID)
	switch {
	case apperr.KindOf(err) == apperr.KindNotFound || (err == nil && ch.Type != Type):
		return closeError{websocket.StatusPolicyViolation, "this widget no longer exists"}
	case err != nil:
		slog.Warn("widget: re-read the channel of a visitor socket", "channel_id", vs.q.ch.ID, "err", err)
		return nil
	}
	cfg := parseConfig(ch.Config)
	if !cfg.allows(vs.q.origin) {
		return closeError{websocket.StatusPolicyViolation, "this site may no longer embed this widget"}
	}
	if err := authenticate(ch, vs.v); err != nil {
		return closeError{closeUnauthorized, err.Error()}
	}
	vs.q.ch, vs.q.cfg = ch, cfg
	return nil
}

// read takes the visitor's frames until the socket closes.
func (vs *visitorSocket) read(ctx context.Context, frames chan<- frame, errc chan<- error) {
	for {
		typ, data, err := vs.c.Read(ctx)
		if err != nil {
			errc <- err // closed, or too big (closed with 1009)
			return
		}
		var fr frame
		if typ != websocket.MessageText || json.Unmarshal(data, &fr) != nil {
			errc <- closeError{websocket.StatusPolicyViolation, "frames are JSON objects"}
			return
		}
		select {
		case frames <- fr:
		case <-ctx.Done():
			return
		}
	}
}

// handle acts on one frame of the visitor.
func (vs *visitorSocket) handle(ctx context.Context, member *live.Member, fr frame) error {
	switch fr.Type {
	case "message":
		// The frame's own client_id, a field at a shallower depth, takes
		// the JSON key from Outgoing's: without this the message was
		// stored without it, and a resend was stored twice.
		o := fr.Outgoing
		o.ClientID = fr.ClientID
		res, err := vs.api.receive(ctx, vs.q, vs.v, o)
		if err != nil {
			if apperr.KindOf(err) == "" {
				slog.Error("widget: receive", "channel_id", vs.q.ch.ID, "err", err)
				return vs.write(ctx, frame{Type: "error", ClientID: fr.ClientID, Code: "unavailable", Error: "the message could not be stored; try again"})
			}
			return vs.write(ctx, errorFrame(fr.ClientID, err))
		}
		vs.contact.Store(res.ContactID)
		if res.ConversationID != 0 {
			vs.conv = res.ConversationID
		}
		if err := vs.write(ctx, frame{Type: "ack", ClientID: fr.ClientID, MessageID: res.MessageID}); err != nil {
			return err
		}
		return vs.push(ctx)
	case "delivered":
		vs.receipt(ctx, fr.MessageID, conversation.MsgDelivered)
	case "read":
		vs.receipt(ctx, fr.MessageID, conversation.MsgRead)
	case "typing":
		if vs.conv == 0 || (fr.State != live.TypingStart && fr.State != live.TypingStop) {
			return nil
		}
		if ok, _ := vs.api.visitors.Take(fmt.Sprintf("%d typing %s", vs.q.ch.ID, vs.v.VisitorID)); !ok {
			return nil
		}
		assignee, team, err := conversationOf(ctx, vs.api.deps.DB.Reader(), vs.conv)
		if err != nil {
			return nil
		}
		member.SetPrincipal(access.Principal{WorkspaceID: vs.q.ch.WorkspaceID, Role: access.RoleOwner})
		vs.api.deps.Live.Relay(member, live.Notice{ConversationID: vs.conv, State: fr.State}, assignee, team)
	}
	return nil
}

// errorFrame tells the visitor why a message was refused, in words the
// widget shows as they are.
func errorFrame(clientID string, err error) frame {
	code, msg := "invalid", err.Error()
	var e *apperr.Error
	if errors.As(err, &e) {
		msg = e.Message
		switch {
		case e.Kind == apperr.KindTooMany:
			code = "rate_limited"
		case e.Kind == apperr.KindInvalid && e.Field == "text" && strings.Contains(e.Message, "at most"):
			code = "too_long"
		}
		if e.Field != "" {
			msg = e.Field + " " + msg
		}
	}
	return frame{Type: "error", ClientID: clientID, Code: code, Error: msg}
}

// push sends the visitor the messages after the last one pushed.
func (vs *visitorSocket) push(ctx context.Context) error {
	c := vs.contact.Load()
	if c == 0 {
		return nil
	}
	list, err := messagesOf(ctx, vs.api.deps.DB.Reader(), vs.q.ch.ID, c, vs.lastID)
	if err != nil || len(list) == 0 {
		return err
	}
	// Checked after the read: a reply read here was stored after any
	// change the check has not seen yet.
	if err := vs.recheck(ctx); err != nil {
		return err
	}
	for i := range list {
		m := list[i]
		if err := vs.write(ctx, frame{Type: "message", Message: &m}); err != nil {
			return err
		}
		vs.lastID = m.ID
		if m.ConversationID != 0 {
			vs.conv = m.ConversationID
		}
	}
	return nil
}

// typist names the person of a typing start, as replies are signed
// (Message.SenderName): "Sol Seller is typing…". Read once per person and
// socket; a failed read is no name (a hint goes without).
func (vs *visitorSocket) typist(ctx context.Context, t live.Notice) string {
	if t.State != live.TypingStart {
		return ""
	}
	if name, ok := vs.typists[t.UserID]; ok {
		return name
	}
	var name string
	err := vs.api.deps.DB.Reader().QueryRow(ctx, `SELECT name FROM users WHERE id = ? AND workspace_id = ?`,
		t.UserID, vs.q.ch.WorkspaceID).Scan(&name)
	if err != nil {
		return ""
	}
	if vs.typists == nil || len(vs.typists) >= 100 {
		vs.typists = map[int64]string{}
	}
	vs.typists[t.UserID] = name
	return name
}

// tellAvailability tells the visitor whether someone of the team is
// online and, when nobody is and the workspace is closed, when it opens,
// when that changed since last told: after the presence change of event
// id after (shared with the node's other sockets that heard it), or, with
// 0, as the store says now (on connecting, after a lag). It is a hint: a
// failed read leaves the visitor told what they were, and the socket open.
func (vs *visitorSocket) tellAvailability(ctx context.Context, after int64) error {
	q := vs.api.deps.DB.Reader()
	var t team
	var err error
	if after == 0 {
		t, err = readTeam(ctx, q, vs.q.ch.WorkspaceID)
	} else {
		t, err = vs.api.team.after(ctx, q, vs.q.ch.WorkspaceID, after)
	}
	if err != nil {
		if ctx.Err() == nil {
			slog.Warn("widget: the team's availability was not read", "channel_id", vs.q.ch.ID, "err", err)
		}
		return nil
	}
	news := frame{Type: "availability", Online: &t.online, OpensAt: t.opensAt(vs.api.deps.Clock.Now())}
	if told := vs.told; told != nil && *told.Online == t.online && sameTime(told.OpensAt, news.OpensAt) {
		return nil
	}
	vs.told = &news
	return vs.write(ctx, news)
}

func sameTime(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

// seen tells the visitor up to when their messages were seen, once a
// person read their conversation (the hub's read notice, or the socket's
// start); the time is the store's, read after the read was written.
func (vs *visitorSocket) seen(ctx context.Context) error {
	c := vs.contact.Load()
	if c == 0 {
		return nil
	}
	at, err := seenAt(ctx, vs.api.deps.DB.Reader(), vs.q.ch.ID, c)
	if err != nil || at.IsZero() {
		return err
	}
	return vs.write(ctx, frame{Type: "read", SeenAt: &at})
}

// write sends one frame within the write timeout.
func (vs *visitorSocket) write(ctx context.Context, fr frame) error {
	data, err := json.Marshal(fr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, socketWriteTimeout)
	defer cancel()
	return vs.c.Write(ctx, websocket.MessageText, data)
}
