package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
)

// pollers are the IMAP pollers this node runs, one per email channel with
// IMAP configured whose mailbox lease it holds (or waits for).
type pollers struct {
	mu      sync.Mutex
	signal  chan struct{}  // nil unless RunIMAP runs; wakes it to start pending
	pending map[int64]bool // channels whose poller must be (re)started
	waiting int            // pollers waiting for another node's lease to end
	// freed is closed (and replaced) when leases are freed before their
	// end (DueMailbox): the waiting pollers claim again.
	freed chan struct{}
}

// freedSignal returns the channel the next freeing of leases closes.
func (ps *pollers) freedSignal() <-chan struct{} {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.freed == nil {
		ps.freed = make(chan struct{})
	}
	return ps.freed
}

// leasesFreed wakes the pollers waiting for a lease.
func (ps *pollers) leasesFreed() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.freed != nil {
		close(ps.freed)
		ps.freed = nil
	}
}

// waitingForLease is how many pollers wait for another node's lease.
func (ps *pollers) waitingForLease() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.waiting
}

// runningPoller is a poller's stop and the channel closed once it stopped.
type runningPoller struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// wake asks RunIMAP to (re)start the poller of a channel whose settings
// were saved.
func (ps *pollers) wake(id int64) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.signal == nil {
		return // not running: RunIMAP reads every channel when it starts
	}
	ps.pending[id] = true
	select {
	case ps.signal <- struct{}{}:
	default: // already signalled
	}
}

// RunIMAP runs the node's IMAP pollers until ctx ends: one per email
// channel with an IMAP host, started now for those that exist and when a
// channel is saved (Connect) for the others. Each poller holds its
// mailbox's lease while connected, so of several nodes exactly one reads
// a mailbox; the others wait for the lease's end. Nothing here wakes on
// an interval: a poller is blocked on its IDLE connection, renewing its
// lease every LeaseDuration/3.
func (p *Provider) RunIMAP(ctx context.Context) {
	ps := &p.pollers
	p.onFreed.Do(func() { p.deps().DB.OnDue(DueMailbox, func(int64) { ps.leasesFreed() }) })
	ps.mu.Lock()
	ps.signal = make(chan struct{}, 1)
	ps.pending = map[int64]bool{}
	signal := ps.signal
	ps.mu.Unlock()
	var wg sync.WaitGroup
	running := map[int64]runningPoller{} // only this goroutine touches it
	start := func(id int64) {
		if old, ok := running[id]; ok {
			// The old poller releases the lease as it stops: wait for it,
			// so that its release cannot undo the new poller's claim.
			old.cancel()
			<-old.done
		}
		pctx, cancel := context.WithCancel(ctx)
		r := runningPoller{cancel: cancel, done: make(chan struct{})}
		running[id] = r
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(r.done)
			defer func() {
				// One mailbox's bug must not take the node down.
				if v := recover(); v != nil {
					slog.Error("email: IMAP poller panicked", "channel", id, "panic", v, "stack", string(debug.Stack()))
				}
			}()
			p.poll(pctx, id)
		}()
	}
	if list, err := emailChannels(ctx, p.deps().DB); err != nil {
		slog.Error("email: list the channels to poll", "err", err)
	} else {
		for _, c := range list {
			if c.cfg.IMAPHost != "" {
				start(c.id)
			}
		}
	}
	for {
		select {
		case <-ctx.Done():
			ps.mu.Lock()
			ps.signal, ps.pending = nil, nil
			ps.mu.Unlock()
			for _, r := range running {
				r.cancel()
			}
			wg.Wait()
			return
		case <-signal:
			ps.mu.Lock()
			ids := ps.pending
			ps.pending = map[int64]bool{}
			ps.mu.Unlock()
			for id := range ids {
				start(id)
			}
		}
	}
}

