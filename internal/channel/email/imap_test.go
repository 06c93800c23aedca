package email

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// newIMAP serves go-imap's in-memory server on loopback with one user
// and an INBOX.
func newIMAP(t *testing.T) (port int, u *imapmemserver.User) {
	t.Helper()
	return newIMAPWith(t, func(s imapserver.Session) imapserver.Session { return flushingSession{s} })
}

// newIMAPWith is newIMAP whose sessions are wrap's of the in-memory
// server's (a server that misbehaves in one command).
func newIMAPWith(t *testing.T, wrap func(imapserver.Session) imapserver.Session) (port int, u *imapmemserver.User) {
	t.Helper()
	mem := imapmemserver.New()
	u = imapmemserver.NewUser("support@acme.example", "imap-pass")
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return wrap(mem.NewSession()), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	port, _ = strconv.Atoi(p)
	return port, u
}

// flushingSession sends the updates queued since the last command when
// IDLE starts, as real servers do (Dovecot, Gmail): the in-memory server
// otherwise holds them back until a later update, and mail appended just
// before the poller enters IDLE would wait for its next lease renewal.
type flushingSession struct{ imapserver.Session }

func (s flushingSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	if err := s.Session.Poll(w, true); err != nil {
		return err
	}
	return s.Session.Idle(w, stop)
}

func appendMail(t *testing.T, u *imapmemserver.User, mailbox string, raw []byte) {
	t.Helper()
	if _, err := u.Append(mailbox, bytes.NewReader(raw), &imap.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
}

func unseen(t *testing.T, u *imapmemserver.User, mailbox string) uint32 {
	t.Helper()
	st, err := u.Status(mailbox, &imap.StatusOptions{NumUnseen: true})
	if err != nil {
		t.Fatal(err)
	}
	return *st.NumUnseen
}

// runIMAP runs the provider's pollers until the test ends or stop is called.
func runIMAP(t *testing.T, p *Provider) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.RunIMAP(ctx); close(done) }()
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cancel()
			<-done
		}
	}
	t.Cleanup(stop)
	return stop
}

func imapConfig(port int, mailbox string) map[string]any {
	return map[string]any{"address": "support@acme.example", "imap_host": "127.0.0.1", "imap_port": port, "imap_tls": "none",
		"imap_username": "support@acme.example", "imap_password": "imap-pass", "imap_mailbox": mailbox}
}

// The poller reads what the mailbox already holds unread, then waits in IDLE and
// stores new mail as it is appended; each message stored is marked \Seen.
// A restarted node (another poller, the same store) reads on from the
// stored UID: nothing twice.
func TestIMAPIdle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		port, u := newIMAP(t)
		// Mail read before the channel existed is history, not conversations.
		if _, err := u.Append("INBOX", bytes.NewReader(fixture(t, "outlook_html_only.eml")), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}}); err != nil {
			t.Fatal(err)
		}
		appendMail(t, u, "INBOX", fixture(t, "gmail_plain.eml"))
		appendMail(t, u, "INBOX", fixture(t, "apple_attachments.eml"))
		ch := e.channel(t, imapConfig(port, ""))
		stop := runIMAP(t, e.p)
		waitFor(t, "the existing mail", func() bool { return len(e.messages(t, ch.ID)) == 2 })
		waitFor(t, "the existing mail marked seen", func() bool { return unseen(t, u, "INBOX") == 0 })

		appendMail(t, u, "INBOX", fixture(t, "gmail_alternative.eml"))
		waitFor(t, "mail appended during IDLE", func() bool { return len(e.messages(t, ch.ID)) == 3 })
		waitFor(t, "the new mail marked seen", func() bool { return unseen(t, u, "INBOX") == 0 })
		stop()

		// Another node takes over (the lease was released on stop).
		next := newEnv(t, d)
		next.ws = e.ws
		stop = runIMAP(t, next.p)
		appendMail(t, u, "INBOX", fixture(t, "encoded_subject_utf8.eml"))
		waitFor(t, "mail after the restart", func() bool { return len(e.messages(t, ch.ID)) == 4 })
		stop()
		msgs := e.messages(t, ch.ID)
		seen := map[string]bool{}
		for _, m := range msgs {
			if seen[m.ProviderMessageID] {
				t.Fatalf("stored twice: %s", m.ProviderMessageID)
			}
			seen[m.ProviderMessageID] = true
		}
		if len(msgs) != 4 || seen["AM6PR05MB6120D3A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5@AM6PR05MB6120.eurprd05.prod.outlook.com"] {
			t.Fatalf("stored %d messages, the mail read before included: %v", len(msgs), seen)
		}
		if msgs[3].Text != "你好，我的订单 88 还没有发货。" {
			t.Fatalf("last = %+v", msgs[3])
		}
	})
}

