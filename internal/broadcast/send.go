package broadcast

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// batchSize is how many recipients one write adds: their messages, jobs
// and events commit together with the broadcast's cursor.
const batchSize = 100

// claimBatch is how many broadcasts one pass leases.
const claimBatch = 4

// lease covers a pass's batches.
const lease = time.Minute

var table = due.Table{Name: "broadcasts", Due: "due_at", Where: "j.due_at > 0"}

// pass leases the broadcasts due, writes the next batch of recipients of
// each, and says when more falls due: now when some has recipients left,
// else the next scheduled one's time (the zero time: none).
func (s *Service) pass(ctx context.Context) (time.Time, error) {
	now := s.db.Now()
	leaseUntil := now + lease.Milliseconds()
	var ids []int64
	err := s.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		var err error
		ids, err = due.Claim(ctx, tx, table, now, leaseUntil, s.opts.Node, claimBatch)
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("broadcast: claim: %w", err)
	}
	more := false
	for _, id := range ids {
		left, err := s.batch(ctx, id, leaseUntil)
		if err != nil {
			return time.Time{}, err
		}
		more = more || left
	}
	if more || len(ids) == claimBatch {
		return db.Time(now), nil
	}
	var next int64
	err = s.db.Reader().QueryRow(ctx, `SELECT COALESCE(MIN(CASE WHEN lease_until > due_at THEN lease_until ELSE due_at END), 0)
		FROM broadcasts WHERE due_at > 0`).Scan(&next)
	if err != nil || next == 0 {
		return time.Time{}, err
	}
	if next <= now && len(ids) == 0 {
		return db.Time(now + 50), nil // due, yet not claimable: another node's claim is committing
	}
	return db.Time(next), nil
}

// batch writes the next recipients of a broadcast this node leased until
// leaseUntil, in one transaction with the broadcast's cursor and the
// lease's release, and reports whether contacts are left. A lease lost
// (another node took the broadcast after this one stalled), or a
// broadcast cancelled meanwhile, writes nothing.
func (s *Service) batch(ctx context.Context, id, leaseUntil int64) (left bool, err error) {
	err = s.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		left = false
		b, last, err := s.leased(ctx, tx, id, leaseUntil)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // not ours any more
		}
		if err != nil {
			return err
		}
		if b.Status != StatusScheduled && b.Status != StatusSending {
			_, err := tx.Exec(ctx, `UPDATE broadcasts SET due_at = 0, lease_until = 0 WHERE id = ?`, id)
			return err
		}
		now := tx.Now()
		started := b.StartedAt.UnixMilli()
		if b.Status == StatusScheduled {
			started = now
		}
		ids, err := contact.IDsAfterTx(ctx, tx, access.System(b.WorkspaceID), b.Audience.filter(b.ChannelID), last, batchSize)
		if err != nil {
			return err
		}
		for _, contactID := range ids {
			if err := s.sendOne(ctx, tx, b, contactID); err != nil {
				return err
			}
		}
		if len(ids) == batchSize {
			left = true
			_, err = tx.Exec(ctx, `UPDATE broadcasts SET status = ?, started_at = ?, last_contact = ?, due_at = ?, lease_until = 0, updated_at = ?
				WHERE id = ?`, StatusSending, started, ids[len(ids)-1], now, now, id)
			tx.Due(DueKind, now)
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE broadcasts SET status = ?, started_at = ?, finished_at = ?, due_at = 0, lease_until = 0, updated_at = ?
			WHERE id = ?`, StatusSent, started, now, now, id)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("broadcast %d: send: %w", id, err)
	}
	return left, nil
}

// leased reads the broadcast under its row's lock if this node's lease of
// it (leaseUntil) is still current, and where its sending stands.
func (s *Service) leased(ctx context.Context, tx *db.Tx, id, leaseUntil int64) (Broadcast, int64, error) {
	q := `SELECT last_contact FROM broadcasts WHERE id = ? AND lease_until = ?`
	if tx.Dialect() == db.Postgres {
		q += ` FOR UPDATE`
	}
	var last int64
	if err := tx.QueryRow(ctx, q, id, leaseUntil).Scan(&last); err != nil {
		return Broadcast{}, 0, err
	}
	b, err := scanBroadcast(tx.QueryRow(ctx, selectBroadcast+` WHERE b.id = ?`, id))
	return b, last, err
}

// sendOne queues the broadcast's message to one contact and records them
// as its recipient; a contact it cannot go to (outside the channel's
// window, blocked since, its identity gone, a template the channel no
// longer has) is recorded as skipped, with why.
func (s *Service) sendOne(ctx context.Context, tx *db.Tx, b Broadcast, contactID int64) error {
	in := conversation.SendInput{Type: b.Message.Type, Text: b.Message.Text, Content: b.Message.Content,
		Sender: conversation.SourceUser, UserID: b.CreatedBy, Windows: s.opts.Windows, Templates: s.opts.Templates}
	if b.CreatedBy == 0 {
		in.Sender = conversation.SourceAPI
	}
	if s.render != nil && in.Type == "text" && strings.Contains(in.Text, "{{") {
		in.Text = s.render(ctx, tx, b.WorkspaceID, contactID, 0, in.Text)
	}
	m, err := conversation.SendToContactTx(ctx, tx, b.WorkspaceID, contactID, b.ChannelID, in, map[string]any{"broadcast_id": b.ID})
	if kind := apperr.KindOf(err); kind == apperr.KindConflict || kind == apperr.KindInvalid || kind == apperr.KindNotFound {
		tx.InsertLater(`INSERT INTO broadcast_recipients (broadcast_id, contact_id, skipped) VALUES `, `(?, ?, ?)`, b.ID, contactID,
			skipReason(err))
		return nil
	}
	if err != nil {
		return err
	}
	tx.InsertLater(`INSERT INTO broadcast_recipients (broadcast_id, contact_id, message_id) VALUES `, `(?, ?, ?)`, b.ID, contactID, m.ID)
	return nil
}

// skipReason is why a recipient was skipped, as the broadcast's page
// shows it: the refusal's words, bounded.
func skipReason(err error) string {
	msg, _ := limit.Truncate(apperr.MessageOf(err), 500, "…")
	return msg
}
