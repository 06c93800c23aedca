package conversation

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// SendToContactTx stores an outbound message to a contact on a channel in
// no conversation, and queues it for delivery, as Send does for one: a
// broadcast's message, which opens nothing (the contact's answer does, as
// any message from them). The contact must have an identity on the
// channel and not be blocked; the channel's window and templates are
// in.Windows' and in.Templates' rules, as for a conversation. Its
// message.sent event carries extra in its payload (the broadcast's id)
// and no conversation, so reports, workflows and AI agents pass it by.
func SendToContactTx(ctx context.Context, tx *db.Tx, workspaceID, contactID, channelID int64, in SendInput, extra map[string]any) (Message, error) {
	template, err := in.check()
	if err != nil {
		return Message{}, err
	}
	if _, err := contact.IdentityOf(ctx, tx, channelID, contactID, ""); apperr.KindOf(err) == apperr.KindNotFound {
		return Message{}, apperr.Invalid("channel_id", "the contact has no identity on channel %d", channelID)
	} else if err != nil {
		return Message{}, err
	}
	if blocked, err := contact.BlockedTx(ctx, tx, contactID); err != nil {
		return Message{}, err
	} else if blocked {
		return Message{}, apperr.WithCode(apperr.KindConflict, "contact_blocked", "the contact is blocked")
	}
	if template {
		if err := in.render(ctx, tx, workspaceID, channelID); err != nil {
			return Message{}, err
		}
	}
	if err := checkWindow(ctx, tx, in.Windows, contactID, channelID, &in); err != nil {
		return Message{}, err
	}
	m := Message{WorkspaceID: workspaceID, ContactID: contactID, ChannelID: channelID}
	if err := insertOutbound(ctx, tx, &m, in); err != nil {
		return m, err
	}
	payload := sentPayload(m, in)
	for k, v := range extra {
		payload[k] = v
	}
	_, err = event.Append(ctx, tx, event.New{WorkspaceID: workspaceID, Type: event.MessageSent, ContactID: contactID, Payload: payload})
	return m, err
}
