package conversation

import (
	"context"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A known contact's next message in an open conversation is what most
// webhooks carry once conversations are under way (the answers to a
// workflow's questions, a chat with an agent). One at a time, receiveTx
// runs seven statements for it; on SQLite's single writer that made a
// batch of follow-ups slower to write than a batch of first messages.
// writeKnownContactsTx writes them with one statement per table for the
// whole batch instead.

// knownItem is an item of a batch from a contact already stored: the
// first item of its contact in the batch, a message without attachments
// under a provider id not yet stored.
type knownItem struct {
	ref       itemRef
	contactID int64
}

// inboundRow is an inbound message to insert with its chosen id.
type inboundRow struct {
	id, conversationID, contactID int64
	in                            *Inbound
}

// writeKnownContactsTx writes the items whose contact has an open
// conversation (not snoozed: waking it is receiveTx's), as receiveTx
// would one after another: the message, the contact's last incoming
// time, the conversation's times, waiting state and auto-close deadline,
// and message.received with the conversation's next seq. It returns the
// items it left, in their order, for receiveTx: a contact without an open
// conversation opens one there.
func writeKnownContactsTx(ctx context.Context, tx *db.Tx, items []knownItem, item func(itemRef) *Inbound, outs [][]Received) (left []itemRef, err error) {
	ids := make([]int64, len(items))
	for i, k := range items {
		ids[i] = k.contactID
	}
	open, err := openConversationsOfTx(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	var take []knownItem
	for _, k := range items {
		if c, ok := open[k.contactID]; ok && c.Status == StatusOpen {
			take = append(take, k)
			continue
		}
		left = append(left, k.ref)
	}
	if len(take) == 0 {
		return left, nil
	}
	last, err := db.LastIDsTx(ctx, tx, "messages")
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	rows := make([]inboundRow, len(take))
	for i, k := range take {
		rows[i] = inboundRow{id: last[0] + int64(i) + 1, conversationID: open[k.contactID].ID, contactID: k.contactID, in: item(k.ref)}
	}
	if err := insertInboundTx(ctx, tx, rows, now); err != nil {
		return nil, err
	}
	if err := db.Chunked(len(rows), func(from, n int) error {
		args := make([]any, 0, n+1)
		args = append(args, now)
		for _, r := range rows[from : from+n] {
			args = append(args, r.contactID)
		}
		_, err := tx.Exec(ctx, `UPDATE contacts SET last_incoming_at = ? WHERE id IN (`+db.Rows("?", n)+`)`, args...)
		return err
	}); err != nil {
		return nil, fmt.Errorf("contacts' last incoming: %w", err)
	}
	seqs, err := takeIncomingTx(ctx, tx, rows, now)
	if err != nil {
		return nil, err
	}
	for i, k := range take {
		r, c := rows[i], open[k.contactID]
		typ, _ := messageShape(r.in)
		if err := appendEventSeq(ctx, tx, c, event.MessageReceived, map[string]any{"message_id": r.id, "channel_id": r.in.ChannelID,
			"type": typ, "text": r.in.Text, "sender": SourceContact}, seqs[c.ID]); err != nil {
			return nil, err
		}
		outs[k.ref.job][k.ref.item] = Received{MessageID: r.id, ConversationID: c.ID, ContactID: k.contactID}
	}
	return left, nil
}

// openConversationsOfTx returns the open or snoozed conversation of each
// of the contacts that has one, by contact.
func openConversationsOfTx(ctx context.Context, tx *db.Tx, contactIDs []int64) (map[int64]Conversation, error) {
	open := make(map[int64]Conversation, len(contactIDs))
	err := db.Chunked(len(contactIDs), func(from, n int) error {
		args := make([]any, n)
		for i, id := range contactIDs[from : from+n] {
			args[i] = id
		}
		rows, err := tx.Query(ctx, `SELECT `+columns+` FROM conversations WHERE status <> 'closed' AND contact_id IN (`+db.Rows("?", n)+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scan(rows)
			if err != nil {
				return err
			}
			open[c.ContactID] = c
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("open conversations of contacts: %w", err)
	}
	return open, nil
}

// takeIncomingTx records on each row's conversation a contact message
// received at now on the row's channel, as receiveTx does for one, and
// returns the seq each conversation reserved for its message.received.
// The rows name distinct conversations.
func takeIncomingTx(ctx context.Context, tx *db.Tx, rows []inboundRow, now int64) (map[int64]int64, error) {
	seqs := make(map[int64]int64, len(rows))
	earliest := int64(0)
	err := db.Chunked(len(rows), func(from, n int) error {
		args := make([]any, 0, 6+2*n)
		args = append(args, now, now, NotWaiting, now, now, 1)
		for _, r := range rows[from : from+n] {
			args = append(args, r.conversationID, r.in.ChannelID)
		}
		// The contact waits from their first message the business has
		// not answered yet; later ones do not move it.
		q, err := tx.Query(ctx, `UPDATE conversations SET last_message_at = ?, last_incoming_at = ?, channel_id = v.column2,
			last_seq = last_seq + 1, waiting_since = CASE WHEN waiting_since = ? THEN ? ELSE waiting_since END, `+armAutoClose+`
			FROM (VALUES `+db.Rows("(?, ?)", n)+`) AS v WHERE conversations.id = v.column1
			RETURNING conversations.id, last_seq, auto_close_at`, args...)
		if err != nil {
			return err
		}
		defer q.Close()
		for q.Next() {
			var id, seq, autoClose int64
			if err := q.Scan(&id, &seq, &autoClose); err != nil {
				return err
			}
			seqs[id] = seq
			if autoClose > 0 && (earliest == 0 || autoClose < earliest) {
				earliest = autoClose
			}
		}
		return q.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("conversations' incoming messages: %w", err)
	}
	if len(seqs) != len(rows) {
		return nil, fmt.Errorf("conversations' incoming messages: %d of %d conversations updated", len(seqs), len(rows))
	}
	autoCloseArmed(tx, earliest)
	return seqs, nil
}

// insertInboundTx inserts contact messages without attachments, each
// under its chosen id, with one statement per chunk.
func insertInboundTx(ctx context.Context, tx *db.Tx, rows []inboundRow, now int64) error {
	err := db.Chunked(len(rows), func(from, n int) error {
		args := make([]any, 0, 11*n)
		for _, r := range rows[from : from+n] {
			typ, content := messageShape(r.in)
			args = append(args, r.id, r.in.WorkspaceID, r.conversationID, r.contactID, r.in.ChannelID, typ, r.in.Text, string(content),
				nullString(r.in.ProviderMessageID), db.Millis(r.in.Timestamp), now)
		}
		_, err := tx.Exec(ctx, `INSERT INTO messages (id, workspace_id, conversation_id, contact_id, channel_id, direction, sender, type, text,
			content, provider_message_id, status, sent_at, created_at) VALUES `+
			db.Rows("(?, ?, ?, ?, ?, 'in', 'contact', ?, ?, ?, ?, 'received', ?, ?)", n), args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("store messages: %w", err)
	}
	return nil
}
