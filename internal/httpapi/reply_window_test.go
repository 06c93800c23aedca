package httpapi_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A WhatsApp conversation's 24-hour window through the API: the
// conversation says where it stands, free text after it is refused with
// 409 reply_window_closed and nothing stored, and a template the channel
// synced still goes.
func TestReplyWindowThroughTheAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		d.SetClock(fake)
		f := newFixture(t, d)
		chs := newChannels(t, d)
		f.conv.SetWindows(chs)
		cfg, _ := json.Marshal(map[string]string{"phone_number_id": "106540352242922", "business_account_id": "102290129340398",
			"access_token": "EAAG-x", "app_secret": "s", "api_base_url": "http://127.0.0.1:1"})
		wa, err := chs.Create(context.Background(), f.ws.ID, channel.Input{Type: "whatsapp", Name: "WhatsApp", Config: cfg})
		must0(t, err)
		// The template sent after the window is one the channel synced.
		seedTemplates(t, d, wa.ID, seededTemplate{"order_update", "APPROVED", "Hi {{1}}, your order has shipped.", 1, ""})
		r, err := f.conv.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: f.ws.ID,
			ChannelID: wa.ID, ExternalID: "+14155550100", ProviderMessageID: "wamid.1", Type: "text", Text: "hi"}})
		must0(t, err)
		f.vars["conv"] = strconv.FormatInt(r[0].ConversationID, 10)
		f.run(t, []scenario{
			{name: "open", method: "GET", path: "/api/v1/conversations/{{conv}}", as: "agent", status: 200,
				want: []string{`"reply_window":{"open":true,"closes_at":"2026-03-03T09:00:00Z","rule":"template","seconds":86400}`}},
			{name: "free text inside", method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent", body: `{"text":"hello"}`, status: 202},
		})
		fake.Advance(25 * time.Hour)
		f.run(t, []scenario{
			{name: "closed", method: "GET", path: "/api/v1/conversations/{{conv}}", as: "agent", status: 200,
				want: []string{`"reply_window":{"open":false,"closes_at":"2026-03-03T09:00:00Z","rule":"template","seconds":86400}`}},
			{name: "free text outside", method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent", body: `{"text":"still there?"}`,
				status: 409, want: []string{`"code":"reply_window_closed"`,
					`"message":"The 24-hour window closed at 2026-03-03 09:00 UTC; only approved templates can be sent"`}},
			{name: "a template outside", method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent",
				body:   `{"type":"template","text":"Hi Ada","content":{"type":"template","name":"order_update","language":"en_US","params":["Ada"]}}`,
				status: 202, want: []string{`"type":"template"`, `"text":"Hi Ada, your order has shipped."`}},
		})
	})
}
