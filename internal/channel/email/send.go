package email

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
	"github.com/switchboard-chat/switchboard/internal/smtpclient"
)

// SendTimeout bounds one delivery to the SMTP server.
const SendTimeout = 60 * time.Second

// DefaultSubject is the subject of a reply in a conversation no email
// started.
const DefaultSubject = "Your conversation with us"

// thread is what a reply threads on: the latest inbound email of the
// conversation on the channel.
type thread struct {
	Subject    string
	MessageID  string
	References []string
	ReplyTo    []Address // that email's Reply-To: where the reply goes
	// First: no email of the contact's nor of ours came before in the
	// conversation (an agent wrote first): the mail starts the thread, its
	// subject without "Re:".
	First bool
}

// Send implements channel.Provider: the message goes out through the
// channel's SMTP server as a reply to the conversation's latest email —
// Subject "Re: …", In-Reply-To that email's Message-ID, References its
// references and that id — so the contact's mail client keeps one thread.
// The Message-ID is ours and is returned as the provider message id. The
// server's 5xx answer fails the message for good with its text; 4xx and
// network errors are retried.
func (p *Provider) Send(ctx context.Context, ch channel.Channel, to string, msg conversation.Message) (string, error) {
	cfg, err := parseConfig(ch)
	if err != nil || cfg.Address == "" {
		return "", outbound.Permanent("the channel has no address configured")
	}
	if cfg.SMTPHost == "" {
		return "", outbound.Permanent("the channel has no SMTP server configured for replies")
	}
	if _, err := mail.ParseAddress(to); err != nil || strings.ContainsAny(to, "\r\n") {
		return "", outbound.Permanent(fmt.Sprintf("the contact's id %q is not an email address", limit.CutBytes(to, 100)))
	}
	th, err := p.thread(ctx, ch.ID, msg)
	if err != nil {
		return "", err
	}
	rcpts := recipients(to, th, cfg.Address)
	if ch.Token == "" {
		// Without its secret the id would be guessable again.
		return "", outbound.Permanent("the channel has no token to make its Message-IDs from")
	}
	id := messageID(ch, msg, cfg.Address)
	raw, err := p.compose(ctx, ch, cfg, rcpts, th, id, msg)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	if err := p.submit(ctx, cfg, rcpts, raw); err != nil {
		return "", fmt.Errorf("email: send message %d: %w", msg.ID, err)
	}
	return id, nil
}

// recipients are who a reply goes to: the Reply-To addresses of the email
// it answers, as a mail client sends it (a web form's mail comes from the
// site, the customer in Reply-To), else the contact's address. The
// channel's own address is never one (a reply to itself would come back
// as mail).
func recipients(to string, th thread, own string) []string {
	var out []string
	for _, a := range th.ReplyTo {
		if _, err := mail.ParseAddress(a.Address); err == nil && !strings.ContainsAny(a.Address, "\r\n") && a.Address != own {
			out = append(out, a.Address)
		}
	}
	if len(out) == 0 {
		return []string{to}
	}
	return out
}

// messageID is our Message-ID of an outbound message on ch: the same for
// every attempt of it, so a retry of a mail the server did accept is one
// mail to the contact's client; and one nobody else can work out, since a
// bounce naming it fails the message (Deliver). They were
// switchboard.<workspace>.<message>@<domain>: anyone who saw one could
// fail any reply of the channel with a forged bounce. It is an HMAC of
// the message under the channel's token, a random secret (sealed in its
// row) that every node of a cluster reads alike, on SQLite and
// PostgreSQL. A rotated token changes the ids of the attempts made after;
// a bounce matches the id a message was sent with, as stored, so bounces
// of ids sent before (also of the old form) still match.
func messageID(ch channel.Channel, msg conversation.Message, address string) string {
	mac := hmac.New(sha256.New, []byte(ch.Token))
	fmt.Fprintf(mac, "switchboard email message-id\x00%d\x00%d\x00%d", ch.ID, msg.WorkspaceID, msg.ID)
	domain := address[strings.LastIndex(address, "@")+1:]
	return "sb-" + hex.EncodeToString(mac.Sum(nil)[:16]) + "@" + domain
}

