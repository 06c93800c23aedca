package app_test

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// With --smtp-addr the node receives email channels' mail: the listener
// starts with the node, stores what it accepts, and stops with it.
func TestSMTPListenerRunsWithTheNode(t *testing.T) {
	cfg := dbtest.Config(t, db.SQLite)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, app.Config{Addr: "127.0.0.1:0", DataDir: cfg.DataDir, SMTPAddr: "127.0.0.1:0", SMTPDomain: "mx.test"})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := a.Workspaces.Create(ctx, "W", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Channels.Create(ctx, ws.ID, channel.Input{Type: "email", Name: "support", Config: json.RawMessage(`{"address":"support@acme.example"}`)}); err != nil {
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
	if err := a.DB.Reader().QueryRow(ctx, `SELECT text FROM messages WHERE provider_message_id = 'm1@example.org'`).Scan(&text); err != nil || text != "Hello there" {
		t.Fatalf("stored %q, %v", text, err)
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
