package outbound

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// recordTimeout bounds the writes after an attempt. They run even when the
// dispatcher is stopping: a message the provider accepted must be recorded
// as sent, or it would be sent again.
const recordTimeout = 10 * time.Second

// process makes one delivery attempt of a claimed job and records it.
func (d *Dispatcher) process(ctx context.Context, j job) {
	log := d.log.With("job_id", j.id, "message_id", j.messageID)
	// sending names the channel type while the provider's sender runs.
	var sending string
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		log.Error("delivery attempt panicked", "panic", p, "stack", string(debug.Stack()))
		if sending != "" {
			// A sender's bug counts as a failed attempt, retried with the
			// same Idempotency-Key and failed for good after the last:
			// left leased, a send that always panics was retried forever
			// and held back the contact's next messages.
			d.settle(ctx, log, j, sending, outcome{err: fmt.Errorf("the %s sender panicked: %v", sending, p), sent: true})
		}
		// Otherwise the job stays leased: another attempt follows when
		// the lease ends.
	}()
	msg, replyTo, err := loadMessage(ctx, d.db.Reader(), j.messageID)
	if errors.Is(err, sql.ErrNoRows) {
		return // deleted with its conversation; the job went with it
	}
	if err != nil {
		d.settle(ctx, log, j, "", outcome{err: err})
		return
	}
	ctx = db.WithWorkspace(ctx, msg.WorkspaceID) // its writes in its workspace's lane of the writer
	// Its record appends message.status to the conversation: the row is
	// locked with the batch's others, in one order (db.WithRowLocks).
	ctx = db.WithRows(ctx, "conversations", msg.ConversationID)
	if msg.Status != conversation.MsgPending {
		// Already settled (the job's own record was lost): never send twice.
		log.Warn("outbound job of a message that is no longer pending", "status", msg.Status)
		d.settle(ctx, log, j, "", outcome{stale: msg.Status})
		return
	}
	ch, err := d.opts.Channels.Read(ctx, j.channelID)
	if apperr.KindOf(err) == apperr.KindNotFound {
		err = Permanent("the channel no longer exists")
	}
	if err != nil {
		d.settle(ctx, log, j, "", outcome{err: err})
		return
	}
	sender := d.senders[ch.Type]
	if sender == nil {
		d.settle(ctx, log, j, ch.Type, outcome{err: Permanent(fmt.Sprintf("channels of type %q cannot send messages", ch.Type))})
		return
	}
	// A missing identity can never be sent to: fail at once. Any other
	// error is the store's and is retried.
	external, err := contact.IdentityOf(ctx, d.db.Reader(), ch.ID, msg.ContactID, replyTo)
	if errors.Is(err, apperr.ErrNotFound) {
		err = Permanent(err.Error())
	}
	if err != nil {
		d.settle(ctx, log, j, ch.Type, outcome{err: err})
		return
	}
	sendCtx, cancel := context.WithTimeout(ctx, d.opts.Lease*3/4)
	sendCtx = channel.WithPartLog(sendCtx, d.partsOf(j))
	sending = ch.Type
	providerID, err := sender.Send(sendCtx, ch, external, msg)
	sending = ""
	cancel()
	d.settle(ctx, log, j, ch.Type, outcome{providerID: providerID, err: err, sent: true})
}

// loadMessage reads the fields of an outbound message a Sender needs, and
// the contact's id its conversation was last written from (replyTo; ""
// when none was), which the send addresses if it is on the message's
// channel.
func loadMessage(ctx context.Context, q db.Querier, id int64) (m conversation.Message, replyTo string, err error) {
	var content string
	var conv sql.NullInt64
	var sender sql.NullInt64
	var provider sql.NullString
	var created int64
	err = q.QueryRow(ctx, `SELECT m.id, m.workspace_id, m.conversation_id, m.contact_id, m.channel_id, m.direction, m.sender,
		m.sender_user_id, COALESCE(m.ai, ''), m.type, m.text, m.content, m.provider_message_id, m.status, m.created_at,
		COALESCE(c.contact_external_id, '')
		FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?`, id).
		Scan(&m.ID, &m.WorkspaceID, &conv, &m.ContactID, &m.ChannelID, &m.Direction, &m.Sender, &sender,
			&m.AI, &m.Type, &m.Text, &content, &provider, &m.Status, &created, &replyTo)
	if err != nil {
		return m, "", fmt.Errorf("outbound: load message %d: %w", id, err)
	}
	m.ConversationID, m.SenderUserID, m.ProviderMessageID = conv.Int64, sender.Int64, provider.String
	m.Content, m.CreatedAt = json.RawMessage(content), db.Time(created)
	return m, replyTo, nil
}
