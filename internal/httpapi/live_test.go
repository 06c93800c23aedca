package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
)

// liveFrame is any frame the live socket sends.
type liveFrame struct {
	Type   string
	Cursor int64
	Event  struct {
		ID             int64
		Type           string
		ConversationID int64 `json:"conversation_id"`
		ContactID      int64 `json:"contact_id"`
		Seq            int64
		Payload        json.RawMessage
	}
	ConversationID int64 `json:"conversation_id"`
	UserID         int64 `json:"user_id"`
	State          string
}

// liveClient is a real WebSocket client of GET /api/v1/live: a goroutine
// reads every frame (so pings are answered) into frames, and the error
// that ended the socket into err once done is closed.
type liveClient struct {
	c      *websocket.Conn
	hello  liveFrame
	frames chan liveFrame
	done   chan struct{}
	err    error
}

// liveWait bounds every wait for a frame. The socket pushes at once, so
// the bound is only a last resort against a test hanging: generous, since
// a busy 2-core machine under the race detector may take seconds. No test
// waits it out to prove that something does not come (they use fences).
const liveWait = 30 * time.Second

// dialLive opens the socket as the fixture token named as ("" for none).
func (f *fixture) dialLive(t *testing.T, as, query string, header http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	if header == nil {
		header = http.Header{}
	}
	if as != "" {
		header.Set("Authorization", "Bearer "+f.tokens[as])
	}
	ctx, cancel := context.WithTimeout(context.Background(), liveWait)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, f.srv.URL+"/api/v1/live"+query, &websocket.DialOptions{HTTPHeader: header})
	if c != nil {
		t.Cleanup(func() { c.CloseNow() })
	}
	return c, resp, err
}

// openLive opens the socket and reads its hello.
func (f *fixture) openLive(t *testing.T, as, query string) *liveClient {
	t.Helper()
	return f.openLiveWith(t, as, query, nil)
}

// openLiveWith opens the socket with more headers (a cookie, an Origin).
func (f *fixture) openLiveWith(t *testing.T, as, query string, header http.Header) *liveClient {
	t.Helper()
	c, _, err := f.dialLive(t, as, query, header)
	if err != nil {
		t.Fatalf("dial the live socket as %s: %v", as, err)
	}
	return watchLive(t, c)
}

// watchLive reads an open socket's frames into a liveClient, and its hello.
func watchLive(t *testing.T, c *websocket.Conn) *liveClient {
	t.Helper()
	lc := &liveClient{c: c, frames: make(chan liveFrame, 100), done: make(chan struct{})}
	go func() {
		defer close(lc.done)
		for {
			_, data, err := c.Read(context.Background())
			if err != nil {
				lc.err = err
				return
			}
			var fr liveFrame
			if err := json.Unmarshal(data, &fr); err != nil {
				lc.err = err
				return
			}
			lc.frames <- fr
		}
	}()
	if lc.hello = lc.next(t); lc.hello.Type != "hello" {
		t.Fatalf("first frame %+v, want hello", lc.hello)
	}
	return lc
}

// next returns the next frame.
func (lc *liveClient) next(t *testing.T) liveFrame {
	t.Helper()
	timer := time.NewTimer(liveWait)
	defer timer.Stop()
	select {
	case fr := <-lc.frames:
		return fr
	case <-lc.done:
		select {
		case fr := <-lc.frames:
			return fr
		default:
		}
		t.Fatalf("the socket ended: %v", lc.err)
	case <-timer.C:
		t.Fatalf("no frame within %s", liveWait)
	}
	return liveFrame{}
}

// nextEvent returns the next event frame, passing over typing notices and
// presence changes (opening a socket makes its user present).
func (lc *liveClient) nextEvent(t *testing.T) liveFrame {
	t.Helper()
	for {
		fr := lc.next(t)
		if fr.Type == "event" && fr.Event.Type != "user.presence.updated" {
			return fr
		}
	}
}

// nextTyping returns the next typing notice, passing over events.
func (lc *liveClient) nextTyping(t *testing.T) liveFrame {
	t.Helper()
	for {
		if fr := lc.next(t); fr.Type == "typing" {
			return fr
		}
	}
}

func (lc *liveClient) send(t *testing.T, frame string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), liveWait)
	defer cancel()
	if err := lc.c.Write(ctx, websocket.MessageText, []byte(frame)); err != nil {
		t.Fatalf("send %s: %v", frame, err)
	}
}

