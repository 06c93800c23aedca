package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-chat/switchboard/internal/channel/widget"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// widgetFrame is a frame the visitor's socket receives.
type widgetFrame struct {
	Type, State, Code, Error string
	ClientID                 string `json:"client_id"`
	MessageID                int64  `json:"message_id"`
	Message                  *widget.Message
	SeenAt                   *time.Time `json:"seen_at"`
	Online                   *bool
	OpensAt                  *time.Time `json:"opens_at"`
	ConversationID           int64      `json:"conversation_id"`
}

// visitorSocket is a visitor's open widget socket, past its ready frame.
type visitorSocket struct {
	t *testing.T
	c *websocket.Conn
}

// openVisitorSocket dials the widget's socket from the allowed page and
// authenticates as v.
func (f *fixture) openVisitorSocket(t *testing.T, v widget.Visitor) *visitorSocket {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), liveWait)
	defer cancel()
	url := strings.Replace(f.srv.URL, "http", "ws", 1) + "/widget/" + f.vars["widget"] + "/socket"
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {widgetOrigin}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	s := &visitorSocket{t: t, c: c}
	s.write(map[string]string{"type": "auth", "visitor_id": v.VisitorID, "secret": v.Secret})
	if fr, err := s.read(); err != nil || fr.Type != "ready" {
		t.Fatalf("first frame %+v %v, want ready", fr, err)
	}
	return s
}

func (s *visitorSocket) write(v any) {
	s.t.Helper()
	data, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(context.Background(), liveWait)
	defer cancel()
	if err := s.c.Write(ctx, websocket.MessageText, data); err != nil {
		s.t.Fatal(err)
	}
}

// read returns the next frame, or the error that closed the socket.
func (s *visitorSocket) read() (widgetFrame, error) {
	ctx, cancel := context.WithTimeout(context.Background(), liveWait)
	defer cancel()
	_, data, err := s.c.Read(ctx)
	if err != nil {
		return widgetFrame{}, err
	}
	var fr widgetFrame
	err = json.Unmarshal(data, &fr)
	return fr, err
}

// message waits for the message frame of the given text.
func (s *visitorSocket) message(text string) widget.Message {
	s.t.Helper()
	for {
		fr, err := s.read()
		if err != nil {
			s.t.Fatalf("waiting for %q: %v", text, err)
		}
		if fr.Type == "message" && fr.Message.Text == text {
			return *fr.Message
		}
	}
}

// until reads frames until one of type typ, which it returns.
func (s *visitorSocket) until(typ string) widgetFrame {
	s.t.Helper()
	for {
		fr, err := s.read()
		if err != nil {
			s.t.Fatalf("waiting for a %s frame: %v", typ, err)
		}
		if fr.Type == typ {
			return fr
		}
	}
}

// says writes text and returns the stored message as the socket pushes it.
func (s *visitorSocket) says(text, clientID string) widget.Message {
	s.t.Helper()
	s.write(map[string]string{"type": "message", "text": text, "client_id": clientID})
	return s.message(text)
}

// closedWith reads until the socket closes and returns the close code,
// failing the test if the message notText is pushed first.
func (s *visitorSocket) closedWith(notText string) websocket.StatusCode {
	s.t.Helper()
	for {
		fr, err := s.read()
		if err != nil {
			return websocket.CloseStatus(err)
		}
		if fr.Type == "message" && fr.Message.Text == notText {
			s.t.Fatalf("the socket was sent %q", notText)
		}
	}
}

