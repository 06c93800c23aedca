package channel

import (
	"context"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// ConnectTimeout bounds the provider's Connect when a channel is saved.
const ConnectTimeout = 20 * time.Second

// Connection says what became of registering a channel with its provider
// (Connector) when it was saved: the channel is saved either way.
type Connection struct {
	OK         bool   `json:"ok"`
	WebhookURL string `json:"webhook_url"`
	// Error is the provider's refusal or the network's, for whoever saved
	// the channel to fix (a wrong token, a webhook URL the provider cannot
	// reach: set --public-url).
	Error string `json:"error,omitempty"`
	// Templates, for a provider with templates (TemplateSyncer), is how
	// many were synced once the channel connected; TemplatesError why
	// none were (the stored list is then as it was).
	Templates      *int   `json:"templates,omitempty"`
	TemplatesError string `json:"templates_error,omitempty"`
}

// webhookURL is where the provider of c delivers its webhooks: the
// channel's own base (WebhookBaser) or the node's public URL, and the
// type's webhook path ("" when the type has none; the path alone when no
// base is configured).
func (s *Service) webhookURL(c Channel) string {
	if s.reg == nil {
		return ""
	}
	if _, ok := s.reg.Provider(c.Type); !ok {
		return ""
	}
	s.reg.mu.RLock()
	_, mounted := s.reg.webhooks[c.Type]
	s.reg.mu.RUnlock()
	p, _ := s.reg.Provider(c.Type)
	if _, connects := p.(Connector); !mounted && !connects {
		return "" // no inbound webhook (the widget)
	}
	base := s.publicURL
	if wb, ok := p.(WebhookBaser); ok {
		if own := wb.WebhookBase(c); own != "" {
			base = own
		}
	}
	return strings.TrimRight(base, "/") + s.reg.WebhookPath(c.Type, c.ID)
}

// connect registers c with its provider when the provider is a
// Connector; nil otherwise.
func (s *Service) connect(ctx context.Context, c Channel) *Connection {
	if s.reg == nil {
		return nil
	}
	p, ok := s.reg.Provider(c.Type)
	conn, can := p.(Connector)
	if !ok || !can {
		return nil
	}
	out := &Connection{WebhookURL: s.webhookURL(c)}
	if _, local := p.(LocalConnector); s.publicURL == "" && !local {
		out.Error = "this node has no public URL (--public-url), so the provider cannot be told where to deliver; set it and save the channel again"
		return out
	}
	ctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	defer cancel()
	if err := conn.Connect(ctx, c, out.WebhookURL); err != nil {
		out.Error = err.Error()
		return out
	}
	out.OK = true
	s.syncOnConnect(ctx, c, out)
	return out
}

// syncOnConnect syncs the templates of channel c, just connected, when it
// has them: credentials the provider has just accepted read
// the list too, so the composer offers the templates at once rather than
// after a sync by hand (later changes follow by the provider's reports,
// or by hand). A failure is said in out and changes nothing.
func (s *Service) syncOnConnect(ctx context.Context, c Channel, out *Connection) {
	if s.syncerOf(c) == nil {
		return
	}
	list, err := s.SyncTemplates(ctx, c.WorkspaceID, c.ID)
	if err != nil {
		out.TemplatesError = apperr.MessageOf(err) // the provider's words, without the wrapped error's
		return
	}
	n := len(list)
	out.Templates = &n
}

// replaced tells a Replacer's provider that c's configuration replaced
// old's (see Replacer), within ConnectTimeout.
func (s *Service) replaced(ctx context.Context, old, c Channel) {
	if s.reg == nil {
		return
	}
	p, _ := s.reg.Provider(c.Type)
	r, ok := p.(Replacer)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	defer cancel()
	r.Replaced(ctx, old, c, s.webhookURL(old))
}

// Connect registers a saved channel with its provider again (after the
// provider refused, or the public URL changed); a type that does not
// connect is a validation error.
func (s *Service) Connect(ctx context.Context, workspaceID, id int64) (Connection, error) {
	c, err := s.Get(ctx, workspaceID, id)
	if err != nil {
		return Connection{}, err
	}
	res := s.connect(ctx, c)
	if res == nil {
		return Connection{}, errNoConnector(c.Type)
	}
	return *res, nil
}