// closed waits for the server to close the socket and returns its code.
func (lc *liveClient) closed(t *testing.T) (websocket.StatusCode, string) {
	t.Helper()
	timer := time.NewTimer(liveWait)
	defer timer.Stop()
	for {
		select {
		case <-lc.frames:
		case <-lc.done:
			var ce websocket.CloseError
			if !errors.As(lc.err, &ce) {
				t.Fatalf("the socket ended with %v, not a close frame", lc.err)
			}
			return ce.Code, ce.Reason
		case <-timer.C:
			t.Fatalf("the socket is still open after %s", liveWait)
		}
	}
}

// keepalive moves the server's clock to the open sockets' next keepalive,
// then waits until rearmed of them have armed the one after: each socket
// re-arms on its own goroutine once its check is done, and a later
// Advance made before that would fire nothing. A socket the keepalive
// closes arms nothing.
func keepalive(t *testing.T, clk *clock.Fake, rearmed int) {
	t.Helper()
	clk.Advance(httpapi.KeepaliveEvery)
	ctx, cancel := context.WithTimeout(context.Background(), liveWait)
	defer cancel()
	if err := clk.WaitPending(ctx, rearmed); err != nil {
		t.Fatalf("%d sockets never armed their next keepalive: %v", rearmed, err)
	}
}

// createContact adds a contact through the API and returns nothing: its
// event is what the sockets read.
func (f *fixture) createContact(t *testing.T, name string) {
	t.Helper()
	f.run(t, []scenario{{name: "contact " + name, method: "POST", path: "/api/v1/contacts", as: "owner",
		body: `{"first_name":"` + name + `"}`, status: 201}})
}

func firstName(fr liveFrame) string {
	var p struct {
		FirstName string `json:"first_name"`
	}
	json.Unmarshal(fr.Event.Payload, &p)
	return p.FirstName
}

// The socket delivers every event after its cursor in log order, each
// conversation's with consecutive sequence numbers from 1.
func TestLiveEventsInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.createContact(t, "Before")
		lc := f.openLive(t, "integration", "")
		f.createContact(t, "Ann")
		f.createContact(t, "Bob")
		r := f.inbound(t, "+33600000001", "Cleo", "m1")
		if _, err := f.conv.AddComment(context.Background(), ownerOf(f), r.ConversationID, conversation.CommentInput{Text: "hi"}); err != nil {
			t.Fatal(err)
		}
		last, seq := lc.hello.Cursor, int64(0)
		var names, types []string
		for !slices.Contains(types, "comment.created") {
			fr := lc.nextEvent(t)
			if fr.Event.ID <= last {
				t.Fatalf("event %d after %d: out of order", fr.Event.ID, last)
			}
			last = fr.Event.ID
			types = append(types, fr.Event.Type)
			if fr.Event.Type == "contact.created" && fr.Event.ConversationID == 0 {
				names = append(names, firstName(fr))
			}
			if fr.Event.ConversationID == r.ConversationID {
				if fr.Event.Seq != seq+1 {
					t.Fatalf("%s has seq %d, want %d", fr.Event.Type, fr.Event.Seq, seq+1)
				}
				seq = fr.Event.Seq
			}
		}
		if !slices.Equal(names[:2], []string{"Ann", "Bob"}) || slices.Contains(names, "Before") {
			t.Errorf("contacts %v, want Ann then Bob and not Before (it was there when the socket opened)", names)
		}
		if seq < 3 || !slices.Contains(types, "message.received") {
			t.Errorf("conversation events %v (last seq %d), want opened, message and comment", types, seq)
		}
	})
}

// A socket reconnecting with ?after=N, or rewinding with a resume frame,
// gets exactly the events after N, then live ones, none twice.
func TestLiveResume(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		lc := f.openLive(t, "integration", "")
		ids := map[string]int64{}
		read := func(lc *liveClient, want ...string) {
			t.Helper()
			for _, name := range want {
				fr := lc.nextEvent(t)
				if got := firstName(fr); got != name {
					t.Fatalf("got the event of %q (%d), want %q", got, fr.Event.ID, name)
				}
				ids[name] = fr.Event.ID
			}
		}
		for _, n := range []string{"e1", "e2", "e3"} {
			f.createContact(t, n)
		}
		read(lc, "e1", "e2", "e3")
		lc.c.Close(websocket.StatusNormalClosure, "")
		f.createContact(t, "e4")
		f.createContact(t, "e5")

		again := f.openLive(t, "integration", "?after="+itoa(ids["e1"]))
		if again.hello.Cursor != ids["e1"] {
			t.Fatalf("hello cursor %d, want %d", again.hello.Cursor, ids["e1"])
		}
		read(again, "e2", "e3", "e4", "e5")
		f.createContact(t, "e6")
		read(again, "e6") // live, and nothing replayed twice before it

		rewound := f.openLive(t, "integration", "")
		if rewound.hello.Cursor != ids["e6"] {
			t.Fatalf("a socket without after starts at %d, want the newest event %d", rewound.hello.Cursor, ids["e6"])
		}
		rewound.send(t, `{"type":"resume","after":`+itoa(ids["e3"])+`}`)
		read(rewound, "e4", "e5", "e6")
		f.createContact(t, "e7")
		read(rewound, "e7")
	})
}