// A mailbox whose UIDVALIDITY changed is read from the start again; what
// was stored is recognised by Message-ID. A channel saved while the node
// runs gets its poller at once (Connect).
func TestIMAPUIDValidityAndConnect(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		port, u := newIMAP(t)
		if err := u.Create("Support", nil); err != nil {
			t.Fatal(err)
		}
		appendMail(t, u, "Support", fixture(t, "gmail_plain.eml"))
		stop := runIMAP(t, e.p)
		ch := e.channel(t, imapConfig(port, "Support"))
		if err := e.p.Connect(context.Background(), ch, ""); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the mail of a channel saved while running", func() bool { return len(e.messages(t, ch.ID)) == 1 })
		stop()

		// The server renumbers the mailbox: same mail, a new UIDVALIDITY.
		if err := u.Delete("Support"); err != nil {
			t.Fatal(err)
		}
		if err := u.Create("Support", nil); err != nil {
			t.Fatal(err)
		}
		appendMail(t, u, "Support", fixture(t, "gmail_plain.eml"))
		appendMail(t, u, "Support", fixture(t, "outlook_html_only.eml"))
		runIMAP(t, e.p)
		waitFor(t, "the renumbered mailbox read again", func() bool { return unseen(t, u, "Support") == 0 })
		if msgs := e.messages(t, ch.ID); len(msgs) != 2 {
			t.Fatalf("after the renumbering: %d messages", len(msgs))
		}
	})
}

// Of two nodes, one holds a mailbox's lease; the other gets it once it is
// released (or has run out).
func TestMailboxLease(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, b := newEnv(t, d), newEnv(t, d)
		ch := a.channel(t, imapConfig(1, ""))
		if ok, _, err := a.p.claim(ctx, ch.ID); !ok || err != nil {
			t.Fatalf("a's claim = %v, %v", ok, err)
		}
		ok, until, err := b.p.claim(ctx, ch.ID)
		if ok || err != nil || until.IsZero() {
			t.Fatalf("b's claim while a holds it = %v, %v, %v", ok, until, err)
		}
		if ok, _, _ := a.p.claim(ctx, ch.ID); !ok {
			t.Fatal("a cannot renew its own claim")
		}
		if err := b.p.renew(ctx, ch.ID); err != errLeaseLost {
			t.Fatalf("b renews a's lease: %v", err)
		}
		if err := b.p.saveCursor(ctx, ch.ID, cursor{UIDValidity: 1, LastUID: 9}); err != errLeaseLost {
			t.Fatalf("b moves a's cursor: %v", err)
		}
		a.p.release(ctx, ch.ID)
		if ok, _, _ := b.p.claim(ctx, ch.ID); !ok {
			t.Fatal("b cannot claim a released mailbox")
		}
		if err := a.p.renew(ctx, ch.ID); err != errLeaseLost {
			t.Fatalf("a renews after losing it: %v", err)
		}
	})
}

