package conversation

import (
	"context"
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
func editTx(ctx context.Context, tx *db.Tx, in Inbound) (Received, error) {
	var r Received
	t, ok, err := findTarget(ctx, tx, in, "in")
	if err != nil || !ok {
		r.Ignored = "no message of the contact has this id"
		return r, err
	}
	r.MessageID, r.ConversationID, r.ContactID = t.id, t.conversationID, t.contactID
	content := string(in.Content)
	if content == "" {
		content = t.content
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
	return r, appendMessageEvent(ctx, tx, t, event.MessageEdited, map[string]any{"message_id": t.id, "channel_id": in.ChannelID,
		"text": in.Text, "previous_text": t.text})
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
