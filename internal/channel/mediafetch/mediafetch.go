// Package mediafetch downloads the attachments providers hold (WhatsApp
// media ids, Telegram file ids, Twilio media URLs) into the media store,
// after their message was stored and the webhook acknowledged.
//
// Each attachment is a row of media_fetches, queued by the receive path
// in the message's transaction, and leased timed work of the node's due
// loop: claimed with SKIP LOCKED on PostgreSQL so exactly one node
// fetches it, retried with backoff, failed for good when the provider
// says so (outbound.Permanent) or the file is refused by the store, and
// taken back from a node that died holding it (internal/node). Once the
// bytes are stored, the message's content names the stored file.
package mediafetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// Options tune a Fetcher; zero values take the defaults.
type Options struct {
	BaseDelay   time.Duration // first retry delay, doubled per attempt (default 5s)
	MaxDelay    time.Duration // cap of the retry delay (default 10m)
	MaxAttempts int           // attempts before the attachment is failed (default 8)
	Lease       time.Duration // how long a claimed fetch is this node's (default 2m)
	Batch       int           // fetches claimed and run at once (default 4)
	Node        int64         // this node's id, carried by its claims
	Due         *due.Runner   // the node's runner (default: one of its own, run by Run)
	Group       *background.Group
	Logger      *slog.Logger
}

// Fetcher fetches the pending attachments.
type Fetcher struct {
	db       *db.DB
	channels *channel.Service
	store    *media.Store
	opts     Options
	log      *slog.Logger
	work     *due.Handle
	runOwn   func(context.Context)
}

// table is media_fetches as leased timed work.
var table = due.Table{Name: "media_fetches", Due: "next_attempt_at", Where: "j.state = 'pending'"}

// New returns a Fetcher storing into store what the providers of
// channels' registry serve.
func New(d *db.DB, channels *channel.Service, store *media.Store, opts Options) *Fetcher {
	if opts.BaseDelay <= 0 {
		opts.BaseDelay = 5 * time.Second
	}
	if opts.MaxDelay < opts.BaseDelay {
		opts.MaxDelay = max(10*time.Minute, opts.BaseDelay)
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 8
	}
	if opts.Lease <= 0 {
		opts.Lease = 2 * time.Minute
	}
	if opts.Batch <= 0 {
		opts.Batch = 4
	}
	if opts.Group == nil {
		opts.Group = background.NewGroup(d.Clock())
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	f := &Fetcher{db: d, channels: channels, store: store, opts: opts, log: opts.Logger.With("component", "mediafetch")}
	f.work, f.runOwn = due.Attach(opts.Due, d, opts.Group, due.Kind{Name: conversation.DueMediaFetch, Pass: f.pass,
		Backlog: due.Overdue(d, `SELECT COUNT(*), COALESCE(MIN(next_attempt_at), 0) FROM media_fetches
			WHERE state = 'pending' AND next_attempt_at <= ? AND lease_until <= ?`)})
	return f
}

// Run fetches until ctx ends (with the node's runner: only waits, the
// runner runs the passes).
func (f *Fetcher) Run(ctx context.Context) {
	f.work.Start()
	f.runOwn(ctx)
}

// job is a claimed fetch; leaseUntil fences its outcome.
type job struct {
	id, workspaceID, messageID, channelID int64
	position, attempts                    int
	ref                                   conversation.MediaRef
	leaseUntil                            int64
}

// pass claims a batch of due fetches, runs them side by side, and says
// when the next one falls due.
func (f *Fetcher) pass(ctx context.Context) (time.Time, error) {
	jobs, err := f.claim(ctx)
	if err != nil {
		return time.Time{}, err
	}
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.process(ctx, j)
		}()
	}
	wg.Wait()
	if len(jobs) == f.opts.Batch {
		return f.db.Clock().Now(), nil // more may be due
	}
	var next int64
	err = f.db.Reader().QueryRow(ctx, `SELECT COALESCE(MIN(CASE WHEN lease_until > next_attempt_at THEN lease_until ELSE next_attempt_at END), 0)
		FROM media_fetches WHERE state = 'pending'`).Scan(&next)
	if err != nil || next == 0 {
		return time.Time{}, err
	}
	return db.Time(next), nil
}

func (f *Fetcher) claim(ctx context.Context) ([]job, error) {
	now := db.Millis(f.db.Clock().Now())
	lease := now + f.opts.Lease.Milliseconds()
	var out []job
	err := f.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		out = out[:0]
		rows, err := tx.Query(ctx, due.ClaimSQL(tx.Dialect(), table, "id, workspace_id, message_id, channel_id, position, attempts, ref"),
			lease, f.opts.Node, now, now, f.opts.Batch)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j := job{leaseUntil: lease}
			var ref string
			if err := rows.Scan(&j.id, &j.workspaceID, &j.messageID, &j.channelID, &j.position, &j.attempts, &ref); err != nil {
				return err
			}
			json.Unmarshal([]byte(ref), &j.ref)
			out = append(out, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("mediafetch: claim: %w", err)
	}
	return out, nil
}

