package conversation

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A known contact's next message in an open conversation is what most
// webhooks carry once conversations are under way (the answers to a
// workflow's questions, a chat with an agent). One at a time, receiveTx
// runs seven statements for it: on SQLite's single writer that made a
// batch of follow-ups slower to write than a batch of first messages,
// and on PostgreSQL each is a round trip. writeKnownContactsTx writes
// them with one statement per table for the whole batch on SQLite, and
// with one statement on PostgreSQL.

// knownItem is an item of a batch from a contact already stored: the
// first item of its contact in the batch, a message without attachments
// under a provider id not yet stored.
type knownItem struct {
	ref       itemRef
	contactID int64
	messageID int64 // on PostgreSQL, taken from the sequence by the lookup
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
	now := tx.Now()
	rows := make([]inboundRow, len(take))
	for i, k := range take {
		rows[i] = inboundRow{id: k.messageID, conversationID: open[k.contactID].ID, contactID: k.contactID, in: item(k.ref)}
	}
	var seqs map[int64]int64
	if tx.Dialect() == db.Postgres {
		seqs, err = writeIncomingPgTx(ctx, tx, rows, now)
	} else {
		seqs, err = writeIncomingTx(ctx, tx, rows, now)
	}
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

// writeIncomingTx is writeIncomingPgTx on SQLite, one statement per
// table (and chunk): the ids of the messages are chosen here, after the
// store's last.
func writeIncomingTx(ctx context.Context, tx *db.Tx, rows []inboundRow, now int64) (map[int64]int64, error) {
	last, err := db.LastIDsTx(ctx, tx, "messages")
	if err != nil {
		return nil, err
	}
	for i := range rows {
		rows[i].id = last[0] + int64(i) + 1
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
	return takeIncomingTx(ctx, tx, rows, now)
}

// writeIncomingPgTx stores the rows' messages under their ids, moves
// their contacts' last incoming time to now and records each message on
// its conversation as receiveTx does (times, waiting state, auto-close
// deadline, the seq its message.received takes), in one statement, and
// returns each conversation's seq. The conversations are locked already
// (openConversationsOfTx).
func writeIncomingPgTx(ctx context.Context, tx *db.Tx, rows []inboundRow, now int64) (map[int64]int64, error) {
	n := len(rows)
	msgs, wss, convs, contacts, chs, sentAts := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n),
		make([]int64, n), make([]int64, n)
	types, texts, contents, pids := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, r := range rows {
		typ, content := messageShape(r.in)
		msgs[i], wss[i], convs[i], contacts[i], chs[i], sentAts[i] = r.id, r.in.WorkspaceID, r.conversationID, r.contactID, r.in.ChannelID,
			db.Millis(r.in.Timestamp)
		types[i], texts[i], contents[i], pids[i] = typ, r.in.Text, string(content), r.in.ProviderMessageID
	}
	q, err := tx.Query(ctx, `WITH v AS (
			SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[],
				?::bigint[]) AS v(msg, ws, conv, contact, ch, type, text, content, pid, sent_at)
		), m AS (
			INSERT INTO messages (id, workspace_id, conversation_id, contact_id, channel_id, direction, sender, type, text, content,
				provider_message_id, status, sent_at, created_at)
			SELECT msg, ws, conv, contact, ch, 'in', 'contact', type, text, content, NULLIF(pid, ''), 'received', sent_at, ?::bigint FROM v
		), k AS (
			UPDATE contacts SET last_incoming_at = ?::bigint WHERE id IN (SELECT contact FROM v)
		)
		UPDATE conversations SET last_message_at = ?::bigint, last_incoming_at = ?::bigint, channel_id = v.ch, last_seq = last_seq + 1,
			waiting_since = CASE WHEN waiting_since = ? THEN ?::bigint ELSE waiting_since END, `+armAutoClose+`
		FROM v WHERE conversations.id = v.conv
		RETURNING conversations.id, conversations.last_seq, conversations.auto_close_at`,
		msgs, wss, convs, contacts, chs, types, texts, contents, pids, sentAts, now, now, now, now, NotWaiting, now, now, 1)
	if err != nil {
		return nil, fmt.Errorf("store messages of known contacts: %w", err)
	}
	got := incoming{seqs: make(map[int64]int64, n)}
	if err := got.add(q); err != nil {
		return nil, fmt.Errorf("store messages of known contacts: %w", err)
	}
	return got.done(tx, n)
}

// openConversationsOfTx returns the open or snoozed conversation of each
// of the contacts that has one, by contact, locked on PostgreSQL until tx
// ends.
func openConversationsOfTx(ctx context.Context, tx *db.Tx, contactIDs []int64) (map[int64]Conversation, error) {
	open := make(map[int64]Conversation, len(contactIDs))
	err := db.Chunked(len(contactIDs), func(from, n int) error {
		args := make([]any, n)
		for i, id := range contactIDs[from : from+n] {
			args[i] = id
		}
		q := `SELECT ` + columns + ` FROM conversations WHERE status <> 'closed' AND contact_id IN (` + db.Rows("?", n) + `)`
		if tx.Dialect() == db.Postgres {
			// Locked as receiveTx locks each (openConversationOf): the
			// committer has most often locked them already, in id order
			// with the other jobs' rows (openConversationsPgTx).
			q += ` ORDER BY id FOR NO KEY UPDATE`
		}
		rows, err := tx.Query(ctx, q, args...)
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
	got := incoming{seqs: make(map[int64]int64, len(rows))}
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
		return got.add(q)
	})
	if err != nil {
		return nil, fmt.Errorf("conversations' incoming messages: %w", err)
	}
	return got.done(tx, len(rows))
}

// incoming gathers what the UPDATE of the conversations that received
// messages returned: each one's seq, and the earliest auto-close
// deadline armed.
type incoming struct {
	seqs     map[int64]int64
	earliest int64
}

// add reads rows of (conversation id, seq, auto-close deadline) and
// closes them.
func (g *incoming) add(q *sql.Rows) error {
	defer q.Close()
	for q.Next() {
		var id, seq, autoClose int64
		if err := q.Scan(&id, &seq, &autoClose); err != nil {
			return err
		}
		g.seqs[id] = seq
		if autoClose > 0 && (g.earliest == 0 || autoClose < g.earliest) {
			g.earliest = autoClose
		}
	}
	return q.Err()
}

// done checks that each of the n conversations was updated, tells the
// auto-close runner of the earliest deadline and returns the seqs.
func (g *incoming) done(tx *db.Tx, n int) (map[int64]int64, error) {
	if len(g.seqs) != n {
		return nil, fmt.Errorf("conversations' incoming messages: %d of %d conversations updated", len(g.seqs), n)
	}
	autoCloseArmed(tx, g.earliest)
	return g.seqs, nil
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
