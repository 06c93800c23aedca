package conversation

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// target is the message a reaction or an edit is about.
type target struct {
	id, workspaceID, conversationID, contactID int64
	direction                                  string
	text, content, reaction                    string
	reactionAt, editedAt                       int64
}

// findTarget reads the message of the channel whose provider id is
// in.Target; false when the channel has none (yet). On PostgreSQL it
// takes the message's conversation and then the message's row lock, and
// reads the message under it (see one_message.go): a second reaction or
// edit of the message waits, and then reads what this one wrote.
func findTarget(ctx context.Context, tx *db.Tx, in Inbound, direction string) (target, bool, error) {
	var t target
	m, found, err := findMessageTx(ctx, tx, in.ChannelID, in.Target, direction)
	if err != nil || !found {
		return t, false, err
	}
	if err := takeConversationTx(ctx, tx, m.conv); err != nil {
		return t, false, err
	}
	q := `SELECT workspace_id, direction, text, content, reaction, reaction_at, edited_at FROM messages WHERE id = ?`
	if tx.Dialect() == db.Postgres {
		q += ` FOR NO KEY UPDATE`
	}
	t.id, t.conversationID, t.contactID = m.id, m.conv.Int64, m.contactID
	err = tx.QueryRow(ctx, q, m.id).Scan(&t.workspaceID, &t.direction, &t.text, &t.content, &t.reaction, &t.reactionAt, &t.editedAt)
	return t, err == nil, err
}

// appendMessageEvent records an event about message t, in its
// conversation's sequence when it has one.
func appendMessageEvent(ctx context.Context, tx *db.Tx, t target, typ event.Type, payload map[string]any) error {
	if t.conversationID != 0 {
		payload["conversation_id"] = t.conversationID
	}
	_, err := event.Append(ctx, tx, event.New{WorkspaceID: t.workspaceID, Type: typ, ConversationID: t.conversationID,
		ContactID: t.contactID, Payload: payload})
	return err
}

// reactionTx records the contact's reaction (in.Text, "" to remove it) on
// the message it is about, in either direction. One reaction per message:
// the latest by the provider's time wins, an older one arriving late is
// ignored, and the same reaction delivered again changes nothing. A
// reaction to a message Switchboard never stored is ignored, not an error.
func reactionTx(ctx context.Context, tx *db.Tx, in Inbound) (Received, error) {
	var r Received
	t, ok, err := findTarget(ctx, tx, in, "")
	if err != nil || !ok {
		r.Ignored = "no message of the channel has this id"
		return r, err
	}
	r.MessageID, r.ConversationID, r.ContactID = t.id, t.conversationID, t.contactID
	at := db.Millis(in.Timestamp)
	if in.Timestamp.IsZero() {
		at = tx.Now()
	}
	switch {
	case at < t.reactionAt:
		r.Ignored = "a later reaction is recorded"
		return r, nil
	case in.Text == t.reaction:
		r.Duplicate = true
		return r, nil
	}
	if _, err := tx.Exec(ctx, `UPDATE messages SET reaction = ?, reaction_at = ? WHERE id = ?`, in.Text, at, t.id); err != nil {
		return r, err
	}
	return r, appendMessageEvent(ctx, tx, t, event.MessageReaction, map[string]any{"message_id": t.id, "channel_id": in.ChannelID,
		"reaction": in.Text, "previous": t.reaction})
}

