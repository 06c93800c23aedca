package outbound

import (
	"errors"
	"strings"
	"time"
)

// PermanentError is a delivery failure that retrying cannot fix: the
// provider refused the message (a blocked contact, a malformed request,
// a wrong token). The dispatcher marks the message failed with Reason and
// does not try again. Every other error a Sender returns is retried with
// backoff.
type PermanentError struct {
	// Reason is shown to the agent as the message's failure reason, so it
	// should be the provider's own words when it gave any.
	Reason string
}

func (e *PermanentError) Error() string { return "outbound: permanent failure: " + e.Reason }

// Permanent returns a PermanentError with the reason. Senders wrap it
// with %w to add context; IsPermanent and Reason still find it.
func Permanent(reason string) error {
	return &PermanentError{Reason: strings.TrimSpace(reason)}
}

// IsPermanent reports whether err, or an error it wraps, is permanent.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// Reason is what the agent is shown for a failed delivery: the reason of
// a permanent error, or the text of any other error.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var p *PermanentError
	if errors.As(err, &p) && p.Reason != "" {
		return p.Reason
	}
	return err.Error()
}

// MaxRetryAfter bounds how long a provider's Retry-After may hold a
// message back.
const MaxRetryAfter = time.Hour

// retryAfterError is a retryable failure for which the provider said when
// to try again.
type retryAfterError struct {
	err   error
	delay time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// WithRetryAfter marks err, a retryable failure, with the delay the
// provider asked for (a 429 or 503 with Retry-After), capped at
// MaxRetryAfter. The dispatcher waits for the longer of that delay and
// its own backoff.
func WithRetryAfter(err error, delay time.Duration) error {
	if err == nil || delay <= 0 {
		return err
	}
	return &retryAfterError{err: err, delay: min(delay, MaxRetryAfter)}
}

// RetryAfter reports the delay the provider asked for, if err, or an
// error it wraps, carries one.
func RetryAfter(err error) (time.Duration, bool) {
	var r *retryAfterError
	if errors.As(err, &r) {
		return r.delay, true
	}
	return 0, false
}