// process fetches one attachment and records the outcome.
func (f *Fetcher) process(ctx context.Context, j job) {
	attCtx, cancel := context.WithTimeout(ctx, f.opts.Lease*3/4)
	defer cancel()
	att, err := f.fetch(attCtx, j)
	if ctx.Err() != nil {
		return // stopping: the lease ends and the fetch is taken again
	}
	if err := f.record(ctx, j, att, err); err != nil {
		f.log.Error("record media fetch", "fetch", j.id, "message", j.messageID, "err", err)
	}
}

// fetch downloads the attachment and stores it.
func (f *Fetcher) fetch(ctx context.Context, j job) (conversation.InboundAttachment, error) {
	ch, err := f.channels.Read(ctx, j.channelID)
	if err != nil {
		return conversation.InboundAttachment{}, err
	}
	var p channel.Provider
	if reg := f.channels.Registry(); reg != nil {
		p, _ = reg.Provider(ch.Type)
	}
	fetcher, ok := p.(channel.MediaFetcher)
	if !ok {
		return conversation.InboundAttachment{}, outbound.Permanent(fmt.Sprintf("a %s channel cannot fetch attachments", ch.Type))
	}
	fm, err := fetcher.FetchMedia(ctx, ch, j.ref)
	if err != nil {
		return conversation.InboundAttachment{}, err
	}
	defer fm.Body.Close()
	caps := p.Capabilities()
	name := fm.FileName
	if name == "" {
		name = j.ref.FileName
	}
	declared := fm.ContentType
	if declared == "" {
		declared = j.ref.ContentType
	}
	m, err := f.store.Save(ctx, media.Upload{WorkspaceID: j.workspaceID, FileName: name, DeclaredType: declared, Body: fm.Body,
		MaxBytes: caps.MaxMediaBytes, Kinds: caps.MediaKinds})
	var refused *apperr.Error
	if errors.As(err, &refused) && refused.Kind != apperr.KindTimeout {
		// The store refused the file (too large, a type not accepted):
		// fetching it again gives the same bytes.
		msg := refused.Message
		if refused.Field != "" {
			msg = refused.Field + " " + msg
		}
		return conversation.InboundAttachment{}, outbound.Permanent(msg)
	}
	if err != nil {
		return conversation.InboundAttachment{}, err
	}
	kind := j.ref.Kind
	if kind != "sticker" {
		kind = m.Kind
	}
	return conversation.InboundAttachment{Type: kind, Status: conversation.AttachmentStored, MediaID: m.ID, ContentType: m.ContentType,
		FileName: m.FileName, Size: m.Size}, nil
}

// record writes the outcome, if this node still holds the lease: stored,
// failed for good, or retried later with backoff (or when the provider
// asked).
func (f *Fetcher) record(ctx context.Context, j job, att conversation.InboundAttachment, fetchErr error) error {
	attempts := j.attempts + 1
	now := f.db.Clock().Now()
	// The provider's words, made storable for a retry as for a failure:
	// PostgreSQL refuses a NUL or invalid UTF-8, and a refused retry was
	// never counted, so the fetch was taken again at every lease's end.
	reason, _ := limit.Truncate(limit.Clean(outbound.Reason(fetchErr)), conversation.MaxReasonLen, "…")
	return f.db.Write(ctx, func(tx *db.Tx) error {
		var res interface{ RowsAffected() (int64, error) }
		var err error
		switch {
		case fetchErr == nil:
			res, err = tx.Exec(ctx, `UPDATE media_fetches SET state = 'done', attempts = ?, media_id = ?, lease_until = 0, reason = ''
				WHERE id = ? AND lease_until = ?`, attempts, att.MediaID, j.id, j.leaseUntil)
		case outbound.IsPermanent(fetchErr) || attempts >= f.opts.MaxAttempts:
			att = conversation.InboundAttachment{Status: conversation.AttachmentFailed, Reason: reason}
			res, err = tx.Exec(ctx, `UPDATE media_fetches SET state = 'failed', attempts = ?, reason = ?, lease_until = 0
				WHERE id = ? AND lease_until = ?`, attempts, reason, j.id, j.leaseUntil)
		default:
			delay := min(f.opts.BaseDelay<<min(attempts-1, 20), f.opts.MaxDelay)
			if ra, ok := outbound.RetryAfter(fetchErr); ok && ra > delay {
				delay = ra
			}
			next := db.Millis(now.Add(delay))
			f.log.Warn("media fetch failed; retrying", "fetch", j.id, "attempt", attempts, "retry_in", delay, "err", fetchErr)
			res, err = tx.Exec(ctx, `UPDATE media_fetches SET attempts = ?, reason = ?, next_attempt_at = ?, lease_until = 0
				WHERE id = ? AND lease_until = ?`, attempts, reason, next, j.id, j.leaseUntil)
			if err == nil {
				tx.Due(conversation.DueMediaFetch, next)
			}
			return err
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // the lease ran out and another node took the fetch
		}
		return conversation.SetAttachmentTx(ctx, tx, j.messageID, j.position, att)
	})
}
