package email

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// Deliver stores one raw message received on ch (by the SMTP listener or
// an IMAP poller): the raw message is saved to the media store, then the
// message is parsed and handed to the receive path. It returns once the
// message is durably stored; an error means it is not, and the sender
// (or the poller) must try again. A message already stored (the same
// Message-ID on the channel) is recognised and stored once. A bounce of
// one of the channel's replies is that reply's failure, not a message.
func (p *Provider) Deliver(ctx context.Context, ch channel.Channel, raw []byte) (conversation.Received, error) {
	return p.deliver(ctx, ch, raw, false)
}

// deliver is Deliver; cut says raw is only the first bytes of a larger
// mail (read over IMAP up to the node's limit): its text is stored, with
// a problem saying so, and none of its files, the last of which was cut
// short (fetched from the partial raw message, it reached the agent as a
// corrupt file).
func (p *Provider) deliver(ctx context.Context, ch channel.Channel, raw []byte, cut bool) (conversation.Received, error) {
	d := p.deps()
	if d.Receiver == nil {
		return conversation.Received{}, errors.New("email: deliver: the provider is not attached to the node")
	}
	e := Parse(raw)
	if cut {
		e.Problems = append(e.Problems, fmt.Sprintf("the mail is larger than the %d bytes this server keeps: its text up to there is kept, its %d attachments are not (the mailbox holds them)",
			p.maxMessageBytes(), len(e.Attachments)))
		e.Attachments = nil
	}
	if e.From.Address == "" {
		// A message without a sender still reaches the inbox, under the
		// address it came from as best known.
		e.From.Address = "unknown-sender@switchboard.invalid"
		e.Problems = append(e.Problems, "no From address")
	}
	if e.Bounce != nil {
		// A bounce of a reply of ours fails that reply with the remote
		// server's words: no customer wrote it. Any other bounce is mail.
		ours, err := p.sent(ctx, ch.ID, e.Bounce.MessageID)
		if err != nil {
			return conversation.Received{}, err
		}
		if ours {
			in := conversation.Inbound{Kind: conversation.KindStatus, WorkspaceID: ch.WorkspaceID,
				ChannelID: ch.ID, ProviderMessageID: e.Bounce.MessageID, Status: conversation.MsgFailed, Reason: e.Bounce.Reason}
			got, err := d.Receiver.Receive(ctx, []conversation.Inbound{in})
			if err != nil {
				return conversation.Received{}, fmt.Errorf("email: receive a bounce: %w", err)
			}
			d.Metrics.InboundMessages.WithLabelValues(Type, channel.Outcome(in, got[0])).Inc()
			return got[0], nil
		}
	}
	var rawID string
	stored, err := p.stored(ctx, ch.ID, e.MessageID)
	if err != nil {
		return conversation.Received{}, err
	}
	if !stored && d.Media != nil {
		rawID, err = d.Media.Save(ctx, ch.WorkspaceID, "message.eml", bytes.NewReader(raw))
		switch {
		case apperr.KindOf(err) == apperr.KindInvalid || apperr.KindOf(err) == apperr.KindTooLarge:
			// The store will not keep this raw message (its bytes look
			// binary, or it is over the limit): the message is stored all
			// the same, without its attachments.
			slog.Warn("email: raw message not kept", "channel", ch.ID, "message_id", e.MessageID, "err", err)
			e.Problems = append(e.Problems, "raw message not kept: "+err.Error())
			rawID = ""
		case err != nil:
			return conversation.Received{}, fmt.Errorf("email: keep the raw message: %w", err)
		}
	}
	in := Inbound(ch, e, rawID)
	got, err := d.Receiver.Receive(ctx, []conversation.Inbound{in})
	if err != nil {
		return conversation.Received{}, fmt.Errorf("email: receive: %w", err)
	}
	if got[0].Ignored != "" {
		// An automatic answer from an address with no conversation to go
		// in (see Inbound's Automatic): handled, so the sender gets its
		// 250 and the poller marks it read, but kept nowhere.
		slog.Info("email: an automatic reply not stored", "channel", ch.ID, "message_id", e.MessageID, "from", e.From.Address, "why", got[0].Ignored)
	}
	d.Metrics.InboundMessages.WithLabelValues(Type, channel.Outcome(in, got[0])).Inc()
	return got[0], nil
}

// stored says whether the channel already holds the message id, so a
// redelivery does not keep its raw message a second time.
func (p *Provider) stored(ctx context.Context, channelID int64, messageID string) (bool, error) {
	d := p.deps()
	if d.DB == nil {
		return false, nil
	}
	var one int
	err := d.DB.Reader().QueryRow(ctx, `SELECT 1 FROM messages WHERE channel_id = ? AND provider_message_id = ?`, channelID, messageID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("email: deliver: %w", err)
	}
	return true, nil
}

// sent says whether the channel sent the message id (a reply of ours).
func (p *Provider) sent(ctx context.Context, channelID int64, messageID string) (bool, error) {
	d := p.deps()
	if d.DB == nil {
		return false, nil
	}
	var one int
	err := d.DB.Reader().QueryRow(ctx, `SELECT 1 FROM messages WHERE channel_id = ? AND provider_message_id = ? AND direction = 'out'`, channelID, messageID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("email: deliver: %w", err)
	}
	return true, nil
}