// A channel created or changed while the node runs gets its poller at
// once, on a node without a public URL too: IMAP needs none.
func TestIMAPChannelSavedOnANodeWithoutPublicURL(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		port, u := newIMAP(t)
		if err := u.Create("Support", nil); err != nil {
			t.Fatal(err)
		}
		appendMail(t, u, "INBOX", fixture(t, "gmail_plain.eml"))
		appendMail(t, u, "Support", fixture(t, "outlook_html_only.eml"))
		runIMAP(t, e.p)
		ch := e.channel(t, imapConfig(port, ""))
		if ch.Connection != nil && !ch.Connection.OK {
			t.Errorf("created: %+v", ch.Connection)
		}
		waitFor(t, "the mail of a channel created while running", func() bool { return unseen(t, u, "INBOX") == 0 })

		raw, _ := json.Marshal(imapConfig(port, "Support"))
		saved, err := e.chs.Update(ctx, e.ws, ch.ID, channel.Input{Config: raw})
		if err != nil {
			t.Fatal(err)
		}
		if saved.Connection == nil || !saved.Connection.OK {
			t.Errorf("updated: %+v", saved.Connection)
		}
		waitFor(t, "the mail of the folder it was moved to", func() bool { return unseen(t, u, "Support") == 0 })
		if n := len(e.messages(t, ch.ID)); n != 2 {
			t.Fatalf("%d messages", n)
		}
	})
}

// A channel moved to another mailbox (another server, account or folder)
// reads that mailbox's mail even when its UIDVALIDITY is the one the old
// mailbox had: the cursor is the old mailbox's, not the new one's.
func TestIMAPMovedToAnotherMailboxWithTheSameUIDValidity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		oldPort, oldUser := newIMAP(t)
		appendMail(t, oldUser, "INBOX", fixture(t, "gmail_plain.eml"))
		appendMail(t, oldUser, "INBOX", fixture(t, "apple_attachments.eml"))
		appendMail(t, oldUser, "INBOX", fixture(t, "gmail_alternative.eml"))
		ch := e.channel(t, imapConfig(oldPort, ""))
		runIMAP(t, e.p)
		waitFor(t, "the old mailbox read", func() bool { return unseen(t, oldUser, "INBOX") == 0 })

		// The new server's INBOX has UIDVALIDITY 1 too, and its one
		// message UID 1, below the old mailbox's last UID.
		newPort, newUser := newIMAP(t)
		appendMail(t, newUser, "INBOX", fixture(t, "encoded_subject_utf8.eml"))
		raw, _ := json.Marshal(imapConfig(newPort, ""))
		if _, err := e.chs.Update(ctx, e.ws, ch.ID, channel.Input{Config: raw}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the new mailbox's mail", func() bool { return len(e.messages(t, ch.ID)) == 4 })
		waitFor(t, "the new mailbox's mail marked seen", func() bool { return unseen(t, newUser, "INBOX") == 0 })
	})
}

// IMAP settings saved on another node reach the node reading the mailbox
// (whose own save restarts its poller) when it renews its lease: moved to
// another folder, it reads that one; IMAP removed, it stops and releases
// the mailbox at once.
func TestIMAPSettingsSavedOnAnotherNode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		clk := clock.NewFake(time.Now())
		e.p.Attach(Deps{DB: d, Media: e.media, Channels: e.chs, Receiver: e.conv, Clock: clk})
		other := newEnv(t, d) // another node: its saves wake no poller here
		port, u := newIMAP(t)
		if err := u.Create("Support", nil); err != nil {
			t.Fatal(err)
		}
		appendMail(t, u, "INBOX", fixture(t, "gmail_plain.eml"))
		appendMail(t, u, "Support", fixture(t, "outlook_html_only.eml"))
		ch := e.channel(t, imapConfig(port, ""))
		runIMAP(t, e.p)
		waitFor(t, "the INBOX read", func() bool { return unseen(t, u, "INBOX") == 0 })

		save := func(cfg map[string]any) {
			t.Helper()
			raw, _ := json.Marshal(cfg)
			if _, err := other.chs.Update(ctx, e.ws, ch.ID, channel.Input{Config: raw}); err != nil {
				t.Fatal(err)
			}
			// The poller waits for its lease's renewal: let it come.
			if err := clk.WaitPending(ctx, 1); err != nil {
				t.Fatal(err)
			}
			clk.Advance(LeaseDuration / 3)
		}
		save(imapConfig(port, "Support"))
		waitFor(t, "the folder the channel was moved to read", func() bool { return unseen(t, u, "Support") == 0 })

		save(map[string]any{"address": "support@acme.example", "imap_password": ""})
		waitFor(t, "the mailbox released", func() bool {
			var until int64
			d.Reader().QueryRow(ctx, `SELECT lease_until FROM email_mailboxes WHERE channel_id = ?`, ch.ID).Scan(&until)
			return until == 0
		})
	})
}