// editTx replaces the text and content of a message the contact sent with
// the edited version, keeping the version it replaces in message_edits.
// An edit delivered again (same provider id, or the same text and
// content) changes nothing; one older than the last edit recorded is kept
// as a past version only if it is new, never shown as the current one.
// An edit of a message not stored is ignored, or with KeepOrphan stored
// as the message (orphanEditTx).
func editTx(ctx context.Context, tx *db.Tx, in Inbound) (Received, error) {
	var r Received
	t, ok, err := findTarget(ctx, tx, in, "in")
	if err == nil && !ok && in.KeepOrphan {
		return orphanEditTx(ctx, tx, in)
	}
	if err != nil || !ok {
		r.Ignored = "no message of the contact has this id"
		return r, err
	}
	r.MessageID, r.ConversationID, r.ContactID = t.id, t.conversationID, t.contactID
	content := string(in.Content)
	if content == "" {
		content = t.content
	}
	// An edit naming its files (Media) either keeps the message's (a
	// caption's edit: they were fetched, or are being, with the message)
	// or replaces them (a photo swapped for another): those are fetched
	// anew, the earlier version keeping the old ones.
	refetch := false
	if len(in.Media) > 0 {
		same, err := sameMediaTx(ctx, tx, t.id, in.Media)
		if err != nil {
			return r, err
		}
		if same {
			content = withAttachmentsOf(content, t.content)
		} else {
			content, refetch = string(withPendingAttachments(json.RawMessage(content), in.Media)), true
		}
	}
	if in.ProviderMessageID != "" {
		var n int64
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM message_edits WHERE message_id = ? AND provider_id = ?`, t.id, in.ProviderMessageID).
			Scan(&n); err != nil {
			return r, err
		}
		if n > 0 {
			r.Duplicate = true
			return r, nil
		}
	}
	if in.Text == t.text && jsonEqual(content, t.content) {
		r.Duplicate = true
		return r, nil
	}
	at := db.Millis(in.Timestamp)
	if in.Timestamp.IsZero() {
		at = tx.Now()
	}
	if at < t.editedAt {
		r.Ignored = "a later edit is recorded"
		return r, nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO message_edits (message_id, provider_id, text, content, edited_at) VALUES (?, ?, ?, ?, ?)`,
		t.id, in.ProviderMessageID, t.text, t.content, at); err != nil {
		return r, err
	}
	if _, err := tx.Exec(ctx, `UPDATE messages SET text = ?, content = ?, edited_at = ? WHERE id = ?`, in.Text, content, at, t.id); err != nil {
		return r, err
	}
	// The earlier version keeps naming its files (message_edits): the
	// new one's are linked besides.
	linkMediaLater(tx, t.workspaceID, t.id, []byte(content), []byte(t.content))
	if refetch {
		// The old files' fetches go: one still running finds its row
		// gone and records nothing over the new files.
		if _, err := tx.Exec(ctx, `DELETE FROM media_fetches WHERE message_id = ?`, t.id); err != nil {
			return r, err
		}
		if err := queueMediaFetches(ctx, tx, in, t.id); err != nil {
			return r, err
		}
	}
	return r, appendMessageEvent(ctx, tx, t, event.MessageEdited, map[string]any{"message_id": t.id, "channel_id": in.ChannelID,
		"text": in.Text, "previous_text": t.text})
}

// orphanEditTx stores an edit whose message is not stored (yet) as that
// message, in its edited version and marked edited: its provider
// delivered the edit first, or the original was lost. It takes the
// original's provider id, so the original arriving later is a duplicate,
// and the edit delivered again finds it and changes nothing. Two at once
// on PostgreSQL: the unique provider id fails the second insert, and it
// runs again as an edit of the first.
func orphanEditTx(ctx context.Context, tx *db.Tx, in Inbound) (Received, error) {
	m := in
	m.Kind, m.ProviderMessageID, m.Target, m.KeepOrphan = KindMessage, in.Target, "", false
	r, err := receiveTx(ctx, tx, m)
	if err != nil || r.Duplicate {
		return r, err
	}
	at := db.Millis(in.Timestamp)
	if in.Timestamp.IsZero() {
		at = tx.Now()
	}
	_, err = tx.Exec(ctx, `UPDATE messages SET edited_at = ? WHERE id = ?`, at, r.MessageID)
	return r, err
}

// sameMediaTx reports whether refs are the files the message was stored
// with (its fetches' references, in order).
func sameMediaTx(ctx context.Context, tx *db.Tx, messageID int64, refs []MediaRef) (bool, error) {
	rows, err := tx.Query(ctx, `SELECT ref FROM media_fetches WHERE message_id = ? ORDER BY position`, messageID)
	if err != nil {
		return false, err
	}
	stored, err := db.Collect(rows, func(rows *sql.Rows) (string, error) {
		var raw string
		err := rows.Scan(&raw)
		var ref MediaRef
		json.Unmarshal([]byte(raw), &ref)
		return ref.Ref, err
	})
	if err != nil || len(stored) != len(refs) {
		return false, err
	}
	for i, r := range refs {
		if stored[i] != r.Ref {
			return false, nil
		}
	}
	return true, nil
}

// withAttachmentsOf is content with the attachments of stored, the
// content of the message it edits: what the media fetches wrote there
// (attachments, attachment) stays.
func withAttachmentsOf(content, stored string) string {
	var obj, old map[string]json.RawMessage
	if json.Unmarshal([]byte(content), &obj) != nil || obj == nil || json.Unmarshal([]byte(stored), &old) != nil {
		return stored
	}
	for _, k := range []string{"attachments", "attachment"} {
		if v, ok := old[k]; ok {
			obj[k] = v
		}
	}
	b, _ := json.Marshal(obj)
	return string(b)
}

// jsonEqual says whether two JSON texts hold the same value.
func jsonEqual(a, b string) bool {
	if a == b {
		return true
	}
	var va, vb any
	if json.Unmarshal([]byte(a), &va) != nil || json.Unmarshal([]byte(b), &vb) != nil {
		return false
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return string(ja) == string(jb)
}
