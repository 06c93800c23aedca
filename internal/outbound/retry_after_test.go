package outbound_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/channel/custom"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// waitAttempted lets the dispatchers do what is due now, checks that the
// message's job has recorded an attempt and returns its next_attempt_at.
func (e *env) waitAttempted(t *testing.T, messageID int64) time.Time {
	t.Helper()
	e.idle(t)
	var attempts int
	var next int64
	if err := e.d.Reader().QueryRow(context.Background(), `SELECT attempts, next_attempt_at FROM outbound_jobs WHERE message_id = ?`,
		messageID).Scan(&attempts, &next); err != nil {
		t.Fatal(err)
	}
	if attempts == 0 {
		t.Fatalf("message %d was never attempted", messageID)
	}
	return db.Time(next)
}

// A 429 or 503 with Retry-After schedules the next attempt when the
// integrator asked — in seconds or as an HTTP-date, at most an hour away —
// and never sooner than the dispatcher's own backoff.
func TestRetryAfterSchedulesTheNextAttempt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		// The clock stands still at this instant while the dispatcher
		// works: every job is due at once, and each next_attempt_at is
		// exact arithmetic on it.
		now := time.Date(2100, 1, 1, 12, 0, 0, 0, time.UTC)
		const backoff = 10 * time.Second // BaseDelay: the first backoff lies in [5s, 10s]
		tests := []struct {
			text        string
			status      int
			retryAfter  string
			exact       time.Duration // want next_attempt_at = now + exact, when set
			least, most time.Duration // else want it within [now+least, now+most]
		}{
			{"seconds", 429, "120", 2 * time.Minute, 0, 0},
			{"date", 503, now.Add(10 * time.Minute).Format(http.TimeFormat), 10 * time.Minute, 0, 0},
			{"capped", 429, "86400", time.Hour, 0, 0},
			{"sooner than backoff", 429, "1", 0, backoff / 2, backoff},
			{"not on a 500", 500, "3600", 0, backoff / 2, backoff},
			{"no header", 429, "", 0, backoff / 2, backoff},
		}
		in := newIntegrator(t, func(_ int, r request, w http.ResponseWriter) {
			for _, tt := range tests {
				if tt.text == r.text {
					w.Header().Set("Date", now.Format(http.TimeFormat))
					if tt.retryAfter != "" {
						w.Header().Set("Retry-After", tt.retryAfter)
					}
					tryLater(w, tt.status)
					return
				}
			}
			ok(w, r)
		})
		e := newEnv(t, d, in)
		e.clock.Set(now)
		ids := make([]int64, len(tests))
		for i, tt := range tests {
			ids[i] = e.send(t, e.conversation(t, fmt.Sprintf("+1415555%04d", i)), tt.text).ID
		}
		e.run(t, testSender(), outbound.Options{BaseDelay: backoff, MaxDelay: time.Hour})
		for i, tt := range tests {
			got := e.waitAttempted(t, ids[i]).Sub(now)
			switch {
			case tt.exact != 0 && got != tt.exact:
				t.Errorf("%s: next attempt in %v, want %v", tt.text, got, tt.exact)
			case tt.exact == 0 && (got < tt.least || got > tt.most):
				t.Errorf("%s: next attempt in %v, want the backoff (%v–%v)", tt.text, got, tt.least, tt.most)
			}
			if j := e.jobOf(t, ids[i]); j.state != "pending" || j.attempts != 1 {
				t.Errorf("%s: job %+v, want pending after one attempt", tt.text, j)
			}
		}
	})
}

// An integrator's huge error answer is cut to a few hundred bytes before
// it becomes the message's failure reason, which every agent reads in the
// message.status event.
func TestHugeIntegratorErrorIsTruncated(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		huge := strings.Repeat("ü", 30_000)
		in := newIntegrator(t, func(_ int, r request, w http.ResponseWriter) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":{"message":"%s"}}`, huge)
		})
		e := newEnv(t, d, in)
		m := e.send(t, e.conversation(t, "+14155550100"), "hello")
		e.run(t, testSender(), outbound.Options{})
		failed := e.waitStatus(t, m.ID, conversation.MsgFailed)
		if n := len(failed.FailureReason); n == 0 || n > 400 || !utf8.ValidString(failed.FailureReason) ||
			!strings.HasPrefix(failed.FailureReason, "üüü") {
			t.Fatalf("failure reason is %d bytes (valid UTF-8 %v): %.60q…", n, utf8.ValidString(failed.FailureReason), failed.FailureReason)
		}
		var payload string
		if err := d.Reader().QueryRow(context.Background(), `SELECT payload FROM events WHERE type = 'message.status' ORDER BY id DESC LIMIT 1`).
			Scan(&payload); err != nil {
			t.Fatal(err)
		}
		if len(payload) > 1000 || !strings.Contains(payload, "üüü") {
			t.Fatalf("message.status event payload is %d bytes: %.100q…", len(payload), payload)
		}
	})
}

// A channel whose base URL the node's guard refuses fails its message for
// good, saying how the operator can allow it; the integrator is never
// called with the channel's token.
func TestRefusedBaseURLFailsTheMessage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		in := newIntegrator(t, func(_ int, r request, w http.ResponseWriter) { ok(w, r) })
		e := newEnv(t, d, in)
		m := e.send(t, e.conversation(t, "+14155550100"), "hello")
		e.run(t, custom.NewSender(nil), outbound.Options{}) // allows no private network, 127.0.0.1 included
		failed := e.waitStatus(t, m.ID, conversation.MsgFailed)
		if !strings.Contains(failed.FailureReason, "not allowed") || !strings.Contains(failed.FailureReason, "--allow-private-networks") {
			t.Fatalf("failure reason %q, want the refusal and how to allow it", failed.FailureReason)
		}
		if j := e.jobOf(t, m.ID); j.state != "failed" || j.attempts != 1 {
			t.Fatalf("job %+v, want failed after one attempt", j)
		}
		if got := in.received(); len(got) != 0 {
			t.Fatalf("the integrator received %d requests", len(got))
		}
	})
}
