package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Kinds of inbound item a channel hands to Receive.
const (
	KindMessage = "message"        // the contact wrote
	KindEcho    = "message_echo"   // the business wrote from outside Switchboard (e.g. the phone app)
	KindStatus  = "message_status" // the provider reports on an outbound message
	// KindReaction: the contact reacted to a message (Target names it by
	// its provider id); Text is the emoji, "" when the reaction is removed.
	KindReaction = "reaction"
	// KindEdit: the contact edited a message they sent (Target names it);
	// Text and Content are the new version, the earlier one is kept.
	KindEdit = "edit"
	// KindMoved: the contact known on the channel by FormerExternalID is
	// known by ExternalID from now on (a Telegram group upgraded to a
	// supergroup takes a new chat id). It is no message: nothing but the
	// identity changes (see movedTx).
	KindMoved = "contact_moved"
)

// MaxMedia bounds the provider-held attachments of one inbound message,
// and MaxMediaRefLen the length of each one's reference (a URL at most):
// a CDN's signed URL (Meta's) can be far past 2,048 characters, and 8 KiB
// is what web servers commonly take in a request line.
const (
	MaxMedia       = 10
	MaxMediaRefLen = 8 << 10
)

// TypeUnsupported is the message type of an inbound message whose kind the
// provider's format has but Switchboard does not show: it is stored with
// the provider's payload in Content and shown as such, never dropped.
const TypeUnsupported = "unsupported"

// MediaRef is an attachment the provider holds: the message is stored
// with it first (so the webhook is acknowledged fast), then the bytes are
// fetched with the provider's credentials into the media store
// (channel.MediaFetcher) and the message's content points at them.
type MediaRef struct {
	// Ref is what the provider's FetchMedia understands: a media id or a URL.
	Ref         string `json:"ref"`
	Kind        string `json:"kind"` // image, audio, video, file or sticker
	ContentType string `json:"content_type,omitempty"`
	FileName    string `json:"file_name,omitempty"`
	Size        int64  `json:"size,omitempty"` // when the provider says
	Caption     string `json:"caption,omitempty"`
}

// Inbound is one normalised item from a channel's webhook.
type Inbound struct {
	Kind              string
	WorkspaceID       int64
	ChannelID         int64
	ExternalID        string        // the contact's id on the channel
	Profile           contact.Input // what the provider tells about the contact
	ProviderMessageID string
	Type              string // text, attachment, location, quick_reply, template, …
	Text              string
	Content           json.RawMessage // the message as the provider described it
	Timestamp         time.Time       // the provider's, if any
	Status            string          // for KindStatus: delivered, read or failed (or sent)
	Reason            string          // for a failed status
	// Watermark, for a KindStatus without a ProviderMessageID, reports
	// Status for every message sent to the contact on the channel up to
	// that time (Messenger's delivery and read watermarks).
	Watermark time.Time
	// Target is the provider id of the message a KindReaction or KindEdit
	// is about.
	Target string
	// Media are the message's attachments held by the provider.
	Media []MediaRef
	// KeepOrphan, for a KindEdit whose Target no stored message has,
	// stores the edit as that message (named Target, in its edited
	// version) rather than ignoring it: for a provider that may deliver
	// an edit before its message (Telegram), whose original then arrives
	// as a duplicate, stored once.
	KeepOrphan bool
	// FormerExternalID, for a KindMoved, is the contact's earlier id on
	// the channel: the identity moves from it to ExternalID, so the
	// contact and their conversation go on.
	FormerExternalID string
	// Automatic says a program wrote the message, not the contact (an
	// out-of-office, another help desk's acknowledgement: email's
	// Auto-Submitted). It never opens or reopens a conversation, whose
	// conversation.opened would start the workflows that answer it again
	// (a mail loop): see automaticTargetTx.
	Automatic bool
}

