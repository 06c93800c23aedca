package conversation

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// minBatched is the fewest items a batch writes with multi-row
// statements: the batched path runs about ten statements whatever its
// size (lookups, defaults, last ids, one INSERT per table), the item path
// eight per new contact's message, so below a few items the batched
// path costs the writer more than it saves (bench/ingest at concurrency
// 1 and 8).
const minBatched = 4

// messageKey names an inbound message by its provider id on a channel.
type messageKey struct {
	channelID int64
	provider  string
}

// itemRef is an item of a batch: the webhook (job) and its place there.
type itemRef struct{ job, item int }

// receiveGroupTx writes the items of a batch of webhooks (all new
// messages, on SQLite) and returns each webhook's results. The first
// message of a contact never seen before (the common case under load)
// takes the batched path: its contact, identity, conversation and
// message go in with one multi-row INSERT per table for the whole batch.
// The first message in the batch of a known contact whose conversation
// is not snoozed takes another batched path (writeKnownContactsTx): its
// message, the update of its contact and the update (or the opening) of
// its conversation go in with one statement per table too. Every other
// item (a redelivery, a known contact's message whose conversation is
// snoozed, a message with attachments, or a second item about a contact
// an earlier item of the batch writes or creates) goes through receiveTx
// afterwards, by sender, as it would alone: it then sees what the
// batched paths wrote.
//
// The invariants hold as in receiveTx: the batch looks up every provider
// id, identity, phone and email first and lets no two of its own items
// create the same one, so a message is stored once, an identity and a
// phone or email name one contact, and a new contact's conversation is
// its only open one; the unique indexes still refuse the batch if a
// check were wrong, and writeGroup then writes each webhook alone.
func receiveGroupTx(ctx context.Context, tx *db.Tx, jobs []*receiveJob) ([][]Received, error) {
	outs, refs, item := batchItems(jobs)
	if len(refs) < minBatched {
		// Too few to share the batched path's fixed statements.
		every := make(map[itemRef]bool, len(refs))
		for _, r := range refs {
			every[r] = true
		}
		return outs, receiveEachTx(ctx, tx, refs, every, item, outs)
	}

	stored, err := storedMessagesTx(ctx, tx, refs, item)
	if err != nil {
		return nil, err
	}
	keys := make([]contact.IdentityKey, 0, len(refs))
	for _, r := range refs {
		in := item(r)
		keys = append(keys, contact.IdentityKey{ChannelID: in.ChannelID, ExternalID: in.ExternalID})
	}
	known, err := contact.LookupIdentitiesTx(ctx, tx, keys)
	if err != nil {
		return nil, err
	}

	// Candidates for the batched path: new message, new identity, the
	// first item of the batch with either.
	type candidate struct {
		ref     itemRef
		profile contact.Input
	}
	var cands []candidate
	var picker knownPicker
	var workspaces workspaceReads
	slow := make(map[itemRef]bool)
	seenMsg := map[messageKey]bool{}
	seenIdent := map[contact.IdentityKey]bool{}
	for i, r := range refs {
		in := item(r)
		mk := messageKey{in.ChannelID, in.ProviderMessageID}
		ik := keys[i]
		newMsg := true
		if in.ProviderMessageID != "" {
			newMsg = !seenMsg[mk] && !stored[mk]
			seenMsg[mk] = true
		}
		if id := known[ik]; id != 0 {
			if !picker.pick(knownItem{ref: r, contactID: id}, in, newMsg) {
				slow[r] = true
			}
			continue
		}
		fast := len(in.Media) == 0 && !seenIdent[ik] && newMsg
		seenIdent[ik] = true
		if !fast {
			slow[r] = true
			continue
		}
		cands = append(cands, candidate{ref: r, profile: contact.InboundProfile(in.Profile, in.ExternalID)})
	}
	// A phone or email already held, or held by an earlier candidate,
	// makes the identity link to that contact: receiveTx does that.
	var phones, emails []contact.WorkspaceValue
	for _, c := range cands {
		ws := item(c.ref).WorkspaceID
		if c.profile.Phone != nil {
			phones = append(phones, contact.WorkspaceValue{WorkspaceID: ws, Value: *c.profile.Phone})
		}
		if c.profile.Email != nil {
			emails = append(emails, contact.WorkspaceValue{WorkspaceID: ws, Value: *c.profile.Email})
		}
	}
	takenPhones, err := contact.TakenTx(ctx, tx, "phone", phones)
	if err != nil {
		return nil, err
	}
	takenEmails, err := contact.TakenTx(ctx, tx, "email", emails)
	if err != nil {
		return nil, err
	}
	var fast []candidate
	for _, c := range cands {
		ws := item(c.ref).WorkspaceID
		ok := true
		for _, v := range []struct {
			value *string
			taken map[contact.WorkspaceValue]bool
		}{{c.profile.Phone, takenPhones}, {c.profile.Email, takenEmails}} {
			if v.value == nil {
				continue
			}
			wv := contact.WorkspaceValue{WorkspaceID: ws, Value: *v.value}
			ok = ok && !v.taken[wv]
			v.taken[wv] = true
		}
		if !ok {
			slow[c.ref] = true
			continue
		}
		fast = append(fast, c)
	}

	if len(fast) > 0 {
		profiles := make([]contact.Input, len(fast))
		fastRefs := make([]itemRef, len(fast))
		for i, c := range fast {
			profiles[i], fastRefs[i] = c.profile, c.ref
		}
		if err := writeNewContactsTx(ctx, tx, &workspaces, fastRefs, profiles, item, outs); err != nil {
			return nil, err
		}
	}
	if err := picker.writeTx(ctx, tx, &workspaces, refs, slow, item, outs); err != nil {
		return nil, err
	}
	return outs, nil
}

