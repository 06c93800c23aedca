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

// receipt records what the visitor's widget says of the business's
// messages up to messageID, as a provider's report would:
// conversation.MsgDelivered when the widget has that reply (from its
// history or its socket), conversation.MsgRead when it shows it with its
// panel open. The reply takes the status, and so does every reply sent
// to the visitor before it was written (a watermark at its creation): the
// widget has those too. Only a reply to this visitor on this channel
// counts, and a status never goes back (read stays read). A receipt is a
// hint: one refused (the visitor's own rate, a failed write) is logged at
// most and never closes the socket; the widget says it again with its
// next reply.
func (vs *visitorSocket) receipt(ctx context.Context, messageID int64, status string) {
	c := vs.contact.Load()
	if c == 0 || messageID <= 0 {
		return
	}
	if ok, _ := vs.api.visitors.Take(fmt.Sprintf("%d %s %s", vs.q.ch.ID, status, vs.v.VisitorID)); !ok {
		return
	}
	var created int64
	err := vs.api.deps.DB.Reader().QueryRow(ctx, `SELECT created_at FROM messages
		WHERE id = ? AND contact_id = ? AND channel_id = ? AND direction = 'out'`, messageID, c, vs.q.ch.ID).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return // not a reply to this visitor
	}
	if err == nil {
		report := conversation.Inbound{Kind: conversation.KindStatus, WorkspaceID: vs.q.ch.WorkspaceID, ChannelID: vs.q.ch.ID,
			ExternalID: vs.v.VisitorID, Status: status}
		// The reply itself by its id: kept until its send is recorded if
		// the widget had it first (it shows a reply once stored, and the
		// push most often comes before the send's record).
		one, upTo := report, report
		one.ProviderMessageID = providerMessageID(vs.q.ch.ID, messageID)
		upTo.Watermark = db.Time(created)
		_, err = vs.api.in.Receiver.Receive(ctx, []conversation.Inbound{one, upTo})
	}
	if err != nil && ctx.Err() == nil {
		slog.Warn("widget: the visitor's receipt was not recorded", "channel_id", vs.q.ch.ID, "message_id", messageID,
			"status", status, "err", err)
	}
}
