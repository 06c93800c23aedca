package sysmail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/smtpclient/smtptest"
	"github.com/switchboard-chat/switchboard/internal/sysmail"
)

// The URL and the sender are checked when the node starts; a bad URL's
// error never repeats its password.
func TestNew(t *testing.T) {
	from := "Switchboard <no-reply@acme.example>"
	cases := []struct {
		url, from, server, wantErr string
	}{
		{url: "smtp://bot:s3cret@mail.acme.example", from: from, server: "mail.acme.example:587"},
		{url: "smtps://bot:s3cret@mail.acme.example", from: from, server: "mail.acme.example:465"},
		{url: "smtp://mail.acme.example:2525", from: "no-reply@acme.example", server: "mail.acme.example:2525"},
		{url: "smtp://[::1]:25/", from: from, server: "[::1]:25"},
		{url: "http://bot:s3cret@mail.acme.example", from: from, wantErr: "smtp://"},
		{url: "smtp://bot:s3cret@:25", from: from, wantErr: "no host"},
		{url: "smtp://bot:s3cret@mail.acme.example:99999", from: from, wantErr: "port"},
		{url: "smtp://bot:s3cret@mail.acme.example?tls=no", from: from, wantErr: "query"},
		{url: "smtp://mail.acme.example", from: "", wantErr: "sender"},
		{url: "smtp://mail.acme.example", from: "not an address", wantErr: "sender"},
	}
	for _, tc := range cases {
		t.Run(tc.url+" "+tc.from, func(t *testing.T) {
			m, err := sysmail.New(sysmail.Config{URL: tc.url, From: tc.from})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "s3cret") {
					t.Fatalf("err = %v, want one saying %q without the password", err, tc.wantErr)
				}
				return
			}
			if err != nil || !m.Configured() || m.Server() != tc.server {
				t.Fatalf("mailer %v (%v), err %v; want the server %s", m, m.Server(), err, tc.server)
			}
		})
	}
	m, err := sysmail.New(sysmail.Config{From: from})
	if err != nil || m.Configured() {
		t.Fatalf("without a URL: %v, %v; want no mailer", m, err)
	}
	if err := m.Send(context.Background(), "ada@example.org", "Hi", "Hello"); err == nil {
		t.Fatal("a node without a mailer sent mail")
	}
}

// A message is plain UTF-8 text, with the node's clock as its Date, a
// Message-ID of its own, MIME headers and the automatic marks; it goes
// over TLS with the password the URL gives.
func TestSend(t *testing.T) {
	cert, pool := smtptest.Cert(t)
	sink := smtptest.New(t, smtptest.Options{User: "bot@acme.example", Pass: "p@ss", TLS: &tls.Config{Certificates: []tls.Certificate{cert}}, Implicit: true})
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	m, err := sysmail.New(sysmail.Config{URL: "smtps://bot%40acme.example:p%40ss@127.0.0.1:" + strconv.Itoa(sink.Port()),
		From: "Switchboard <no-reply@acme.example>", TLSConfig: &tls.Config{RootCAs: pool}, Clock: clock.NewFake(now)})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := m.Send(context.Background(), "Ada <ada@example.org>", "Réinitialiser\r\nBcc: x@evil.example", "Bonjour Ada,\n\nVoici le lien.\n"); err != nil {
			t.Fatal(err)
		}
	}
	got := sink.Mails()
	if len(got) != 2 || got[0].From != "no-reply@acme.example" || len(got[0].To) != 1 || got[0].To[0] != "ada@example.org" {
		t.Fatalf("envelopes %+v", got)
	}
	r, err := mail.CreateReader(bytes.NewReader(got[0].Raw))
	if err != nil {
		t.Fatal(err)
	}
	h := r.Header
	date, _ := h.Date()
	subject, _ := h.Subject()
	id, _ := h.MessageID()
	r2, _ := mail.CreateReader(bytes.NewReader(got[1].Raw))
	id2, _ := r2.Header.MessageID()
	ct, params, _ := h.ContentType()
	for _, c := range []struct {
		what string
		ok   bool
	}{
		{"Date " + date.String(), date.Equal(now)},
		{"From " + h.Get("From"), strings.Contains(h.Get("From"), "Switchboard") && strings.Contains(h.Get("From"), "<no-reply@acme.example>")},
		{"To " + h.Get("To"), strings.Contains(h.Get("To"), "ada@example.org")},
		{"Subject " + subject, subject == "Réinitialiser  Bcc: x@evil.example" && h.Get("Bcc") == ""},
		{"Message-ID " + id + " " + id2, strings.HasSuffix(id, "@acme.example") && len(id) > 20 && id != id2},
		{"MIME-Version " + h.Get("MIME-Version"), h.Get("MIME-Version") == "1.0"},
		{"Content-Type " + ct, ct == "text/plain" && params["charset"] == "utf-8"},
		{"Auto-Submitted " + h.Get("Auto-Submitted"), h.Get("Auto-Submitted") == "auto-generated"},
	} {
		if !c.ok {
			t.Errorf("header %s", c.what)
		}
	}
	p, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(p.Body)
	if strings.ReplaceAll(string(body), "\r\n", "\n") != "Bonjour Ada,\n\nVoici le lien.\n" {
		t.Errorf("body %q", body)
	}
}
