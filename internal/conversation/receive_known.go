package conversation

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A known contact's next message is what most webhooks carry once
// conversations are under way (the answers to a workflow's questions, a
// chat with an agent), and a returning contact's message, whose last
// conversation was closed, starts the next one. One at a time, receiveTx
// runs seven statements or more for each: on SQLite's single writer that
// made a batch of follow-ups slower to write than a batch of first
// messages, and on PostgreSQL each is a round trip. writeKnownContactsTx
// writes them with one statement per table for the whole batch on
// SQLite, and with one statement on PostgreSQL.

// knownItem is an item of a batch from a contact already stored: the
// first item of its contact in the batch, a message without attachments
// under a provider id not yet stored. On PostgreSQL the lookup took the
// ids its rows would have from the sequences, and read its workspace's
// auto-close delay.
type knownItem struct {
	ref               itemRef
	contactID         int64
	messageID, convID int64 // PostgreSQL only
	autoCloseMs       int64 // PostgreSQL only
}

// knownPicker chooses a batch's items for writeKnownContactsTx: the first
// item of each known contact, when it is a message without attachments
// under a provider id not yet stored. Every later item of that contact is
// left to receiveTx, which writes it after, so a contact's messages keep
// their order.
type knownPicker struct {
	seen  map[int64]bool // contacts met in the batch
	items []knownItem
}

// pick takes k, whose item is in and whose provider id is new (newMsg)
// or not, and reports whether it did; if not, receiveTx writes it.
func (p *knownPicker) pick(k knownItem, in *Inbound, newMsg bool) bool {
	if p.seen == nil {
		p.seen = map[int64]bool{}
	}
	ok := len(in.Media) == 0 && newMsg && !p.seen[k.contactID]
	p.seen[k.contactID] = true
	if ok {
		p.items = append(p.items, k)
	}
	return ok
}

// writeTx ends a batch on either store: the items picked, with
// writeKnownContactsTx, then one at a time those marked slow and those
// it left (receiveEachTx). workspaces are the batch's reads on SQLite
// (nil on PostgreSQL, whose lookup read them).
func (p *knownPicker) writeTx(ctx context.Context, tx *db.Tx, workspaces *workspaceReads, refs []itemRef, slow map[itemRef]bool,
	item func(itemRef) *Inbound, outs [][]Received) error {
	if len(p.items) > 0 {
		left, err := writeKnownContactsTx(ctx, tx, workspaces, p.items, item, outs)
		if err != nil {
			return err
		}
		for _, r := range left {
			slow[r] = true
		}
	}
	return receiveEachTx(ctx, tx, refs, slow, item, outs)
}

// inboundRow is an inbound message to insert with its chosen id, in its
// conversation; opening says the conversation is opened by it (seq 1 for
// conversation.opened and 2 for the message, as insertConv reserves).
type inboundRow struct {
	id, conversationID, contactID int64
	in                            *Inbound
	opening                       bool
	autoCloseAt                   int64 // when opening: the new conversation's deadline (0: none)
}