// poll keeps channel id's mailbox read while ctx lasts: it claims the
// mailbox, runs a session, and reconnects with backoff when the session
// ends on an error.
func (p *Provider) poll(ctx context.Context, id int64) {
	d := p.deps()
	backoff := time.Second
	for ctx.Err() == nil {
		ch, err := d.Channels.Read(ctx, id)
		if apperr.KindOf(err) == apperr.KindNotFound {
			return
		}
		if err != nil {
			slog.Error("email: read the channel", "channel", id, "err", err)
			sleep(ctx, backoff)
			continue
		}
		cfg, err := parseConfig(ch)
		if err != nil || cfg.IMAPHost == "" {
			// IMAP was turned off (on another node: see sameSettings):
			// the mailbox is free at once for when it is turned on again.
			p.release(context.Background(), id)
			return
		}
		// Taken before the claim: leases freed after it read the
		// lease wake the wait below.
		freed := p.pollers.freedSignal()
		ok, until, err := p.claim(ctx, id)
		if err != nil {
			slog.Error("email: claim the mailbox", "channel", id, "err", err)
			sleep(ctx, backoff)
			continue
		}
		if !ok {
			// Another node reads it: wait for its lease to end, or to
			// be taken back from that node found dead (DueMailbox).
			p.pollers.wait(ctx, time.Until(until)+time.Second, freed)
			continue
		}
		began := time.Now()
		err = p.session(ctx, ch, cfg)
		if ctx.Err() != nil {
			p.release(context.Background(), id)
			return
		}
		if errors.Is(err, errLeaseLost) || errors.Is(err, errSettingsChanged) {
			continue
		}
		if time.Since(began) > time.Minute {
			backoff = time.Second
		}
		slog.Warn("email: IMAP session ended; reconnecting", "channel", id, "in", backoff, "err", err)
		sleep(ctx, backoff)
		backoff = min(backoff*2, 5*time.Minute)
	}
}

// wait waits for d or until freed is closed, counted among the pollers
// waiting for a lease.
func (ps *pollers) wait(ctx context.Context, d time.Duration, freed <-chan struct{}) {
	ps.mu.Lock()
	ps.waiting++
	ps.mu.Unlock()
	defer func() {
		ps.mu.Lock()
		ps.waiting--
		ps.mu.Unlock()
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-freed:
	}
}

