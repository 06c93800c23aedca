package email

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/outbound"
	"github.com/switchboard-chat/switchboard/internal/smtpclient/smtptest"
)

func sinkConfig(s *smtptest.Sink) map[string]any {
	return map[string]any{"address": "support@acme.example", "smtp_host": "127.0.0.1", "smtp_port": s.Port(), "smtp_tls": "none"}
}

// A mail in a conversation no email started (an agent writing first) gets
// the default subject, without "Re:" to nothing, and no threading headers; quick replies are numbered lines; an attachment
// is a MIME part with its name and type.
func TestSendShapes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		s := newSink(t, "", "")
		ch := e.channel(t, sinkConfig(s))

		msg := conversation.Message{ID: 41, WorkspaceID: e.ws, ConversationID: 1, Type: "quick_reply", Text: "What do you need?",
			Content: json.RawMessage(`{"type":"quick_reply","text":"What do you need?","replies":["Sales","Support"]}`)}
		id, err := e.p.Send(ctx, ch, "grace@hopper.example", msg)
		if err != nil {
			t.Fatal(err)
		}
		// Ours, at the channel's domain, and no one else's to work out
		// (see TestABounceOfAGuessedMessageIDFailsNothing): the same
		// message under another token has another id.
		if !regexp.MustCompile(`^sb-[0-9a-f]{32}@acme\.example$`).MatchString(id) {
			t.Fatalf("id = %q", id)
		}
		other := ch
		other.Token = "another channel's token"
		if id2 := messageID(other, msg, "support@acme.example"); id2 == id {
			t.Errorf("the id does not depend on the channel's token: %q", id2)
		}
		got := s.Mails()[0]
		h := header(t, got.Raw)
		if v, _ := h.Subject(); v != DefaultSubject {
			t.Errorf("subject = %q", v)
		}
		if h.Get("Mime-Version") != "1.0" || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") || !strings.Contains(h.Get("Content-Type"), "utf-8") {
			t.Errorf("MIME headers: %q %q", h.Get("Mime-Version"), h.Get("Content-Type"))
		}
		if h.Get("In-Reply-To") != "" || h.Get("References") != "" {
			t.Errorf("threading headers without a thread: %q %q", h.Get("In-Reply-To"), h.Get("References"))
		}
		if b := bodyText(t, got.Raw); !strings.Contains(b, "What do you need?\n\n1. Sales\n2. Support") {
			t.Errorf("body = %q", b)
		}
		// Replies given as objects (an API client writing Meta's shape)
		// are numbered the same, and the content's links still follow.
		objects := conversation.Message{ID: 43, WorkspaceID: e.ws, Type: "quick_reply", Text: "What do you need?",
			Content: json.RawMessage(`{"replies":[{"title":"Sales"},{"text":"Support"}],"attachments":[{"type":"file","url":"https://files.example.com/t.pdf"}]}`)}
		if _, err := e.p.Send(ctx, ch, "grace@hopper.example", objects); err != nil {
			t.Fatal(err)
		}
		if b := bodyText(t, s.Mails()[1].Raw); !strings.Contains(b, "What do you need?\n\n1. Sales\n2. Support") || !strings.Contains(b, "https://files.example.com/t.pdf") {
			t.Errorf("replies as objects: body = %q", b)
		}
		// The same message again (a retry) has the same Message-ID.
		if again, _ := e.p.Send(ctx, ch, "grace@hopper.example", msg); again != id {
			t.Errorf("retry id = %q", again)
		}

		fileID, err := e.media.Save(ctx, e.ws, "invoice.pdf", strings.NewReader("%PDF-1.4\n% an invoice\n"))
		if err != nil {
			t.Fatal(err)
		}
		att := conversation.Message{ID: 42, WorkspaceID: e.ws, Type: "attachment", Text: "Here is the invoice.",
			Content: json.RawMessage(`{"attachment":{"type":"file","media_id":"` + fileID + `","file_name":"invoice.pdf"}}`)}
		if _, err := e.p.Send(ctx, ch, "grace@hopper.example", att); err != nil {
			t.Fatal(err)
		}
		r, err := mail.CreateReader(bytes.NewReader(s.Mails()[3].Raw))
		if err != nil {
			t.Fatal(err)
		}
		var text string
		var files []string
		for {
			p, err := r.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(p.Body)
			switch h := p.Header.(type) {
			case *mail.InlineHeader:
				text = string(b)
			case *mail.AttachmentHeader:
				name, _ := h.Filename()
				ct, _, _ := h.ContentType()
				files = append(files, name+" "+ct+" "+string(b))
			}
		}
		if !strings.Contains(text, "Here is the invoice.") || len(files) != 1 || files[0] != "invoice.pdf application/pdf %PDF-1.4\n% an invoice\n" {
			t.Fatalf("text %q, files %q", text, files)
		}
	})
}

