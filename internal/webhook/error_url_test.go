package webhook_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/webhook"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// An endpoint's URL often holds its own secret (a Slack or Zapier hook's
// path, a ?token=): a network error names why, not the URL, so the
// reason of webhook.disabled — an event of the log every agent of the
// workspace reads, though only managers see endpoints — does not carry
// it (Go's client error was `Post "<url>": dial tcp …`).
func TestNetworkErrorDoesNotRevealTheEndpointURL(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, webhook.Options{GiveUpAfter: time.Hour})
		agent, err := workspace.New(d).CreateUser(context.Background(), e.ws.ID, workspace.NewUser{Email: "a@example.com", Name: "A", Role: workspace.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		gone := httptest.NewServer(nil)
		url := gone.URL + "/services/T0/B0/s3cr3tpath?token=s3cr3tquery"
		gone.Close() // connection refused from now on
		types := []string{"message.received"}
		ep, err := e.svc.Create(context.Background(), e.ws.ID, webhook.Input{URL: &url, EventTypes: &types})
		if err != nil {
			t.Fatal(err)
		}
		e.run(t, webhook.DispatcherOptions{})
		e.write(t, "ada", "hello")
		e.until(t, "the endpoint disabled", func() bool {
			got, err := e.svc.Get(context.Background(), e.ws.ID, ep.ID)
			return err == nil && !got.Enabled
		})
		list, err := event.List(context.Background(), d.Reader(), event.Filter{WorkspaceID: e.ws.ID, Viewer: principal(e.ws.ID, agent),
			Types: []event.Type{event.WebhookDisabled}, Limit: 10})
		if err != nil || len(list) != 1 {
			t.Fatalf("the agent reads %d webhook.disabled events (%v), want 1", len(list), err)
		}
		reason := string(list[0].Payload)
		if strings.Contains(reason, "s3cr3t") || !strings.Contains(reason, "refused") {
			t.Errorf("webhook.disabled payload %s: want why (connection refused), without the URL", reason)
		}
		deliveries, err := e.svc.Deliveries(context.Background(), e.ws.ID, ep.ID, webhook.DeliveryFilter{}, pageOf(10))
		if err != nil || len(deliveries.Data) != 1 {
			t.Fatalf("deliveries %+v %v", deliveries.Data, err)
		}
		if got := deliveries.Data[0].Error; strings.Contains(got, "s3cr3t") || !strings.Contains(got, "refused") {
			t.Errorf("delivery error %q: want why (connection refused), without the URL", got)
		}
	})
}
