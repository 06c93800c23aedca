package webhook_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/webhook"
)

// Saving an endpoint that is still on, with enabled: true as the settings
// form always sends it, changes what was edited, not its health: its
// failing streak goes on and it is disabled 24 hours after it began (the
// save cleared failing_since, so an endpoint edited now and then was never
// disabled however long it failed).
func TestEditingAFailingEndpointKeepsItsFailingStreak(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, webhook.Options{})
		rc := newReceiver(t, func(n int, r received, w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) })
		ep := e.endpoint(t, rc, "message.received")
		e.run(t, webhook.DispatcherOptions{})
		e.write(t, "ada", "hello")
		e.until(t, "a failed attempt", func() bool { return len(rc.all()) >= 1 })
		failing, err := e.svc.Get(context.Background(), e.ws.ID, ep.ID)
		if err != nil || failing.FailingSince.IsZero() {
			t.Fatalf("endpoint %+v (%v), want failing since the first attempt", failing, err)
		}
		e.clock.Set(e.clock.Now().Add(12 * time.Hour))
		on, desc := true, "billing"
		got, err := e.svc.Update(context.Background(), e.ws.ID, ep.ID, webhook.Input{Description: &desc, Enabled: &on})
		if err != nil {
			t.Fatal(err)
		}
		if !got.FailingSince.Equal(failing.FailingSince) || got.Description != desc {
			t.Fatalf("after the save: failing since %v, description %q; want %v, %q", got.FailingSince, got.Description, failing.FailingSince, desc)
		}
		e.until(t, "the endpoint disabled", func() bool {
			got, err := e.svc.Get(context.Background(), e.ws.ID, ep.ID)
			return err == nil && !got.Enabled
		})
		if el := e.clock.Now().Sub(start); el > 25*time.Hour {
			t.Fatalf("disabled %s after it began failing, want 24 hours", el)
		}
	})
}
