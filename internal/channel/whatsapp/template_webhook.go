package whatsapp

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// fieldTemplateStatus is the webhook field of a message template's
// status change, sent for the WhatsApp Business Account (the entry's id)
// when the app subscribes to it.
const fieldTemplateStatus = "message_template_status_update"

// restrictions are the events that are a template's new status, one
// that may not be sent, as the template list's status field names it:
// stored in place at once, whatever the Graph API's state. DELETED
// removes the template. Any other event (APPROVED, REINSTATED,
// UNARCHIVED, UNLOCKED, …) makes it sendable, or says what happened
// rather than the status it is left in, so the list is read again: an
// approval may follow an edit, whose new body the stored one is not.
var restrictions = map[string]bool{
	"REJECTED": true, "PENDING": true, "PAUSED": true, "DISABLED": true,
	"FLAGGED": true, "IN_APPEAL": true, "PENDING_DELETION": true,
}

// templateSyncTimeout bounds the sync a delivery may cause: Meta waits
// for the answer, and the next sync (by hand or by a later change) reads
// the same list.
const templateSyncTimeout = 15 * time.Second

// applyTemplateChanges stores the status changes env reports for the
// channel's business account. A change the stored list cannot take by
// itself (an approval, a template made since the last sync, an event
// that is not a status) has the channel's templates synced once for the
// whole delivery, or not at all when a sync begun since the delivery
// arrived has read them (SyncTemplatesSince). The sync's failure is
// logged, not answered: nothing of the delivery is lost by it, since the
// list is the provider's to read again, and until then the template
// stays as it was (not sendable, if it was not).
func (h *Webhook) applyTemplateChanges(ctx context.Context, ch channel.Channel, s settings, env Envelope) error {
	arrived := h.kit.Channels.Clock().Now()
	sync := false
	for _, e := range env.Entry {
		if e.ID != s.BusinessAccountID {
			continue
		}
		var at time.Time
		if n, err := e.Time.Int64(); err == nil && n > 0 {
			at = time.Unix(n, 0)
		}
		for _, c := range e.Changes {
			if c.Field != fieldTemplateStatus {
				continue
			}
			v := c.Value
			event := strings.ToUpper(v.Event)
			slog.Info("whatsapp: a message template changed", "channel", ch.ID, "workspace", ch.WorkspaceID,
				"template", limit.Clip(v.TemplateName, 100), "language", limit.Clip(v.TemplateLanguage, 20),
				"event", limit.Clip(event, 40), "reason", limit.Clip(v.Reason, 300))
			if !restrictions[event] && event != "DELETED" {
				sync = true
				continue
			}
			known, err := h.kit.Channels.ApplyTemplateChange(ctx, ch, channel.TemplateChange{
				Name: v.TemplateName, Language: v.TemplateLanguage, Status: event, Deleted: event == "DELETED", At: at})
			if err != nil {
				return err
			}
			if !known && event != "DELETED" {
				sync = true
			}
		}
	}
	if sync {
		ctx, cancel := context.WithTimeout(ctx, templateSyncTimeout)
		defer cancel()
		if err := h.kit.Channels.SyncTemplatesSince(ctx, ch.WorkspaceID, ch.ID, arrived); err != nil {
			slog.Warn("whatsapp: a template change asked for the templates, and they could not be read", "channel", ch.ID,
				"workspace", ch.WorkspaceID, "err", limit.Clip(err.Error(), 300))
		}
	}
	return nil
}
