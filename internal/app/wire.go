package app

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/httpapi"
)

// wireChannels builds the channel webhooks, the outbound dispatcher and
// the HTTP handler.
func (a *App) wireChannels() error {
	a.Handler = httpapi.New(httpapi.Deps{
		DB:            a.DB,
		Hub:           a.Hub,
		Workspaces:    a.Workspaces,
		Contacts:      a.Contacts,
		Conversations: a.Conversations,
		Channels:      a.Channels,
		CustomWebhook: http.NotFoundHandler(),
		Metrics:       a.Metrics.Handler(),
	})
	return nil
}
