package conversation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
)

// Early status reports. The record of a send stores the provider's id of
// the message once the provider has answered (internal/outbound), and a
// fast provider may report on that id first ("sent", even "delivered"),
// or while the record waits for its batch. Such a report found no message
// and was dropped, though the webhook was acknowledged. It is kept in
// early_statuses instead and looked at again after a second, then after
// twice as long each time, for ten minutes: applied as soon as a message
// has the id, forgotten after that (a report of a message sent by
// something else on the same number never finds one).

// DueEarlyStatus names the work of looking at kept reports again, for
// db.Tx.Due.
const DueEarlyStatus = "early_status"

const (
	// earlyStatusKeep is how long a report is kept for its message.
	earlyStatusKeep = 10 * time.Minute
	// earlyStatusFirstLook is when a kept report is first looked at again.
	earlyStatusFirstLook = time.Second
	earlyStatusBatch     = 200
)

// ignoredEarly says why a report of a message not recorded yet changed
// nothing yet.
const ignoredEarly = "no outbound message has this mId yet: the report is kept for 10 minutes, and applied if its send is recorded meanwhile"

// keepEarlyStatusTx keeps a report of a message not recorded yet.
func keepEarlyStatusTx(ctx context.Context, tx *db.Tx, in Inbound) error {
	now := tx.Now()
	check := now + earlyStatusFirstLook.Milliseconds()
	if _, err := tx.Exec(ctx, `INSERT INTO early_statuses (channel_id, provider_message_id, status, reason, received_at, check_at)
		VALUES (?, ?, ?, ?, ?, ?)`, in.ChannelID, in.ProviderMessageID, in.Status, in.Reason, now, check); err != nil {
		return fmt.Errorf("keep early status: %w", err)
	}
	tx.Due(DueEarlyStatus, check)
	return nil
}

// EarlyStatusWork is the looking again at kept reports, as a kind of the
// node's timed work.
func (s *Service) EarlyStatusWork() due.Kind {
	return due.Kind{Name: DueEarlyStatus, Pass: s.earlyStatusDue, Backlog: due.Overdue(s.db,
		`SELECT COUNT(*), COALESCE(MIN(check_at), 0) FROM early_statuses WHERE check_at <= ?`)}
}

type earlyStatus struct {
	id, receivedAt int64
	in             Inbound
}

// earlyStatusDue looks at the kept reports due, a batch in one
// transaction, and returns when the next is due (zero if none). Each is
// applied as a webhook's report is (concurrently, its conversation named
// first), and then forgotten; one whose message still has not come is
// looked at again later, or forgotten once kept for earlyStatusKeep.
func (s *Service) earlyStatusDue(ctx context.Context) (time.Time, error) {
	now := s.db.Now()
	rows, err := s.db.Reader().Query(ctx, `SELECT id, channel_id, provider_message_id, status, reason, received_at FROM early_statuses
		WHERE check_at <= ? ORDER BY id LIMIT ?`, now, earlyStatusBatch)
	if err != nil {
		return time.Time{}, fmt.Errorf("conversation: early statuses: %w", err)
	}
	reports, err := db.Collect(rows, func(rows *sql.Rows) (earlyStatus, error) {
		e := earlyStatus{in: Inbound{Kind: KindStatus}}
		err := rows.Scan(&e.id, &e.in.ChannelID, &e.in.ProviderMessageID, &e.in.Status, &e.in.Reason, &e.receivedAt)
		return e, err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("conversation: early statuses: %w", err)
	}
	if len(reports) > 0 {
		items := make([]Inbound, len(reports))
		for i, e := range reports {
			items[i] = e.in
		}
		if err := s.db.WriteConcurrent(withMessageRows(ctx, items), func(tx *db.Tx) error {
			for _, e := range reports {
				if err := lookAgainTx(ctx, tx, e, now); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return time.Time{}, fmt.Errorf("conversation: early statuses: %w", err)
		}
		if len(reports) == earlyStatusBatch {
			return db.Time(now), nil // more may be due: look again at once
		}
	}
	var next int64
	err = s.db.Reader().QueryRow(ctx, `SELECT COALESCE(MIN(check_at), 0) FROM early_statuses`).Scan(&next)
	return db.Time(next), err
}

// lookAgainTx applies kept report e if its message has come, and forgets
// it then or once too old; otherwise it is looked at again after twice
// as long as it has been kept. Another node's pass may have taken the
// same row: on PostgreSQL it is claimed (SKIP LOCKED), so one pass
// applies it.
func lookAgainTx(ctx context.Context, tx *db.Tx, e earlyStatus, now int64) error {
	claim := `SELECT id FROM early_statuses WHERE id = ? AND check_at <= ?`
	if tx.Dialect() == db.Postgres {
		claim += ` FOR UPDATE SKIP LOCKED`
	}
	var id int64
	if err := tx.QueryRow(ctx, claim, e.id, now).Scan(&id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil // applied or moved by another pass meanwhile
		}
		return err
	}
	_, found, err := applyStatusTx(ctx, tx, e.in)
	if err != nil {
		return err
	}
	kept := now - e.receivedAt
	if found || kept >= earlyStatusKeep.Milliseconds() {
		_, err := tx.Exec(ctx, `DELETE FROM early_statuses WHERE id = ?`, e.id)
		return err
	}
	next := min(now+max(kept, earlyStatusFirstLook.Milliseconds()), e.receivedAt+earlyStatusKeep.Milliseconds())
	if _, err := tx.Exec(ctx, `UPDATE early_statuses SET check_at = ? WHERE id = ?`, next, e.id); err != nil {
		return err
	}
	tx.Due(DueEarlyStatus, next)
	return nil
}
