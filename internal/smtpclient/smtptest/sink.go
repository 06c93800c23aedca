// Package smtptest is an SMTP server for tests: a sink on loopback that
// keeps every message it is given, or refuses with the answer it is told.
package smtptest

import (
	"crypto/tls"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options shape a sink.
type Options struct {
	// User and Pass, when User is set, are the only credentials it
	// accepts, and it takes no mail before them.
	User, Pass string
	// LoginOnly offers AUTH LOGIN only, as Microsoft 365 and Outlook.com
	// do; else PLAIN only.
	LoginOnly bool
	// TLS is offered with STARTTLS, or from the first byte when Implicit.
	TLS      *tls.Config
	Implicit bool
}

// Sink is a running SMTP server.
type Sink struct {
	opts   Options
	addr   string
	mu     sync.Mutex
	mails  []Mail
	refuse *smtp.SMTPError
	cond   *sync.Cond
}

// Mail is a message the sink was given.
type Mail struct {
	From string
	To   []string
	Raw  []byte
}

// New starts a sink on 127.0.0.1, closed when the test ends.
func New(t testing.TB, opts Options) *Sink {
	t.Helper()
	s := &Sink{opts: opts}
	s.cond = sync.NewCond(&s.mu)
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "sink.test"
	srv.AllowInsecureAuth = true
	srv.TLSConfig = opts.TLS
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Implicit {
		ln = tls.NewListener(ln, opts.TLS)
	}
	s.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// Addr is the sink's host:port.
func (s *Sink) Addr() string { return s.addr }

// Port is the sink's port.
func (s *Sink) Port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	n, _ := strconv.Atoi(p)
	return n
}

// Mails returns the messages kept so far.
func (s *Sink) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// WaitMails waits until the sink has kept n messages, and returns them;
// the test fails if ten seconds pass first (a wake-up, not a poll: every
// message kept wakes it).
func (s *Sink) WaitMails(t testing.TB, n int) []Mail {
	t.Helper()
	done := make(chan struct{})
	timer := time.AfterFunc(10*time.Second, func() {
		s.mu.Lock()
		close(done)
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer timer.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.mails) < n {
		select {
		case <-done:
			t.Fatalf("smtptest: %d messages arrived, want %d", len(s.mails), n)
		default:
		}
		s.cond.Wait()
	}
	return append([]Mail(nil), s.mails...)
}

// Refuse makes the sink answer every message with err (nil: keep them
// again).
func (s *Sink) Refuse(err *smtp.SMTPError) {
	s.mu.Lock()
	s.refuse = err
	s.mu.Unlock()
}

type session struct {
	s      *Sink
	from   string
	to     []string
	authed bool
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.LoginOnly {
		return []string{sasl.Login}
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	check := func(_, user, pass string) error {
		if user != ss.s.opts.User || pass != ss.s.opts.Pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		ss.authed = true
		return nil
	}
	switch {
	case mech == sasl.Login && ss.s.opts.LoginOnly:
		return &loginServer{check: check}, nil
	case mech == sasl.Plain && !ss.s.opts.LoginOnly:
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

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.User != "" && !ss.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.refuse != nil {
		return ss.s.refuse
	}
	ss.s.mails = append(ss.s.mails, Mail{From: ss.from, To: ss.to, Raw: raw})
	ss.s.cond.Broadcast()
	return nil
}
