package outbound_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/outbound"
)

func TestRetryAfterError(t *testing.T) {
	base := errors.New("custom: the integrator answered 429: slow down")
	tests := []struct {
		name string
		err  error
		want time.Duration
		ok   bool
	}{
		{"plain error", base, 0, false},
		{"marked", outbound.WithRetryAfter(base, time.Minute), time.Minute, true},
		{"wrapped again", fmt.Errorf("send: %w", outbound.WithRetryAfter(base, 2*time.Second)), 2 * time.Second, true},
		{"capped", outbound.WithRetryAfter(base, 48*time.Hour), outbound.MaxRetryAfter, true},
		{"no delay", outbound.WithRetryAfter(base, 0), 0, false},
		{"nil", outbound.WithRetryAfter(nil, time.Minute), 0, false},
	}
	for _, tt := range tests {
		got, ok := outbound.RetryAfter(tt.err)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: RetryAfter = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
		if tt.err != nil && (outbound.IsPermanent(tt.err) || !errors.Is(tt.err, base) || !strings.HasSuffix(outbound.Reason(tt.err), base.Error())) {
			t.Errorf("%s: %v lost its cause or became permanent", tt.name, tt.err)
		}
	}
}
