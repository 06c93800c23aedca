package webhook_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/webhook"
)

// An endpoint that answers a redirect did not take the event: the
// delivery is not marked delivered (anything but a 2xx is retried, says
// docs/webhooks.md), and the signed request is not followed elsewhere —
// followed, a 301, 302 or 303 became a GET without the body whose 200 was
// recorded as the event delivered, and the event was lost.
func TestRedirectIsNotADelivery(t *testing.T) {
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				var mu sync.Mutex
				var got []string // method path body
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					b, _ := io.ReadAll(r.Body)
					mu.Lock()
					got = append(got, r.Method+" "+r.URL.Path+" "+string(b))
					mu.Unlock()
					if r.URL.Path == "/hook" {
						http.Redirect(w, r, "/moved", status)
					}
				}))
				t.Cleanup(srv.Close)
				e := newEnv(t, d, webhook.Options{})
				url := srv.URL + "/hook"
				types := []string{"conversation.opened"}
				ep, err := e.svc.Create(context.Background(), e.ws.ID, webhook.Input{URL: &url, EventTypes: &types})
				if err != nil {
					t.Fatal(err)
				}
				e.run(t, webhook.DispatcherOptions{})
				e.write(t, "ada", "hello")
				opened := e.eventsOf(t, event.ConversationOpened)
				if len(opened) != 1 {
					t.Fatalf("%d conversation.opened events, want 1", len(opened))
				}
				e.until(t, "one attempt", func() bool { _, n := e.deliveryState(t, ep.ID, opened[0].ID); return n >= 1 })
				if state, _ := e.deliveryState(t, ep.ID, opened[0].ID); state != webhook.StatePending {
					t.Errorf("delivery %s after a %d, want pending (to be retried)", state, status)
				}
				mu.Lock()
				defer mu.Unlock()
				if len(got) != 1 {
					t.Errorf("the receiver got %q, want the POST to /hook alone", got)
				}
			})
		})
	}
}
