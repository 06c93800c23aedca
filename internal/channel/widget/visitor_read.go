package widget

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// markRead records that the visitor read the business's messages up to
// messageID, the newest reply their widget shows with its panel open: it
// is read, and so is every reply sent to them before it was written (a
// watermark at its creation). Only a reply to this visitor on this
// channel counts. A read is a hint: one refused (the visitor's own rate,
// a failed write) is logged at most and never closes the socket; the
// widget says it again with its next reply shown.
func (vs *visitorSocket) markRead(ctx context.Context, messageID int64) {
	c := vs.contact.Load()
	if c == 0 || messageID <= 0 {
		return
	}
	if ok, _ := vs.api.visitors.Take(fmt.Sprintf("%d read %s", vs.q.ch.ID, vs.v.VisitorID)); !ok {
		return
	}
	var created int64
	err := vs.api.deps.DB.Reader().QueryRow(ctx, `SELECT created_at FROM messages
		WHERE id = ? AND contact_id = ? AND channel_id = ? AND direction = 'out'`, messageID, c, vs.q.ch.ID).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return // not a reply to this visitor
	}
	if err == nil {
		read := conversation.Inbound{Kind: conversation.KindStatus, WorkspaceID: vs.q.ch.WorkspaceID, ChannelID: vs.q.ch.ID,
			ExternalID: vs.v.VisitorID, Status: conversation.MsgRead}
		// The reply itself by its id: kept until its send is recorded if
		// the visitor read it first (the widget shows a reply once stored).
		one, upTo := read, read
		one.ProviderMessageID = providerMessageID(vs.q.ch.ID, messageID)
		upTo.Watermark = db.Time(created)
		_, err = vs.api.in.Receiver.Receive(ctx, []conversation.Inbound{one, upTo})
	}
	if err != nil && ctx.Err() == nil {
		slog.Warn("widget: the visitor's read was not recorded", "channel_id", vs.q.ch.ID, "message_id", messageID, "err", err)
	}
}