// Received says what became of one inbound item.
type Received struct {
	MessageID      int64  `json:"message_id,omitempty"`
	ConversationID int64  `json:"conversation_id,omitempty"`
	ContactID      int64  `json:"contact_id,omitempty"`
	Duplicate      bool   `json:"duplicate,omitempty"` // already stored: a redelivery
	Opened         bool   `json:"opened,omitempty"`    // this message opened the conversation
	Ignored        string `json:"ignored,omitempty"`   // why a status update changed nothing, or an automatic reply was not stored
	Blocked        bool   `json:"blocked,omitempty"`   // the contact is blocked: stored, in no conversation
}

// Receive stores the items of one webhook atomically: all of them or
// none. It returns once they are durably committed (sharing the commit
// with concurrent webhooks), so the caller may then acknowledge the
// provider. Redelivered messages are recognised by their provider id and
// stored once. On SQLite, webhooks of new messages are written together
// with the others waiting meanwhile (see receive_batch.go).
func (s *Service) Receive(ctx context.Context, items []Inbound) ([]Received, error) {
	items = slices.Clone(items) // storable adjusts them; the caller's stay as given
	for i := range items {
		if err := storable(&items[i]); err != nil {
			return nil, err
		}
	}
	if s.batched(items) {
		return s.receiveBatched(ctx, items)
	}
	return s.receiveAlone(ctx, items)
}

