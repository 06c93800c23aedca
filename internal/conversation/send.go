package conversation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// SendInput is an outbound message to a conversation's contact.
type SendInput struct {
	Type    string          `json:"type"` // text (default), attachment, quick_reply, …
	Text    string          `json:"text"`
	Content json.RawMessage `json:"content"` // the channel-level message object for non-text types
	Sender  string          `json:"-"`       // user, workflow or api
	UserID  int64           `json:"-"`
	// ChannelID, when set, sends on that channel (the contact must have an
	// identity there) instead of the conversation's.
	ChannelID int64 `json:"-"`
	// Windows, when set, enforces the channel's customer-service window
	// (Send sets the service's; workflow steps pass theirs to SendTx).
	Windows Windows `json:"-"`
	// Templates, when set, checks a message of type template against its
	// channel's templates and replaces its text and content with the
	// template's, rendered (Send sets the service's; a workflow's step
	// checks its template itself).
	Templates Templates `json:"-"`
	// AI marks a message written with AI: AIDraft (an agent sent an AI
	// draft, edited or not) or AIAgent (an AI agent member wrote it: every
	// send on an AI agent's behalf must set it). It is stored on the
	// message and carried by the message.sent event, and reports never
	// count such a message as a person's response.
	AI string `json:"-"`
	// Before are events of the conversation the caller queued (a
	// workflow's timeline) to be appended just before the message's own,
	// with the sequence numbers before its: the send's one update of the
	// conversation reserves them too, instead of one more of the
	// caller's. They are appended only if the send succeeds.
	Before []event.New `json:"-"`
	// AfterClose sends to a closed conversation, which must be closed: the
	// message (a satisfaction survey) is recorded in it without reopening
	// it, moving its last message or arming its auto-close.
	AfterClose bool `json:"-"`
}

// Send stores an outbound message as pending and queues it for delivery in
// the same transaction, so a committed send is never forgotten: the
// outbound dispatcher picks it up (and after a crash, picks it up again).
// On PostgreSQL it runs beside other writes, as a workflow's sends do
// (SendTx): the conversation's row, named to the committer, orders it
// with the receives and steps of the same conversation.
func (s *Service) Send(ctx context.Context, p Principal, conversationID int64, in SendInput) (Message, error) {
	var m Message
	err := s.db.WriteConcurrent(db.WithRows(ctx, "conversations", conversationID), func(tx *db.Tx) error {
		if err := mayAct(ctx, tx, p, conversationID); err != nil {
			return err
		}
		var err error
		if in.Windows == nil {
			in.Windows = s.windows
		}
		if in.Templates == nil {
			in.Templates = s.templates
		}
		m, err = SendTx(ctx, tx, p.WorkspaceID, conversationID, in)
		return err
	})
	return m, wrap("send", err)
}

// DueOutbound names the outbound dispatcher's work for db.Tx.Due: a job
// inserted here is due at once, and the dispatchers hear of it on commit.
const DueOutbound = "outbound"

// check cleans in and refuses what no channel could send, before any
// read: a type, text within bounds, content that is a JSON object, a
// known sender and AI mark. template reports a template message to be
// checked and rendered against its channel's templates.
func (in *SendInput) check() (template bool, err error) {
	if in.Type == "" {
		in.Type = "text"
	}
	in.Text = strings.TrimSpace(in.Text)
	// A checked template's text is the template's own, rendered from the
	// channel's copy below: the client's need not be what the contact
	// reads, so it is not kept (nor compared: clients render spacing and
	// headers their own way).
	template = in.Type == MessageTypeTemplate && in.Templates != nil
	if template {
		in.Text = ""
	}
	if err := limit.Text("type", in.Type, MaxTypeLen); err != nil {
		return false, err
	}
	if in.Type == "text" && in.Text == "" {
		return false, apperr.Invalid("text", "is required for a text message")
	}
	if err := limit.Text("text", in.Text, MaxTextLen); err != nil {
		return false, err
	}
	// The content is the channel-level message object, which every
	// sender reads as an object: another value was accepted here and then
	// failed the message for good at its send. null (a client's unset
	// member) is no content.
	content := bytes.TrimSpace(in.Content)
	switch {
	case len(content) == 0 || string(content) == "null":
		in.Content = json.RawMessage(`{}`)
	case !json.Valid(content):
		return false, apperr.Invalid("content", "must be JSON")
	case content[0] != '{':
		return false, apperr.Invalid("content", "must be a JSON object (the channel-level message)")
	case len(in.Content) > MaxContentBytes:
		return false, apperr.Invalid("content", "is %d bytes of JSON; at most %d are allowed", len(in.Content), MaxContentBytes)
	}
	if in.Text == "" && string(in.Content) == "{}" && !template {
		// Nothing for any channel to send: refused now rather than
		// accepted and then failed for good by the sender.
		return false, apperr.Invalid("text", "a %s message needs its text or its content", in.Type)
	}
	switch in.Sender {
	case SourceUser, SourceWorkflow, SourceAPI:
	default:
		return false, apperr.Invalid("sender", "must be user, workflow or api")
	}
	switch in.AI {
	case "", AIDraft, AIAgent:
	default:
		return false, apperr.Invalid("ai", "must be draft, agent or absent")
	}
	return template, nil
}

