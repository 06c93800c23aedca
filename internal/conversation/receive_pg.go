package conversation

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// The receive batch on PostgreSQL. There the node and the server spend
// their CPU per statement and per round trip, not per row: a new
// contact's message written alone is nine statements (redelivery check,
// identity, phone, contact, identity, conversation, message,
// last_incoming_at, its events), each a round trip with its own
// parse-bind-execute on the server and a trip through database/sql and
// pgx on the node. A batch of webhooks is written here with a fixed
// handful of statements, whatever its size, with array parameters
// (unnest) so each statement keeps one text and stays prepared on every
// connection:
//
//   - one looks up, for every item, whether its provider id is stored,
//     its identity's contact, whether its phone or email is taken, its
//     workspace's auto-close and default stage, and takes its ids from
//     the tables' sequences;
//   - the new contacts and their identities go in with
//     contact.CreateInboundTx (a multi-row INSERT per table);
//   - their conversations and messages with one statement (the
//     conversations inserted in a CTE of the messages' INSERT);
//   - the events with the transaction's deferred events (db.Tx.AppendLater),
//     one multi-row INSERT at commit.
//
// A known contact's first message in the batch, unless its conversation
// is snoozed, goes in with writeKnownContactsTx, as on SQLite; every
// other item through receiveTx afterwards.
//
// The checks are reads without locks, so a concurrent writer (another
// batch of this node, another node) may insert the same identity,
// phone, email or provider id meanwhile; the unique indexes then refuse
// the statement, the committer runs the batch again (WriteConcurrent),
// which reads the committed row and takes the item path for it, and
// failing that writeGroup writes each webhook alone. The new contacts
// are inserted in the order of their identities, so two batches holding
// the same identities lock them in the same order instead of deadlocking.

// pgLookup is what the lookup statement finds for an item of a batch.
type pgLookup struct {
	stored                   bool  // its provider id is stored already
	identity                 int64 // the contact its identity names, or 0
	phoneTaken, emailTaken   bool
	autoCloseMs, stageID     int64 // the delay a conversation opened here is armed with (openingDelay), the default stage
	contactID, convID, msgID int64 // taken from the sequences, used if the item is written here
}

// receiveGroupPgTx is receiveGroupTx on PostgreSQL: it writes the items of
// a batch of webhooks (all new messages) and returns each webhook's
// results, the first messages of new contacts with the statements above.
func receiveGroupPgTx(ctx context.Context, tx *db.Tx, jobs []*receiveJob) ([][]Received, error) {
	outs, refs, item := batchItems(jobs)
	profiles := make([]contact.Input, len(refs))
	for i, r := range refs {
		in := item(r)
		profiles[i] = contact.InboundProfile(in.Profile, in.ExternalID)
	}
	found, err := lookupPgTx(ctx, tx, refs, item, profiles)
	if err != nil {
		return nil, err
	}

	// The batched path takes an item whose message, identity, phone and
	// email are all new, in the store and in the batch before it.
	var fast []int // indexes into refs
	var picker knownPicker
	slow := make(map[itemRef]bool)
	seenMsg := map[messageKey]bool{}
	seenIdent := map[contact.IdentityKey]bool{}
	seenValue := map[[2]string]bool{} // "phone"/"email" and workspace:value
	for i, r := range refs {
		in, l, p := item(r), found[i], profiles[i]
		ik := contact.IdentityKey{ChannelID: in.ChannelID, ExternalID: in.ExternalID}
		newMsg := true
		if in.ProviderMessageID != "" {
			mk := messageKey{in.ChannelID, in.ProviderMessageID}
			newMsg = !seenMsg[mk] && !l.stored
			seenMsg[mk] = true
		}
		if id := l.identity; id != 0 {
			k := knownItem{ref: r, contactID: id, messageID: l.msgID, convID: l.convID, autoCloseMs: l.autoCloseMs}
			if !picker.pick(k, in, newMsg) {
				slow[r] = true
			}
			continue
		}
		ok := len(in.Media) == 0 && !seenIdent[ik] && newMsg
		seenIdent[ik] = true
		for _, v := range []struct {
			kind  string
			value *string
			taken bool
		}{{"phone", p.Phone, l.phoneTaken}, {"email", p.Email, l.emailTaken}} {
			if v.value == nil {
				continue
			}
			k := [2]string{v.kind, fmt.Sprintf("%d:%s", in.WorkspaceID, *v.value)}
			ok = ok && !v.taken && !seenValue[k]
			seenValue[k] = true
		}
		if !ok {
			slow[r] = true
			continue
		}
		fast = append(fast, i)
	}
	if len(fast) > 0 {
		// In identity order: see above.
		slices.SortFunc(fast, func(a, b int) int {
			x, y := item(refs[a]), item(refs[b])
			return cmp.Or(cmp.Compare(x.ChannelID, y.ChannelID), cmp.Compare(x.ExternalID, y.ExternalID))
		})
		if err := writeNewContactsPgTx(ctx, tx, refs, fast, item, profiles, found, outs); err != nil {
			return nil, err
		}
	}
	if err := picker.writeTx(ctx, tx, nil, refs, slow, item, outs); err != nil {
		return nil, err
	}
	return outs, nil
}

