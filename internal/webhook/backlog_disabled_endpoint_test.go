package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/webhook"
)

// switchboard_due_backlog{kind="webhook"} is what is due and not yet
// sent: the pending deliveries of a disabled endpoint are not due (none
// is sent until it is turned back on), so they are not an overdue
// backlog that alerts the operator.
func TestBacklogLeavesOutDisabledEndpoints(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, webhook.Options{})
		rc := newReceiver(t, func(n int, r received, w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) })
		ep := e.endpoint(t, rc, "message.received")
		m := metrics.New()
		runner := due.New(d, due.Options{Group: e.group, Metrics: m})
		disp := e.svc.NewDispatcher(webhook.DispatcherOptions{Group: e.group, Hub: e.hub, Due: runner})
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		e.group.StartAll()
		for _, run := range []func(context.Context){disp.Run, runner.Run} {
			wg.Add(1)
			go func() { defer wg.Done(); run(ctx) }()
		}
		t.Cleanup(func() { cancel(); wg.Wait() })
		e.idle(t)
		e.write(t, "ada", "hello")
		e.write(t, "bob", "hello")
		e.until(t, "both delivered once", func() bool { return len(rc.all()) == 2 })
		off := false
		if _, err := e.svc.Update(context.Background(), e.ws.ID, ep.ID, webhook.Input{Enabled: &off}); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(e.clock.Now().Add(time.Hour)) // past their next attempts
		e.idle(t)
		if n := len(rc.all()); n != 2 {
			t.Fatalf("a disabled endpoint got %d POSTs, want 2", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'`); n != 2 {
			t.Fatalf("%d pending deliveries, want 2", n)
		}
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if want := `switchboard_due_backlog{kind="webhook"} 0`; !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %q:\n%s", want, grepLines(rec.Body.String(), "kind=\"webhook\""))
		}
	})
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
