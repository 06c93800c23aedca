package channel

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// A provider may also report a template's new status as it happens
// (WhatsApp's message_template_status_update webhook): the stored row is
// changed in place, so an approval is offered, and a pause refused by the
// send's own check, without waiting for someone to sync by hand. A
// row's synced_at is when the provider's word it holds was true: the
// sync's time for a synced row, the change's for a reported one, so a
// report delivered late does not undo what a sync read after it.

// TemplateChange is a provider's report that one of a channel's
// templates changed.
type TemplateChange struct {
	Name     string
	Language string
	// Status is the new status as the provider names it (APPROVED,
	// PAUSED, …); unused when Deleted.
	Status  string
	Deleted bool
	// At is when the provider made the change; zero is now.
	At time.Time
}

// ApplyTemplateChange stores c for one of ch's templates. It returns
// false when the channel has no such template stored (never synced, or
// made since the last sync): a report carries no body, so the caller
// syncs to learn it. A report older than what is stored changes nothing
// (and returns true).
func (s *Service) ApplyTemplateChange(ctx context.Context, ch Channel, c TemplateChange) (known bool, err error) {
	name, lang := limit.Storable(c.Name, maxTemplateName), limit.Storable(c.Language, 64)
	err = s.db.Write(db.WithWorkspace(ctx, ch.WorkspaceID), func(tx *db.Tx) error {
		at := tx.Now()
		if !c.At.IsZero() {
			at = c.At.UnixMilli()
		}
		var storedAt int64
		err := tx.QueryRow(ctx, `SELECT synced_at FROM channel_templates WHERE channel_id = ? AND name = ? AND language = ?`,
			ch.ID, name, lang).Scan(&storedAt)
		if errors.Is(err, sql.ErrNoRows) {
			known = false
			return nil
		}
		if err != nil {
			return err
		}
		known = true
		switch {
		case storedAt > at:
			return nil
		case c.Deleted:
			_, err = tx.Exec(ctx, `DELETE FROM channel_templates WHERE channel_id = ? AND name = ? AND language = ?`, ch.ID, name, lang)
		default:
			_, err = tx.Exec(ctx, `UPDATE channel_templates SET status = ?, synced_at = ? WHERE channel_id = ? AND name = ? AND language = ?`,
				limit.Storable(c.Status, 64), at, ch.ID, name, lang)
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("channel: template change: %w", err)
	}
	return known, nil
}

// Clock is the clock the service's store runs on.
func (s *Service) Clock() clock.Clock { return s.db.Clock() }

// templateSyncs is one channel's syncs caused by reported changes on this
// node: one at a time, and when the last that succeeded began.
type templateSyncs struct {
	turn  chan struct{} // holds a token while a sync runs
	began time.Time
}

// SyncTemplatesSince syncs the channel's templates, as SyncTemplates does,
// unless a sync of this node's that began at or after since (when the
// caller learnt of a change) has succeeded: it read the provider's list
// with the change in it. A provider reporting a burst of changes (a
// hundred templates approved at once, one webhook each) has the list read
// about twice, not a hundred times; the reports of one channel wait for
// each other's sync, or for ctx.
func (s *Service) SyncTemplatesSince(ctx context.Context, workspaceID, channelID int64, since time.Time) error {
	v, _ := s.syncs.LoadOrStore(channelID, &templateSyncs{turn: make(chan struct{}, 1)})
	ts := v.(*templateSyncs)
	select {
	case ts.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-ts.turn }()
	if !ts.began.Before(since) {
		return nil
	}
	began := s.db.Clock().Now()
	if _, err := s.SyncTemplates(ctx, workspaceID, channelID); err != nil {
		return err
	}
	ts.began = began
	return nil
}
