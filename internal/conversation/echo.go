package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// claimEchoTx recognises the echo of a message Switchboard is sending.
// A provider echoes every message the business sends, ours included, and
// the echo can arrive before the send that caused it has recorded the
// provider's id (the send's answer is still on its way, or its record
// not yet committed): the duplicate check by id then misses it, and
// storing it would show the message twice. Messenger marks our sends
// (metadata) but Instagram's echoes and an integrator's message_echo
// carry nothing of ours, so the echo is matched to the oldest message to
// this contact on this channel that is still pending, without a provider
// id, of the same type and text: it gets the echo's id now (the send's
// record then finds its id already there) and the echo is a duplicate.
// The zero Received means no such message: the echo is the business
// writing from elsewhere.
//
// A person typing, outside Switchboard, exactly the text of a message of
// ours that is being sent at that very moment would be taken for its
// echo; that is the price of never storing our own message twice.
//
// On PostgreSQL echoes go through the concurrent door, and the record of
// the send may be writing the same message meanwhile: it takes the
// message's conversation first (internal/outbound names it), then gives
// the message the provider's id. So the claim takes the candidate's
// conversation first too (the batch named it, withMessageRows), and only
// then looks again: a record that landed while it waited has given the
// message the echo's id, and the echo is its duplicate; otherwise the
// candidate is claimed under its row lock, still pending and without an
// id, since every writer of it holds the conversation the claim now
// holds. Two echoes of one message take turns on the conversation the
// same way, and the second finds the id the first stored.
func claimEchoTx(ctx context.Context, tx *db.Tx, in Inbound, contactID int64) (Received, error) {
	if r, found, err := echoOfPartTx(ctx, tx, in, contactID); err != nil || found {
		return r, err
	}
	for {
		cand, found, err := echoCandidateTx(ctx, tx, in, contactID)
		if err != nil || !found {
			return Received{}, err
		}
		if err := takeConversationTx(ctx, tx, cand.conv); err != nil {
			return Received{}, err
		}
		if own, found, err := findMessageTx(ctx, tx, in.ChannelID, in.ProviderMessageID, "out"); err != nil || found {
			// The send's record (or another delivery of this echo) stored the
			// id while the claim waited.
			return Received{MessageID: own.id, ContactID: own.contactID, ConversationID: own.conv.Int64, Duplicate: found}, err
		}
		q := `SELECT id FROM messages WHERE id = ? AND status = ? AND provider_message_id IS NULL`
		if tx.Dialect() == db.Postgres {
			q += ` FOR NO KEY UPDATE`
		}
		var id int64
		err = tx.QueryRow(ctx, q, cand.id, MsgPending).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue // claimed or sent meanwhile: look for the next candidate
		}
		if err != nil {
			return Received{}, err
		}
		if _, err := tx.Exec(ctx, `UPDATE messages SET provider_message_id = ? WHERE id = ?`, in.ProviderMessageID, id); err != nil {
			return Received{}, err
		}
		return Received{MessageID: id, ContactID: contactID, ConversationID: cand.conv.Int64, Duplicate: true}, nil
	}
}

// echoCandidateQuery finds the message an echo may be the echo of: the
// oldest to the contact on the channel still pending, without a provider
// id, of the echo's type and text.
const echoCandidateQuery = `SELECT id, contact_id, conversation_id FROM messages WHERE contact_id = ? AND channel_id = ? AND direction = 'out'
	AND status = ? AND provider_message_id IS NULL AND type = ? AND text = ? ORDER BY id LIMIT 1`

// echoCandidateTx reads the message echo in may be the echo of, read
// without a lock (claimEchoTx takes it).
func echoCandidateTx(ctx context.Context, tx *db.Tx, in Inbound, contactID int64) (storedMessage, bool, error) {
	typ := in.Type
	if typ == "" {
		typ = "text"
	}
	var m storedMessage
	err := tx.QueryRow(ctx, echoCandidateQuery, contactID, in.ChannelID, MsgPending, typ, in.Text).Scan(&m.id, &m.contactID, &m.conv)
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	return m, err == nil, err
}

// echoCandidateOf is echoCandidateTx for an echo whose contact is not
// resolved yet (withMessageRows): none when the channel knows no contact
// by the echo's external id.
func echoCandidateOf(ctx context.Context, tx *db.Tx, in Inbound) (storedMessage, bool, error) {
	contactID, err := contact.IdentityContact(ctx, tx, in.ChannelID, in.ExternalID)
	if err != nil || contactID == 0 {
		return storedMessage{}, false, err
	}
	return echoCandidateTx(ctx, tx, in, contactID)
}

// echoOfPartTx recognises the echo of an earlier part of a message of ours
// sent in several provider calls (a text, then each file): the message
// holds the last part's id, and the dispatcher keeps the earlier parts'
// ids with the message's job (outbound_jobs.parts, a JSON list, written
// as soon as the provider took each part), where they are looked up among
// the contact's jobs on the channel.
func echoOfPartTx(ctx context.Context, tx *db.Tx, in Inbound, contactID int64) (Received, bool, error) {
	quoted, err := json.Marshal(in.ProviderMessageID) // as the list holds it, quotes included
	if err != nil {
		return Received{}, false, err
	}
	pattern := "%" + likeEscaper.Replace(string(quoted)) + "%"
	var r Received
	var conv sql.NullInt64
	err = tx.QueryRow(ctx, `SELECT m.id, m.conversation_id FROM outbound_jobs j JOIN messages m ON m.id = j.message_id
		WHERE j.contact_id = ? AND j.channel_id = ? AND j.parts LIKE ? ESCAPE '\' ORDER BY j.id DESC LIMIT 1`,
		contactID, in.ChannelID, pattern).Scan(&r.MessageID, &conv)
	if errors.Is(err, sql.ErrNoRows) {
		return Received{}, false, nil
	}
	if err != nil {
		return Received{}, false, err
	}
	r.ContactID, r.ConversationID, r.Duplicate = contactID, conv.Int64, true
	return r, true, nil
}