// pgLookupSQL is the lookup statement (see above), one row per item of
// the arrays, in their order. "" stands for none: no stored provider id,
// phone or email is "".
//
// Each check is a scalar subquery (at most one row: each has a unique
// index), not EXISTS: the planner may turn an EXISTS into a hashed
// subplan, a scan of the whole table per statement, and did on a fresh
// database (no statistics yet), in the statement's generic plan that
// every later batch of the connection reused: each batch then scanned
// every message and contact until autovacuum's first analyze. A scalar
// subquery is always an index probe per item.
const pgLookupSQL = `SELECT
		(SELECT m.id FROM messages m WHERE m.channel_id = v.ch AND m.direction = 'in' AND m.provider_message_id = NULLIF(v.pid, '')) IS NOT NULL,
		COALESCE((SELECT ci.contact_id FROM contact_identities ci WHERE ci.channel_id = v.ch AND ci.external_id = v.ext), 0),
		(SELECT c.id FROM contacts c WHERE c.workspace_id = v.ws AND c.phone = NULLIF(v.phone, '')) IS NOT NULL,
		(SELECT c.id FROM contacts c WHERE c.workspace_id = v.ws AND c.email = NULLIF(v.email, '')) IS NOT NULL,
		COALESCE((SELECT ` + openingDelay + ` FROM workspaces w WHERE w.id = v.ws), 0),
		COALESCE((SELECT s.id FROM lifecycle_stages s WHERE s.workspace_id = v.ws AND s.is_default = 1 ORDER BY s.id LIMIT 1), 0),
		nextval('contacts_id_seq'), nextval('conversations_id_seq'), nextval('messages_id_seq')
	FROM unnest(?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[]) WITH ORDINALITY AS v(ch, pid, ext, ws, phone, email, ord)
	ORDER BY v.ord`

