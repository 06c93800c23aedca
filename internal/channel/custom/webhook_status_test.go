package custom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/metrics/metricstest"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// sendThroughIntegrator sends n messages into the contact's conversation
// and lets the outbound dispatcher deliver them to an integrator that
// answers mIds out-1, out-2, …; it returns the sent messages in order.
func (f *fixture) sendThroughIntegrator(t *testing.T, conversationID int64, n int) []conversation.Message {
	t.Helper()
	ctx := context.Background()
	var next atomic.Int64
	integrator := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The token is sealed in the store: the dispatcher must open it.
		if r.Header.Get("Authorization") != "Bearer "+f.ch.Token {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":{"message":"not the channel's token"}}`)
			return
		}
		fmt.Fprintf(w, `{"mId":"out-%d"}`, next.Add(1))
	}))
	t.Cleanup(integrator.Close)
	cfg, _ := json.Marshal(map[string]string{"base_url": integrator.URL})
	if err := f.db.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE channels SET config = ? WHERE id = ?`, string(cfg), f.ch.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	g := background.NewGroup(f.db.Clock())
	disp := outbound.New(f.db, map[string]outbound.Sender{"custom": testSender()}, f.m, outbound.Options{Concurrency: 1, Group: g, Channels: f.channels})
	backgroundtest.Run(t, g, disp.Run)
	var out []conversation.Message
	for i := 0; i < n; i++ {
		m, err := f.convs.Send(ctx, access.System(f.ws.ID), conversationID, conversation.SendInput{Text: fmt.Sprintf("reply %d", i), Sender: conversation.SourceUser})
		if err != nil {
			t.Fatal(err)
		}
		// One at a time, so that message i gets out-(i+1).
		backgroundtest.WaitIdle(t, g)
		if m, err = f.convs.GetMessage(ctx, access.System(f.ws.ID), m.ID); err != nil || m.Status != conversation.MsgSent {
			t.Fatalf("message %d not sent: %+v, %v", m.ID, m, err)
		}
		out = append(out, m)
	}
	return out
}

// message_status events move outbound messages (found by the mId the
// integrator answered) to delivered, read, or failed with the reason; a
// status of an unknown mId changes nothing.
func TestWebhookMessageStatus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		opened := f.deliver(t, textEvent("+14155550100", EventMessage, "in-1", "hi"))
		sent := f.sendThroughIntegrator(t, opened[0].ConversationID, 2)
		if sent[0].ProviderMessageID != "out-1" || sent[1].ProviderMessageID != "out-2" {
			t.Fatalf("provider ids = %q, %q", sent[0].ProviderMessageID, sent[1].ProviderMessageID)
		}
		status := func(mID, status string) string {
			return `{"contactId":"+14155550100","events":[{"type":"message_status","mId":"` + mID + `","timestamp":1700000000000,"status":` + status + `}]}`
		}
		f.deliver(t, status("out-1", `"delivered"`))
		f.deliver(t, status("out-1", `"read"`))
		res := f.deliver(t, status("out-2", `{"value":"failed","message":"Recipient is not on WhatsApp"}`))
		if res[0].MessageID != sent[1].ID || res[0].Ignored != "" {
			t.Errorf("failed status result = %+v", res[0])
		}
		m1, err := f.convs.GetMessage(ctx, access.System(f.ws.ID), sent[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if m1.Status != conversation.MsgRead || historyOf(m1) != "pending sent delivered read" {
			t.Errorf("message 1: %s, history %q", m1.Status, historyOf(m1))
		}
		m2, err := f.convs.GetMessage(ctx, access.System(f.ws.ID), sent[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if m2.Status != conversation.MsgFailed || m2.FailureReason != "Recipient is not on WhatsApp" {
			t.Errorf("message 2: %s (%q)", m2.Status, m2.FailureReason)
		}
		if n := metricstest.Value(t, f.m, `switchboard_inbound_messages_total{channel="custom",outcome="status"}`); n != 3 {
			t.Errorf("statuses counted = %v, want 3", n)
		}

		// A status of an mId no message has yet is kept for the record of
		// its send (conversation's early statuses), and changes nothing else.
		before := rows(t, d)
		unknown := f.deliver(t, status("nope", `"delivered"`))
		if unknown[0].Ignored == "" || unknown[0].MessageID != 0 {
			t.Errorf("status of an unknown mId = %+v, want ignored", unknown[0])
		}
		after := rows(t, d)
		if after["early_statuses"] != before["early_statuses"]+1 {
			t.Errorf("status of an unknown mId: early statuses %d → %d, want it kept", before["early_statuses"], after["early_statuses"])
		}
		delete(before, "early_statuses")
		delete(after, "early_statuses")
		if fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("status of an unknown mId changed the store: %v → %v", before, after)
		}
	})
}

func historyOf(m conversation.Message) string {
	s := ""
	for i, h := range m.History {
		if i > 0 {
			s += " "
		}
		s += h.Status
	}
	return s
}
