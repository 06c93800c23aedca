package broadcast

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// MaxScheduleAhead bounds how far ahead a broadcast may be scheduled.
const MaxScheduleAhead = 366 * 24 * time.Hour

// Input is a broadcast's settings as a client writes them; a nil member
// of an update leaves that setting as it is.
type Input struct {
	Name      *string   `json:"name"`
	ChannelID *int64    `json:"channel_id"`
	Audience  *Audience `json:"audience"`
	Message   *Message  `json:"message"`
}

// apply sets in's members on b.
func (in Input) apply(b *Broadcast) {
	if in.Name != nil {
		b.Name = strings.TrimSpace(*in.Name)
	}
	if in.ChannelID != nil {
		b.ChannelID = *in.ChannelID
	}
	if in.Audience != nil {
		b.Audience = *in.Audience
	}
	if in.Message != nil {
		b.Message = *in.Message
		b.Message.Text = strings.TrimSpace(b.Message.Text)
		if c := bytes.TrimSpace(b.Message.Content); len(c) == 0 || string(c) == "null" {
			b.Message.Content = nil
		}
	}
}

// check refuses settings that could not be sent: a name, a channel of the
// workspace, an audience the contacts list can filter by, and a text or a
// template's content that a conversation's send would take.
func check(ctx context.Context, q db.Querier, b Broadcast) error {
	if b.Name == "" {
		return apperr.Invalid("name", "is required")
	}
	if err := limit.Text("name", b.Name, MaxNameLen); err != nil {
		return err
	}
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM channels WHERE id = ? AND workspace_id = ?`, b.ChannelID, b.WorkspaceID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Invalid("channel_id", "no channel %d in this workspace", b.ChannelID)
	}
	if err != nil {
		return err
	}
	if err := b.Audience.filter(b.ChannelID).Check(); err != nil {
		return apperr.Invalid("audience", "%s", apperr.MessageOf(err))
	}
	switch b.Message.Type {
	case "text", conversation.MessageTypeTemplate:
	default:
		return apperr.Invalid("message.type", "must be text or template")
	}
	if b.Message.Type == conversation.MessageTypeTemplate && len(b.Message.Content) == 0 {
		return apperr.Invalid("message.content", "a template message names its template in its content")
	}
	in := conversation.SendInput{Type: b.Message.Type, Text: b.Message.Text, Content: b.Message.Content, Sender: conversation.SourceUser}
	if err := in.Check(); err != nil {
		return err
	}
	return nil
}

// Create stores a draft broadcast.
func (s *Service) Create(ctx context.Context, p access.Principal, in Input) (Broadcast, error) {
	b := Broadcast{WorkspaceID: p.WorkspaceID, Status: StatusDraft, CreatedBy: p.UserID}
	in.apply(&b)
	err := s.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		if err := check(ctx, tx, b); err != nil {
			return err
		}
		now := tx.Now()
		audience, message := encode(b)
		return tx.QueryRow(ctx, `INSERT INTO broadcasts (workspace_id, name, channel_id, audience, message, status, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, b.WorkspaceID, b.Name, b.ChannelID, audience, message, StatusDraft, b.CreatedBy,
			now, now).Scan(&b.ID)
	})
	if err != nil {
		return Broadcast{}, wrap("create", err)
	}
	return s.Get(ctx, p, b.ID)
}

// Update changes a draft's settings.
func (s *Service) Update(ctx context.Context, p access.Principal, id int64, in Input) (Broadcast, error) {
	err := s.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		b, err := lockTx(ctx, tx, p.WorkspaceID, id)
		if err != nil {
			return err
		}
		if b.Status != StatusDraft {
			return apperr.Conflict("broadcast %d is %s; only a draft can be changed", id, b.Status)
		}
		in.apply(&b)
		if err := check(ctx, tx, b); err != nil {
			return err
		}
		audience, message := encode(b)
		_, err = tx.Exec(ctx, `UPDATE broadcasts SET name = ?, channel_id = ?, audience = ?, message = ?, updated_at = ? WHERE id = ?`,
			b.Name, b.ChannelID, audience, message, tx.Now(), id)
		return err
	})
	if err != nil {
		return Broadcast{}, wrap("update", err)
	}
	return s.Get(ctx, p, id)
}

