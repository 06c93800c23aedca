package messenger

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// ProfileTimeout bounds the profile look-ups of one webhook delivery:
// Meta waits for the answer, and a contact without a name is better than
// a redelivery.
const ProfileTimeout = 3 * time.Second

// profileFields are the User Profile API fields asked for: Messenger's
// first and last name, Instagram's name and username. The profile
// picture is a CDN URL that expires, so it is not kept as the avatar.
func (p platform) profileFields() string {
	if p.typ == TypeInstagram {
		return "name,username"
	}
	return "first_name,last_name"
}

// addProfiles asks the User Profile API (GET <graph>/<version>/<id>?fields=…)
// for the name of each contact of the items this node has not asked for
// yet, and sets it as the items' profile. Failures (a user who blocked
// the page, a missing permission, no answer in time) leave the contact
// without a name: its id names it.
func (pr *Provider) addProfiles(ctx context.Context, ch channel.Channel, cfg Config, items []conversation.Inbound) {
	if cfg.AccessToken == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, ProfileTimeout)
	defer cancel()
	found := map[string]contact.Input{}
	for _, in := range items {
		if in.Kind != conversation.KindMessage && in.Kind != conversation.KindEcho {
			continue
		}
		if _, done := found[in.ExternalID]; done || !pr.profiled.First(ch.ID, in.ExternalID) {
			continue
		}
		found[in.ExternalID] = pr.profile(ctx, cfg, in.ExternalID)
	}
	for i := range items {
		if p, ok := found[items[i].ExternalID]; ok {
			items[i].Profile = p
		}
	}
}

// profile fetches one contact's name.
func (pr *Provider) profile(ctx context.Context, cfg Config, id string) contact.Input {
	a, err := pr.call(ctx, http.MethodGet, cfg.endpoint("/"+url.PathEscape(id)+"?fields="+pr.p.profileFields()), cfg.AccessToken, nil)
	if err != nil || !a.ok() {
		return contact.Input{}
	}
	var p struct {
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Name      string `json:"name"`
		Username  string `json:"username"`
	}
	if json.Unmarshal(a.body, &p) != nil {
		return contact.Input{}
	}
	opt := func(s string) *string {
		if s = strings.TrimSpace(s); s == "" {
			return nil
		}
		return &s
	}
	if pr.p.typ == TypeInstagram {
		name := p.Name
		if name == "" {
			name = p.Username
		}
		return contact.Input{FirstName: opt(name)}
	}
	return contact.Input{FirstName: opt(p.FirstName), LastName: opt(p.LastName)}
}
