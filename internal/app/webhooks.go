package app

import (
	"github.com/switchboard-chat/switchboard/internal/webhook"
)

// wireWebhooks builds the outgoing webhooks: the service (URLs vetted by
// the node's guard, secrets sealed with the node's key) and the
// dispatcher, a consumer of the log whose deliveries are the node's timed
// work.
func (a *App) wireWebhooks() {
	a.Webhooks = webhook.New(a.DB, webhook.Options{Guard: a.outboundGuard(), Keys: a.keys})
	disp := a.Webhooks.NewDispatcher(webhook.DispatcherOptions{Node: a.node.ID(), Lease: 2 * a.cfg.Lease,
		Due: a.Due, Group: a.Background, Hub: a.Hub})
	a.engines = append(a.engines, disp.Run)
	a.Metrics.Register(disp.Collector())
}
