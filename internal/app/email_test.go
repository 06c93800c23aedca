package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// With --smtp-addr the node receives email channels' mail: the listener
// starts with the node, stores what it accepts, and stops with it; an
// agent's reply leaves through the outbound queue to the channel's SMTP
// server with the thread's headers.
func TestSMTPListenerRunsWithTheNode(t *testing.T) {
	cfg := dbtest.Config(t, db.SQLite)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink := newMailSink(t)
	a, err := app.New(ctx, app.Config{Addr: "127.0.0.1:0", DataDir: cfg.DataDir, SMTPAddr: "127.0.0.1:0", SMTPDomain: "mx.test",
		AllowPrivateNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := a.Workspaces.Create(ctx, "W", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Channels.Create(ctx, ws.ID, channel.Input{Type: "email", Name: "support", Config: json.RawMessage(`{"address":"support@acme.example","smtp_host":"127.0.0.1","smtp_port":` + sink.port + `,"smtp_tls":"none"}`)}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	ready := make(chan struct{})
	go func() { done <- a.Run(ctx, func(string) { close(ready) }) }()
	<-ready
	addr := a.SMTPAddr()
	mail := "From: Ada <ada@example.org>\r\nTo: support@acme.example\r\nSubject: Hello\r\nMessage-ID: <m1@example.org>\r\n\r\nHello there\r\n"
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail("ada@example.org", []string{"support@acme.example"}, strings.NewReader(mail)); err != nil {
		t.Fatal(err)
	}
	c.Quit()
	var text string
	var conv int64
	if err := a.DB.Reader().QueryRow(ctx, `SELECT text, conversation_id FROM messages WHERE provider_message_id = 'm1@example.org'`).Scan(&text, &conv); err != nil || text != "Hello there" {
		t.Fatalf("stored %q, %v", text, err)
	}
	// An agent's reply goes out through the node's outbound queue to the
	// channel's SMTP server, threaded on the mail.
	if _, err := a.Conversations.Send(ctx, access.System(ws.ID), conv, conversation.SendInput{Text: "Hi Ada, how can we help?", Sender: conversation.SourceUser}); err != nil {
		t.Fatal(err)
	}
	raw := sink.next(t)
	for _, want := range []string{"In-Reply-To: <m1@example.org>", "References: <m1@example.org>", "Subject: Re: Hello", "Hi Ada, how can we help?"} {
		if !strings.Contains(raw, want) {
			t.Errorf("the reply lacks %q:\n%s", want, raw)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Fatal("the SMTP listener still accepts after shutdown")
	}
}

// mailSink is an SMTP server that hands over each mail it is given.
type mailSink struct {
	port  string
	mails chan string
}

func newMailSink(t *testing.T) *mailSink {
	t.Helper()
	s := &mailSink{mails: make(chan string, 8)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return sinkSession{s}, nil }))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, s.port, _ = net.SplitHostPort(ln.Addr().String())
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *mailSink) next(t *testing.T) string {
	t.Helper()
	select {
	case m := <-s.mails:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no mail reached the sink")
		return ""
	}
}

type sinkSession struct{ s *mailSink }

func (sinkSession) Reset()                               {}
func (sinkSession) Logout() error                        { return nil }
func (sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	ss.s.mails <- string(b)
	return err
}
