package email

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func startListener(t *testing.T, p *Provider) *Listener {
	t.Helper()
	l, err := p.Listen("127.0.0.1:0", ListenerOptions{Domain: "mx.test", MaxMessageBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return l
}

// deliver hands raw to the listener with a real SMTP client, as a
// sending mail server does.
func deliver(t *testing.T, addr, from string, to []string, raw []byte) error {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("mail.sender.test"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	w.Write(raw)
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// The proof: a real SMTP client delivers a thread — the contact's first
// mail, our reply (sent through the channel's SMTP server, here a sink),
// the contact's reply to it — and the conversation holds the three in
// order, threaded by Message-ID, In-Reply-To and References.
func TestSMTPThread(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		out := newSink(t, "bot@acme.example", "s3cret")
		ch := e.channel(t, map[string]any{"address": "Support@Acme.example", "display_name": "Acme Support",
			"smtp_host": "127.0.0.1", "smtp_port": out.Port(), "smtp_tls": "none", "smtp_username": "bot@acme.example", "smtp_password": "s3cret"})
		l := startListener(t, e.p)

		// 1. The contact writes.
		first := fixture(t, "gmail_plain.eml")
		if err := deliver(t, l.Addr(), "ada.lovelace@gmail.com", []string{"support@acme.example"}, first); err != nil {
			t.Fatalf("first mail: %v", err)
		}
		msgs := e.messages(t, ch.ID)
		if len(msgs) != 1 || msgs[0].Direction != "in" || msgs[0].Content.Email.RawMediaID == "" {
			t.Fatalf("after the first mail: %+v", msgs)
		}
		// A redelivery (the sender did not see our 250) is stored once.
		if err := deliver(t, l.Addr(), "ada.lovelace@gmail.com", []string{"support@acme.example"}, first); err != nil {
			t.Fatal(err)
		}
		if n := len(e.messages(t, ch.ID)); n != 1 {
			t.Fatalf("a redelivery made %d messages", n)
		}

		// 2. An agent replies: the mail reaches the channel's SMTP server
		// with the thread's headers.
		var sent conversation.Message
		err := d.Write(ctx, func(tx *db.Tx) error {
			var err error
			sent, err = conversation.SendTx(ctx, tx, e.ws, msgs[0].ConversationID, conversation.SendInput{Text: "Your parcel is with the carrier.", Sender: "api"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		ourID, err := e.p.Send(ctx, ch, "ada.lovelace@gmail.com", sent)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE messages SET provider_message_id = ? WHERE id = ?`, ourID, sent.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got := out.Mails()
		if len(got) != 1 || got[0].From != "support@acme.example" || len(got[0].To) != 1 || got[0].To[0] != "ada.lovelace@gmail.com" {
			t.Fatalf("sink got %+v", got)
		}
		firstID := "CAJx9fQ2k8mV1pL3Zr7u8=K1x0aB4cD5eF6gH7iJ8kL9mN0oP1q@mail.gmail.com"
		h := header(t, got[0].Raw)
		if v := h.Get("In-Reply-To"); v != "<"+firstID+">" {
			t.Errorf("In-Reply-To = %q", v)
		}
		if v := h.Get("References"); v != "<"+firstID+">" {
			t.Errorf("References = %q", v)
		}
		if v, _ := h.Subject(); v != "Re: Order #4512 has not arrived" {
			t.Errorf("Subject = %q", v)
		}
		if v, _ := h.MessageID(); v != ourID || !strings.HasSuffix(ourID, "@acme.example") {
			t.Errorf("Message-ID = %q, returned %q", v, ourID)
		}
		if v := h.Get("From"); !strings.Contains(v, "Acme Support") || !strings.Contains(v, "<support@acme.example>") {
			t.Errorf("From = %q", v)
		}
		if !bytes.Contains(got[0].Raw, []byte("Your parcel is with the carrier.")) {
			t.Errorf("body: %s", got[0].Raw)
		}

		// 3. The contact answers our reply, quoting it.
		reply := strings.NewReplacer("<switchboard.1.7@acme.example>", "<"+ourID+">").Replace(string(fixture(t, "gmail_reply_quoted.eml")))
		if err := deliver(t, l.Addr(), "ada.lovelace@gmail.com", []string{"support@acme.example"}, []byte(reply)); err != nil {
			t.Fatal(err)
		}
		msgs = e.messages(t, ch.ID)
		if len(msgs) != 3 {
			t.Fatalf("the thread holds %d messages: %+v", len(msgs), msgs)
		}
		for _, m := range msgs {
			if m.ConversationID != msgs[0].ConversationID {
				t.Fatalf("the thread spans conversations: %+v", msgs)
			}
		}
		if msgs[1].Direction != "out" || msgs[1].ProviderMessageID != ourID {
			t.Fatalf("our reply = %+v", msgs[1])
		}
		last := msgs[2]
		if last.Text != "It arrived this morning, thank you!" || last.Content.Email.InReplyTo != ourID ||
			len(last.Content.Email.References) != 2 || last.Content.Email.References[1] != ourID ||
			!strings.Contains(last.Content.Email.FullText, "> Hello Ada") {
			t.Fatalf("their reply = %+v", last)
		}
		// Our next reply threads on their latest mail.
		sent.ID++
		if _, err := e.p.Send(ctx, ch, "ada.lovelace@gmail.com", sent); err != nil {
			t.Fatal(err)
		}
		h = header(t, out.Mails()[1].Raw)
		if v := h.Get("In-Reply-To"); v != "<CAJx9fQ3reply@mail.gmail.com>" {
			t.Errorf("second In-Reply-To = %q", v)
		}
		if v := h.Get("References"); v != "<"+firstID+"> <"+ourID+"> <CAJx9fQ3reply@mail.gmail.com>" {
			t.Errorf("second References = %q", v)
		}
		if v, _ := h.Subject(); v != "Re: Order #4512 has not arrived" {
			t.Errorf("second Subject = %q", v)
		}
	})
}

func header(t *testing.T, raw []byte) mail.Header {
	t.Helper()
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return r.Header
}

// Mail for an address no channel has is refused at RCPT TO; a message
// that cannot be stored is answered 4xx so the sender retries, and
// nothing is stored.
func TestListenerRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ch := e.channel(t, map[string]any{"address": "support@acme.example"})
		l := startListener(t, e.p)
		err := deliver(t, l.Addr(), "a@b.example", []string{"nobody@acme.example"}, fixture(t, "gmail_plain.eml"))
		if smtpCode(err) != 550 {
			t.Fatalf("unknown recipient: %v", err)
		}
		failing := channeltest.FailingReceiver{}
		e.p.Attach(Deps{DB: d, Media: e.media, Channels: e.chs, Receiver: failing})
		err = deliver(t, l.Addr(), "a@b.example", []string{"support@acme.example"}, fixture(t, "gmail_plain.eml"))
		if code := smtpCode(err); code < 400 || code >= 500 {
			t.Fatalf("storage error answered %v", err)
		}
		if n := len(e.messages(t, ch.ID)); n != 0 {
			t.Fatalf("%d messages stored", n)
		}
		// Over the size limit: 552, nothing stored.
		e.p.Attach(Deps{DB: d, Media: e.media, Channels: e.chs, Receiver: e.conv})
		big := append(fixture(t, "gmail_plain.eml"), bytes.Repeat([]byte("0123456789abcdef\r\n"), 1<<17)...)
		if err := deliver(t, l.Addr(), "a@b.example", []string{"support@acme.example"}, big); smtpCode(err) != 552 {
			t.Fatalf("too large: %v", err)
		}
		// Then the sender retries and it is stored.
		if err := deliver(t, l.Addr(), "a@b.example", []string{"support@acme.example"}, fixture(t, "gmail_plain.eml")); err != nil {
			t.Fatal(err)
		}
		if n := len(e.messages(t, ch.ID)); n != 1 {
			t.Fatalf("%d messages stored", n)
		}
	})
}

// A message with more attachments than an inbound message may carry (a
// dozen photos) is stored with as many as it may, not bounced: the rest
// stay in the raw message.
func TestListenerStoresMailWithManyAttachments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ch := e.channel(t, map[string]any{"address": "support@acme.example"})
		l := startListener(t, e.p)
		var b strings.Builder
		b.WriteString("From: Ada <ada@example.com>\r\nTo: support@acme.example\r\nSubject: photos\r\nMessage-ID: <many@example.com>\r\n")
		b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nThe damage, photo by photo.\r\n")
		for i := range 15 {
			b.WriteString("--B\r\nContent-Type: image/jpeg; name=p" + strconv.Itoa(i) + ".jpg\r\nContent-Disposition: attachment; filename=p" + strconv.Itoa(i) + ".jpg\r\n\r\njpeg bytes\r\n")
		}
		b.WriteString("--B--\r\n")
		if err := deliver(t, l.Addr(), "ada@example.com", []string{"support@acme.example"}, []byte(b.String())); err != nil {
			t.Fatalf("a mail with 15 attachments: %v", err)
		}
		msgs := e.messages(t, ch.ID)
		if len(msgs) != 1 || msgs[0].Text != "The damage, photo by photo." || len(msgs[0].Content.Email.Problems) == 0 {
			t.Fatalf("stored %+v", msgs)
		}
		var n int
		if err := d.Reader().QueryRow(context.Background(), `SELECT COUNT(*) FROM media_fetches WHERE message_id = (SELECT id FROM messages WHERE channel_id = ?)`, ch.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != conversation.MaxMedia {
			t.Fatalf("%d attachments kept, want %d", n, conversation.MaxMedia)
		}
	})
}

// An address is one channel's: another email channel, of another
// workspace or the same one, cannot take it (the listener would hand its
// mail to the oldest of them, so a workspace could read another's mail);
// the channel that has it keeps saving it.
func TestAnAddressIsOneChannels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		other, err := workspace.New(d).Create(ctx, "Squatter", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		mine := e.channel(t, map[string]any{"address": "support@acme.example"})
		taken := func(what string, err error) {
			t.Helper()
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalid || ae.Field != "config.address" {
				t.Errorf("%s: err = %v, want the address refused", what, err)
			}
		}
		_, err = e.chs.Create(ctx, other.ID, channel.Input{Type: Type, Name: "mine now", Config: json.RawMessage(`{"address":"Support@ACME.example"}`)})
		taken("another workspace's channel", err)
		_, err = e.chs.Create(ctx, e.ws, channel.Input{Type: Type, Name: "twin", Config: json.RawMessage(`{"address":"support@acme.example"}`)})
		taken("a second channel of the workspace", err)
		elsewhere, err := e.chs.Create(ctx, other.ID, channel.Input{Type: Type, Name: "own", Config: json.RawMessage(`{"address":"help@other.example"}`)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.chs.Update(ctx, other.ID, elsewhere.ID, channel.Input{Config: json.RawMessage(`{"address":"support@acme.example"}`)})
		taken("a channel changed to the address", err)
		if _, err := e.chs.Update(ctx, e.ws, mine.ID, channel.Input{Config: json.RawMessage(`{"address":"support@acme.example","display_name":"Acme"}`)}); err != nil {
			t.Fatalf("the channel that has the address saves it again: %v", err)
		}
		if _, err := e.chs.Update(ctx, e.ws, mine.ID, channel.Input{Name: "renamed"}); err != nil {
			t.Fatalf("rename: %v", err)
		}

		l := startListener(t, e.p)
		if err := deliver(t, l.Addr(), "ada@example.com", []string{"support@acme.example"}, fixture(t, "gmail_plain.eml")); err != nil {
			t.Fatal(err)
		}
		if n := len(e.messages(t, mine.ID)); n != 1 {
			t.Fatalf("the address's channel has %d messages", n)
		}
	})
}

// refusingFor refuses for good what is received on one channel (the
// receive path's validation error) and hands the rest on.
type refusingFor struct {
	next    channel.Receiver
	channel int64
}

func (r *refusingFor) Receive(ctx context.Context, in []conversation.Inbound) ([]conversation.Received, error) {
	if in[0].ChannelID == r.channel {
		return nil, apperr.Invalid("text", "refused on this channel")
	}
	return r.next.Receive(ctx, in)
}

// A mail to two channels, one of which refuses it for good, is answered
// 250 once the other stored it: a 554 told the sender it was not
// delivered (a bounce) although one recipient has it. Refused by all, it
// is still the 554.
func TestListenerAcceptsAMailOneOfItsChannelsStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sales := e.channel(t, map[string]any{"address": "sales@acme.example"})
		support := e.channel(t, map[string]any{"address": "support@acme.example"})
		e.p.Attach(Deps{DB: d, Media: e.media, Channels: e.chs, Receiver: &refusingFor{next: e.conv, channel: sales.ID}})
		l := startListener(t, e.p)
		if err := deliver(t, l.Addr(), "a@b.example", []string{"sales@acme.example", "support@acme.example"}, fixture(t, "gmail_plain.eml")); err != nil {
			t.Fatalf("a mail one channel stored: %v", err)
		}
		if n := len(e.messages(t, support.ID)); n != 1 {
			t.Fatalf("support holds %d messages", n)
		}
		if err := deliver(t, l.Addr(), "a@b.example", []string{"sales@acme.example"}, fixture(t, "gmail_alternative.eml")); smtpCode(err) != 554 {
			t.Fatalf("a mail every channel refuses: %v, want 554", err)
		}
	})
}
