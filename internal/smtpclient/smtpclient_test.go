package smtpclient_test

import (
	"context"
	"crypto/tls"
	"net"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/switchboard-chat/switchboard/internal/smtpclient"
	"github.com/switchboard-chat/switchboard/internal/smtpclient/smtptest"
)

// Each TLS mode against servers that offer STARTTLS, TLS from the first
// byte, or nothing: the connection is encrypted when it can be and the
// mode asks for it, and a password goes in the clear only to loopback.
func TestModes(t *testing.T) {
	cert, pool := smtptest.Cert(t)
	srvTLS := &tls.Config{Certificates: []tls.Certificate{cert}}
	starttls := smtptest.New(t, smtptest.Options{User: "bot", Pass: "pw", TLS: srvTLS})
	implicit := smtptest.New(t, smtptest.Options{User: "bot", Pass: "pw", TLS: srvTLS, Implicit: true})
	plain := smtptest.New(t, smtptest.Options{User: "bot", Pass: "pw"})
	open := smtptest.New(t, smtptest.Options{})
	cases := []struct {
		name    string
		sink    *smtptest.Sink
		mode    string
		host    string // the name dialled (the sink's address whatever it is)
		user    string
		secure  bool
		wantErr string
	}{
		{name: "opportunistic takes STARTTLS", sink: starttls, mode: smtpclient.TLSOpportunistic, user: "bot", secure: true},
		{name: "opportunistic, plain, to loopback", sink: plain, mode: smtpclient.TLSOpportunistic, user: "bot"},
		{name: "opportunistic, plain, no password to send", sink: open, mode: smtpclient.TLSOpportunistic, host: "mail.internal"},
		{name: "opportunistic, plain, keeps a password from another host", sink: plain, mode: smtpclient.TLSOpportunistic,
			host: "mail.internal", user: "bot", wantErr: "offers no STARTTLS"},
		{name: "starttls needs the offer", sink: plain, mode: smtpclient.TLSStart, user: "bot", wantErr: "STARTTLS"},
		{name: "starttls", sink: starttls, mode: smtpclient.TLSStart, user: "bot", secure: true},
		{name: "implicit", sink: implicit, mode: smtpclient.TLSImplicit, user: "bot", secure: true},
		{name: "none over a server offering STARTTLS", sink: starttls, mode: smtpclient.TLSNone, user: "bot"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			host := tc.host
			if host == "" {
				host = "127.0.0.1"
			}
			sinkAddr := tc.sink.Addr()
			s := smtpclient.Server{Host: host, Port: tc.sink.Port(), TLS: tc.mode, Username: tc.user, Password: "pw", Hello: "acme.example",
				TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"},
				Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
					var d net.Dialer
					return d.DialContext(ctx, network, sinkAddr)
				}}
			c, err := smtpclient.Connect(context.Background(), s)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, secure := c.TLSConnectionState(); secure != tc.secure {
				t.Fatalf("encrypted = %v, want %v", secure, tc.secure)
			}
		})
	}
}

// Submit hands the message over with its envelope; a 5xx answer is a
// refusal, a 4xx one is not.
func TestSubmit(t *testing.T) {
	sink := smtptest.New(t, smtptest.Options{})
	s := smtpclient.Server{Host: "127.0.0.1", Port: sink.Port(), Hello: "acme.example"}
	raw := []byte("Subject: hi\r\n\r\nHello\r\n")
	if err := smtpclient.Submit(context.Background(), s, "bot@acme.example", []string{"ada@example.org"}, raw); err != nil {
		t.Fatal(err)
	}
	got := sink.Mails()
	if len(got) != 1 || got[0].From != "bot@acme.example" || len(got[0].To) != 1 || got[0].To[0] != "ada@example.org" || !strings.Contains(string(got[0].Raw), "Hello") {
		t.Fatalf("the server got %+v", got)
	}
	for _, tc := range []struct {
		code    int
		refused bool
	}{{550, true}, {451, false}} {
		sink.Refuse(smtptestError(tc.code))
		err := smtpclient.Submit(context.Background(), s, "bot@acme.example", []string{"ada@example.org"}, raw)
		if _, refused := smtpclient.Refused(err); err == nil || refused != tc.refused {
			t.Fatalf("%d: err %v, refused %v", tc.code, err, refused)
		}
	}
}

func smtptestError(code int) *smtp.SMTPError {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "no"}
}
