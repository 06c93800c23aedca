package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// table is the route table: method, pattern, and who may call it. Health
// probes and channel webhooks sit at the root; everything else under
// /api/v1 with a bearer token.
func (s *Server) table() []Route {
	r := func(method, pattern string, h http.Handler) Route { return Route{method, pattern, h} }
	return []Route{
		r("GET", "/healthz", public(s.healthz)),
		r("GET", "/readyz", public(s.readyz)),
		r("GET", "/metrics", s.deps.Metrics),
		r("GET", "/api/openapi.json", public(s.openAPI)),

		// Channel webhooks authenticate with the channel's own token.
		r("POST", "/channels/custom/{channelID}/webhook", s.deps.CustomWebhook),
		r("POST", "/custom/channel/webhook", s.deps.CustomWebhook),

		r("POST", "/api/v1/auth/login", public(s.login)),
		r("GET", "/api/v1/me", s.authed(anyone, s.me)),

		r("GET", "/api/v1/conversations", s.authed(anyone, s.listConversations)),
		r("POST", "/api/v1/conversations", s.authed(anyone, s.openConversation)),
		r("GET", "/api/v1/conversations/{conversationID}", s.authed(anyone, s.getConversation)),
		r("POST", "/api/v1/conversations/{conversationID}/close", s.authed(anyone, s.closeConversation)),
		r("POST", "/api/v1/conversations/{conversationID}/assign", s.authed(anyone, s.assignConversation)),
		r("POST", "/api/v1/conversations/{conversationID}/unassign", s.authed(anyone, s.unassignConversation)),
		r("POST", "/api/v1/conversations/{conversationID}/snooze", s.authed(anyone, s.snoozeConversation)),
		r("POST", "/api/v1/conversations/{conversationID}/unsnooze", s.authed(anyone, s.unsnoozeConversation)),
		r("GET", "/api/v1/conversations/{conversationID}/messages", s.authed(anyone, s.listMessages)),
		r("POST", "/api/v1/conversations/{conversationID}/messages", s.authed(anyone, s.sendMessage)),
		r("GET", "/api/v1/conversations/{conversationID}/comments", s.authed(anyone, s.listComments)),
		r("POST", "/api/v1/conversations/{conversationID}/comments", s.authed(anyone, s.addComment)),
		r("GET", "/api/v1/conversations/{conversationID}/events", s.authed(anyone, s.conversationEvents)),
		r("GET", "/api/v1/messages/{messageID}", s.authed(anyone, s.getMessage)),

		r("GET", "/api/v1/events", s.authed(anyone, s.listEvents)),
		r("GET", "/api/v1/events/stream", s.authed(anyone, s.streamEvents)),
	}
}

func notFoundRoute(r *http.Request) error {
	return apperr.NotFound("route " + r.Method + " " + r.URL.Path)
}