// An agent's socket carries only the events of conversations the agent
// may see, decided as each is delivered; a manager's carries them all.
func TestLiveVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		w := buildWorld(t, f)
		a, m := f.openLive(t, "a", ""), f.openLive(t, "manager", "")
		comment := func(place string) {
			t.Helper()
			if _, err := f.conv.AddComment(context.Background(), ownerOf(f), w.conv[place], conversation.CommentInput{Text: "again"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, place := range places {
			comment(place)
		}
		comment(placeMine) // the fence: A's socket has nothing else before it
		got := func(lc *liveClient, n int) []int64 {
			t.Helper()
			var out []int64
			for range n {
				fr := lc.nextEvent(t)
				if fr.Event.Type != "comment.created" {
					t.Fatalf("got %s, want comment.created", fr.Event.Type)
				}
				out = append(out, fr.Event.ConversationID)
			}
			return out
		}
		if got, want := got(a, 3), []int64{w.conv[placeMine], w.conv[placeTeam], w.conv[placeMine]}; !slices.Equal(got, want) {
			t.Errorf("A's socket: conversations %v, want %v", got, want)
		}
		want := []int64{}
		for _, place := range places {
			want = append(want, w.conv[place])
		}
		if got := got(m, len(places)); !slices.Equal(got, want) {
			t.Errorf("the manager's socket: %v, want %v", got, want)
		}
	})
}

// Typing notices reach the other sockets that may see the conversation,
// never one that may not, never the sender's own.
func TestLiveTyping(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		w := buildWorld(t, f)
		a, b, m := f.openLive(t, "a", ""), f.openLive(t, "b", ""), f.openLive(t, "manager", "")
		aOther := f.openLive(t, "a", "?device_id=laptop") // A's second tab
		team := w.conv[placeTeam]

		a.send(t, `{"type":"typing","conversation_id":`+itoa(team)+`,"state":"start"}`)
		if fr := m.nextTyping(t); fr.ConversationID != team || itoa(fr.UserID) != f.vars["a"] || fr.State != "start" {
			t.Fatalf("the manager got %+v, want A starting to type in %d", fr, team)
		}
		// B may not see the team's conversation: the first notice B gets
		// is the manager's, in a conversation assigned to B.
		m.send(t, `{"type":"typing","conversation_id":`+itoa(w.conv[placeB])+`,"state":"start"}`)
		if fr := b.nextTyping(t); fr.ConversationID != w.conv[placeB] || fr.UserID != f.users["manager"].ID {
			t.Fatalf("B got %+v, want the manager's notice about B's conversation", fr)
		}
		// Neither of A's tabs hears A: their first notice is the manager's.
		m.send(t, `{"type":"typing","conversation_id":`+itoa(team)+`,"state":"stop"}`)
		for _, lc := range []*liveClient{a, aOther} {
			if fr := lc.nextTyping(t); fr.UserID != f.users["manager"].ID || fr.State != "stop" {
				t.Fatalf("A got %+v, want the manager's stop", fr)
			}
		}
		// A notice about a conversation A may not see goes nowhere.
		a.send(t, `{"type":"typing","conversation_id":`+itoa(w.conv[placeB])+`,"state":"start"}`)
		a.send(t, `{"type":"typing","conversation_id":`+itoa(w.conv[placeMine])+`,"state":"start"}`)
		if fr := m.nextTyping(t); fr.ConversationID != w.conv[placeMine] {
			t.Fatalf("the manager got %+v, want A's notice about A's own conversation only", fr)
		}
	})
}

// presenceOf returns the user's presence as the API lists it to Acme's
// owner.
func presenceOf(t *testing.T, f *fixture, userID int64) (devices int, availability string) {
	t.Helper()
	return presenceAs(t, f, "owner", userID)
}

