package channel

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// Registry holds the channel types a node knows. Providers are registered
// while the node is built, before it serves; then it is only read.
type Registry struct {
	byType map[string]Provider
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