func bodyText(t *testing.T, raw []byte) string {
	t.Helper()
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(p.Body)
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// The server's 5xx fails the message for good with its words; 4xx and a
// server that cannot be reached are retried; wrong credentials are the
// server's 5xx too.
func TestSendErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		s := newSink(t, "bot", "right")
		cfg := sinkConfig(s)
		cfg["smtp_username"], cfg["smtp_password"] = "bot", "right"
		ch := e.channel(t, cfg)
		msg := conversation.Message{ID: 7, WorkspaceID: e.ws, Type: "text", Text: "hello"}
		var perm *outbound.PermanentError

		s.Refuse(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Mailbox unavailable"})
		_, err := e.p.Send(ctx, ch, "grace@hopper.example", msg)
		if !errors.As(err, &perm) || !strings.Contains(err.Error(), "550 Mailbox unavailable") {
			t.Fatalf("5xx: %v", err)
		}
		s.Refuse(&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try later"})
		if _, err := e.p.Send(ctx, ch, "grace@hopper.example", msg); err == nil || errors.As(err, &perm) {
			t.Fatalf("4xx: %v", err)
		}
		s.Refuse(nil)
		if _, err := e.p.Send(ctx, ch, "not an address", msg); !errors.As(err, &perm) {
			t.Fatalf("bad recipient: %v", err)
		}

		cfg["smtp_password"], cfg["address"] = "wrong", "bad@acme.example"
		bad := e.channel(t, cfg)
		if _, err := e.p.Send(ctx, bad, "grace@hopper.example", msg); !errors.As(err, &perm) {
			t.Fatalf("wrong password: %v", err)
		}
		cfg["smtp_password"], cfg["smtp_port"], cfg["address"] = "right", 1, "down@acme.example"
		down := e.channel(t, cfg)
		if _, err := e.p.Send(ctx, down, "grace@hopper.example", msg); err == nil || errors.As(err, &perm) {
			t.Fatalf("unreachable server: %v", err)
		}
		// Without an SMTP server, replies cannot be sent at all.
		noSMTP := e.channel(t, map[string]any{"address": "nosmtp@acme.example"})
		if _, err := e.p.Send(ctx, noSMTP, "grace@hopper.example", msg); !errors.As(err, &perm) {
			t.Fatalf("no SMTP: %v", err)
		}
	})
}

// A server on an address the node's guard refuses fails for good, without
// a connection.
func TestSendGuarded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := newSink(t, "", "")
		ch := e.channel(t, sinkConfig(s))
		guarded := New(nil)
		guarded.Attach(e.p.deps())
		_, err := guarded.Send(context.Background(), ch, "grace@hopper.example", conversation.Message{ID: 1, Text: "hi"})
		var perm *outbound.PermanentError
		if !errors.As(err, &perm) || !strings.Contains(err.Error(), "--allow-private-networks") && !strings.Contains(err.Error(), "allow") {
			t.Fatalf("guarded send: %v", err)
		}
		if len(s.Mails()) != 0 {
			t.Fatal("the refused server got mail")
		}
	})
}

// Each attachment of a stored mail is extracted from the raw message by
// its reference.
func TestFetchMedia(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		ch := e.channel(t, map[string]any{"address": "support@acme.example"})
		if _, err := e.p.Deliver(ctx, ch, fixture(t, "apple_attachments.eml")); err != nil {
			t.Fatal(err)
		}
		var refs []string
		e2 := Parse(fixture(t, "apple_attachments.eml"))
		raw := e.messages(t, ch.ID)[0].Content.Email.RawMediaID
		for _, a := range e2.Attachments {
			refs = append(refs, raw+"/"+itoa(a.Index))
		}
		want := []struct{ ct, name, prefix string }{{"image/png", "IMG_0042.png", "\x89PNG"}, {"application/pdf", "delivery-note.pdf", "%PDF-1.4"}}
		for i, ref := range refs {
			f, err := e.p.FetchMedia(ctx, ch, conversation.MediaRef{Ref: ref})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(f.Body)
			f.Body.Close()
			if f.ContentType != want[i].ct || f.FileName != want[i].name || !bytes.HasPrefix(b, []byte(want[i].prefix)) {
				t.Errorf("part %s = %s %s %q", ref, f.ContentType, f.FileName, b[:8])
			}
		}
		var perm *outbound.PermanentError
		for _, bad := range []string{"nope", raw + "/99", "0123456789abcdef0123456789abcdef/1", raw + "/-1"} {
			if _, err := e.p.FetchMedia(ctx, ch, conversation.MediaRef{Ref: bad}); !errors.As(err, &perm) {
				t.Errorf("FetchMedia(%q) = %v, want a permanent error", bad, err)
			}
		}
	})
}

