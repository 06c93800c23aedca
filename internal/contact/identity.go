package contact

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Identity is how a contact is known on one channel (a Telegram chat id, a
// WhatsApp phone, a custom channel's contact id).
type Identity struct {
	ID         int64     `json:"id"`
	ChannelID  int64     `json:"channel_id"`
	ExternalID string    `json:"external_id"`
	CreatedAt  time.Time `json:"created_at"`
}

// ResolveTx returns the contact behind (channel, externalID), creating the
// identity — and the contact, unless one already has the same phone or
// email — on first sight. Profile values that fail validation are dropped
// rather than refused: an inbound message must never be lost because the
// provider sent a malformed email.
func ResolveTx(ctx context.Context, tx *db.Tx, workspaceID, channelID int64, externalID string, profile Input) (contactID int64, created bool, err error) {
	if contactID, err = IdentityContact(ctx, tx, channelID, externalID); err != nil || contactID != 0 {
		return contactID, false, err
	}
	clean := sanitize(profile, externalID)
	contactID, matchedBy, err := findByPhoneOrEmail(ctx, tx, workspaceID, clean)
	if err != nil {
		return 0, false, err
	}
	if contactID != 0 {
		// A known contact writing from a new channel: their timeline
		// says so, and by which of their details they were recognised.
		return contactID, false, AddIdentityTx(ctx, tx, workspaceID, channelID, externalID, contactID, IdentityAdded{MatchedBy: matchedBy, Reason: IdentityWrote})
	}
	if contactID, err = CreateTx(ctx, tx, workspaceID, clean); err != nil {
		return 0, false, err
	}
	if err := InsertIdentityTx(ctx, tx, workspaceID, channelID, externalID, contactID); err != nil {
		return 0, false, err
	}
	return contactID, true, nil
}

// Why a known contact gained an identity (IdentityAdded.Reason).
const (
	IdentityWrote   = "wrote"   // they wrote from it, recognised by their phone or email
	IdentityReached = "reached" // a conversation was opened to it, from their phone or email
)

// IdentityAdded is how a known contact came to have one more identity,
// the payload of contact.identity.added with the channel and external id.
type IdentityAdded struct {
	MatchedBy string // "phone" or "email": the contact's detail the identity is
	Reason    string // IdentityWrote or IdentityReached
	UserID    int64  // who opened the conversation (IdentityReached; 0: a workflow or token)
}

// AddIdentityTx makes an existing contact known on the channel by
// externalID, as InsertIdentityTx, and records contact.identity.added in
// the contact's timeline. A new contact's first identity records nothing
// of its own: contact.created says it.
func AddIdentityTx(ctx context.Context, tx *db.Tx, workspaceID, channelID int64, externalID string, contactID int64, how IdentityAdded) error {
	if err := InsertIdentityTx(ctx, tx, workspaceID, channelID, externalID, contactID); err != nil {
		return err
	}
	payload := map[string]any{"contact_id": contactID, "channel_id": channelID, "external_id": externalID,
		"matched_by": how.MatchedBy, "reason": how.Reason}
	if how.UserID != 0 {
		payload["user_id"] = how.UserID
	}
	_, err := event.Append(ctx, tx, event.New{WorkspaceID: workspaceID, Type: event.ContactIdentityAdded, ContactID: contactID, Payload: payload})
	return err
}

// InsertIdentityTx makes contactID known on the channel by externalID.
// One id names one contact on a channel: taken meanwhile, the unique
// index refuses it (db.IsUniqueViolation tells, and on PostgreSQL the
// write runs again, finding it taken).
func InsertIdentityTx(ctx context.Context, tx *db.Tx, workspaceID, channelID int64, externalID string, contactID int64) error {
	if _, err := tx.Exec(ctx, `INSERT INTO contact_identities (workspace_id, channel_id, external_id, contact_id, created_at) VALUES (?, ?, ?, ?, ?)`,
		workspaceID, channelID, externalID, contactID, tx.Now()); err != nil {
		return fmt.Errorf("contact: create identity: %w", err)
	}
	return nil
}

// sanitize keeps the valid parts of an inbound profile, uses an E.164
// external id as the phone, and names a nameless contact after its id.
// Values are cleaned of NUL and invalid UTF-8 (which PostgreSQL cannot
// store); one still too long for its field is dropped, never refused.
func sanitize(p Input, externalID string) Input {
	keep := func(v *string, max int) *string {
		if v == nil {
			return nil
		}
		s := strings.TrimSpace(limit.Clean(*v))
		if s == "" || limit.Len(s) > max {
			return nil
		}
		return &s
	}
	out := Input{LastName: keep(p.LastName, MaxNameLen), Language: keep(p.Language, MaxLanguageLen),
		Country: keep(p.Country, MaxCountryLen), AvatarURL: keep(p.AvatarURL, MaxAvatarURLLen)}
	if v := keep(p.Phone, MaxPhoneLen); v != nil {
		if v, err := NormalizePhone(*v); err == nil && v != "" {
			out.Phone = &v
		}
	}
	if out.Phone == nil && IsPhone(externalID) {
		v := externalID
		out.Phone = &v
	}
	if v := keep(p.Email, MaxEmailLen); v != nil {
		if v, err := NormalizeEmail(*v); err == nil && v != "" {
			out.Email = &v
		}
	}
	out.FirstName = keep(p.FirstName, MaxNameLen)
	if out.FirstName == nil {
		first, _ := limit.Truncate(limit.Clean(externalID), MaxNameLen, "")
		out.FirstName = &first
	}
	return out
}

// ListIdentities returns a contact's channel identities.
func (s *Service) ListIdentities(ctx context.Context, workspaceID, contactID int64) ([]Identity, error) {
	rows, err := s.db.Reader().Query(ctx, `SELECT id, channel_id, external_id, created_at FROM contact_identities
		WHERE workspace_id = ? AND contact_id = ? ORDER BY id`, workspaceID, contactID)
	if err != nil {
		return nil, fmt.Errorf("contact: list identities: %w", err)
	}
	return db.Collect(rows, func(rows *sql.Rows) (Identity, error) {
		var i Identity
		var created int64
		err := rows.Scan(&i.ID, &i.ChannelID, &i.ExternalID, &created)
		i.CreatedAt = db.Time(created)
		return i, err
	})
}

// IdentityOf returns the external id of the contact on the channel, which
// outbound sends address: prefer, when it is one of the contact's ids
// there, else the newest. A contact merged from two may have two ids on
// one channel (two phone numbers on one WhatsApp number); a reply goes to
// the one the contact last wrote from, which the conversation keeps
// (conversations.contact_external_id) and passes as prefer.
func IdentityOf(ctx context.Context, q db.Querier, channelID, contactID int64, prefer string) (string, error) {
	var ext string
	err := q.QueryRow(ctx, `SELECT external_id FROM contact_identities WHERE channel_id = ? AND contact_id = ?
		ORDER BY CASE WHEN external_id = ? THEN 0 ELSE 1 END, id DESC LIMIT 1`,
		channelID, contactID, prefer).Scan(&ext)
	if errors.Is(err, sql.ErrNoRows) {
		return "", &apperr.Error{Kind: apperr.KindNotFound, Message: fmt.Sprintf("contact %d has no identity on channel %d", contactID, channelID)}
	}
	if err != nil {
		return "", fmt.Errorf("contact: identity of %d on channel %d: %w", contactID, channelID, err)
	}
	return ext, nil
}

// MoveIdentity makes the contact known on the channel by the external id
// from known by to instead (a Telegram group upgraded to a supergroup
// takes a new chat id, which a send learns): should to already name
// another contact there (the supergroup wrote first), the two are one and
// are merged (JoinIdentityTx); from naming none changes nothing.
func (s *Service) MoveIdentity(ctx context.Context, workspaceID, channelID int64, from, to string) error {
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		_, err := s.JoinIdentityTx(ctx, tx, workspaceID, channelID, from, to)
		return err
	})
	if err != nil {
		return fmt.Errorf("contact: move identity: %w", err)
	}
	return nil
}

// MoveIdentityTx is MoveIdentity inside tx. Should to be taken meanwhile
// on PostgreSQL, the unique index refuses the change and the write runs
// again, finding it taken.
func MoveIdentityTx(ctx context.Context, tx *db.Tx, workspaceID, channelID int64, from, to string) error {
	if from == to || from == "" || to == "" {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE contact_identities SET external_id = ? WHERE workspace_id = ? AND channel_id = ? AND external_id = ?
		AND NOT EXISTS (SELECT 1 FROM contact_identities o WHERE o.channel_id = ? AND o.external_id = ?)`,
		to, workspaceID, channelID, from, channelID, to)
	return err
}
