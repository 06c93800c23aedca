package email

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// dsn is a delivery status notification as Gmail's MTA writes it for a
// message (whose Message-ID is original) to an address that does not
// exist; the original comes back as headers or as the whole message.
func dsn(original, returned string) []byte {
	orig := "From: Acme Support <support@acme.example>\r\nTo: ada.lovelace@gmial.com\r\nSubject: Re: Order #4512\r\nMessage-ID: <" + original + ">\r\n"
	part := "Content-Type: text/rfc822-headers\r\n\r\n" + orig
	if returned == "message" {
		part = "Content-Type: message/rfc822\r\n\r\n" + orig + "Content-Type: text/plain\r\n\r\nYour parcel is with the carrier.\r\n"
	}
	return []byte("From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\nTo: support@acme.example\r\n" +
		"Subject: Delivery Status Notification (Failure)\r\nMessage-ID: <bounce-" + returned + "-" + original + ">\r\n" +
		"Date: Tue, 3 Mar 2026 10:05:00 +0000\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=R\r\n\r\n" +
		"--R\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAddress not found\r\n\r\nYour message wasn't delivered to ada.lovelace@gmial.com because the address couldn't be found.\r\n" +
		"--R\r\nContent-Type: message/delivery-status\r\n\r\n" +
		"Reporting-MTA: dns; googlemail.com\r\nArrival-Date: Tue, 3 Mar 2026 10:04:59 +0000\r\n\r\n" +
		"Final-Recipient: rfc822; ada.lovelace@gmial.com\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does\r\n not exist.\r\n" +
		"Last-Attempt-Date: Tue, 3 Mar 2026 10:05:00 +0000\r\n" +
		"--R\r\n" + part + "--R--\r\n")
}

