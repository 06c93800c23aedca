package event

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// kept are the payload keys an erased event keeps besides ids: what
// happened, in the words of the product and the workspace (a status, a
// source, a closing category, which fields changed, the lifecycle stages,
// the users mentioned, why routing chose an agent), never what a person
// wrote or is. The consumers read these, so one that reads an event after
// its erasure still does what it did, and reports rebuilt from the log
// give the figures they gave (report.TestDeletedContactProjectsAsTheRebuildDoes).
var kept = map[string]bool{
	"type": true, "sender": true, "source": true, "status": true, "reason": true, "action": true,
	"changed": true, "matched_by": true, "automatic": true, "position": true, "cause": true,
	"availability": true, "step": true, "step_type": true, "kind": true, "seq": true,
	"category": true, "strategy": true, "priority": true, "force": true, "forced": true,
	"ai": true, "mentions": true, "from": true, "to": true, "rating": true,
	"routing": true, // routing's reason: the strategy, the agents weighed and why; nothing of the contact
}

// Erased returns payload with only its ids (keys "id", "…_id", "…_ids")
// and the keys of kept, and "erased": true: an event of a contact who was
// deleted still says what happened, to which conversation, message or
// user, but no longer a message's text, a name, a phone number, an email
// address or a field's value. A payload that is not a JSON object becomes
// {"erased": true}.
func Erased(payload json.RawMessage) json.RawMessage {
	var in map[string]json.RawMessage
	out := map[string]json.RawMessage{"erased": json.RawMessage("true")}
	if json.Unmarshal(payload, &in) == nil {
		for k, v := range in {
			if k == "id" || strings.HasSuffix(k, "_id") || strings.HasSuffix(k, "_ids") || kept[k] {
				out[k] = v
			}
		}
	}
	b, _ := json.Marshal(out) // a map of raw JSON values read from JSON: no error
	return b
}

// EraseContactTx rewrites, in tx, the payloads of the workspace's events
// of contact and of their conversations with Erased, and returns how many
// it rewrote. It runs before the contact's conversations are deleted (it
// finds their events through them). Every node's consumers drop what
// their shared window holds once they hear tx committed
// (db.Tx.RewroteEvents); a consumer
// that had already read an event keeps what it made of it, which is why
// the webhooks consumer erases its deliveries' bodies again when it reads
// the contact.deleted that follows.
func EraseContactTx(ctx context.Context, tx *db.Tx, workspaceID, contactID int64) (int, error) {
	n, err := tx.RewriteColumn(ctx, "events", "payload", func(p string) (string, error) { return string(Erased(json.RawMessage(p))), nil },
		`SELECT id, payload FROM events WHERE workspace_id = ? AND (contact_id = ?
			OR conversation_id IN (SELECT id FROM conversations WHERE workspace_id = ? AND contact_id = ?))`,
		workspaceID, contactID, workspaceID, contactID)
	if err != nil {
		return 0, fmt.Errorf("event: erase contact %d: %w", contactID, err)
	}
	if n > 0 {
		tx.RewroteEvents()
	}
	return n, nil
}

// EraseCommentTx rewrites, in tx, the payloads of the conversation's
// events of one comment (its comment.created and comment.edited) with
// Erased, and returns how many it rewrote: a deleted comment's words leave
// the log, the fact that it was written stays.
func EraseCommentTx(ctx context.Context, tx *db.Tx, workspaceID, conversationID, commentID int64) (int, error) {
	of, args := CommentEvents(tx.Dialect(), commentID)
	n, err := tx.RewriteColumn(ctx, "events", "payload", func(p string) (string, error) { return string(Erased(json.RawMessage(p))), nil },
		`SELECT id, payload FROM events WHERE workspace_id = ? AND conversation_id = ? AND `+of, append([]any{workspaceID, conversationID}, args...)...)
	if err != nil {
		return 0, fmt.Errorf("event: erase comment %d: %w", commentID, err)
	}
	if n > 0 {
		tx.RewroteEvents()
	}
	return n, nil
}

// CommentEvents returns an SQL condition over the events table that keeps
// the events of one comment (comment.created, comment.edited), and its
// arguments.
func CommentEvents(d db.Dialect, commentID int64) (string, []any) {
	return `events.type IN (?, ?) AND ` + payloadInt(d, "comment_id") + ` = ?`, []any{CommentCreated, CommentEdited, commentID}
}

// payloadInt is the SQL of an integer key of events.payload.
func payloadInt(d db.Dialect, key string) string {
	if d == db.Postgres {
		return `(events.payload::jsonb ->> '` + key + `')::bigint`
	}
	return `json_extract(events.payload, '$.` + key + `')`
}