func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// session connects, selects the mailbox, stores what arrived since the
// last UID stored, then IDLEs until new mail, storing it as it comes. It
// returns on a connection error, a lost lease, or ctx's end.
func (p *Provider) session(ctx context.Context, ch channel.Channel, cfg Config) error {
	newMail := make(chan struct{}, 1)
	c, conn, err := p.imapClient(ctx, cfg, &imapclient.UnilateralDataHandler{
		Mailbox: func(data *imapclient.UnilateralDataMailbox) {
			if data.NumMessages != nil {
				select {
				case newMail <- struct{}{}:
				default:
				}
			}
		},
	})
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	w := watch{conn: conn, drop: func() { c.Close() }}
	var sel *imap.SelectData
	err = p.answered(w, func() (err error) {
		sel, err = c.Select(cfg.IMAPMailbox, &imap.SelectOptions{}).Wait()
		return err
	})
	if err != nil {
		return fmt.Errorf("email: select %s: %w", cfg.IMAPMailbox, err)
	}
	cur, err := p.loadCursor(ctx, ch.ID)
	if err != nil {
		return err
	}
	if cur.Mailbox != cfg.mailboxKey() || cur.UIDValidity != sel.UIDValidity {
		// A mailbox never read (the channel moved to another one too), or
		// one the server renumbered: its unseen messages are read (a
		// mailbox's years of read mail do not become conversations), what
		// was stored already is recognised by its Message-ID, and the
		// cursor moves past everything there was.
		cur = cursor{Mailbox: cfg.mailboxKey(), UIDValidity: sel.UIDValidity}
		if cur, err = p.fetchNew(ctx, c, w, ch, cur, true); err != nil {
			return err
		}
		if next := uint32(sel.UIDNext); next > 0 && next-1 > cur.LastUID {
			cur.LastUID = next - 1
		}
		if err := p.saveCursor(ctx, ch.ID, cur); err != nil {
			return err
		}
	}
	clk := p.deps().Clock
	renewEvery := LeaseDuration / 3
	renewAt := clk.Now().Add(renewEvery)
	for {
		if cur, err = p.fetchNew(ctx, c, w, ch, cur, false); err != nil {
			return err
		}
		if !clk.Now().Before(renewAt) {
			if err := p.renew(ctx, ch.ID); err != nil {
				return err
			}
			if err := p.sameSettings(ctx, ch.ID, cfg); err != nil {
				return err
			}
			renewAt = clk.Now().Add(renewEvery)
		}
		var idle *imapclient.IdleCommand
		err = p.answered(w, func() (err error) {
			idle, err = c.Idle()
			return err
		})
		if err != nil {
			return fmt.Errorf("email: idle: %w", err)
		}
		due := make(chan struct{})
		t := clk.AfterFunc(renewAt.Sub(clk.Now()), func() { close(due) })
		select {
		case <-newMail:
		case <-due:
		case <-ctx.Done():
		case <-c.Closed():
		}
		t.Stop()
		err = p.answered(w, func() error {
			if err := idle.Close(); err != nil {
				return err
			}
			return idle.Wait()
		})
		if err != nil {
			return fmt.Errorf("email: idle: %w", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// answerTimeout is how long a server may stay silent while a command
// waits for its answer (see answered).
const answerTimeout = LeaseDuration / 3

// errSettingsChanged ends a session whose channel's IMAP settings were
// saved since it began.
var errSettingsChanged = errors.New("email: the channel's IMAP settings changed")

// sameSettings says errSettingsChanged when the channel's IMAP settings
// are no longer cfg's. A save on this node restarts the poller (Connect);
// one on another node is seen here, as the lease is renewed, or the node
// holding the lease would read the old mailbox for as long as its
// connection lasts. A store that cannot be read now leaves the session be.
func (p *Provider) sameSettings(ctx context.Context, id int64, cfg Config) error {
	ch, err := p.deps().Channels.Read(ctx, id)
	if apperr.KindOf(err) == apperr.KindNotFound {
		return errSettingsChanged
	}
	if err != nil {
		slog.Warn("email: read the channel's settings", "channel", id, "err", err)
		return nil
	}
	now, err := parseConfig(ch)
	if err != nil || imapSettings(now) != imapSettings(cfg) {
		return errSettingsChanged
	}
	return nil
}

// imapSettings are the fields of a configuration a poller reads.
func imapSettings(c Config) [6]string {
	return [6]string{c.IMAPHost, strconv.Itoa(c.IMAPPort), c.IMAPUsername, c.IMAPPassword, c.IMAPTLS, c.IMAPMailbox}
}

// fetchNew stores each message after cur.LastUID (unseen ones only, if
// unseenOnly) in UID order, marks it \Seen once stored, and moves the
// cursor past it.
func (p *Provider) fetchNew(ctx context.Context, c *imapclient.Client, w watch, ch channel.Channel, cur cursor, unseenOnly bool) (cursor, error) {
	var set imap.UIDSet
	set.AddRange(imap.UID(cur.LastUID+1), 0) // last+1:*
	criteria := &imap.SearchCriteria{UID: []imap.UIDSet{set}}
	if unseenOnly {
		criteria.NotFlag = []imap.Flag{imap.FlagSeen}
	}
	var found *imap.SearchData
	err := p.answered(w, func() (err error) {
		found, err = c.UIDSearch(criteria, nil).Wait()
		return err
	})
	if err != nil {
		return cur, fmt.Errorf("email: search: %w", err)
	}
	for _, uid := range found.AllUIDs() {
		if uint32(uid) <= cur.LastUID {
			continue // "n:*" names the last message even when its UID is below n
		}
		section := &imap.FetchItemBodySection{Peek: true, Partial: &imap.SectionPartial{Size: p.maxMessageBytes()}}
		var msgs []*imapclient.FetchMessageBuffer
		err := p.answered(w, func() (err error) {
			msgs, err = c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
			return err
		})
		if err != nil {
			return cur, fmt.Errorf("email: fetch %d: %w", uid, err)
		}
		if len(msgs) == 1 {
			raw := msgs[0].FindBodySection(section)
			if raw == nil && len(msgs[0].BodySection) > 0 {
				raw = msgs[0].BodySection[0].Bytes
			}
			// Larger than the node keeps: only its first bytes were read,
			// so its last file is cut short (see deliver).
			cut := msgs[0].RFC822Size > p.maxMessageBytes()
			_, err := p.deliver(ctx, ch, raw, cut)
			if apperr.KindOf(err) == apperr.KindInvalid {
				// The receive path refuses it for good: moving on keeps the
				// mailbox flowing; the message stays unseen in the mailbox
				// for a person to look at.
				slog.Error("email: a message the receive path refuses is left unseen in the mailbox", "channel", ch.ID, "uid", uid, "err", err)
				cur.LastUID = uint32(uid)
				if err := p.advance(ctx, ch.ID, cur, unseenOnly); err != nil {
					return cur, err
				}
				continue
			}
			if err != nil {
				return cur, err
			}
			flags := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}
			if err := p.answered(w, func() error { return c.Store(imap.UIDSetNum(uid), flags, nil).Close() }); err != nil {
				slog.Warn("email: mark a message seen", "channel", ch.ID, "uid", uid, "err", err)
			}
		}
		cur.LastUID = uint32(uid)
		if err := p.advance(ctx, ch.ID, cur, unseenOnly); err != nil {
			return cur, err
		}
	}
	return cur, nil
}

// advance records a message stored. The cursor of a first read (unseen
// mail only) is saved once it is done (session): cut short, it must be
// taken up as a first read again, not as a read of everything after the
// last message it stored, the mailbox's read history included. The lease
// is renewed instead, which tells a lost one as saving would.
func (p *Provider) advance(ctx context.Context, channelID int64, cur cursor, firstRead bool) error {
	if firstRead {
		return p.renew(ctx, channelID)
	}
	return p.saveCursor(ctx, channelID, cur)
}

func (p *Provider) maxMessageBytes() int64 {
	if n := p.deps().MaxMessageBytes; n > 0 {
		return n
	}
	return 25 << 20
}

// imapClient connects through the guard, logs in, within 30 s and while
// ctx lasts: a server that never greets (a TLS port read without TLS)
// must not hold a poller, or a probe, for good.
func (p *Provider) imapClient(ctx context.Context, cfg Config, h *imapclient.UnilateralDataHandler) (*imapclient.Client, *countingConn, error) {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	raw, err := p.dialServer(dctx, cfg.imapAddr())
	if err != nil {
		return nil, nil, err
	}
	conn := &countingConn{Conn: raw}
	// The client's greeting, STARTTLS and LOGIN take no context: closing
	// the connection ends their wait.
	stop := context.AfterFunc(dctx, func() { conn.Close() })
	c, err := p.imapLogin(conn, cfg, h)
	if !stop() {
		if c != nil {
			c.Close()
		}
		return nil, nil, fmt.Errorf("email: imap: no answer from %s in time (is imap_tls right for port %d?)", cfg.imapAddr(), cfg.IMAPPort)
	}
	return c, conn, err
}

// imapLogin is imapClient's conversation with the server on conn.
func (p *Provider) imapLogin(conn net.Conn, cfg Config, h *imapclient.UnilateralDataHandler) (*imapclient.Client, error) {
	var err error
	opts := &imapclient.Options{UnilateralDataHandler: h, TLSConfig: p.tlsFor(cfg, cfg.IMAPHost)}
	var c *imapclient.Client
	switch cfg.IMAPTLS {
	case TLSImplicit:
		c = imapclient.New(tls.Client(conn, opts.TLSConfig), opts)
	case TLSStart:
		if c, err = imapclient.NewStartTLS(conn, opts); err != nil {
			conn.Close()
			return nil, fmt.Errorf("email: imap starttls: %w", err)
		}
	default:
		c = imapclient.New(conn, opts)
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, fmt.Errorf("email: imap greeting: %w", err)
	}
	if err := c.Login(cfg.IMAPUsername, cfg.IMAPPassword).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("email: imap login: %w", err)
	}
	return c, nil
}
