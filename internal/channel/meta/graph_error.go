package meta

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// GraphError is the Graph API's error body:
// {"error": {"message", "type", "code", "error_subcode", "fbtrace_id", "error_data": {"details"}}}.
type GraphError struct {
	Status    int    `json:"-"`
	Message   string `json:"message"`
	Type      string `json:"type"`
	Code      int    `json:"code"`
	Subcode   int    `json:"error_subcode"`
	FBTraceID string `json:"fbtrace_id"`
	// Transient is Meta's own word that the error should pass and the
	// request be tried again (e.g. code 1200, "Temporary send message
	// failure"), whatever its code and status.
	Transient bool `json:"is_transient"`
	Data      struct {
		Details string `json:"details"`
	} `json:"error_data"`
}

func (e *GraphError) Error() string {
	return fmt.Sprintf("graph api: %s, HTTP %d", e.Reason(), e.Status)
}

// Reason is the failure as an agent reads it: the provider's words and code.
func (e *GraphError) Reason() string {
	msg := e.Message
	if e.Data.Details != "" {
		msg += ": " + e.Data.Details
	}
	return fmt.Sprintf("%s (code %d)", msg, e.Code)
}

// Rate-limit and transient error codes of the Graph API: retried.
var transient = map[int]bool{
	1: true, 2: true, // unknown / service temporarily unavailable
	4: true, 17: true, 32: true, 613: true, 80007: true, // rate limits
	130429: true, 131048: true, 131056: true, // WhatsApp throughput and pair rate limits
	131000: true, 131016: true, // WhatsApp: something went wrong / service unavailable
}

// ClassifyResponse turns a Graph API answer that is not 2xx into the
// outbound error the dispatcher understands: rate limits and server
// errors are retried (after Retry-After when given), and so is an error
// Meta marks is_transient; any other error is permanent and its message
// is the failure reason people read.
func ClassifyResponse(status int, header http.Header, body []byte) error {
	var wrap struct {
		Error *GraphError `json:"error"`
	}
	ge := &GraphError{Status: status, Message: http.StatusText(status)}
	if json.Unmarshal(body, &wrap) == nil && wrap.Error != nil {
		ge = wrap.Error
		ge.Status = status
	}
	retry := status == http.StatusTooManyRequests || status >= 500 || transient[ge.Code] || ge.Transient
	if !retry {
		return fmt.Errorf("%w: %w", outbound.Permanent(ge.Reason()), ge)
	}
	// Seconds or an HTTP date (a proxy's), read as every other sender does.
	if delay, ok := netguard.RetryAfter(header, time.Now()); ok {
		return outbound.WithRetryAfter(ge, delay)
	}
	return ge
}

// AsGraphError finds a GraphError in err's chain.
func AsGraphError(err error) (*GraphError, bool) {
	var ge *GraphError
	ok := errors.As(err, &ge)
	return ge, ok
}
