package webhook_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/notification"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/webhook"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A receiver that fails three times, then succeeds, gets each event
// exactly once with a valid signature, in order per conversation, while
// several conversations interleave (and one conversation's retries do not
// hold the others back).
func TestFailingReceiverGetsEachEventOnceInOrderPerConversation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, webhook.Options{})
		rc := newReceiver(t, func(n int, r received, w http.ResponseWriter) {
			if n <= 3 {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		})
		ep := e.endpoint(t, rc, "conversation.opened", "message.received")
		e.run(t, webhook.DispatcherOptions{Concurrency: 4})
		convs := map[int64]bool{}
		for round := range 3 {
			for _, who := range []string{"ada", "bob", "cyd"} {
				convs[e.write(t, who, who+" says "+string(rune('a'+round)))] = true
			}
		}
		want := e.eventsOf(t, event.ConversationOpened, event.MessageReceived)
		if len(want) != 12 {
			t.Fatalf("%d events, want 3 opened + 9 received", len(want))
		}
		e.until(t, "every event accepted", func() bool { return len(rc.accepted()) >= len(want) })
		e.idle(t)
		got := rc.accepted()
		if len(got) != len(want) {
			t.Fatalf("accepted %d deliveries, want %d", len(got), len(want))
		}
		seen := map[int64]bool{}
		last := map[int64]int64{} // conversation -> last event id accepted
		for _, r := range got {
			if seen[r.eventID] {
				t.Fatalf("event %d accepted twice", r.eventID)
			}
			seen[r.eventID] = true
			if !validSignature(ep.Secret, r) {
				t.Fatalf("event %d: signature %q does not verify", r.eventID, r.signature)
			}
			if r.payload.ID != r.eventID || r.payload.WorkspaceID != e.ws.ID || r.payload.Type != r.eventType {
				t.Fatalf("payload %+v does not match headers %d %s", r.payload, r.eventID, r.eventType)
			}
			c := r.payload.ConversationID
			if r.eventID < last[c] {
				t.Fatalf("conversation %d: event %d accepted after %d", c, r.eventID, last[c])
			}
			last[c] = r.eventID
		}
		for _, ev := range want {
			if !seen[ev.ID] {
				t.Fatalf("event %d (%s) never accepted", ev.ID, ev.Type)
			}
		}
		if n := len(rc.all()); n != len(want)+3 {
			t.Fatalf("%d POSTs, want %d events + 3 refused", n, len(want))
		}
		// The refused ones were retried after a backoff, not at once.
		if !e.clock.Now().After(start) {
			t.Fatal("the clock never moved: the retries did not wait")
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'delivered'`); n != len(want) {
			t.Fatalf("%d deliveries delivered, want %d", n, len(want))
		}
		if got := attempts(t, e.disp); got["delivered"] != float64(len(want)) || got["retry"] != 3 || got["failed"] != 0 {
			t.Fatalf("switchboard_webhook_attempts_total %v, want %d delivered and 3 retries", got, len(want))
		}
	})
}

// A node stopped after the POST went out but before its outcome was
// recorded leaves the delivery leased; the next node sends it again, with
// the same event id, once the lease ends.
func TestStopMidDeliveryRedeliversTheSameEvent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, webhook.Options{})
		arrived := make(chan struct{}, 1)
		rc := newReceiver(t, func(n int, r received, w http.ResponseWriter) {
			if n == 1 {
				arrived <- struct{}{}
				time.Sleep(200 * time.Millisecond) // the sender is gone by the time it answers
			}
		})
		ep := e.endpoint(t, rc, "message.received")
		stop := e.run(t, webhook.DispatcherOptions{Lease: time.Minute})
		e.write(t, "ada", "hello")
		select {
		case <-arrived:
		case <-time.After(time.Minute):
			t.Fatal("the delivery never arrived")
		}
		stop() // the node stops with the request out, before recording it
		ev := e.eventsOf(t, event.MessageReceived)[0]
		if state, attempts := e.deliveryState(t, ep.ID, ev.ID); state != "pending" || attempts != 0 {
			t.Fatalf("after the stop: %s after %d attempts, want pending, nothing recorded", state, attempts)
		}
		e.run(t, webhook.DispatcherOptions{})
		e.until(t, "the event accepted", func() bool { return len(rc.accepted()) >= 2 })
		all := rc.all()
		if len(all) != 2 || all[0].eventID != ev.ID || all[1].eventID != ev.ID || all[1].payload.ID != ev.ID {
			t.Fatalf("POSTs %+v, want event %d twice", all, ev.ID)
		}
		if !e.clock.Now().After(start.Add(59 * time.Second)) {
			t.Fatalf("redelivered at %s, before the first node's lease ended", e.clock.Now())
		}
	})
}

// An endpoint that fails for 24 hours is disabled, its delivery given up,
// and the workspace's owners told in the bell; 410 Gone disables at once.
func TestEndpointFailingFor24HoursIsDisabledAndOwnersAreTold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, webhook.Options{})
		owner, err := workspace.New(d).CreateUser(context.Background(), e.ws.ID, workspace.NewUser{Email: "o@example.com", Name: "O", Role: workspace.RoleOwner})
		if err != nil {
			t.Fatal(err)
		}
		agent, err := workspace.New(d).CreateUser(context.Background(), e.ws.ID, workspace.NewUser{Email: "a@example.com", Name: "A", Role: workspace.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		rc := newReceiver(t, func(n int, r received, w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) })
		ep := e.endpoint(t, rc, "message.received")
		e.run(t, webhook.DispatcherOptions{})
		e.run2(t, notification.NewConsumer(d, e.hub, e.group, 0).Run)
		e.write(t, "ada", "hello")
		e.until(t, "the endpoint disabled", func() bool {
			got, err := e.svc.Get(context.Background(), e.ws.ID, ep.ID)
			return err == nil && !got.Enabled
		})
		if el := e.clock.Now().Sub(start); el < 24*time.Hour || el > 25*time.Hour {
			t.Fatalf("disabled after %s, want 24 hours", el)
		}
		got, _ := e.svc.Get(context.Background(), e.ws.ID, ep.ID)
		if got.DisabledReason == "" {
			t.Fatal("no reason given")
		}
		n := len(rc.all())
		if n < 10 || n > 60 {
			t.Fatalf("%d attempts in 24 hours, want exponential backoff capped at an hour (10–60)", n)
		}
		ev := e.eventsOf(t, event.MessageReceived)[0]
		if state, _ := e.deliveryState(t, ep.ID, ev.ID); state != "failed" {
			t.Fatalf("delivery %s, want failed", state)
		}
		e.idle(t)
		list, err := notification.New(d).List(context.Background(), principal(e.ws.ID, owner), notification.ListFilter{}, page.First())
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Data) != 1 || list.Data[0].Kind != notification.KindWebhookDisabled || list.Data[0].SubjectID != ep.ID {
			t.Fatalf("owner's notifications %+v, want one webhook_disabled for endpoint %d", list.Data, ep.ID)
		}
		list, _ = notification.New(d).List(context.Background(), principal(e.ws.ID, agent), notification.ListFilter{}, page.First())
		if len(list.Data) != 0 {
			t.Fatalf("agent's notifications %+v, want none", list.Data)
		}
		// Later events make no deliveries while it is off.
		e.write(t, "ada", "again")
		e.idle(t)
		if c := dbtest.Count(t, d, `SELECT COUNT(*) FROM webhook_deliveries`); c != 1 {
			t.Fatalf("%d deliveries, want 1", c)
		}
	})
}

func principal(ws int64, u workspace.User) access.Principal {
	return access.Principal{WorkspaceID: ws, UserID: u.ID, Role: u.Role}
}

func TestGoneDisablesAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, webhook.Options{})
		rc := newReceiver(t, func(n int, r received, w http.ResponseWriter) { w.WriteHeader(http.StatusGone) })
		ep := e.endpoint(t, rc, "message.received")
		e.run(t, webhook.DispatcherOptions{})
		e.write(t, "ada", "hello")
		e.until(t, "one POST", func() bool { return len(rc.all()) == 1 })
		got, _ := e.svc.Get(context.Background(), e.ws.ID, ep.ID)
		if got.Enabled || got.DisabledReason == "" {
			t.Fatalf("endpoint %+v, want disabled with a reason", got)
		}
		if len(e.eventsOf(t, event.WebhookDisabled)) != 1 {
			t.Fatal("no webhook.disabled event")
		}
		// Turned back on, it is healthy again.
		on := true
		if got, err := e.svc.Update(context.Background(), e.ws.ID, ep.ID, webhook.Input{Enabled: &on}); err != nil || !got.Enabled || got.DisabledReason != "" {
			t.Fatalf("re-enable: %+v %v", got, err)
		}
	})
}

// A URL on a private address is refused at save unless the operator
// allows the range, and a delivery goes through the guard anyway.
func TestPrivateAddressRefusedUnlessAllowed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		strict := newEnv(t, d, webhook.Options{Guard: nil})
		strictSvc := webhook.New(d, webhook.Options{}) // a guard that allows nothing private
		types := []string{"message.received"}
		for _, u := range []string{"http://127.0.0.1:8080/hook", "http://10.1.2.3/hook", "http://[::1]/hook", "http://169.254.169.254/latest", "http://localhost:9/x"} {
			_, err := strictSvc.Create(context.Background(), strict.ws.ID, webhook.Input{URL: &u, EventTypes: &types})
			if apperr.KindOf(err) != apperr.KindInvalid || !contains(err.Error(), "--allow-private-networks") {
				t.Fatalf("%s: %v, want 422 naming --allow-private-networks", u, err)
			}
		}
		for _, bad := range []string{"ftp://example.com/x", "example.com", ""} {
			if _, err := strictSvc.Create(context.Background(), strict.ws.ID, webhook.Input{URL: &bad, EventTypes: &types}); apperr.KindOf(err) != apperr.KindInvalid {
				t.Fatalf("%q: %v, want invalid", bad, err)
			}
		}
		unknown := []string{"message.received", "user.presence.updated"}
		u := "https://example.com/hook"
		if _, err := strictSvc.Create(context.Background(), strict.ws.ID, webhook.Input{URL: &u, EventTypes: &unknown}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("unknown type: %v", err)
		}
		// Allowed by the operator: saved. A node whose guard does not allow
		// it still refuses to call it.
		rc := newReceiver(t, nil)
		ep := strict.endpoint(t, rc, "message.received")
		got, err := strictSvc.Test(context.Background(), strict.ws.ID, ep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != webhook.StateFailed || !contains(got.Error, "address not allowed") || len(rc.all()) != 0 {
			t.Fatalf("delivery through a strict guard: %+v, %d POSTs", got, len(rc.all()))
		}
	})
}

func contains(s, sub string) bool { return stringsContains(s, sub) }

// Test deliveries, the log and resend.
func TestTestDeliveryLogAndResend(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, webhook.Options{})
		rc := newReceiver(t, func(n int, r received, w http.ResponseWriter) { w.Write([]byte(`{"ok":true}`)) })
		ep := e.endpoint(t, rc, "message.received", "conversation.opened")
		got, err := e.svc.Test(context.Background(), e.ws.ID, ep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != webhook.StateDelivered || got.StatusCode != 200 || got.ResponseExcerpt != `{"ok":true}` || got.Attempts != 1 {
			t.Fatalf("test delivery %+v", got)
		}
		if r := rc.all()[0]; r.eventType != webhook.TestEventType || !validSignature(ep.Secret, r) {
			t.Fatalf("test POST %+v", r)
		}
		e.run(t, webhook.DispatcherOptions{})
		e.write(t, "ada", "hello")
		e.until(t, "two events delivered", func() bool { return len(rc.all()) == 3 })
		log, err := e.svc.Deliveries(context.Background(), e.ws.ID, ep.ID, webhook.DeliveryFilter{}, pageOf(2))
		if err != nil {
			t.Fatal(err)
		}
		if len(log.Data) != 2 || log.NextCursor == "" || log.Data[0].EventType != "message.received" {
			t.Fatalf("first page %+v", log)
		}
		first := log.Data[0]
		again, err := e.svc.Resend(context.Background(), e.ws.ID, ep.ID, first.ID)
		if err != nil || again.State != webhook.StatePending {
			t.Fatalf("resend: %+v %v", again, err)
		}
		e.until(t, "resent", func() bool { return len(rc.all()) == 4 })
		e.idle(t)
		if r := rc.all()[3]; r.eventID != first.EventID {
			t.Fatalf("resent event %d, want %d", r.eventID, first.EventID)
		}
		done, _ := e.svc.GetDelivery(context.Background(), e.ws.ID, ep.ID, first.ID)
		if done.State != webhook.StateDelivered || done.Attempts != 1 { // counted afresh from the resend
			t.Fatalf("after resend %+v", done)
		}
		// Rotating the secret signs with the new one.
		rot, err := e.svc.Rotate(context.Background(), e.ws.ID, ep.ID)
		if err != nil || rot.Secret == ep.Secret || rot.Secret == "" {
			t.Fatalf("rotate: %v", err)
		}
		e.svc.Test(context.Background(), e.ws.ID, ep.ID)
		if r := rc.all()[4]; !validSignature(rot.Secret, r) || validSignature(ep.Secret, r) {
			t.Fatal("not signed with the new secret")
		}
		// Another workspace sees none of it.
		if _, err := e.svc.Get(context.Background(), e.ws.ID+1, ep.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("other workspace: %v", err)
		}
	})
}

// Two nodes delivering at once never send one delivery twice.
func TestTwoDispatchersNeverSendTheSameDeliveryTwice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, webhook.Options{})
		var mu sync.Mutex
		inFlight := map[int64]bool{}
		rc := newReceiver(t, func(n int, r received, w http.ResponseWriter) {
			mu.Lock()
			dup := inFlight[r.eventID]
			inFlight[r.eventID] = true
			mu.Unlock()
			if dup {
				t.Errorf("event %d sent twice", r.eventID)
			}
			time.Sleep(5 * time.Millisecond)
		})
		e.endpoint(t, rc, "message.received")
		e.run(t, webhook.DispatcherOptions{Node: 1, Concurrency: 3})
		e.run(t, webhook.DispatcherOptions{Node: 2, Concurrency: 3})
		for i := range 12 {
			e.write(t, "c"+string(rune('a'+i)), "hi")
		}
		e.until(t, "all delivered", func() bool { return len(rc.all()) == 12 })
	})
}

// A resent delivery starts its attempts afresh: one given up after a day
// of failures, resent, and failing again is retried after the first
// backoff (BaseDelay at most), not after the hour its old attempt count
// had reached — a receiver fixed and resent to must not wait an hour for
// a hiccup.
func TestResendStartsAFreshAttemptCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		const base = 10 * time.Second
		e := newEnv(t, d, webhook.Options{BaseDelay: base, MaxDelay: time.Hour})
		rc := newReceiver(t, func(n int, r received, w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) })
		ep := e.endpoint(t, rc, "message.received")
		e.run(t, webhook.DispatcherOptions{})
		e.write(t, "ada", "hello")
		e.until(t, "the first attempt", func() bool { return len(rc.all()) == 1 })
		e.idle(t)
		// As a day of failures leaves it: given up after some 30 attempts.
		ctx := context.Background()
		var id int64
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `UPDATE webhook_deliveries SET state = 'failed', attempts = 30 WHERE endpoint_id = ? RETURNING id`, ep.ID).Scan(&id)
		}); err != nil {
			t.Fatal(err)
		}
		again, err := e.svc.Resend(ctx, e.ws.ID, ep.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if again.State != webhook.StatePending || again.Attempts != 0 {
			t.Errorf("resent delivery %s after %d attempts, want pending with no attempts yet", again.State, again.Attempts)
		}
		e.until(t, "the resent attempt", func() bool { return len(rc.all()) == 2 })
		e.idle(t)
		got, err := e.svc.GetDelivery(ctx, e.ws.ID, ep.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != webhook.StatePending || got.Attempts != 1 {
			t.Errorf("after the resent attempt %s after %d attempts, want pending after 1", got.State, got.Attempts)
		}
		if wait := got.NextAttemptAt.Sub(got.LastAttemptAt); wait > base {
			t.Errorf("the retry after the resent attempt waits %s, want at most %s (the first backoff)", wait, base)
		}
	})
}