// threadLookBack is how many of the latest inbound emails thread looks
// through for a person's one.
const threadLookBack = 20

// thread reads the latest inbound email of msg's conversation (or, without
// one, of its contact) on the channel that a person wrote: an
// out-of-office answering our last reply is passed over, unless the
// latest emails are all automatic.
func (p *Provider) thread(ctx context.Context, channelID int64, msg conversation.Message) (thread, error) {
	if msg.ConversationID == 0 {
		// A message in no conversation (a broadcast's) starts a thread of
		// its own: answering the contact's latest email would put it in
		// an old exchange about something else.
		return thread{Subject: ownSubject(msg), First: true}, nil
	}
	d := p.deps()
	if d.DB == nil {
		return thread{Subject: DefaultSubject}, nil
	}
	q := `SELECT content FROM messages WHERE channel_id = ? AND conversation_id = ? AND direction = 'in' ORDER BY id DESC LIMIT ?`
	arg := msg.ConversationID
	if arg == 0 {
		q, arg = `SELECT content FROM messages WHERE channel_id = ? AND contact_id = ? AND direction = 'in' ORDER BY id DESC LIMIT ?`, msg.ContactID
	}
	rows, err := d.DB.Reader().Query(ctx, q, channelID, arg, threadLookBack)
	if err != nil {
		return thread{}, fmt.Errorf("email: read the thread: %w", err)
	}
	contents, err := db.Collect(rows, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return thread{}, fmt.Errorf("email: read the thread: %w", err)
	}
	if len(contents) == 0 {
		return p.ourThread(ctx, channelID, msg)
	}
	var c Content
	_ = json.Unmarshal([]byte(contents[0]), &c)
	for _, content := range contents {
		var ci Content
		if json.Unmarshal([]byte(content), &ci) == nil && ci.Email.AutoSubmitted == "" {
			c = ci
			break
		}
	}
	th := thread{Subject: c.Email.Subject, MessageID: c.Email.MessageID, References: c.Email.References, ReplyTo: c.Email.ReplyTo}
	if strings.TrimSpace(th.Subject) == "" {
		th.Subject = DefaultSubject
	}
	return th, nil
}

// maxSubject bounds a subject made from a message's first line
// (characters): what a mail client's list shows. maxOwnSubject bounds
// one the message gives.
const (
	maxSubject    = 78
	maxOwnSubject = 200
)

// ownSubject is the subject of a mail that starts a thread of its own:
// the message's content's "subject" when it has one, else its text's
// first line, shortened; DefaultSubject without either. Line breaks
// never reach the header.
func ownSubject(msg conversation.Message) string {
	var c struct {
		Subject string `json:"subject"`
	}
	_ = json.Unmarshal(msg.Content, &c)
	s, _ := limit.Truncate(strings.Join(strings.Fields(c.Subject), " "), maxOwnSubject, "…")
	if s == "" {
		first, _, _ := strings.Cut(strings.TrimSpace(msg.Text), "\n")
		s, _ = limit.Truncate(strings.Join(strings.Fields(first), " "), maxSubject, "…")
	}
	if s == "" {
		return DefaultSubject
	}
	return s
}

// ourThread is the thread of a conversation the contact has not written
// in (an agent wrote first to an imported contact): our latest mail in it
// that went out, which the next one answers so that the contact's client
// shows one thread; none, and the mail starts it.
func (p *Provider) ourThread(ctx context.Context, channelID int64, msg conversation.Message) (thread, error) {
	if msg.ConversationID == 0 {
		return thread{Subject: DefaultSubject, First: true}, nil
	}
	var id string
	err := p.deps().DB.Reader().QueryRow(ctx, `SELECT provider_message_id FROM messages WHERE channel_id = ? AND conversation_id = ?
		AND direction = 'out' AND provider_message_id IS NOT NULL AND id < ? ORDER BY id DESC LIMIT 1`, channelID, msg.ConversationID, msg.ID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return thread{Subject: DefaultSubject, First: true}, nil
	}
	if err != nil {
		return thread{}, fmt.Errorf("email: read the thread: %w", err)
	}
	return thread{Subject: DefaultSubject, MessageID: id}, nil
}

