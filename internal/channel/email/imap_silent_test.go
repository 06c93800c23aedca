package email

import (
	"context"
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
	hang  *sync.Once
	until <-chan struct{}
}

func (s silentSelectSession) Select(mailbox string, options *imap.SelectOptions) (*imap.SelectData, error) {
	hung := false
	s.hang.Do(func() { hung = true })
	if hung {
		<-s.until
	}
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
		until := make(chan struct{})
		t.Cleanup(func() { close(until) })
		var hangOnce sync.Once
		port, u := newIMAPWith(t, func(s imapserver.Session) imapserver.Session {
			return silentSelectSession{Session: flushingSession{s}, hang: &hangOnce, until: until}
		})
		appendMail(t, u, "INBOX", fixture(t, "gmail_plain.eml"))

		ch := e.channel(t, imapConfig(port, ""))
		runIMAP(t, e.p)
		// The first SELECT waits for its answer, bounded by answerTimeout.
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := clk.WaitPending(wctx, 1); err != nil {
			t.Fatalf("nothing bounds the wait for SELECT's answer: %v", err)
		}
		clk.Advance(answerTimeout)
		waitFor(t, "the mail read after reconnecting", func() bool { return len(e.messages(t, ch.ID)) == 1 })
	})
}
