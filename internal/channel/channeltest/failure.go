package channeltest

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// Failure is how a provider's Send must fail: for good (Permanent, with
// Reason as the agent reads it) or retried (after RetryAfter when the
// provider said when, none otherwise), and never naming Secret.
type Failure struct {
	Permanent  bool
	Reason     string // checked when Permanent
	RetryAfter time.Duration
	Secret     string
}

// CheckFailure fails t when err is not the failure wanted.
func CheckFailure(t testing.TB, err error, want Failure) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if outbound.IsPermanent(err) != want.Permanent {
		t.Fatalf("permanent = %v: %v", outbound.IsPermanent(err), err)
	}
	if want.Permanent && outbound.Reason(err) != want.Reason {
		t.Errorf("reason %q, want %q", outbound.Reason(err), want.Reason)
	}
	delay, ok := outbound.RetryAfter(err)
	if want.RetryAfter != 0 && (!ok || delay != want.RetryAfter) {
		t.Errorf("retry after %v %v, want %v", delay, ok, want.RetryAfter)
	}
	if want.RetryAfter == 0 && ok {
		t.Errorf("retry after %v, want none", delay)
	}
	if want.Secret != "" && strings.Contains(err.Error(), want.Secret) {
		t.Errorf("the error names the secret: %v", err)
	}
}
