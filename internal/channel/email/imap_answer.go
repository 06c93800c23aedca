package email

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"

	"github.com/switchboard-chat/switchboard/internal/clock"
)

// countingConn counts the reads that brought bytes, so that a command can
// be bounded by the server's silence rather than by its length: a FETCH
// of a 25 MB mail takes long but keeps reading, a hung server reads
// nothing.
type countingConn struct {
	net.Conn
	reads atomic.Int64
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.reads.Add(1)
	}
	return n, err
}

// watch is what answered needs of a session: its connection's reads, and
// how to drop it (closing the client ends its commands with an error).
type watch struct {
	conn *countingConn
	drop func()
}

// answered runs cmd, an IMAP command, and drops the connection once
// the server has sent nothing for answerTimeout meanwhile. A server that
// keeps the connection up but stops answering (in SELECT, SEARCH, FETCH,
// STORE, IDLE or its DONE) would otherwise hold the poller, and the
// mailbox it leases, for good; dropped, the poller reconnects. The error
// says so when that is why cmd failed.
func (p *Provider) answered(w watch, cmd func() error) error {
	clk := p.deps().Clock
	var (
		mu     sync.Mutex
		done   bool
		silent bool
		seen   = w.conn.reads.Load()
		timer  clock.Timer
		check  func()
	)
	check = func() {
		mu.Lock()
		defer mu.Unlock()
		if done {
			return
		}
		if n := w.conn.reads.Load(); n != seen {
			seen = n
			timer = clk.AfterFunc(answerTimeout, check)
			return
		}
		silent = true
		w.drop()
	}
	mu.Lock()
	timer = clk.AfterFunc(answerTimeout, check)
	mu.Unlock()
	err := cmd()
	mu.Lock()
	done = true
	timer.Stop()
	mu.Unlock()
	if err != nil && silent {
		return fmt.Errorf("no answer for %s: %w", answerTimeout, err)
	}
	return err
}