// replySubject is "Re: subject", without piling up prefixes.
func replySubject(s string) string {
	t := strings.TrimSpace(s)
	// Every leading reply prefix goes (RE: RE: and AW: Re: pile up as
	// clients answer each other), then "Re: " once.
	for stripped := true; stripped; {
		stripped = false
		for _, pre := range []string{"re:", "aw:", "sv:", "réf. :", "ref:"} {
			if len(t) >= len(pre) && strings.EqualFold(t[:len(pre)], pre) {
				t, stripped = strings.TrimSpace(t[len(pre):]), true
			}
		}
	}
	return "Re: " + t
}

// outContent is what an outbound message's content may carry.
type outContent struct {
	Replies    channel.ReplyTitles `json:"replies"`
	Attachment *struct {
		MediaID  string `json:"media_id"`
		URL      string `json:"url"`
		FileName string `json:"file_name"`
	} `json:"attachment"`
	Attachments []struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"attachments"`
}

// body is the text of msg: its text, quick replies as numbered lines,
// attachments given by URL as links.
func body(msg conversation.Message, c outContent) string {
	var b strings.Builder
	b.WriteString(msg.Text)
	if len(c.Replies) > 0 {
		b.WriteString("\n")
		for i, r := range c.Replies {
			fmt.Fprintf(&b, "\n%d. %s", i+1, r)
		}
		b.WriteString("\n\nReply with the number or the text of your choice.")
	}
	if c.Attachment != nil && c.Attachment.MediaID == "" && c.Attachment.URL != "" {
		c.Attachments = append(c.Attachments, struct {
			Type string `json:"type"`
			URL  string `json:"url"`
		}{URL: c.Attachment.URL})
	}
	for _, a := range c.Attachments {
		if a.URL != "" {
			fmt.Fprintf(&b, "\n\n%s", a.URL)
		}
	}
	return strings.TrimSpace(b.String()) + "\n"
}

// compose writes the MIME message.
func (p *Provider) compose(ctx context.Context, ch channel.Channel, cfg Config, to []string, th thread, id string, msg conversation.Message) ([]byte, error) {
	var c outContent
	if len(bytes.TrimSpace(msg.Content)) > 0 {
		_ = json.Unmarshal(msg.Content, &c)
	}
	var h mail.Header
	h.SetDate(time.Now())
	h.SetAddressList("From", []*mail.Address{{Name: cfg.DisplayName, Address: cfg.Address}})
	var list []*mail.Address
	for _, a := range to {
		list = append(list, &mail.Address{Address: a})
	}
	h.SetAddressList("To", list)
	if th.First {
		h.SetSubject(th.Subject)
	} else {
		h.SetSubject(replySubject(th.Subject))
	}
	h.SetMessageID(id)
	if msg.Sender == conversation.SourceWorkflow || msg.AI == conversation.AIAgent {
		// No person wrote it (a workflow, an AI agent's answer): an
		// out-of-office or another help desk's
		// acknowledgement must not answer it (RFC 3834; Exchange reads
		// the second header), or each answer would reopen the
		// conversation and run the workflow again.
		h.Set("Auto-Submitted", "auto-generated")
		h.Set("X-Auto-Response-Suppress", "All")
	}
	if th.MessageID != "" {
		h.SetMsgIDList("In-Reply-To", []string{th.MessageID})
		refs := append(append([]string(nil), th.References...), th.MessageID)
		h.SetMsgIDList("References", refs)
	}
	text := body(msg, c)
	var buf bytes.Buffer
	if c.Attachment == nil || c.Attachment.MediaID == "" {
		h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
		w, err := mail.CreateSingleInlineWriter(&buf, h)
		if err != nil {
			return nil, fmt.Errorf("email: compose: %w", err)
		}
		io.WriteString(w, text)
		if err := w.Close(); err != nil {
			return nil, fmt.Errorf("email: compose: %w", err)
		}
		return buf.Bytes(), nil
	}
	store := p.deps().Media
	if store == nil {
		return nil, outbound.Permanent("the node stores no media: the attachment cannot be sent")
	}
	file, info, err := store.Open(ctx, ch.WorkspaceID, c.Attachment.MediaID)
	if apperr.KindOf(err) == apperr.KindNotFound {
		return nil, outbound.Permanent("the attachment is no longer stored")
	}
	if err != nil {
		// The store cannot be read for now: the message is sent later.
		return nil, fmt.Errorf("email: compose: open the attachment: %w", err)
	}
	defer file.Close()
	mw, err := mail.CreateWriter(&buf, h)
	if err != nil {
		return nil, fmt.Errorf("email: compose: %w", err)
	}
	var th2 mail.InlineHeader
	th2.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	tw, err := mw.CreateSingleInline(th2)
	if err != nil {
		return nil, fmt.Errorf("email: compose: %w", err)
	}
	io.WriteString(tw, text)
	tw.Close()
	var ah mail.AttachmentHeader
	ct := info.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	mt, params, _ := splitType(ct)
	ah.SetContentType(mt, params)
	name := info.FileName
	if name == "" {
		name = c.Attachment.FileName
	}
	if name == "" {
		name = "attachment"
	}
	ah.SetFilename(name)
	aw, err := mw.CreateAttachment(ah)
	if err != nil {
		return nil, fmt.Errorf("email: compose: %w", err)
	}
	if _, err := io.Copy(aw, io.LimitReader(file, MaxRawBytes)); err != nil {
		return nil, fmt.Errorf("email: compose: read the attachment: %w", err)
	}
	aw.Close()
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("email: compose: %w", err)
	}
	return buf.Bytes(), nil
}

func splitType(ct string) (string, map[string]string, error) {
	base, rest, _ := strings.Cut(ct, ";")
	params := map[string]string{}
	for _, kv := range strings.Split(rest, ";") {
		if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok {
			params[strings.ToLower(k)] = strings.Trim(v, `"`)
		}
	}
	return strings.TrimSpace(base), params, nil
}

