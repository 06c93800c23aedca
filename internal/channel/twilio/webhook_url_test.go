package twilio

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The webhook URL a channel read carries — the one Settings offers to
// paste at Twilio — is under the channel's webhook_base_url when it has
// one: that is the address Twilio reaches the node at, and the one its
// signatures are checked for. The node's public URL is for the others.
func TestWebhookURLUsesTheChannelsWebhookBase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const public = "https://sb.example.com"
		reg, err := channel.NewRegistry(New(channeltest.LoopbackClient(), public))
		if err != nil {
			t.Fatal(err)
		}
		s := channel.NewWithOptions(d, channel.Options{Registry: reg, PublicURL: public})
		if _, err := reg.Routes(channel.Inbox{Channels: s}); err != nil { // mounted, as a node does
			t.Fatal(err)
		}
		ws := channeltest.Workspace(t, d)
		for _, tc := range []struct {
			name, base, want string
		}{
			{"a tunnel", "https://tunnel.example.net/sb/", "https://tunnel.example.net/sb/webhooks/twilio/"},
			{"none", "", public + "/webhooks/twilio/"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				cfg := map[string]string{"account_sid": testAccount, "auth_token": testToken, "from": testFrom}
				if tc.base != "" {
					cfg["webhook_base_url"] = tc.base
				}
				raw, _ := json.Marshal(cfg)
				c, err := s.Create(ctx, ws.ID, channel.Input{Type: Type, Name: "SMS " + tc.name, Config: raw})
				if err != nil {
					t.Fatal(err)
				}
				want := tc.want + strconv.FormatInt(c.ID, 10)
				if c.WebhookURL != want {
					t.Errorf("created: webhook_url %q, want %q", c.WebhookURL, want)
				}
				got, err := s.Get(ctx, ws.ID, c.ID)
				if err != nil || got.WebhookURL != want {
					t.Errorf("read: webhook_url %q (%v), want %q", got.WebhookURL, err, want)
				}
			})
		}
	})
}