// failOnce fails the first delivery of one message id, as a store
// briefly unavailable does.
type failOnce struct {
	next   channel.Receiver
	id     string
	mu     sync.Mutex
	failed bool
}

func (f *failOnce) Receive(ctx context.Context, in []conversation.Inbound) ([]conversation.Received, error) {
	f.mu.Lock()
	fail := !f.failed && in[0].ProviderMessageID == f.id
	f.failed = f.failed || fail
	f.mu.Unlock()
	if fail {
		return nil, errors.New("the store is busy")
	}
	return f.next.Receive(ctx, in)
}

// A first read of a mailbox cut short (a failed delivery, a restart) is
// taken up as a first read still: the mail read before the channel
// existed between its unread messages does not become conversations.
func TestIMAPFirstReadCutShortTakesUnreadMailOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		port, u := newIMAP(t)
		appendMail(t, u, "INBOX", fixture(t, "gmail_plain.eml"))
		if _, err := u.Append("INBOX", bytes.NewReader(fixture(t, "outlook_html_only.eml")), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}}); err != nil {
			t.Fatal(err)
		}
		appendMail(t, u, "INBOX", fixture(t, "gmail_alternative.eml"))
		e.p.Attach(Deps{DB: d, Media: e.media, Channels: e.chs, Receiver: &failOnce{next: e.conv, id: "CAF=7pQm3nY8rT2@mail.gmail.com"}})
		ch := e.channel(t, imapConfig(port, ""))
		runIMAP(t, e.p)
		waitFor(t, "the unread mail stored", func() bool { return unseen(t, u, "INBOX") == 0 })
		for _, m := range e.messages(t, ch.ID) {
			if m.ProviderMessageID == "AM6PR05MB6120D3A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5@AM6PR05MB6120.eurprd05.prod.outlook.com" {
				t.Fatal("the mail read before the channel existed became a conversation")
			}
		}
		if n := len(e.messages(t, ch.ID)); n != 2 {
			t.Fatalf("%d messages", n)
		}
	})
}

// A node leases mailboxes under its id in the nodes registry, so that the
// node that finds it dead (silent past node.Silence) takes its leases
// back with its other claims, and tells DueMailbox: a poller waiting for
// the dead node's lease claims the mailbox then, not when the lease would
// have ended 90 s after the death.
func TestPollerTakesOverADeadNodesMailboxOnceItsLeaseIsTakenBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		const nodeID, deadNode = 7, 99
		e.p.Attach(Deps{DB: d, Media: e.media, Channels: e.chs, Receiver: e.conv, NodeID: nodeID})
		port, u := newIMAP(t)
		ch := e.channel(t, imapConfig(port, ""))
		// The dead node's lease, as it left it when it died.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO email_mailboxes (channel_id, holder, lease_until) VALUES (?, ?, ?)`,
				ch.ID, Holder(deadNode), tx.Now()+LeaseDuration.Milliseconds())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		appendMail(t, u, "INBOX", fixture(t, "gmail_plain.eml"))
		runIMAP(t, e.p)
		waitFor(t, "the poller to find the mailbox leased", func() bool { return e.p.pollers.waitingForLease() == 1 })
		if n := len(e.messages(t, ch.ID)); n != 0 {
			t.Fatalf("%d messages read while another node held the mailbox", n)
		}
		// What the node that finds the dead one silent does (node.reapSilent).
		if err := d.Write(ctx, func(tx *db.Tx) error {
			tx.Due(DueMailbox, 0)
			_, err := tx.Exec(ctx, `UPDATE email_mailboxes SET lease_until = 0 WHERE lease_until > 0 AND holder = ?`, Holder(deadNode))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the mail read once the lease was taken back", func() bool { return len(e.messages(t, ch.ID)) == 1 })
		var holder string
		if err := d.Reader().QueryRow(ctx, `SELECT holder FROM email_mailboxes WHERE channel_id = ?`, ch.ID).Scan(&holder); err != nil {
			t.Fatal(err)
		}
		if holder != Holder(nodeID) {
			t.Errorf("the mailbox is leased by %q, want the node's id %q", holder, Holder(nodeID))
		}
	})
}

