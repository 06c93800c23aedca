// Package httpapi is the HTTP surface: the route table, authentication,
// error mapping and the handlers that translate between JSON and the
// domain. It holds no business logic.
package httpapi

import (
	"context"
	"github.com/switchboard-chat/switchboard/internal/assist"
	"github.com/switchboard-chat/switchboard/internal/broadcast"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/aiagent"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
	"github.com/switchboard-chat/switchboard/internal/live"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/ratelimit"
	"github.com/switchboard-chat/switchboard/internal/report"
	"github.com/switchboard-chat/switchboard/internal/routing"
	"github.com/switchboard-chat/switchboard/internal/satisfaction"
	"github.com/switchboard-chat/switchboard/internal/snippet"
	"github.com/switchboard-chat/switchboard/internal/sysmail"
	"github.com/switchboard-chat/switchboard/internal/webhook"
	"github.com/switchboard-chat/switchboard/internal/workflow"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// Deps are the parts the handlers call.
type Deps struct {
	DB *db.DB
	// Tail hands new events to the live streams (see event.Tail).
	Tail          *event.Tail
	Workspaces    *workspace.Service
	Contacts      *contact.Service
	Conversations *conversation.Service
	Channels      *channel.Service
	// Workflows manages workflow definitions and runs (nil: the workflow
	// routes answer 404).
	Workflows *workflow.Service
	// OutgoingWebhooks manages the webhook endpoints and their deliveries
	// (nil: a service over DB whose guard allows nothing private).
	OutgoingWebhooks *webhook.Service
	// Snippets are the workspace's canned texts (nil: a service over DB).
	Snippets *snippet.Service
	// Knowledge is the knowledge base (nil: a service over DB fetching
	// web pages through a guard that allows no private network).
	Knowledge *knowledge.Service
	// AI holds the AI settings, usage and intents (nil: the AI routes
	// answer 404).
	AI *ai.Service
	// AIAgents are the workspace's AI agents (nil: their routes answer
	// 404).
	AIAgents *aiagent.Service
	// Media stores uploaded attachments (nil: the media routes answer 404).
	Media *media.Store
	// PublicURL is the node's address as integrators reach it (e.g.
	// https://switchboard.example.com); attachment URLs sent to them start
	// with it. Empty: they are paths, which the integrator resolves
	// against the address it calls.
	PublicURL string
	// Routing handles presence, capacity, queues and assignment by
	// strategy (nil: the routing routes answer 404).
	Routing *routing.Service
	// Satisfaction takes the contacts' ratings of their surveys (nil: a
	// service over DB).
	Satisfaction *satisfaction.Service
	// Broadcasts keeps the workspace's broadcasts (nil: a service over DB
	// whose sending some other part runs, without channel windows).
	Broadcasts *broadcast.Service
	// Reports answers the reports (nil: a service over DB, whose
	// projection some other part runs).
	Reports *report.Service
	// Webhooks are the channel providers' inbound routes
	// (channel.Registry.Routes), mounted at the root; they authenticate
	// with the channel's own credentials, not an API token.
	Webhooks []channel.Route
	// Metrics serves the Prometheus exposition; GET /metrics hands it to
	// bearers of MetricsToken. With either unset /metrics answers 404 (the
	// node may serve it on a listener of its own).
	Metrics      http.Handler
	MetricsToken string
	// Instruments, if set, counts and times every request
	// (switchboard_http_requests_total, switchboard_http_request_seconds).
	Instruments *metrics.Metrics
	// Limits bound what one client may take of the node (zero: none).
	Limits Limits
	// Clock times the rate limits (nil: the system clock).
	Clock clock.Clock
	// Ready reports whether the node should receive traffic.
	Ready func(ctx context.Context) error
	// Live relays typing notices between the live sockets (nil: a hub of
	// this node's sockets only).
	Live *live.Hub
	// Signs tell a conversation's contact that an agent is typing to
	// them, or read their messages, on the channels that can (nil: none
	// do).
	Signs *channel.Signs
	// App serves the web app's pages and assets at every path the API does
	// not own (nil: those answer 404).
	App http.Handler
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (for the sign-in limits); empty trusts none.
	TrustedProxies []netip.Prefix
	// Mailer sends the node's own mail: password-reset links, which start
	// with PublicURL (nil, or no PublicURL: a request for one is 409
	// mail_not_configured).
	Mailer *sysmail.Mailer
	// NotificationMailAfter is how long a notification waits unseen before
	// the node mails it (0: never), which the notification settings say.
	NotificationMailAfter time.Duration
}

// Server is the HTTP handler of a node.
type Server struct {
	deps    Deps
	mux     *http.ServeMux
	handler http.Handler // the mux inside the request-wide wrappers
	routes  []Route
	streams *streamSlots
	// live relays typing notices between the live sockets of this node.
	live *live.Hub
	// holders is the live streams' shared read of who holds the
	// conversations they deliver (see holders).
	holders *holders
	// stopping is closed when the node shuts down: live streams end, so
	// the server's graceful shutdown does not wait for them.
	stopping  chan struct{}
	closeOnce sync.Once
	rate      *ratelimit.Limiter[int64] // per API token; nil: no rate limit
	// assist is the inbox's AI help, built on first use (assistant()).
	assistOnce sync.Once
	assist     *assist.Service
	// resets sends password-reset links after their request is answered.
	resets *resetSender
	// openapi builds the OpenAPI document once, on first request.
	openapi func() (*apiDoc, error)
}

// Route is one entry of the route table; the OpenAPI test walks it.
type Route struct {
	Method  string
	Pattern string
	Handler http.Handler
}

// maxRateBuckets bounds the API tokens a node tracks at once (about 64
// bytes each). Only a node with more tokens active within one refill time
// than this ever forgets an active one, which then starts again with a
// full burst.
const maxRateBuckets = 100_000

// New builds the handler with every route.
func New(deps Deps) *Server {
	if deps.Reports == nil {
		deps.Reports = report.New(deps.DB, report.Options{})
	}
	if deps.Snippets == nil {
		deps.Snippets = snippet.New(deps.DB)
	}
	if deps.Broadcasts == nil {
		deps.Broadcasts = broadcast.New(deps.DB, broadcast.Options{})
	}
	if deps.OutgoingWebhooks == nil {
		deps.OutgoingWebhooks = webhook.New(deps.DB, webhook.Options{})
	}
	if deps.Knowledge == nil {
		deps.Knowledge = knowledge.New(deps.DB, knowledge.Options{HTTP: netguard.New(netguard.Options{}).Client()})
	}
	s := &Server{deps: deps, mux: http.NewServeMux(), streams: newStreamSlots(deps.Limits.StreamsPerUser, deps.Limits.StreamsPerNode),
		stopping: make(chan struct{}), live: deps.Live, holders: newHolders(), resets: newResetSender()}
	if s.live == nil {
		s.live = live.NewHub()
	}
	if deps.Limits.Rate > 0 {
		s.rate = ratelimit.New[int64](deps.Clock, deps.Limits.Burst, time.Duration(float64(time.Second)/deps.Limits.Rate), maxRateBuckets)
	}
	s.routes = s.table()
	decideScopes(s.routes)
	s.openapi = sync.OnceValues(func() (*apiDoc, error) { return buildOpenAPI(s.routes, operations) })
	for _, rt := range s.routes {
		s.mux.Handle(rt.Method+" "+rt.Pattern, rt.Handler)
	}
	if deps.App != nil {
		// Every API route and fallback wins over "/", so the app never
		// answers an API path.
		// The least specific pattern, with no method (a method would
		// conflict with the API's method-less fallbacks): GET and HEAD only.
		s.mux.Handle("/", onlyGET(deps.App))
	}
	for _, p := range fallbackPatterns() {
		s.mux.Handle(p, public(s.noRoute))
	}
	s.handler = withRequestID(requestObserver(deps.Instruments), withBodyDeadline(deps.Limits.BodyTimeout, http.HandlerFunc(s.route)))
	return s
}

// CloseStreams ends every live event stream, now and from now on: call it
// as the node shuts down (http.Server.RegisterOnShutdown), since a stream
// never ends by itself and graceful shutdown waits for every request.
// Clients reconnect, to another node, from their cursor.
func (s *Server) CloseStreams() { s.closeOnce.Do(func() { close(s.stopping) }) }

// Routes returns the route table.
func (s *Server) Routes() []Route { return s.routes }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}
