package email

import (
	"context"
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// ListenerOptions configure the node's SMTP listener.
type ListenerOptions struct {
	// Domain is the name the listener greets with (default: the host name).
	Domain string
	// MaxMessageBytes bounds one message (default 25 MiB).
	MaxMessageBytes int64
	// MaxRecipients bounds the recipients of one message (default 50).
	MaxRecipients int
	// TLSConfig, when set, offers STARTTLS with its certificate.
	TLSConfig *tls.Config
}

// Listener is the node's SMTP listener: mail for an email channel's
// address is received and stored (the server answers 250 only once it
// is), mail for any other address is refused with 550.
type Listener struct {
	p   *Provider
	srv *smtp.Server
	ln  net.Listener
}

// Listen binds the SMTP listener on addr; Serve serves it.
func (p *Provider) Listen(addr string, o ListenerOptions) (*Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("email: listen for SMTP on %s: %w", addr, err)
	}
	l := &Listener{p: p, ln: ln}
	if o.MaxMessageBytes <= 0 {
		o.MaxMessageBytes = 25 << 20
	}
	if o.MaxRecipients <= 0 {
		o.MaxRecipients = 50
	}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{l: l}, nil }))
	s.Domain = o.Domain
	if s.Domain == "" {
		s.Domain = "localhost"
	}
	s.MaxMessageBytes = o.MaxMessageBytes
	s.MaxRecipients = o.MaxRecipients
	s.ReadTimeout, s.WriteTimeout = 5*time.Minute, time.Minute
	s.ErrorLog = slogLogger{}
	s.TLSConfig = o.TLSConfig
	l.srv = s
	return l, nil
}

// Addr is the bound address.
func (l *Listener) Addr() string { return l.ln.Addr().String() }

// Run serves until ctx ends, then lets the messages being received finish
// (up to a few seconds) and closes.
func (l *Listener) Run(ctx context.Context) {
	done := make(chan error, 1)
	go func() { done <- l.srv.Serve(l.ln) }()
	slog.Info("smtp listening", "addr", l.Addr())
	select {
	case <-ctx.Done():
	case err := <-done:
		if err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			slog.Error("smtp listener", "err", err)
		}
		return
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.srv.Shutdown(shut); err != nil {
		l.srv.Close()
	}
	<-done
}

// Close stops the listener at once.
func (l *Listener) Close() error { return l.srv.Close() }

type session struct {
	l        *Listener
	channels []channel.Channel
}

func (s *session) Reset()        { s.channels = nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(string, *smtp.MailOptions) error { return nil }

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ch, err := s.l.p.channelByAddress(ctx, to)
	if errors.Is(err, errNoChannel) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox here"}
	}
	if err != nil {
		slog.Error("smtp: find the channel", "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, try again later"}
	}
	for _, c := range s.channels {
		if c.ID == ch.ID {
			return nil
		}
	}
	s.channels = append(s.channels, ch)
	return nil
}

// Data stores the message on every channel it was addressed to; 250 is
// answered (by returning nil) only once each is durably stored.
func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err // too large: the server answers 552
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Every recipient channel is tried. A passing failure is a 451, so
	// the sender tries again (the channels that stored it know it by its
	// Message-ID); one channel refusing it for good does not bounce the
	// mail the others stored: the 554 is for a mail no channel took.
	stored, passing := 0, false
	var refused error
	for _, ch := range s.channels {
		_, err := s.l.p.Deliver(ctx, ch, raw)
		switch {
		case apperr.KindOf(err) == apperr.KindInvalid:
			slog.Warn("smtp: a message the receive path refuses", "channel", ch.ID, "err", err)
			refused = err
		case err != nil:
			slog.Error("smtp: store a message", "channel", ch.ID, "err", err)
			passing = true
		default:
			stored++
		}
	}
	switch {
	case passing:
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Could not store the message, try again later"}
	case stored == 0 && refused != nil:
		// Retrying cannot help: the sender gets a bounce saying why.
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Message refused: " + limit.Storable(refused.Error(), 200)}
	}
	return nil
}

var errNoChannel = errors.New("email: no channel has this address")

// channelByAddress finds the email channel whose address is addr.
func (p *Provider) channelByAddress(ctx context.Context, addr string) (channel.Channel, error) {
	d := p.deps()
	if d.DB == nil || d.Channels == nil {
		return channel.Channel{}, errors.New("email: the provider is not attached to the node")
	}
	addr = strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>"))
	ids, err := emailChannels(ctx, d.DB)
	if err != nil {
		return channel.Channel{}, err
	}
	for _, c := range ids {
		if c.cfg.Address == addr {
			return d.Channels.Lookup(ctx, c.id)
		}
	}
	return channel.Channel{}, errNoChannel
}

// addressTaken refuses the address of config when another email channel
// than id has it, in any workspace: the listener routes mail by address
// alone, so a second channel would never get its mail, or, were the first
// one recreated, take the mail of another workspace. Two saves at the
// same instant may both pass; the listener then keeps to the oldest.
func (p *Provider) addressTaken(config json.RawMessage, id int64) error {
	d := p.deps()
	if d.DB == nil {
		return nil // not attached to a node: nothing to compare with
	}
	var c Config
	if err := json.Unmarshal(config, &c); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	list, err := emailChannels(ctx, d.DB)
	if err != nil {
		return err
	}
	for _, other := range list {
		if other.id != id && other.cfg.Address == c.Address {
			return apperr.Invalid("config.address", "is the address of another email channel")
		}
	}
	return nil
}

type storedChannel struct {
	id  int64
	cfg Config
}

// emailChannels lists every email channel with its public configuration.
func emailChannels(ctx context.Context, d *db.DB) ([]storedChannel, error) {
	rows, err := d.Reader().Query(ctx, `SELECT id, config FROM channels WHERE type = ? ORDER BY id`, Type)
	if err != nil {
		return nil, fmt.Errorf("email: list channels: %w", err)
	}
	return db.Collect(rows, func(rows *sql.Rows) (storedChannel, error) {
		var c storedChannel
		var raw string
		if err := rows.Scan(&c.id, &raw); err != nil {
			return c, err
		}
		_ = json.Unmarshal([]byte(raw), &c.cfg)
		return c, nil
	})
}

// slogLogger sends go-smtp's connection errors to the node's log.
type slogLogger struct{}

func (slogLogger) Printf(format string, v ...any) { slog.Debug("smtp: " + fmt.Sprintf(format, v...)) }
func (slogLogger) Println(v ...any)               { slog.Debug("smtp: " + fmt.Sprint(v...)) }
