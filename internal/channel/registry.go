package channel

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// Registry holds the channel types a node knows. Providers are registered
// while the node is built, before it serves; then it is only read.
type Registry struct {
	byType map[string]Provider

	mu       sync.RWMutex
	webhooks map[string]string // type -> the pattern of its inbound POST webhook, as Routes mounted it
}

// NewRegistry returns a registry of the providers given.
func NewRegistry(providers ...Provider) (*Registry, error) {
	r := &Registry{byType: map[string]Provider{}}
	for _, p := range providers {
		if err := r.Register(p); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Register adds a provider; a second one of the same type is an error.
func (r *Registry) Register(p Provider) error {
	typ := p.Type()
	if typ == "" || strings.ContainsAny(typ, "/{} ") {
		return fmt.Errorf("channel: provider type %q is not a name", typ)
	}
	if _, dup := r.byType[typ]; dup {
		return fmt.Errorf("channel: provider %q registered twice", typ)
	}
	r.byType[typ] = p
	return nil
}

// Provider returns the provider of a channel type.
func (r *Registry) Provider(typ string) (Provider, bool) {
	if r == nil {
		return nil, false
	}
	p, ok := r.byType[typ]
	return p, ok
}

// Types returns the registered types, sorted.
func (r *Registry) Types() []string {
	if r == nil {
		return nil
	}
	out := make([]string, 0, len(r.byType))
	for t := range r.byType {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// unknownType is the answer to a type no provider has.
func (r *Registry) unknownType(typ string) error {
	return apperr.Invalid("type", "unknown channel type %q (supported: %s)", typ, strings.Join(r.Types(), ", "))
}

// Routes returns every provider's webhook routes, to be mounted at the
// root of the node's HTTP server. Two providers claiming one route is an
// error.
func (r *Registry) Routes(in Inbox) ([]Route, error) {
	seen := map[string]string{}
	var out []Route
	for _, typ := range r.Types() {
		for _, rt := range r.byType[typ].Webhooks(in) {
			key := rt.Method + " " + rt.Pattern
			if other, dup := seen[key]; dup {
				return nil, fmt.Errorf("channel: route %s of %q is also %q's", key, typ, other)
			}
			if !strings.HasPrefix(rt.Pattern, "/") || rt.Handler == nil {
				return nil, fmt.Errorf("channel: route %s of %q needs an absolute pattern and a handler", key, typ)
			}
			seen[key] = typ
			out = append(out, rt)
			r.noteWebhook(typ, rt)
		}
	}
	return out, nil
}

// Senders returns the sender of each type, for the outbound dispatcher.
func (r *Registry) Senders() map[string]Sender {
	out := map[string]Sender{}
	for typ, p := range r.byType {
		out[typ] = p
	}
	return out
}

// Sender delivers outbound messages of one channel type (see Provider.Send).
type Sender interface {
	Send(ctx context.Context, ch Channel, contactExternalID string, msg conversation.Message) (providerMessageID string, err error)
}

// noteWebhook remembers the first POST webhook route of a type that names
// its channel (/webhooks/<type>/{channelID}…, the custom channel's
// /channels/custom/{channelID}/webhook) as the type's webhook, for
// WebhookPath; a type without one (the widget) has none.
func (r *Registry) noteWebhook(typ string, rt Route) {
	if rt.Method != "POST" || !strings.Contains(rt.Pattern, "{channelID}") || !strings.Contains(rt.Pattern, "webhook") {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.webhooks == nil {
		r.webhooks = map[string]string{}
	}
	if _, ok := r.webhooks[typ]; !ok {
		r.webhooks[typ] = rt.Pattern
	}
}

// WebhookPath is the path on the node where the provider of a channel
// delivers its webhooks: the type's inbound route as Routes mounted it,
// else the conventional WebhookPattern, with the channel's id.
func (r *Registry) WebhookPath(typ string, channelID int64) string {
	r.mu.RLock()
	pattern, ok := r.webhooks[typ]
	r.mu.RUnlock()
	if !ok {
		pattern = WebhookPattern(typ, "")
	}
	return strings.Replace(pattern, "{channelID}", strconv.FormatInt(channelID, 10), 1)
}
