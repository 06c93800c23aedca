package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/meta"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// The demo's inbound workflow runs unchanged over WhatsApp, end to end on
// a node: a contact writes through a signed Cloud API webhook, the
// welcome and the question reach a fake Graph API — the question's three
// choices as reply buttons — and the contact's button reply routes the
// conversation to Billing, whose online agent is assigned. A read status
// of the question moves it.
func TestDemoFlowOverWhatsApp(t *testing.T) {
	fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	a, url, res := runNode(t, db.SQLite, fake)
	ctx := context.Background()

	var mu sync.Mutex
	var sent []map[string]any
	graph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v21.0/106540352242922/messages" || r.Header.Get("Authorization") != "Bearer EAAG-demo" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		var body map[string]any
		raw, _ := io.ReadAll(r.Body)
		json.Unmarshal(raw, &body)
		mu.Lock()
		sent = append(sent, body)
		n := len(sent)
		mu.Unlock()
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":"447700900123","wa_id":"447700900123"}],"messages":[{"id":"wamid.out-%d"}]}`, n)
	}))
	defer graph.Close()
	const appSecret = "demo-app-secret"
	cfg, _ := json.Marshal(map[string]string{"phone_number_id": "106540352242922", "business_account_id": "102290129340398",
		"access_token": "EAAG-demo", "app_secret": appSecret, "api_base_url": graph.URL})
	ch, err := a.Channels.Create(ctx, res.WorkspaceID, channel.Input{Type: "whatsapp", Name: "WhatsApp", Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	// Billing's agents come online.
	rows, err := a.DB.Reader().Query(ctx, `SELECT tm.user_id FROM team_members tm JOIN teams t ON t.id = tm.team_id WHERE t.workspace_id = ? AND t.name = 'Billing'`, res.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	var billing []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		billing = append(billing, id)
	}
	rows.Close()
	if len(billing) == 0 {
		t.Fatal("the demo has no Billing agent")
	}
	for _, id := range billing {
		if _, err := a.Routing.Heartbeat(ctx, res.WorkspaceID, id, "phone"); err != nil {
			t.Fatal(err)
		}
	}

	deliver := func(value string) {
		t.Helper()
		body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{` +
			`"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},` + value + `}}]}]}`)
		req, _ := http.NewRequest(http.MethodPost, url+"/webhooks/whatsapp/"+strconv.FormatInt(ch.ID, 10), bytes.NewReader(body))
		req.Header.Set(meta.SignatureHeader, meta.Sign(appSecret, body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("webhook answered %d %s", resp.StatusCode, out)
		}
		backgroundtest.WaitIdle(t, a.Background)
	}
	contacts := `"contacts":[{"profile":{"name":"Ada Lovelace"},"wa_id":"447700900123"}],`
	deliver(contacts + `"messages":[{"from":"447700900123","id":"wamid.in-1","timestamp":"1772442000","type":"text","text":{"body":"Hello, a question about my invoice"}}]`)

	mu.Lock()
	got := append([]map[string]any(nil), sent...)
	mu.Unlock()
	if len(got) != 2 {
		t.Fatalf("%d sends, want the welcome and the question: %v", len(got), got)
	}
	welcome, _ := json.Marshal(got[0]["text"])
	if got[0]["type"] != "text" || got[0]["to"] != "447700900123" || string(welcome) != `{"body":"Hi Ada, thanks for getting in touch!","preview_url":false}` {
		t.Errorf("welcome %v", got[0])
	}
	question, _ := json.Marshal(got[1]["interactive"])
	const buttons = `{"action":{"buttons":[{"reply":{"id":"Sales","title":"Sales"},"type":"reply"},{"reply":{"id":"Support","title":"Support"},"type":"reply"},` +
		`{"reply":{"id":"Billing","title":"Billing"},"type":"reply"}]},"body":{"text":"What can we help you with?"},"type":"button"}`
	if got[1]["type"] != "interactive" || string(question) != buttons {
		t.Fatalf("question %s", question)
	}
	var questionID int64
	if err := a.DB.Reader().QueryRow(ctx, `SELECT id FROM messages WHERE provider_message_id = 'wamid.out-2' AND channel_id = ?`, ch.ID).Scan(&questionID); err != nil {
		t.Fatalf("the question was not stored with WhatsApp's id: %v", err)
	}

	deliver(`"statuses":[{"id":"wamid.out-2","status":"read","timestamp":"1772442060","recipient_id":"447700900123"}]`)
	var status string
	a.DB.Reader().QueryRow(ctx, `SELECT status FROM messages WHERE id = ?`, questionID).Scan(&status)
	if status != "read" {
		t.Errorf("the question is %q after WhatsApp's read status", status)
	}

	deliver(contacts + `"messages":[{"context":{"from":"15550783881","id":"wamid.out-2"},"from":"447700900123","id":"wamid.in-2","timestamp":"1772442070",` +
		`"type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"Billing","title":"Billing"}}}]`)
	var assignee, team int64
	var teamName string
	if err := a.DB.Reader().QueryRow(ctx, `SELECT COALESCE(c.assignee_id, 0), COALESCE(c.team_id, 0), COALESCE(t.name, '') FROM conversations c
		LEFT JOIN teams t ON t.id = c.team_id WHERE c.channel_id = ?`, ch.ID).Scan(&assignee, &team, &teamName); err != nil {
		t.Fatal(err)
	}
	if teamName != "Billing" || !contains(billing, assignee) {
		t.Fatalf("conversation with team %q (%d), assignee %d; want a Billing agent of %v", teamName, team, assignee, billing)
	}
	var finished int
	a.DB.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM workflow_runs r JOIN conversations c ON c.id = r.conversation_id WHERE c.channel_id = ? AND r.status = 'finished'`, ch.ID).Scan(&finished)
	if finished != 1 {
		t.Errorf("%d finished runs, want 1", finished)
	}
}

func contains(list []int64, v int64) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
