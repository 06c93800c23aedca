// Package app builds a Switchboard node from its configuration and runs it:
// the store, the domain services, the background engines and the HTTP
// server, started together and stopped in reverse order.
package app

import (
	"context"
	"errors"
	"fmt"
	"github.com/switchboard-chat/switchboard/internal/broadcast"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/aiagent"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/node"
	"github.com/switchboard-chat/switchboard/internal/notification"
	"github.com/switchboard-chat/switchboard/internal/report"
	"github.com/switchboard-chat/switchboard/internal/routing"
	"github.com/switchboard-chat/switchboard/internal/satisfaction"
	"github.com/switchboard-chat/switchboard/internal/secret"
	"github.com/switchboard-chat/switchboard/internal/snippet"
	"github.com/switchboard-chat/switchboard/internal/sysmail"
	"github.com/switchboard-chat/switchboard/internal/webhook"
	"github.com/switchboard-chat/switchboard/internal/workflow"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// Config is what a node needs to start.
type Config struct {
	Addr            string        // listen address, e.g. 127.0.0.1:8080
	DataDir         string        // SQLite folder when DatabaseURL is empty
	DatabaseURL     string        // postgres://… selects PostgreSQL
	ShutdownTimeout time.Duration // how long in-flight requests get on stop
	// Clock runs the node's timers and stamps its rows (nil: the real
	// clock); tests inject a fake one.
	Clock clock.Clock
	// Lease is how long a claim on a workflow run or an outbound send
	// lasts when nothing takes it back sooner (zero: the engines'
	// defaults). A dead node's claims are taken back at once (see
	// internal/node); the lease is what is left if that fails.
	Lease time.Duration
	// SendRetryDelay and SendRetryMaxDelay are the outbound retry
	// backoff: the first retry's delay, doubled per failed attempt up to
	// the cap (zero: outbound's defaults).
	SendRetryDelay, SendRetryMaxDelay time.Duration
	// WebhooksPerWorkspace caps one workspace's channel webhooks being
	// stored at once on this node while another workspace sends too; the
	// excess is answered 429 (0: no cap).
	WebhooksPerWorkspace int

	// Sign-in protection (docs/configuration.md, "Sessions and sign-in"):
	// failed sign-ins allowed per email and per client address (zero
	// values take the defaults), password derivations at once (0: half
	// the CPUs), and the proxies whose X-Forwarded-For names the client.
	SignInPerEmail, SignInPerAddress workspace.Rate
	HashConcurrency                  int
	TrustedProxies                   []netip.Prefix
	// Limits bound what one client may take of the node (zero: none).
	Limits httpapi.Limits
	// MetricsAddr, if set, is where a second listener serves /metrics
	// alone, without authentication; the main address then does not.
	MetricsAddr string
	// MetricsToken is the bearer token /metrics asks for on the main address.
	MetricsToken string
	// AllowPrivateNetworks opens these otherwise refused ranges to the
	// calls made on a workspace's behalf (--allow-private-networks).
	AllowPrivateNetworks []netip.Prefix
	// SecretKey is the base64 of the 32-byte key sealing channel secrets
	// (--secret-key). Empty: on SQLite the data folder's key file
	// (created on first start); on PostgreSQL the node refuses to start.
	SecretKey string
	// MediaDir is where uploaded attachments are kept (empty: media/ in
	// DataDir; with neither, the node stores no media). Several nodes must
	// share it (docs/configuration.md, "Media").
	MediaDir string
	// MediaMaxBytes bounds one upload (0: media.DefaultMaxBytes).
	MediaMaxBytes int64
	// MediaS3, when set, keeps media in an S3-compatible bucket; MediaDir
	// (or DataDir's media/) is then only where uploads are spooled.
	MediaS3 *media.S3
	// PublicURL is the node's address as integrators reach it; attachment
	// URLs sent to them start with it (empty: paths alone).
	PublicURL string
	// SMTPAddr, if set, is where the SMTP listener receives email
	// channels' mail (--smtp-addr); SMTPDomain is the name it greets with.
	SMTPAddr, SMTPDomain string
	// SMTPTLSCert and SMTPTLSKey, when set, are the PEM files of the
	// certificate the SMTP listener offers STARTTLS with.
	SMTPTLSCert, SMTPTLSKey string
	// Mailer sends the node's own mail, such as password-reset links
	// (nil: the node sends none).
	Mailer *sysmail.Mailer
	// NotificationMailAfter is how long a notification waits unseen before
	// it is mailed, on a node with a Mailer and a PublicURL; 0: never.
	NotificationMailAfter time.Duration
}

// App is a node with every part built.
type App struct {
	cfg Config
	DB  *db.DB
	Hub *event.Hub
	// Background holds the node's engine loops; Background.WaitIdle
	// returns when none has anything left to do.
	Background *background.Group
	// Due is the node's one runner of timed work (snoozes, presence,
	// workflow waits, outbound sends and retries, token purges, auto-close).
	Due           *due.Runner
	Metrics       *metrics.Metrics
	Workspaces    *workspace.Service
	Contacts      *contact.Service
	Channels      *channel.Service
	Conversations *conversation.Service
	Routing       *routing.Service
	// Reports projects the log into the reports' facts and answers them.
	Reports *report.Service
	// Satisfaction sends the surveys of closed conversations and takes
	// their ratings.
	Satisfaction *satisfaction.Service
	// Broadcasts keeps and sends the workspaces' broadcasts.
	Broadcasts *broadcast.Service
	Workflows  *workflow.Service
	Snippets   *snippet.Service
	Knowledge  *knowledge.Service
	AI         *ai.Service
	// AIAgents are the AI agent members and the engines that run their
	// turns (docs/ai.md).
	AIAgents *aiagent.Service
	// Webhooks manages the outgoing webhook endpoints and deliveries.
	Webhooks *webhook.Service
	Media    *media.Store // nil: the node stores no media
	Handler  http.Handler
	guard    *netguard.Guard // see outboundGuard
	keys     *secret.Keyring // seals channel and webhook secrets (buildChannels)

	engines []func(context.Context) // background loops, each run until ctx ends
	node    *node.Node
	smtp    interface{ Addr() string } // the SMTP listener, when --smtp-addr is set
}

// New opens the store (migrating it) and builds every part.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	d, err := db.Open(ctx, db.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Clock: cfg.Clock})
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, DB: d, Hub: event.NewHub(), Metrics: metrics.New(), Background: background.NewGroup(d.Clock())}
	// Registered first: the engines' claims carry its id, and on SQLite
	// it takes back every claim a dead node left before any engine runs.
	if a.node, err = node.Start(ctx, d, cfg.DataDir, a.Background); err != nil {
		d.Close()
		return nil, err
	}
	// On PostgreSQL one node at a time runs each consumer of the log: the
	// holder of its lease, which the node's heartbeat renews.
	if l := a.node.Leases(); l != nil {
		a.Hub.UseLeases(l)
	}
	d.OnEvents(a.Hub.Notify)
	a.Metrics.Register(event.LagCollector(a.Hub))
	// The node's key seals channel credentials, webhook and AI keys, and
	// people's authenticator keys.
	if a.keys, err = secretKeys(ctx, cfg, d); err != nil {
		a.Close()
		return nil, err
	}
	a.Workspaces = workspace.NewWithOptions(d, workspace.Options{SignInPerEmail: cfg.SignInPerEmail,
		SignInPerAddress: cfg.SignInPerAddress, HashConcurrency: cfg.HashConcurrency, Keys: a.keys})
	a.Contacts = contact.New(d)
	if err := a.buildChannels(ctx); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.buildAI(); err != nil {
		a.Close()
		return nil, err
	}
	a.Conversations = conversation.New(d)
	// Sends respect each channel's customer-service window.
	a.Conversations.SetWindows(a.Channels)
	// A template is sent only as the channel last synced it, approved,
	// with its parameters and header, and its text is the template's.
	a.Conversations.SetTemplates(a.Channels)
	// An agent may start a conversation on a channel that reaches the
	// contact by phone or email, without their writing first.
	a.Conversations.SetAddressers(a.Channels)
	// A merge of two contacts with an open conversation each closes one.
	a.Contacts.SetConversationCloser(conversation.CloseForMergeTx)
	a.Snippets = snippet.New(d)
	a.Knowledge = knowledge.New(d, knowledge.Options{HTTP: a.outboundGuard().Client()})
	a.engines = append(a.engines, a.upgradeKnowledgeTerms)
	if err := a.buildMedia(); err != nil {
		a.Close()
		return nil, err
	}
	a.Due = due.New(d, due.Options{Group: a.Background, Metrics: a.Metrics})
	a.engines = append(a.engines, a.Due.Run)
	a.Due.Register(a.Conversations.SnoozeWork())
	a.Due.Register(a.Conversations.AutoCloseWork())
	a.Due.Register(a.Conversations.EarlyStatusWork())
	a.Due.Register(a.Workspaces.PurgeWork())
	if a.Media != nil {
		// Deleted files' bytes, and uploads never sent (internal/media).
		a.Due.Register(a.Media.Work(a.node.ID()))
	}
	a.Routing = routing.New(d, routing.Options{Hub: a.Hub, Group: a.Background, Due: a.Due})
	a.Conversations.OnSlotFreed(a.Routing.RefillTx)
	// A conversation read reads what the bell told of it, in one commit.
	a.Conversations.OnRead(notification.ConversationReadTx)
	a.engines = append(a.engines, a.Routing.Run)
	// The bell: notifications made from the log (mentions, assignments),
	// and, on a node that sends mail, those not seen in time mailed.
	var mailAfter time.Duration
	if cfg.Mailer.Configured() && cfg.PublicURL != "" && cfg.NotificationMailAfter > 0 {
		mailAfter = cfg.NotificationMailAfter
		a.engines = append(a.engines, notification.NewMails(d, notification.MailOptions{Mailer: cfg.Mailer, PublicURL: cfg.PublicURL,
			After: mailAfter, Principal: a.Workspaces.MemberPrincipal, Node: a.node.ID(), Due: a.Due, Group: a.Background}).Run)
	}
	a.engines = append(a.engines, notification.NewConsumer(d, a.Hub, a.Background, mailAfter).Run)
	// The inbox's search: the words of every message and of every
	// internal comment, indexed after each commit from the log.
	a.engines = append(a.engines, conversation.NewSearchConsumer(d, a.Hub, a.Background).Run)
	a.engines = append(a.engines, conversation.NewCommentSearchConsumer(d, a.Hub, a.Background).Run)
	// Satisfaction surveys: sent after a close from the log, on a node
	// that knows the address its links start with.
	a.Satisfaction = satisfaction.New(d, satisfaction.Options{PublicURL: cfg.PublicURL, Windows: a.Channels})
	if cfg.PublicURL != "" {
		a.engines = append(a.engines, a.Satisfaction.NewConsumer(a.Hub, a.Background).Run)
	}
	// Broadcasts: one message to many contacts, each queued as an
	// outbound message in no conversation, within the channels' windows
	// and templates.
	a.Broadcasts = broadcast.New(d, broadcast.Options{Windows: a.Channels, Templates: a.Channels, Node: a.node.ID(), Due: a.Due,
		Group: a.Background})
	a.engines = append(a.engines, a.Broadcasts.Run)
	// Reports: the facts projected from the whole log (docs/reports.md).
	a.Reports = report.New(d, report.Options{})
	a.engines = append(a.engines, a.Reports.NewConsumer(a.Hub, a.Background).Run)
	a.Metrics.Register(a.Routing.Collector())
	a.wireAIAgents()
	a.wireWorkflows()
	a.wireWebhooks()
	if err := a.wireChannels(ctx); err != nil {
		a.Close()
		return nil, err
	}
	// On PostgreSQL, other nodes' commits reach this node's consumers and
	// timers through NOTIFY (on SQLite there is no listener).
	if listen := d.Listener(a.Background); listen != nil {
		a.engines = append(a.engines, listen)
	}
	return a, nil
}

