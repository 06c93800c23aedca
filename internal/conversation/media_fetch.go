package conversation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// DueMediaFetch names the work of fetching provider-held attachments for
// db.Tx.Due: a message stored with Media queues one fetch per attachment,
// due at once (internal/channel/mediafetch does them).
const DueMediaFetch = "media_fetch"

// The states of a provider-held attachment in a message's content.
const (
	AttachmentPending = "pending" // being fetched from the provider
	AttachmentStored  = "stored"  // in the media store: MediaID names it
	AttachmentFailed  = "failed"  // could not be fetched: Reason says why
)

// InboundAttachment is one entry of an inbound message's
// content.attachments: a provider-held attachment, pending until it is
// fetched into the media store, then in the same shape as an uploaded
// file's attachment (media_id, content_type, file_name, size), so the
// inbox shows it the same way.
type InboundAttachment struct {
	Type        string `json:"type"` // image, audio, video, file or sticker
	Status      string `json:"status"`
	MediaID     string `json:"media_id,omitempty"`
	URL         string `json:"url,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	FileName    string `json:"file_name,omitempty"`
	Size        int64  `json:"size,omitempty"`
	Caption     string `json:"caption,omitempty"`
	Reason      string `json:"reason,omitempty"` // why it failed
}

// withPendingAttachments returns content (the provider's description of
// the message, an object) with "attachments" listing refs as pending.
// Content that is not an object is kept under "provider".
func withPendingAttachments(content json.RawMessage, refs []MediaRef) json.RawMessage {
	obj := map[string]json.RawMessage{}
	if len(content) > 0 && json.Unmarshal(content, &obj) != nil {
		obj = map[string]json.RawMessage{"provider": content}
	}
	if obj == nil {
		obj = map[string]json.RawMessage{}
	}
	atts := make([]InboundAttachment, len(refs))
	for i, r := range refs {
		atts[i] = InboundAttachment{Type: r.Kind, Status: AttachmentPending, ContentType: r.ContentType, FileName: r.FileName,
			Size: r.Size, Caption: r.Caption}
	}
	obj["attachments"], _ = json.Marshal(atts)
	out, _ := json.Marshal(obj)
	return out
}

// queueMediaFetches records one fetch per provider-held attachment of the
// message just stored, due now.
func queueMediaFetches(ctx context.Context, tx *db.Tx, in Inbound, messageID int64) error {
	now := tx.Now()
	for i, ref := range in.Media {
		b, _ := json.Marshal(ref)
		if _, err := tx.Exec(ctx, `INSERT INTO media_fetches (workspace_id, message_id, channel_id, position, ref, next_attempt_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, in.WorkspaceID, messageID, in.ChannelID, i, string(b), now, now); err != nil {
			return fmt.Errorf("queue media fetch: %w", err)
		}
	}
	tx.Due(DueMediaFetch, now)
	return nil
}

// SetAttachmentTx records what became of the attachment at position of
// an inbound message's content.attachments (stored with its media, or
// failed with a reason) and appends message.attachment. The stored
// attachment of the lowest position is also the content's "attachment",
// the shape of an uploaded file's message.
func SetAttachmentTx(ctx context.Context, tx *db.Tx, messageID int64, position int, att InboundAttachment) error {
	var t target
	var conv *int64
	var content string
	if err := tx.QueryRow(ctx, `SELECT workspace_id, conversation_id, contact_id, content FROM messages WHERE id = ?`, messageID).
		Scan(&t.workspaceID, &conv, &t.contactID, &content); err != nil {
		return fmt.Errorf("conversation: message %d: %w", messageID, err)
	}
	if conv != nil {
		t.conversationID = *conv
	}
	t.id = messageID
	obj := map[string]json.RawMessage{}
	if json.Unmarshal([]byte(content), &obj) != nil || obj == nil {
		obj = map[string]json.RawMessage{}
	}
	var atts []InboundAttachment
	json.Unmarshal(obj["attachments"], &atts)
	for len(atts) <= position {
		atts = append(atts, InboundAttachment{Status: AttachmentPending})
	}
	prev := atts[position]
	if att.Caption == "" {
		att.Caption = prev.Caption
	}
	if att.Type == "" {
		att.Type = prev.Type
	}
	atts[position] = att
	obj["attachments"], _ = json.Marshal(atts)
	for _, a := range atts {
		if a.Status == AttachmentStored {
			obj["attachment"], _ = json.Marshal(a)
			break
		}
	}
	b, _ := json.Marshal(obj)
	if _, err := tx.Exec(ctx, `UPDATE messages SET content = ? WHERE id = ?`, string(b), messageID); err != nil {
		return err
	}
	if att.MediaID != "" {
		linkLater(tx, t.workspaceID, messageID, att.MediaID)
	}
	payload := map[string]any{"message_id": messageID, "position": position, "status": att.Status}
	if att.Reason != "" {
		payload["reason"] = att.Reason
	}
	return appendMessageEvent(ctx, tx, t, event.MessageAttachment, payload)
}