// Send starts a draft: at once when at is zero or past, else at at. A
// template is checked against the channel's templates now, so a
// scheduled broadcast is not found unsendable when it falls due.
func (s *Service) Send(ctx context.Context, p access.Principal, id int64, at time.Time) (Broadcast, error) {
	err := s.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		b, err := lockTx(ctx, tx, p.WorkspaceID, id)
		if err != nil {
			return err
		}
		if b.Status != StatusDraft {
			return apperr.Conflict("broadcast %d is %s; only a draft can be sent", id, b.Status)
		}
		if err := check(ctx, tx, b); err != nil {
			return err
		}
		if b.Message.Type == conversation.MessageTypeTemplate && s.opts.Templates != nil {
			if _, _, err := s.opts.Templates.TemplateMessageTx(ctx, tx, b.WorkspaceID, b.ChannelID, b.Message.Content); err != nil {
				return err
			}
		}
		now := tx.Now()
		if at.UnixMilli() > now+MaxScheduleAhead.Milliseconds() {
			return apperr.Invalid("scheduled_at", "is more than a year ahead")
		}
		if at.UnixMilli() > now {
			_, err = tx.Exec(ctx, `UPDATE broadcasts SET status = ?, scheduled_at = ?, due_at = ?, updated_at = ? WHERE id = ?`,
				StatusScheduled, at.UnixMilli(), at.UnixMilli(), now, id)
			tx.Due(DueKind, at.UnixMilli())
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE broadcasts SET status = ?, scheduled_at = 0, started_at = ?, due_at = ?, updated_at = ? WHERE id = ?`,
			StatusSending, now, now, now, id)
		tx.Due(DueKind, now)
		return err
	})
	if err != nil {
		return Broadcast{}, wrap("send", err)
	}
	return s.Get(ctx, p, id)
}

// Cancel stops a broadcast: a scheduled one goes back to draft; one being
// sent stops where it is (the messages already queued still go).
func (s *Service) Cancel(ctx context.Context, p access.Principal, id int64) (Broadcast, error) {
	err := s.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		b, err := lockTx(ctx, tx, p.WorkspaceID, id)
		if err != nil {
			return err
		}
		now := tx.Now()
		switch b.Status {
		case StatusScheduled:
			_, err = tx.Exec(ctx, `UPDATE broadcasts SET status = ?, scheduled_at = 0, due_at = 0, updated_at = ? WHERE id = ?`, StatusDraft, now, id)
		case StatusSending:
			_, err = tx.Exec(ctx, `UPDATE broadcasts SET status = ?, due_at = 0, finished_at = ?, updated_at = ? WHERE id = ?`, StatusCancelled, now, now, id)
		default:
			err = apperr.Conflict("broadcast %d is %s; only a scheduled or sending one can be cancelled", id, b.Status)
		}
		return err
	})
	if err != nil {
		return Broadcast{}, wrap("cancel", err)
	}
	return s.Get(ctx, p, id)
}

// Delete removes a broadcast that is not being sent, with its list of
// recipients; the messages it sent stay in their contacts' history.
func (s *Service) Delete(ctx context.Context, p access.Principal, id int64) error {
	return wrap("delete", s.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		b, err := lockTx(ctx, tx, p.WorkspaceID, id)
		if err != nil {
			return err
		}
		if b.Status == StatusSending {
			return apperr.Conflict("broadcast %d is being sent; cancel it first", id)
		}
		_, err = tx.Exec(ctx, `DELETE FROM broadcasts WHERE id = ?`, id)
		return err
	}))
}

// lockTx reads a broadcast of the workspace under its row's lock (on
// PostgreSQL; SQLite's writer is alone): the sending's batches take the
// same lock, so a cancel or a send is never half seen by one.
func lockTx(ctx context.Context, tx *db.Tx, workspaceID, id int64) (Broadcast, error) {
	q := selectBroadcast + ` WHERE b.workspace_id = ? AND b.id = ?`
	if tx.Dialect() == db.Postgres {
		q += ` FOR UPDATE`
	}
	b, err := scanBroadcast(tx.QueryRow(ctx, q, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return b, notFound()
	}
	return b, err
}

// encode is the stored JSON of b's audience and message.
func encode(b Broadcast) (audience, message string) {
	a, _ := json.Marshal(b.Audience)
	m, _ := json.Marshal(b.Message)
	return string(a), string(m)
}

func wrap(op string, err error) error {
	if err == nil || apperr.KindOf(err) != "" {
		return err
	}
	return fmt.Errorf("broadcast: %s: %w", op, err)
}
