package webhook_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/secret"
	"github.com/switchboard-chat/switchboard/internal/webhook"
)

// A node whose secret key does not open an endpoint's sealed secret (it
// was started with another --secret-key than the node that saved the
// endpoint) fails the attempt with that reason, sending nothing: the
// delivery backs off, and the endpoint is disabled once every delivery
// has failed for GiveUpAfter. It used to drop the attempt without a word
// in the log of deliveries and try again at every lease's end, forever.
func TestSecretThatDoesNotOpenFailsTheAttempt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		keyring := func(b byte) *secret.Keyring {
			k, err := secret.NewKeyring(bytes.Repeat([]byte{b}, secret.KeySize))
			if err != nil {
				t.Fatal(err)
			}
			return k
		}
		e := newEnv(t, d, webhook.Options{Keys: keyring(1), GiveUpAfter: time.Hour})
		rc := newReceiver(t, nil)
		ep := e.endpoint(t, rc, "message.received")
		// This node holds another key.
		e.svc = webhook.New(d, webhook.Options{Keys: keyring(2), GiveUpAfter: time.Hour, Guard: allowLocal()})
		e.run(t, webhook.DispatcherOptions{})
		e.write(t, "ada", "hello")
		e.until(t, "the endpoint disabled", func() bool {
			got, err := e.svc.Get(context.Background(), e.ws.ID, ep.ID)
			return err == nil && !got.Enabled
		})
		if n := len(rc.all()); n != 0 {
			t.Fatalf("the receiver got %d requests, want none: nothing can be signed", n)
		}
		got, _ := e.svc.Get(context.Background(), e.ws.ID, ep.ID)
		if !strings.Contains(got.DisabledReason, "secret key") {
			t.Errorf("disabled reason %q, want it to name the secret key", got.DisabledReason)
		}
		log, err := e.svc.Deliveries(context.Background(), e.ws.ID, ep.ID, webhook.DeliveryFilter{}, pageOf(10))
		if err != nil || len(log.Data) != 1 {
			t.Fatalf("deliveries %+v %v", log.Data, err)
		}
		if dl := log.Data[0]; dl.Attempts < 2 || !strings.Contains(dl.Error, "secret key") {
			t.Errorf("delivery %+v: want failed attempts naming the secret key", dl)
		}
		test, err := e.svc.Test(context.Background(), e.ws.ID, ep.ID)
		if err != nil || test.State != webhook.StateFailed || !strings.Contains(test.Error, "secret key") {
			t.Errorf("test delivery %+v, %v: want a failed delivery naming the secret key", test, err)
		}
	})
}
