package email

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"sync"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// Type is the email channel's type name.
const Type = "email"

// Provider is the email channel.
type Provider struct {
	dial       func(ctx context.Context, network, addr string) (net.Conn, error)
	holderName string // its name on mailbox leases without Deps.NodeID

	mu sync.RWMutex
	d  Deps
	// TLSConfig, when set, is used for IMAP and SMTP connections (tests
	// trust their own certificate); nil: the system's roots.
	TLSConfig *tls.Config

	pollers pollers
	onFreed sync.Once // RunIMAP's DueMailbox listener, added once
}

// Deps are what the provider needs beyond the HTTP client: the store, to
// read a conversation's thread when replying and to keep mailbox cursors
// and leases; the media store, for raw messages and attachments; the
// channels and the receive path, for mail the SMTP listener and the IMAP
// pollers bring in.
type Deps struct {
	DB       *db.DB
	Media    Store
	Channels *channel.Service
	Receiver channel.Receiver
	Clock    clock.Clock
	// NodeID is this node's id in the store's registry of nodes, under
	// which its pollers lease mailboxes (see Holder): a node found dead
	// has its leases taken back with its other claims. 0 (a test, a
	// tool): a name of the provider's own, whose leases wait out their
	// end.
	NodeID int64
	// MaxMessageBytes bounds a message read from a mailbox (the media
	// store's limit; 0: 25 MiB). The SMTP listener has its own option.
	MaxMessageBytes int64
	// Metrics counts what became of each mail delivered (the inbound
	// messages metric); nil: a private registry.
	Metrics *metrics.Metrics
}

var (
	_ channel.Provider       = (*Provider)(nil)
	_ channel.MediaFetcher   = (*Provider)(nil)
	_ channel.Prober         = (*Provider)(nil)
	_ channel.Connector      = (*Provider)(nil)
	_ channel.LocalConnector = (*Provider)(nil)
	_ channel.Addresser      = (*Provider)(nil)
)

// New returns the email provider, dialling SMTP and IMAP servers through
// client's guarded dialer (nil: a guard that allows no private network).
func New(client *http.Client) *Provider {
	if client == nil {
		client = netguard.New(netguard.Options{}).Client()
	}
	p := &Provider{holderName: "p" + randomHex(8)} // never a node's id: no reaper takes it back
	if t, ok := client.Transport.(*http.Transport); ok && t.DialContext != nil {
		p.dial = t.DialContext
	} else {
		p.dial = netguard.New(netguard.Options{}).Client().Transport.(*http.Transport).DialContext
	}
	return p
}

// Attach gives the provider what it needs beyond the HTTP client (see Deps).
func (p *Provider) Attach(d Deps) {
	d.Clock = clock.OrReal(d.Clock)
	if d.Metrics == nil {
		d.Metrics = metrics.New()
	}
	p.mu.Lock()
	p.d = d
	p.mu.Unlock()
}

func (p *Provider) deps() Deps {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.d
}

// Type implements channel.Provider.
func (*Provider) Type() string { return Type }

// Schema implements channel.Provider.
func (*Provider) Schema() channel.Schema { return schema }

// Validate implements channel.Provider; an address another email
// channel has is refused (see addressTaken).
func (p *Provider) Validate(config json.RawMessage, check channel.Check) (json.RawMessage, error) {
	out, err := validateConfig(config, check.Guard)
	if err != nil {
		return nil, err
	}
	if err := p.addressTaken(out, check.ChannelID); err != nil {
		return nil, err
	}
	return out, nil
}

// Capabilities implements channel.Provider: files of every kind, no
// buttons (quick replies are numbered lines), no window, long text.
func (*Provider) Capabilities() channel.Capabilities {
	return channel.Capabilities{
		Attachments:   []string{"image", "video", "audio", "file"},
		MaxTextLength: conversation.MaxTextLen,
	}
}

// MapStatus implements channel.Provider: mail reports no delivery
// statuses Switchboard maps (a bounce of a reply fails it: see Deliver).
func (*Provider) MapStatus(string) (string, bool) { return "", false }

// AddressedBy implements channel.Addresser: mail may be sent first to
// any address.
func (*Provider) AddressedBy() string { return conversation.AddressEmail }

// ExternalIDOf implements channel.Addresser: an inbound mail's sender is
// its lower-cased address, as contacts store it.
func (*Provider) ExternalIDOf(email string) string { return email }

// Webhooks implements channel.Provider: mail comes in through the node's
// SMTP listener and the IMAP pollers, not over HTTP.
func (*Provider) Webhooks(channel.Inbox) []channel.Route { return nil }

// Connect implements channel.Connector: a saved channel's IMAP poller is
// (re)started with its new settings.
func (p *Provider) Connect(_ context.Context, ch channel.Channel, _ string) error {
	p.pollers.wake(ch.ID)
	return nil
}

// ConnectsLocally implements channel.LocalConnector: restarting a poller
// needs no public URL, so a node without one restarts it all the same.
func (*Provider) ConnectsLocally() {}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
