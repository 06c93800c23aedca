package outbound

import (
	"errors"
	"strings"
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