// Run starts the engines and serves HTTP until ctx ends, then stops in
// reverse order: stop accepting requests and let in-flight ones finish
// (a webhook being committed is answered), then stop the engines, then
// close the store. ready, if not nil, receives the bound address.
func (a *App) Run(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("app: listen on %s: %w", a.cfg.Addr, err)
	}
	// No ReadTimeout: it would end live event streams. httpapi bounds
	// each request body instead (Limits.BodyTimeout).
	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	if s, ok := a.Handler.(interface{ CloseStreams() }); ok {
		srv.RegisterOnShutdown(s.CloseStreams) // streams never end by themselves
	}
	var metricsSrv *http.Server
	if a.cfg.MetricsAddr != "" {
		if metricsSrv, err = serveMetrics(a.cfg.MetricsAddr, a.Metrics.Handler()); err != nil {
			ln.Close()
			return err
		}
	}
	engineCtx, stopEngines := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	a.Background.StartAll()
	// The heartbeat (PostgreSQL) outlives the other engines: while they
	// stop, the outbound dispatcher drains its sends in flight for up to
	// 10 s, and a node silent for node.Silence (6 s) meanwhile was taken
	// for dead, its claims on those very sends taken back and sent again
	// by another node.
	beatCtx, stopBeating := context.WithCancel(context.Background())
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		if a.node.Heartbeats() {
			supervise(beatCtx, a.node.Run)
		}
	}()
	for _, run := range a.engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			supervise(engineCtx, run)
		}()
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	slog.Info("listening", "addr", ln.Addr().String(), "store", a.DB.Dialect)
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case <-ctx.Done():
	case err = <-serveErr:
	}
	slog.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	if shutErr := srv.Shutdown(shutCtx); shutErr != nil {
		slog.Warn("http shutdown", "err", shutErr)
	}
	if metricsSrv != nil {
		metricsSrv.Close()
	}
	stopEngines()
	wg.Wait()
	stopBeating()
	<-beating
	a.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Close stops the node's registration and closes the store (which
// finishes the writes queued at its door).
func (a *App) Close() {
	if a.node != nil {
		a.node.Close()
	}
	a.DB.Close()
}

// supervise runs an engine until ctx ends, restarting it after a panic so
// one bad job cannot stop a node's background work for good.
func supervise(ctx context.Context, run func(context.Context)) {
	for ctx.Err() == nil {
		func() {
			defer func() {
				if p := recover(); p != nil {
					slog.Error("engine panicked; restarting", "panic", p, "stack", string(debug.Stack()))
				}
			}()
			run(ctx)
		}()
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}