// SendTx is Send inside tx, for callers (workflow steps) whose own state
// must commit together with the message. Outside the channel's window
// (in.Windows) free text is refused with 409 reply_window_closed.
func SendTx(ctx context.Context, tx *db.Tx, workspaceID, conversationID int64, in SendInput) (Message, error) {
	template, err := in.check()
	if err != nil {
		return Message{}, err
	}
	c, err := getForSend(ctx, tx, workspaceID, conversationID, in.AfterClose)
	if err != nil {
		return Message{}, err
	}
	if in.ChannelID != 0 && in.ChannelID != c.ChannelID {
		if _, err := contact.IdentityOf(ctx, tx, in.ChannelID, c.ContactID, ""); apperr.KindOf(err) == apperr.KindNotFound {
			return Message{}, apperr.Invalid("channel_id", "the contact has no identity on channel %d", in.ChannelID)
		} else if err != nil {
			return Message{}, err
		}
		c.ChannelID = in.ChannelID
	}
	if c.ChannelID == 0 {
		return Message{}, apperr.Conflict("conversation %d has no channel to send on", conversationID)
	}
	if template {
		if err := in.render(ctx, tx, workspaceID, c.ChannelID); err != nil {
			return Message{}, err
		}
	}
	for _, ev := range in.Before {
		if ev.ConversationID != c.ID || ev.Seq != 0 {
			return Message{}, fmt.Errorf("conversation: send: an event before the message must be conversation %d's, without a seq", c.ID)
		}
	}
	if err := checkWindow(ctx, tx, in.Windows, c.ContactID, c.ChannelID, &in); err != nil {
		return Message{}, err
	}
	now := tx.Now()
	m := Message{WorkspaceID: workspaceID, ConversationID: c.ID, ContactID: c.ContactID, ChannelID: c.ChannelID}
	if err := insertOutbound(ctx, tx, &m, in); err != nil {
		return m, err
	}
	// A reply, from an agent or a workflow, answers whoever was waiting.
	// The same statement reserves the message.sent event's sequence
	// number (and those of the events before it), which the event log
	// would otherwise take with one of its own, and moves the auto-close
	// deadline.
	by := in.autoCloseBy()
	var seq, autoClose int64
	if in.AfterClose {
		err = tx.QueryRow(ctx, `UPDATE conversations SET last_seq = last_seq + ? WHERE id = ? RETURNING last_seq`, 1+len(in.Before), c.ID).Scan(&seq)
	} else {
		err = tx.QueryRow(ctx, `UPDATE conversations SET last_message_at = ?, last_seq = last_seq + ?, waiting_since = ?,
		last_human_sent_at = CASE WHEN ? = 'person' THEN ? ELSE last_human_sent_at END, `+armAutoClose+`
		WHERE id = ? RETURNING last_seq, auto_close_at`, now, 1+len(in.Before), NotWaiting, by, now, now, by, c.ID).Scan(&seq, &autoClose)
	}
	if err != nil {
		return m, err
	}
	autoCloseArmed(tx, autoClose)
	for i, ev := range in.Before {
		ev.Seq = seq - int64(len(in.Before)-i)
		if _, err := event.Append(ctx, tx, ev); err != nil {
			return m, err
		}
	}
	return m, appendEventSeq(ctx, tx, c, event.MessageSent, sentPayload(m, in), seq)
}