// writeKnownContactsTx writes the items as receiveTx would one after
// another: for a contact with an open conversation, the message, the
// contact's last incoming time, the conversation's times, waiting state
// and auto-close deadline, and message.received with the conversation's
// next seq; for a contact with none, a conversation opened by the
// message, as insertConv opens it, and conversation.opened with it. It
// returns the items it left, in their order, for receiveTx: those whose
// conversation is snoozed (waking it is receiveTx's).
func writeKnownContactsTx(ctx context.Context, tx *db.Tx, workspaces *workspaceReads, items []knownItem, item func(itemRef) *Inbound,
	outs [][]Received) (left []itemRef, err error) {
	ids := make([]int64, len(items))
	for i, k := range items {
		ids[i] = k.contactID
	}
	open, err := openConversationsOfTx(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	// A blocked contact's message opens nothing: receiveTx stores it.
	var opening []int64
	for _, k := range items {
		if _, ok := open[k.contactID]; !ok {
			opening = append(opening, k.contactID)
		}
	}
	var blocked map[int64]bool
	if len(opening) > 0 {
		if blocked, err = contact.BlockedAmongTx(ctx, tx, opening); err != nil {
			return nil, err
		}
	}
	now := tx.Now()
	var rows []inboundRow
	var take []knownItem
	for _, k := range items {
		c, ok := open[k.contactID]
		if (ok && c.Status != StatusOpen) || blocked[k.contactID] {
			left = append(left, k.ref)
			continue
		}
		// The ids and deadline are PostgreSQL's, from its lookup; on
		// SQLite writeIncomingTx chooses them.
		r := inboundRow{id: k.messageID, conversationID: c.ID, contactID: k.contactID, in: item(k.ref), opening: !ok}
		if r.opening {
			r.conversationID = k.convID
			if k.autoCloseMs > 0 {
				r.autoCloseAt = now + k.autoCloseMs
			}
		}
		take, rows = append(take, k), append(rows, r)
	}
	if len(take) == 0 {
		return left, nil
	}
	var seqs map[int64]int64
	if tx.Dialect() == db.Postgres {
		seqs, err = writeIncomingPgTx(ctx, tx, rows, now)
	} else {
		seqs, err = writeIncomingTx(ctx, tx, workspaces, rows, now)
	}
	if err != nil {
		return nil, err
	}
	for i, k := range take {
		r := rows[i]
		c, seq := open[k.contactID], seqs[r.conversationID]
		if r.opening {
			c, seq = Conversation{ID: r.conversationID, WorkspaceID: r.in.WorkspaceID, ContactID: k.contactID, ChannelID: r.in.ChannelID}, 2
		}
		if outs[k.ref.job][k.ref.item], err = appendReceivedTx(ctx, tx, c, r.in, r.id, r.opening, seq); err != nil {
			return nil, err
		}
	}
	return left, nil
}

// appendReceivedTx appends the events of an inbound message stored under
// msgID in c, as receiveTx does: conversation.opened first when the
// message opened c (seq 1; insertConv reserves 2 for the message), then
// message.received with seq. It returns what the webhook answers for it.
func appendReceivedTx(ctx context.Context, tx *db.Tx, c Conversation, in *Inbound, msgID int64, opened bool, seq int64) (Received, error) {
	if opened {
		if err := appendEventSeq(ctx, tx, c, event.ConversationOpened,
			map[string]any{"source": SourceContact, "contact_id": c.ContactID, "channel_id": in.ChannelID}, 1); err != nil {
			return Received{}, err
		}
	}
	typ, _ := messageShape(in)
	if err := appendEventSeq(ctx, tx, c, event.MessageReceived, map[string]any{"message_id": msgID, "channel_id": in.ChannelID,
		"type": typ, "text": in.Text, "sender": SourceContact}, seq); err != nil {
		return Received{}, err
	}
	return Received{MessageID: msgID, ConversationID: c.ID, ContactID: c.ContactID, Opened: opened}, nil
}

// writeIncomingTx is writeIncomingPgTx on SQLite, one statement per
// table (and chunk): the ids of the messages and of the conversations
// opened are chosen here, after the store's last.
func writeIncomingTx(ctx context.Context, tx *db.Tx, workspaces *workspaceReads, rows []inboundRow, now int64) (map[int64]int64, error) {
	last, err := db.LastIDsTx(ctx, tx, "conversations", "messages")
	if err != nil {
		return nil, err
	}
	var follow, opening []inboundRow
	for i := range rows {
		r := &rows[i]
		r.id = last[1] + int64(i) + 1
		if !r.opening {
			follow = append(follow, *r)
			continue
		}
		r.conversationID = last[0] + int64(len(opening)) + 1
		var err error
		if r.autoCloseAt, err = workspaces.autoCloseAt(ctx, tx, r.in.WorkspaceID, now); err != nil {
			return nil, err
		}
		opening = append(opening, *r)
	}
	if err := openForMessagesTx(ctx, tx, opening, now); err != nil {
		return nil, err
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
	return takeIncomingTx(ctx, tx, follow, now)
}

// openForMessagesTx opens the conversation of each row, which its
// message opens, as insertConv does: born with the message's times and
// seq 2 reserved for its message.received, a test contact's a test one
// (a new contact's never is). Both SQLite paths open theirs with it.
func openForMessagesTx(ctx context.Context, tx *db.Tx, rows []inboundRow, now int64) error {
	err := db.Chunked(len(rows), func(from, n int) error {
		args := make([]any, 0, 7*n+6)
		args = append(args, StatusOpen, SourceContact, now, now, now, now)
		for _, r := range rows[from : from+n] {
			args = append(args, r.conversationID, r.in.WorkspaceID, r.contactID, r.in.ChannelID, r.in.ExternalID, r.autoCloseAt, r.contactID)
		}
		_, err := tx.Exec(ctx, `INSERT INTO conversations (id, workspace_id, contact_id, channel_id, contact_external_id, status, opened_source,
			opened_at, last_seq, last_message_at, last_incoming_at, waiting_since, auto_close_at, is_test)
			SELECT v.column1, v.column2, v.column3, v.column4, v.column5, ?, ?, ?, 2, ?, ?, ?, v.column6,
				COALESCE((SELECT is_test FROM contacts WHERE id = v.column7), 0)
			FROM (VALUES `+db.Rows("(?, ?, ?, ?, ?, ?, ?)", n)+`) AS v`, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("open conversations: %w", err)
	}
	for _, r := range rows {
		autoCloseArmed(tx, r.autoCloseAt)
	}
	return nil
}

// writeIncomingPgTx stores the rows' messages under their ids, opens the
// conversations the opening rows' messages open (as insertConv does),
// moves the contacts' last incoming time to now and records each other
// message on its conversation as receiveTx does (times, waiting state,
// auto-close deadline, the seq its message.received takes), in one
// statement, and returns the seqs of the conversations that were open.
// Those are locked already (openConversationsOfTx).
func writeIncomingPgTx(ctx context.Context, tx *db.Tx, rows []inboundRow, now int64) (map[int64]int64, error) {
	n := len(rows)
	msgs, wss, convs, contacts, chs, sentAts, autoCloses := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n),
		make([]int64, n), make([]int64, n), make([]int64, n)
	types, texts, contents, pids, exts := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	opening := make([]bool, n)
	var followed []int64 // the conversations that were open already
	for i, r := range rows {
		typ, content := messageShape(r.in)
		msgs[i], wss[i], convs[i], contacts[i], chs[i], sentAts[i] = r.id, r.in.WorkspaceID, r.conversationID, r.contactID, r.in.ChannelID,
			db.Millis(r.in.Timestamp)
		types[i], texts[i], contents[i], pids[i], exts[i] = typ, r.in.Text, string(content), r.in.ProviderMessageID, r.in.ExternalID
		opening[i], autoCloses[i] = r.opening, r.autoCloseAt
		linkMediaLater(tx, r.in.WorkspaceID, r.id, content, nil)
		if !r.opening {
			followed = append(followed, r.conversationID)
		}
	}
	// The messages' foreign key to a conversation opened here is checked
	// at the end of the statement, once the CTE has inserted it.
	q, err := tx.Query(ctx, pgIncomingSQL,
		msgs, wss, convs, contacts, chs, types, texts, contents, pids, sentAts, opening, autoCloses, exts,
		StatusOpen, SourceContact, now, now, now, now,
		now, now, contacts, now, now, NotWaiting, now, now, byContact, followed)
	if err != nil {
		return nil, fmt.Errorf("store messages of known contacts: %w", err)
	}
	got := incoming{tx: tx, seqs: make(map[int64]int64, len(followed))}
	if err := got.add(q); err != nil {
		return nil, fmt.Errorf("store messages of known contacts: %w", err)
	}
	for _, r := range rows {
		if r.opening {
			autoCloseArmed(tx, r.autoCloseAt)
		}
	}
	return got.done(len(followed))
}

// pgIncomingSQL is writeIncomingPgTx's statement. The contacts and the
// conversations it updates are named by id arrays (= ANY), which plan as
// probes of the primary keys whatever the statistics say; joined to the
// unnest instead, a plan made on a small table scanned it whole, and kept
// scanning as each update left a dead row in it until the next vacuum.
const pgIncomingSQL = `WITH v AS (
			SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[],
				?::bigint[], ?::boolean[], ?::bigint[], ?::text[]) AS v(msg, ws, conv, contact, ch, type, text, content, pid, sent_at, opening,
				auto_close, ext)
		), o AS (
			INSERT INTO conversations (id, workspace_id, contact_id, channel_id, contact_external_id, status, opened_source, opened_at, last_seq,
				last_message_at, last_incoming_at, waiting_since, auto_close_at, is_test)
			SELECT conv, ws, contact, ch, ext, ?, ?, ?::bigint, 2, ?::bigint, ?::bigint, ?::bigint, auto_close,
				COALESCE((SELECT c.is_test FROM contacts c WHERE c.id = v.contact), 0) FROM v WHERE opening
		), m AS (
			INSERT INTO messages (id, workspace_id, conversation_id, contact_id, channel_id, direction, sender, type, text, content,
				provider_message_id, status, sent_at, created_at)
			SELECT msg, ws, conv, contact, ch, 'in', 'contact', type, text, content, NULLIF(pid, ''), 'received', sent_at, ?::bigint FROM v
		), k AS (
			UPDATE contacts SET last_incoming_at = ?::bigint WHERE id = ANY(?::bigint[])
		)
		UPDATE conversations SET last_message_at = ?::bigint, last_incoming_at = ?::bigint, channel_id = v.ch, contact_external_id = v.ext,
			last_seq = last_seq + 1,
			waiting_since = CASE WHEN waiting_since = ? THEN ?::bigint ELSE waiting_since END, ` + armAutoClose + `
		FROM v WHERE conversations.id = ANY(?::bigint[]) AND conversations.id = v.conv AND NOT v.opening
		RETURNING conversations.id, conversations.last_seq, conversations.auto_close_at`

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
	got := incoming{tx: tx, seqs: make(map[int64]int64, len(rows))}
	err := db.Chunked(len(rows), func(from, n int) error {
		args := make([]any, 0, 6+3*n)
		args = append(args, now, now, NotWaiting, now, now, byContact)
		for _, r := range rows[from : from+n] {
			args = append(args, r.conversationID, r.in.ChannelID, r.in.ExternalID)
		}
		// The contact waits from their first message the business has
		// not answered yet; later ones do not move it.
		q, err := tx.Query(ctx, `UPDATE conversations SET last_message_at = ?, last_incoming_at = ?, channel_id = v.column2,
			contact_external_id = v.column3, last_seq = last_seq + 1,
			waiting_since = CASE WHEN waiting_since = ? THEN ? ELSE waiting_since END, `+armAutoClose+`
			FROM (VALUES `+db.Rows("(?, ?, ?)", n)+`) AS v WHERE conversations.id = v.column1
			RETURNING conversations.id, last_seq, auto_close_at`, args...)
		if err != nil {
			return err
		}
		return got.add(q)
	})
	if err != nil {
		return nil, fmt.Errorf("conversations' incoming messages: %w", err)
	}
	return got.done(len(rows))
}

// incoming gathers what the UPDATE of the conversations that received
// messages returned: each one's seq; the auto-close deadlines it armed go
// to the auto-close runner as they are read.
type incoming struct {
	tx   *db.Tx
	seqs map[int64]int64
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
		autoCloseArmed(g.tx, autoClose)
	}
	return q.Err()
}

// done checks that each of the n conversations was updated and returns
// the seqs.
func (g *incoming) done(n int) (map[int64]int64, error) {
	if len(g.seqs) != n {
		return nil, fmt.Errorf("conversations' incoming messages: %d of %d conversations updated", len(g.seqs), n)
	}
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
			linkMediaLater(tx, r.in.WorkspaceID, r.id, content, nil)
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