// lookupPgTx runs the lookup statement for the items of refs.
func lookupPgTx(ctx context.Context, tx *db.Tx, refs []itemRef, item func(itemRef) *Inbound, profiles []contact.Input) ([]pgLookup, error) {
	n := len(refs)
	chs, wss := make([]int64, n), make([]int64, n)
	pids, exts, phones, emails := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, r := range refs {
		in := item(r)
		chs[i], wss[i], pids[i], exts[i] = in.ChannelID, in.WorkspaceID, in.ProviderMessageID, in.ExternalID
		if p := profiles[i].Phone; p != nil {
			phones[i] = *p
		}
		if e := profiles[i].Email; e != nil {
			emails[i] = *e
		}
	}
	rows, err := tx.Query(ctx, pgLookupSQL, chs, pids, exts, wss, phones, emails)
	if err != nil {
		return nil, fmt.Errorf("look up batch: %w", err)
	}
	defer rows.Close()
	out := make([]pgLookup, 0, n)
	for rows.Next() {
		var l pgLookup
		if err := rows.Scan(&l.stored, &l.identity, &l.phoneTaken, &l.emailTaken, &l.autoCloseMs, &l.stageID,
			&l.contactID, &l.convID, &l.msgID); err != nil {
			return nil, fmt.Errorf("look up batch: %w", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look up batch: %w", err)
	}
	if len(out) != n {
		return nil, fmt.Errorf("look up batch: %d rows for %d items", len(out), n)
	}
	return out, nil
}

// pgOpenConversationsSQL finds the open conversation of each item's
// sender, when the sender is a known contact that has one; scalar
// subqueries on unique indexes, as in pgLookupSQL, so its plan is index
// probes whatever the statistics.
const pgOpenConversationsSQL = `SELECT id FROM (SELECT (SELECT c.id FROM conversations c WHERE c.status <> 'closed' AND c.contact_id =
		(SELECT ci.contact_id FROM contact_identities ci WHERE ci.channel_id = v.ch AND ci.external_id = v.ext)) AS id
	FROM unnest(?::bigint[], ?::text[]) AS v(ch, ext)) s WHERE id IS NOT NULL`

// openConversationsPgTx returns the open conversations of a batch's known
// senders: the rows its per-item writes lock (openConversationOf), which
// the batch names to the committer (db.WithRowLocks) so that they are
// locked in id order with the other jobs' rows, before any job runs. A
// conversation opened or closed between this read and the item's write
// is locked where the item reaches it, as before.
func openConversationsPgTx(ctx context.Context, tx *db.Tx, jobs []*receiveJob) ([]int64, error) {
	var chs []int64
	var exts []string
	for _, j := range jobs {
		for _, in := range j.items {
			chs, exts = append(chs, in.ChannelID), append(exts, in.ExternalID)
		}
	}
	if len(chs) == 0 {
		return nil, nil
	}
	return db.QueryIDs(ctx, tx, pgOpenConversationsSQL, chs, exts)
}

// writeNewContactsPgTx writes the first message of each new contact of
// refs[fast]: the contact and its identity, its conversation, the
// message, and contact.created, conversation.opened and message.received,
// as receiveTx writes them one by one.
func writeNewContactsPgTx(ctx context.Context, tx *db.Tx, refs []itemRef, fast []int, item func(itemRef) *Inbound,
	profiles []contact.Input, found []pgLookup, outs [][]Received) error {
	now := tx.Now()
	contacts := make([]contact.NewInbound, len(fast))
	for k, i := range fast {
		in, l := item(refs[i]), found[i]
		contacts[k] = contact.NewInbound{ID: l.contactID, WorkspaceID: in.WorkspaceID,
			IdentityKey: contact.IdentityKey{ChannelID: in.ChannelID, ExternalID: in.ExternalID},
			Profile:     profiles[i], StageID: l.stageID, LastIncomingAt: now}
	}
	if err := contact.CreateInboundTx(ctx, tx, contacts); err != nil {
		return err
	}
	n := len(fast)
	convIDs, wss, contactIDs, chs, autoCloses, msgIDs, sentAts := make([]int64, n), make([]int64, n), make([]int64, n),
		make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	types, texts, contents, pids, exts := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for k, i := range fast {
		in, l := item(refs[i]), found[i]
		convIDs[k], wss[k], contactIDs[k], chs[k], msgIDs[k], exts[k] = l.convID, in.WorkspaceID, l.contactID, in.ChannelID, l.msgID,
			in.ExternalID
		if l.autoCloseMs > 0 {
			autoCloses[k] = now + l.autoCloseMs
		}
		typ, content := messageShape(in)
		types[k], texts[k], contents[k], pids[k], sentAts[k] = typ, in.Text, string(content), in.ProviderMessageID, db.Millis(in.Timestamp)
		linkMediaLater(tx, in.WorkspaceID, l.msgID, content, nil)
	}
	// Born with the message's times and seq 2 reserved for its
	// message.received, as insertConv makes it for a message; a new
	// contact is never a test one. The messages' foreign key to their
	// conversation is checked at the end of the statement, once the CTE
	// has inserted it.
	_, err := tx.Exec(ctx, `WITH v AS (
			SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[],
				?::text[], ?::bigint[], ?::text[]) AS v(conv, ws, contact, ch, auto_close, msg, type, text, content, pid, sent_at, ext)
		), c AS (
			INSERT INTO conversations (id, workspace_id, contact_id, channel_id, contact_external_id, status, opened_source, opened_at, last_seq,
				last_message_at, last_incoming_at, waiting_since, auto_close_at)
			SELECT conv, ws, contact, ch, ext, ?, ?, ?::bigint, 2, ?::bigint, ?::bigint, ?::bigint, auto_close FROM v
		)
		INSERT INTO messages (id, workspace_id, conversation_id, contact_id, channel_id, direction, sender, type, text, content,
			provider_message_id, status, sent_at, created_at)
		SELECT msg, ws, conv, contact, ch, 'in', ?, type, text, content, NULLIF(pid, ''), ?, sent_at, ?::bigint FROM v`,
		convIDs, wss, contactIDs, chs, autoCloses, msgIDs, types, texts, contents, pids, sentAts, exts,
		StatusOpen, SourceContact, now, now, now, now, SourceContact, MsgReceived, now)
	if err != nil {
		return fmt.Errorf("open conversations and store messages: %w", err)
	}
	for k, i := range fast {
		autoCloseArmed(tx, autoCloses[k])
		r, in := refs[i], item(refs[i])
		c := Conversation{ID: convIDs[k], WorkspaceID: in.WorkspaceID, ContactID: contactIDs[k], ChannelID: in.ChannelID}
		if outs[r.job][r.item], err = appendReceivedTx(ctx, tx, c, in, msgIDs[k], true, 2); err != nil {
			return err
		}
	}
	return nil
}