// unavailableStore is a media store that cannot be read for now (a
// network store's hiccup, a full disk's neighbour).
type unavailableStore struct{ Store }

func (unavailableStore) Open(context.Context, int64, string) (io.ReadCloser, FileInfo, error) {
	return nil, FileInfo{}, errors.New("media store: connection reset by peer")
}

// An attachment whose file the media store cannot read for now is sent
// again later; one no longer stored fails the message for good.
func TestSendAttachmentStoreUnavailableIsRetried(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		s := newSink(t, "", "")
		ch := e.channel(t, sinkConfig(s))
		fileID, err := e.media.Save(ctx, e.ws, "invoice.pdf", strings.NewReader("%PDF-1.4\n"))
		if err != nil {
			t.Fatal(err)
		}
		att := func(id string) conversation.Message {
			return conversation.Message{ID: 42, WorkspaceID: e.ws, Type: "attachment", Text: "Here is the invoice.",
				Content: json.RawMessage(`{"attachment":{"type":"file","media_id":"` + id + `","file_name":"invoice.pdf"}}`)}
		}
		var perm *outbound.PermanentError
		if _, err := e.p.Send(ctx, ch, "grace@hopper.example", att("0123456789abcdef0123456789abcdef")); !errors.As(err, &perm) {
			t.Fatalf("a file no longer stored: %v, want a permanent error", err)
		}
		e.p.Attach(Deps{DB: d, Media: unavailableStore{e.media}, Channels: e.chs, Receiver: e.conv})
		if _, err := e.p.Send(ctx, ch, "grace@hopper.example", att(fileID)); err == nil || errors.As(err, &perm) {
			t.Fatalf("a store unavailable for now: %v, want an error to retry", err)
		}
		if len(s.Mails()) != 0 {
			t.Fatal("mail sent without its attachment")
		}
	})
}

// A workflow's message is automatic: it says so (RFC 3834), so that an
// out-of-office or another help desk's acknowledgement does not answer
// it, which would open the conversation again and run the workflow again,
// for ever. A person's reply says nothing of the kind.
func TestWorkflowRepliesSayTheyAreAutomatic(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		s := newSink(t, "", "")
		ch := e.channel(t, sinkConfig(s))
		for i, tc := range []struct {
			sender, ai     string
			auto, suppress string
		}{
			{conversation.SourceWorkflow, "", "auto-generated", "All"},
			{conversation.SourceUser, "", "", ""},
			{"api", "", "", ""},
			// An AI agent's answer: no person wrote it either.
			{conversation.SourceAPI, conversation.AIAgent, "auto-generated", "All"},
			// An AI draft an agent sent: the agent's reply.
			{conversation.SourceUser, conversation.AIDraft, "", ""},
		} {
			msg := conversation.Message{ID: int64(50 + i), WorkspaceID: e.ws, Sender: tc.sender, AI: tc.ai, Type: "text", Text: "We are closed until Monday."}
			if _, err := e.p.Send(ctx, ch, "grace@hopper.example", msg); err != nil {
				t.Fatal(err)
			}
			h := header(t, s.Mails()[i].Raw)
			if got := h.Get("Auto-Submitted"); got != tc.auto {
				t.Errorf("%s: Auto-Submitted = %q, want %q", tc.sender, got, tc.auto)
			}
			if got := h.Get("X-Auto-Response-Suppress"); got != tc.suppress {
				t.Errorf("%s: X-Auto-Response-Suppress = %q, want %q", tc.sender, got, tc.suppress)
			}
		}
	})
}

// An out-of-office answer lands in the conversation as the contact's
// latest mail; the agent's next reply still answers what the person
// wrote: "Re: <their subject>", threaded on their mail, not on the
// auto-reply ("Re: Automatic reply: …"), which their client files apart.
func TestRepliesThreadOnThePersonsMailNotTheirAutoReply(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		s := newSink(t, "", "")
		ch := e.channel(t, sinkConfig(s))
		got, err := e.p.Deliver(ctx, ch, fixture(t, "gmail_plain.eml"))
		if err != nil {
			t.Fatal(err)
		}
		firstID := "CAJx9fQ2k8mV1pL3Zr7u8=K1x0aB4cD5eF6gH7iJ8kL9mN0oP1q@mail.gmail.com"
		for i, marker := range []string{"Auto-Submitted: auto-replied", "X-Autoreply: yes", "Precedence: auto_reply"} {
			ooo := "From: Ada Lovelace <ada.lovelace@gmail.com>\r\nTo: support@acme.example\r\nSubject: Automatic reply: Order #4512 has not arrived\r\n" +
				"Message-ID: <ooo-" + itoa(i) + "@mail.gmail.com>\r\nIn-Reply-To: <switchboard.1.3@acme.example>\r\n" + marker + "\r\n" +
				"Content-Type: text/plain; charset=utf-8\r\n\r\nI am away until Monday.\r\n"
			if _, err := e.p.Deliver(ctx, ch, []byte(ooo)); err != nil {
				t.Fatal(err)
			}
			msg := conversation.Message{ID: int64(60 + i), WorkspaceID: e.ws, ConversationID: got.ConversationID, Type: "text", Text: "Your parcel left today."}
			if _, err := e.p.Send(ctx, ch, "ada.lovelace@gmail.com", msg); err != nil {
				t.Fatal(err)
			}
			h := header(t, s.Mails()[i].Raw)
			if v, _ := h.Subject(); v != "Re: Order #4512 has not arrived" || h.Get("In-Reply-To") != "<"+firstID+">" {
				t.Errorf("after an auto-reply marked %q: Subject %q, In-Reply-To %q", marker, v, h.Get("In-Reply-To"))
			}
		}
		msgs := e.messages(t, ch.ID)
		if last := msgs[len(msgs)-1]; last.Content.Email.AutoSubmitted != "auto-replied" {
			t.Errorf("the auto-reply's content says auto_submitted %q", last.Content.Email.AutoSubmitted)
		}
	})
}

