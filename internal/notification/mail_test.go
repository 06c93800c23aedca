package notification_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/notification"
	"github.com/switchboard-chat/switchboard/internal/smtpclient/smtptest"
	"github.com/switchboard-chat/switchboard/internal/sysmail"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A mention or an assignment not seen MailDelay after it was made is
// mailed once, in the member's language, to a real SMTP server; one seen
// in time (its conversation read), one reassigned away, or of a kind
// the member turned off is not; a mail the server refuses is tried again.
func TestUnseenNotificationsAreMailed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk, sink, g := runMails(t, d)
		ws, ana, bob, convs, ch := bellWorkspace(t, d)
		svc := notification.New(d)
		carol := newMember(t, d, ws.ID, "carol@acme.test", "Carol", access.RoleManager)
		if _, err := svc.SetSettings(ctx, carol, notification.Settings{MailMentions: false, MailAssignments: true, Language: "fr"}); err != nil {
			t.Fatal(err)
		}
		assign := func(conv, to int64) {
			t.Helper()
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := conversation.AssignTx(ctx, tx, ws.ID, conv, conversation.AssignInput{UserID: to, ByUser: bob.UserID, Source: conversation.SourceUser})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		mention := func(conv int64, text string, who ...int64) {
			t.Helper()
			if _, err := convs.AddComment(ctx, bob, conv, conversation.CommentInput{Text: text, Mentions: who, UserID: bob.UserID}); err != nil {
				t.Fatal(err)
			}
		}
		mailed, _ := writeIn(t, convs, ws.ID, ch, "+14155550100")
		seen, _ := writeIn(t, convs, ws.ID, ch, "+14155550101")
		moved, _ := writeIn(t, convs, ws.ID, ch, "+14155550102")
		french, _ := writeIn(t, convs, ws.ID, ch, "+14155550103")
		assign(mailed, ana.UserID)
		mention(mailed, "Can you check the refund?\nThey paid twice.", ana.UserID)
		assign(seen, ana.UserID)
		assign(moved, ana.UserID)
		assign(french, carol.UserID)
		mention(french, "Regarde", carol.UserID) // Carol's mentions are not mailed
		backgroundtest.WaitIdle(t, g)

		// Ana reads one conversation (as the node wires the read to the
		// bell); another goes to Bob.
		convs.OnRead(notification.ConversationReadTx)
		if _, err := convs.MarkRead(ctx, ana, seen, true); err != nil {
			t.Fatal(err)
		}
		assign(moved, bob.UserID)
		clk.Advance(notification.MailDelay - time.Second)
		backgroundtest.WaitIdle(t, g)
		if got := len(sink.Mails()); got != 0 {
			t.Fatalf("%d mails before the delay, want none", got)
		}
		clk.Advance(time.Second)
		backgroundtest.WaitIdle(t, g)
		byTo := map[string][]string{}
		for _, m := range sink.WaitMails(t, 3) {
			subject, body := readMail(t, m.Raw)
			byTo[m.To[0]] = append(byTo[m.To[0]], subject+"\n"+body)
		}
		link := func(conv int64) string { return "https://sb.example/inbox/all/" + strconv.FormatInt(conv, 10) }
		want := map[string][]string{
			"ana@acme.test": {
				"The conversation with +14155550100 is assigned to you\nHello,\n\nbob@acme.test assigned you the conversation with +14155550100, in Acme.",
				"bob@acme.test mentioned you in the conversation with +14155550100\n",
			},
			"carol@acme.test": {"La conversation avec +14155550103 vous est attribuée\nBonjour,"},
		}
		for to, starts := range want {
			if len(byTo[to]) != len(starts) {
				t.Fatalf("mails to %s: %q, want %d", to, byTo[to], len(starts))
			}
			for i, start := range starts {
				if !strings.HasPrefix(byTo[to][i], start) {
					t.Errorf("mail %d to %s:\n%s\nwant it to start %q", i, to, byTo[to][i], start)
				}
			}
		}
		if m := byTo["ana@acme.test"][1]; !strings.Contains(m, "> Can you check the refund?\n> They paid twice.\n") ||
			!strings.Contains(m, link(mailed)) || !strings.Contains(m, "https://sb.example/account") || !strings.Contains(m, "not seen this within 10 minutes") {
			t.Errorf("the mention's mail lacks its comment, link or settings:\n%s", m)
		}
		if m := byTo["carol@acme.test"][0]; !strings.Contains(m, link(french)) {
			t.Errorf("Carol's mail lacks the link:\n%s", m)
		}
		states := func() string {
			t.Helper()
			rows, err := d.Reader().Query(ctx, `SELECT conversation_id, kind, mail_state, mail_at FROM notifications WHERE user_id IN (?, ?) ORDER BY id`, ana.UserID, carol.UserID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.Collect(rows, func(rows *sql.Rows) (string, error) {
				var conv, at int64
				var kind, state string
				err := rows.Scan(&conv, &kind, &state, &at)
				return strconv.FormatInt(conv, 10) + " " + kind + " " + state + " " + strconv.FormatBool(at > 0), err
			})
			if err != nil {
				t.Fatal(err)
			}
			return strings.Join(got, "; ")
		}
		c := func(id int64) string { return strconv.FormatInt(id, 10) }
		if got, want := states(), c(mailed)+" assignment sent false; "+c(mailed)+" mention sent false; "+c(seen)+" assignment skipped false; "+
			c(moved)+" assignment skipped false; "+c(french)+" assignment sent false; "+c(french)+" mention  false"; got != want {
			t.Errorf("notifications:\n%s\nwant\n%s", got, want)
		}

		// Refused, a mail is tried again a minute later, once sent.
		sink.Refuse(&smtp.SMTPError{Code: 451, Message: "try later"})
		again, _ := writeIn(t, convs, ws.ID, ch, "+14155550104")
		assign(again, ana.UserID)
		backgroundtest.WaitIdle(t, g)
		clk.Advance(notification.MailDelay)
		backgroundtest.WaitIdle(t, g)
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM notifications WHERE conversation_id = `+c(again)+` AND mail_attempts = 1 AND mail_at > 0 AND mail_state = ''`); n != 1 {
			t.Fatalf("the refused mail: %s", states())
		}
		sink.Refuse(nil)
		clk.Advance(time.Minute)
		backgroundtest.WaitIdle(t, g)
		if got := sink.WaitMails(t, 4); len(got) != 4 {
			t.Fatalf("%d mails, want the retried one fourth", len(got))
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM notifications WHERE conversation_id = `+c(again)+` AND mail_attempts = 2 AND mail_at = 0 AND mail_state = 'sent'`); n != 1 {
			t.Fatalf("the retried mail: %s", states())
		}
		// Nothing else falls due: the runner sleeps.
		clk.Advance(24 * time.Hour)
		backgroundtest.WaitIdle(t, g)
		if got := len(sink.Mails()); got != 4 {
			t.Fatalf("%d mails a day later, want 4", got)
		}
	})
}