// presenceAs returns the user's presence as the API lists it to as;
// availability "" when the list lacks the user.
func presenceAs(t *testing.T, f *fixture, as string, userID int64) (devices int, availability string) {
	t.Helper()
	var pg struct {
		Data []struct {
			UserID       int64 `json:"user_id"`
			Devices      int
			Availability string
		}
	}
	f.get(t, "/api/v1/presence?limit=200", as, &pg)
	for _, p := range pg.Data {
		if p.UserID == userID {
			return p.Devices, p.Availability
		}
	}
	return 0, ""
}

// An open socket is a live device of its user: one per sign-in unless
// the tab names its device.
func TestLiveHeartbeat(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		agent := f.users["agent"].ID
		if n, av := presenceOf(t, f, agent); n != 0 || av == "online" {
			t.Fatalf("before any socket: %d devices, %q", n, av)
		}
		lc := f.openLive(t, "agent", "")
		if n, av := presenceOf(t, f, agent); n != 1 || av != "online" {
			t.Fatalf("with a socket open: %d devices, %q; want 1, online", n, av)
		}
		f.openLive(t, "agent", "")
		if n, _ := presenceOf(t, f, agent); n != 1 {
			t.Errorf("two tabs of one sign-in: %d devices, want 1", n)
		}
		f.openLive(t, "agent", "?device_id=phone")
		if n, _ := presenceOf(t, f, agent); n != 2 {
			t.Errorf("a tab naming its device: %d devices, want 2", n)
		}
		lc.send(t, `{"type":"heartbeat"}`) // accepted: the socket stays open
		f.createContact(t, "Still open")
		if fr := lc.nextEvent(t); firstName(fr) != "Still open" {
			t.Errorf("after a heartbeat: %+v", fr)
		}
	})
}

// A frame that is not one of the protocol's closes the socket with a
// policy violation; one over the read limit is refused as too big.
func TestLiveBadFrames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, tc := range []struct {
			name, frame string
			binary      bool
			code        websocket.StatusCode
		}{
			{name: "not JSON", frame: `hello`, code: websocket.StatusPolicyViolation},
			{name: "unknown type", frame: `{"type":"subscribe"}`, code: websocket.StatusPolicyViolation},
			{name: "no type", frame: `{}`, code: websocket.StatusPolicyViolation},
			{name: "unknown field", frame: `{"type":"heartbeat","x":1}`, code: websocket.StatusPolicyViolation},
			{name: "two objects", frame: `{"type":"heartbeat"}{"type":"heartbeat"}`, code: websocket.StatusPolicyViolation},
			{name: "resume without after", frame: `{"type":"resume"}`, code: websocket.StatusPolicyViolation},
			{name: "resume before zero", frame: `{"type":"resume","after":-1}`, code: websocket.StatusPolicyViolation},
			{name: "typing without conversation", frame: `{"type":"typing","state":"start"}`, code: websocket.StatusPolicyViolation},
			{name: "typing with another state", frame: `{"type":"typing","conversation_id":1,"state":"maybe"}`, code: websocket.StatusPolicyViolation},
			{name: "binary", frame: `{"type":"heartbeat"}`, binary: true, code: websocket.StatusPolicyViolation},
			{name: "too big", frame: `{"type":"heartbeat","pad":"` + strings.Repeat("x", 4096) + `"}`, code: websocket.StatusMessageTooBig},
		} {
			t.Run(tc.name, func(t *testing.T) {
				lc := f.openLive(t, "agent", "")
				typ := websocket.MessageText
				if tc.binary {
					typ = websocket.MessageBinary
				}
				ctx, cancel := context.WithTimeout(context.Background(), liveWait)
				defer cancel()
				lc.c.Write(ctx, typ, []byte(tc.frame)) // may fail once the server closed
				if code, reason := lc.closed(t); code != tc.code {
					t.Errorf("closed with %d (%s), want %d", code, reason, tc.code)
				}
			})
		}
	})
}

