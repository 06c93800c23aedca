package line

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
// LINE waits for the answer, and a contact without a name is better
// than a redelivery.
const ProfileTimeout = 3 * time.Second

// addProfiles names the contacts of the items this node has not asked
// about yet: a user by their display name and language (GET
// /v2/bot/profile/{userId}), a group by its name (GET
// /v2/bot/group/{groupId}/summary); a room has none. Best effort: a user
// who has not consented to share their profile (404), a missing
// permission or no answer in time leaves the contact without a name,
// and the message is stored all the same.
func (p *Provider) addProfiles(ctx context.Context, ch channel.Channel, cfg Config, items []conversation.Inbound) {
	if cfg.ChannelAccessToken == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, ProfileTimeout)
	defer cancel()
	c := p.client(cfg)
	found := map[string]contact.Input{}
	for _, in := range items {
		chat := in.ExternalID
		if _, done := found[chat]; done || !p.profiled.First(ch.ID, chat) {
			continue
		}
		found[chat] = profileOf(ctx, c, chat)
	}
	for i := range items {
		if pr, ok := found[items[i].ExternalID]; ok {
			items[i].Profile = pr
		}
	}
}

// profileOf asks LINE about one chat, by the kind its id's first letter
// names: U a user, C a group, R a room.
func profileOf(ctx context.Context, c *client, chat string) contact.Input {
	var path string
	switch {
	case strings.HasPrefix(chat, "U"):
		path = "/v2/bot/profile/" + url.PathEscape(chat)
	case strings.HasPrefix(chat, "C"):
		path = "/v2/bot/group/" + url.PathEscape(chat) + "/summary"
	default:
		return contact.Input{}
	}
	a, err := c.call(ctx, http.MethodGet, c.apiURL(path), nil, nil)
	if err != nil || !a.ok() {
		return contact.Input{}
	}
	var pr struct {
		DisplayName string `json:"displayName"`
		Language    string `json:"language"`
		GroupName   string `json:"groupName"`
	}
	if json.Unmarshal(a.body, &pr) != nil {
		return contact.Input{}
	}
	opt := func(s string) *string {
		if s = strings.TrimSpace(s); s == "" {
			return nil
		}
		return &s
	}
	if pr.GroupName != "" {
		return contact.Input{FirstName: opt(pr.GroupName)}
	}
	// LINE has one display name, which is the contact's name as a whole.
	return contact.Input{FirstName: opt(pr.DisplayName), Language: opt(pr.Language)}
}
