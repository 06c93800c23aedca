package workspace

import (
	"context"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
)

// Expired tokens are deleted in batches of purgeBatch rows, each batch its
// own short transaction, at most purgeBatches per call, so a backlog never
// holds the writer for long.
const (
	purgeBatch   = 500
	purgeBatches = 20
)

// PurgeExpired deletes the API tokens and sessions that expired at or
// before now, and returns the earliest expiry still pending (zero when no
// token expires). A next at or before now means the call stopped at its
// batch limit with more to delete: call again at once. It is due work for
// a timer, which sleeps until next.
func (s *Service) PurgeExpired(ctx context.Context, now time.Time) (next time.Time, err error) {
	cutoff := db.Millis(now)
	earliest, err := s.nextExpiry(ctx)
	if err != nil || earliest == 0 || earliest > cutoff {
		return db.Time(earliest), err // nothing expired: nothing written
	}
	for range purgeBatches {
		var ids []int64
		err := s.db.Write(ctx, func(tx *db.Tx) error {
			var err error
			ids, err = db.QueryIDs(ctx, tx, `DELETE FROM api_tokens WHERE id IN (SELECT id FROM api_tokens
				WHERE expires_at > 0 AND expires_at <= ? ORDER BY expires_at LIMIT ?) RETURNING id`, cutoff, purgeBatch)
			return err
		})
		if err != nil {
			return time.Time{}, wrap("purge expired tokens", err)
		}
		s.forget(ids...)
		if len(ids) < purgeBatch {
			break
		}
	}
	earliest, err = s.nextExpiry(ctx)
	return db.Time(earliest), err
}

// nextExpiry is when the next token expires (Unix ms; 0: none will).
func (s *Service) nextExpiry(ctx context.Context) (int64, error) {
	var earliest int64
	err := s.db.Reader().QueryRow(ctx, `SELECT COALESCE(MIN(expires_at), 0) FROM api_tokens WHERE expires_at > 0`).Scan(&earliest)
	return earliest, wrap("purge expired tokens", err)
}

// duePurge names the purge timer's work for db.Tx.Due: a token with an
// expiry is due for deletion then.
const duePurge = "token_expiry"

// PurgeWork is the purge of expired tokens and sessions as a kind of the
// node's timed work (internal/due): its runner sleeps until the next
// expiry, and is woken early when a token that expires sooner is created,
// on this node or another.
func (s *Service) PurgeWork() due.Kind {
	return due.Kind{Name: duePurge, Retry: time.Minute,
		Pass:    func(ctx context.Context) (time.Time, error) { return s.PurgeExpired(ctx, s.db.Clock().Now()) },
		Backlog: due.Overdue(s.db, `SELECT COUNT(*), COALESCE(MIN(expires_at), 0) FROM api_tokens WHERE expires_at > 0 AND expires_at <= ?`)}
}

// PurgeTimer returns a loop, run in g, that runs PurgeWork alone, for a
// service run without a node's runner.
func (s *Service) PurgeTimer(g *background.Group) func(ctx context.Context) {
	_, run := due.Attach(nil, s.db, g, s.PurgeWork())
	return run
}