// getForSend reads the conversation a send writes to, locked: an open one,
// or with afterClose a closed one.
func getForSend(ctx context.Context, tx *db.Tx, workspaceID, id int64, afterClose bool) (Conversation, error) {
	if !afterClose {
		return getOpen(ctx, tx, workspaceID, id)
	}
	c, err := getLocked(ctx, tx, workspaceID, id)
	if err == nil && c.Status != StatusClosed {
		err = apperr.Conflict("conversation %d is not closed", id)
	}
	return c, err
}

// autoCloseBy says how auto-close counts the message (armAutoClose): a
// person's when a user sent it and no AI agent wrote it — the composer,
// or the API on a user's behalf, an AI draft included since a person
// chose to send it. A workflow's, a workspace token's and an AI agent's
// (sent as its member, marked AIAgent) are not.
func (in SendInput) autoCloseBy() string {
	if in.Sender == SourceUser && in.AI != AIAgent {
		return byPerson
	}
	return byOther
}

// render replaces a template message's text and content with its
// channel's template, rendered with the message's parameters.
func (in *SendInput) render(ctx context.Context, tx *db.Tx, workspaceID, channelID int64) error {
	var err error
	if in.Content, in.Text, err = in.Templates.TemplateMessageTx(ctx, tx, workspaceID, channelID, in.Content); err != nil {
		return err
	}
	if n := limit.Len(in.Text); n > MaxTextLen {
		return apperr.Invalid("content.params", "the template's text with these parameters is %d characters long; at most %d are allowed", n, MaxTextLen)
	}
	return limit.Text("content.params", in.Text, MaxTextLen)
}

// insertOutbound stores m (its workspace, conversation — 0 for none —,
// contact and channel set) as in's pending outbound message, and queues
// its delivery.
func insertOutbound(ctx context.Context, tx *db.Tx, m *Message, in SendInput) error {
	now := tx.Now()
	m.Direction, m.Sender, m.SenderUserID, m.Type, m.Text, m.Content = "out", in.Sender, in.UserID, in.Type, in.Text, in.Content
	m.Status, m.CreatedAt, m.AI = MsgPending, db.Time(now), in.AI
	var aiMark any // NULL for a message a person wrote
	if in.AI != "" {
		aiMark = in.AI
	}
	if err := tx.QueryRow(ctx, `INSERT INTO messages (workspace_id, conversation_id, contact_id, channel_id, direction, sender, sender_user_id,
		type, text, content, status, created_at, ai) VALUES (?, ?, ?, ?, 'out', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.WorkspaceID, nullID(m.ConversationID), m.ContactID, m.ChannelID, in.Sender, nullID(in.UserID), in.Type, in.Text, string(in.Content), MsgPending, now,
		aiMark).Scan(&m.ID); err != nil {
		return err
	}
	linkMediaLater(tx, m.WorkspaceID, m.ID, in.Content, nil)
	// Its pending status and its delivery job go in with those of the
	// write's other sends, once it ends (a workflow stage sends for many
	// runs): nothing reads them before the dispatcher, after the commit.
	tx.InsertLater(`INSERT INTO message_statuses (message_id, status, at) VALUES `, `(?, ?, ?)`, m.ID, MsgPending, now)
	tx.InsertLater(`INSERT INTO outbound_jobs (message_id, channel_id, contact_id, next_attempt_at, created_at) VALUES `, `(?, ?, ?, ?, ?)`,
		m.ID, m.ChannelID, m.ContactID, now, now)
	tx.Due(DueOutbound, now)
	return nil
}

// sentPayload is the payload of m's message.sent event.
func sentPayload(m Message, in SendInput) map[string]any {
	payload := map[string]any{"message_id": m.ID, "channel_id": m.ChannelID, "type": in.Type, "text": in.Text, "sender": in.Sender}
	if in.UserID != 0 {
		payload["user_id"] = in.UserID
	}
	if in.AI != "" {
		payload["ai"] = in.AI
	}
	return payload
}

// Check refuses a message no channel could send (SendTx's first checks),
// for one stored to be sent later (a broadcast's).
func (in SendInput) Check() error {
	_, err := in.check()
	return err
}
