package app

import (
	"context"
	"net/http"

	"github.com/switchboard-chat/switchboard/web"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// outboundGuard is the node's one guarded HTTP client for every call made
// on a workspace's behalf (channel sends, the HTTP Request step, and any
// later webhook, provider or AI call), built on first use from the
// operator's allowed ranges.
func (a *App) outboundGuard() *netguard.Guard {
	if a.guard == nil {
		a.guard = netguard.New(netguard.Options{Allow: a.cfg.AllowPrivateNetworks})
	}
	return a.guard
}

// wireChannels mounts the providers' webhooks and builds the outbound dispatcher and
// the HTTP handler.
func (a *App) wireChannels(ctx context.Context) error {
	reg := a.Channels.Registry()
	dispatcher := outbound.New(a.DB, reg.Senders(), a.Metrics, outbound.Options{Group: a.Background, Due: a.Due,
		Node: a.node.ID(), Lease: 2 * a.cfg.Lease, Channels: a.Channels, BaseDelay: a.cfg.SendRetryDelay, MaxDelay: a.cfg.SendRetryMaxDelay})
	a.engines = append(a.engines, dispatcher.Run)
	a.wireMediaFetch()
	var metricsHandler http.Handler // with a listener of their own, not on the main address
	if a.cfg.MetricsAddr == "" {
		metricsHandler = a.Metrics.Handler()
	}
	tail, err := event.NewTail(ctx, a.DB, a.Hub, a.Background)
	if err != nil {
		return err
	}
	a.engines = append(a.engines, tail.Run)
	a.Metrics.Register(tail.Collector())
	liveHub := a.typingHub()
	a.attachWidget(tail, liveHub)
	if err := a.attachEmail(); err != nil {
		return err
	}
	a.attachTelegram()
	webhooks, err := reg.Routes(channel.Inbox{Channels: a.Channels, Receiver: a.webhookReceiver(), Metrics: a.Metrics})
	if err != nil {
		return err
	}
	a.Handler = httpapi.New(httpapi.Deps{
		Live:                  liveHub,
		Signs:                 channel.NewSigns(a.Channels, a.DB, nil),
		DB:                    a.DB,
		Tail:                  tail,
		Workspaces:            a.Workspaces,
		Contacts:              a.Contacts,
		Conversations:         a.Conversations,
		Channels:              a.Channels,
		Workflows:             a.Workflows,
		Routing:               a.Routing,
		Reports:               a.Reports,
		Satisfaction:          a.Satisfaction,
		Broadcasts:            a.Broadcasts,
		Snippets:              a.Snippets,
		AI:                    a.AI,
		AIAgents:              a.AIAgents,
		Knowledge:             a.Knowledge,
		OutgoingWebhooks:      a.Webhooks,
		Media:                 a.Media,
		PublicURL:             a.cfg.PublicURL,
		Webhooks:              webhooks,
		Metrics:               metricsHandler,
		Instruments:           a.Metrics,
		MetricsToken:          a.cfg.MetricsToken,
		Limits:                a.cfg.Limits,
		TrustedProxies:        a.cfg.TrustedProxies,
		Mailer:                a.cfg.Mailer,
		NotificationMailAfter: a.cfg.NotificationMailAfter,
		App:                   web.Handler(),
	})
	return nil
}