// receiveEachTx writes the items of refs marked slow one at a time, with
// the per-item path (redeliveries, attachments, repeats within the
// batch, snoozed conversations): both stores' batches end with it. They go by sender
// (channel, then external id), each sender's in refs' order: each item
// locks its contact's open conversation until the batch commits, and on
// PostgreSQL two concurrent batches holding messages of the same two
// contacts, taken in arrival order, deadlocked (each a second's wait
// before the server aborted one). In one order for every batch they
// take turns instead.
func receiveEachTx(ctx context.Context, tx *db.Tx, refs []itemRef, slow map[itemRef]bool, item func(itemRef) *Inbound, outs [][]Received) error {
	var each []itemRef
	for _, r := range refs {
		if slow[r] {
			each = append(each, r)
		}
	}
	slices.SortStableFunc(each, func(a, b itemRef) int {
		x, y := item(a), item(b)
		return cmp.Or(cmp.Compare(x.ChannelID, y.ChannelID), strings.Compare(x.ExternalID, y.ExternalID))
	})
	for _, r := range each {
		var err error
		if outs[r.job][r.item], err = receiveTx(ctx, tx, *item(r)); err != nil {
			return err
		}
	}
	return nil
}

// storedMessagesTx returns which of the items' provider ids are already
// stored, in one statement per chunk.
func storedMessagesTx(ctx context.Context, tx *db.Tx, refs []itemRef, item func(itemRef) *Inbound) (map[messageKey]bool, error) {
	var keys []messageKey
	for _, r := range refs {
		if in := item(r); in.ProviderMessageID != "" {
			keys = append(keys, messageKey{in.ChannelID, in.ProviderMessageID})
		}
	}
	stored := map[messageKey]bool{}
	err := db.Chunked(len(keys), func(from, n int) error {
		args := make([]any, 0, 2*n)
		for _, k := range keys[from : from+n] {
			args = append(args, k.channelID, k.provider)
		}
		rows, err := tx.Query(ctx, `SELECT v.column1, v.column2 FROM (VALUES `+db.Rows("(?, ?)", n)+`) AS v
			JOIN messages m ON m.channel_id = v.column1 AND m.direction = 'in' AND m.provider_message_id = v.column2`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k messageKey
			if err := rows.Scan(&k.channelID, &k.provider); err != nil {
				return err
			}
			stored[k] = true
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("look up provider ids: %w", err)
	}
	return stored, nil
}

// workspaceReads are what a batch's rows take from their workspaces on
// SQLite, each read once per batch and workspace: a new contact's
// lifecycle stage, a new conversation's auto-close delay. (PostgreSQL's
// batch reads them with its lookup statement.) The zero value is ready.
type workspaceReads struct {
	stages, autoClose map[int64]int64
}

// stageID is workspace ws's default lifecycle stage.
func (w *workspaceReads) stageID(ctx context.Context, tx *db.Tx, ws int64) (int64, error) {
	if id, ok := w.stages[ws]; ok {
		return id, nil
	}
	id, err := contact.DefaultStageTx(ctx, tx, ws)
	if err != nil {
		return 0, err
	}
	if w.stages == nil {
		w.stages = map[int64]int64{}
	}
	w.stages[ws] = id
	return id, nil
}

// autoCloseAt is the auto-close deadline of a conversation of workspace
// ws opened at now (0: the workspace arms none on opening, openingDelay).
func (w *workspaceReads) autoCloseAt(ctx context.Context, tx *db.Tx, ws, now int64) (int64, error) {
	ms, ok := w.autoClose[ws]
	if !ok {
		if err := tx.QueryRow(ctx, `SELECT `+openingDelay+` FROM workspaces w WHERE w.id = ?`, ws).Scan(&ms); err != nil {
			return 0, fmt.Errorf("workspace %d: %w", ws, err)
		}
		if w.autoClose == nil {
			w.autoClose = map[int64]int64{}
		}
		w.autoClose[ws] = ms
	}
	if ms <= 0 {
		return 0, nil
	}
	return now + ms, nil
}

// writeNewContactsTx writes the first message of each new contact of
// refs: the contact and its identity, its conversation, the message, and
// contact.created, conversation.opened and message.received, as
// receiveTx writes them one by one, with one statement per table.
func writeNewContactsTx(ctx context.Context, tx *db.Tx, workspaces *workspaceReads, refs []itemRef, profiles []contact.Input,
	item func(itemRef) *Inbound, outs [][]Received) error {
	last, err := db.LastIDsTx(ctx, tx, "contacts", "conversations", "messages")
	if err != nil {
		return err
	}
	now := tx.Now()
	contacts := make([]contact.NewInbound, len(refs))
	rows := make([]inboundRow, len(refs))
	for i, r := range refs {
		in := item(r)
		stage, err := workspaces.stageID(ctx, tx, in.WorkspaceID)
		if err != nil {
			return err
		}
		contacts[i] = contact.NewInbound{ID: last[0] + int64(i) + 1, WorkspaceID: in.WorkspaceID,
			IdentityKey: contact.IdentityKey{ChannelID: in.ChannelID, ExternalID: in.ExternalID},
			Profile:     profiles[i], StageID: stage, LastIncomingAt: now}
		rows[i] = inboundRow{id: last[2] + int64(i) + 1, conversationID: last[1] + int64(i) + 1, contactID: contacts[i].ID, in: in,
			opening: true}
		if rows[i].autoCloseAt, err = workspaces.autoCloseAt(ctx, tx, in.WorkspaceID, now); err != nil {
			return err
		}
	}
	if err := contact.CreateInboundTx(ctx, tx, contacts); err != nil {
		return err
	}
	if err := openForMessagesTx(ctx, tx, rows, now); err != nil {
		return err
	}
	if err := insertInboundTx(ctx, tx, rows, now); err != nil {
		return err
	}
	for i, r := range refs {
		c := Conversation{ID: rows[i].conversationID, WorkspaceID: rows[i].in.WorkspaceID, ContactID: rows[i].contactID,
			ChannelID: rows[i].in.ChannelID}
		if outs[r.job][r.item], err = appendReceivedTx(ctx, tx, c, rows[i].in, rows[i].id, true, 2); err != nil {
			return err
		}
	}
	return nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// messageShape is the type and content receiveTx stores for a message
// without attachments.
func messageShape(in *Inbound) (string, json.RawMessage) {
	typ, content := in.Type, in.Content
	if typ == "" {
		typ = "text"
	}
	if len(content) == 0 {
		content = json.RawMessage(`{}`)
	}
	return typ, content
}

// batchItems lays out a batch's items: an answer slice per webhook, a
// reference to every item in order, and the item a reference names.
func batchItems(jobs []*receiveJob) (outs [][]Received, refs []itemRef, item func(itemRef) *Inbound) {
	outs = make([][]Received, len(jobs))
	for ji, j := range jobs {
		outs[ji] = make([]Received, len(j.items))
		for ii := range j.items {
			refs = append(refs, itemRef{ji, ii})
		}
	}
	return outs, refs, func(r itemRef) *Inbound { return &jobs[r.job].items[r.item] }
}
