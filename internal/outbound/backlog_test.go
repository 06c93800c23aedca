package outbound_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// switchboard_due_backlog{kind="outbound"} is what could be sent now and
// is not: a message waiting behind an earlier one to the same contact,
// which waits for its retry, is not due (head of line), so it is not an
// overdue backlog that pages the operator (SwitchboardDueBacklog).
func TestBacklogLeavesOutMessagesWaitingTheirTurn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		in := newIntegrator(t, func(_ int, r request, w http.ResponseWriter) {
			if r.text == "first" {
				tryLater(w, http.StatusServiceUnavailable)
				return
			}
			ok(w, r)
		})
		e := newEnv(t, d, in)
		conv := e.conversation(t, "+14155550100")
		first := e.send(t, conv, "first")
		second := e.send(t, conv, "second")
		// As a node wires them: the dispatcher attaches to the runner,
		// then the runner runs. Run first, its first pass could find no
		// kind and the group look idle before the dispatcher's first
		// attempt was recorded.
		runner := due.New(d, due.Options{Group: e.group, Metrics: e.m})
		e.run(t, testSender(), outbound.Options{Due: runner, BaseDelay: time.Minute, MaxDelay: time.Hour})
		backgroundtest.Run(t, e.group, runner.Run)
		next := e.waitAttempted(t, first.ID)
		e.clock.Set(next.Add(-time.Second)) // the first's retry not yet due; the second waits for it
		e.idle(t)
		if j := e.jobOf(t, second.ID); j.state != "pending" || j.attempts != 0 {
			t.Fatalf("the second message's job is %+v, want pending, never attempted", j)
		}
		rec := httptest.NewRecorder()
		e.m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		for _, want := range []string{`switchboard_due_backlog{kind="outbound"} 0`, `switchboard_due_backlog_oldest_seconds{kind="outbound"} 0`} {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("metrics lack %q:\n%s", want, grepLines(rec.Body.String(), `kind="outbound"`))
			}
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
