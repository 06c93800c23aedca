package email

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// silentSelectSession never answers its first SELECT, as a server hung
// mid-session does: the connection stays up, nothing comes.
type silentSelectSession struct {
	imapserver.Session
	hang *hang
}

func (s silentSelectSession) Select(mailbox string, options *imap.SelectOptions) (*imap.SelectData, error) {
	s.hang.first()
	return s.Session.Select(mailbox, options)
}

// A server that stops answering a command (here SELECT; SEARCH, FETCH and
// STORE are bounded the same way) does not stop the mailbox's reading for
// good: after answerTimeout of silence the poller drops the connection
// and reconnects. Before, only the end of an IDLE was bounded, and a
// server hung in any other command held the poller, and the mailbox's
// lease, for as long as the connection stayed up.
func TestIMAPServerSilentInACommandIsLeft(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		clk := clock.NewFake(time.Now())
		e.p.Attach(Deps{DB: d, Media: e.media, Channels: e.chs, Receiver: e.conv, Clock: clk})
		h := newHang(t)
		port, u := newIMAPWith(t, func(s imapserver.Session) imapserver.Session {
			return silentSelectSession{Session: flushingSession{s}, hang: h}
		})
		appendMail(t, u, "INBOX", fixture(t, "gmail_plain.eml"))

		ch := e.channel(t, imapConfig(port, ""))
		runIMAP(t, e.p)
		// The first SELECT waits for its answer, bounded by answerTimeout.
		// The bound is armed before the command is written: the server
		// must hold it first, or the timeout could cut the SELECT before
		// the server read it, and the reconnected session's SELECT would
		// be the one held, past a bound nobody advances (3 runs in 40 here).
		h.wait(t)
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := clk.WaitPending(wctx, 1); err != nil {
			t.Fatalf("nothing bounds the wait for SELECT's answer: %v", err)
		}
		clk.Advance(answerTimeout)
		waitFor(t, "the mail read after reconnecting", func() bool { return len(e.messages(t, ch.ID)) == 1 })
	})
}

// hang holds the first command that asks, as a server hung in it does
// (the connection stays up, nothing comes), until the test ends; the
// commands after it, on the connection the poller makes next, go on.
type hang struct {
	once    sync.Once
	entered chan struct{} // closed when the first command is held
	until   chan struct{}
}

func newHang(t *testing.T) *hang {
	h := &hang{entered: make(chan struct{}), until: make(chan struct{})}
	t.Cleanup(func() { close(h.until) })
	return h
}

// first holds its caller until the test ends when it is the first, and
// says whether it was.
func (h *hang) first() bool {
	hung := false
	h.once.Do(func() { hung = true })
	if hung {
		close(h.entered)
		<-h.until
	}
	return hung
}

// wait waits until the server holds the first command.
func (h *hang) wait(t *testing.T) {
	t.Helper()
	select {
	case <-h.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the server never received the command it is to hold")
	}
}

// hangingSession stops answering in its first IDLE, as a hung server
// does: the connection stays up, DONE is never answered.
type hangingSession struct {
	imapserver.Session
	hang *hang
}

func (s hangingSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	if s.hang.first() {
		return errors.New("hung")
	}
	return flushingSession{s.Session}.Idle(w, stop)
}

// A server that stops answering while the poller waits in IDLE does not
// stop the mailbox's reading for good: its answer to DONE not coming, the
// poller drops the connection and reconnects.
func TestIMAPServerThatStopsAnsweringIsLeft(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		clk := clock.NewFake(time.Now())
		e.p.Attach(Deps{DB: d, Media: e.media, Channels: e.chs, Receiver: e.conv, Clock: clk})
		h := newHang(t)
		port, u := newIMAPWith(t, func(s imapserver.Session) imapserver.Session { return hangingSession{Session: s, hang: h} })

		ch := e.channel(t, imapConfig(port, ""))
		runIMAP(t, e.p)
		// In IDLE (hung): the renewal comes, the poller sends DONE.
		if err := clk.WaitPending(ctx, 1); err != nil {
			t.Fatal(err)
		}
		clk.Advance(LeaseDuration / 3)
		appendMail(t, u, "INBOX", fixture(t, "gmail_plain.eml"))
		// No answer: the poller gives up on the connection in time.
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := clk.WaitPending(wctx, 1); err != nil {
			t.Fatalf("nothing waits for the answer to DONE: %v", err)
		}
		clk.Advance(LeaseDuration / 3)
		waitFor(t, "the mail read after reconnecting", func() bool { return len(e.messages(t, ch.ID)) == 1 })
	})
}
