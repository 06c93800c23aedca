package line

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// DefaultTimeout bounds one Messaging API call.
const DefaultTimeout = 15 * time.Second

// maxAnswerBytes bounds how much of an API answer is read.
const maxAnswerBytes = 256 << 10

// maxReasonBytes bounds LINE's words kept in a failure reason.
const maxReasonBytes = 300

// client calls the Messaging API of one channel through the node's
// guarded client. The access token travels in the Authorization header
// only, so no URL and no error holds it.
type client struct {
	http    *http.Client
	cfg     Config
	timeout time.Duration
}

// answer is an API answer, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) ok() bool { return a.status >= 200 && a.status < 300 }

// APIError is an answer of the Messaging API that is not a success: its
// error body is {"message", "details": [{"message", "property"}]}.
type APIError struct {
	Op      string // what was asked: "push", "profile", "set webhook"…
	Status  int
	Message string
	Details []ErrorDetail
}

// ErrorDetail is one detail of an API error: a property of the request
// and what is wrong with it.
type ErrorDetail struct {
	Message  string `json:"message"`
	Property string `json:"property"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("line: %s: %s (HTTP %d)", e.Op, e.reason(), e.Status)
}

// reason is LINE's message with its details, as an agent reads it.
func (e *APIError) reason() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for i, d := range e.Details {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		if d.Property != "" {
			b.WriteString(d.Property + " ")
		}
		b.WriteString(d.Message)
	}
	return limit.Storable(strings.TrimSpace(b.String()), maxReasonBytes)
}

// apiError reads an error answer into an APIError.
func apiError(op string, a answer) *APIError {
	e := &APIError{Op: op, Status: a.status}
	var body struct {
		Message string        `json:"message"`
		Details []ErrorDetail `json:"details"`
	}
	if json.Unmarshal(a.body, &body) == nil {
		e.Message, e.Details = strings.TrimSpace(body.Message), body.Details
	}
	if e.Message == "" {
		e.Message = fmt.Sprintf("HTTP %d %s", a.status, http.StatusText(a.status))
	}
	return e
}

// classify makes an error answer permanent or retryable, as LINE's
// retry guide says:
//
//	429 (rate limit, or the month's message quota)  retried, after Retry-After when given
//	5xx, 408                                        retried
//	other 4xx (a bad request, a wrong token…)       outbound.Permanent with LINE's message
func classify(op string, a answer) error {
	e := apiError(op, a)
	switch {
	case a.status == http.StatusTooManyRequests:
		delay, _ := netguard.RetryAfter(a.header, time.Now())
		return outbound.WithRetryAfter(e, delay)
	case a.status >= 500 || a.status == http.StatusRequestTimeout:
		return e
	}
	return fmt.Errorf("%w: %w", outbound.Permanent(e.reason()), e)
}

// call sends method to url on the channel's behalf, with body (when not
// nil) as JSON and the extra headers, and reads the whole answer. Only a
// failure to get an answer is an error; the caller judges the answer.
func (c *client) call(ctx context.Context, method, url string, body any, headers map[string]string) (answer, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return answer{}, fmt.Errorf("line: encode: %w", err)
		}
		rd = bytes.NewReader(raw)
	}
	timeout := c.timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return answer{}, outbound.Permanent("the channel's Messaging API URL is not usable")
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return answer{}, fmt.Errorf("line: reading the answer: %w", err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: raw}, nil
}

// do sends req with the channel's access token through the guarded
// client. An address the guard refuses is permanent; a network error is
// retried.
func (c *client) do(req *http.Request) (*http.Response, error) {
	req.Header.Set("Authorization", "Bearer "+c.cfg.ChannelAccessToken)
	return send(c.http, req)
}

// send sends req through hc (nil: a guarded client allowing no private
// network), mapping the guard's refusals to permanent errors.
func send(hc *http.Client, req *http.Request) (*http.Response, error) {
	if hc == nil {
		hc = netguard.New(netguard.Options{}).Client()
	}
	resp, err := hc.Do(req)
	if err == nil {
		return resp, nil
	}
	if refused := outbound.GuardRefusal("the LINE API address", err); outbound.IsPermanent(refused) {
		return nil, refused
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("line: %s %s: no answer in time", req.Method, req.URL.Path)
	}
	var uerr *url.Error
	if errors.As(err, &uerr) && uerr.Err != nil {
		err = uerr.Err
	}
	return nil, fmt.Errorf("line: %s %s: %w", req.Method, req.URL.Path, err)
}

// apiURL is the URL of path (starting with "/") on the Messaging API.
func (c *client) apiURL(path string) string { return c.cfg.APIBaseURL + path }

// dataURL is the URL of path on the content API (api-data.line.me).
func (c *client) dataURL(path string) string { return c.cfg.DataAPIBaseURL + path }