// The upgrade is refused before any socket exists: a page of another
// site (403), no credentials (401), a plain GET (400), one stream too
// many (429).
func TestLiveRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, func(deps *httpapi.Deps) { deps.Limits.StreamsPerUser = 2 })
		refused := func(name, as, query string, header http.Header, status int) {
			t.Helper()
			_, resp, err := f.dialLive(t, as, query, header)
			if err == nil || resp == nil || resp.StatusCode != status {
				t.Fatalf("%s: err %v, response %+v; want %d", name, err, resp, status)
			}
			body, _ := io.ReadAll(resp.Body)
			var e struct {
				Error struct{ Code, Message string }
			}
			if json.Unmarshal(body, &e) != nil || e.Error.Code == "" {
				t.Errorf("%s: body %s is not an API error", name, body)
			}
		}
		refused("cross-site", "agent", "", http.Header{"Origin": {"https://evil.test"}}, 403)
		refused("opaque origin", "agent", "", http.Header{"Origin": {"null"}}, 403)
		refused("no token", "", "", nil, 401)
		refused("negative after", "agent", "?after=-1", nil, 400)
		refused("a device id with a control character", "agent", "?device_id=a%00b", nil, 400)
		f.run(t, []scenario{{name: "a plain GET", method: "GET", path: "/api/v1/live", as: "agent", status: 400}})

		same := http.Header{"Origin": {f.srv.URL}}
		if _, _, err := f.dialLive(t, "agent", "", same); err != nil {
			t.Fatalf("a page of this site: %v", err)
		}
		f.openLive(t, "agent", "")
		refused("a third stream", "agent", "", nil, 429)
		f.openLive(t, "manager", "") // the limit is per user
	})
}

// A socket ends when its credentials stop holding (checked at each
// keepalive, on the server's clock) and when the node shuts down.
func TestLiveCloses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clk := clock.NewFake(time.Now())
		f := newFixture(t, d, func(deps *httpapi.Deps) { deps.Clock = clk })
		lc, kept := f.openLive(t, "agent", ""), f.openLive(t, "manager", "")
		f.run(t, []scenario{{name: "deactivate the agent", method: "POST", path: "/api/v1/users/{{agent}}/deactivate", as: "owner", status: 200}})
		keepalive(t, clk, 1) // the manager's socket goes on
		if code, reason := lc.closed(t); code != 4401 {
			t.Errorf("closed with %d (%s), want 4401", code, reason)
		}
		f.createContact(t, "After the keepalive")
		if fr := kept.nextEvent(t); firstName(fr) != "After the keepalive" {
			t.Errorf("the manager's socket got %+v", fr)
		}
		f.server.CloseStreams()
		if code, _ := kept.closed(t); code != websocket.StatusGoingAway {
			t.Errorf("closed with %d as the node stops, want %d", code, websocket.StatusGoingAway)
		}
	})
}

// A browser opens the socket with its session cookie from a page of this
// site only; the keepalive re-checks the cookie's session, so the socket
// lives on with it and ends when the browser signs out.
func TestLiveSessionCookie(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clk := clock.NewFake(time.Now())
		f := newFixture(t, d, func(deps *httpapi.Deps) { deps.Clock = clk })
		f.addAna(t)
		page := map[string]string{"Origin": f.srv.URL, "Sec-Fetch-Site": "same-origin"}
		resp, _, c, csrf := f.browserSignIn(t, `{"email":"ana@acme.test","password":"correct horse"}`, page)
		if resp.StatusCode != 200 || c == nil {
			t.Fatalf("browser sign-in: %d", resp.StatusCode)
		}
		cookie := func(more ...string) http.Header {
			h := http.Header{"Cookie": {cookieName + "=" + c.Value}, "Origin": {f.srv.URL}}
			for i := 0; i+1 < len(more); i += 2 {
				h.Set(more[i], more[i+1])
			}
			return h
		}
		for name, h := range map[string]http.Header{
			"another site's page":      cookie("Origin", "https://evil.test"),
			"a sibling site's page":    cookie("Sec-Fetch-Site", "same-site"),
			"a cross-site fetch label": cookie("Sec-Fetch-Site", "cross-site"),
		} {
			if _, resp, err := f.dialLive(t, "", "", h); err == nil || resp == nil || resp.StatusCode != 403 {
				t.Fatalf("%s: %v %+v; want 403", name, err, resp)
			}
		}
		lc := f.openLiveWith(t, "", "", cookie("Sec-Fetch-Site", "same-origin"))
		// The session holds: the socket goes on, and arms its next
		// keepalive once done with this one.
		keepalive(t, clk, 1)
		f.createContact(t, "After a keepalive")
		if fr := lc.nextEvent(t); firstName(fr) != "After a keepalive" {
			t.Fatalf("got %+v", fr)
		}
		if resp, out := f.raw(t, "POST", "/api/v1/auth/logout", "", "", withCookie(c.Value, csrf, "Origin", f.srv.URL)); resp.StatusCode != 204 {
			t.Fatalf("sign out: %d %s", resp.StatusCode, out)
		}
		keepalive(t, clk, 0)
		if code, reason := lc.closed(t); code != 4401 {
			t.Errorf("closed with %d (%s) after sign-out, want 4401", code, reason)
		}
	})
}
