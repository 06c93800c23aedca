package conversation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// How a channel reaches a contact who never wrote on it (Addressing.By).
const (
	AddressPhone = "phone" // by the contact's phone, E.164 as stored
	AddressEmail = "email" // by the contact's email, lower-cased as stored
)

// Addressing is how a channel type reaches a contact who never wrote on
// it (channel.Addresser, which the channel package converts: it imports
// this one). By is AddressPhone, AddressEmail, or "" when it cannot: the
// channel knows a contact only by an id of its own, learnt from their
// first message. ExternalID spells the contact's phone or email as the
// channel's webhooks will name the contact, so their reply lands on the
// identity made here.
type Addressing struct {
	By         string
	ExternalID func(value string) string
}

// Addressers tells how a channel type reaches contacts (channel.Service).
type Addressers interface {
	AddressingOf(channelType string) Addressing
}

// SetAddressers lets Open start a conversation on a channel the contact
// has no identity on yet, when the channel reaches contacts by phone or
// email (the node sets its channel service; without, such an open is
// refused).
func (s *Service) SetAddressers(a Addressers) { s.addressers = a }

// identityForOpenTx makes sure the contact has an identity on the
// channel in.ChannelID names, one of the workspace's: the one it has, or
// one made now from the contact's phone or email when the channel reaches
// contacts so (in.Addressers). What cannot be made is a 422 naming
// channel_id; the phone or email known on the channel as another contact
// is a 409 naming that contact. Either way nothing is written.
func identityForOpenTx(ctx context.Context, tx *db.Tx, workspaceID int64, in OpenInput) error {
	var typ string
	err := tx.QueryRow(ctx, `SELECT type FROM channels WHERE id = ? AND workspace_id = ?`, in.ChannelID, workspaceID).Scan(&typ)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Invalid("channel_id", "no channel %d in this workspace", in.ChannelID)
	}
	if err != nil {
		return err
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM contact_identities WHERE contact_id = ? AND channel_id = ?`, in.ContactID, in.ChannelID).Scan(&n); err != nil || n > 0 {
		return err
	}
	if in.Addressers == nil {
		// A node without its channel service (tests): only where the
		// contact is known.
		return apperr.Invalid("channel_id", "the contact has no identity on channel %d", in.ChannelID)
	}
	a := in.Addressers.AddressingOf(typ)
	var field string
	switch a.By {
	case AddressPhone:
		field = "phone"
	case AddressEmail:
		field = "email"
	default:
		return apperr.Invalid("channel_id", "the contact has no identity on channel %d, and a %s channel reaches only contacts who wrote to it first", in.ChannelID, typ)
	}
	var value string
	// field is one of two column names, never input.
	if err := tx.QueryRow(ctx, `SELECT COALESCE(`+field+`, '') FROM contacts WHERE id = ?`, in.ContactID).Scan(&value); err != nil {
		return err
	}
	if value == "" {
		what := "phone number"
		if a.By == AddressEmail {
			what = "email address"
		}
		return apperr.Invalid("channel_id", "the contact has no %s: a %s channel reaches a contact who never wrote to it by their %s", what, typ, what)
	}
	ext := a.ExternalID(value)
	holder, err := contact.IdentityContact(ctx, tx, in.ChannelID, ext)
	if err != nil {
		return err
	}
	if holder != 0 {
		return apperr.Conflict("contact %d is known on channel %d as %s, this contact's %s: merge the two contacts to talk to them there", holder, in.ChannelID, ext, field)
	}
	err = contact.AddIdentityTx(ctx, tx, workspaceID, in.ChannelID, ext, in.ContactID,
		contact.IdentityAdded{MatchedBy: field, Reason: contact.IdentityReached, UserID: in.UserID})
	if db.IsUniqueViolation(err) {
		// Made by another writer since our read (a message from that
		// phone, another agent's open): the violation lets the write run
		// again (PostgreSQL), which then reads who holds it.
		return &apperr.Error{Kind: apperr.KindConflict, Message: fmt.Sprintf("%s was just taken on channel %d", ext, in.ChannelID), Err: err}
	}
	return err
}