// TestWidgetSocketSignedOutWhenItsAccessEnds: rotating the channel's token
// signs every visitor out, and removing a site from the allowed origins
// shuts its pages out; a socket opened before is no exception — it is
// closed at its next frame or wake, and nothing more is stored through it
// or pushed to it.
func TestWidgetSocketSignedOutWhenItsAccessEnds(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, tc := range []struct {
			name   string
			change scenario
			// visitor: the visitor writes after the change; else an agent replies.
			visitor bool
			code    websocket.StatusCode
		}{
			{name: "the token rotated, the visitor writes", visitor: true, code: 4401,
				change: scenario{method: "POST", path: "/api/v1/channels/{{widget}}/rotate-token", as: "owner", status: 200}},
			{name: "the token rotated, an agent replies", code: 4401,
				change: scenario{method: "POST", path: "/api/v1/channels/{{widget}}/rotate-token", as: "owner", status: 200}},
			{name: "the site removed, the visitor writes", visitor: true, code: websocket.StatusPolicyViolation,
				change: scenario{method: "PATCH", path: "/api/v1/channels/{{widget}}", as: "owner", status: 200,
					body: `{"config":{"allowed_origins":["http://localhost:8080"]}}`}},
			{name: "the site removed, an agent replies", code: websocket.StatusPolicyViolation,
				change: scenario{method: "PATCH", path: "/api/v1/channels/{{widget}}", as: "owner", status: 200,
					body: `{"config":{"allowed_origins":["http://localhost:8080"]}}`}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f.widgetChannel(t) // a channel of its own
				ana := f.newVisitor(t)
				s := f.openVisitorSocket(t, ana)
				s.write(map[string]string{"type": "message", "text": "Hello", "client_id": "k1"})
				conv := s.message("Hello").ConversationID
				tc.change.name = "the change"
				f.run(t, []scenario{tc.change})
				const late = "written after the change"
				if tc.visitor {
					s.write(map[string]string{"type": "message", "text": late, "client_id": "k2"})
				} else {
					f.run(t, []scenario{{name: "the agent replies", method: "POST", path: "/api/v1/conversations/" + itoa(conv) + "/messages",
						as: "agent", status: 202, body: `{"text":"` + late + `"}`}})
				}
				if code := s.closedWith(late); code != tc.code {
					t.Fatalf("the socket closed with %d, want %d", code, tc.code)
				}
				if tc.visitor {
					if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE channel_id = ? AND text = ?`, f.vars["widget"], late); n != 0 {
						t.Fatalf("%d messages stored through the signed-out socket", n)
					}
				}
			})
		}
	})
}

// TestWidgetSocketFollowsTheVisitorIntoAMergedContact: an agent merges the
// visitor's contact into the customer it turns out to be (as docs/widget.md
// advises); the visitor's open socket keeps receiving the replies, now
// stored under the kept contact.
func TestWidgetSocketFollowsTheVisitorIntoAMergedContact(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, withMergeCloser)
		f.widgetChannel(t)
		ana := f.newVisitor(t)
		s := f.openVisitorSocket(t, ana)
		s.write(map[string]string{"type": "message", "text": "Hello, I am Ana Lima", "client_id": "k1"})
		conv := s.message("Hello, I am Ana Lima").ConversationID
		var visitorContact int64
		if err := d.Reader().QueryRow(context.Background(), `SELECT contact_id FROM contact_identities WHERE external_id = ?`, ana.VisitorID).Scan(&visitorContact); err != nil {
			t.Fatal(err)
		}
		f.vars["visitor"] = itoa(visitorContact)
		f.run(t, []scenario{
			{name: "Ana's known contact", method: "POST", path: "/api/v1/contacts", as: "owner", status: 201, capture: "customer",
				body: `{"first_name":"Ana","last_name":"Lima","email":"ana.lima@example.com"}`},
			{name: "the visitor is merged into it", method: "POST", path: "/api/v1/contacts/{{customer}}/merge", as: "owner", status: 200,
				body: `{"from":{{visitor}}}`, want: []string{`"moved_identities":1`}},
			{name: "the agent replies", method: "POST", path: "/api/v1/conversations/" + itoa(conv) + "/messages", as: "agent",
				status: 202, body: `{"text":"Welcome back, Ana"}`},
		})
		if m := s.message("Welcome back, Ana"); m.Direction != "out" {
			t.Fatalf("the reply: %+v", m)
		}
	})
}

// TestWidgetSocketResendWithSameClientIDStoredOnce: a message frame sent
// again with the same client_id (the answer lost with the connection) is
// stored once, as docs/widget.md promises and as POST …/messages does.
func TestWidgetSocketResendWithSameClientIDStoredOnce(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.widgetChannel(t)
		ana := f.newVisitor(t)
		s := f.openVisitorSocket(t, ana)
		frame := map[string]string{"type": "message", "text": "Where is my order?", "client_id": "c1"}
		s.write(frame)
		first := s.message("Where is my order?")
		s.write(frame)
		var ack widgetFrame
		for ack.Type != "ack" || ack.ClientID != "c1" {
			fr, err := s.read()
			if err != nil {
				t.Fatal(err)
			}
			if fr.Type == "message" && fr.Message.Text == "Where is my order?" {
				t.Fatalf("the resend was stored again: %+v", fr.Message)
			}
			ack = fr
		}
		if ack.MessageID != first.ID {
			t.Fatalf("the resend's ack names message %d, want %d", ack.MessageID, first.ID)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE channel_id = ? AND text = ?`, f.vars["widget"], "Where is my order?"); n != 1 {
			t.Fatalf("%d messages stored, want 1", n)
		}
	})
}