// silentServer accepts connections and says nothing, as an IMAPS port
// (993) does to a client that waits for a plain greeting: imap_tls "none"
// or "starttls" on the TLS port is an easy mistake to make. accepted
// receives each connection once it is open.
func silentServer(t *testing.T) (port int, accepted <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan struct{}, 16)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	_, p, _ := net.SplitHostPort(ln.Addr().String())
	port, _ = strconv.Atoi(p)
	return port, ch
}

// A server that never greets does not hold the IMAP client for good: Test
// connection answers within its time, and a poller stuck on it stops when
// told (a save of the fixed settings restarts it; the node shuts down),
// instead of blocking every other channel's restart behind it.
func TestIMAPServerThatNeverGreets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		port, accepted := silentServer(t)
		ch := e.channel(t, imapConfig(port, ""))

		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		probed := make(chan channel.ProbeResult, 1)
		go func() { probed <- e.p.Probe(ctx, ch) }()
		select {
		case r := <-probed:
			if r.OK || r.Error == "" {
				t.Fatalf("probe = %+v, want an error", r)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Test connection hangs on a server that never greets")
		}

		<-accepted // the probe's connection
		stop := runIMAP(t, e.p)
		<-accepted // the poller's connection, waiting for the greeting
		stopped := make(chan struct{})
		go func() { stop(); close(stopped) }()
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("a poller waiting for a greeting never stops")
		}
	})
}

// A mail larger than the node keeps (MaxMessageBytes) is read over IMAP
// only up to that size. Its text is stored, with a problem saying it was
// cut; its attachments are not: the last one was cut short, and was
// fetched from the partial raw message and shown to the agent as a
// corrupt file.
func TestIMAPMailOverTheLimitKeepsItsTextNotItsCutFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		port, u := newIMAP(t)
		big := "From: Ada <ada@example.com>\r\nTo: support@acme.example\r\nSubject: The logs\r\nMessage-ID: <big-1@example.com>\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nHere are the logs you asked for.\r\n" +
			"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=logs.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			strings.Repeat("JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K\r\n", 200) + "--b--\r\n"
		appendMail(t, u, "INBOX", []byte(big))
		e.p.Attach(Deps{DB: d, Media: e.media, Channels: e.chs, Receiver: e.conv, MaxMessageBytes: 4096})
		ch := e.channel(t, imapConfig(port, ""))
		runIMAP(t, e.p)
		waitFor(t, "the mail stored", func() bool { return len(e.messages(t, ch.ID)) == 1 })
		m := e.messages(t, ch.ID)[0]
		if !strings.Contains(m.Text, "Here are the logs") {
			t.Fatalf("text %q", m.Text)
		}
		if !strings.Contains(strings.Join(m.Content.Email.Problems, " "), "the mail is larger than") {
			t.Errorf("problems %q, want one saying the mail was cut", m.Content.Email.Problems)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM media_fetches WHERE message_id = (SELECT id FROM messages WHERE channel_id = ?)`, ch.ID); n != 0 {
			t.Errorf("%d attachments fetched from a cut message", n)
		}
	})
}