// A disabled webhook endpoint is mailed to the owners who have not seen
// it, with its address and why; not to one who turned those mails off,
// nor once the endpoint is enabled again.
func TestDisabledWebhookIsMailedToOwners(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk, sink, g := runMails(t, d)
		ws, _, _, _, _ := bellWorkspace(t, d)
		newMember(t, d, ws.ID, "olga@acme.test", "Olga", access.RoleOwner) // wants every mail: the defaults
		omar := newMember(t, d, ws.ID, "omar@acme.test", "Omar", access.RoleOwner)
		if _, err := notification.New(d).SetSettings(ctx, omar, notification.Settings{MailMentions: true, MailAssignments: true, Language: "en"}); err != nil {
			t.Fatal(err)
		}
		disable := func(url string) int64 {
			t.Helper()
			var id int64
			if err := d.Write(ctx, func(tx *db.Tx) error {
				if err := tx.QueryRow(ctx, `INSERT INTO webhook_endpoints (workspace_id, url, secret, enabled, disabled_reason, created_at, updated_at)
					VALUES (?, ?, 'whsec_x', 0, 'the endpoint answered 410 Gone', ?, ?) RETURNING id`, ws.ID, url, tx.Now(), tx.Now()).Scan(&id); err != nil {
					return err
				}
				_, err := event.Append(ctx, tx, event.New{WorkspaceID: ws.ID, Type: event.WebhookDisabled,
					Payload: map[string]any{"endpoint_id": id, "reason": "the endpoint answered 410 Gone"}})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return id
		}
		disable("https://crm.example/hooks")
		again := disable("https://erp.example/hooks")
		backgroundtest.WaitIdle(t, g)
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE webhook_endpoints SET enabled = 1 WHERE id = ?`, again)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(notification.MailDelay)
		backgroundtest.WaitIdle(t, g)
		sink.WaitMails(t, 1)
		backgroundtest.WaitIdle(t, g) // every due mail sent or skipped: one only
		if got := sink.Mails(); len(got) != 1 || got[0].To[0] != "olga@acme.test" {
			t.Fatalf("mails %+v, want one, to Olga", got)
		}
		subject, text := readMail(t, sink.Mails()[0].Raw)
		if subject != "A webhook endpoint of Acme was disabled" ||
			!strings.Contains(text, "The webhook endpoint https://crm.example/hooks of Acme was disabled: the endpoint answered 410 Gone.") ||
			!strings.Contains(text, "https://sb.example/settings/webhooks") {
			t.Errorf("the mail:\n%s\n%s", subject, text)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM notifications WHERE mail_at > 0 OR lease_until > 0`); n != 0 {
			t.Fatalf("%d notifications with a mail pending", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM notifications WHERE mail_state = 'skipped'`); n != 1 {
			t.Fatalf("%d skipped, want Olga's of the endpoint enabled again (Omar's never due)", n)
		}
	})
}

// Each mail is sent once when two nodes' senders share the store (their
// claims never overlap: SQLite's one writer, PostgreSQL's SKIP LOCKED and
// the lease condition), and one a node claimed and never finished (it
// died) is sent once its lease ends, by another.
func TestMailsOfSeveralNodesAreSentOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk, sink, g := runMails(t, d, 1, 2)
		ws, ana, bob, convs, ch := bellWorkspace(t, d)
		const n = 23 // more than two batches
		links := map[string]int64{}
		for i := range n {
			conv, _ := writeIn(t, convs, ws.ID, ch, fmt.Sprintf("+1415555%04d", i))
			links["https://sb.example/inbox/all/"+strconv.FormatInt(conv, 10)] = conv
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := conversation.AssignTx(ctx, tx, ws.ID, conv, conversation.AssignInput{UserID: ana.UserID, ByUser: bob.UserID, Source: conversation.SourceUser})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		backgroundtest.WaitIdle(t, g)
		// Node 99 claimed the first mail and died: its lease outlives the delay by a minute.
		deadUntil := db.Millis(clk.Now().Add(notification.MailDelay + time.Minute))
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE notifications SET lease_until = ?, lease_node = 99 WHERE id = (SELECT MIN(id) FROM notifications)`, deadUntil)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(notification.MailDelay)
		backgroundtest.WaitIdle(t, g)
		if got := len(sink.WaitMails(t, n-1)); got != n-1 {
			t.Fatalf("%d mails once due, want %d (not the one leased to the dead node)", got, n-1)
		}
		clk.Advance(time.Minute)
		backgroundtest.WaitIdle(t, g)
		sink.WaitMails(t, n)
		backgroundtest.WaitIdle(t, g) // every due mail sent: none more to come
		mails := sink.Mails()
		if len(mails) != n {
			t.Fatalf("%d mails, want %d: one each", len(mails), n)
		}
		seen := map[int64]bool{}
		for _, m := range mails {
			_, text := readMail(t, m.Raw)
			for link, conv := range links {
				if strings.Contains(text, link+"\n") {
					if seen[conv] {
						t.Errorf("conversation %d mailed twice", conv)
					}
					seen[conv] = true
				}
			}
		}
		if len(seen) != n {
			t.Errorf("%d conversations mailed, want %d", len(seen), n)
		}
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM notifications WHERE mail_state = 'sent' AND mail_attempts = 1 AND mail_at = 0 AND lease_until = 0`); got != n {
			t.Errorf("%d notifications sent once and done, want %d", got, n)
		}
	})
}

// Settings default to both mails on in English; a language the node does
// not write in is refused; a workspace token has none.
func TestNotificationSettings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		_, ana, _, _, _ := bellWorkspace(t, d)
		svc := notification.New(d)
		if got, err := svc.GetSettings(ctx, ana); err != nil || got != notification.DefaultSettings {
			t.Fatalf("settings %+v (%v), want the defaults", got, err)
		}
		chosen := notification.Settings{MailMentions: true, MailAssignments: false, Language: "fr"}
		if _, err := svc.SetSettings(ctx, ana, chosen); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetSettings(ctx, ana, notification.Settings{Language: "de"}); err == nil {
			t.Fatal("German was taken")
		}
		if got, _ := svc.GetSettings(ctx, ana); got != chosen {
			t.Fatalf("settings %+v, want %+v (a refused change changes nothing)", got, chosen)
		}
		if _, err := svc.GetSettings(ctx, access.Principal{WorkspaceID: ana.WorkspaceID, Role: access.RoleOwner}); err == nil {
			t.Fatal("a workspace token has settings")
		}
	})
}

// runMails runs the notifications consumer with mails on, and the mails
// themselves to an SMTP sink, on a fake clock, until the test ends: one
// sender per node named (node 1 when none is), as nodes sharing a store.
func runMails(t *testing.T, d *db.DB, nodes ...int64) (*clock.Fake, *smtptest.Sink, *background.Group) {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d.SetClock(clk)
	hub := event.NewHub()
	d.OnEvents(hub.Notify)
	sink := smtptest.New(t, smtptest.Options{})
	mailer, err := sysmail.New(sysmail.Config{URL: "smtp://127.0.0.1:" + strconv.Itoa(sink.Port()), From: "Switchboard <no-reply@sb.example>", Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	g := background.NewGroup(clk)
	backgroundtest.Run(t, g, notification.NewConsumer(d, hub, g, notification.MailDelay).Run)
	if len(nodes) == 0 {
		nodes = []int64{1}
	}
	for _, node := range nodes {
		backgroundtest.Run(t, g, notification.NewMails(d, notification.MailOptions{Mailer: mailer, PublicURL: "https://sb.example/",
			Principal: workspace.New(d).MemberPrincipal, Node: node, Group: g}).Run)
	}
	backgroundtest.WaitIdle(t, g)
	return clk, sink, g
}

// newMember adds a member to the workspace.
func newMember(t *testing.T, d *db.DB, workspaceID int64, email, name, role string) access.Principal {
	t.Helper()
	u, err := workspace.New(d).CreateUser(context.Background(), workspaceID, workspace.NewUser{Email: email, Name: name, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return access.Principal{WorkspaceID: workspaceID, UserID: u.ID, Role: role, Can: access.Defaults(role)}
}

// readMail decodes a mail's subject and text.
func readMail(t *testing.T, raw []byte) (subject, text string) {
	t.Helper()
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ = r.Header.Subject()
	p, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(p.Body)
	return subject, strings.ReplaceAll(string(body), "\r\n", "\n")
}
