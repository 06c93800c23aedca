package mediafetch

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// TestRetryReasonIsStorable: a passing failure whose words came from the
// provider (a Graph API error's message, decoded from JSON, may hold
// \u0000; a body may be any bytes, of any length) is recorded as a retry
// like any other — attempts counted, the reason cleaned and cut as a
// final failure's is. PostgreSQL refused the raw reason, so the retry was
// never recorded: the fetch stayed pending at its first attempt, taken
// again at every lease's end, forever.
func TestRetryReasonIsStorable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, channel.Capabilities{})
		f.receive(t, "m1", conversation.MediaRef{Ref: "photo.png", Kind: "image"})
		fe := New(f.d, f.chs, f.store, Options{Node: 100})
		ctx := context.Background()
		jobs, err := fe.claim(ctx)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("claim: %v %v", jobs, err)
		}
		words := "provider: HTTP 503: \x00stuck\xff " + strings.Repeat("é", 3*conversation.MaxReasonLen)
		if err := fe.record(ctx, jobs[0], conversation.InboundAttachment{}, errors.New(words)); err != nil {
			t.Fatalf("record: %v", err)
		}
		var state, reason string
		var attempts int
		if err := d.Reader().QueryRow(ctx, `SELECT state, attempts, reason FROM media_fetches`).Scan(&state, &attempts, &reason); err != nil {
			t.Fatal(err)
		}
		if state != "pending" || attempts != 1 {
			t.Errorf("after a passing failure: %s after %d attempts, want pending after 1", state, attempts)
		}
		if strings.ContainsRune(reason, 0) || !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > conversation.MaxReasonLen ||
			!strings.HasPrefix(reason, "provider: HTTP 503: stuck") {
			t.Errorf("reason %q…, want it cleaned and at most %d characters", reason[:min(len(reason), 40)], conversation.MaxReasonLen)
		}
	})
}
