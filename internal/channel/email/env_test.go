package email

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/secret"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// env is a node's worth of the email channel on a test store: the
// provider attached to the channels, conversations and a media folder.
type env struct {
	d     *db.DB
	p     *Provider
	chs   *channel.Service
	conv  *conversation.Service
	media Store
	ws    int64
}

func loopbackClient() *netguard.Guard {
	return netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	p := New(loopbackClient().Client())
	reg, err := channel.NewRegistry(p)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := secret.NewKeyring(bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	m, err := media.New(d, media.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{d: d, p: p, chs: channel.NewWithOptions(d, channel.Options{Registry: reg, Keys: keys}), conv: conversation.New(d), media: MediaStore(m)}
	ws, err := workspace.New(d).Create(context.Background(), "W", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	e.ws = ws.ID
	p.Attach(Deps{DB: d, Media: e.media, Channels: e.chs, Receiver: e.conv})
	return e
}

func (e *env) channel(t *testing.T, cfg map[string]any) channel.Channel {
	t.Helper()
	raw, _ := json.Marshal(cfg)
	ch, err := e.chs.Create(context.Background(), e.ws, channel.Input{Type: Type, Name: "support", Config: raw})
	if err != nil {
		t.Fatal(err)
	}
	full, err := e.chs.Lookup(context.Background(), ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	return full
}

type storedMsg struct {
	ConversationID    int64
	Direction         string
	ProviderMessageID string
	Text              string
	Content           Content
}

func (e *env) messages(t *testing.T, channelID int64) []storedMsg {
	t.Helper()
	rows, err := e.d.Reader().Query(context.Background(), `SELECT COALESCE(conversation_id, 0), direction, COALESCE(provider_message_id, ''), text, content
		FROM messages WHERE channel_id = ? ORDER BY id`, channelID)
	if err != nil {
		t.Fatal(err)
	}
	out, err := db.Collect(rows, func(r *sql.Rows) (storedMsg, error) {
		var m storedMsg
		var content string
		err := r.Scan(&m.ConversationID, &m.Direction, &m.ProviderMessageID, &m.Text, &content)
		json.Unmarshal([]byte(content), &m.Content)
		return m, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// waitFor polls cond until it holds or 10 seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sink is an SMTP server that keeps what it is given, or refuses with
// the code it is told.
type sink struct {
	mu     sync.Mutex
	mails  []sunk
	refuse *smtp.SMTPError
	user   string
	pass   string
	addr   string
	// login offers AUTH LOGIN only, as Microsoft 365 and Outlook.com do.
	login bool
}

type sunk struct {
	from string
	to   []string
	raw  []byte
}

func newSink(t *testing.T, user, pass string) *sink {
	t.Helper()
	s := &sink{user: user, pass: pass}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }))
	srv.Domain = "sink.test"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *sink) port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	n := 0
	for _, c := range p {
		n = n*10 + int(c-'0')
	}
	return n
}

func (s *sink) got() []sunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sunk(nil), s.mails...)
}

type sinkSession struct {
	s      *sink
	from   string
	to     []string
	authed bool
}

func (ss *sinkSession) AuthMechanisms() []string {
	if ss.s.login {
		return []string{sasl.Login}
	}
	return []string{sasl.Plain}
}
func (ss *sinkSession) Auth(mech string) (sasl.Server, error) {
	check := func(_, user, pass string) error {
		if user != ss.s.user || pass != ss.s.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		ss.authed = true
		return nil
	}
	switch {
	case mech == sasl.Login && ss.s.login:
		return &loginServer{check: check}, nil
	case mech == sasl.Plain && !ss.s.login:
		return sasl.NewPlainServer(check), nil
	}
	return nil, &smtp.SMTPError{Code: 504, EnhancedCode: smtp.EnhancedCode{5, 7, 4}, Message: "Unrecognized authentication type"}
}

// loginServer is the server side of AUTH LOGIN: the user name (sent with
// the command, or asked for), then the password.
type loginServer struct {
	check     func(identity, user, pass string) error
	user      []byte
	askedUser bool
	haveUser  bool
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch {
	case !l.haveUser && resp == nil && !l.askedUser:
		l.askedUser = true
		return []byte("Username:"), false, nil
	case !l.haveUser:
		l.user, l.haveUser = resp, true
		return []byte("Password:"), false, nil
	}
	return nil, true, l.check("", string(l.user), string(resp))
}
func (ss *sinkSession) Reset()        { ss.from, ss.to = "", nil }
func (ss *sinkSession) Logout() error { return nil }
func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.user != "" && !ss.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	ss.from = from
	return nil
}
func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}
func (ss *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.refuse != nil {
		return ss.s.refuse
	}
	ss.s.mails = append(ss.s.mails, sunk{from: ss.from, to: ss.to, raw: raw})
	return nil
}
