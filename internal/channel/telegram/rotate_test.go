package telegram

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
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

// Saving a channel with another bot's token registers the new bot's
// webhook, and the bot it replaced is told to stop delivering here
// (deleteWebhook, with its own token) when its webhook is still this
// channel's: otherwise it goes on delivering updates no longer signed
// with anything this channel accepts. Best effort: the old bot's failure
// does not keep the new one from being saved and connected. A save that
// keeps the bot leaves its webhook alone (setWebhook replaces it).
func TestTokenOfAnotherBotDeletesTheOldBotsWebhook(t *testing.T) {
	const otherBot = "7000000002:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsbx"
	for _, tc := range []struct {
		name       string
		newToken   string
		oldHookAt  string // where getWebhookInfo says the old bot delivers ("" for this channel's)
		deleteFail bool
		wantOld    []string // the old bot's calls after the save
	}{
		{"another bot", otherBot, "", false, []string{"getWebhookInfo", "deleteWebhook"}},
		{"another bot, the old one failing", otherBot, "", true, []string{"getWebhookInfo", "deleteWebhook"}},
		{"another bot, the old one now delivering elsewhere", otherBot, "https://elsewhere.example/hook", false, []string{"getWebhookInfo"}},
		{"the same bot", testBotToken, "", false, []string{"setWebhook"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				oldAPI, newAPI := newBotAPI(t), newBotAPIOf(t, tc.newToken)
				reg, err := channel.NewRegistry(New(oldAPI.srv.Client()))
				if err != nil {
					t.Fatal(err)
				}
				s := channel.NewWithOptions(d, channel.Options{Registry: reg, PublicURL: "https://sb.example"})
				ws := channeltest.Workspace(t, d)
				cfg, _ := json.Marshal(Config{BotToken: testBotToken, APIBaseURL: oldAPI.srv.URL})
				ch, err := s.Create(ctx, ws.ID, channel.Input{Type: Type, Name: "bot", Config: cfg})
				if err != nil || ch.Connection == nil || !ch.Connection.OK {
					t.Fatalf("create: %+v %v", ch.Connection, err)
				}
				hook := "https://sb.example/webhooks/telegram/" + strconv.FormatInt(ch.ID, 10)
				at := hook
				if tc.oldHookAt != "" {
					at = tc.oldHookAt
				}
				oldAPI.queue("getWebhookInfo", 200, `{"ok":true,"result":{"url":"`+at+`","has_custom_certificate":false,"pending_update_count":3}}`)
				if tc.deleteFail {
					oldAPI.queue("deleteWebhook", 502, `{"ok":false,"error_code":502,"description":"Bad Gateway"}`)
				}
				api := oldAPI
				if tc.newToken != testBotToken {
					api = newAPI
				}
				cfg, _ = json.Marshal(Config{BotToken: tc.newToken, APIBaseURL: api.srv.URL})
				saved, err := s.Update(ctx, ws.ID, ch.ID, channel.Input{Config: cfg})
				if err != nil {
					t.Fatal(err)
				}
				if saved.Connection == nil || !saved.Connection.OK {
					t.Errorf("the new bot's connection %+v", saved.Connection)
				}
				var got []string
				for _, c := range oldAPI.made()[1:] {
					got = append(got, c.Method)
				}
				if strings.Join(got, ",") != strings.Join(tc.wantOld, ",") {
					t.Errorf("the old bot's calls after the save: %v, want %v", got, tc.wantOld)
				}
				if tc.newToken != testBotToken {
					if calls := newAPI.made(); len(calls) != 1 || calls[0].Method != "setWebhook" || calls[0].Params["url"] != hook {
						t.Errorf("the new bot's calls %+v, want setWebhook to %s", calls, hook)
					}
				}
			})
		})
	}
}