// A web form's mail comes from the site (noreply@…) with the customer in
// Reply-To: the reply goes where the mail asked, as every mail client
// sends it, not to the form's address, which nobody reads.
func TestReplyGoesToTheReplyToAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		s := newSink(t, "", "")
		ch := e.channel(t, sinkConfig(s))
		form := "From: Acme Shop <noreply@shop.example>\r\nTo: support@acme.example\r\nReply-To: Ada Lovelace <Ada@Lovelace.example>\r\n" +
			"Subject: Contact form: where is my order?\r\nMessage-ID: <form-1@shop.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nName: Ada\r\nMessage: where is my order?\r\n"
		got, err := e.p.Deliver(ctx, ch, []byte(form))
		if err != nil {
			t.Fatal(err)
		}
		msg := conversation.Message{ID: 70, WorkspaceID: e.ws, ConversationID: got.ConversationID, Type: "text", Text: "It left today."}
		if _, err := e.p.Send(ctx, ch, "noreply@shop.example", msg); err != nil {
			t.Fatal(err)
		}
		sent := s.Mails()[0]
		h := header(t, sent.Raw)
		if len(sent.To) != 1 || sent.To[0] != "ada@lovelace.example" || !strings.Contains(h.Get("To"), "ada@lovelace.example") {
			t.Fatalf("sent to %q (To: %q), want the Reply-To address", sent.To, h.Get("To"))
		}
		// A mail without Reply-To is answered to its sender.
		got, err = e.p.Deliver(ctx, ch, fixture(t, "gmail_plain.eml"))
		if err != nil {
			t.Fatal(err)
		}
		msg = conversation.Message{ID: 71, WorkspaceID: e.ws, ConversationID: got.ConversationID, Type: "text", Text: "It left today."}
		if _, err := e.p.Send(ctx, ch, "ada.lovelace@gmail.com", msg); err != nil {
			t.Fatal(err)
		}
		if sent := s.Mails()[1]; len(sent.To) != 1 || sent.To[0] != "ada.lovelace@gmail.com" {
			t.Fatalf("sent to %q, want the sender", sent.To)
		}
	})
}

// Microsoft 365 and Outlook.com offer AUTH LOGIN, not PLAIN: replies
// through them are sent, not failed for good with "504 Unrecognized
// authentication type".
func TestSendThroughAServerOfferingLoginOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := smtptest.New(t, smtptest.Options{User: "bot@acme.example", Pass: "s3cret", LoginOnly: true})
		cfg := sinkConfig(s)
		cfg["smtp_username"], cfg["smtp_password"] = "bot@acme.example", "s3cret"
		ch := e.channel(t, cfg)
		msg := conversation.Message{ID: 80, WorkspaceID: e.ws, Type: "text", Text: "hello"}
		if _, err := e.p.Send(context.Background(), ch, "grace@hopper.example", msg); err != nil {
			t.Fatalf("send through a LOGIN-only server: %v", err)
		}
		if len(s.Mails()) != 1 {
			t.Fatalf("the server got %d mails", len(s.Mails()))
		}
	})
}

// A reply's subject is "Re: " and the subject once, whatever reply
// prefixes (any case, any client's language) the subject piled up.
func TestReplySubject(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Order #4512", "Re: Order #4512"},
		{"Re: Order #4512", "Re: Order #4512"},
		{"RE: RE: Order #4512", "Re: Order #4512"},
		{"AW: Re:  SV: Order #4512", "Re: Order #4512"},
		{"Réf. : Commande", "Re: Commande"},
		{"Record of calls", "Re: Record of calls"},
		{"  ", "Re: "},
	} {
		if got := replySubject(c.in); got != c.want {
			t.Errorf("replySubject(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