// A reply the SMTP server accepted and the recipient's server later
// refused comes back as a bounce to the channel's address: the reply it
// reports fails with the server's words, and the bounce is no customer's
// message. A bounce of a message Switchboard never sent is stored as
// mail, as before.
func TestABounceFailsTheMessageItReports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		out := newSink(t, "", "")
		ch := e.channel(t, sinkConfig(out))
		if _, err := e.p.Deliver(ctx, ch, fixture(t, "gmail_plain.eml")); err != nil {
			t.Fatal(err)
		}
		convID := e.messages(t, ch.ID)[0].ConversationID
		for _, returned := range []string{"headers", "message"} {
			var sent conversation.Message
			if err := d.Write(ctx, func(tx *db.Tx) error {
				var err error
				sent, err = conversation.SendTx(ctx, tx, e.ws, convID, conversation.SendInput{Text: "Your parcel is with the carrier.", Sender: "api"})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			ourID, err := e.p.Send(ctx, ch, "ada.lovelace@gmail.com", sent)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, `UPDATE messages SET provider_message_id = ?, status = 'sent' WHERE id = ?`, ourID, sent.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			before := len(e.messages(t, ch.ID))
			if _, err := e.p.Deliver(ctx, ch, dsn(ourID, returned)); err != nil {
				t.Fatal(err)
			}
			var status, reason string
			if err := d.Reader().QueryRow(ctx, `SELECT status, failure_reason FROM messages WHERE id = ?`, sent.ID).Scan(&status, &reason); err != nil {
				t.Fatal(err)
			}
			if status != "failed" || !strings.Contains(reason, "550-5.1.1 The email account that you tried to reach does not exist.") {
				t.Errorf("%s returned: our reply is %q (%q), want failed with the server's words", returned, status, reason)
			}
			if n := len(e.messages(t, ch.ID)); n != before {
				t.Errorf("%s returned: the bounce was stored as a message (%d messages, were %d)", returned, n, before)
			}
		}
		var daemons int
		if err := d.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM contact_identities WHERE channel_id = ? AND external_id LIKE 'mailer-daemon@%'`, ch.ID).Scan(&daemons); err != nil {
			t.Fatal(err)
		}
		if daemons != 0 {
			t.Errorf("the mail system became a contact")
		}

		// Not ours: kept as mail.
		if _, err := e.p.Deliver(ctx, ch, dsn("someone-else@elsewhere.example", "headers")); err != nil {
			t.Fatal(err)
		}
		msgs := e.messages(t, ch.ID)
		if last := msgs[len(msgs)-1]; last.Direction != "in" || !strings.Contains(last.Content.Email.Subject, "Delivery Status Notification") {
			t.Fatalf("a bounce of someone else's message = %+v", last)
		}
	})
}

// Our Message-IDs cannot be worked out, so a bounce cannot be forged: a
// bounce naming the id anyone could guess for a reply of ours
// (switchboard.<workspace>.<message>@<domain>, what they were) fails
// nothing and is kept as mail; the real bounce, naming the id the reply
// went out with, fails it. A reply sent before the ids changed keeps its
// stored id, and its bounce still fails it.
func TestABounceOfAGuessedMessageIDFailsNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		out := newSink(t, "", "")
		ch := e.channel(t, sinkConfig(out))
		if _, err := e.p.Deliver(ctx, ch, fixture(t, "gmail_plain.eml")); err != nil {
			t.Fatal(err)
		}
		convID := e.messages(t, ch.ID)[0].ConversationID
		send := func(text string) (conversation.Message, string) {
			t.Helper()
			var sent conversation.Message
			if err := d.Write(ctx, func(tx *db.Tx) error {
				var err error
				sent, err = conversation.SendTx(ctx, tx, e.ws, convID, conversation.SendInput{Text: text, Sender: "api"})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			id, err := e.p.Send(ctx, ch, "ada.lovelace@gmail.com", sent)
			if err != nil {
				t.Fatal(err)
			}
			return sent, id
		}
		record := func(msgID int64, providerID string) {
			t.Helper()
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, `UPDATE messages SET provider_message_id = ?, status = 'sent' WHERE id = ?`, providerID, msgID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		status := func(msgID int64) string {
			t.Helper()
			var s string
			if err := d.Reader().QueryRow(ctx, `SELECT status FROM messages WHERE id = ?`, msgID).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}

		sent, ourID := send("Your parcel is with the carrier.")
		record(sent.ID, ourID)
		guessed := "switchboard." + itoa(int(e.ws)) + "." + itoa(int(sent.ID)) + "@acme.example"
		if ourID == guessed || !strings.HasSuffix(ourID, "@acme.example") {
			t.Fatalf("our Message-ID %q is the guessable one", ourID)
		}
		if _, err := e.p.Deliver(ctx, ch, dsn(guessed, "headers")); err != nil {
			t.Fatal(err)
		}
		if s := status(sent.ID); s != "sent" {
			t.Errorf("a bounce naming a guessed id made our reply %q", s)
		}
		msgs := e.messages(t, ch.ID)
		if last := msgs[len(msgs)-1]; last.Direction != "in" || !strings.Contains(last.Content.Email.Subject, "Delivery Status Notification") {
			t.Errorf("the forged bounce is not kept as mail: %+v", last)
		}
		if _, err := e.p.Deliver(ctx, ch, dsn(ourID, "headers")); err != nil {
			t.Fatal(err)
		}
		if s := status(sent.ID); s != "failed" {
			t.Errorf("the real bounce made our reply %q, want failed", s)
		}

		// Sent before the change: its stored id is the old form.
		old, _ := send("Here is your refund.")
		oldID := "switchboard." + itoa(int(e.ws)) + "." + itoa(int(old.ID)) + "@acme.example"
		record(old.ID, oldID)
		if _, err := e.p.Deliver(ctx, ch, dsn(oldID, "message")); err != nil {
			t.Fatal(err)
		}
		if s := status(old.ID); s != "failed" {
			t.Errorf("the bounce of a reply sent with an old id made it %q, want failed", s)
		}
	})
}