// receiveAlone writes one webhook's storable items in a job of its own.
func (s *Service) receiveAlone(ctx context.Context, items []Inbound) ([]Received, error) {
	out := make([]Received, len(items))
	// Every kind of item keeps its invariants with the schema and row
	// locks alone: new messages and echoes (see receiveTx; an echo's
	// claim of a pending message of ours, claimEchoTx), status reports,
	// reactions and edits of one message each (see one_message.go) and
	// watermarks (see watermarkTx). So webhooks are written concurrently
	// on PostgreSQL — but for a move, which may merge two contacts, and
	// so is a Write of its own (see movedTx).
	ctx = withMessageRows(ctx, items)
	write := s.db.WriteConcurrent
	if slices.ContainsFunc(items, func(in Inbound) bool { return in.Kind == KindMoved }) {
		write = s.db.Write
	}
	err := write(ctx, func(tx *db.Tx) error {
		for i, in := range items {
			var err error
			switch in.Kind {
			case KindStatus:
				out[i], err = statusTx(ctx, tx, in)
			case KindReaction:
				out[i], err = reactionTx(ctx, tx, in)
			case KindEdit:
				out[i], err = editTx(ctx, tx, in)
			case KindMoved:
				out[i], err = s.movedTx(ctx, tx, in)
			default:
				out[i], err = receiveTx(ctx, tx, in)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap("receive", err)
	}
	return out, nil
}

// storable makes an inbound item fit to store on either store, the same
// way whatever channel it came from: ids a channel could not have meant
// (too long, or holding what no store keeps) are refused, since no later
// delivery could match them; text is cleaned of NUL and invalid UTF-8 and
// cut to MaxTextLen with TruncatedMarker rather than refused, so the
// contact's message is kept; a content object over MaxContentBytes is
// refused. Channels check their own payloads first, naming their fields.
func storable(in *Inbound) error {
	for _, id := range []struct {
		field, value string
		max          int
	}{{"external_id", in.ExternalID, MaxExternalLen}, {"provider_message_id", in.ProviderMessageID, MaxExternalLen},
		{"former_external_id", in.FormerExternalID, MaxExternalLen}, {"type", in.Type, MaxTypeLen}} {
		if err := limit.Text(id.field, id.value, id.max); err != nil {
			return err
		}
	}
	if len(in.Media) > MaxMedia {
		return apperr.Invalid("media", "holds %d attachments; at most %d are kept", len(in.Media), MaxMedia)
	}
	for i, m := range in.Media {
		if err := limit.Text(fmt.Sprintf("media[%d].ref", i), m.Ref, MaxMediaRefLen); err != nil {
			return err
		}
	}
	in.Text, _ = TruncateText(in.Text)
	in.Reason, _ = limit.Truncate(limit.Clean(in.Reason), MaxReasonLen, "…")
	if len(in.Content) > MaxContentBytes {
		return apperr.Invalid("content", "is %d bytes of JSON; at most %d are allowed", len(in.Content), MaxContentBytes)
	}
	if !utf8.Valid(in.Content) {
		in.Content = json.RawMessage(strings.ToValidUTF8(string(in.Content), "\uFFFD"))
	}
	return nil
}

// receiveTx stores one new message. It runs concurrently with other
// webhooks on PostgreSQL (see db.DB.WriteConcurrent), each invariant held
// where it lives:
//   - a message is stored once per provider id: the unique index on
//     (channel, direction, provider id) makes a concurrent second insert
//     fail, and the committer runs this again, which then finds it;
//   - one identity per (channel, external id) and one contact per phone or
//     email in a workspace: unique indexes, the same way;
//   - one open conversation per contact: the partial unique index, the
//     same way; the open conversation is read FOR NO KEY UPDATE, so two messages
//     to one conversation take turns (one unsnoozes it, the other sees it
//     open) and its seq numbers follow each other;
//   - snoozing, merging or deleting are Writes, which hold the write lock
//     exclusively, so none of them runs meanwhile; an agent's close and a
//     workflow's Open or Close Conversation step run concurrently, and
//     take the conversation's row lock (getOpen reads it FOR NO KEY UPDATE), so
//     a message either lands before that close or opens a conversation
//     after it.
func receiveTx(ctx context.Context, tx *db.Tx, in Inbound) (Received, error) {
	var r Received
	direction, sender, status := "in", SourceContact, MsgReceived
	if in.Kind == KindEcho {
		direction, sender, status = "out", "echo", MsgSent
	} else if in.Kind != KindMessage {
		return r, apperr.BadRequest("unknown inbound kind %q", in.Kind)
	}
	provider := sql.NullString{String: in.ProviderMessageID, Valid: in.ProviderMessageID != ""}
	if provider.Valid {
		var conv sql.NullInt64
		err := tx.QueryRow(ctx, `SELECT id, conversation_id, contact_id FROM messages WHERE channel_id = ? AND direction = ? AND provider_message_id = ?`,
			in.ChannelID, direction, in.ProviderMessageID).Scan(&r.MessageID, &conv, &r.ContactID)
		if err == nil {
			r.ConversationID, r.Duplicate = conv.Int64, true
			return r, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return r, err
		}
	}
	var conv Conversation
	var err error
	blocked := false
	if in.Automatic && in.Kind == KindMessage {
		if r.ContactID, conv, r.Ignored, err = automaticTargetTx(ctx, tx, in); err != nil || r.Ignored != "" {
			return r, err
		}
	} else {
		contactID, created, err := contact.ResolveTx(ctx, tx, in.WorkspaceID, in.ChannelID, in.ExternalID, in.Profile)
		if err != nil {
			return r, err
		}
		r.ContactID = contactID
		if in.Kind == KindEcho && provider.Valid && !created {
			if own, err := claimEchoTx(ctx, tx, in, contactID); err != nil || own.MessageID != 0 {
				return own, err
			}
		}
		if !created { // a contact born in this statement has no conversation to find, nor a block
			if conv, err = openConversationOf(ctx, tx, in.WorkspaceID, r.ContactID, true); err != nil {
				return r, err
			}
			if conv.ID == 0 && in.Kind == KindMessage {
				if blocked, err = contact.BlockedTx(ctx, tx, r.ContactID); err != nil {
					return r, err
				}
			}
		}
	}
	now := tx.Now()
	if blocked {
		// Stored, once, in no conversation (as an echo with none is):
		// nothing opens, so no workflow starts and nobody is told.
		r.Blocked = true
	} else if conv.ID == 0 && in.Kind == KindMessage {
		// Born with this message's times and with seq 2 reserved for its
		// message.received, saving the update below.
		conv, err = insertConv(ctx, tx, newConv{workspaceID: in.WorkspaceID, contactID: r.ContactID, channelID: in.ChannelID,
			source: SourceContact, messageAt: now, externalID: in.ExternalID})
		if err != nil {
			return r, err
		}
		r.Opened = true
	} else if conv.Status == StatusSnoozed && in.Kind == KindMessage && !in.Automatic {
		// An automatic reply is nobody writing back: the snooze holds.
		if err := unsnoozeTx(ctx, tx, conv, "contact_message", 0); err != nil {
			return r, err
		}
	}
	r.ConversationID = conv.ID
	if in.Type == "" {
		in.Type = "text"
	}
	if len(in.Media) > 0 {
		in.Content = withPendingAttachments(in.Content, in.Media)
	}
	if len(in.Content) == 0 {
		in.Content = json.RawMessage(`{}`)
	}
	err = tx.QueryRow(ctx, `INSERT INTO messages (workspace_id, conversation_id, contact_id, channel_id, direction, sender, type, text, content,
		provider_message_id, status, sent_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.WorkspaceID, nullID(conv.ID), r.ContactID, in.ChannelID, direction, sender, in.Type, in.Text, string(in.Content),
		provider, status, db.Millis(in.Timestamp), now).Scan(&r.MessageID)
	if err != nil {
		return r, fmt.Errorf("store message: %w", err)
	}
	linkMediaLater(tx, in.WorkspaceID, r.MessageID, in.Content, nil)
	if len(in.Media) > 0 {
		if err := queueMediaFetches(ctx, tx, in, r.MessageID); err != nil {
			return r, err
		}
	}
	// A blocked contact's writing is no activity of theirs to sort by.
	typ := event.MessageReceived
	if in.Kind == KindEcho {
		typ = event.MessageSent
	} else if _, err := tx.Exec(ctx, `UPDATE contacts SET last_incoming_at = ? WHERE id = ? AND blocked_at IS NULL`, now, r.ContactID); err != nil {
		return r, err
	}
	payload := map[string]any{"message_id": r.MessageID, "channel_id": in.ChannelID, "type": in.Type, "text": in.Text, "sender": sender}
	if blocked {
		payload["blocked"] = true
	}
	if in.Automatic {
		// Its consumers tell it from the contact's word: it answers no
		// question of a workflow, wakes no AI agent and leaves nobody
		// waiting in the reports.
		payload["automatic"] = true
	}
	if conv.ID == 0 {
		_, err = event.Append(ctx, tx, event.New{WorkspaceID: in.WorkspaceID, Type: typ, ContactID: r.ContactID, Payload: payload})
		return r, err
	}
	if conv.Status == StatusClosed {
		// An automatic reply's (see automaticTargetTx): the conversation
		// stays as it was — closed, its times, waiting and reads
		// unchanged — and gains the event its timeline shows.
		return r, appendEventSeq(ctx, tx, conv, typ, payload, 0)
	}
	// One statement updates the conversation and reserves the event's seq.
	var seq, autoClose int64
	if r.Opened {
		seq = 2 // its deadline was armed as it was born
	} else if in.Automatic {
		// Shown in its place, but nobody is owed an answer for it, and an
		// out-of-office does not keep a quiet conversation from closing.
		err = tx.QueryRow(ctx, `UPDATE conversations SET last_message_at = ?, last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq, auto_close_at`,
			now, conv.ID).Scan(&seq, &autoClose)
	} else if in.Kind == KindMessage {
		// The contact waits from their first message the business has not
		// answered yet; later ones do not move it.
		err = tx.QueryRow(ctx, `UPDATE conversations SET last_message_at = ?, last_incoming_at = ?, channel_id = ?, contact_external_id = ?,
			last_seq = last_seq + 1, waiting_since = CASE WHEN waiting_since = ? THEN ? ELSE waiting_since END,
			`+armAutoClose+` WHERE id = ? RETURNING last_seq, auto_close_at`, now, now, in.ChannelID, in.ExternalID, NotWaiting, now, now,
			byContact, conv.ID).Scan(&seq, &autoClose)
	} else {
		// An echo is the business answering from elsewhere: nobody waits.
		err = tx.QueryRow(ctx, `UPDATE conversations SET last_message_at = ?, last_seq = last_seq + 1, waiting_since = ?, `+armAutoClose+`
			WHERE id = ? RETURNING last_seq, auto_close_at`, now, NotWaiting, now, byOther, conv.ID).Scan(&seq, &autoClose)
	}
	if err != nil {
		return r, err
	}
	autoCloseArmed(tx, autoClose)
	return r, appendEventSeq(ctx, tx, conv, typ, payload, seq)
}

// openConversationOf returns the contact's open or snoozed conversation, or
// a zero Conversation; lock locks its row on PostgreSQL until tx ends.
func openConversationOf(ctx context.Context, tx *db.Tx, workspaceID, contactID int64, lock bool) (Conversation, error) {
	q := `SELECT ` + columns + ` FROM conversations WHERE contact_id = ? AND status <> 'closed'`
	if lock && tx.Dialect() == db.Postgres {
		q += ` FOR NO KEY UPDATE`
	}
	c, err := scan(tx.QueryRow(ctx, q, contactID))
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, nil
	}
	return c, err
}

// insertConversation opens a conversation and records conversation.opened.
// The unique index on open conversations turns a concurrent second opening
// into an error (on PostgreSQL the write door re-runs the caller, which then
// finds the first one).
func insertConversation(ctx context.Context, tx *db.Tx, workspaceID, contactID, channelID int64, source string, by int64) (Conversation, error) {
	return insertConv(ctx, tx, newConv{workspaceID: workspaceID, contactID: contactID, channelID: channelID, source: source, by: by})
}

// newConv describes a conversation to open. messageAt, when set, is the
// time of the contact message that opens it: the row then starts with that
// message's times and reserves seq 2 for its message.received event;
// externalID is then the contact's id on the channel it came from.
type newConv struct {
	workspaceID, contactID, channelID int64
	source                            string
	by                                int64
	messageAt                         int64
	externalID                        string
}

func insertConv(ctx context.Context, tx *db.Tx, n newConv) (Conversation, error) {
	workspaceID, contactID, channelID, source, by := n.workspaceID, n.contactID, n.channelID, n.source, n.by
	now := tx.Now()
	c := Conversation{WorkspaceID: workspaceID, ContactID: contactID, ChannelID: channelID, Status: StatusOpen,
		OpenedSource: source, OpenedBy: by, OpenedAt: db.Time(now), LastSeq: 1}
	waiting := NotWaiting
	if n.messageAt != 0 {
		c.LastSeq, c.LastMessageAt, c.LastIncomingAt = 2, db.Time(n.messageAt), db.Time(n.messageAt)
		c.WaitingSince, waiting = db.Time(n.messageAt), n.messageAt
	}
	// conversation.opened is the row's first event, hence seq 1.
	// Born with its auto-close deadline, if the workspace has one and
	// counts the opening as a message (armedOnOpening).
	var autoClose int64
	// A test contact's conversation is a test one (migration 023).
	err := tx.QueryRow(ctx, `INSERT INTO conversations (workspace_id, contact_id, channel_id, contact_external_id, status, opened_source,
		opened_by, opened_at, last_seq, last_message_at, last_incoming_at, waiting_since, auto_close_at, is_test) VALUES (?, ?, ?, ?, ?, ?, ?, ?,
		?, ?, ?, ?, COALESCE((SELECT ? + w.auto_close_ms FROM workspaces w WHERE w.id = ? AND `+armedOnOpening+`), 0),
		COALESCE((SELECT is_test FROM contacts WHERE id = ?), 0)) RETURNING id, auto_close_at`,
		workspaceID, contactID, nullID(channelID), n.externalID, StatusOpen, source, nullID(by), now, c.LastSeq, n.messageAt, n.messageAt,
		waiting, now, workspaceID, contactID).Scan(&c.ID, &autoClose)
	if err != nil {
		return c, fmt.Errorf("open conversation: %w", err)
	}
	autoCloseArmed(tx, autoClose)
	payload := map[string]any{"source": source, "contact_id": contactID}
	if by != 0 {
		payload["user_id"] = by
	}
	if channelID != 0 {
		payload["channel_id"] = channelID
	}
	return c, appendEventSeq(ctx, tx, c, event.ConversationOpened, payload, 1)
}
