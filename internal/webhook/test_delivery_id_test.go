package webhook_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/webhook"
)

// TestTestDeliveryCarriesItsDeliveryID: docs/webhooks.md says every
// delivery carries X-Switchboard-Delivery-Id, the id of its line in the
// endpoint's delivery log, and that a test delivery is sent the same way.
// The test delivery's line was written only after the answer, so its
// POST went without the header: a receiver could not tie it to the line
// the manager was looking at.
func TestTestDeliveryCarriesItsDeliveryID(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, webhook.Options{})
		for _, c := range []struct {
			name   string
			status int
			state  string
		}{
			{"answered 200", http.StatusOK, webhook.StateDelivered},
			{"answered 500", http.StatusInternalServerError, webhook.StateFailed},
		} {
			rc := newReceiver(t, func(n int, r received, w http.ResponseWriter) { w.WriteHeader(c.status) })
			ep := e.endpoint(t, rc, "message.received")
			got, err := e.svc.Test(context.Background(), e.ws.ID, ep.ID)
			if err != nil {
				t.Fatal(err)
			}
			posts := rc.all()
			if len(posts) != 1 {
				t.Fatalf("%s: %d POSTs, want 1", c.name, len(posts))
			}
			if posts[0].deliveryID == 0 || posts[0].deliveryID != got.ID {
				t.Fatalf("%s: the POST's %s is %d, want the delivery's id %d", c.name, webhook.HeaderDelivery, posts[0].deliveryID, got.ID)
			}
			if got.State != c.state || got.Attempts != 1 || got.StatusCode != c.status || got.EventType != webhook.TestEventType {
				t.Fatalf("%s: delivery %+v", c.name, got)
			}
			log, err := e.svc.Deliveries(context.Background(), e.ws.ID, ep.ID, webhook.DeliveryFilter{}, pageOf(10))
			if err != nil {
				t.Fatal(err)
			}
			if len(log.Data) != 1 || log.Data[0].ID != got.ID || log.Data[0].State != c.state {
				t.Fatalf("%s: the log %+v", c.name, log.Data)
			}
		}
	})
}