// submit hands raw to the channel's SMTP server for to.
func (p *Provider) submit(ctx context.Context, cfg Config, to []string, raw []byte) error {
	return smtpError(smtpclient.Submit(ctx, p.smtpServer(cfg), cfg.Address, to, raw))
}

// smtpClient connects to the channel's SMTP server through the guard,
// says hello and authenticates.
func (p *Provider) smtpClient(ctx context.Context, cfg Config) (*smtp.Client, error) {
	c, err := smtpclient.Connect(ctx, p.smtpServer(cfg))
	return c, smtpError(err)
}

// smtpServer is the channel's SMTP server, dialled through the guard.
func (p *Provider) smtpServer(cfg Config) smtpclient.Server {
	return smtpclient.Server{Host: cfg.SMTPHost, Port: cfg.SMTPPort, TLS: cfg.SMTPTLS, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword,
		Hello: cfg.Address[strings.LastIndex(cfg.Address, "@")+1:], TLSConfig: p.tlsFor(cfg, cfg.SMTPHost),
		Dial: func(ctx context.Context, _, addr string) (net.Conn, error) { return p.dialServer(ctx, addr) }}
}

// dialServer connects to a mail server through the node's guard: a server
// on an address it refuses fails for good, saying how to allow it.
func (p *Provider) dialServer(ctx context.Context, addr string) (net.Conn, error) {
	conn, err := p.dial(ctx, "tcp", addr)
	if err != nil {
		var denied *netguard.DeniedError
		if errors.As(err, &denied) {
			return nil, outbound.Permanent("the mail server " + addr + ": " + denied.Reason())
		}
		return nil, err
	}
	return conn, nil
}

// smtpError is a server's refusal as an outbound error: 5xx fails the
// message for good with the server's words, anything else is retried.
func smtpError(err error) error {
	if se, ok := smtpclient.Refused(err); ok {
		return outbound.Permanent(limit.Storable(fmt.Sprintf("the mail server refused the message: %d %s", se.Code, se.Message), 300))
	}
	return err
}
