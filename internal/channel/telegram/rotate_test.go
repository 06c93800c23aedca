package telegram

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

// The channel's token is the secret Telegram sends with every update, and
// only Switchboard holds it: rotating it registers the webhook again with
// the new one (setWebhook), or Telegram would go on sending the old one,
// refused with 401, and the bot would hear nothing more.
func TestRotatedTokenIsRegisteredWithTelegram(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		api := newBotAPI(t)
		reg, err := channel.NewRegistry(New(api.srv.Client()))
		if err != nil {
			t.Fatal(err)
		}
		s := channel.NewWithOptions(d, channel.Options{Registry: reg, PublicURL: "https://sb.example"})
		ws := channeltest.Workspace(t, d)
		cfg, _ := json.Marshal(Config{BotToken: testBotToken, APIBaseURL: api.srv.URL})
		ch, err := s.Create(ctx, ws.ID, channel.Input{Type: Type, Name: "bot", Config: cfg})
		if err != nil || ch.Connection == nil || !ch.Connection.OK {
			t.Fatalf("create: %+v %v", ch.Connection, err)
		}
		rotated, err := s.RotateToken(ctx, ws.ID, ch.ID)
		if err != nil {
			t.Fatal(err)
		}
		calls := api.made()
		if len(calls) != 2 || calls[1].Method != "setWebhook" {
			t.Fatalf("calls after rotation %+v, want a second setWebhook", calls)
		}
		hook := "https://sb.example/webhooks/telegram/" + strconv.FormatInt(ch.ID, 10)
		if calls[1].Params["secret_token"] != rotated.Token || calls[1].Params["url"] != hook || rotated.Token == ch.Token {
			t.Errorf("setWebhook %v, want url %s and the new token %s", calls[1].Params, hook, rotated.Token)
		}
		if rotated.Connection == nil || !rotated.Connection.OK || rotated.Connection.WebhookURL != hook {
			t.Errorf("the answer's connection %+v", rotated.Connection)
		}
	})
}
