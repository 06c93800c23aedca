package conversation

import (
	"context"
	"database/sql"
	"errors"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Why an automatic reply was not stored (Received.Ignored).
const (
	IgnoredAutomaticNoContact      = "an automatic reply from an address no contact has on the channel"
	IgnoredAutomaticNoConversation = "an automatic reply from a contact with no conversation"
)

// automaticTargetTx finds where an automatic reply (Inbound.Automatic)
// goes, opening and reopening nothing: the contact's open (or snoozed)
// conversation, locked as receiveTx locks it, where it is any message;
// else the contact's latest conversation, closed, which it joins without
// reopening it. A sender no contact has on the channel, or a contact
// without any conversation, has nothing it could answer: ignored says
// why, and nothing is stored (nor a contact made).
func automaticTargetTx(ctx context.Context, tx *db.Tx, in Inbound) (contactID int64, c Conversation, ignored string, err error) {
	if contactID, err = contact.IdentityContact(ctx, tx, in.ChannelID, in.ExternalID); err != nil {
		return 0, c, "", err
	}
	if contactID == 0 {
		return 0, c, IgnoredAutomaticNoContact, nil
	}
	if c, err = openConversationOf(ctx, tx, in.WorkspaceID, contactID, true); err != nil || c.ID != 0 {
		return contactID, c, "", err
	}
	// Locked too: its seq grows with the message's event.
	q := `SELECT ` + columns + ` FROM conversations WHERE contact_id = ? ORDER BY id DESC LIMIT 1`
	if tx.Dialect() == db.Postgres {
		q += ` FOR NO KEY UPDATE`
	}
	c, err = scan(tx.QueryRow(ctx, q, contactID))
	if errors.Is(err, sql.ErrNoRows) {
		return contactID, c, IgnoredAutomaticNoConversation, nil
	}
	return contactID, c, "", err
}
